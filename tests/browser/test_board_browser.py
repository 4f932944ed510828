"""The morning board at 1920×1080 in a real browser: no sidebar, no scrollbar, large type, and the
panels rotate by themselves (the fragment reruns, the page does not); English and Chinese. And the
Health page's journey: tiles, then the risk list filtered to green."""
from __future__ import annotations


import pytest

from tests.app.test_board_page import fill_board_company
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import database_file

pytestmark = pytest.mark.browser

# every visible text node's font size in the main area, the smallest first
SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el.offsetParent) continue;
    sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  return Math.min(...sizes);
}"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A small demo company (1,250 accounts on real places): the regional map has shapes."""
    from engine.demo.company import build_demo
    from engine.store import Store

    path = tmp_path_factory.mktemp("board-demo") / "demo.duckdb"
    store = Store.open(path)
    build_demo(store, scale=0.05)
    store.close()
    return path


def wall_screen(browser):
    """(context, page) of a 1920×1080 screen, patient with a loaded machine."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(120_000)  # every page of the context (a wall screen opens its own), loaded-machine-sized
    page = context.new_page()
    return context, page


def fits_the_screen(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.evaluate(SMALLEST_TEXT) >= 24


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_board_on_a_wall_screen_shows_every_panel_in_one_rotation(demo_db, serve_app, browser, lang):
    """1920×1080, rotating every 10 s: each of the six panels comes up in turn within one rotation,
    fits the screen without a scrollbar and has no text under 24 px; a screenshot of each."""
    from engine.board.panels import PANELS
    from engine.i18n import t

    url = serve_app(demo_db)
    context, page = wall_screen(browser)
    try:
        # the map first, held on screen (a 600 s rotation): it paints some seconds after its canvas
        page.goto(f"{url}/board?rotate=600&lang={lang}")
        wait_for_app(page)
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=60_000)
        page.wait_for_timeout(4000)
        fits_the_screen(page)
        screenshot(page, f"board-{lang}-map")
        # then the rotation, every 10 s: each panel in turn, each checked as it comes up
        page.goto(f"{url}/board?rotate=10&lang={lang}")
        wait_for_app(page)
        for index, panel in enumerate(PANELS, start=1):
            heading = t(f"board.panel.{panel}", lang, month="").strip(" :：")  # pacing names the month first
            page.locator("h2").filter(has_text=heading).wait_for(timeout=60_000)
            counter = t("board.as_of", lang, as_of="", index=index, count=len(PANELS), seconds=10).split("·")[1].strip()
            page.get_by_text(counter).wait_for(timeout=60_000)   # the whole panel drawn, not the last one's leftovers
            assert page.locator('[data-testid="stSidebar"]').is_hidden()
            fits_the_screen(page)
            if panel != "regions":  # (the map's picture is the one above)
                screenshot(page, f"board-{lang}-{index}-{panel}")
    finally:
        context.close()


@pytest.mark.parametrize("lang, leads, receivables, leads_index, receivables_index", [
    ("en", "New leads waiting for follow-up", "Overdue receivables", "panel 7 of 8", "panel 8 of 8"),
    ("zh", "待跟进的新线索", "逾期应收", "第 7/8 屏", "第 8/8 屏"),
])
def test_board_follow_up_and_receivables_panels(tmp_path, serve_app, browser, lang, leads, receivables,
                                                leads_index, receivables_index):
    from tests.health.crm import fill_crm_company

    url = serve_app(database_file(tmp_path / "crm-board.duckdb", fill_crm_company))
    context, page = wall_screen(browser)
    try:
        page.goto(f"{url}/board?rotate=5&lang={lang}")
        wait_for_app(page)
        for title, index, name, owner in ((leads, leads_index, "leads", "Queue Co"),
                                          (receivables, receivables_index, "receivables", "Siemens Kunde")):
            page.wait_for_selector(f'h2:has-text("{title}")', timeout=120_000)
            page.get_by_text(index).wait_for(timeout=120_000)
            page.locator('[data-testid="stTable"]').filter(has_text=owner).first.wait_for()
            fits_the_screen(page)
            screenshot(page, f"board-{lang}-{name}")
    finally:
        context.close()


def test_health_page_journey(tmp_path, serve_app, page):
    url = serve_app(database_file(tmp_path / "health.duckdb", fill_board_company))
    page.goto(f"{url}/health")
    wait_for_app(page)
    page.wait_for_selector('h1:has-text("Customer health")')
    page.locator('[data-testid="stMetricValue"]').nth(3).wait_for()
    tiles = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert tiles[:3] == ["3", "0", "4"], tiles
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    page.get_by_text("Where Umbrella's points went: 30.0 of 100, Red").wait_for()
    page.wait_for_timeout(1500)
    screenshot(page, "health-risk-list")
    page.get_by_role("tab", name="Alerts").click()
    page.get_by_text("4 of 4 alerts").wait_for()
    page.wait_for_timeout(1000)
    screenshot(page, "health-alerts")


def test_health_alerts_and_receivables_tabs(tmp_path, serve_app, page):
    from tests.health.crm import fill_crm_company

    url = serve_app(database_file(tmp_path / "crm-health.duckdb", fill_crm_company))
    page.goto(f"{url}/health")
    wait_for_app(page)
    page.wait_for_selector('h1:has-text("Customer health")')
    page.get_by_role("tab", name="Alerts").click()
    page.get_by_text("16 of 16 alerts").wait_for()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    screenshot(page, "health-alerts-crm")
    page.get_by_role("tab", name="Receivables").click()
    page.get_by_text("DSO = outstanding ÷ invoiced in the last 90 days × 90").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').filter(visible=True).first.wait_for()
    page.wait_for_timeout(1000)
    screenshot(page, "health-receivables")


def test_a_board_link_opens_the_board_and_nothing_else(tmp_path, serve_app, browser):
    """Sign-in on: the wall screen's link opens its board (its scope only) without signing in, no
    sidebar and no way to another page; the same token on another path still shows only the
    board; the app without the token asks to sign in; a revoked link says so and shows nothing."""
    from engine.access.board_links import create_link, list_links, revoke_link
    from engine.access.users import UsersFile
    from engine.store import Store

    db = database_file(tmp_path / "board.duckdb", fill_board_company)
    users = tmp_path / "users.json"
    UsersFile(users).add("boss", "admin", password="boss-password")
    store = Store.open(db)
    try:
        token, _ = create_link(store, "Berlin lobby", "EU", "en", 600)
        revoked, link = create_link(store, "Old screen", None, "zh", 600)
        revoke_link(store, link.link_id)
    finally:
        store.close()
    url = serve_app(db, TERRAIN_USERS=str(users))
    context, page = wall_screen(browser)
    try:
        page.goto(f"{url}/board?token={token}")
        wait_for_app(page)
        page.locator("h1").filter(has_text="Morning meeting — EMEA").wait_for()
        page.locator('[data-testid="stTable"]').filter(has_text="DACH").first.wait_for()
        assert page.locator('[data-testid="stTable"]').filter(has_text="Americas").count() == 0
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('[data-testid="stSidebarNav"], a[href*="/overview"], a[href*="/users"]').count() == 0
        assert page.get_by_text("Page not found").count() == 0
        screenshot(page, "board-link-emea")
        for other in ("overview", "users", "health"):   # the same token elsewhere: the board, nothing else
            page.goto(f"{url}/{other}?token={token}")
            wait_for_app(page)
            page.locator("h1").filter(has_text="Morning meeting — EMEA").wait_for()
            assert page.locator("h1").filter(has_text="Customer health").count() == 0
            assert page.get_by_text("Add user").count() == 0
        page.goto(f"{url}/overview")                       # no token: the sign-in form, no figure
        wait_for_app(page)
        page.locator("h1").filter(has_text="Sign in to Terrain").wait_for()
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.close()
        page = context.new_page()    # a wall screen of its own
        page.goto(f"{url}/board?token={revoked}")
        wait_for_app(page)
        page.locator("h1").filter(has_text="此大屏链接已被撤销").wait_for()
        page.wait_for_timeout(1000)  # Streamlit's "Page not found" dialog would have come with the run
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[data-testid="stTable"], [data-testid="stMetric"]').count() == 0
        screenshot(page, "board-link-revoked")
    finally:
        context.close()
