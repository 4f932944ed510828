"""Per-period building blocks of the metrics: deal facts, win rates and targets by territory node.

Each is computed once per data version and period (memoised on `SalesData`) from the close-date
sorted deal frames by slicing with `search_sorted`, so a quarter of a 6M-deal history costs only
the deals of that quarter. Everything here follows DESIGN.md's metric definitions; the choices the
definitions leave open are documented where they are made.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from engine.metrics.sales_data import SalesData, month_number
from engine.metrics.periods import Period, add_months

FACT_COLUMNS = ("won", "won_count", "pipeline", "open_count", "probability_forecast", "overdue_pipeline")


def _slice(frame: pl.DataFrame, start: date | None, end: date | None) -> pl.DataFrame:
    """Rows of a close_date-sorted frame with start <= close_date < end (None = unbounded)."""
    dates = frame["close_date"]
    lo = 0 if start is None else dates.search_sorted(start, side="left")
    hi = frame.height if end is None else dates.search_sorted(end, side="left")
    return frame.slice(lo, max(hi - lo, 0))


def open_window(period: Period, as_of: date) -> tuple[date | None, date | None]:
    """Which open deals make up the pipeline of `period`, given the as-of date.

    Overdue open deals (close_date before the as-of date) are not dropped: they can still close, so
    they count in the pipeline of the period that contains the as-of date (and are reported in
    `overdue_pipeline`), and no longer in the past period they were planned for. So: the current
    period takes every open deal closing before its end; a past period has no open pipeline; a
    future period takes the open deals closing inside it."""
    if period.start <= as_of < period.end:
        return None, period.end
    if period.end <= as_of:
        return as_of, as_of  # empty
    return period.start, period.end


def period_facts(data: SalesData, period: Period, as_of: date) -> pl.DataFrame:
    """Won and pipeline of `period` per (node, rep): columns node, rep, won, won_count, pipeline,
    open_count, probability_forecast (Σ amount × CRM probability), overdue_pipeline."""
    def compute() -> pl.DataFrame:
        won = (_months(data.closed_cube, period.start, period.end).filter(pl.col("won_count") > 0)
               .group_by("node", "rep_code").agg(pl.col("won").sum(), pl.col("won_count").sum()))
        start, end = open_window(period, as_of)
        pipe = (_slice(data.open, start, end)
                .group_by("node", "rep_code").agg(
                    pl.col("amount").sum().alias("pipeline"), pl.len().cast(pl.Int64).alias("open_count"),
                    (pl.col("amount") * pl.col("probability").fill_null(0.0)).sum().alias("probability_forecast"),
                    pl.col("amount").filter(pl.col("close_date") < as_of).sum().alias("overdue_pipeline")))
        facts = won.join(pipe, on=["node", "rep_code"], how="full", coalesce=True, nulls_equal=True)
        codes = pl.DataFrame({"rep_code": pl.Series(range(len(data.rep_ids)), dtype=pl.UInt32), "rep": pl.Series(data.rep_ids, dtype=pl.String)})
        return (facts.join(codes, on="rep_code", how="left").drop("rep_code")
                .with_columns(pl.col(c).fill_null(0) for c in FACT_COLUMNS)
                .select("node", "rep", *FACT_COLUMNS))
    return data.cached(("facts", period, as_of), compute)


def _months(cube: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Rows of a month-sorted cube with start <= month < end (both first days of months)."""
    months = cube["month"]
    lo = months.search_sorted(month_number(start), side="left")
    hi = months.search_sorted(month_number(end), side="left")
    return cube.slice(lo, max(hi - lo, 0))


def trailing_window(period: Period) -> tuple[date, date]:
    """The 12 months before the period's start: the win-rate history."""
    return add_months(period.start, -12), period.start


