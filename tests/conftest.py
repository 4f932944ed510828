"""Fixtures every test can use: a fresh store, a tiny hand-made company, the repo paths."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from engine.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "data" / "crm"
OUTPUT = REPO / "test-output"
# Servers and shells under test compute on demand; tests/test_warm_start.py turns the warm start on.
os.environ.setdefault("TERRAIN_WARM_START", "0")


@pytest.fixture
def store() -> Store:
    """An empty in-memory Terrain database with the current schema."""
    s = Store.open(":memory:")
    yield s
    s.close()


def fill_tiny_company(store: Store) -> None:
    """Company → 2 regions → 3 territories, 3 reps, 6 accounts, 10 deals, FY2024 targets.

    Small enough that every figure can be checked by hand (see tests/test_tiny_company.py).
    """
    territories = pl.DataFrame({
        "territory_id": ["CO", "AM", "EU", "AM-W", "AM-E", "EU-DE"],
        "name": ["Company", "Americas", "EMEA", "US West", "US East", "DACH"],
        "parent_id": [None, "CO", "CO", "AM", "AM", "EU"],
        "type": ["geo"] * 6, "level": [0, 1, 1, 2, 2, 2],
    })
    reps = pl.DataFrame({
        "rep_id": ["R1", "R2", "R3"], "name": ["Ada West", "Bo East", "Carla Berlin"],
        "home_lat": [37.77, 40.71, 52.52], "home_lon": [-122.42, -74.01, 13.40],
        "capacity": [50, 50, 50],
    })
    members = pl.DataFrame({"territory_id": ["AM-W", "AM-E", "EU-DE"], "rep_id": ["R1", "R2", "R3"],
                            "role": ["owner"] * 3})
    accounts = pl.DataFrame({
        "account_id": [f"A{i}" for i in range(1, 7)],
        "name": ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Siemens Kunde"],
        "industry": ["Manufacturing", "Finance", "Software", "Health", "Software", "Manufacturing"],
        "country": ["US", "US", "US", "US", "US", "DE"],
        "state": ["CA", "CA", "NY", "NY", "CA", "BE"],
        "city": ["San Francisco", "Oakland", "New York", "Brooklyn", "Palo Alto", "Berlin"],
        "lat": [37.77, 37.80, 40.71, 40.68, 37.44, 52.52],
        "lon": [-122.42, -122.27, -74.01, -73.94, -122.14, 13.40],
        "owner_rep_id": ["R1", "R1", "R2", "R2", "R1", "R3"],
        "territory_id": ["AM-W", "AM-W", "AM-E", "AM-E", "AM-W", "EU-DE"],
        "annual_revenue": [1e6, 2e6, 3e6, 4e6, 5e6, 6e6],
    })
    d = date
    deals = pl.DataFrame({
        "deal_id": [f"D{i}" for i in range(1, 11)],
        "account_id": ["A1", "A1", "A2", "A3", "A3", "A4", "A5", "A6", "A6", "A6"],
        "amount": [1000.0, 3000, 500, 2000, 700, 1500, 4000, 2500, 800, 1200],
        "currency": ["USD"] * 7 + ["EUR"] * 3,
        "amount_rc": [1000.0, 3000, 500, 2000, 700, 1500, 4000, 2750, 880, 1320],
        "status": ["won", "won", "lost", "won", "open", "open", "won", "won", "lost", "open"],
        "probability": [1.0, 1.0, 0.0, 1.0, 0.5, 0.3, 1.0, 1.0, 0.0, 0.6],
        "created_date": [d(2023, 11, 1), d(2024, 1, 5), d(2024, 1, 10), d(2024, 2, 1), d(2024, 3, 1),
                         d(2024, 4, 1), d(2024, 1, 15), d(2024, 2, 10), d(2024, 3, 3), d(2024, 5, 1)],
        "close_date": [d(2024, 1, 20), d(2024, 3, 15), d(2024, 2, 20), d(2024, 5, 10), d(2024, 9, 30),
                       d(2024, 10, 15), d(2024, 6, 1), d(2024, 4, 20), d(2024, 5, 5), d(2024, 11, 30)],
        "owner_rep_id": ["R1", "R1", "R1", "R2", "R2", "R2", "R1", "R3", "R3", "R3"],
        "territory_id": ["AM-W", "AM-W", "AM-W", "AM-E", "AM-E", "AM-E", "AM-W", "EU-DE", "EU-DE", "EU-DE"],
        "stage": ["Closed Won", "Closed Won", "Closed Lost", "Closed Won", "Proposal", "Qualification",
                  "Closed Won", "Closed Won", "Closed Lost", "Negotiation"],
    })
    months = pl.date_range(d(2024, 1, 1), d(2024, 12, 1), "1mo", eager=True)
    targets = pl.concat([
        pl.DataFrame({"scope": "rep", "scope_id": rep, "period_start": months, "amount": monthly})
        for rep, monthly in (("R1", 1000.0), ("R2", 500.0), ("R3", 400.0))
    ])
    fx = pl.DataFrame({"currency": ["USD", "EUR"], "rate_to_reporting": [1.0, 1.1],
                       "valid_from": [d(2000, 1, 1), d(2000, 1, 1)]})
    with store.transaction() as tx:
        for name, frame in (("territories", territories), ("reps", reps), ("territory_members", members),
                            ("accounts", accounts), ("deals", deals), ("targets", targets), ("fx_rates", fx)):
            tx.insert_frame(name, frame)


@pytest.fixture
def tiny_store(store: Store) -> Store:
    fill_tiny_company(store)
    return store


def database_file(path: Path, fill=None) -> Path:
    """A Terrain database file at `path`, filled by `fill(store)` and closed (ready to be served)."""
    store = Store.open(path)
    if fill:
        fill(store)
    store.close()
    return path
