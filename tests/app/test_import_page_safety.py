"""The Import page with files that could hurt: a hostile workbook is refused by name while the
page (the server) carries on, the detected encoding is shown and can be changed, and the
uploads are gone from disk once the import is done."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.store import Store
from tests.app.test_import_page import _app, empty_db  # noqa: F401 - the page and its empty database
from tests.importing import hostile


def _upload(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    app.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files])
    return app.run()


def _our_temp_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"terrain-{os.getpid()}-*"))


def test_a_hostile_workbook_is_refused_by_name_and_the_page_carries_on(empty_db, tmp_path):
    corner = hostile.far_corner_workbook(tmp_path / "corner.xlsx").read_bytes()
    app = _upload(_app(), ("corner.xlsx", corner))
    assert not app.exception, app.exception
    # the file's name and the reason are data, escaped for Markdown (corner\.xlsx shows as corner.xlsx)
    shown = [e.value.replace("\\", "") for e in app.error]
    assert any("corner.xlsx" in e and "declares 16,384 columns" in e for e in shown), shown
    accounts = hostile.small_workbook(tmp_path / "accounts.xlsx").read_bytes()
    app = _upload(app, ("accounts.xlsx", accounts))
    assert not app.exception, app.exception
    assert any("2 rows are ready to load" in s.value for s in app.success)


def test_the_encoding_is_shown_and_can_be_changed(empty_db):
    data = "Id,Name,BillingCity\n001A,Ĺsa Řberg,Brno\n".encode("cp1250")
    app = _upload(_app(), ("accounts.csv", data))
    assert not app.exception, app.exception
    choice = next(s for s in app.selectbox if s.label == "Text encoding")
    assert choice.value == "cp1252" and "Windows-1252 (Western European) (detected)" in choice.options
    assert any("would read it as plausibly but differently" in i.value for i in app.info)
    choice.set_value("cp1250")
    app.run()
    assert not app.exception, app.exception
    next(b for b in app.button if b.label == "Import").click()
    app.run()
    assert not app.exception, app.exception
    store = Store.open(empty_db)
    assert store.table("accounts", ["name"])["name"].to_list() == ["Ĺsa Řberg"]
    store.close()


def test_uploads_are_deleted_once_the_import_is_done(empty_db):
    before = _our_temp_folders()
    app = _upload(_app(), ("accounts.csv", b"Id,Name,BillingCity\n001A,Acme,Paris\n001B,Beta,Lyon\n"))
    assert not app.exception, app.exception
    during = _our_temp_folders() - before
    [folder] = during
    assert [p.name for p in folder.rglob("*.csv")] == ["accounts.csv"]
    next(b for b in app.button if b.label == "Import").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Imported 2 rows from 1 file; 0 rejected." in s.value for s in app.success)
    # the upload's folder is gone and nothing new is left (an earlier test's leftovers in this
    # process may have been swept on the way: fewer is fine, more is not)
    assert folder not in _our_temp_folders() and _our_temp_folders() <= before
    assert not app.file_uploader[0].value  # a fresh uploader, ready for the next import
