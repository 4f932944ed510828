"""Hand-made companies whose forecast, target and KPI figures are worked out by hand in the tests.

`seed_store`: company CO → regions NORTH / SOUTH / EAST / WEST; NORTH → N1 (reps RA, RB) and N2 (RC);
the other regions are leaves owned by RS, RE, RW. FY2024 won revenue 300 / 250 / 200 / 250 (the
seed's 30/25/20/25), every deal closed on the 5th or 25th so the seasonality is known.
"""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.store import Store

TERRITORIES = pl.DataFrame({
    "territory_id": ["CO", "NORTH", "SOUTH", "EAST", "WEST", "N1", "N2"],
    "name": ["Company", "North", "South", "East", "West", "North One", "North Two"],
    "parent_id": [None, "CO", "CO", "CO", "CO", "NORTH", "NORTH"],
    "level": [0, 1, 1, 1, 1, 2, 2],
})
REPS = pl.DataFrame({"rep_id": ["RA", "RB", "RC", "RS", "RE", "RW"],
                     "name": ["Ann", "Ben", "Cai", "Sol", "Eve", "Wu"]})
MEMBERS = pl.DataFrame({
    "territory_id": ["N1", "N1", "N2", "SOUTH", "EAST", "WEST", "WEST"],
    "rep_id": ["RA", "RB", "RC", "RS", "RE", "RW", "RA"],
    "role": ["owner", "owner", "owner", "owner", "owner", "owner", "overlay"],
})
# (territory, rep, amount, close date): FY2024 history. Jan–Jun on the 5th, the rest on the 25th.
WON_2024 = [
    ("N1", "RA", 100.0, date(2024, 1, 5)), ("N1", "RB", 50.0, date(2024, 3, 5)),
    ("N2", "RC", 150.0, date(2024, 3, 25)), ("SOUTH", "RS", 250.0, date(2024, 7, 25)),
    ("EAST", "RE", 200.0, date(2024, 7, 5)), ("WEST", "RW", 250.0, date(2024, 12, 25)),
]
# FY2023: all in January and February (weights for the seasonality test).
WON_2023 = [("SOUTH", "RS", 100.0, date(2023, 1, 25)), ("SOUTH", "RS", 300.0, date(2023, 2, 5))]


def won_deals(rows: list[tuple], prefix: str) -> pl.DataFrame:
    return pl.DataFrame({
        "deal_id": [f"{prefix}{i}" for i in range(len(rows))],
        "account_id": [f"ACC-{t}" for t, *_ in rows],
        "territory_id": [t for t, *_ in rows], "owner_rep_id": [r for _, r, *_ in rows],
        "amount": [a for *_, a, _ in rows], "amount_rc": [a for *_, a, _ in rows],
        "status": ["won"] * len(rows), "created_date": [d for *_, d in rows], "close_date": [d for *_, d in rows],
    })


def fill_seed_company(store: Store) -> None:
    accounts = pl.DataFrame({
        "account_id": ["ACC-N1", "ACC-N1b", "ACC-N2", "ACC-SOUTH", "ACC-EAST", "ACC-WEST"],
        "name": ["n1", "n1b", "n2", "s", "e", "w"],
        "territory_id": ["N1", "N1", "N2", "SOUTH", "EAST", "WEST"],
        "owner_rep_id": ["RA", "RB", "RC", "RS", "RE", "RW"],
        "annual_revenue": [3e6, 1e6, 4e6, 2e6, 6e6, 4e6],
    })
    with store.transaction() as tx:
        tx.insert_frame("territories", TERRITORIES)
        tx.insert_frame("reps", REPS)
        tx.insert_frame("territory_members", MEMBERS)
        tx.insert_frame("accounts", accounts)
        tx.insert_frame("deals", pl.concat([won_deals(WON_2024, "W24-"), won_deals(WON_2023, "W23-")]))


@pytest.fixture
def seed_store(store: Store) -> Store:
    fill_seed_company(store)
    return store


# --- the forecast company ---------------------------------------------------------------------
# CO → R1 → T1 (reps RA, RX) and T2 (RB). T1 closed 3 won / 2 lost in H2 2023, then Q1–Q2 2024
# deals whose forecast-at-start is worked out by hand in test_forecast.py; in 2024-Q3 T1 has
# 10,100 of open pipeline at a 60% trailing win rate (the seed's 6,060).
def _deal(deal_id, territory, rep, account, amount, status, created, closed, probability=None, category=None):
    return {"deal_id": deal_id, "territory_id": territory, "owner_rep_id": rep, "account_id": account,
            "amount": amount, "amount_rc": amount, "status": status, "created_date": created,
            "close_date": closed, "probability": probability, "forecast_category": category}


