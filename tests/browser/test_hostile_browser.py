"""Issue 12 in a real browser: hostile names render as text (no link, no image fetched), and a
corrupt database gets a sentence, never a traceback or a server path.
Screenshots: hostile-names-overview, corrupt-database."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import database_file
from tests.hardening.conftest import MARKDOWN, fill_markdown_company

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def shown_text(page) -> str:
    """The page's text as a reader sees it (the invisible word joiners that keep URLs unlinked dropped)."""
    return page.inner_text("body").replace("\u2060", "")


def test_hostile_names_are_text_and_fetch_nothing(serve_app, page, tmp_path):
    url = serve_app(database_file(tmp_path / "hostile.duckdb", fill_markdown_company))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "evil.example" in request.url else None)
    page.goto(f"{url}/targets?scope=UK&period=2025")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("'s targets$")).wait_for()  # the last of the names drawn
    page.get_by_text("Targets — ![x](http:").first.wait_for()
    shown = shown_text(page)
    assert "Targets — " + MARKDOWN["UK"] in shown and "Save " + MARKDOWN["UK"] + "'s targets" in shown  # title, button
    page.goto(f"{url}/overview?scope=FR&period=2024")
    wait_for_app(page)
    page.get_by_text("You are looking at").wait_for()
    assert MARKDOWN["FR"] in shown_text(page)  # the breadcrumb's current step, as typed
    links = page.eval_on_selector_all('a[href*="evil.example"]', "els => els.map(e => e.parentElement.parentElement.outerHTML.slice(0, 600))")
    assert links == []
    assert page.locator('img[src*="evil.example"]').count() == 0
    screenshot(page, "hostile-names-overview")
    assert fetched == []


def test_a_corrupt_database_gets_a_sentence_in_the_browser(serve_app, page, tmp_path):
    path = tmp_path / "private-folder" / "terrain.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"DUCK" * 5000)
    page.goto(serve_app(path))
    wait_for_app(page)
    page.get_by_text("The database could not be used").first.wait_for()
    text = page.inner_text("body")
    assert "terrain.duckdb" in text and "private-folder" not in text and str(tmp_path) not in text
    assert "Traceback" not in text and page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no links to pages that cannot run
    screenshot(page, "corrupt-database")
