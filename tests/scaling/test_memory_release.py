"""Memory given back (docs/scaling.md, **Memory**): an old data version is let go before the new one
loads, DuckDB's allocator purges what a query freed, and strings reach polars as string views
without changing a value."""
from __future__ import annotations

import ctypes
import gc
import weakref

import polars as pl
import pytest

from engine.metrics.sales_data import _cache, sales_data
from engine.metrics.kpis import kpi_table
from engine.metrics.performance import as_of_date
from engine.metrics.periods import period_containing
from engine.store.memory import give_back
from engine.store.settings import load_settings
from tests.conftest import fill_tiny_company


@pytest.fixture
def tiny(store):
    fill_tiny_company(store)
    return store


def _duckdb_resident_mb() -> float:
    import _duckdb

    ctl = ctypes.CDLL(_duckdb.__file__).duckdb_je_mallctl
    epoch, value, size = ctypes.c_uint64(1), ctypes.c_size_t(0), ctypes.c_size_t(ctypes.sizeof(ctypes.c_size_t))
    ctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.c_size_t(8))
    assert ctl(b"stats.resident", ctypes.byref(value), ctypes.byref(size), None, ctypes.c_size_t(0)) == 0
    return value.value / 2**20


def test_an_old_data_version_is_emptied_and_dropped_when_the_new_one_loads(tiny):
    settings = load_settings({})
    period = period_containing(as_of_date(tiny), "quarter", settings.fiscal_year_start_month)
    old = sales_data(tiny, settings.reporting_currency)
    before = kpi_table(tiny, period, "region", settings)
    old.per_version("a cube", lambda: pl.DataFrame({"x": [1]}))
    assert len(old.memo) and old.frames
    with tiny.transaction() as tx:  # a committed write: the data version moves on
        tx.execute("UPDATE deals SET amount_rc = amount_rc WHERE false")
    new = sales_data(tiny, settings.reporting_currency)
    assert new is not old and _cache[tiny] is new
    assert len(old.memo) == 0 and old.frames == {}  # a session still holding `old` keeps no cubes alive
    assert kpi_table(tiny, period, "region", settings).equals(before)  # same figures from the new version
    assert old.deals.equals(new.deals)  # a run still reading the old frames reads them whole


def test_the_old_version_is_gone_before_the_new_one_loads(tiny, monkeypatch):
    import engine.metrics.sales_data as module

    old = weakref.ref(sales_data(tiny))
    alive_at_load = []
    real_load = module._load

    def load(*args):
        gc.collect()
        alive_at_load.append(old() is not None)
        return real_load(*args)

    monkeypatch.setattr(module, "_load", load)
    with tiny.transaction() as tx:
        tx.execute("UPDATE deals SET amount_rc = amount_rc WHERE false")
    sales_data(tiny)
    assert alive_at_load == [False]  # else the old frames and the new exist at once (+1 GB at 6M deals)


BATCHED = "SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'deal ' || i || ' of a long name' END AS s, " \
          "DATE '2026-01-01' + CAST(i AS INTEGER) AS d FROM range(?) t(i) ORDER BY i"


@pytest.mark.parametrize("rows, batch_rows", [(0, 3), (1, 3), (10, 3), (10, 10), (2500, 1000)])
def test_a_result_read_in_batches_is_the_whole_result(store, rows, batch_rows):
    batched = store.query_in_batches(BATCHED, [rows], batch_rows=batch_rows)
    whole = store.query(BATCHED, [rows])
    assert batched.schema == whole.schema == pl.Schema({"i": pl.Int64, "s": pl.String, "d": pl.Date})
    assert batched.equals(whole) and batched.height == rows


def test_the_loaded_deals_are_sorted_by_close_date_with_every_column_kept(tiny):
    deals = sales_data(tiny).deals
    stored = tiny.table("deals")
    assert deals.height == stored.height
    assert deals["close_date"].equals(deals["close_date"].sort(nulls_last=True))
    for column in ("account_id", "amount", "status", "owner_rep_id", "territory_id"):
        by_id = deals.select("deal_id", column).sort("deal_id")
        assert by_id.equals(stored.select("deal_id", column).sort("deal_id")), column
    assert deals["rep"].equals(deals["owner_rep_id"])


def test_duckdb_gives_back_the_pages_a_big_query_freed(store):
    # a hash aggregate over 3M groups: its table is freed when the result is fetched
    store.query("SELECT i % 3000000 AS g, count(*) AS n FROM range(6000000) t(i) GROUP BY 1 LIMIT 1")
    assert give_back()
    after = _duckdb_resident_mb()
    store._cursor().sql("SELECT i % 3000000 AS g, count(*) AS n FROM range(6000000) t(i) GROUP BY 1 LIMIT 1").fetchall()
    kept = _duckdb_resident_mb()  # without the purge the freed hash table stays resident
    assert give_back()
    assert _duckdb_resident_mb() < kept - 50 and _duckdb_resident_mb() < after + 50


@pytest.mark.parametrize("value", ["", "short", "exactly12chr", "a string longer than twelve bytes", "上海市 浦东新区 客户"])
def test_strings_read_as_views_keep_every_value(store, value):
    frame = store.query("SELECT ?::VARCHAR AS s, NULL::VARCHAR AS empty, [?::VARCHAR] AS listed", [value, value])
    assert frame.schema == pl.Schema({"s": pl.String, "empty": pl.String, "listed": pl.List(pl.String)})
    assert frame.row(0) == (value, None, [value])




SESSION_THREAD = """
import threading
from pathlib import Path

import numpy as np

from engine.store.memory import trim_heap


def resident():
    line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def session_run():  # a script thread's arrays, as a plan's codes and distances (2-8 MB each)
    for _ in range(2):  # the first round raises glibc's mmap threshold; the second lands in the arena
        arrays = [np.ones(2_000_000 // 8 * (i % 4 + 1)) for i in range(40)]
        del arrays


thread = threading.Thread(target=session_run)
thread.start()
thread.join()
before = resident()
print(trim_heap(), before, resident())
"""


def test_the_c_heap_gives_back_what_a_session_thread_freed():
    import subprocess
    import sys

    from tests.conftest import REPO

    # a fresh interpreter: how glibc places an allocation depends on what the process freed before
    done = subprocess.run([sys.executable, "-c", SESSION_THREAD], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=True)
    trimmed, before, after = done.stdout.split()
    assert trimmed == "True" and float(after) < float(before) - 25, done.stdout
