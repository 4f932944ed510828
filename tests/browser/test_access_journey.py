"""Signing in, in a real browser, on the demo company with a users file: a rep sees only their
territory on every page, a viewer cannot import, repeated wrong passwords are slowed down, and
signing out ends the session. Screenshots: test-output/screenshots/access-*.png."""
from __future__ import annotations

import re

import pytest

from engine.access.users import UsersFile
from tests.browser.conftest import RERUN, rerun_of, screenshot, wait_for_app

pytestmark = pytest.mark.browser

OTHER_REGIONS = ("Americas", "APAC", "LATAM", "Strategic Accounts", "US West", "Japan")
DESK = ("Reps", "Forecast", "Targets", "Activity & KPIs", "What-if planner")


@pytest.fixture
def signed_url(serve_app, tmp_path):
    from engine.demo.company import build_demo
    from tests.conftest import database_file

    db = database_file(tmp_path / "demo.duckdb", build_demo)
    users = UsersFile(tmp_path / "demo.users.json")
    users.add("maria", "admin", password="maria-password")
    users.add("dieter", "rep", password="dieter-password", rep_id="REP-045")   # owns DACH
    users.add("vera", "viewer", password="vera-password", territories=("T-EMEA",))
    return serve_app(db)


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    with rerun_of(page):  # checking a password takes a moment: wait for that very run to end
        page.get_by_role("button", name="Sign in", exact=True).click()


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _go(page, title: str) -> None:
    """Navigate with the sidebar (a reload would start a new, signed-out session)."""
    with rerun_of(page):
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=RERUN)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def test_a_rep_signs_in_and_sees_only_their_territory_on_every_page(signed_url, page):
    page.goto(f"{signed_url}/?period=2026-Q4")
    page.get_by_role("heading", name="Sign in to Terrain").wait_for(timeout=RERUN)
    page.get_by_role("textbox", name="User name").wait_for()
    wait_for_app(page)
    assert page.locator('[data-testid="stMetric"]').count() == 0  # nothing before signing in
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # nor any page's name
    screenshot(page, "access-signin")
    _sign_in(page, "dieter", "dieter-password")
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=RERUN)
    wait_for_app(page)
    assert "Signed in as dieter" in page.locator('[data-testid="stSidebar"]').inner_text()
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Import" not in nav and "Users" not in nav
    text = _main_text(page)
    assert "EMEA" in text and not [name for name in OTHER_REGIONS if name in text]
    screenshot(page, "access-rep-overview")
    for title in DESK:
        _go(page, title)
        text = _main_text(page)
        assert not [name for name in OTHER_REGIONS if name in text], (title, text[:500])
    screenshot(page, "access-rep-planner")


def test_a_viewer_cannot_import(signed_url, page):
    page.goto(signed_url)
    page.get_by_role("heading", name="Sign in to Terrain").wait_for(timeout=RERUN)
    _sign_in(page, "vera", "vera-password")
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=RERUN)
    assert "Import" not in page.locator('[data-testid="stSidebarNav"]').inner_text()
    _go(page, "Targets")
    page.get_by_text("Your role (viewer) can look but not change this.").wait_for(timeout=RERUN)
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    screenshot(page, "access-viewer-targets")


def test_wrong_passwords_are_slowed_down_and_sign_out_ends_the_session(signed_url, page):
    page.goto(signed_url)
    page.get_by_role("heading", name="Sign in to Terrain").wait_for(timeout=RERUN)
    wrong = page.get_by_text("The user name or the password is not right.")
    slowed = page.get_by_text("Too many failed attempts; wait")
    for attempt in range(1, 4):  # three free failures
        _sign_in(page, "maria", f"guess-{attempt}")
        wrong.wait_for(timeout=RERUN)
        assert slowed.count() == 0
    # From the fourth failure on, each one makes the next try wait 2 s, 4 s, 8 s …: by the fifth
    # try the form says to wait — or, on a machine so loaded a try takes over 2 s (4 s), the sixth
    # (seventh). Each read is of the finished run of that very try (rerun_of).
    for attempt in range(4, 8):
        _sign_in(page, "maria", f"guess-{attempt}")
        if slowed.count():
            break
    screenshot(page, "access-throttled")
    assert slowed.count() == 1 and 5 <= attempt <= 7, attempt
    # Wait out the throttle for as long as the form says (a refused try is no failure: it does not
    # lengthen the wait), then the right password gets in.
    for _ in range(4):  # at most the longest wait (8 s here) and a try or two past it
        if not slowed.count():
            break
        seconds = int(re.search(r"wait (\d+) s", slowed.inner_text()).group(1))
        page.wait_for_timeout(seconds * 1000 + 500)  # the app's own clock, which the test must let run
        _sign_in(page, "maria", "maria-password")
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=RERUN)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Import" in nav and "Users" in nav  # the admin sees every page
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Terrain").wait_for(timeout=RERUN)
    assert "You are signed out." in _main_text(page)
    wait_for_app(page)  # the signed-in run's tiles linger in the DOM until the new run has finished
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.goto(f"{signed_url}/reps")  # a deep link after signing out: the form again, at its path
    page.get_by_role("heading", name="Sign in to Terrain").wait_for(timeout=RERUN)
    page.get_by_role("textbox", name="User name").wait_for()
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, "access-signed-out")
    _sign_in(page, "maria", "maria-password")  # …and signing in there opens the page it named
    page.get_by_role("heading", name="Reps").first.wait_for(timeout=RERUN)
