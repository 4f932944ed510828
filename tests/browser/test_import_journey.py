"""A sales-ops analyst's journey in a real browser: upload the Salesforce exports, confirm, read the summary."""
from __future__ import annotations

import pytest

from engine.store import Store
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import fill_tiny_company
from tests.importing.conftest import SALESFORCE

pytestmark = pytest.mark.browser


def test_upload_two_exports_and_see_the_summary(serve_app, page, tmp_path):
    path = tmp_path / "import.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)  # not empty, so the app does not build the demo first
    store.close()
    url = serve_app(path)

    page.goto(f"{url}/import")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(SALESFORCE / "Opportunity.csv"), str(SALESFORCE / "Account.csv")])
    page.get_by_text("72 rows are ready to load").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("Opportunity.csv — salesforce · deals").count() > 0
    screenshot(page, "import-checked")

    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 72 rows from 2 files; 0 rejected.").wait_for(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "import-summary")

    # The history table below lists what was just written (the server holds the database open).
    assert page.get_by_text("Import history").count() > 0
