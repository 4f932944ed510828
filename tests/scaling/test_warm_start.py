"""Warm start and shared chart specs: the figures of the default period are in the shared memo
before anyone asks, the thread starts once per process, and a chart is shared only by viewers with
the same visibility."""
from __future__ import annotations

import pytest

from engine.commands.warm import STEPS, warm_caches
from engine.metrics.kpis import kpi_table
from engine.metrics.lead_kpis import lead_kpi_table
from engine.metrics.performance import as_of_date
from engine.metrics.periods import period_containing
from engine.metrics.sales_data import sales_data
from engine.store.settings import load_settings
from tests.app.conftest import database_for_app
from tests.conftest import fill_tiny_company


@pytest.fixture
def tiny(store):
    fill_tiny_company(store)
    return store


def test_warm_caches_computes_what_the_pages_then_read(tiny):
    settings = load_settings({})
    reported = []
    timings = warm_caches(tiny, settings, lambda name, seconds: reported.append(name))
    assert tuple(timings) == STEPS and reported == list(STEPS)
    memo = sales_data(tiny, settings.reporting_currency).memo
    misses = memo.misses
    period = period_containing(as_of_date(tiny), "quarter", settings.fiscal_year_start_month)
    kpi_table(tiny, period, "company", settings)       # what the Activity page asks first
    for asked in (period, period.previous()):          # and its Leads tab (2.4 s of CPU at 1M accounts)
        lead_kpi_table(tiny, asked, "company", settings)
    lead_kpi_table(tiny, period, "region", settings)
    assert memo.misses == misses


def test_warm_start_on_a_database_nothing_was_imported_into(store):
    """A fresh install starts the server before the first import: every step runs (the map's
    empty row mapping once failed on its ids' type: 'is_in cannot check for UInt32 values')."""
    timings = warm_caches(store, load_settings({}))
    assert tuple(timings) == STEPS


def test_the_warm_start_runs_once_per_process(tiny, monkeypatch):
    from ui import warm_start

    monkeypatch.setattr(warm_start, "_state", {"started": False, "finished": False, "steps": {}, "error": None})
    on = load_settings({"TERRAIN_WARM_START": "1"})
    assert warm_start.begin(tiny, load_settings({"TERRAIN_WARM_START": "0"})) is False
    assert warm_start.begin(tiny, on) is True
    assert warm_start.begin(tiny, on) is False                  # a second session: already running
    with warm_start._progress:
        warm_start._progress.wait_for(lambda: warm_start._state["finished"], 60)
    assert set(warm_start.timings()) == set(STEPS) and warm_start._state["error"] is None
    assert not warm_start.pending("activity") and not warm_start.pending("import")


def test_a_chart_is_shared_only_by_viewers_who_may_see_the_same(tmp_path, monkeypatch):
    from ui import context
    from ui.shared import shared_chart

    database_for_app(tmp_path, monkeypatch, fill_tiny_company)
    built = []
    build = lambda: built.append(1) or object()  # noqa: E731
    first = shared_chart("c", build, period="P", scope=None, lang="en")
    assert shared_chart("c", build, period="P", scope=None, lang="en") is first and len(built) == 1
    assert shared_chart("c", build, period="P", scope=None, lang="zh") is not first      # language
    assert shared_chart("c", build, period="P", scope=["AM"], lang="en") is not first    # scope
    monkeypatch.setattr(context, "visibility", lambda: ("AM",))                         # another viewer
    assert shared_chart("c", build, period="P", scope=None, lang="en") is not first and len(built) == 4


def test_the_warm_command_prints_each_step(tmp_path, capsys):
    from engine.cli import main
    from tests.conftest import database_file

    path = database_file(tmp_path / "tiny.duckdb", fill_tiny_company)
    assert main(["warm", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [*STEPS, "total"]
    assert all(" s" in line for line in lines)