def node_win_rates(data: SalesData, period: Period, min_closed: int) -> pl.DataFrame:
    """Win rate of every territory node for `period`: won ÷ (won + lost) deals closed in the 12
    months before P's start, counted over the node's whole subtree. A node with fewer than
    `min_closed` closed deals borrows its parent's (effective) rate; the company node, having no
    parent, keeps its own rate when it has any closed deal at all, else has none.

    Columns: node, won_count, closed_count, own_rate, win_rate, win_rate_source (own/parent/none)."""
    def compute() -> pl.DataFrame:
        tree = data.tree
        start, end = trailing_window(period)
        direct = (_months(data.closed_cube, start, end).group_by("node")
                  .agg(pl.col("won_count").sum(), pl.col("closed_count").sum()))
        rolled = (tree.pairs.join(direct, on="node").group_by("ancestor")
                  .agg(pl.col("won_count").sum(), pl.col("closed_count").sum()).rename({"ancestor": "node"}))
        counts = tree.nodes.select("node").join(rolled, on="node", how="left").fill_null(0).sort("node")
        won, closed = counts["won_count"].to_list(), counts["closed_count"].to_list()
        rate: list[float | None] = [None] * len(won)
        source = ["none"] * len(won)
        for node in _top_down(tree):
            own = won[node] / closed[node] if closed[node] else None
            parent = tree.parent(node)
            if closed[node] >= min_closed or (parent is None and own is not None):
                rate[node], source[node] = own, "own"
            elif parent is not None and rate[parent] is not None:
                rate[node], source[node] = rate[parent], "parent"
        return counts.with_columns(
            (pl.col("won_count") / pl.col("closed_count")).alias("own_rate"),
            pl.Series("win_rate", rate, dtype=pl.Float64), pl.Series("win_rate_source", source))
    return data.cached(("win_rates", period.start, min_closed), compute)


def _top_down(tree) -> list[int]:
    order, queue = [], [tree.root]
    for node in queue:
        order.append(node)
        queue.extend(tree.children(node))
    return order


def node_targets(data: SalesData, period: Period) -> dict[int, float]:
    """Target of every node over the months of `period`. Month by month, a node's own target
    (scope territory, or company for the root) is used when it has one for that month, else the
    sum of its children's targets for that month; a leaf territory without its own target takes
    the targets of the reps who own it and sell (own deals: a manager's target is a roll-up; a rep
    owning several territories is split evenly, so company totals never count a rep twice). Nodes without any target are absent."""
    def compute() -> dict[int, float]:
        tree = data.tree
        own_rows = data.targets.filter(pl.col("node").is_not_null() & pl.col("month").is_in(period.months))
        own: dict[int, dict[date, float]] = {}
        for scope in ("territory", "company"):  # company rows applied last: they override the root's
            rows = own_rows.filter(pl.col("scope") == scope).group_by("node", "month").agg(pl.col("amount").sum())
            for node, month, amount in rows.iter_rows():
                own.setdefault(node, {})[month] = amount
        from_reps = _rep_targets_by_territory(data, period)
        monthly: dict[int, dict[date, float]] = {}
        for node in reversed(_top_down(tree)):
            months = dict(own.get(node, {}))
            for month, amount in from_reps.get(node, {}).items():
                months.setdefault(month, amount)
            for child in tree.children(node):
                for month, amount in monthly.get(child, {}).items():
                    if month not in own.get(node, {}):
                        months[month] = months.get(month, 0.0) + amount
            if months:
                monthly[node] = months
        return {node: sum(months.values()) for node, months in monthly.items()}
    return data.cached(("node_targets", period), compute)


def _rep_targets_by_territory(data: SalesData, period: Period) -> dict[int, dict[date, float]]:
    # Only people who own deals carry a quota of their own; a manager's target is a roll-up.
    owners = (data.members.filter(pl.col("node").is_not_null()
                                  & (pl.col("role").is_null() | (pl.col("role") == "owner"))
                                  & pl.col("rep_id").is_in(data.rep_ids))
              .select("node", "rep_id").unique()
              .with_columns((1.0 / pl.len().over("rep_id")).alias("weight")))
    rows = (data.targets.filter((pl.col("scope") == "rep") & pl.col("month").is_in(period.months))
            .drop("node").join(owners, left_on="scope_id", right_on="rep_id")
            .group_by("node", "month").agg((pl.col("amount") * pl.col("weight")).sum()))
    out: dict[int, dict[date, float]] = {}
    for node, month, amount in rows.iter_rows():
        out.setdefault(node, {})[month] = amount
    return out


def rep_targets(data: SalesData, period: Period) -> dict[str, float]:
    """Σ of each rep's monthly targets over the months of `period` (reps without one are absent)."""
    def compute() -> dict[str, float]:
        rows = (data.targets.filter((pl.col("scope") == "rep") & pl.col("month").is_in(period.months))
                .group_by("scope_id").agg(pl.col("amount").sum()))
        return dict(rows.iter_rows())
    return data.cached(("rep_targets", period), compute)
