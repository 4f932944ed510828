"""The Overview reads whole: a tile's comparison fits its one line ("vs last quarter", the periods in
its help), and the share chart's money axis counts in 万/亿 in Chinese like the bars' labels."""
from __future__ import annotations

import pytest

from engine.charts.overview import share_chart
from engine.metrics.performance import attainment_table
from engine.metrics.periods import parse_period
from engine.store.settings import load_settings
from tests.app.conftest import database_for_app, run_page
from tests.conftest import fill_tiny_company


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)


@pytest.mark.parametrize(("lang", "period", "said", "helped"), [
    ("en", "2024-Q2", "vs last quarter", "The change is against FY2024 Q1"),
    ("zh", "2024-Q2", "较上季度", "变化对比：2024财年第1季度"),
    ("en", "2024-05", "vs last month", "The change is against Apr 2024"),
    ("en", "2024", "vs last year", "The change is against FY2023"),
])
def test_tile_comparisons_are_short_and_the_help_names_the_period(tiny_db, lang, period, said, helped):
    app = run_page("overview", period=period, lang=lang)
    assert not app.exception, app.exception
    won = app.metric[0]
    assert won.proto.delta_description == said
    assert won.proto.help.startswith(helped)


def test_share_chart_axis_counts_money_in_wan_and_yi(tiny_store):
    table = attainment_table(tiny_store, parse_period("2024"), "region", settings=load_settings({}))
    spec = share_chart(table, "zh", "USD").to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert "亿" in axis["labelExpr"] and "万" in axis["labelExpr"] and "format" not in axis
    english = share_chart(table, "en", "USD").to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert "'M'" in english["labelExpr"] and "$" in english["labelExpr"]


def test_targets_evidence_in_money_is_counted_like_the_amounts(tmp_path, monkeypatch):
    """Last year's won beside each target: in 万 or 亿 with the unit in its header, as the amounts
    are — never 亿-sized numbers under a bare "(USD)"."""
    import json

    from engine.demo.company import build_demo

    database_for_app(tmp_path, monkeypatch, build_demo, name="demo")  # company targets of 亿 size
    app = run_page("targets", period="2026", lang="zh")
    assert not app.exception, app.exception
    plan = next(d for d in app.dataframe if "weight" in d.value.columns and "amount" in d.value.columns)
    config = json.loads(plan.proto.columns)
    weight, amount = config["weight"]["label"], config["amount"]["label"]
    assert amount.endswith(("(亿 USD)", "(万 USD)")) and weight.endswith(amount[amount.rindex("("):]), (weight, amount)
