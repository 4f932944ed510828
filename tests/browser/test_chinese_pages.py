"""Every page in 中文 in a real browser, on the demo company: no error, no English placeholder
("Choose options"), and a full-page screenshot of each under test-output/screenshots/zh-<page>.png
that is meant to be looked at."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PAGES = ("overview", "reps", "forecast", "targets", "activity", "planner", "import")


def _whole_page(page) -> None:
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(height + 120, 6000)})
    page.wait_for_timeout(800)


def test_every_page_in_chinese(demo_url, page):
    for name in PAGES:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{demo_url}/{name}?lang=zh")
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_for_app(page)
        page.wait_for_timeout(1500)  # charts and maps draw after the first paint
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0, (name, page.locator(
            '[data-testid="stException"]').first.inner_text())
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Choose options" not in text and "Choose an option" not in text, name
        assert "None" not in page.locator('[data-testid="stMetric"]').all_inner_texts(), name
        _whole_page(page)
        screenshot(page, f"zh-{name}")
