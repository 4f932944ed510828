"""The Forecast page on the tiny company: tiles, the path-to-target chart, both methods, categories
and accuracy, in English and Chinese."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.metrics.periods import parse_period
from engine.store import Store
from tests.conftest import REPO, fill_tiny_company


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app on a temp copy of the tiny company (plus whatever `prepare(store)` adds), opened on
    FY2024 and the given page."""
    from ui import context
    opened = []

    def open_page(page: str, lang: str = "en", prepare=None) -> AppTest:
        path = tmp_path / f"tiny-{len(opened)}.duckdb"  # a fresh database per app
        opened.append(path)
        monkeypatch.setenv("TERRAIN_DB", str(path))
        context._open_store.clear()
        store = Store.open(path)
        fill_tiny_company(store)
        if prepare:
            prepare(store)
        store.close()
        # AppTest's switch_page reruns the page alone, dropping the sidebar's widget state: the
        # language therefore comes from the setting, as on a fresh start.
        monkeypatch.setenv("TERRAIN_LANG", lang)
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
        at.query_params["period"] = "2024"
        at.run()
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at
    yield open_page
    context._open_store.clear()


def test_forecast_page_shows_the_years_figures(app):
    at = app("pages/forecast.py")
    assert at.title[0].value == "Forecast — FY2024"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Won"] == "$12.8K"                        # 1,000 + 3,000 + 2,000 + 4,000 + 2,750
    assert tiles["Open pipeline"] == "$3.5K"               # 700 + 1,500 + 1,320
    assert tiles["Forecast (CRM probability)"] == "$1.6K"  # 350 + 450 + 792
    assert not at.error
    assert len(at.tabs) == 4
    table = at.dataframe[0].value
    assert list(table["name"]) == ["Americas", "EMEA"] and list(table["probability_forecast"]) == [800.0, 792.0]
    assert list(table["win_rate_source"]) == ["no closed deals"] * 2  # too little history in the tiny company


def test_forecast_page_rep_level_and_chinese(app):
    at = app("pages/forecast.py", lang="zh")
    assert at.title[0].value == "预测 — 2024财年"
    at.segmented_control(key="forecast_level").set_value("rep").run()
    assert not at.exception
    assert at.query_params["level"] in ("rep", ["rep"])  # a link keeps the level
    assert set(at.dataframe[0].value["name"]) == {"Ada West", "Bo East", "Carla Berlin"}


def test_forecast_page_follows_the_scope_in_the_url(app):
    at = app("pages/forecast.py")
    at.query_params["scope"] = "EU"
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Won"] == "$2.8K"   # DACH's 2,750 only
    assert list(at.dataframe[0].value["name"]) == ["EMEA"]
    at.query_params["scope"] = "NOWHERE"
    at.run()
    assert "NOWHERE" in at.warning[0].value


def test_a_running_period_compares_won_with_the_same_first_days(app):
    """FY2024 Q2 as of 1 Jun 2024 (the data's last day) has run 62 days: its won so far, 8,750
    (2,750 + 2,000 + 4,000), is compared with Q1's first 62 days (1 Jan – 2 Mar: D1's 1,000), as
    the Overview compares it, not with all of Q1 (4,000) — which read as a drop every quarter."""
    at = app("pages/forecast.py")
    at.session_state["period"] = parse_period("2024-Q2")  # as the shell's period picker sets it
    at.run()
    assert not at.exception, at.exception
    won = next(m for m in at.metric if m.label == "Won")
    assert (won.value, won.delta) == ("$8.8K", "$7.8K")
    assert any("Won is compared with the same first 62 days of FY2024 Q1; the rest with the whole of FY2024 Q1."
               in c.value for c in at.caption), [c.value for c in at.caption]
