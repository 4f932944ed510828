"""The maps in a real browser: the Overview map (regions drawn with their real borders over the
offline base map, labels apart) and the planner's map. Screenshots: map-overview, map-overview-region,
map-planner — to be looked at, since a canvas cannot be read back as text."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'


def _map_drawn(page, index: int = 0) -> None:
    """Wait for the index-th deck.gl canvas to be on screen with its layers drawn."""
    # the Overview sends its map only after the tiles have painted (ui/first_paint.py): on a busy
    # machine that takes a while
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"]', state="attached", timeout=120_000)
    wait_for_app(page)
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').nth(index)
    chart.scroll_into_view_if_needed()
    page.wait_for_selector(CANVAS, state="visible", timeout=60_000)
    page.wait_for_timeout(2_500)  # deck.gl draws on the next animation frames
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300


def test_overview_and_planner_maps(demo_url, page):
    page.goto(f"{demo_url}/")
    wait_for_app(page)
    _map_drawn(page)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(screenshot(page, "map-overview")))

    page.goto(f"{demo_url}/?scope=T-AMER")
    wait_for_app(page)
    _map_drawn(page)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(
        path=str(screenshot(page, "map-overview-region")))

    page.goto(f"{demo_url}/planner")
    wait_for_app(page)
    _map_drawn(page)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(screenshot(page, "map-planner")))


def test_postal_code_territories_are_hexagons(serve_app, tmp_path, page):
    """California split by postal code (Bay Area, Los Angeles, the rest of US Pacific): drawn as
    H3 cells cut at the coast, next to whole states. Screenshot: map-hexagons."""
    from engine.demo.company import build_demo
    from tests.conftest import database_file
    from tests.postal_territories import split_california

    url = serve_app(database_file(tmp_path / "postal.duckdb", lambda store: (build_demo(store),
                                                                             split_california(store))))
    page.goto(f"{url}/?scope=T-AMER-USW")
    wait_for_app(page)
    _map_drawn(page)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(screenshot(page, "map-hexagons")))
