"""Terrain writes only into its own database (issue 12): a file of someone else's is refused
untouched (unless Terrain is told to set itself up there), a newer schema is refused, and an
existing file is backed up before a migration changes it."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

import engine.store.database as database
import engine.store.ownership as ownership
from engine.cli import main
from engine.store import Store
from engine.store.ownership import TERRAIN_TABLES, NewerDatabaseError, NotTerrainDatabaseError
from engine.store.schema import MIGRATIONS
from engine.store.settings import load_settings
from engine.store.errors import StoreError
from tests.conftest import REPO, fill_tiny_company


def foreign_db(path, *tables: str) -> str:
    connection = duckdb.connect(str(path))
    for table in tables:
        connection.execute(f"CREATE TABLE {table} (id INTEGER, note VARCHAR)")
        connection.execute(f"INSERT INTO {table} VALUES (1, 'theirs')")
    connection.close()
    return str(path)


def tables_of(path) -> list[str]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(r[0] for r in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall())
    finally:
        connection.close()


@pytest.mark.parametrize("command", [["report", "shares", "--period", "2024"], ["scenario", "list"],
                                     ["demo"]])
def test_a_foreign_database_is_refused_untouched_by_every_command(tmp_path, capsys, command):
    path = foreign_db(tmp_path / "crm.duckdb", "orders", "customers")
    assert main([*command, "--db", path]) == 2
    err = capsys.readouterr().err
    assert "holds tables that are not Terrain's (customers, orders)" in err and "TERRAIN_ADOPT_DB=1" in err
    assert "Traceback" not in err
    assert tables_of(path) == ["customers", "orders"]


def test_a_foreign_database_is_set_up_only_when_told(tmp_path):
    path = foreign_db(tmp_path / "shared.duckdb", "orders")
    store = Store.open(path, adopt=True)
    assert store.schema_version() == len(MIGRATIONS) and store.is_empty()
    store.close()
    assert {"orders", "accounts", "deals", "meta"} <= set(tables_of(path))
    [backup] = tmp_path.glob("shared.duckdb.v0-*.bak")  # their file as it was, before Terrain's tables
    assert tables_of(backup) == ["orders"]
    assert duckdb.connect(path, read_only=True).execute("SELECT note FROM orders").fetchall() == [("theirs",)]
    Store.open(path).close()  # now it is Terrain's: no adopt needed


def test_the_setting_says_adopt_in_words():
    assert load_settings({"TERRAIN_ADOPT_DB": "1"}).adopt_database is True
    assert load_settings({}).adopt_database is False and load_settings({"TERRAIN_ADOPT_DB": "no"}).adopt_database is False
    from engine.store.errors import SettingsError
    with pytest.raises(SettingsError, match="must be 1 or 0"):
        load_settings({"TERRAIN_ADOPT_DB": "maybe"})


@pytest.mark.parametrize("adopt", [False, True])
def test_a_database_with_its_own_accounts_table_is_refused(tmp_path, adopt):
    path = foreign_db(tmp_path / "other.duckdb", "accounts")
    with pytest.raises(NotTerrainDatabaseError, match="accounts") as caught:
        Store.open(path, adopt=adopt)
    assert "did not change it" in str(caught.value)
    assert tables_of(path) == ["accounts"]


def test_a_foreign_meta_table_is_not_mistaken_for_terrains(tmp_path):
    path = tmp_path / "meta.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute("CREATE TABLE meta (name VARCHAR, created DATE)")
    connection.close()
    with pytest.raises(NotTerrainDatabaseError, match=r"\(meta\)"):
        Store.open(path)


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path, capsys):
    path = tmp_path / "newer.duckdb"
    store = Store.open(path)
    store.set_meta("schema_version", str(len(MIGRATIONS) + 3))
    store.close()
    with pytest.raises(NewerDatabaseError, match=f"schema version {len(MIGRATIONS) + 3}; this Terrain knows "
                                                 f"versions up to {len(MIGRATIONS)}"):
        Store.open(path)
    assert main(["report", "shares", "--db", str(path)]) == 2
    assert "newer Terrain" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.bak"))


def test_a_new_file_and_an_empty_file_become_terrains(tmp_path):
    Store.open(tmp_path / "new.duckdb").close()
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    Store.open(tmp_path / "empty.duckdb").close()
    assert "accounts" in tables_of(tmp_path / "empty.duckdb") and not list(tmp_path.glob("*.bak"))


@pytest.fixture
def older_db(tmp_path, monkeypatch):
    """A tiny company in a database one migration behind this code."""
    path = tmp_path / "old.duckdb"
    with monkeypatch.context() as older:
        older.setattr(database, "MIGRATIONS", MIGRATIONS[:-1])
        older.setattr(ownership, "MIGRATIONS", MIGRATIONS[:-1])
        store = Store.open(path)
        fill_tiny_company(store)
        assert store.schema_version() == len(MIGRATIONS) - 1
        store.close()
    return path


def test_an_existing_file_is_backed_up_before_a_migration(older_db, tmp_path):
    store = Store.open(older_db)
    assert store.schema_version() == len(MIGRATIONS)
    accounts = store.count("accounts")
    store.close()
    [backup] = tmp_path.glob(f"old.duckdb.v{len(MIGRATIONS) - 1}-*.bak")
    connection = duckdb.connect(str(backup), read_only=True)  # read as it was, without migrating it
    assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(len(MIGRATIONS) - 1),)
    assert connection.execute("SELECT count(*) FROM accounts").fetchone() == (accounts,)
    connection.close()
    Store.open(older_db).close()  # up to date now: no second backup
    assert len(list(tmp_path.glob("*.bak"))) == 1


def test_no_migration_runs_when_the_backup_cannot_be_written(older_db, tmp_path, monkeypatch):
    import errno
    import shutil

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copy2", disk_full)
    with pytest.raises(StoreError, match="backup could not be written: No space left on device") as caught:
        Store.open(older_db)
    assert "Nothing was changed" in str(caught.value)
    connection = duckdb.connect(str(older_db), read_only=True)
    assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(len(MIGRATIONS) - 1),)
    connection.close()
    assert not list(tmp_path.glob("*.bak"))


def test_terrains_own_tables_are_known():
    assert {"accounts", "deals", "reps", "territories", "targets", "meta", "scenarios"} <= TERRAIN_TABLES


def test_the_app_refuses_a_foreign_database_and_builds_no_demo(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui import context

    path = foreign_db(tmp_path / "crm.duckdb", "orders")
    monkeypatch.setenv("TERRAIN_DB", path)
    context._open_store.clear()
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "**This database is not Terrain\\'s** — The database crm\\.duckdb holds tables that are not Terrain\\'s "
        "\\(orders\\); Terrain did not change it\\. Point TERRAIN\\_DB / \\-\\-db at a Terrain database or a new "
        "file, or set TERRAIN\\_ADOPT\\_DB\\=1 to set Terrain up inside this one\\."]
    assert str(tmp_path) not in app.error[0].value
    assert tables_of(path) == ["orders"]


def test_the_cli_refusal_runs_as_a_module(tmp_path):
    path = foreign_db(tmp_path / "crm.duckdb", "orders")
    done = subprocess.run([sys.executable, "-m", "engine", "report", "shares", "--db", path], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not Terrain's" in done.stderr and "Traceback" not in done.stderr
