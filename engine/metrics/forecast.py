"""Where the period will land: won so far plus the open pipeline, weighted two ways, against target.

The win-rate method weights each open deal by its territory's trailing-12-month win rate (borrowed
from the parent territory when the territory has too few closed deals); the CRM-probability method
weights it by the probability the rep entered. Both are shown side by side, month by month and per
region/territory/rep, with the CRM's forecast categories. Past periods are re-forecast with only
what was knowable at their start, so directors can see whose forecast to trust (MAPE).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.kpis import row_nodes
from engine.metrics.sales_data import SalesData, deals_then, sales_data
from engine.metrics.facts import _slice, node_targets, node_win_rates, open_window, period_facts
from engine.metrics.periods import Period, period_containing
from engine.store.settings import Settings
from engine.store import Store

FORECAST_COLUMNS = ("name", "won", "pipeline", "win_rate", "weighted_forecast", "probability_forecast",
                    "projected", "target", "projected_attainment")

CATEGORIES = ("Closed", "Commit", "Best Case", "Pipeline", "Omitted")
# How CRMs spell the categories (compared lower-case without spaces, dashes or underscores).
_CATEGORY_SPELLINGS = {
    "closed": "Closed", "closedwon": "Closed", "won": "Closed",
    "commit": "Commit", "forecast": "Commit", "committed": "Commit",
    "bestcase": "Best Case", "upside": "Best Case", "probable": "Best Case",
    "pipeline": "Pipeline", "open": "Pipeline",
    "omitted": "Omitted", "omit": "Omitted", "closedlost": "Omitted", "lost": "Omitted",
}
# Open deals whose CRM category is missing or unknown are placed by their probability.
COMMIT_FROM, BEST_CASE_FROM = 0.7, 0.4


def _scope_nodes(data: SalesData, scope: list[str] | None) -> list[int]:
    return data.tree.scope_members(scope)


def forecast_table(store: Store, period: Period, level: str, settings: Settings,
                   scope: Iterable[str] | None = None, as_of: date | None = None) -> pl.DataFrame:
    """Both forecast methods per region / territory / rep (the rows of the attainment table).

    Columns (the `report forecast` contract): name, won, pipeline, win_rate, weighted_forecast
    (pipeline × win rate), probability_forecast (Σ amount × CRM probability), projected
    (won + weighted_forecast), target, projected_attainment; then id.
    """
    table = attainment_table(store, period, level, None if scope is None else list(scope), settings, as_of)
    return table.select(*FORECAST_COLUMNS, "id")


def forecast_detail(store: Store, period: Period, level: str, settings: Settings,
                    scope: Iterable[str] | None = None, as_of: date | None = None) -> pl.DataFrame:
    """`forecast_table` plus what the page explains: win_rate_source (own / parent = borrowed
    because the territory closed too few deals / blended over several territories / none),
    probability_projected (won + probability_forecast) and method_gap (probability − win-rate
    forecast: positive = reps are more optimistic than their history)."""
    table = attainment_table(store, period, level, None if scope is None else list(scope), settings, as_of)
    return table.select(*FORECAST_COLUMNS, "win_rate_source",
                        (pl.col("won") + pl.col("probability_forecast")).alias("probability_projected"),
                        (pl.col("probability_forecast") - pl.col("weighted_forecast")).alias("method_gap"), "id")


def _top_weighted(data: SalesData, facts: pl.DataFrame, rates: dict[int, float | None], tops: list[int]) -> float | None:
    """Σ over the scope's top nodes of (their subtree's pipeline × their win rate), as the
    attainment table weighs a company or region row; null when a rate is missing for pipeline."""
    total = 0.0
    for top in tops:
        pipeline = float(facts.filter(pl.col("node").is_in(data.tree.subtree(top)))["pipeline"].sum())
        if pipeline:
            if rates.get(top) is None:
                return None
            total += pipeline * rates[top]
    return total


def monthly_forecast(store: Store, period: Period, settings: Settings, scope: Iterable[str] | None = None,
                     as_of: date | None = None) -> pl.DataFrame:
    """Won + weighted pipeline against target, month by month through `period`.

    Every month's open pipeline is weighted with the win rates of the whole period (the 12 months
    before its start), so the months add up to the period's company figures. Columns: month (date),
    won, pipeline, weighted_forecast, probability_forecast, projected (won + weighted_forecast),
    probability_projected (won + probability_forecast), target, cumulative_won,
    cumulative_projected, cumulative_target.
    """
    scope = None if scope is None else list(scope)
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    key = ("monthly_forecast", period, None if scope is None else tuple(scope), as_of, settings.win_rate_min_closed)
    return data.cached(key, lambda: _monthly(data, period, settings, scope, as_of)).clone()


def _monthly(data: SalesData, period: Period, settings: Settings, scope: list[str] | None, as_of: date) -> pl.DataFrame:
    nodes = _scope_nodes(data, scope)
    tops = data.tree.scope_nodes(scope)
    rate_frame = node_win_rates(data, period, settings.win_rate_min_closed)
    rates = dict(zip(rate_frame["node"].to_list(), rate_frame["win_rate"].to_list()))
    rows = []
    for month in period.months:
        month_period = period_containing(month, "month", period.fiscal_start_month)
        facts = period_facts(data, month_period, as_of).filter(pl.col("node").is_in(nodes))
        targets = node_targets(data, month_period)
        month_targets = [targets[n] for n in tops if n in targets]
        rows.append({
            "month": month, "won": float(facts["won"].sum()), "pipeline": float(facts["pipeline"].sum()),
            "weighted_forecast": _top_weighted(data, facts, rates, tops),
            "probability_forecast": float(facts["probability_forecast"].sum()),
            "target": float(sum(month_targets)) if month_targets else None,
        })
    frame = pl.DataFrame(rows, schema={"month": pl.Date, "won": pl.Float64, "pipeline": pl.Float64,
                                       "weighted_forecast": pl.Float64, "probability_forecast": pl.Float64,
                                       "target": pl.Float64})
    return frame.with_columns(
        (pl.col("won") + pl.col("weighted_forecast")).alias("projected"),
        (pl.col("won") + pl.col("probability_forecast")).alias("probability_projected"),
    ).with_columns(
        pl.col("won").cum_sum().alias("cumulative_won"),
        pl.col("projected").cum_sum().alias("cumulative_projected"),
        pl.col("target").cum_sum().alias("cumulative_target"))


def normalise_category(raw: str | None, status: str, probability: float | None) -> tuple[str, bool]:
    """(category, derived): won deals are Closed and lost deals Omitted whatever the CRM says; an
    open deal keeps its CRM category when it is one we know, else it is placed by probability
    (≥ 70% Commit, ≥ 40% Best Case, else Pipeline) and marked derived."""
    if status == "won":
        return "Closed", False
    if status == "lost":
        return "Omitted", False
    key = "".join(ch for ch in (raw or "").lower() if ch.isalnum())
    known = _CATEGORY_SPELLINGS.get(key)
    if known and known != "Closed":
        return known, False
    p = probability if probability is not None and probability == probability else 0.0
    return ("Commit" if p >= COMMIT_FROM else "Best Case" if p >= BEST_CASE_FROM else "Pipeline"), True


def forecast_categories(store: Store, period: Period, settings: Settings, scope: Iterable[str] | None = None,
                        as_of: date | None = None) -> pl.DataFrame:
    """The period's deals by forecast category: won and lost deals closing in the period and the
    open deals of its pipeline (overdue ones included in the current period).

    Columns: category (Closed, Commit, Best Case, Pipeline, Omitted, in that order), deals, amount,
    probability_forecast, cumulative (Closed, then + Commit, + Best Case, + Pipeline: the usual
    roll-up a forecast call reads; null for Omitted), derived (deals whose category was derived
    from probability because the CRM gave none we know).
    """
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    scope = None if scope is None else list(scope)
    key = ("forecast_categories", period, None if scope is None else tuple(scope), as_of)
    return data.cached(key, lambda: _categories(data, period, scope, as_of)).clone()


def category_of(known: pl.Expr) -> list[pl.Expr]:
    """`normalise_category` as an expression over status, probability and `known` (the CRM's
    category when it is one we know and not Closed, else null): (category, derived) columns."""
    p = pl.col("probability").fill_nan(None).fill_null(0.0)
    by_probability = (pl.when(p >= COMMIT_FROM).then(pl.lit("Commit"))
                      .when(p >= BEST_CASE_FROM).then(pl.lit("Best Case")).otherwise(pl.lit("Pipeline")))
    status = pl.col("status")
    return [pl.when(status == "won").then(pl.lit("Closed")).when(status == "lost").then(pl.lit("Omitted"))
            .otherwise(pl.coalesce(known, by_probability)).alias("category"),
            (~status.is_in(["won", "lost"]) & known.is_null()).alias("derived")]


def known_spellings(raw: pl.Series) -> dict[str, str]:
    """Each distinct CRM category spelling in `raw` that names a category an open deal can be in →
    that category. A handful of spellings, so this loop runs per spelling, not per deal."""
    return {value: category for value in raw.drop_nulls().unique().to_list()
            for category, derived in [normalise_category(value, "open", None)] if not derived}


def _categories(data: SalesData, period: Period, scope: list[str] | None, as_of: date) -> pl.DataFrame:
    # Slices of the close-date-sorted deals, only the columns read: filtering the whole frame
    # copied every column of nearly all 6M deals (+0.24 GB at 1M accounts) to keep one period's.
    # (a slice of deals that all lack a close date is not empty: search_sorted cannot tell where
    # their nulls sort, so the dated deals are asked for as well)
    columns = ("forecast_category", "status", "probability", "amount_rc", "node", "close_date")
    in_scope = pl.col("node").is_in(_scope_nodes(data, scope)) & pl.col("close_date").is_not_null()
    start, end = open_window(period, as_of)
    closed = (_slice(data.deals, period.start, period.end).select(columns)
              .filter(pl.col("status").is_in(["won", "lost"]) & in_scope))
    open_deals = _slice(data.deals, start, end).select(columns).filter((pl.col("status") == "open") & in_scope)
    chosen = pl.concat([closed, open_deals]).select("forecast_category", "status", "probability", "amount_rc")
    known = pl.col("forecast_category").replace_strict(known_spellings(chosen["forecast_category"]),
                                                       default=None, return_dtype=pl.String)
    chosen = chosen.with_columns(category_of(known))
    summary = chosen.group_by("category").agg(
        pl.len().cast(pl.Int64).alias("deals"), pl.col("amount_rc").fill_null(0.0).sum().alias("amount"),
        (pl.col("amount_rc").fill_null(0.0) * pl.when(pl.col("status") == "won").then(1.0)
         .when(pl.col("status") == "lost").then(0.0).otherwise(pl.col("probability").fill_null(0.0)))
        .sum().alias("probability_forecast"),
        pl.col("derived").sum().cast(pl.Int64).alias("derived"))
    frame = (pl.DataFrame({"category": list(CATEGORIES)}).join(summary, on="category", how="left")
             .with_columns(pl.col("deals", "derived").fill_null(0), pl.col("amount", "probability_forecast").fill_null(0.0)))
    return frame.with_columns(
        pl.when(pl.col("category") != "Omitted").then(pl.col("amount").cum_sum()).otherwise(None).alias("cumulative")
    ).select("category", "deals", "amount", "probability_forecast", "cumulative", "derived")


def pipeline_at_start(data: SalesData, period: Period) -> pl.DataFrame:
    """What was knowable at `period`'s start, per (node, rep), next to what then closed.

    Knowable at the start: the deals created before it that had not closed yet and were due in the
    period — close date inside the period, whatever their status is now (at the start all were
    open). Columns: node, rep, pipeline_at_start, actual (won in the period, including deals
    created during it, which no start-of-period forecast could see). Memoised per data version.
    """
    return data.cached(("pipeline_at_start", period), lambda: _pipeline_at_start(data, period))


def _pipeline_at_start(data: SalesData, period: Period) -> pl.DataFrame:
    # the figures as of the day before the start, as `report --as-of` rebuilds them (sales_data.snapshot)
    # of the deals due in the period only (a slice of the close-date-sorted deals, the columns
    # read): the whole frame as of that day was a copy of every column of the 6M deals
    due = _slice(data.deals, period.start, period.end).select("status", "created_date", "close_date", "amount_rc",
                                                              "node", "rep")
    then = deals_then(due.filter(pl.col("close_date").is_not_null()), period.start - timedelta(days=1))
    known = (then.filter(pl.col("status") == "open")
             .group_by("node", "rep").agg(pl.col("amount_rc").fill_null(0.0).sum().alias("pipeline_at_start")))
    actual = (data.closed.filter(pl.col("won") & (pl.col("close_date") >= period.start)
                                 & (pl.col("close_date") < period.end))
              .group_by("node", "rep").agg(pl.col("amount").sum().alias("actual")))
    return (known.join(actual, on=["node", "rep"], how="full", coalesce=True, nulls_equal=True)
            .with_columns(pl.col("pipeline_at_start", "actual").fill_null(0.0)))


def past_periods(period: Period, as_of: date, count: int) -> list[Period]:
    """The `count` periods of `period`'s kind before it that had ended by `as_of`, oldest first."""
    out, current = [], period.previous()
    while len(out) < count and current.end.year > 1900:
        if current.end <= as_of:
            out.append(current)
        current = current.previous()
    return out[::-1]


