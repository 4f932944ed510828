"""The browser never shows a traceback or a server path (issue 12): a busy, missing or corrupt
database and every TerrainError get the page's friendly error; anything else a logged apology."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import run_page
from tests.conftest import REPO
from ui.failures import without_paths

PAGES = ("overview", "reps", "forecast", "targets", "activity", "planner", "import")


def shell(monkeypatch, db) -> AppTest:
    from ui import context

    monkeypatch.setenv("TERRAIN_DB", str(db))
    context._open_store.clear()
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()


def assert_friendly(app: AppTest, *words: str) -> str:
    assert not app.exception, app.exception
    [error] = [e.value for e in app.error]
    assert "Traceback" not in error and "/tmp/" not in error and "pytest-of" not in error, error
    for word in words:
        assert word in error, error
    return error


@pytest.fixture
def corrupt_db(tmp_path):
    path = tmp_path / "data" / "terrain.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"DUCK" * 5000)
    return path


def test_a_corrupt_database_gets_the_friendly_message(corrupt_db, monkeypatch):
    error = assert_friendly(shell(monkeypatch, corrupt_db), "The database could not be used", r"terrain\.duckdb")
    assert "Check that the file is a Terrain DuckDB database" in error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_alone_stops_kindly_on_a_corrupt_database(corrupt_db, monkeypatch, page):
    from ui import context

    monkeypatch.setenv("TERRAIN_DB", str(corrupt_db))
    context._open_store.clear()
    assert_friendly(run_page(page, period="2024"), "The database could not be used")


def test_a_database_folder_that_cannot_be_made_is_said(monkeypatch):
    assert_friendly(shell(monkeypatch, "/proc/terrain/data/terrain.duckdb"), "could not be opened",
                    "may write in its folder")


def test_a_busy_database_says_it_is_in_use(tmp_path, monkeypatch):
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time, duckdb
        connection = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert_friendly(shell(monkeypatch, path), "The database is in use", r"busy\.duckdb",
                        "open in another process")
    finally:
        holder.kill()
        holder.wait()


def test_a_terrain_error_and_a_bug_in_a_page_are_both_friendly():
    def page():
        import streamlit as st

        from engine.store.errors import StoreError
        from ui.failures import friendly_failures

        with friendly_failures("en"):
            raise StoreError("Could not read /srv/terrain/private/terrain.duckdb.", hint="Try again.")
        with friendly_failures("zh"):
            raise RuntimeError("secret detail /srv/terrain/app.py line 3")
        st.write("after")

    app = AppTest.from_function(page, default_timeout=30).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        r"**The database could not be used** — Could not read terrain\.duckdb\. Try again\.",
        "**出现了问题** — 页面无法显示。详细信息已记录在服务器日志中；请刷新页面，如果问题再次出现，请告知 Terrain 的管理员。"]
    assert app.markdown[0].value == "after"


@pytest.mark.parametrize(("text", "shown"), [
    ("The database /srv/terrain/data/terrain.duckdb is open", "The database terrain.duckdb is open"),
    ("at C:\\Users\\ops\\terrain.duckdb now", "at terrain.duckdb now"),
    ('file "/tmp/x/y.csv" row 3', 'file "y.csv" row 3'),
    ("see http://example.com/a/b and TERRAIN_DB / --db", "see http://example.com/a/b and TERRAIN_DB / --db"),
    ("A/B test, 1/2 done, ./relative/file.csv", "A/B test, 1/2 done, ./relative/file.csv"),
])
def test_server_paths_are_cut_to_the_file_name(text, shown):
    assert without_paths(text) == shown


def test_the_shipped_config_hides_error_details():
    from streamlit.config import ShowErrorDetailsConfigOptions

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE == "none"
