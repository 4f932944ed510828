"""A fresh server with the warm start on: two people open Activity & KPIs at once while it warms,
both get the page (same figures), nothing fails. The screenshot
test-output/screenshots/warm-start-activity.png is meant to be looked at."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_two_people_open_activity_while_the_server_warms(serve_app, browser, tmp_path):
    from engine.demo.company import build_demo
    from tests.conftest import database_file

    url = serve_app(database_file(tmp_path / "demo.duckdb", build_demo), TERRAIN_WARM_START="1")
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{url}/activity?period=2026-Q4")   # both ask before the figures are warm
        pages.append(page)
    tiles = []
    for page in pages:
        page.get_by_role("heading", name="Activity & KPIs").first.wait_for()
        page.locator('[data-testid="stMetric"]').first.wait_for()
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        tiles.append(page.locator('[data-testid="stMetricValue"]').all_inner_texts())
    # the six KPI tiles of the first tab (the Leads & contacts tab's own five may still be on their way)
    assert len(tiles[0]) >= 6 and len(tiles[1]) >= 6 and tiles[0][:6] == tiles[1][:6]
    pages[0].locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    pages[0].wait_for_timeout(800)  # Vega lays the chart out after its element arrives
    screenshot(pages[0], "warm-start-activity")
    for page in pages:
        page.context.close()
