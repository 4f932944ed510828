"""The shell in a real browser: a shared deep link opens the right page, period and language,
even as the very first request of a freshly started server."""
from __future__ import annotations

import pytest

from tests.browser.conftest import RERUN, screenshot, wait_for_app
from tests.conftest import database_file, fill_tiny_company

pytestmark = pytest.mark.browser


def test_cold_deep_link_keeps_page_period_and_language(tmp_path, serve_app, page):
    url = serve_app(database_file(tmp_path / "tiny.duckdb", fill_tiny_company))

    page.goto(f"{url}/reps?period=2024-Q1&lang=zh")
    wait_for_app(page)
    page.wait_for_selector('h1:has-text("销售代表")')
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("总览").count() == 1 and nav.get_by_text("导入").count() == 1
    screenshot(page, "shell-cold-deep-link-zh")
    chosen = [box.input_value() for box in page.locator('[data-testid="stSidebar"] input').all()]
    assert "2024财年第1季度" in chosen and "简体中文" in chosen
    assert "period=2024-Q1" in page.url and "/reps" in page.url
    screenshot(page, "shell-cold-deep-link-zh")


def test_period_choice_survives_page_switches(tmp_path, serve_app, page):
    url = serve_app(database_file(tmp_path / "tiny.duckdb", fill_tiny_company))

    page.goto(f"{url}/overview?period=2024")  # DESIGN's stable path of the default page
    page.wait_for_selector('h1:has-text("Overview")')
    assert page.get_by_text("Page not found").count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Forecast", exact=True).click()
    page.wait_for_selector('h1:has-text("Forecast")')
    sidebar.get_by_text("Reps", exact=True).click()
    page.wait_for_selector('h1:has-text("Reps")')
    # the sidebar's period box is drawn by the same run: wait for it to hold the linked period
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stSidebar"] input')]
        .some(box => box.value === 'FY2024')""", timeout=RERUN)
    chosen = [box.input_value() for box in sidebar.locator("input").all()]
    assert "FY2024" in chosen, chosen
    assert "period=2024" in page.url
    screenshot(page, "shell-period-kept-across-pages")


@pytest.mark.parametrize("path", ["/", "/overview"])
def test_root_and_the_stable_path_both_open_the_overview(tmp_path, serve_app, page, path):
    """The Overview is the default page: drawn by the first run at "/", and at DESIGN's /overview."""
    url = serve_app(database_file(tmp_path / "tiny.duckdb", fill_tiny_company))
    page.goto(f"{url}/reps")  # a server that has served a session before, as in real use
    page.wait_for_selector('h1:has-text("Reps")')
    page.goto(f"{url}{path}?lang=zh&period=2024-Q1")
    page.wait_for_selector('h1:has-text("总览")')
    page.wait_for_selector('[data-testid="stMetric"]')
    wait_for_app(page)
    page.wait_for_timeout(1500)  # Streamlit's "Page not found" dialog comes after the first paint
    assert page.get_by_text("Page not found").count() == 0
    assert "period=2024-Q1" in page.url and "lang=zh" in page.url