def forecast_accuracy(store: Store, period: Period, level: str, settings: Settings,
                      scope: Iterable[str] | None = None, periods: int = 4, as_of: date | None = None) -> pl.DataFrame:
    """The win-rate method re-run at the start of each of the `periods` past periods before
    `period`, per row (region / territory / rep), against what actually closed.

    A territory row weighs its subtree's start-of-period pipeline by its own (or borrowed) win rate
    of the 12 months before that start; a rep row sums pipeline × rate over the territories of its
    deals — the same weighting as today's forecast. Columns: id, name, period (code), period_start,
    forecast, actual, error (forecast − actual), ape (|error| ÷ actual; null when nothing closed).
    """
    scope = None if scope is None else list(scope)
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    table = attainment_table(store, period, level, scope, settings, as_of).select("id", "name")
    key = ("forecast_accuracy", period, level, None if scope is None else tuple(scope), periods, as_of,
           settings.win_rate_min_closed)
    return data.cached(key, lambda: _accuracy(data, table, period, level, settings, scope, periods, as_of)).clone()


def _accuracy(data: SalesData, table: pl.DataFrame, period: Period, level: str, settings: Settings,
              scope: list[str] | None, periods: int, as_of: date) -> pl.DataFrame:
    tree = data.tree
    tops = tree.scope_nodes(scope)
    members = set(tree.scope_members(scope))
    rows = []
    for past in past_periods(period, as_of, periods):
        rate_frame = node_win_rates(data, past, settings.win_rate_min_closed)
        rates = dict(zip(rate_frame["node"].to_list(), rate_frame["win_rate"].to_list()))
        known = pipeline_at_start(data, past).filter(pl.col("node").is_in(list(members)))
        if level == "rep":
            weighted = (known.with_columns(pl.col("node").replace_strict(rates, default=None, return_dtype=pl.Float64)
                                           .fill_null(0.0).alias("rate"))
                        .group_by("rep").agg((pl.col("pipeline_at_start") * pl.col("rate")).sum().alias("forecast"),
                                             pl.col("actual").sum()))
            figures = {rep: (f, a) for rep, f, a in weighted.iter_rows()}
        else:
            figures = {}
            for row_id, nodes in row_nodes(data, table, level, scope).items():
                node = tree.node_of(row_id)
                parts = [node] if node in members else [t for t in tops if tree.is_below(t, node)]
                forecast = 0.0
                for part in parts:
                    covered = [n for n in nodes if tree.is_below(n, part)]
                    pipe = float(known.filter(pl.col("node").is_in(covered))["pipeline_at_start"].sum())
                    forecast += pipe * (rates.get(part) or 0.0)
                actual = float(known.filter(pl.col("node").is_in(nodes))["actual"].sum())
                figures[row_id] = (forecast, actual)
        for row_id, name in table.iter_rows():
            forecast, actual = figures.get(row_id, (0.0, 0.0))
            rows.append((row_id, name, past.code, past.start, forecast, actual))
    frame = pl.DataFrame(rows, schema={"id": pl.String, "name": pl.String, "period": pl.String,
                                       "period_start": pl.Date, "forecast": pl.Float64, "actual": pl.Float64},
                         orient="row")
    return frame.with_columns((pl.col("forecast") - pl.col("actual")).alias("error")).with_columns(
        pl.when(pl.col("actual") > 0).then(pl.col("error").abs() / pl.col("actual")).alias("ape"))


def accuracy_summary(accuracy: pl.DataFrame) -> pl.DataFrame:
    """Per row: periods (with something closed), mape (mean of ape), bias (Σ error ÷ Σ actual:
    positive = forecasts too high), sorted most trustworthy (lowest MAPE) first.
    Columns: id, name, periods, mape, bias, forecast, actual."""
    return (accuracy.group_by("id", "name", maintain_order=True).agg(
        pl.col("ape").is_not_null().sum().cast(pl.Int64).alias("periods"), pl.col("ape").mean().alias("mape"),
        pl.col("forecast").sum(), pl.col("actual").sum())
        .with_columns(pl.when(pl.col("actual") > 0).then((pl.col("forecast") - pl.col("actual")) / pl.col("actual"))
                      .alias("bias"))
        .select("id", "name", "periods", "mape", "bias", "forecast", "actual")
        .sort("mape", "name", nulls_last=True))
