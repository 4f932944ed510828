"""A manager reads the Leads & contacts tab of Activity & KPIs in a real browser, in English and in
Chinese, on the seed company with its leads (tests/metrics/lead_seed.py). The screenshots under
test-output/screenshots/activity-leads-*.png are meant to be looked at."""
from __future__ import annotations

import pytest

from tests.browser.test_desk_pages_journey import _chart_titles, _open, _tiles, _whole_page

pytestmark = pytest.mark.browser


@pytest.fixture
def seed_url(serve_app, tmp_path):
    from tests.conftest import database_file
    from tests.metrics.conftest import fill_seed_company
    from tests.metrics.lead_seed import fill_seed_leads

    def fill(store) -> None:
        fill_seed_company(store)
        fill_seed_leads(store)
    return serve_app(database_file(tmp_path / "seed-leads.duckdb", fill))


@pytest.mark.parametrize(("lang", "title", "tab", "tile", "chart"), [
    ("en", "Activity & KPIs — FY2024 Q2", "Leads & contacts", "Leads created",
     "Calls is the most frequent activity: 33.3% of 9"),
    ("zh", "活动与指标 — 2024财年第2季度", "线索与联系人", "新建线索", "电话最多：占全部 9 次活动的 33.3%"),
])
def test_leads_tab(seed_url, page, lang, title, tab, tile, chart):
    _open(page, f"{seed_url}/activity?period=2024-Q2&lang={lang}", title)
    page.get_by_role("tab", name=tab).click()
    page.locator('[data-testid="stVegaLiteChart"] g.role-title text', has_text=chart).first.wait_for()
    assert _tiles(page)[tile] == "6"
    assert chart in _chart_titles(page)
    _whole_page(page, f"activity-leads-{lang}")
