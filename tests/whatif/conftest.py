"""A hand-made company for the what-if tests: every figure below can be checked on paper.

Region EU → territories FR (owner Ana, home Paris), UK (Ben, London), DE (Chen, Berlin).
Ten accounts; A10 has no territory or rep; A09 has no coordinates. As of 2025-01-01 the trailing
12 months are [2024-01-01, 2025-01-01):
    won      FR 3,000 (A01 1,000 + A02 2,000)   UK 4,600 (A04 4,000 + A06 600)   DE 7,900 (A07 7,000 + A09 900)
    pipeline FR 1,000 (A01 300 + A03 700)       UK 1,500 (A05)                   DE 100 (A07)   unassigned 50 (A10)
    activities FR 2 (1 visit)  UK 2 (2 visits)  DE 1 (1 visit)   targets FY2025: FR 12,000, UK 6,000, DE 0
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from engine.store.settings import load_settings
from engine.store import Store
from engine.planner.plan import build_baseline

AS_OF = date(2025, 1, 1)
PARIS, LONDON, BERLIN = (48.8566, 2.3522), (51.5074, -0.1278), (52.52, 13.405)
LYON, MANCHESTER, MUNICH = (45.764, 4.8357), (53.4808, -2.2426), (48.1351, 11.582)


def fill_planner_company(store: Store) -> None:
    d, ts = date, datetime
    territories = pl.DataFrame({
        "territory_id": ["EU", "FR", "UK", "DE"], "name": ["Europe", "France", "United Kingdom", "Germany"],
        "parent_id": [None, "EU", "EU", "EU"], "owner_rep_id": [None, "R1", "R2", "R3"],
    })
    reps = pl.DataFrame({
        "rep_id": ["R1", "R2", "R3"], "name": ["Ana", "Ben", "Chen"],
        "email": ["ana@example.com", None, "chen@example.com"],
        "home_lat": [PARIS[0], LONDON[0], BERLIN[0]], "home_lon": [PARIS[1], LONDON[1], BERLIN[1]],
    })
    places = [PARIS, PARIS, LYON, LONDON, LONDON, MANCHESTER, BERLIN, MUNICH, (None, None), PARIS]
    accounts = pl.DataFrame({
        "account_id": [f"A{i:02d}" for i in range(1, 11)],
        "name": [f"Account {i}" for i in range(1, 11)],
        "industry": ["Retail", "Software", "Retail", "Finance", "Software", "Retail", "Energy", "Energy",
                     "Software", "Retail"],
        "country": ["FR", "FR", "FR", "GB", "GB", "GB", "DE", "DE", "DE", "FR"],
        "state": ["IDF", "IDF", "ARA", "ENG", "ENG", "ENG", "BE", "BY", "BE", "IDF"],
        "city": ["Paris", "Paris", "Lyon", "London", "London", "Manchester", "Berlin", "Munich", "Berlin", "Paris"],
        "postal_code": ["75001", "75008", "69001", "EC1A", "EC2A", "M1", "10115", "80331", "10117", "75002"],
        "lat": [p[0] for p in places], "lon": [p[1] for p in places],
        "annual_revenue": [1e6 * i for i in range(1, 11)],
        "territory_id": ["FR", "FR", "FR", "UK", "UK", "UK", "DE", "DE", "DE", None],
        "owner_rep_id": ["R1", "R1", "R1", "R2", "R2", "R2", "R3", "R3", "R3", None],
    })
    deal_rows = [  # deal, account, amount, amount_rc, status, close
        ("D01", "A01", 1000, 1000, "won", d(2024, 3, 1)), ("D02", "A01", 500, 500, "won", d(2023, 6, 1)),
        ("D03", "A01", 300, 300, "open", d(2025, 3, 1)), ("D04", "A02", 2000, 2000, "won", d(2024, 12, 31)),
        ("D05", "A03", 700, 700, "open", d(2025, 2, 1)), ("D06", "A03", 900, 900, "lost", d(2024, 6, 1)),
        ("D07", "A04", 4000, 4000, "won", d(2024, 1, 1)), ("D08", "A05", 5000, 5000, "won", d(2025, 1, 1)),
        ("D09", "A05", 1500, 1500, "open", d(2025, 4, 1)), ("D10", "A06", 600, 600, "won", d(2024, 8, 8)),
        ("D11", "A07", 7700, 7000, "won", d(2024, 9, 9)), ("D12", "A07", 100, 100, "open", d(2025, 5, 5)),
        ("D13", "A09", 900, 900, "won", d(2024, 10, 10)), ("D14", "A10", 50, 50, "open", d(2025, 6, 6)),
    ]
    deals = pl.DataFrame(deal_rows, schema=["deal_id", "account_id", "amount", "amount_rc", "status", "close_date"],
                         orient="row").with_columns(pl.col("amount", "amount_rc").cast(pl.Float64))
    accounts_owner = dict(zip(accounts["account_id"], zip(accounts["territory_id"], accounts["owner_rep_id"])))
    deals = deals.with_columns(
        territory_id=pl.col("account_id").replace_strict({k: v[0] for k, v in accounts_owner.items()}),
        owner_rep_id=pl.col("account_id").replace_strict({k: v[1] for k, v in accounts_owner.items()}))
    activities = pl.DataFrame([
        ("X1", "A01", "meeting", ts(2024, 5, 1, 10)), ("X2", "A01", "call", ts(2024, 5, 2, 10)),
        ("X3", "A04", "Visit", ts(2024, 2, 2, 9)), ("X4", "A04", "visit", ts(2024, 3, 3, 9)),
        ("X5", "A04", "email", ts(2023, 1, 1, 9)), ("X6", "A08", "meeting", ts(2024, 12, 31, 23)),
    ], schema=["activity_id", "account_id", "type", "ts"], orient="row")
    months = pl.date_range(d(2024, 1, 1), d(2025, 12, 1), "1mo", eager=True)
    targets = pl.concat([
        pl.DataFrame({"scope": "territory", "scope_id": "FR", "period_start": months, "amount": 1000.0}),
        pl.DataFrame({"scope": "territory", "scope_id": "UK", "period_start": months, "amount": 500.0}),
        pl.DataFrame({"scope": "rep", "scope_id": "R1", "period_start": months, "amount": 900.0}),
    ])
    with store.transaction() as tx:
        for table, frame in (("territories", territories), ("reps", reps), ("accounts", accounts),
                             ("deals", deals), ("activities", activities), ("targets", targets)):
            tx.insert_frame(table, frame)


@pytest.fixture
def planner_store(store: Store) -> Store:
    fill_planner_company(store)
    return store


@pytest.fixture
def baseline(planner_store: Store):
    return build_baseline(planner_store, as_of=AS_OF, settings=load_settings(environ={}))


@pytest.fixture
def planner_db(tmp_path) -> str:
    """The planner company in a database file (for the CLI), closed so the CLI can open it."""
    path = str(tmp_path / "planner.duckdb")
    store = Store.open(path)
    fill_planner_company(store)
    store.close()
    return path
