"""A sales director's pass over Forecast, Targets and Activity & KPIs in a real browser, on the demo
company, in English and in Chinese. The screenshots under test-output/screenshots/desk-*.png are
meant to be looked at."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import choose, screenshot, selectbox, wait_for_app

pytestmark = pytest.mark.browser

PERIOD = "2026-Q4"  # the demo's running quarter (as of 23 Nov 2026): won, open pipeline, past quarters to rate


def _open(page, url: str, title: str) -> None:
    """Open a deep link and wait for the page's title (a fresh server first routes it via app.py)."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=90_000)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def _tiles(page) -> dict[str, str]:
    """The KPI tiles as label → value."""
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values)}


def _whole_page(page, name: str) -> None:
    """Streamlit scrolls inside its own container, so a full-page screenshot sees one screen: make
    the window as tall as the content first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(height + 120, 6000)})
    page.wait_for_timeout(800)  # Vega re-lays out charts to the new size
    screenshot(page, name)


def _chart_titles(page) -> list[str]:
    """Vega draws a chart's title as SVG text in a g.role-title group."""
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for()
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] g.role-title text')]
        .map(t => t.textContent)""")


def test_desk_pages_in_english_and_chinese(demo_url, page):
    # Forecast: tiles, the path-to-target chart with a title stating the finding, the methods table.
    _open(page, f"{demo_url}/forecast?period={PERIOD}", "Forecast — FY2026 Q4")
    tiles = _tiles(page)
    assert set(tiles) >= {"Won", "Open pipeline", "Forecast (win rate)", "Forecast (CRM probability)",
                          "Projected attainment"}
    assert all(tiles[name].startswith("$") for name in ("Won", "Open pipeline", "Forecast (win rate)"))
    assert re.fullmatch(r"\d+\.\d%", tiles["Projected attainment"])
    titles = _chart_titles(page)
    assert any(re.match(r"Projected \$[\d.]+M (beats|falls)", title) for title in titles)
    assert any("CRM probabilit" in title for title in titles)  # the two methods compared in words
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    page.get_by_text("The period is still running").first.wait_for()
    _whole_page(page, "desk-forecast")

    # Targets: choose a method, see the split and the sum check.
    _open(page, f"{demo_url}/targets?period=2026", "Targets — FY2026")
    choose(page, selectbox(page, "Split method"), "Trailing 12 months' share")
    page.get_by_text("Won, last 12 months (USD)").first.wait_for(state="attached")  # the basis column names its evidence
    wait_for_app(page)
    tiles = _tiles(page)
    assert tiles["Sum check"] == "Adds up" and tiles["Regions"] == "5"
    page.get_by_text("Every parent equals the sum of its children").first.wait_for()
    assert any("carries the largest share" in title for title in _chart_titles(page))
    _whole_page(page, "desk-targets")

    # Targets for one region, as the Overview's drill-down links it.
    _open(page, f"{demo_url}/targets?period=2026&scope=T-EMEA", "Targets — EMEA, FY2026")
    tiles = _tiles(page)
    assert tiles["Sum check"] == "Adds up" and int(tiles["Territories below"]) > 1
    _whole_page(page, "desk-targets-emea")

    # Activity & KPIs: six tiles, revenue by region, the KPI table.
    _open(page, f"{demo_url}/activity?period={PERIOD}", "Activity & KPIs — FY2026 Q4")
    tiles = _tiles(page)
    assert re.fullmatch(r"\d+\.\d%", tiles["Win rate"])
    assert tiles["Average deal size"].startswith("$") and tiles["Sales cycle (median)"].endswith(" days")
    assert any(" leads with " in title for title in _chart_titles(page))
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    _whole_page(page, "desk-activity")
    page.get_by_role("tab", name="Seasonality").click()
    page.locator("svg text", has_text="peak month").or_(page.locator("svg text", has_text="Every region")).first.wait_for()
    _whole_page(page, "desk-activity-seasonality")

    # The same three pages in Chinese: money in 万/亿 on the axes too.
    for name, period, title in (("forecast", PERIOD, "预测 — 2026财年第4季度"), ("targets", "2026", "目标 — 2026财年"),
                                ("activity", PERIOD, "活动与指标 — 2026财年第4季度")):
        _open(page, f"{demo_url}/{name}?period={period}&lang=zh", title)
        _chart_titles(page)
        assert page.locator("svg text", has_text=re.compile("[万亿]")).count() > 0
        _whole_page(page, f"desk-{name}-zh")
