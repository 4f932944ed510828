"""Seasonality weights and pacing milestones from known histories."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.metrics.periods import parse_period
from engine.metrics.seasonality import MIN_DEALS_FOR_CURVE, month_weights, pacing_curve, pacing_milestones
from tests.forecast.conftest import won_deals


def test_month_weights_average_each_years_shares(seed_store):
    weights = month_weights(seed_store, parse_period("2025"))
    # FY2024: Jan .1, Mar .2, Jul .45, Dec .25; FY2023: Jan .25, Feb .75; FY2022: nothing (skipped).
    assert weights["years_used"].unique().to_list() == [2]
    got = dict(zip(weights["fiscal_month"], weights["weight"]))
    assert got == pytest.approx({1: 0.175, 2: 0.375, 3: 0.1, 4: 0, 5: 0, 6: 0, 7: 0.225, 8: 0, 9: 0, 10: 0, 11: 0,
                                 12: 0.125})
    assert weights["share"].sum() == pytest.approx(1)


def test_month_weights_of_a_quarter_renormalise(seed_store):
    weights = month_weights(seed_store, parse_period("2025-Q1"))
    assert weights["share"].to_list() == pytest.approx([0.175 / 0.65, 0.375 / 0.65, 0.1 / 0.65])


def test_month_weights_with_a_july_fiscal_year(seed_store):
    # FY2025 (Jul 2024–Jun 2025) looks back at FY2024 = Jul 2023–Jun 2024: Jan 100, Mar 200 → 1/3, 2/3.
    weights = month_weights(seed_store, parse_period("2025", fiscal_start_month=7), years=1)
    assert weights["period_start"][0] == date(2024, 7, 1) and weights["fiscal_month"][0] == 1
    got = dict(zip(weights["period_start"].dt.month(), weights["weight"]))
    assert got[1] == pytest.approx(1 / 3) and got[3] == pytest.approx(2 / 3) and got[7] == 0


def test_no_history_splits_evenly(store):
    weights = month_weights(store, parse_period("2025"))
    assert weights["weight"].to_list() == [1.0] * 12 and weights["years_used"][0] == 0


def test_pacing_curve_linear_without_history(store):
    curve = pacing_curve(store, date(2024, 2, 15))
    assert curve["basis"].unique().to_list() == ["linear"]
    assert curve["fraction"].to_list() == pytest.approx([10 / 29, 20 / 29])  # Feb 2024 has 29 days


def test_pacing_curve_from_history(store):
    # 30 deals of 100 on the 5th, 10 of 300 on the 25th over the 36 months before Jan 2025.
    rows = [("T", "R", 100.0, date(2023, 1 + i % 12, 5)) for i in range(MIN_DEALS_FOR_CURVE)]
    rows += [("T", "R", 300.0, date(2024, 1 + i, 25)) for i in range(10)]
    store.insert_frame("deals", won_deals(rows, "P"))
    curve = pacing_curve(store, date(2025, 1, 20))
    assert curve["basis"].unique().to_list() == ["history"]
    assert curve["fraction"].to_list() == pytest.approx([0.5, 0.5])  # 3,000 of 6,000 by day 10 and by day 20


@pytest.mark.parametrize(("day", "expected_now", "pace"), [(9, 0.0, None), (10, 300.0, 0.5), (25, 600.0, 0.25)])
def test_pacing_milestones(day, expected_now, pace):
    curve = pl.DataFrame({"day": [10, 20], "fraction": [0.3, 0.6], "basis": ["linear"] * 2})
    figures = pl.DataFrame({"name": ["Company"], "target": [1000.0], "won": [150.0]})
    milestones = pacing_milestones(figures, curve, date(2024, 3, day)).row(0, named=True)
    assert (milestones["by_day_10"], milestones["by_day_20"]) == (300, 600)
    assert milestones["expected_now"] == expected_now and milestones["pace"] == pace
