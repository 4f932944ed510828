"""One table style for every page (ui/tables.py, ui/planner_tables.py): 万/亿 in Chinese, signed
changes, "–" for an empty text cell, "no accounts" instead of ∞."""
from __future__ import annotations

import math

import polars as pl
import pytest

from ui.planner_tables import index_expression, index_text
from ui.tables import EMPTY, money_unit, readable


@pytest.mark.parametrize(("values", "lang", "unit"), [
    ([21669630.7952, 5.0], "zh", (1e4, "万")),
    ([340_000_000.0], "zh", (1e8, "亿")),
    ([340_000_000.0, 53_941_000.0], "zh", (1e4, "万")),  # one table, one unit: never 亿 beside 万
    ([9_999.0], "zh", (1.0, "")),
    ([21669630.7952], "en", (1.0, "")),
    ([None], "zh", (1.0, "")),
])
def test_money_unit(values, lang, unit):
    assert money_unit(pl.Series(values, dtype=pl.Float64), lang) == unit


def test_readable_in_chinese_counts_money_in_wan_and_signs_changes():
    frame = pl.DataFrame({"name": ["华东", None], "won_before": [21669630.7952, 1_000_000.0],
                          "won_delta": [-52_000.0, 12_500.0], "share": [0.32087, None]})
    shown, config = readable(frame, lambda c: {"name": "名称", "won_before": "赢单", "won_delta": "变化",
                                                  "share": "占比"}[c], "USD", lang="zh",
                             money=("won_before", "won_delta"), fractions=("share",), signed=("won_delta",))
    assert shown["name"].to_list() == ["华东", EMPTY]  # never "None"
    assert shown["won_before"].to_list() == pytest.approx([2166.96307952, 100.0])
    assert config["won_before"]["label"] == "赢单 (万 USD)"
    assert config["won_before"]["type_config"]["format"] == "%,.1f"
    assert config["won_delta"]["label"] == "变化 (万 USD)"
    assert config["won_delta"]["type_config"]["format"] == "%+,.1f"
    assert shown["share"][0] == pytest.approx(32.087)
    assert config["share"]["type_config"]["format"] == "%.1f%%"


def test_readable_in_english_keeps_compact_money_and_hides_ids():
    frame = pl.DataFrame({"territory_id": ["T1"], "won": [21669630.7952], "accounts_delta": [-3]})
    shown, config = readable(frame, str.title, "USD", money=("won",), counts=("accounts_delta",),
                             signed=("accounts_delta",), hidden=("territory_id",))
    assert config["territory_id"] is None
    assert config["won"]["label"] == "Won (USD)" and config["won"]["type_config"]["format"] == "compact"
    assert config["accounts_delta"]["type_config"]["format"] == "%+,d"
    assert shown["won"][0] == 21669630.7952  # the grid shows 21.7M; the value keeps full precision


@pytest.mark.parametrize(("value", "lang", "text"), [
    (3.0, "en", "3.00"), (0.408, "en", "0.41"), (math.inf, "en", "no accounts"), (math.nan, "zh", "无客户"),
    (None, "en", "no accounts"),
])
def test_balance_indices_never_show_infinity(value, lang, text):
    assert index_text(value, lang) == text
    native = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64}).select(index_expression(pl.col("v"), lang)).item()
    assert native == text


@pytest.mark.parametrize("page", ["overview", "reps", "forecast", "targets", "activity", "planner", "health"])
def test_no_table_shows_none_for_a_missing_value(tmp_path, monkeypatch, page):
    """A missing number (the company's 'last year' on Targets, a rep without a target) reads "–",
    like an empty text cell, never "None"."""
    from tests.app.conftest import database_for_app, run_page
    from tests.conftest import fill_tiny_company

    database_for_app(tmp_path, monkeypatch, fill_tiny_company)
    app = run_page(page, period="2024-Q2", lang="zh", timeout=120)
    assert not app.exception, app.exception
    tables = [d for d in app.dataframe if d.editing_mode == "read_only"]
    assert tables, f"no table on {page}"
    assert [d.proto.placeholder for d in tables] == [EMPTY] * len(tables)
