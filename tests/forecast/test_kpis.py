"""KPI figures on the hand-made forecast company, worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from engine.metrics.kpis import KPI_COLUMNS, kpi_table, lead_response, seasonality_matrix, star_performers
from engine.metrics.performance import attainment_table
from engine.metrics.periods import parse_period

FY2024 = parse_period("2024")


def by_name(frame):
    return {row["name"]: row for row in frame.iter_rows(named=True)}


def test_kpi_table_by_territory(forecast_store, settings):
    table = kpi_table(forecast_store, FY2024, "territory", settings)
    assert tuple(table.columns) == (*KPI_COLUMNS, "id")
    one, two = by_name(table)["Tee One"], by_name(table)["Tee Two"]
    # Won A 2,000 + C 500 + D 4,000 + W 3,000; lost B, E, L.
    assert (one["won"], one["won_count"], one["lost_count"]) == (9500, 4, 3)
    assert one["win_rate"] == pytest.approx(4 / 7)
    assert one["avg_deal_size"] == 2375
    assert one["sales_cycle_days"] == 70.5          # cycles 39, 70, 71, 75 days
    assert one["new_customers"] == 2                # NEW1 (C) and NEW2 (D); OLD first won in 2023
    assert (one["activities"], one["activities_per_rep"]) == (3, 1.5)   # 3 activities, 2 member reps
    assert (two["won"], two["new_customers"], two["activities"], two["activities_per_rep"]) == (1000, 1, 1, 1.0)
    assert two["lost_count"] == 0 and two["win_rate"] == 1.0


def test_kpi_rows_and_won_agree_with_the_attainment_table(forecast_store, settings):
    for level in ("company", "region", "territory", "rep"):
        kpis = kpi_table(forecast_store, FY2024, level, settings)
        attainment = attainment_table(forecast_store, FY2024, level, None, settings)
        assert kpis.select("id", "name", "won").equals(attainment.select("id", "name", "won"))
    company = kpi_table(forecast_store, FY2024, "company", settings).row(0, named=True)
    assert (company["won"], company["won_count"], company["lost_count"], company["new_customers"]) == (10_500, 5, 3, 3)
    assert company["activities_per_rep"] == pytest.approx(4 / 3)


def test_kpi_table_by_rep(forecast_store, settings):
    reps = by_name(kpi_table(forecast_store, FY2024, "rep", settings))
    assert (reps["Ana"]["won"], reps["Ana"]["won_count"], reps["Ana"]["lost_count"]) == (5500, 3, 2)
    assert reps["Ana"]["sales_cycle_days"] == 70    # 39, 70, 71
    assert (reps["Xia"]["won"], reps["Xia"]["lost_count"], reps["Xia"]["activities"]) == (4000, 1, 1)
    assert reps["Bob"]["activities_per_rep"] == 1


def test_empty_period_has_no_rates(forecast_store, settings):
    table = kpi_table(forecast_store, parse_period("2030"), "territory", settings)
    assert table["won_count"].to_list() == [0, 0]
    assert table["win_rate"].to_list() == [None, None] and table["avg_deal_size"].to_list() == [None, None]


def test_lead_response(forecast_store, settings):
    leads = by_name(lead_response(forecast_store, parse_period("2024-Q1"), "territory", settings))
    # C answered after 8 h, D after 48 h; E's account was last touched before E existed.
    one = leads["Tee One"]
    assert (one["leads"], one["responded"], one["unanswered"]) == (3, 2, 1)
    assert one["median_response_hours"] == 28
    assert one["responded_within_24h"] == pytest.approx(1 / 3)
    assert leads["Tee Two"]["leads"] == 0 and leads["Tee Two"]["responded_within_24h"] is None


def test_star_performers(forecast_store, settings):
    stars = star_performers(forecast_store, FY2024, settings, top=2)
    assert stars["name"].to_list() == ["Ana", "Xia"] and stars["rank"].to_list() == [1, 2]
    assert stars["won"].to_list() == [5500, 4000]


def test_seasonality_matrix(forecast_store, settings):
    matrix = seasonality_matrix(forecast_store, settings, as_of=date(2024, 7, 15))
    assert matrix["region"].unique().to_list() == ["Region"] and matrix.height == 12
    won = dict(zip(matrix["month"], matrix["won"]))
    assert {m: w for m, w in won.items() if w} == {2: 2000, 3: 500, 5: 5000, 8: 3000}
    assert dict(zip(matrix["month"], matrix["share"]))[5] == pytest.approx(5000 / 10_500)
    assert matrix["years"].to_list() == [3] * 12
