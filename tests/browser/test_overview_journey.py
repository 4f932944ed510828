"""A sales director's journey in a real browser: open Overview, drill into a region, open a rep."""
from __future__ import annotations

import pytest

from engine.store import Store
from tests.browser.conftest import screenshot, wait_for_app
from tests.metrics.conftest import fill_seed_company

pytestmark = pytest.mark.browser


def _click_bar(page, index: int, rows: int) -> None:
    """Click the middle of the index-th bar of the share chart (bars are ranked top to bottom)."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    canvas = chart.locator("canvas, svg").first
    box = canvas.bounding_box()
    plot_top, plot_bottom = box["y"] + 38, box["y"] + box["height"] - 42  # title above, axis below
    step = (plot_bottom - plot_top) / rows
    page.mouse.click(box["x"] + box["width"] * 0.35, plot_top + step * (index + 0.5))


def test_overview_drill_down_to_a_rep(serve_app, page, tmp_path):
    path = tmp_path / "seed.duckdb"
    store = Store.open(path)
    fill_seed_company(store)
    store.close()
    url = serve_app(path)

    page.goto(f"{url}/overview?period=2024")
    wait_for_app(page)
    page.get_by_text("Greater China").first.wait_for()
    assert page.get_by_text("North America").count() > 0
    screenshot(page, "overview-company")

    _click_bar(page, 0, rows=6)  # North America, the biggest bar
    page.wait_for_url("**scope=NA**")
    wait_for_app(page)
    page.get_by_text("US West").first.wait_for()
    screenshot(page, "overview-north-america")

    _click_bar(page, 0, rows=2)  # US West
    page.wait_for_url("**scope=NA-W**")
    wait_for_app(page)
    page.get_by_text("Ann Lee").first.wait_for()

    _click_bar(page, 0, rows=1)  # Ann Lee → her page on Reps
    page.wait_for_url("**/reps**")
    wait_for_app(page)
    page.get_by_text("Ann Lee: won revenue by month").first.wait_for()
    screenshot(page, "reps-ann-lee")

    page.go_back()
    wait_for_app(page)
