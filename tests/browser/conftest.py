"""Real-browser tests: the app served by `streamlit run` and driven by Debian's headless chromium.

`serve_app(db_path)` starts the app on a free port against a database file and returns its URL;
`page` is a playwright page in a fresh context. Screenshots go to test-output/screenshots/ and
are meant to be looked at. Without chromium the tests skip locally; on CI (CI=true) that is an error,
because .ci/run installs it.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import OUTPUT, REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = OUTPUT / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer at {url} within {timeout} s")


@pytest.fixture
def serve_app(tmp_path):
    """Factory: serve_app(db_path, **env) -> base URL of a running app on that database."""
    processes: list[subprocess.Popen] = []

    def start(db_path: Path | str, **env: str) -> str:
        port = _free_port()
        environment = {**os.environ, "TERRAIN_DB": str(db_path), **env}
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"],
            cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process)
        return url

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def demo_url(serve_app, tmp_path):
    """The app served on a fresh demo company."""
    from engine.demo.company import build_demo
    from tests.conftest import database_file

    return serve_app(database_file(tmp_path / "demo.duckdb", build_demo))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run must install it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(300)


def selectbox(page, label: str, nth: int = 0):
    """The nth Streamlit selectbox whose label contains `label`."""
    return page.locator('[data-testid="stSelectbox"]').filter(has_text=label).nth(nth)


def choose(page, box, option: str) -> None:
    """Pick `option` in the selectbox `box` (see `selectbox`), and wait until the box holds it.

    On a busy machine the keys can land before the list listens, or a late rerun closes the list
    under the pointer (the option detaches): open, type and click again until the box shows it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    choice = page.get_by_role("option", name=option, exact=True).first
    for attempt in range(4):
        wait_for_app(page)
        box.click()
        page.keyboard.press("Control+a")  # a retry types over what the last attempt left
        page.keyboard.type(option)  # the list is virtualised: type to bring the option into view
        try:
            choice.click(timeout=10_000)
            # the chosen value lives in the combobox input's value, not in its text
            expect(box.get_by_role("combobox")).to_have_value(option, timeout=5_000)
            return
        except (PlaywrightError, AssertionError):  # expect() raises AssertionError
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
