"""A serving process that only reads (TERRAIN_READ_ONLY, docs/scaling.md): several of them read one
published snapshot, every figure is there, and every write says where to make it instead."""
from __future__ import annotations

import duckdb
import pytest

from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.errors import ReadOnlyError
from tests.conftest import database_file, fill_tiny_company


@pytest.fixture
def snapshot(tmp_path):
    return database_file(tmp_path / "snapshot.duckdb", fill_tiny_company)


def test_several_readers_share_one_snapshot_and_see_its_figures(snapshot):
    readers = [Store.open(snapshot, read_only=True) for _ in range(2)]  # DuckDB: readers only, any number
    try:
        counts = [sales_data(reader).deals.height for reader in readers]
        assert counts[0] == counts[1] > 0
        assert all(reader.read_only for reader in readers)
    finally:
        for reader in readers:
            reader.close()


def test_every_write_is_refused_with_where_to_make_it(snapshot):
    reader = Store.open(snapshot, read_only=True)
    try:
        version = reader.data_version()
        with pytest.raises(ReadOnlyError, match="read-only") as refused:
            with reader.transaction() as tx:
                tx.execute("DELETE FROM deals")
        assert "writing server" in refused.value.hint
        with pytest.raises(duckdb.Error):  # below the store's own writes DuckDB refuses too
            reader.execute("DELETE FROM deals")
        assert reader.data_version() == version and reader.count("deals") > 0
    finally:
        reader.close()


def test_a_missing_or_old_snapshot_is_refused(tmp_path, snapshot):
    with pytest.raises(ReadOnlyError, match="does not exist"):
        Store.open(tmp_path / "nothing.duckdb", read_only=True)
    with duckdb.connect(str(snapshot)) as connection:  # as if an older Terrain had written it
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(ReadOnlyError, match="cannot upgrade"):
        Store.open(snapshot, read_only=True)


def test_the_health_page_says_a_save_is_not_possible_here(tmp_path, monkeypatch):
    from tests.app.conftest import database_for_app, run_page
    from tests.health.conftest import fill_health_company
    from ui import context

    database_for_app(tmp_path, monkeypatch, fill_health_company, name="health")
    monkeypatch.setenv("TERRAIN_READ_ONLY", "1")
    try:
        at = run_page("health")
        assert not at.exception, at.exception
        assert {m.label: m.value for m in at.metric}["Red accounts"] == "4"
        at.number_input(key="health_green").set_value(90.0)
        at.button(key="FormSubmitter:health_settings-Save").click().run()
        assert not at.exception, at.exception
        assert any("This server only reads" in e.value for e in at.error), [e.value for e in at.error]
        assert {m.label: m.value for m in at.metric}["Green accounts"] == "3"
    finally:
        context._open_store.clear()
