"""A territory planner's journey in a real browser on the demo company: filter accounts, move them,
see the before/after change, save two scenarios and compare them side by side."""
from __future__ import annotations

import pytest

from engine.demo import build_demo
from engine.store import Store
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _fill(page, label: str, text: str) -> None:
    # no Enter: inside a form Enter submits it, and the click that follows would submit it again
    page.get_by_label(label, exact=True).first.fill(text)


def _choose(page, label: str, option: str) -> None:
    """Open a Streamlit selectbox by its label and pick an option."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option)  # the list is virtualised: type to bring the option into view
    page.get_by_role("option", name=option, exact=True).first.click()


def _filter_and_move(page, prefix: str, territory: str) -> None:
    _fill(page, "Postal code starts with", prefix)
    page.get_by_role("button", name="Apply filter").click()
    wait_for_app(page)
    if not page.get_by_role("checkbox", name="Select every account matching the filter").is_checked():
        page.get_by_text("Select every account matching the filter", exact=True).click()
        wait_for_app(page)
    _choose(page, "Move to territory", territory)
    page.get_by_role("button", name="Move selection").click()
    wait_for_app(page)


def _save(page, name: str) -> None:
    page.get_by_role("tab", name="Scenarios").click()
    _fill(page, "Name", name)
    page.get_by_role("button", name="Save the plan as a scenario").click()
    wait_for_app(page)
    page.get_by_text(f"“{name}”").first.wait_for()


def _tick_rows(page, rows: int) -> None:
    """Tick the first `rows` rows of the scenario list (a canvas grid: click the row-marker column)."""
    # the first visible grid under the Scenarios tab (the other tabs' grids are hidden)
    grid = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first
    grid.scroll_into_view_if_needed()
    for row in range(rows):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 * (row + 1) + 17)
        wait_for_app(page)
        page.wait_for_timeout(700)  # let the grid settle before the next tick


def test_move_save_and_compare_two_scenarios(serve_app, page, tmp_path):
    path = tmp_path / "demo.duckdb"
    store = Store.open(path)
    build_demo(store)
    store.close()
    url = serve_app(path)

    page.goto(f"{url}/planner")
    wait_for_app(page)
    page.get_by_text("Accounts moved").first.wait_for()
    screenshot(page, "planner-open")

    _filter_and_move(page, "100", "US Southeast")  # New York City accounts go south-east
    page.get_by_text("Moved 407 accounts.").wait_for()
    page.get_by_text("Accounts per territory: 407 accounts moved").first.wait_for()
    screenshot(page, "planner-moved")
    _save(page, "NYC to Southeast")

    page.get_by_role("tab", name="Select & move").click()
    _filter_and_move(page, "606", "US Mountain")  # and Chicago's to the mountains
    page.get_by_text("Moved 208 accounts.").wait_for()
    _save(page, "Chicago to Mountain too")

    _tick_rows(page, 2)
    screenshot(page, "planner-scenarios")
    page.get_by_role("button", name="Compare side by side").click()
    wait_for_app(page)
    page.get_by_text("Scenario × metric").wait_for()
    page.get_by_text("Accounts the scenarios move").wait_for()
    screenshot(page, "planner-compare")
