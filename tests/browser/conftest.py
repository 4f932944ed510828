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
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import OUTPUT, REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = OUTPUT / "screenshots"
# ms a click's rerun may take to draw what it draws on a loaded CI machine (2 workers on 2 cores)
RERUN = 180_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
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


_SOCKETS: dict[int, list] = {}  # id(page) -> the websockets it opened (Streamlit's, the last one live)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    sockets = _SOCKETS.setdefault(id(page), [])
    page.on("websocket", lambda socket: sockets.append(socket))
    # Loaded-machine-sized: on CI two xdist workers share two cores with two apps and two browsers,
    # and under load 9-13 a wait of 30 s has run out. Waits say what state they wait for; this is
    # only how long a state may take before the test gives up.
    page.set_default_timeout(120_000)
    page.set_default_navigation_timeout(120_000)
    yield page
    context.close()
    _SOCKETS.pop(id(page), None)


def _server_message(payload):
    """A websocket frame from the server as Streamlit's ForwardMsg; None if it is not one."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return None
    message = ForwardMsg()
    try:
        message.ParseFromString(payload)
    except DecodeError:
        return None
    return message


def _run_finished(payload) -> bool:
    """Whether a frame is Streamlit's "script run finished" (a run that ended early for a rerun,
    as st.rerun does, is not the end: the run it starts is)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = _server_message(payload)
    return (message is not None and message.WhichOneof("type") == "script_finished"
            and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN)


def run_started(payload) -> bool:
    """Whether a frame says a script run has begun (each run opens with a new_session message):
    the sign that a click was taken, long before the run ends."""
    message = _server_message(payload)
    return message is not None and message.WhichOneof("type") == "new_session"


def app_socket(page):
    """The websocket the app's page talks to Streamlit on (the page fixture's pages only)."""
    return _SOCKETS[id(page)][-1]


@contextmanager
def rerun_of(page, timeout: float = RERUN):
    """Around an action that starts a script run (a click, a submit): on leaving, that run has
    finished — the server said so on the app's websocket — and the page has drawn what it sent.
    The state itself, where `wait_for_app` can only see a run that has visibly started."""
    socket = _SOCKETS[id(page)][-1]
    with socket.expect_event("framereceived", predicate=_run_finished, timeout=timeout):
        yield
    wait_for_app(page)
    page.evaluate(FRAMES)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
    page.wait_for_timeout(300)


def open_tab(page, name: str) -> None:
    """Click the tab called `name` (the visible one) and return once the page shows it chosen
    (aria-selected). Tabs switch in the browser without a rerun, but a click that lands while a
    rerun redraws the tab bar is lost: click again only once the state says it did not take."""
    from playwright.sync_api import Error as PlaywrightError

    tab = page.get_by_role("tab", name=name, exact=True).filter(visible=True).first
    for attempt in range(4):
        tab.click(timeout=120_000)
        try:
            tab.and_(page.locator('[aria-selected="true"]')).wait_for(timeout=10_000)
            return
        except PlaywrightError:
            if attempt == 3:
                raise


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


# The grid draws its cells on a canvas but keeps a hidden accessible <table> of the visible ones:
# each cell a <td id="glide-cell-<column>-<row>">, and the cell the grid has focused is the
# document's active element. The cell helpers below read that table instead of trusting pixels.
_FOCUSED_CELL = """() => { const cell = document.activeElement;  // focused and chosen: a cell the grid left
    return /^glide-cell-/.test(cell?.id ?? '') && cell.getAttribute('aria-selected') === 'true' ? cell.id : null; }"""
_CELL_ID = """([grid, row, title]) => {
    const root = document.querySelectorAll('[data-testid="stDataFrame"]')[grid];
    const header = [...root.querySelectorAll('th[role="columnheader"]')].find(h => h.textContent === title);
    const cell = header && root.querySelector(
        `tr[aria-rowindex="${row + 2}"] td[aria-colindex="${header.getAttribute('aria-colindex')}"]`);
    return cell ? cell.id : null;
}"""
_CHOSEN = """grid => !!document.querySelectorAll('[data-testid="stDataFrame"]')[grid]
    .querySelector('td[aria-selected="true"]')"""
_CELL_SHOWS = "([id, text]) => document.getElementById(id)?.textContent === text"
# resolves once the page has drawn two more frames: a wait on the page's own clock, not a guess
FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def grid_cell_text(page, grid: int, row: int, column: str) -> str:
    """What the `grid`-th grid of the page shows in `column` (its header) of its `row` (0 = first),
    once the grid has drawn that cell."""
    cell = page.wait_for_function(_CELL_ID, arg=[grid, row, column], timeout=60_000).json_value()
    return page.evaluate("id => document.getElementById(id).textContent", cell)


