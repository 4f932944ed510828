"""A territory planner's journey through the rules in a real browser: simulate the rules, see the
orphans, rewrite a rule in the editor so they are routed, simulate again, apply."""
from __future__ import annotations

import pytest

from engine.territories.rules import save_rules
from tests.browser.conftest import edit_grid_cell, grid_cell_text, screenshot, wait_for_app
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


def _edit_expression(page, row: int, rule_id: str, text: str, then_visible) -> None:
    """Type `text` over the expression of the editor's `row` (which must be the rule `rule_id`),
    then wait for what the edit's rerun draws (`then_visible`) and that run's end. The typing is
    `edit_grid_cell`'s: it returns only once the grid shows the new text in that very cell, so the
    rerun is sure to come — however late on a loaded machine."""
    wait_for_app(page)
    page.wait_for_function(IDLE, timeout=120_000)
    assert grid_cell_text(page, 0, row, "Rule") == rule_id  # the row is the rule the test means
    edit_grid_cell(page, row, "Expression", text)
    then_visible.wait_for(timeout=180_000)
    page.wait_for_function(IDLE, timeout=180_000)  # that rerun, to its end


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
    _edit_expression(page, 1, "R1", FIXED, stale)  # R1, the US West rule, is the editor's second row
    page.get_by_role("button", name="Simulate").click()
    stale.wait_for(state="hidden", timeout=180_000)  # the new simulation ran on the edited rules
    page.wait_for_function(IDLE, timeout=180_000)
    assert _tile(page, "Orphans") == "0"
    assert _tile(page, "Accounts that move") == "2"  # A5 by the override, A7 now to US West
    _click_and_settle(page, "Save & apply", page.get_by_text("Applied as run A00001: 2 accounts"))
    assert _tile(page, "Accounts that move") == "0"
    screenshot(page, "rules-2-applied")
