"""The per-data-version frames the activity KPIs are cut from: one pass over deals and activities.

`kpi_table`, `lead_response` and `star_performers` used to re-read and re-join the raw deals and
activities on every call (a second or more each at 6M deals / 8M activities). They now slice these
frames, built once per data version (`SalesData.per_version`) and sorted by time:
- `first_wins`: each account's first won deal ever (close_date, node, rep), by close date;
- `activity_type_cells`: activities counted per (node, rep, month, kind) — node of the activity's
  account, else of its deal, exactly as the KPI definitions place them; kind is call, meeting,
  visit, e-mail or other (the lead KPIs count those);
- `activity_cells`: the same summed over the kinds — one read of the 8M activities serves both;
A period's figures are then a `search_sorted` slice and a group-by over a few hundred thousand rows.
Lead response needs each lead's first activity at or after its creation — an as-of join of the
period's leads to its activities, which DuckDB does per period (`period_leads`, memoised): the
same join over the whole history at once took 4–7 GB at 6M deals / 8M activities.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from engine.metrics.periods import add_months
from engine.metrics.sales_data import SalesData, month_number
from engine.store import Store
from engine.store.activity_reads import activity_type_cells as read_activity_type_cells
from engine.store.activity_reads import lead_touches
from engine.territories.hierarchy import UNASSIGNED_ID

_KIND_PATTERNS = (("visits", r"visit|on.?site|in.?person|field|拜访|上门|走访"),
                  ("meetings", r"meet|appointment|demo|会议|会面|约见|演示"),
                  ("calls", r"call|phone|tele|电话|通话|致电"),
                  ("emails", r"e-?mail|^mail|邮件"))


def first_wins(data: SalesData) -> pl.DataFrame:
    """Each account's first won deal ever: account_id, close_date, node, rep — sorted by close_date.
    (Ties on the day go to the lowest deal id.)"""
    def compute() -> pl.DataFrame:
        # the columns first: filtering the deals themselves copied every column of the won ones
        won = (data.deals.select("deal_id", "account_id", "status", "close_date", "node", "rep")
               .filter((pl.col("status") == "won") & pl.col("close_date").is_not_null()
                       & pl.col("account_id").is_not_null()))
        return (won.sort("close_date", "deal_id").group_by("account_id", maintain_order=True).first()
                .select("account_id", "close_date", "node", "rep").sort("close_date", maintain_order=True))
    return data.per_version("first_wins", compute)


def first_wins_between(data: SalesData, start: date, end: date) -> pl.DataFrame:
    frame = first_wins(data)
    dates = frame["close_date"]
    lo, hi = dates.search_sorted(start, side="left"), dates.search_sorted(end, side="left")
    return frame.slice(lo, max(hi - lo, 0))


def _node_of(data: SalesData, territory: str, found: str) -> pl.Expr:
    """The node a record's territory maps to as sales_data maps it: its node, else (found but
    unknown or empty territory) the Unassigned node when there is one; null when not found."""
    tree = data.tree
    mapping = dict(zip(tree.nodes["territory_id"].to_list(), tree.nodes["node"].to_list()))
    fallback = tree.node_of(UNASSIGNED_ID) if tree.has(UNASSIGNED_ID) else None
    mapped = pl.col(territory).replace_strict(mapping, default=None, return_dtype=pl.UInt32)
    return pl.when(pl.col(found)).then(mapped.fill_null(pl.lit(fallback, dtype=pl.UInt32)))


def activity_kind(types: pl.Series) -> pl.Series:
    """calls / meetings / visits / emails / other_activities for each activity type (read once per
    distinct type: a cube has a handful)."""
    distinct = types.drop_nulls().unique().to_list()
    mapping = {}
    for value in distinct:
        mapping[value] = next((kind for kind, pattern in _KIND_PATTERNS
                               if pl.select(pl.lit(value).str.contains(pattern)).item()), "other_activities")
    return types.replace_strict(mapping, default="other_activities", return_dtype=pl.String)


def activity_type_cells(store: Store, data: SalesData) -> pl.DataFrame:
    """Activities per (node, rep, month, kind): columns node (null = neither account nor deal
    known), rep, month (`month_index`), kind (`activity_kind`), activities — sorted by month."""
    def compute() -> pl.DataFrame:
        cells = read_activity_type_cells(store)
        return (cells.with_columns(pl.coalesce(_node_of(data, "account_territory", "account_found"),
                                               _node_of(data, "deal_territory", "deal_found")).alias("node"),
                                   activity_kind(cells["type"]).alias("kind"))
                .group_by("node", "rep", "month", "kind").agg(pl.col("activities").sum().cast(pl.Int64))
                .sort("month", "node", "rep", nulls_last=True))
    return data.per_version("activity_type_cells", compute)


def activity_cells(store: Store, data: SalesData) -> pl.DataFrame:
    """Activities per (node, rep, month): columns node (null = neither account nor deal known), rep,
    month (`month_index`), activities — sorted by month."""
    def compute() -> pl.DataFrame:
        # summed from the per-kind cells: a second pass over the 8M activities would cost DuckDB
        # the same join and hash tables again (0.5 GB, 3 s of CPU at 1M accounts)
        return (activity_type_cells(store, data).group_by("node", "rep", "month")
                .agg(pl.col("activities").sum().cast(pl.Int64))
                .sort("month", "node", "rep", nulls_last=True))
    return data.per_version("activity_cells", compute)


def activities_between(store: Store, data: SalesData, start: date, end: date) -> pl.DataFrame:
    """The activity cells of the whole months [start, end)."""
    cells = activity_cells(store, data)
    months = cells["month"]
    lo = months.search_sorted(month_number(start), side="left")
    hi = months.search_sorted(month_number(end), side="left")
    return cells.slice(lo, max(hi - lo, 0))


def period_leads(store: Store, data: SalesData, period) -> pl.DataFrame:
    """The leads of `period` (deals and accounts created in it) with their first touch, looked for
    up to three months past the period's end: columns created, first_touch, node, rep."""
    def compute() -> pl.DataFrame:
        start, end = (datetime.combine(day, datetime.min.time()) for day in (period.start, period.end))
        cap = datetime.combine(add_months(period.end, 3), datetime.min.time())
        touches = lead_touches(store, start, end, cap)
        return touches.with_columns(pl.lit(True).alias("found")).select(
            pl.col("created").cast(pl.Datetime("us")), pl.col("first_touch").cast(pl.Datetime("us")),
            _node_of(data, "territory_id", "found").alias("node"), "rep")
    # DuckDB's ASOF joins over the period's activities: 0.3 GB at 1M accounts, one build at a time
    return data.built(("period_leads", period), compute)
