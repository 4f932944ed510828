"""A sales director's pass over Forecast, Targets and Activity & KPIs in a real browser, on the demo
company, in English and in Chinese. The screenshots under test-output/screenshots/desk-*.png are
meant to be looked at."""
from __future__ import annotations

import re

import pytest

from engine.demo import build_demo
from engine.store import Store
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PERIOD = "2026-Q3"  # a complete demo quarter: won, pipeline, targets and past quarters to rate


@pytest.fixture
def demo_url(serve_app, tmp_path):
    path = tmp_path / "demo.duckdb"
    store = Store.open(path)
    build_demo(store)
    store.close()  # the app opens the file itself
    return serve_app(path)


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def _tiles(page) -> dict[str, str]:
    """The KPI tiles as label → value."""
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values)}


def _chart_titles(page) -> list[str]:
    """Vega draws a chart's title as SVG text in a g.role-title group."""
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for()
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] g.role-title text')]
        .map(t => t.textContent)""")


def test_desk_pages_in_english_and_chinese(demo_url, page):
    # Forecast: tiles, the path-to-target chart with a title stating the finding, the methods table.
    _open(page, f"{demo_url}/forecast?period={PERIOD}")
    page.get_by_text("Forecast — FY2026 Q3").first.wait_for()
    tiles = _tiles(page)
    assert set(tiles) >= {"Won", "Open pipeline", "Forecast (win rate)", "Projected attainment"}
    assert tiles["Won"].startswith("$")
    assert re.fullmatch(r"\d+\.\d%", tiles["Projected attainment"])
    titles = _chart_titles(page)
    assert any(title.startswith("Projected ") for title in titles)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    screenshot(page, "desk-forecast")

    # Targets: choose a method, see the split and the sum check.
    _open(page, f"{demo_url}/targets?period={PERIOD}")
    page.get_by_text("Targets — FY2026").first.wait_for()
    page.get_by_text("Split method").first.wait_for()
    page.locator('[data-testid="stSelectbox"]', has_text="Split method").locator("div[data-baseweb=select]").click()
    page.get_by_role("option", name="Even").click()
    wait_for_app(page)
    assert _tiles(page)["Sum check"] == "Adds up"
    page.get_by_text("Every parent equals the sum of its children").first.wait_for()
    assert any("carries the largest share" in title for title in _chart_titles(page))
    screenshot(page, "desk-targets")

    # Activity & KPIs: six tiles, revenue by region, the KPI table.
    _open(page, f"{demo_url}/activity?period={PERIOD}")
    page.get_by_text("Activity & KPIs — FY2026 Q3").first.wait_for()
    tiles = _tiles(page)
    assert re.fullmatch(r"\d+\.\d%", tiles["Win rate"])
    assert tiles["Average deal size"].startswith("$")
    assert any(" leads with " in title for title in _chart_titles(page))
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    screenshot(page, "desk-activity")

    # The same three pages in Chinese.
    for name, title in (("forecast", "预测 — "), ("targets", "目标 — "), ("activity", "活动与指标 — ")):
        _open(page, f"{demo_url}/{name}?period={PERIOD}&lang=zh")
        page.get_by_text(title).first.wait_for()
        _chart_titles(page)
        screenshot(page, f"desk-{name}-zh")
