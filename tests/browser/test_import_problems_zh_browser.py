"""The Import page in 中文 in a real browser: an export with bad rows lists its problems with the
reasons in Chinese, and switching the language after the upload (the pickers keep their keys)
leaves the page working, now in English, with the same file and choices."""
from __future__ import annotations

import re

import pytest

from engine.store import Store
from tests.browser.conftest import choose, screenshot, selectbox, wait_for_app
from tests.conftest import fill_tiny_company
from tests.importing.test_problem_words import BAD_DEALS

pytestmark = pytest.mark.browser


def test_problems_in_chinese_then_a_switch_to_english(serve_app, page, tmp_path):
    path = tmp_path / "import.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)  # not empty, so the app does not build the demo first
    store.close()
    deals = tmp_path / "deals.csv"
    deals.write_text(BAD_DEALS, encoding="utf-8")
    url = serve_app(path)

    page.goto(f"{url}/import?lang=zh")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(deals)])
    page.get_by_text("发现 5 个问题").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "UTF-8（自动识别）" in page.content()  # the encoding picker, in Chinese
    page.get_by_text("发现 5 个问题").scroll_into_view_if_needed()  # the table's cells are drawn, not text
    screenshot(page, "import-problems-zh")

    # the box's label changes with the choice: a retry of `choose` must still find it
    choose(page, selectbox(page, re.compile("语言|Language")), "English")
    page.get_by_text("5 problems found").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "UTF-8 (detected)" in page.content()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text("5 problems found").scroll_into_view_if_needed()
    screenshot(page, "import-problems-en-after-switch")