def _focus_cell(page, grid: int, target: str, row: int) -> bool:
    """Put the grid's focus on the cell `target` (a glide-cell id): click into the row's first data
    column, then walk with the arrow keys, each key waiting for the focus to move. False if the
    grid did not follow (a first click on the grid often only focuses its canvas): try again."""
    from playwright.sync_api import Error as PlaywrightError

    frame = page.locator('[data-testid="stDataFrame"]').nth(grid)
    frame.scroll_into_view_if_needed()  # Streamlit scrolls its own pane: bring the grid into view
    box = frame.bounding_box()
    # The accessible table follows the grid a moment late: with a cell still chosen (say by the
    # last edit's Enter), the focus would sit on that cell while the click is not yet taken. So
    # Escape clears the choice first, and the focused cell after the click is the clicked one.
    if page.evaluate(_CHOSEN, grid):
        page.keyboard.press("Escape")
        try:
            page.wait_for_function(f"() => !({_CHOSEN})({grid})", timeout=5_000)
        except PlaywrightError:
            return False
    page.mouse.click(box["x"] + 60, box["y"] + 35 * (row + 1) + 17)  # left of the row, past its row marker
    try:
        page.wait_for_function(_FOCUSED_CELL, timeout=5_000)
    except PlaywrightError:
        return False
    want_column, want_row = (int(part) for part in target.split("-")[2:])
    for _ in range(40):
        focused = page.evaluate(_FOCUSED_CELL)
        if focused == target:
            return True
        column, at_row = (int(part) for part in focused.split("-")[2:])
        key = ("ArrowRight" if column < want_column else "ArrowLeft" if column > want_column
               else "ArrowDown" if at_row < want_row else "ArrowUp")
        page.keyboard.press(key)
        try:
            page.wait_for_function(f"() => ({_FOCUSED_CELL})() !== {focused!r}", timeout=5_000)
        except PlaywrightError:
            return False
    return False


def edit_grid_cell(page, row: int, column: str, text: str, grid: int = 0) -> None:
    """Type `text` over the cell in `column` (its header) of `row` of the `grid`-th data editor, by
    keyboard as a user does, and return once the grid shows the new text in that very cell.

    Every step is checked on the grid's accessible table, never on a clock: the focused cell is
    that cell before Enter; the text box opens with that cell's text; the box holds `text` and
    the page has drawn a frame since the last key before Enter (Enter in the same frame as the
    last key commits the cell's old text: the edit is silently lost, 7 times in 30 in a probe);
    after Enter the cell shows `text`. An edit that did not take is typed again — harmless, since
    the cell still holds its old text; so is one whose text box a rerun closed under the keys.
    The script run the edit starts is the caller's to wait for."""
    from playwright.sync_api import Error as PlaywrightError

    box = page.locator("textarea.gdg-input")  # the text box the grid opens over the cell it edits
    page.locator('[data-testid="stDataFrame"]').nth(grid).wait_for(state="visible")
    for attempt in range(5):
        try:
            target = page.wait_for_function(_CELL_ID, arg=[grid, row, column], timeout=60_000).json_value()
            if not _focus_cell(page, grid, target, row):
                continue
            shown = page.evaluate("id => document.getElementById(id).textContent", target)
            page.keyboard.press("Enter")  # opens the cell's text box
            # over that very cell: the box starts with the cell's text (a read-only cell opens one too)
            page.wait_for_function("text => document.querySelector('textarea.gdg-input')?.value === text",
                                   arg=shown, timeout=10_000)
            # the keys go to the box itself: a rerun that closes it (the grid redrawn) fails them
            # here instead of sending Ctrl+A to the page
            box.press("Control+a", timeout=10_000)
            box.press_sequentially(text, timeout=10_000)
            page.wait_for_function("text => document.querySelector('textarea.gdg-input')?.value === text",
                                   arg=text, timeout=10_000)
            page.evaluate(FRAMES)
            box.press("Enter", timeout=10_000)
            box.wait_for(state="hidden", timeout=30_000)
            page.wait_for_function(_CELL_SHOWS, arg=[target, text], timeout=15_000)
            return
        except PlaywrightError:
            if attempt == 4:
                _grid_evidence(page, grid)
                raise
            if box.is_visible():
                page.keyboard.press("Escape")  # close a text box left open, keeping the cell's old text
    _grid_evidence(page, grid)
    raise AssertionError(f"could not edit row {row}, column {column!r} of grid {grid}")


def _grid_evidence(page, grid: int) -> None:
    """What a failed edit leaves for CI: the page's screenshot and the grid's accessible table
    (which cell is chosen, what each shows) with the focused element, under test-output/."""
    screenshot(page, "grid-edit-failed")
    html = page.evaluate("""grid => 'focused: ' + (document.activeElement?.outerHTML ?? '').slice(0, 300) + '\\n'
        + document.querySelectorAll('[data-testid="stDataFrame"]')[grid].outerHTML""", grid)
    (SCREENSHOTS / "grid-edit-failed.html").write_text(html, encoding="utf-8")


def tick_grid_row(page, grid, row: int, ticked: bool = True) -> None:
    """Tick (or untick) `row` of a selectable grid (`grid`: its stDataFrame locator) by clicking its
    row marker, and return once the grid's accessible table shows the row so (aria-selected on its
    <tr>). A click the grid did not take (a first click often only focuses its canvas) is clicked
    again — only after the state says it did not take, so a slow click is never undone. The rerun
    the selection starts is the caller's to wait for."""
    from playwright.sync_api import Error as PlaywrightError

    state = grid.locator(f'tr[aria-rowindex="{row + 2}"][aria-selected="{str(ticked).lower()}"]')
    for attempt in range(4):
        grid.wait_for(state="visible")
        grid.locator(f'tr[aria-rowindex="{row + 2}"]').wait_for(state="attached", timeout=60_000)
        if state.count():
            return
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 * (row + 1) + 17)  # the row marker's box
        try:
            state.wait_for(state="attached", timeout=10_000)
            return
        except PlaywrightError:
            if attempt == 3:
                _grid_evidence(page, 0)
                raise