FORECAST_DEALS = [
    *[_deal(f"H{i}", "T1", "RA", "OLD", 1000.0, "won", date(2023, 6, 1), date(2023, 8, 10)) for i in range(3)],
    *[_deal(f"H{i}", "T1", "RA", "OLD", 1000.0, "lost", date(2023, 6, 1), date(2023, 9, 10)) for i in (3, 4)],
    _deal("A", "T1", "RA", "OLD", 2000.0, "won", date(2023, 12, 1), date(2024, 2, 10)),
    _deal("B", "T1", "RA", "OLD", 1000.0, "lost", date(2023, 12, 15), date(2024, 3, 1)),
    _deal("C", "T1", "RA", "NEW1", 500.0, "won", date(2024, 1, 10), date(2024, 3, 20)),
    _deal("D", "T1", "RX", "NEW2", 4000.0, "won", date(2024, 3, 1), date(2024, 5, 15)),
    _deal("E", "T1", "RX", "NEW2", 800.0, "lost", date(2024, 3, 10), date(2024, 6, 10)),
    _deal("W", "T1", "RA", "NEW1", 3000.0, "won", date(2024, 6, 1), date(2024, 7, 10)),
    _deal("L", "T1", "RA", "OLD", 500.0, "lost", date(2023, 11, 1), date(2024, 7, 12), 0.0, "Omitted"),
    _deal("F", "T1", "RA", "OLD", 10000.0, "open", date(2023, 11, 1), date(2024, 8, 20), 0.5, None),
    _deal("G", "T1", "RX", "NEW2", 100.0, "open", date(2023, 11, 1), date(2024, 9, 5), 0.9, "BestCase"),
    _deal("T2W", "T2", "RB", "NEW3", 1000.0, "won", date(2024, 4, 1), date(2024, 5, 1)),
    _deal("T2O", "T2", "RB", "NEW3", 2000.0, "open", date(2023, 11, 1), date(2024, 8, 1), 0.2, "Commit"),
]


def fill_forecast_company(store: Store) -> None:
    from datetime import datetime

    territories = pl.DataFrame({"territory_id": ["CO", "R1", "T1", "T2"], "name": ["Company", "Region", "Tee One", "Tee Two"],
                                "parent_id": [None, "CO", "R1", "R1"]})
    reps = pl.DataFrame({"rep_id": ["RA", "RX", "RB"], "name": ["Ana", "Xia", "Bob"]})
    members = pl.DataFrame({"territory_id": ["T1", "T1", "T2"], "rep_id": ["RA", "RX", "RB"], "role": ["owner"] * 3})
    accounts = pl.DataFrame({"account_id": ["OLD", "NEW1", "NEW2", "NEW3"], "name": ["Old", "New1", "New2", "New3"],
                             "territory_id": ["T1", "T1", "T1", "T2"], "owner_rep_id": ["RA", "RA", "RX", "RB"]})
    activities = pl.DataFrame({
        "activity_id": ["V1", "V2", "V3", "V4"], "account_id": ["NEW1", "NEW2", "OLD", "NEW3"],
        "deal_id": ["C", "D", None, None], "rep_id": ["RA", "RX", "RA", "RB"],
        "ts": [datetime(2024, 1, 10, 8), datetime(2024, 3, 3), datetime(2024, 2, 1, 9), datetime(2024, 4, 2, 12)]})
    targets = pl.DataFrame({"scope": ["territory"] * 3, "scope_id": ["T1"] * 3,
                            "period_start": [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)],
                            "amount": [5000.0, 5000.0, 5000.0]})
    with store.transaction() as tx:
        for name, frame in (("territories", territories), ("reps", reps), ("territory_members", members),
                            ("accounts", accounts), ("deals", pl.DataFrame(FORECAST_DEALS)),
                            ("activities", activities), ("targets", targets)):
            tx.insert_frame(name, frame)


@pytest.fixture
def forecast_store(store: Store) -> Store:
    fill_forecast_company(store)
    return store


@pytest.fixture
def settings():
    """Defaults, with a territory needing 5 closed deals (not 20) to keep its own win rate."""
    from engine.store.settings import load_settings

    return load_settings(environ={}).with_(win_rate_min_closed=5)
