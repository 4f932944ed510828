"""Benchmark of the What-if planner page in a real browser on a big database (issue budget: the
page answers a move in ≤ 1 s at 1M accounts).

Serves the app with `streamlit run` against DB (a copy is served: the page may write), opens the
planner in headless chromium, filters accounts by a postal-code prefix, selects every match and
times, from the click on "Move selection" to the updated before/after being on screen (the
"Moved N accounts to T." message and the "N accounts moved" chart title), several moves in a row.
Prints the timings (first open includes building the cached baseline).

    .venv/bin/python bench/bench_planner_page.py --db /tmp/big.duckdb [--prefix 1] [--moves 3]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402


# Sets window.__movedShown once a "Moved N accounts to NAME." message is drawn after this point.
WATCH = """(name) => {
  window.__movedShown = false;
  const alert = '[data-testid="stAlert"]';
  const moved = (node) => node && /^Moved [\\d,]+ accounts to /.test(node.textContent || "")
                          && (node.textContent || "").includes(` to ${name}.`);
  new MutationObserver((changes, observer) => {
    for (const change of changes) {
      const nodes = change.type === "characterData" ? [change.target.parentElement] : [...change.addedNodes];
      for (const node of nodes) {
        const element = node && node.nodeType === 3 ? node.parentElement : node;
        if (!element || !element.closest) continue;
        const box = element.closest(alert) || (element.querySelector && element.querySelector(alert));
        if (moved(box)) { window.__movedShown = true; observer.disconnect(); return; }
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _idle(page) -> None:
    """Streamlit has finished its rerun: no running indicator."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=600_000, polling=20)


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database to serve (copied first unless --in-place)")
    parser.add_argument("--in-place", action="store_true", help="serve DB itself (it must be a scratch copy)")
    parser.add_argument("--prefix", default="1", help="postal-code prefix of the accounts to move")
    parser.add_argument("--moves", type=int, default=3)
    args = parser.parse_args()

    # a SIGTERM must still stop the server below (it holds the database file open)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = None
    path = Path(args.db)
    if not args.in_place:
        scratch = Path(tempfile.mkdtemp(prefix="terrain-bench-"))
        shutil.copy(path, scratch / path.name)
        path = scratch / path.name
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=REPO, env={**os.environ, "TERRAIN_DB": str(path)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(url, process, timeout=120)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.set_default_timeout(600_000)
            start = time.perf_counter()
            page.goto(f"{url}/planner")
            page.get_by_text("Accounts moved").first.wait_for()
            _idle(page)
            print(f"first open (builds the baseline): {time.perf_counter() - start:8.2f} s")
            start = time.perf_counter()
            page.reload()
            page.get_by_text("Accounts moved").first.wait_for()
            _idle(page)
            print(f"warm open:                        {time.perf_counter() - start:8.2f} s")

            page.get_by_label("Postal code starts with", exact=True).first.fill(args.prefix)
            everything = page.get_by_text(re.compile(r"accounts match the filter")).first.inner_text()
            start = time.perf_counter()
            page.get_by_role("button", name="Apply filter").click()
            page.get_by_text(re.compile(r"accounts match the filter")).filter(has_not_text=everything).first.wait_for()
            _idle(page)
            print(f"apply filter:                     {time.perf_counter() - start:8.2f} s")
            matches = page.get_by_text(re.compile(r"accounts match the filter")).first.inner_text()
            start = time.perf_counter()
            page.get_by_text("Select every account matching the filter", exact=True).click()
            page.get_by_text(re.compile(r"accounts selected")).first.wait_for()
            _idle(page)
            print(f"select the filter:                {time.perf_counter() - start:8.2f} s  ({matches.strip()})")

            territories = page.locator('[data-testid="stSelectbox"]').filter(has_text="Move to territory").first
            territories.click()
            names = [o.inner_text() for o in page.get_by_role("option").all()][1:args.moves + 1]
            page.keyboard.press("Escape")
            timings = []
            for number, name in enumerate(names, start=1):
                _choose(page, "Move to territory", name)
                _idle(page)
                page.evaluate(WATCH, name)  # the previous move's message is still on screen: watch for this one
                start = time.perf_counter()
                page.get_by_role("button", name="Move selection").click()
                page.wait_for_function("() => window.__movedShown", timeout=600_000, polling=20)
                page.get_by_text(re.compile(r"per territory: [\d,]+ accounts moved")).first.wait_for()
                _idle(page)
                timings.append(time.perf_counter() - start)
                moved = page.get_by_text(re.compile(r"^Moved [\d,]+ accounts to ")).first.inner_text()
                print(f"move {number} → {name}: {timings[-1]:8.2f} s  ({moved})")
            print(f"move, click to before/after shown: median {statistics.median(timings):.2f} s, "
                  f"max {max(timings):.2f} s (budget 1 s)")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
