"""Every chart builder of the three pages renders a Vega-Lite spec whose title states the finding."""
from __future__ import annotations

from datetime import date

import pytest

from engine.charts.activity import cycle_by_row, revenue_by_row, seasonality_heatmap
from engine.charts.forecast import accuracy_bars, categories_funnel, methods_side_by_side, path_to_target
from engine.charts.targets import month_split, region_split
from engine.metrics.forecast import accuracy_summary, forecast_accuracy, forecast_categories, forecast_table, monthly_forecast
from engine.metrics.kpis import kpi_table, seasonality_matrix
from engine.metrics.periods import parse_period
from engine.metrics.seasonality import month_weights
from engine.metrics.targets import decompose

Q3, AS_OF = parse_period("2024-Q3"), date(2024, 7, 15)


def title(chart) -> str:
    spec = chart.to_dict()
    found = spec.get("title")
    text = found if isinstance(found, (str, list)) else found["text"]
    return " ".join(text) if isinstance(text, list) else text  # a long title is wrapped into lines


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_forecast_charts(forecast_store, settings, lang):
    monthly = monthly_forecast(forecast_store, Q3, settings, as_of=AS_OF)
    assert title(path_to_target(monthly, lang)) == {
        "en": "Projected $10.7K falls $4.3K short of the $15K target",
        "zh": "预计完成 $1.1万，距目标 $1.5万 还差 $4,300"}[lang]
    table = forecast_table(forecast_store, Q3, "territory", settings, as_of=AS_OF)
    assert "$7.3K" in title(methods_side_by_side(table, "en"))  # 6,060 + 1,272.73
    assert title(categories_funnel(forecast_categories(forecast_store, Q3, settings, as_of=AS_OF), "en")) == \
        "Closed + Commit = $5K; with Best Case $15.1K"
    summary = accuracy_summary(forecast_accuracy(forecast_store, Q3, "territory", settings, periods=2, as_of=AS_OF))
    assert title(accuracy_bars(summary, lang)).startswith("Tee One")


def test_target_charts(seed_store):
    nodes = decompose(seed_store, 1_000_000, parse_period("2025"), "last_year")
    assert title(region_split(nodes)) == "North carries the largest share: 30.0% of the target"
    assert title(month_split(month_weights(seed_store, parse_period("2025")))) == \
        "Feb 2025 is the biggest month (37.5% of the year)"


def test_activity_charts(forecast_store, settings):
    kpis = kpi_table(forecast_store, parse_period("2024"), "territory", settings)
    assert title(revenue_by_row(kpis)) == "Tee One leads with $9.5K won (90.5% of the total)"
    cycle = cycle_by_row(kpis)
    assert title(cycle) == "Tee Two closes fastest: a median of 30 days"
    # Bars take their territory's colour, as the revenue chart's do (not one colour for all).
    colours = [chart.to_dict()["encoding"]["color"]["scale"] for chart in (cycle, revenue_by_row(kpis))]
    assert [dict(zip(scale["domain"], scale["range"])) for scale in colours] == [
        {"T1": "#CC79A7", "T2": "#0072B2"}] * 2
    heatmap = seasonality_heatmap(seasonality_matrix(forecast_store, settings, as_of=AS_OF), "zh")
    assert title(heatmap) == "Region 在 5月 销售最多"


def test_charts_export_to_svg(forecast_store, settings):
    import vl_convert as vlc

    chart = path_to_target(monthly_forecast(forecast_store, Q3, settings, as_of=AS_OF))
    assert vlc.vegalite_to_svg(chart.to_json()).startswith("<svg")


def test_charts_of_empty_data(store, settings):
    period = parse_period("2024")
    assert title(path_to_target(monthly_forecast(store, period, settings, as_of=AS_OF))).endswith("(no target set)")
    assert title(revenue_by_row(kpi_table(store, period, "region", settings))) == "Nothing won in this period yet"
    assert title(seasonality_heatmap(seasonality_matrix(store, settings, as_of=AS_OF))) == \
        "No won deals in the last three years"
