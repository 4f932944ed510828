"""The key-aware upsert the importer writes with, and migration 4 that took the PRIMARY KEY index
off accounts, deals and activities (a bulk load paid ~1 s per million rows to maintain it)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.store import database as store_module
from engine.store.errors import StoreError
from engine.store.schema import MIGRATIONS
from engine.store import Store


_DEAL_COLUMNS = {"deal_id": pl.String, "account_id": pl.String, "name": pl.String, "amount": pl.Float64,
                 "currency": pl.String, "amount_rc": pl.Float64, "stage": pl.String, "status": pl.String,
                 "probability": pl.Float64, "forecast_category": pl.String, "product_line": pl.String,
                 "created_date": pl.Date, "close_date": pl.Date, "owner_rep_id": pl.String,
                 "territory_id": pl.String, "source": pl.String}


def _deals(ids: list[str | None], amounts: list[float], status: str = "open") -> pl.DataFrame:
    """Deals with every column of the table (so an upsert takes the delete + insert path)."""
    given = {"deal_id": ids, "amount": amounts, "status": [status] * len(ids)}
    return pl.DataFrame({c: given.get(c, [None] * len(ids)) for c in _DEAL_COLUMNS}, schema=_DEAL_COLUMNS)


def test_upsert_into_an_empty_table_then_again_replaces_rows_without_doubling(store):
    assert set(store.columns("deals")) == set(_DEAL_COLUMNS)
    assert store.upsert_frame("deals", _deals(["D1", "D2"], [10.0, 20.0]), ["deal_id"]) == 2
    store.upsert_frame("deals", _deals(["D2", "D3"], [25.0, 30.0], "won"), ["deal_id"])
    rows = store.rows("SELECT deal_id, amount, status FROM deals ORDER BY deal_id")
    assert rows == [("D1", 10.0, "open"), ("D2", 25.0, "won"), ("D3", 30.0, "won")]


def test_upsert_of_some_columns_keeps_the_others_like_insert_or_replace(store):
    store.upsert_frame("accounts", pl.DataFrame({"account_id": ["A1"], "name": ["Acme"], "city": ["Berlin"]}),
                       ["account_id"])
    store.upsert_frame("accounts", pl.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme AG", "Globex"]}),
                       ["account_id"])
    assert store.rows("SELECT account_id, name, city FROM accounts ORDER BY account_id") == [
        ("A1", "Acme AG", "Berlin"), ("A2", "Globex", None)]


def test_upsert_with_a_composite_key_on_a_table_that_keeps_its_primary_key(store):
    frame = pl.DataFrame({"scope": ["rep", "rep"], "scope_id": ["R1", "R2"],
                          "period_start": [date(2024, 1, 1)] * 2, "amount": [100.0, 200.0]})
    store.upsert_frame("targets", frame, ["scope", "scope_id", "period_start"])
    store.upsert_frame("targets", frame.head(1).with_columns(pl.lit(150.0).alias("amount")),
                       ["scope", "scope_id", "period_start"])
    assert store.rows("SELECT scope_id, amount FROM targets ORDER BY scope_id") == [("R1", 150.0), ("R2", 200.0)]


@pytest.mark.parametrize("ids, message", [
    (["D1", "D1"], "repeat a key"),
    (["D1", None], "NOT NULL"),  # nulls are no repeated key; the NOT NULL id column refuses them
])
def test_upsert_refuses_a_frame_that_repeats_a_key_and_writes_nothing(store, ids, message):
    store.upsert_frame("deals", _deals(["D0"], [1.0]), ["deal_id"])
    with pytest.raises(Exception) as raised:
        store.upsert_frame("deals", _deals(ids, [1.0, 2.0]), ["deal_id"])
    assert message in str(raised.value)
    assert store.rows("SELECT deal_id FROM deals") == [("D0",)]


def test_upsert_refuses_unknown_columns_and_missing_keys(store):
    with pytest.raises(StoreError, match="no_such_column"):
        store.upsert_frame("accounts", pl.DataFrame({"account_id": ["A1"], "no_such_column": [1]}), ["account_id"])
    with pytest.raises(StoreError, match="account_id"):
        store.upsert_frame("accounts", pl.DataFrame({"name": ["Acme"]}), ["account_id"])


def test_migration_4_keeps_every_row_and_drops_the_key_index(tmp_path, monkeypatch):
    path = tmp_path / "v3.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:3])
    old = Store.open(path)
    old.insert_frame("accounts", pl.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "Globex"],
                                               "lat": [52.5, None]}))
    old.insert_frame("deals", _deals(["D1", "D2", "D3"], [1.0, 2.0, 3.0], "won"))
    old.insert_frame("activities", pl.DataFrame({"activity_id": ["X1"], "account_id": ["A1"], "type": ["call"]}))
    assert old.schema_version() == 3
    old.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    new = Store.open(path)
    try:
        assert new.schema_version() == len(MIGRATIONS) >= 4
        assert new.rows("SELECT account_id, name, lat FROM accounts ORDER BY 1") == [("A1", "Acme", 52.5),
                                                                                   ("A2", "Globex", None)]
        assert new.rows("SELECT deal_id, amount, status FROM deals ORDER BY 1") == [
            ("D1", 1.0, "won"), ("D2", 2.0, "won"), ("D3", 3.0, "won")]
        assert new.rows("SELECT activity_id, type FROM activities") == [("X1", "call")]
        keys = new.rows("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                        "AND table_name IN ('accounts', 'deals', 'activities')")
        assert keys == []
        # The other constraints survive the rebuild.
        kept = new.rows("SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
                        "WHERE table_name IN ('accounts', 'deals') ORDER BY ALL")
        assert [(t, kind) for t, kind, _ in kept] == [
            ("accounts", "NOT NULL"), ("accounts", "NOT NULL"),
            ("deals", "CHECK"), ("deals", "NOT NULL"), ("deals", "NOT NULL")]
        with pytest.raises(Exception):
            new.insert_frame("deals", _deals(["D9"], [1.0], "maybe"))
        assert new.count("deals") == 3
    finally:
        new.close()
