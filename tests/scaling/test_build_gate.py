"""The build gate (engine/metrics/build_gate.py): different heavy builds of a data version run one
after another, not on top of each other; a build that needs another goes on; the gate is taken
before the memo's single flight, so a thread waiting for the gate never holds an entry another
build needs; the real heavy builds pass through it; and their figures do not change."""
from __future__ import annotations

import threading

import polars as pl
import pytest

from engine.health.score import health_table
from engine.metrics import build_gate
from engine.metrics.activity_facts import activity_cells, activity_type_cells, period_leads
from engine.metrics.build_gate import gate_stats, one_build_at_a_time
from engine.metrics.performance import as_of_date
from engine.metrics.periods import period_containing
from engine.metrics.sales_data import sales_data
from engine.store.settings import load_settings
from tests.conftest import fill_tiny_company

SETTINGS = load_settings({})
WAIT = 20  # seconds a thread may take before the test calls it hung (never reached when all is well)


@pytest.fixture
def data(store):
    fill_tiny_company(store)
    return sales_data(store)


def _run(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_two_different_builds_never_run_at_once(data):
    active, seen_by_second = [0], []
    first_started, second_started = threading.Event(), threading.Event()

    def first():
        active[0] += 1
        first_started.set()
        # with the gate the second build cannot start while this one runs: this wait times out
        second_started.wait(timeout=1.0)
        active[0] -= 1
        return "cube"

    def second():
        second_started.set()
        seen_by_second.append(active[0])
        return "scores"

    waited = gate_stats()["waited"]
    one = _run(lambda: data.per_version("first cube", first))
    assert first_started.wait(WAIT)
    two = _run(lambda: data.built(("second build",), second))
    one.join(WAIT), two.join(WAIT)
    assert not one.is_alive() and not two.is_alive()
    assert seen_by_second == [0]                    # the second began only after the first had ended
    assert gate_stats()["waited"] > waited
    assert data.per_version("first cube", first) == "cube" and data.built(("second build",), second) == "scores"


def test_a_build_that_needs_another_goes_on(data):
    calls = []

    def inner():
        calls.append("inner")
        return 2

    def outer():
        calls.append("outer")
        return data.per_version("inner", inner) + data.built(("inner memo",), lambda: 3)

    thread = _run(lambda: calls.append(data.per_version("outer", outer)))
    thread.join(WAIT)
    assert not thread.is_alive() and calls == ["outer", "inner", 5]


def test_a_waiting_thread_holds_no_entry_the_running_build_needs(data, monkeypatch):
    # B asks for entry X while A's build holds the gate; A's build then needs X itself. Were the
    # gate taken inside X's computation, B would own X's flight while waiting for the gate and A
    # would wait for B: stuck until PATIENCE. Taken before the flight, A computes X and B reads it.
    monkeypatch.setattr(build_gate, "PATIENCE", 5.0)
    impatient = gate_stats()["impatient"]
    computed, a_started, release_a = [], threading.Event(), threading.Event()

    def x():
        computed.append("x")
        return "x"

    def a_build():
        a_started.set()
        release_a.wait(WAIT)
        return data.built(("x",), x)

    results = {}
    a = _run(lambda: results.setdefault("a", data.per_version("a", a_build)))
    assert a_started.wait(WAIT)
    b = _run(lambda: results.setdefault("b", data.built(("x",), x)))
    release_a.set()
    a.join(WAIT), b.join(WAIT)
    assert results == {"a": "x", "b": "x"} and computed == ["x"]
    assert gate_stats()["impatient"] == impatient


@pytest.mark.parametrize("build", ["activity cells", "activity type cells", "period leads", "health"])
def test_the_heavy_builds_pass_through_the_gate(store, build):
    fill_tiny_company(store)
    data = sales_data(store)
    period = period_containing(as_of_date(store), "quarter", SETTINGS.fiscal_year_start_month)
    call = {"activity cells": lambda: activity_cells(store, data),
            "activity type cells": lambda: activity_type_cells(store, data),
            "period leads": lambda: period_leads(store, data, period),
            "health": lambda: health_table(store)}[build]
    done = threading.Event()
    with one_build_at_a_time("the test"):   # another thread's build holds the gate
        thread = _run(lambda: (call(), done.set()))
        assert not done.wait(timeout=0.5)   # so this one waits
    thread.join(WAIT)
    assert done.is_set()
    builds = gate_stats()["builds"]
    call()  # built once: a second ask is served from the version's frames or memo, past the gate
    assert gate_stats()["builds"] == builds


def test_a_new_data_version_loads_after_the_running_build(store):
    fill_tiny_company(store)
    old = sales_data(store)
    with store.transaction() as tx:
        tx.insert_frame("reps", pl.DataFrame({"rep_id": ["R-NEW"], "name": ["New Rep"]}))
    loaded = threading.Event()
    with one_build_at_a_time("a build of the old version"):
        thread = _run(lambda: (sales_data(store), loaded.set()))
        assert not loaded.wait(timeout=0.5)
    thread.join(WAIT)
    assert loaded.is_set() and sales_data(store) is not old
