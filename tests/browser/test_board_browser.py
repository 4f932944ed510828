"""The morning board at 1920×1080 in a real browser: no sidebar, no scrollbar, large type, and the
panels rotate by themselves (the fragment reruns, the page does not); English and Chinese. And the
Health page's journey: tiles, then the risk list filtered to green."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.app.test_board_page import fill_board_company
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import database_file

pytestmark = pytest.mark.browser

# every visible text node's font size in the main area, the smallest first
SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el.offsetParent) continue;
    sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  return Math.min(...sizes);
}"""


@contextmanager
def wall_screen(browser, url: str, timeout_ms: int):
    """A 1920×1080 page on `url`, the app loaded; closed afterwards."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        page.goto(url)
        wait_for_app(page)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("lang, first, second, next_panel", [
    ("en", "This quarter by region", "Rep leaderboard this quarter", "panel 2 of 8"),
    ("zh", "本季度各大区", "本季度销售排行榜", "第 2/8 屏"),
])
def test_board_on_a_wall_screen(tmp_path, serve_app, browser, lang, first, second, next_panel):
    url = serve_app(database_file(tmp_path / "board.duckdb", fill_board_company))
    with wall_screen(browser, f"{url}/board?rotate=5&lang={lang}", 60_000) as page:
        page.wait_for_selector(f'h2:has-text("{first}")')
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
        assert page.evaluate(SMALLEST_TEXT) >= 24
        screenshot(page, f"board-{lang}-regions")
        page.wait_for_selector(f'h2:has-text("{second}")', timeout=60_000)   # rotated on its own
        # the whole panel redrawn (while the fragment runs, the last panel's elements linger)
        page.get_by_text(next_panel).wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator('[data-testid="stTable"]').filter(has_text="Ada West").count() >= 1
        assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
        assert page.evaluate(SMALLEST_TEXT) >= 24
        screenshot(page, f"board-{lang}-leaderboard")


@pytest.mark.parametrize("lang, leads, receivables, leads_index, receivables_index", [
    ("en", "New leads waiting for follow-up", "Overdue receivables", "panel 7 of 8", "panel 8 of 8"),
    ("zh", "待跟进的新线索", "逾期应收", "第 7/8 屏", "第 8/8 屏"),
])
def test_board_follow_up_and_receivables_panels(tmp_path, serve_app, browser, lang, leads, receivables,
                                                leads_index, receivables_index):
    from tests.health.crm import fill_crm_company

    url = serve_app(database_file(tmp_path / "crm-board.duckdb", fill_crm_company))
    with wall_screen(browser, f"{url}/board?rotate=5&lang={lang}", 120_000) as page:
        for title, index, name, owner in ((leads, leads_index, "leads", "Queue Co"),
                                          (receivables, receivables_index, "receivables", "Siemens Kunde")):
            page.wait_for_selector(f'h2:has-text("{title}")', timeout=120_000)
            page.get_by_text(index).wait_for(timeout=120_000)
            page.locator('[data-testid="stTable"]').filter(has_text=owner).first.wait_for()
            assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
            assert page.evaluate(SMALLEST_TEXT) >= 24
            screenshot(page, f"board-{lang}-{name}")


def test_health_page_journey(tmp_path, serve_app, page):
    url = serve_app(database_file(tmp_path / "health.duckdb", fill_board_company))
    page.goto(f"{url}/health")
    wait_for_app(page)
    page.wait_for_selector('h1:has-text("Customer health")')
    page.locator('[data-testid="stMetricValue"]').nth(3).wait_for()
    tiles = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert tiles[:3] == ["3", "0", "4"], tiles
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    page.get_by_text("Where Umbrella's points went: 30.0 of 100, Red").wait_for()
    page.wait_for_timeout(1500)
    screenshot(page, "health-risk-list")
    page.get_by_role("tab", name="Alerts").click()
    page.get_by_text("4 of 4 alerts").wait_for()
    page.wait_for_timeout(1000)
    screenshot(page, "health-alerts")


def test_health_alerts_and_receivables_tabs(tmp_path, serve_app, page):
    from tests.health.crm import fill_crm_company

    url = serve_app(database_file(tmp_path / "crm-health.duckdb", fill_crm_company))
    page.goto(f"{url}/health")
    wait_for_app(page)
    page.wait_for_selector('h1:has-text("Customer health")')
    page.get_by_role("tab", name="Alerts").click()
    page.get_by_text("16 of 16 alerts").wait_for()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    screenshot(page, "health-alerts-crm")
    page.get_by_role("tab", name="Receivables").click()
    page.get_by_text("DSO = outstanding ÷ invoiced in the last 90 days × 90").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').filter(visible=True).first.wait_for()
    page.wait_for_timeout(1000)
    screenshot(page, "health-receivables")
