"""A sales director's journey in a real browser: open Overview, drill into a region, open a rep.

Runs on the demo company (its current quarter has figures at every level), clicking the biggest
bar of the share chart at each level until the leaf territory's reps, then the top rep, which
opens the Reps page on that rep. Screenshots: overview-company, overview-region, reps-rep.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import FRAMES, RERUN, app_socket, run_started, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


BAR_BOXES = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg g.mark-rect path')]
    .map(p => p.getBoundingClientRect()).filter(r => r.width > 6 && r.height > 8)
    .map(r => [r.x, r.y, r.width, r.height]).sort((a, b) => a[1] - b[1])"""


def _click_bar(page, index: int = 0) -> None:
    """Click the index-th bar (top to bottom) of the chart: Vega draws bars as SVG paths; target
    ticks are thin paths too, so only wide ones count. Returns once the click was taken (the server
    began the run it starts); a click Vega did not take (once in ten under load) is made again."""
    for attempt in range(5):
        try:  # a late rerun may replace the chart while we reach for it: take the new one
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.scroll_into_view_if_needed()
            # Vega draws its bars after the chart's element arrives: wait until it has drawn this one
            page.wait_for_function(f"() => ({BAR_BOXES})().length > {index}", timeout=RERUN)
            page.evaluate(FRAMES)  # and the scroll has settled: the boxes are where the click lands
            x, y, width, height = page.evaluate(BAR_BOXES)[index]
            with app_socket(page).expect_event("framereceived", predicate=run_started, timeout=30_000):
                page.mouse.click(x + min(width / 2, 40), y + height / 2)
            return
        except (PlaywrightError, IndexError):
            if attempt == 4:
                raise
            wait_for_app(page)


def _drilled(page, scope_before: str | None) -> str | None:
    """Wait until the view moved on: another `scope` in the URL, or the Reps page. Streamlit changes
    query parameters with history.replaceState (no navigation event), and the shell adds its own
    (lang, period), so only the scope and the path are watched. Returns the new scope."""
    page.wait_for_function(
        """before => new URL(location.href).searchParams.get('scope') !== before
                     || location.pathname.endsWith('/reps')""", arg=scope_before, timeout=RERUN)
    wait_for_app(page)
    return _scope(page)


def _scope(page) -> str | None:
    return page.evaluate("() => new URL(location.href).searchParams.get('scope')")


def test_overview_drill_down_to_a_rep(demo_url, page):
    url = demo_url

    page.goto(f"{url}/")  # Overview is the default page: its URL is the root
    wait_for_app(page)
    page.locator("svg text", has_text="EMEA").first.wait_for()
    page.wait_for_timeout(1500)  # let deck.gl draw the map
    screenshot(page, "overview-company")

    _click_bar(page)  # the region with the most revenue
    scope = _drilled(page, None)
    assert scope
    page.get_by_role("button", name="Terrain Demo Corp").wait_for()  # the breadcrumb leads back up
    page.wait_for_timeout(1500)
    screenshot(page, "overview-region")

    for _ in range(4):  # down the tree until the chart lists reps, then open the top rep
        _click_bar(page)
        scope = _drilled(page, scope)
        if page.url.split("?")[0].endswith("/reps"):
            break
    assert page.url.split("?")[0].endswith("/reps") and "rep=" in page.url
    page.get_by_text("won revenue by month").first.wait_for()
    screenshot(page, "reps-rep")
