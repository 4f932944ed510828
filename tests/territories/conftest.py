"""Two companies for the territory tests: the tiny company of tests/conftest.py with two more accounts
the rules cannot place and a small rule set with one of everything (geo rules, an override, a tie, a
dead rule, a deal rule); and a small demo company (scale 0.02: 503 accounts, 3 planted duplicate
pairs, 5 orphans) for the management tests."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.demo.company import build_demo
from engine.store import Store
from tests.conftest import fill_tiny_company

AS_OF = date(2025, 1, 1)
RULES = pl.DataFrame({
    "rule_id": ["R1", "R2", "R3", "R4", "R5", "R6", "R7"],
    "territory_id": ["AM-W", "AM-E", "EU-DE", "AM-E", "EU-DE", "EU", "AM-E"],
    "priority": [10, 10, 10, 5, 50, 1, 10],
    "expression": ['country == "US" and state == "CA"', 'country == "US" and state == "NY"', 'country == "DE"',
                   'account_id == "A5"', 'industry == "Nothing"', 'amount > 1000 and region == "EU"',
                   'industry == "Finance"'],
    "kind": ["account", "account", "account", "override", "account", "deal", "account"],
})


def fill_rules_company(store) -> None:
    fill_tiny_company(store)
    with store.transaction() as tx:
        tx.insert_frame("accounts", pl.DataFrame({
            "account_id": ["A7", "A8"], "name": ["Nowhere Ltd", "Lone Star LLC"], "industry": ["Retail", "Retail"],
            "country": [None, "US"], "state": [None, "TX"], "territory_id": [None, "AM-W"],
            "owner_rep_id": [None, "R1"]}))
        tx.execute("UPDATE territories SET owner_rep_id = 'R3' WHERE territory_id = 'EU'")


@pytest.fixture
def rules_store(store):
    fill_rules_company(store)
    return store


@pytest.fixture
def small_demo() -> Store:
    store = Store.open(":memory:")
    build_demo(store, scale=0.02)
    yield store
    store.close()
