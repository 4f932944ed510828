"""The health score reads the trend's windows and each account's last activity before them, not
every activity: the scores are the same as from all of them (checked on the health company, where
every factor is on paper, and on the demo), for several as-of days and trend windows."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from engine.demo.company import build_demo
from engine.health.config import HealthConfig
from engine.health.receivables import account_receivables, invoice_table
from engine.health.score import health_table, score_frame
from engine.metrics.sales_data import sales_data
from engine.store.activity_reads import activities_since
from tests.health.conftest import fill_health_company


def scores_from_every_activity(store, as_of: date, config: HealthConfig) -> pl.DataFrame:
    data = sales_data(store)
    deals = data.deals.select("account_id", "status", "created_date", "close_date", "amount_rc")
    receivables = account_receivables(invoice_table(store), as_of)
    return score_frame(data.accounts, deals, store.table("activities", ["account_id", "ts"]), as_of, config, receivables)


@pytest.mark.parametrize("as_of", [date(2024, 6, 20), date(2024, 3, 1), date(2023, 12, 31)])
@pytest.mark.parametrize("trend_days", [90, 30, 7])
def test_the_scores_equal_those_from_every_activity(store, as_of, trend_days):
    fill_health_company(store)
    config = HealthConfig(trend_days=trend_days)
    assert_frame_equal(health_table(store, as_of, config), scores_from_every_activity(store, as_of, config))


def test_on_the_demo(store):
    build_demo(store, scale=0.02)
    as_of = date(2025, 6, 30)
    config = HealthConfig()
    assert_frame_equal(health_table(store, as_of, config), scores_from_every_activity(store, as_of, config))


def test_activities_since_keeps_the_window_and_each_accounts_last_before_it(store):
    store.insert_frame("activities", pl.DataFrame({
        "activity_id": ["X1", "X2", "X3", "X4", "X5", "X6"], "account_id": ["A", "A", "A", "B", None, "C"],
        "rep_id": ["R"] * 6, "type": ["call"] * 6,
        "ts": [datetime(2024, 1, 1), datetime(2024, 2, 1), datetime(2024, 6, 1), datetime(2023, 5, 5),
               datetime(2024, 6, 2), datetime(2024, 7, 1)]}))
    found = activities_since(store, datetime(2024, 3, 1), datetime(2024, 7, 1))
    assert sorted(found.iter_rows()) == [("A", datetime(2024, 2, 1)), ("A", datetime(2024, 6, 1)),
                                         ("B", datetime(2023, 5, 5))]
