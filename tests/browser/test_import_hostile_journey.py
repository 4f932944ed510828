"""In a real browser against a real server: a hostile workbook (cells at A1 and XFD1048576 and no
dimension saying so; reading it would abort the process) and a Windows-1252 CSV are uploaded
together. The workbook is measured and refused by name before any reader sees it, the CSV's
encoding is shown, and the same server then imports it as written."""
from __future__ import annotations

import pytest

from engine.store import Store
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import fill_tiny_company
from tests.importing import hostile

pytestmark = pytest.mark.browser


def test_a_hostile_upload_is_refused_and_the_server_imports_the_next(serve_app, page, tmp_path):
    path = tmp_path / "import.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    url = serve_app(path)
    corner = hostile.far_corner_workbook(tmp_path / "corner.xlsx", declare=False)  # its XML is measured
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes("Id,Name,BillingCity\n001X,Müller GmbH,München\n001Y,Köln Bau,Köln\n".encode("cp1252"))

    page.goto(f"{url}/import")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(corner), str(accounts)])
    page.get_by_text("has cells in 16,384 columns on sheet1 (as far as XFD1048576)").wait_for(timeout=90_000)
    wait_for_app(page)
    screenshot(page, "import-hostile-refused")
    shown = page.locator('[data-testid="stSelectbox"]', has_text="Text encoding").first
    said = shown.evaluate("e => e.innerText + ' ' + Array.from(e.querySelectorAll('input')).map("
                          "i => i.value + ' ' + (i.getAttribute('aria-label') || '')).join(' ')")
    assert "Windows-1252 (Western European) (detected)" in said

    page.goto(f"{url}/import")  # a new session on the same server
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(accounts)])
    page.get_by_text("2 rows are ready to load").wait_for(timeout=90_000)
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 2 rows from 1 file; 0 rejected.").wait_for(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "import-after-hostile")
    assert page.get_by_text("accounts.csv").count() > 0  # the history lists it
