"""The tiny company (tests/conftest.py) with activities and one ownerless account: small enough to
check every score and alert by hand. As of 20 Jun 2024 (its last activity)."""
from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from tests.conftest import fill_tiny_company

ACTIVITY_DAYS = {  # account → activity days (20 Jun is the as-of day)
    "A1": ["2024-06-18", "2024-05-01", "2024-03-01"], "A2": ["2024-06-20"], "A3": ["2024-02-01"],
    "A5": ["2024-04-01"], "A6": ["2024-06-10", "2024-01-15"],
}


def fill_health_company(store) -> None:
    fill_tiny_company(store)
    rows = [(account, day) for account, days in ACTIVITY_DAYS.items() for day in days]
    store.insert_frame("activities", pl.DataFrame({
        "activity_id": [f"X{i}" for i in range(len(rows))], "account_id": [a for a, _ in rows],
        "rep_id": ["R1"] * len(rows), "type": ["call"] * len(rows),
        "ts": [datetime.fromisoformat(d).replace(hour=9) for _, d in rows]}))
    store.insert_frame("accounts", pl.DataFrame({
        "account_id": ["A7"], "name": ["Nobody Ltd"], "country": ["DE"], "territory_id": ["EU-DE"]}))


@pytest.fixture
def health_store(store):
    fill_health_company(store)
    return store


@pytest.fixture
def crm_store(store):
    from tests.health.crm import fill_crm_company

    fill_crm_company(store)
    return store
