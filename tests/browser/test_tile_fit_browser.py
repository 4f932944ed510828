"""The planner's six KPI tiles on a 1280 px planner's laptop in 中文: every value reads whole. In one
row of six they were cut to "651 …" (mean travel in 英里) and "$146…" (mileage cost in 万); two rows
of three fit. The screenshot test-output/screenshots/walk-planner-zh-1280.png is meant to be looked at."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

# A tile's text that needs more room than it has (Streamlit cuts it with an ellipsis).
CLIPPED = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *')]
    .filter(e => e.offsetParent && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.closest('[data-testid="stMetric"]').innerText.replace(/\\n+/g, ' | '))"""


def test_the_planner_tiles_read_whole_in_chinese_at_1280(demo_url, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{demo_url}/planner?lang=zh")
    page.get_by_text("已移动客户").first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.locator('[data-testid="stMetricValue"]').nth(5).wait_for()
    assert page.locator('[data-testid="stMetric"]').count() >= 6
    assert page.evaluate(CLIPPED) == []
    screenshot(page, "walk-planner-zh-1280")
