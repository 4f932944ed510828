"""The Import page: upload several files, see source/entity and mapping, problems, confirm, summary."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.store import Store
from tests.conftest import REPO
from tests.importing.conftest import BROKEN, SALESFORCE

PAGE = str(REPO / "pages" / "import.py")


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    path = tmp_path / "import.duckdb"
    Store.open(path).close()
    monkeypatch.setenv("TERRAIN_DB", str(path))
    return path


def _app(lang="en") -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=90)
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True  # the page runs alone here, as app.py would run it
    return app.run()


def _upload(app: AppTest, *paths) -> AppTest:
    app.file_uploader[0].set_value([(p.name, p.read_bytes(), "text/csv") for p in paths])
    return app.run()


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_uploading_salesforce_files_shows_detection_mapping_and_imports(empty_db):
    app = _app()
    assert not app.exception, app.exception
    assert app.file_uploader[0].accept_multiple_files
    app = _upload(app, SALESFORCE / "Opportunity.csv", SALESFORCE / "Account.csv")
    assert not app.exception, app.exception
    labels = [e.label for e in app.expander]
    # Labels are Markdown: the file names come escaped (ui/markup.py), so a name is never a link
    assert labels == [r"Opportunity\.csv — salesforce · deals · 35 columns", r"Account\.csv — salesforce · accounts · 56 columns"]
    mapping = next(d.value for d in app.dataframe if "how" in d.value.columns)
    fields = dict(zip(mapping["column"], mapping["field"]))
    assert fields["StageName"] == "stage" and fields["CloseDate"] == "close_date" and fields["Amount"] == "amount"
    assert set(mapping.loc[mapping["how"] == "known column", "confidence"]) == {1.0}
    assert any("72 rows are ready to load" in s.value for s in app.success)
    _button(app, "Import").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Imported 72 rows from 2 files; 0 rejected." in s.value for s in app.success)
    store = Store.open(empty_db)
    assert store.count("deals") == 50 and store.count("accounts") == 22
    store.close()


def test_problems_are_listed_and_skip_invalid_loads_the_rest_with_rejects_download(empty_db):
    app = _upload(_app(), BROKEN / "unparseable_dates.csv")
    assert not app.exception, app.exception
    assert any("1 problem found" in w.value for w in app.warning)
    problems = [d.value for d in app.dataframe]
    assert any(list(frame["reason"]) == ["is not a date"] for frame in problems if "reason" in frame.columns)
    assert _button(app, "Import").disabled
    app.checkbox(key="import-skip-invalid").check().run()
    _button(app, "Import").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Imported 2 rows from 1 file; 1 rejected." in s.value for s in app.success)
    assert any("Download rejected rows" in d.label for d in app.get("download_button"))


def test_unknown_stage_is_asked_in_chinese(empty_db):
    app = _upload(_app("zh"), BROKEN / "unknown_stages.csv")
    assert not app.exception, app.exception
    assert any(h.value == "未知阶段：请说明每个阶段的含义" for h in app.subheader)
    assert app.title[0].value == "导入 CRM 导出文件"


def test_history_lists_earlier_imports(empty_db):
    from engine.importing import import_files

    store = Store.open(empty_db)
    import_files(store, [SALESFORCE / "Opportunity.csv"], reporting_currency="USD")
    store.close()
    app = _app()
    assert not app.exception, app.exception
    history = app.dataframe[-1].value
    assert list(history["file_name"]) == ["Opportunity.csv"] and list(history["rows_loaded"]) == [50]
