"""Forecast figures on the hand-made forecast company (tests/forecast/conftest.py)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from engine.metrics.forecast import (CATEGORIES, FORECAST_COLUMNS, accuracy_summary, forecast_accuracy, forecast_categories,
                                     forecast_table, monthly_forecast, normalise_category, past_periods)
from engine.metrics.periods import parse_period

Q3 = parse_period("2024-Q3")
AS_OF = date(2024, 7, 15)


def rows(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["name"]: row for row in frame.iter_rows(named=True)}


def test_forecast_table_has_the_report_columns_and_the_seed_figure(forecast_store, settings):
    table = forecast_table(forecast_store, Q3, "territory", settings, as_of=AS_OF)
    assert tuple(table.columns) == (*FORECAST_COLUMNS, "id")
    one, two = rows(table)["Tee One"], rows(table)["Tee Two"]
    assert (one["won"], one["pipeline"], one["win_rate"]) == (3000, 10_100, 0.6)
    assert one["weighted_forecast"] == pytest.approx(6060)           # the seed: 10,100 × 60%
    assert one["probability_forecast"] == pytest.approx(5090)        # 10,000 × 0.5 + 100 × 0.9
    assert one["projected"] == pytest.approx(9060) and one["target"] == 15_000
    assert one["projected_attainment"] == pytest.approx(9060 / 15_000)
    # Tee Two has 1 closed deal (< 5): it borrows the region's 7 won of 11 closed.
    assert two["win_rate"] == pytest.approx(7 / 11)
    assert two["weighted_forecast"] == pytest.approx(2000 * 7 / 11) and two["probability_forecast"] == pytest.approx(400)
    assert two["target"] is None and two["projected_attainment"] is None


def test_monthly_forecast_adds_up_to_the_company_row(forecast_store, settings):
    monthly = monthly_forecast(forecast_store, Q3, settings, as_of=AS_OF)
    assert monthly["month"].to_list() == [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)]
    assert monthly["won"].to_list() == [3000, 0, 0]
    assert monthly["pipeline"].to_list() == [0, 12_000, 100]
    assert monthly["weighted_forecast"].to_list() == pytest.approx([0, 12_000 * 7 / 11, 100 * 7 / 11])
    assert monthly["probability_forecast"].to_list() == pytest.approx([0, 5400, 90])
    assert monthly["cumulative_target"].to_list() == [5000, 10_000, 15_000]
    company = forecast_table(forecast_store, Q3, "company", settings, as_of=AS_OF).row(0, named=True)
    assert monthly["cumulative_projected"][-1] == pytest.approx(company["projected"]) == pytest.approx(10_700)
    assert monthly["probability_projected"].sum() == pytest.approx(company["won"] + company["probability_forecast"])


def test_monthly_forecast_within_a_scope(forecast_store, settings):
    monthly = monthly_forecast(forecast_store, Q3, settings, scope=["T1"], as_of=AS_OF)
    assert monthly["pipeline"].to_list() == [0, 10_000, 100]
    assert monthly["weighted_forecast"].sum() == pytest.approx(6060)


@pytest.mark.parametrize(("raw", "status", "probability", "expected"), [
    ("Commit", "open", 0.1, ("Commit", False)),
    ("BestCase", "open", 0.9, ("Best Case", False)),
    ("best_case", "open", None, ("Best Case", False)),
    ("Forecast", "open", 0.2, ("Commit", False)),        # Salesforce's old name for Commit
    ("Omitted", "open", 0.9, ("Omitted", False)),
    ("Closed", "open", 0.8, ("Commit", True)),           # an open deal cannot be Closed: placed by probability
    (None, "open", 0.7, ("Commit", True)),
    (None, "open", 0.4, ("Best Case", True)),
    ("whatever", "open", 0.39, ("Pipeline", True)),
    (None, "open", None, ("Pipeline", True)),
    ("Pipeline", "won", 0.1, ("Closed", False)),
    ("Commit", "lost", 0.9, ("Omitted", False)),
])
def test_normalise_category(raw, status, probability, expected):
    assert normalise_category(raw, status, probability) == expected


def test_forecast_categories(forecast_store, settings):
    categories = forecast_categories(forecast_store, Q3, settings, as_of=AS_OF)
    assert categories["category"].to_list() == list(CATEGORIES)
    by = rows(categories.rename({"category": "name"}))
    assert [by[c]["deals"] for c in CATEGORIES] == [1, 1, 2, 0, 1]
    assert [by[c]["amount"] for c in CATEGORIES] == [3000, 2000, 10_100, 0, 500]
    assert categories["cumulative"].to_list() == [3000, 5000, 15_100, 15_100, None]
    assert [by[c]["probability_forecast"] for c in CATEGORIES] == pytest.approx([3000, 400, 5090, 0, 0])
    assert by["Best Case"]["derived"] == 1  # F had no category and a 50% probability


def test_past_periods_are_the_ended_ones_before():
    assert [p.code for p in past_periods(Q3, AS_OF, 2)] == ["2024-Q1", "2024-Q2"]
    assert [p.code for p in past_periods(parse_period("2024-Q4"), AS_OF, 2)] == ["2024-Q1", "2024-Q2"]
    assert [p.code for p in past_periods(parse_period("2024-08"), date(2024, 8, 3), 3)] == ["2024-05", "2024-06", "2024-07"]


def test_forecast_accuracy_two_periods_by_hand(forecast_store, settings):
    accuracy = forecast_accuracy(forecast_store, Q3, "territory", settings, periods=2, as_of=AS_OF)
    one = accuracy.filter(pl.col("name") == "Tee One").sort("period_start")
    # Q1: A 2,000 + B 1,000 known at 1 Jan × 60% (3 of 5 in 2023) = 1,800; won A + C = 2,500.
    # Q2: D 4,000 + E 800 known at 1 Apr × 62.5% (5 of 8) = 3,000; won D = 4,000.
    assert one["period"].to_list() == ["2024-Q1", "2024-Q2"]
    assert one["forecast"].to_list() == pytest.approx([1800, 3000])
    assert one["actual"].to_list() == [2500, 4000]
    assert one["ape"].to_list() == pytest.approx([0.28, 0.25])
    summary = rows(accuracy_summary(accuracy))
    assert summary["Tee One"]["mape"] == pytest.approx(0.265)
    assert summary["Tee One"]["bias"] == pytest.approx((4800 - 6500) / 6500)
    # Tee Two's Q2 deal was created during Q2: nobody could forecast it (APE 100%); Q1 closed nothing.
    assert (summary["Tee Two"]["mape"], summary["Tee Two"]["periods"]) == (1.0, 1)
    assert accuracy_summary(accuracy)["name"].to_list() == ["Tee One", "Tee Two"]


def test_forecast_accuracy_by_rep(forecast_store, settings):
    accuracy = forecast_accuracy(forecast_store, Q3, "rep", settings, periods=2, as_of=AS_OF)
    ana = accuracy.filter(pl.col("name") == "Ana").sort("period_start")
    assert ana["forecast"].to_list() == pytest.approx([1800, 0]) and ana["actual"].to_list() == [2500, 0]
    xia = accuracy.filter(pl.col("name") == "Xia").sort("period_start")
    assert xia["forecast"].to_list() == pytest.approx([0, 3000]) and xia["actual"].to_list() == [0, 4000]


@hypothesis_settings(max_examples=20, deadline=None)
@given(st.sampled_from(["2024-Q3", "2024-07", "2024-08", "2024"]), st.sampled_from([None, ["T1"], ["T2"], ["R1"]]))
def test_months_always_add_up_to_the_period(code, scope):
    from engine.store.settings import load_settings
    from engine.store import Store
    from tests.forecast.conftest import fill_forecast_company

    store = Store.open(":memory:")
    try:
        fill_forecast_company(store)
        settings = load_settings(environ={}).with_(win_rate_min_closed=5)
        period = parse_period(code)
        monthly = monthly_forecast(store, period, settings, scope=scope, as_of=AS_OF)
        whole = forecast_table(store, period, "company", settings, scope=scope, as_of=AS_OF).row(0, named=True)
        assert monthly["won"].sum() == pytest.approx(whole["won"])
        assert monthly["pipeline"].sum() == pytest.approx(whole["pipeline"])
        assert monthly["probability_forecast"].sum() == pytest.approx(whole["probability_forecast"])
        assert monthly["weighted_forecast"].sum() == pytest.approx(whole["weighted_forecast"])
    finally:
        store.close()


def test_forecast_detail_says_where_the_rate_comes_from(forecast_store, settings):
    from engine.metrics.forecast import forecast_detail

    detail = rows(forecast_detail(forecast_store, Q3, "territory", settings, as_of=AS_OF))
    assert (detail["Tee One"]["win_rate_source"], detail["Tee Two"]["win_rate_source"]) == ("own", "parent")
    assert detail["Tee One"]["method_gap"] == pytest.approx(5090 - 6060)
    assert detail["Tee One"]["probability_projected"] == pytest.approx(3000 + 5090)
