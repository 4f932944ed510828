"""A planner's territory housekeeping in a real browser on the small demo: merge a planted
duplicate, hand an unowned account to the suggested owner, retire a territory into its neighbour."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from engine.demo.company import build_demo
from engine.store import Store
from tests.browser.conftest import RERUN, _free_port, _wait_healthy, choose, open_tab, screenshot, wait_for_app
from tests.conftest import REPO, database_file

pytestmark = pytest.mark.browser


@pytest.fixture
def tabs_url(tmp_path):
    db = database_file(tmp_path / "demo.duckdb", lambda store: build_demo(store, scale=0.02))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
         "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=REPO, env={**os.environ, "TERRAIN_DB": str(db), "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"

    def stop() -> None:  # DuckDB locks the file per process: stop the app before reading it
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)

    try:
        _wait_healthy(url, process)
        yield url, db, stop
    finally:
        stop()


def _visible_select(page, label: str):
    return page.locator('[data-testid="stSelectbox"]').filter(has_text=label).filter(visible=True).first


def test_merge_assign_and_retire(tabs_url, page):
    url, db, stop = tabs_url
    page.goto(f"{url}/territories")
    wait_for_app(page)

    # each click that starts a rerun waits for what that rerun draws, as long as a loaded machine needs
    open_tab(page, "Duplicates")
    page.get_by_text("Customers held twice").first.wait_for(timeout=RERUN)
    choose(page, _visible_select(page, "Customer to merge"), "CEDARSYS INDUSTRIES LTD — 2 copies, 2 reps")
    wait_for_app(page)
    page.get_by_role("button", name="Merge ownership").click()
    page.get_by_text("Merged: 1 account changed owner.").wait_for(timeout=RERUN)
    wait_for_app(page)
    screenshot(page, "territories-duplicates-merged")

    open_tab(page, "Unowned")
    open_tab(page, "Top-3 owners for one account")
    give = page.get_by_role("button", name="Give it to").filter(visible=True).first
    give.wait_for(timeout=RERUN)
    give.click()
    page.get_by_text("Assigned 1 account.").wait_for(timeout=RERUN)
    wait_for_app(page)

    open_tab(page, "Tree")
    open_tab(page, "Retire")
    choose(page, _visible_select(page, "Territory"), "Terrain Demo Corp › EMEA › Northern Europe › Nordics & Benelux")
    choose(page, _visible_select(page, "Hand its accounts"), "Terrain Demo Corp › EMEA › Northern Europe › UK & Ireland")
    page.get_by_text("Nordics & Benelux holds 19 accounts").wait_for(timeout=RERUN)
    wait_for_app(page)  # the preview's rerun to its end, so the button clicked is the one it drew
    page.get_by_role("button", name="Retire").filter(visible=True).last.click()
    page.get_by_text("Retired Nordics & Benelux: 19 accounts").wait_for(timeout=RERUN)
    screenshot(page, "territories-tree-retired")

    stop()
    store = Store.open(db)
    assert store.rows("SELECT reason, count(*) FROM assignment_log GROUP BY 1 ORDER BY 1") == [
        ("duplicate-merge:ACC-000502", 1), ("retire:T-EMEA-NORDICS", 19), ("suggestion", 1)]
    # UK & Ireland: its 26, the British unowned account given to its suggested rep, and the 19 retired into it
    assert store.scalar("SELECT count(*) FROM accounts WHERE territory_id = 'T-EMEA-UKI'") == 26 + 1 + 19
    assert store.scalar("SELECT count(*) FROM territories WHERE territory_id = 'T-EMEA-NORDICS'") == 0
    store.close()
