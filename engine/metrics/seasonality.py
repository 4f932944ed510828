"""When in the year, and when in the month, revenue closes — learned from past won deals.

The target planner splits a year to months by the company's seasonality (each month's average share
of its fiscal year's won revenue over the last few complete fiscal years), and sets pacing
milestones for day 10 and day 20 of a month from the share of a month's revenue that historically
closed by those days. Without enough history both fall back to an even/linear split, and say so.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import polars as pl

from engine.metrics.periods import Period, add_months, fiscal_year, fiscal_year_of
from engine.metrics.result_cache import versioned
from engine.importing.target_periods import TargetSplit
from engine.store import Store

MILESTONE_DAYS = (10, 20)
MIN_DEALS_FOR_CURVE = 30  # fewer won deals than this: pace linearly by calendar days


def _won(store: Store, start: date, end: date) -> pl.DataFrame:
    """Won deals closed in [start, end): close_date, amount_rc — read once per data version."""
    return versioned(store, ("won_between", start, end), lambda: store.query(
        "SELECT close_date, amount_rc FROM deals WHERE status = 'won' AND close_date >= ? AND close_date < ?",
        [start, end]).with_columns(pl.col("amount_rc").fill_null(0.0)))


def month_weights(store: Store, period: Period, years: int = 3) -> pl.DataFrame:
    """Seasonality weights for the months of `period`.

    A month's weight is its fiscal-month share of the fiscal year's won revenue, averaged over the
    up to `years` complete fiscal years before `period` that had any won revenue (each year counts
    equally, so one big year does not dominate). Columns: period_start, fiscal_month (1-12),
    weight (the average share; 1.0 each when there is no history), share (weight normalised over
    the period's months), years_used.
    """
    return versioned(store, ("month_weights", period, years), lambda: _month_weights(store, period, years)).clone()


def _month_weights(store: Store, period: Period, years: int) -> pl.DataFrame:
    fsm = period.fiscal_start_month
    shares: list[dict[int, float]] = []
    for back in range(1, years + 1):
        year = fiscal_year(period.fiscal_year - back, fsm)
        won = _won(store, year.start, year.end)
        total = float(won["amount_rc"].sum()) if won.height else 0.0
        if total <= 0:
            continue
        by_month = won.group_by(pl.col("close_date").dt.truncate("1mo").alias("month")).agg(pl.col("amount_rc").sum())
        year_shares = {i: 0.0 for i in range(1, 13)}
        for month, value in by_month.iter_rows():
            year_shares[_fiscal_month(month, fsm)] = value / total
        shares.append(year_shares)
    rows = []
    for month in period.months:
        index = _fiscal_month(month, fsm)
        weight = sum(s[index] for s in shares) / len(shares) if shares else 1.0
        rows.append((month, index, weight))
    frame = pl.DataFrame(rows, schema={"period_start": pl.Date, "fiscal_month": pl.Int32, "weight": pl.Float64},
                         orient="row")
    total_weight = frame["weight"].sum()
    if total_weight <= 0:  # history exists but never in these months: split evenly
        frame = frame.with_columns(pl.lit(1.0).alias("weight"))
        total_weight = float(frame.height)
    return frame.with_columns((pl.col("weight") / total_weight).alias("share"),
                              pl.lit(len(shares), pl.Int32).alias("years_used"))


@dataclass(frozen=True)
class SeasonalWeights:
    """The weight of each month (first days) for splitting a quarter or year target by season, as a
    plain table: the importer sits below the metrics and checks files in a worker process, so it
    takes the weights as a picklable callable, not a store. A month outside the table weighs 1.0."""

    by_month: dict[date, float]

    def __call__(self, months: list[date]) -> list[float]:
        return [self.by_month.get(month, 1.0) for month in months]


def seasonal_weights(store: Store, fiscal_start_month: int = 1, *, around: date | None = None,
                     years: int = 6) -> SeasonalWeights:
    """Each month's `month_weights` weight within its fiscal year (1.0 each where there is no
    history), for the fiscal years from `years` before to `years` after the one of `around`
    (default today): the years a target sheet names."""
    centre = fiscal_year_of(around or date.today(), fiscal_start_month)
    by_month: dict[date, float] = {}
    for year in range(centre - years, centre + years + 1):
        frame = month_weights(store, fiscal_year(year, fiscal_start_month))
        by_month.update(zip(frame["period_start"].to_list(), frame["weight"].to_list()))
    return SeasonalWeights(by_month)


def _fiscal_month(day: date, fiscal_start_month: int) -> int:
    return (day.month - fiscal_start_month) % 12 + 1


def pacing_curve(store: Store, as_of: date, months: int = 36) -> pl.DataFrame:
    """The share of a month's won revenue that closed by each milestone day.

    Learned over the `months` complete months before `as_of`; with fewer than MIN_DEALS_FOR_CURVE
    won deals there it is linear in calendar days (day ÷ days in the as-of month).
    Columns: day, fraction, basis ('history' or 'linear').
    """
    return versioned(store, ("pacing_curve", as_of, months), lambda: _pacing_curve(store, as_of, months)).clone()


def _pacing_curve(store: Store, as_of: date, months: int) -> pl.DataFrame:
    end = date(as_of.year, as_of.month, 1)
    won = _won(store, add_months(end, -months), end)
    if won.height >= MIN_DEALS_FOR_CURVE and won["amount_rc"].sum() > 0:
        total = won["amount_rc"].sum()
        rows = [(day, float(won.filter(pl.col("close_date").dt.day() <= day)["amount_rc"].sum() / total), "history")
                for day in MILESTONE_DAYS]
    else:
        length = calendar.monthrange(as_of.year, as_of.month)[1]
        rows = [(day, day / length, "linear") for day in MILESTONE_DAYS]
    return pl.DataFrame(rows, schema={"day": pl.Int32, "fraction": pl.Float64, "basis": pl.String}, orient="row")


def pacing_milestones(month_figures: pl.DataFrame, curve: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Where each scope should stand by day 10 and day 20 of the month, and where it stands.

    `month_figures` has name, target (the month's target) and won (won so far in the month).
    Columns: name, target, by_day_10, by_day_20, won, expected_now (the milestone reached by
    `as_of`'s day of the month: 0 before day 10, then the day-10 mark, from day 20 the day-20 mark),
    pace (won ÷ expected_now; null while nothing is expected yet).
    """
    fraction = dict(zip(curve["day"], curve["fraction"]))
    due = 0.0
    for day in MILESTONE_DAYS:
        if as_of.day >= day:
            due = fraction[day]
    return month_figures.select(
        "name", "target",
        (pl.col("target") * fraction[10]).round(2).alias("by_day_10"),
        (pl.col("target") * fraction[20]).round(2).alias("by_day_20"),
        "won",
        (pl.col("target") * due).round(2).alias("expected_now"),
    ).with_columns(
        pl.when(pl.col("expected_now") > 0).then(pl.col("won") / pl.col("expected_now")).otherwise(None).alias("pace"))


def target_split(store: Store, settings, method: str) -> TargetSplit:
    """How an import spreads quarter and year targets over months (`method` even or seasonal): what
    the CLI and the Import page hand the importer, which sits below the metrics."""
    fsm = settings.fiscal_year_start_month
    weights = seasonal_weights(store, fsm) if method == "seasonal" else None
    return TargetSplit(fsm, method, weights)
