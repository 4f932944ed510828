"""The planner's baseline reads no big table a second time: deals from the shared SalesData frames,
activities counted per account inside DuckDB (`activities_per_account`), checked on the what-if
company of tests/whatif/conftest.py, whose figures are on paper there."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine.planner.baseline import VISIT_TYPES, build_baseline
from engine.store.activity_reads import activities_per_account
from tests.whatif.conftest import AS_OF, fill_planner_company


@pytest.fixture
def planner_store(store):
    fill_planner_company(store)
    return store


@pytest.mark.parametrize(("start", "end", "expected"), [
    # [2024-01-01, 2025-01-01): A01 meeting + call, A04 Visit + visit, A08 a meeting at 23:00 on 31 Dec
    (datetime(2024, 1, 1), datetime(2025, 1, 1), {"A01": (2, 1), "A04": (2, 2), "A08": (1, 1)}),
    # the end is exclusive, the start inclusive: 2024-02-02 09:00 is in, 2024-05-02 10:00 is out
    (datetime(2024, 2, 2, 9), datetime(2024, 5, 2, 10), {"A01": (1, 1), "A04": (2, 2)}),
    (datetime(2023, 1, 1), datetime(2023, 1, 2), {"A04": (1, 0)}),  # an e-mail is workload, not a visit
    (datetime(2026, 1, 1), datetime(2027, 1, 1), {}),
])
def test_activities_per_account(planner_store, start, end, expected):
    found = activities_per_account(planner_store, start, end, VISIT_TYPES)
    assert {row["account_id"]: (row["activities"], row["visits"]) for row in found.iter_rows(named=True)} == expected


def test_the_baseline_reads_neither_deals_nor_activities_as_tables(planner_store, monkeypatch):
    from engine.metrics.sales_data import sales_data

    sales_data(planner_store)  # what every page holds already, once per data version
    read: list[str] = []
    original = type(planner_store).table

    def table(self, name, columns=None):
        read.append(name)
        return original(self, name, columns)

    monkeypatch.setattr(type(planner_store), "table", table)
    baseline = build_baseline(planner_store, as_of=AS_OF)
    assert not {"deals", "activities"} & set(read), read
    by_account = dict(zip(baseline.accounts["account_id"], baseline.accounts["activities"]))
    assert (by_account["A01"], by_account["A04"], by_account["A08"], by_account["A02"]) == (2.0, 2.0, 1.0, 0.0)
    visits = dict(zip(baseline.accounts["account_id"], baseline.accounts["visit_hours"]))
    assert visits["A04"] == 2 * baseline.visit_hours_per_visit
    won = dict(zip(baseline.accounts["account_id"], baseline.accounts["won"]))
    assert (won["A01"], won["A07"], won["A05"]) == (1000.0, 7000.0, 0.0)  # amount_rc; 2025-01-01 is after
