"""The KPI tiles of Overview, Forecast and Activity read whole at 1280, 1440 and 1920 px in English
and 中文: no label, delta or delta caption ends in "…" ("vs last qua…" on Overview at 1280,
"projected vs target" on Forecast at 1440, 线索响应（中位数）on Activity). Labels and captions wrap
(ui/tile_text.py); Activity's six tiles sit in two rows of three. The screenshots
test-output/screenshots/tiles-<page>-<lang>-1280.png are meant to be looked at."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

# Every visible text part of a tile that needs more room than it has (Streamlit clips it).
CLIPPED = """() => [...document.querySelectorAll(
      ['stMetricLabel', 'stMetricValue', 'stMetricDelta', 'stMetricDeltaDescription']
        .map(id => `[data-testid="${id}"], [data-testid="${id}"] *`).join(', '))]
    .filter(e => e.offsetParent && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.closest('[data-testid="stMetric"]').innerText.replace(/\\n+/g, ' | '))"""
TILES = {"overview": 8, "forecast": 5, "activity": 6}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tile_words_are_never_cut(demo_url, page, lang):
    clipped = {}
    for name, tiles in TILES.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{demo_url}/{name}?lang={lang}")
        page.locator('[data-testid="stMetric"]').nth(tiles - 1).wait_for(timeout=120_000)
        wait_for_app(page)
        for width in (1280, 1440, 1920):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_function("w => document.documentElement.clientWidth <= w && window.innerWidth === w", arg=width)
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            if found := page.evaluate(CLIPPED):
                clipped[(name, width)] = found
        page.set_viewport_size({"width": 1280, "height": 900})
        screenshot(page, f"tiles-{name}-{lang}-1280")
    assert clipped == {}
