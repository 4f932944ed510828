"""A territory planner's journey through the rules in a real browser: simulate the rules, see the
orphans, rewrite a rule in the editor so they are routed, simulate again, apply."""
from __future__ import annotations

import pytest

from engine.territories.rules import save_rules
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import database_file
from tests.territories.conftest import RULES, fill_rules_company

pytestmark = pytest.mark.browser
FIXED = '(country == "US" and state in ["CA", "TX"]) or country is empty'


def _fill(store) -> None:
    fill_rules_company(store)
    save_rules(store, RULES, actor="ops")


def _tile(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).locator(
        '[data-testid="stMetricValue"]').inner_text()


IDLE = "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') " \
       "=== 'notRunning' && !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def _edit_expression(page, row: int, text: str, then_visible) -> None:
    """Type `text` over the expression cell of the editor's `row` (a canvas grid: keyboard only),
    until `then_visible` shows. Every step waits on a state, not a clock: the app idle, the editor
    in view, the cell's text box open and closed, then what the edit's rerun draws and that run's
    end — however long a loaded machine takes. Only a keystroke that missed its cell (the grid
    still settling) is tried again."""
    from playwright.sync_api import Error as PlaywrightError

    grid = page.locator('[data-testid="stDataFrame"]').first
    cell_box = page.locator("textarea.gdg-input")  # the text box the grid opens over a cell it edits
    for attempt in range(4):
        wait_for_app(page)
        page.wait_for_function(IDLE, timeout=120_000)
        # Streamlit scrolls its own pane, not the window: back to the top, where the editor is
        page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop > 0) e.scrollTop = 0; })")
        page.wait_for_function("() => [...document.querySelectorAll('*')].every(e => e.scrollTop === 0)")
        grid.wait_for(state="visible")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + 35 * (row + 1) + 17)  # the rule id cell
        for _ in range(4):  # rule id → kind → territory → priority → expression
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # opens the cell's editor with its text selected
        try:
            cell_box.wait_for(state="visible", timeout=10_000)
        except PlaywrightError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("Control+a")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        cell_box.wait_for(state="hidden", timeout=30_000)
        # The grid took the text (its box opened and closed on Enter), so the edit's rerun comes,
        # however late on a loaded machine: wait for what it draws. Not for the run's "running"
        # mark — a quick run can start and end between two polls, and then a retry would type the
        # same text again, which changes nothing and starts no run (CI failed so once).
        then_visible.wait_for(timeout=180_000)
        page.wait_for_function(IDLE, timeout=180_000)  # that rerun, to its end
        return


def _click_and_settle(page, name: str, then) -> None:
    """Click the button `name` once it is drawn (a loaded machine draws the page's lower part late),
    then wait for what its run draws (`then`) and for that run to end."""
    button = page.get_by_role("button", name=name)
    button.wait_for(timeout=180_000)
    button.click()
    then.wait_for(timeout=180_000)
    page.wait_for_function(IDLE, timeout=180_000)


def test_simulate_see_orphans_fix_the_rule_and_apply(serve_app, tmp_path, page):
    url = serve_app(database_file(tmp_path / "rules.duckdb", _fill))
    page.goto(f"{url}/territories")
    wait_for_app(page)
    orphans = page.get_by_role("tab", name="Orphans: no rule matches (2)")  # drawn by the simulation
    _click_and_settle(page, "Simulate", orphans)
    assert _tile(page, "Orphans") == "2"
    orphans.click()
    page.get_by_text("Ties: rules of one priority").first.wait_for(timeout=60_000)
    screenshot(page, "rules-1-orphans")

    stale = page.get_by_text("The rules were edited since this simulation")
    _edit_expression(page, 1, FIXED, stale)  # R1, the US West rule, is the editor's second row
    page.get_by_role("button", name="Simulate").click()
    stale.wait_for(state="hidden", timeout=180_000)  # the new simulation ran on the edited rules
    page.wait_for_function(IDLE, timeout=180_000)
    assert _tile(page, "Orphans") == "0"
    assert _tile(page, "Accounts that move") == "2"  # A5 by the override, A7 now to US West
    _click_and_settle(page, "Save & apply", page.get_by_text("Applied as run A00001: 2 accounts"))
    assert _tile(page, "Accounts that move") == "0"
    screenshot(page, "rules-2-applied")
