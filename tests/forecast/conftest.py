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
