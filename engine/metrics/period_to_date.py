"""Period to date: a running period compared with the same number of days of the one before.

On 10 May, Q2 has had 40 days; comparing its won revenue with all of Q1 says "far behind" every
quarter until its last week. So while the as-of date lies inside the period, the Overview tiles
compare won, attainment and gap with the first 40 days of the previous period (1 Jan – 9 Feb) and
of the same period a year earlier; targets stay whole (a target is for the whole period). Once the
period is over, whole periods are compared, as before.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from engine.metrics.facts import _slice
from engine.metrics.periods import Period
from engine.metrics.sales_data import sales_data
from engine.store.settings import Settings, load_settings

TO_DATE_METRICS = ("won", "attainment", "gap")  # what period-to-date changes; targets stay whole


@dataclass(frozen=True)
class ToDateWindows:
    """`days` elapsed of the running period (as-of day included) and the half-open date windows
    [start, end) compared: `current`, `previous` (the period before) and `last_year`."""

    days: int
    current: tuple[date, date]
    previous: tuple[date, date]
    last_year: tuple[date, date]


def to_date_windows(period: Period, as_of: date) -> ToDateWindows | None:
    """The windows when `as_of` lies inside `period` (a running period), else None. A window never
    runs past the end of its period (day 92 of a quarter after a 90-day one is its end)."""
    if not period.start <= as_of < period.end:
        return None
    days = (as_of - period.start).days + 1

    def first_days(of: Period) -> tuple[date, date]:
        return of.start, min(of.start + timedelta(days=days), of.end)
    return ToDateWindows(days, (period.start, as_of + timedelta(days=1)), first_days(period.previous()),
                         first_days(period.last_year()))


def won_between(store, start: date, end: date, scope: Iterable[str] | None = None,
                settings: Settings | None = None) -> float:
    """Σ amount of won deals with start <= close_date < end within the scope (all when None)."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    closed = _slice(data.closed, start, end).filter(pl.col("won"))
    if scope is not None:
        closed = closed.filter(pl.col("node").is_in(data.tree.scope_members(list(scope))))
    return float(closed["amount"].sum())


def period_to_date_tiles(store, tiles: pl.DataFrame, period: Period, as_of: date, scope: Iterable[str] | None = None,
                         settings: Settings | None = None) -> tuple[pl.DataFrame, ToDateWindows | None]:
    """`tiles` (from `engine.metrics.performance.kpi_tiles`) with previous, last_year and the
    changes of won, attainment and gap taken over the same days (see module doc) while the period
    runs; unchanged otherwise. Returns (tiles, windows or None)."""
    windows = to_date_windows(period, as_of)
    if windows is None:
        return tiles, None
    scope = None if scope is None else list(scope)
    figure = dict(zip(tiles["metric"].to_list(), tiles.select("value", "previous", "last_year").rows()))
    won_now = won_between(store, *windows.current, scope, settings)
    rows = []
    for metric, value, previous, last_year in tiles.select("metric", "value", "previous", "last_year").iter_rows():
        if metric in TO_DATE_METRICS:
            compared = []
            for which, window in ((1, windows.previous), (2, windows.last_year)):
                won = won_between(store, *window, scope, settings)
                target = figure["target"][which]
                compared.append(_to_date(metric, won, target))
            previous, last_year = compared
            now = _to_date(metric, won_now, figure["target"][0])
        else:
            now = value
        rows.append({"metric": metric, "value": value, "previous": previous, "last_year": last_year,
                     "change_previous": None if now is None or previous is None else now - previous,
                     "change_last_year": None if now is None or last_year is None else now - last_year})
    return pl.DataFrame(rows, schema=tiles.schema), windows


def _to_date(metric: str, won: float, target: float | None) -> float | None:
    if metric == "won":
        return won
    if target is None:
        return None
    if metric == "attainment":
        return won / target if target else None
    return target - won  # gap
