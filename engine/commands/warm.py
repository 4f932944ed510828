"""Warm start: compute what the pages open on before the first visitor asks for it.

A fresh server at 1M accounts / 6M deals needs several seconds to read the database into memory
and to build the per-version cubes (activity cells, first wins, the planner's baseline); the
first visitor after a start paid all of it. `warm_caches` does that work — and the figures of the
default period (the quarter holding the as-of date, and the periods its pages compare with) — into
the same shared memos the pages read, so the pages then answer from memory. ui/warm_start.py runs
it once per server process, in a background thread; `python -m engine warm` runs it headless
(timings per step).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from collections.abc import Callable

from engine.charts.maps import map_layers
from engine.commands import add_db_argument
from engine.health.score import health_table
from engine.metrics.forecast import forecast_accuracy, forecast_categories, monthly_forecast
from engine.metrics.kpis import kpi_table, lead_response, seasonality_matrix, star_performers
from engine.metrics.lead_kpis import lead_kpi_table
from engine.metrics.performance import as_of_date, attainment_table, kpi_tiles, monthly_trend
from engine.metrics.periods import fiscal_year, period_containing
from engine.metrics.reps import leaderboard
from engine.metrics.sales_data import sales_data
from engine.metrics.seasonality import month_weights, pacing_curve
from engine.metrics.targets import load_tree
from engine.planner.baseline import shared_baseline
from engine.store import Store
from engine.store.settings import Settings


STEPS = ("data", "overview", "reps", "forecast", "activity", "targets", "planner", "health")


def warm_steps(store: Store, settings: Settings) -> list[tuple[str, Callable[[], object]]]:
    """(name, call) for each piece of work, in the order pages need it: the data first, then the
    Overview, Reps, Forecast, Activity, Targets and Planner figures of the default period, then
    the Health page's scores."""
    steps: list[tuple[str, Callable[[], object]]] = [("data", lambda: sales_data(store, settings.reporting_currency))]

    def default():
        as_of = as_of_date(store)
        return as_of, period_containing(as_of, "quarter", settings.fiscal_year_start_month)

    def overview():
        as_of, period = default()
        table = attainment_table(store, period, "region", None, settings, as_of)
        kpi_tiles(store, period, None, settings, as_of)
        monthly_trend(store, period, None, settings=settings)
        map_layers(sales_data(store, settings.reporting_currency), table, None)

    def reps():
        as_of, period = default()
        leaderboard(store, period, None, settings, as_of)

    def forecast():
        as_of, period = default()
        for level in ("company", "region"):
            attainment_table(store, period, level, None, settings, as_of)
            attainment_table(store, period.previous(), level, None, settings, as_of)
        monthly_trend(store, period, None, months=12, settings=settings)
        monthly_forecast(store, period, settings, None, as_of)
        forecast_categories(store, period, settings, None, as_of)
        forecast_accuracy(store, period, "region", settings, None, as_of=as_of)

    def activity():
        as_of, period = default()
        for p in (period, period.previous()):
            kpi_table(store, p, "company", settings, None, as_of)
            lead_response(store, p, "company", settings, None, as_of)
        for level in ("region", "territory"):
            kpi_table(store, period, level, settings, None, as_of)
        lead_response(store, period, "region", settings, None, as_of)
        star_performers(store, period, settings, None, top=10, as_of=as_of)
        seasonality_matrix(store, settings, None, as_of)
        # the Leads tab: at 1M accounts its first run cost 2.4 s of CPU, and the twenty sessions
        # arriving meanwhile waited ~25 s for it (the load bench's slowest page views)
        for p in (period, period.previous()):
            lead_kpi_table(store, p, "company", settings, None, as_of)
        lead_kpi_table(store, period, "region", settings, None, as_of)

    def targets():
        as_of, period = default()
        year = fiscal_year(period.fiscal_year, settings.fiscal_year_start_month)
        load_tree(store)
        month_weights(store, year)
        pacing_curve(store, as_of)
        month = period_containing(as_of, "month", settings.fiscal_year_start_month)
        attainment_table(store, month, "company", None, settings, as_of)
        attainment_table(store, month, "region", None, settings, as_of)

    steps += [("overview", overview), ("reps", reps), ("forecast", forecast), ("activity", activity),
              ("targets", targets), ("planner", lambda: shared_baseline(store, settings)),
              # every account's score as of today: five seconds of one pass over deals and activities
              ("health", lambda: health_table(store))]
    assert tuple(name for name, _ in steps) == STEPS
    return steps


def warm_caches(store: Store, settings: Settings, on_step: Callable[[str, float], None] | None = None) -> dict[str, float]:
    """Run every warm step; returns (and reports to `on_step`) the seconds each took."""
    timings: dict[str, float] = {}
    for name, step in warm_steps(store, settings):
        started = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - started
        if on_step:
            on_step(name, timings[name])
    return timings


def _resident_mb() -> str:
    """This process's resident memory, where /proc tells it (Linux), for the step lines."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return ""
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return "" if kb is None else f"{kb / 1024:10,.0f} MB resident"


def run(args: argparse.Namespace, settings: Settings) -> int:
    store = Store.open(settings.db_path)
    try:
        timings = warm_caches(store, settings, lambda name, seconds: print(
            f"{name:<10}{seconds:8.2f} s{_resident_mb()}", flush=True))
    finally:
        store.close()
    print(f"{'total':<10}{sum(timings.values()):8.2f} s")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("warm", help="compute the default period's figures once and print how long each page's share took")
    add_db_argument(parser)
    parser.set_defaults(handler=run)
