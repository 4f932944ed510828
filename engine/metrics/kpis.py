"""Activity and sales KPIs per region, territory and rep: the predefined reports a CRM user expects.

Rows are the same rows as `engine.metrics.performance.attainment_table` (same level, scope and names), so a
territory's won revenue here is the one on the Overview to the cent. The KPIs the design leaves
open are defined here:
- win_rate (in this table) = won ÷ (won + lost) deals *closed in the period* — the period's hit
  rate; the forecast's trailing-12-month rate is `engine.metrics.performance.win_rates`.
- new_customers = accounts whose first won deal ever closes in the period, counted where that deal
  is booked (territory) or by its owner (rep).
- activities are counted in the territory of the activity's account (else of its deal), and for
  the rep who logged them; activities_per_rep divides by the reps who are members of the row's
  territories (else those who logged activities there).
- lead response time: for every deal created and every account created in the period, the time
  from creation to the first activity logged on it (a deal's account counts too) at or after
  creation, looking up to three months past the period's end. Deals carry only a creation date,
  so they count from that day's midnight.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.activity_facts import activities_between, first_wins_between, period_leads
from engine.metrics.facts import _months, _slice
from engine.metrics.sales_data import SalesData, sales_data
from engine.metrics.periods import Period, add_months
from engine.store.settings import Settings
from engine.store import Store

KPI_COLUMNS = ("name", "won", "won_count", "lost_count", "win_rate", "avg_deal_size", "sales_cycle_days",
               "new_customers", "activities", "activities_per_rep")


def row_nodes(data: SalesData, table: pl.DataFrame, level: str, scope: Iterable[str] | None) -> dict[str, list[int]]:
    """The territory nodes whose deals make up each row of an attainment table (territory levels).

    A row covers its subtree within the scope, except a non-leaf territory listed for the deals
    booked on it directly (territory level, or the parent row of a drill-down), which covers itself.
    """
    tree = data.tree
    members = set(tree.scope_members(None if scope is None else list(scope)))
    tops = tree.scope_nodes(None if scope is None else list(scope))
    out: dict[str, list[int]] = {}
    for territory_id in table["id"].to_list():
        node = tree.node_of(territory_id)
        direct = not tree.is_leaf(node) and (level == "territory" or (level == "children" and node in tops))
        out[territory_id] = [node] if direct or tree.is_leaf(node) else [n for n in tree.subtree(node) if n in members]
    return out


def _assign_rows(frame: pl.DataFrame, data: SalesData, table: pl.DataFrame, level: str,
                 scope: Iterable[str] | None, rep_column: str = "rep") -> pl.DataFrame:
    """`frame` (with node and rep columns) plus an `id` column naming the row each record falls in.
    Rows of one level never overlap, so every record lands in at most one row; records outside
    the rows (another scope) are dropped."""
    if level == "rep":
        return frame.with_columns(pl.col(rep_column).alias("id")).filter(
            pl.col("id").is_in(table["id"].drop_nulls().to_list()) | pl.col("id").is_null())
    pairs = [(node, row_id) for row_id, nodes in row_nodes(data, table, level, scope).items() for node in nodes]
    mapping = pl.DataFrame(pairs, schema={"node": pl.UInt32, "id": pl.String}, orient="row")
    return frame.join(mapping, on="node", how="inner")


def _key(name: str, period, level: str, scope: list[str] | None, as_of: date, settings: Settings) -> tuple:
    return (name, period, level, None if scope is None else tuple(scope), as_of, settings.win_rate_min_closed)


def kpi_table(store: Store, period: Period, level: str, settings: Settings, scope: Iterable[str] | None = None,
              as_of: date | None = None) -> pl.DataFrame:
    """Sales KPIs of each row for `period`.

    Columns: name, won, won_count, lost_count, win_rate, avg_deal_size (won ÷ won_count),
    sales_cycle_days (median days created → closed of won deals), new_customers, activities,
    activities_per_rep, then id. Fractions as fractions; rows in the attainment table's order.
    Computed once per data version, period, level and scope (memoised on `SalesData`).
    """
    scope = None if scope is None else list(scope)
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    return data.cached(_key("kpis", period, level, scope, as_of, settings),
                       lambda: _kpi_table(store, data, period, level, settings, scope, as_of)).clone()


def _kpi_table(store: Store, data: SalesData, period: Period, level: str, settings: Settings,
               scope: list[str] | None, as_of: date) -> pl.DataFrame:
    table = attainment_table(store, period, level, scope, settings, as_of).select("id", "name", "won", "won_count")
    closed = _assign_rows(_slice(data.closed, period.start, period.end), data, table, level, scope)
    per_row = closed.group_by("id").agg(
        pl.col("won").not_().sum().cast(pl.Int64).alias("lost_count"),
        (pl.col("close_date") - pl.col("created_date")).dt.total_days().filter(pl.col("won"))
        .median().alias("sales_cycle_days"))
    firsts = first_wins_between(data, period.start, period.end)
    new = _assign_rows(firsts, data, table, level, scope).group_by("id").agg(
        pl.len().cast(pl.Int64).alias("new_customers"))
    acts = _activity_counts(store, data, table, level, scope, period)
    out = (table.join(per_row, on="id", how="left", nulls_equal=True)
           .join(new, on="id", how="left", nulls_equal=True)
           .join(acts, on="id", how="left", nulls_equal=True)
           .with_columns(pl.col("lost_count", "new_customers", "activities").fill_null(0)))
    closed_count = pl.col("won_count") + pl.col("lost_count")
    return out.with_columns(
        pl.when(closed_count > 0).then(pl.col("won_count") / closed_count).alias("win_rate"),
        pl.when(pl.col("won_count") > 0).then(pl.col("won") / pl.col("won_count")).alias("avg_deal_size"),
        pl.when(pl.col("reps") > 0).then(pl.col("activities") / pl.col("reps")).alias("activities_per_rep"),
    ).select(*KPI_COLUMNS, "id")


def _activity_counts(store: Store, data: SalesData, table: pl.DataFrame, level: str, scope, period: Period) -> pl.DataFrame:
    """Per row id: activities and reps (the denominator of activities_per_rep)."""
    cells = activities_between(store, data, period.start, period.end)
    if level == "rep":
        counted = _assign_rows(cells, data, table, level, scope).group_by("id").agg(
            pl.col("activities").sum().cast(pl.Int64))
        return counted.with_columns(pl.lit(1, pl.Int64).alias("reps"))
    placed = _assign_rows(cells.filter(pl.col("node").is_not_null()), data, table, level, scope)
    # A cell exists only where its rep logged something, so its reps are the row's loggers.
    counted = placed.group_by("id").agg(pl.col("activities").sum().cast(pl.Int64),
                                        pl.col("rep").drop_nulls().n_unique().cast(pl.Int64).alias("loggers"))
    members = _assign_rows(data.members.filter(pl.col("node").is_not_null()).rename({"rep_id": "rep"}),
                           data, table, level, scope).group_by("id").agg(
        pl.col("rep").n_unique().cast(pl.Int64).alias("member_reps"))
    return (counted.join(members, on="id", how="left")
            .with_columns(pl.coalesce(pl.col("member_reps"), pl.col("loggers")).alias("reps"))
            .select("id", "activities", "reps"))


def lead_response(store: Store, period: Period, level: str, settings: Settings,
                  scope: Iterable[str] | None = None, as_of: date | None = None) -> pl.DataFrame:
    """How fast new deals and accounts get their first activity (definition in the module doc).

    Columns: name, leads (deals + accounts created in the period), responded, unanswered,
    median_response_hours, responded_within_24h (fraction of leads), then id.
    """
    scope = None if scope is None else list(scope)
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    return data.cached(_key("lead_response", period, level, scope, as_of, settings),
                       lambda: _lead_response(store, data, period, level, settings, scope, as_of)).clone()


def _lead_response(store: Store, data: SalesData, period: Period, level: str, settings: Settings,
                   scope: list[str] | None, as_of: date) -> pl.DataFrame:
    table = attainment_table(store, period, level, scope, settings, as_of).select("id", "name")
    created = period_leads(store, data, period).with_columns(
        ((pl.col("first_touch") - pl.col("created")).dt.total_seconds() / 3600).alias("hours"))
    placed = _assign_rows(created, data, table, level, scope)
    summary = placed.group_by("id").agg(
        pl.len().cast(pl.Int64).alias("leads"), pl.col("hours").is_not_null().sum().cast(pl.Int64).alias("responded"),
        pl.col("hours").median().alias("median_response_hours"),
        (pl.col("hours") <= 24).sum().cast(pl.Int64).alias("within"))
    return (table.join(summary, on="id", how="left", nulls_equal=True)
            .with_columns(pl.col("leads", "responded", "within").fill_null(0))
            .select("name", "leads", "responded", (pl.col("leads") - pl.col("responded")).alias("unanswered"),
                    "median_response_hours",
                    pl.when(pl.col("leads") > 0).then(pl.col("within") / pl.col("leads")).alias("responded_within_24h"),
                    "id"))


def star_performers(store: Store, period: Period, settings: Settings, scope: Iterable[str] | None = None,
                    top: int = 5, as_of: date | None = None) -> pl.DataFrame:
    """The reps with the most won revenue in the period, across territories.

    Columns: rank, name, won, target, attainment, won_count, win_rate, avg_deal_size,
    sales_cycle_days, id. Reps without any won deal are left out.
    """
    scope = None if scope is None else list(scope)
    kpis = kpi_table(store, period, "rep", settings, scope, as_of)
    attainment = attainment_table(store, period, "rep", scope, settings, as_of).select("id", "target", "attainment")
    ranked = (kpis.filter(pl.col("won") > 0).join(attainment, on="id", how="left", nulls_equal=True)
              .sort(["won", "name"], descending=[True, False]).head(top))
    return ranked.with_row_index("rank", offset=1).select(
        pl.col("rank").cast(pl.Int64), "name", "won", "target", "attainment", "won_count", "win_rate",
        "avg_deal_size", "sales_cycle_days", "id")


def seasonality_matrix(store: Store, settings: Settings, scope: Iterable[str] | None = None,
                       as_of: date | None = None, months: int = 36) -> pl.DataFrame:
    """Won revenue by region and calendar month over the `months` complete months before the
    as-of month: the heatmap of when each region sells.

    Columns: region, region_id, month (1-12, calendar), won, share (of the region's won over the
    window), years (how many of that month the window holds).
    """
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    scope = None if scope is None else list(scope)
    key = ("seasonality", None if scope is None else tuple(scope), as_of, months)
    return data.cached(key, lambda: _seasonality(data, scope, as_of, months)).clone()


def _seasonality(data: SalesData, scope: list[str] | None, as_of: date, months: int) -> pl.DataFrame:
    end = date(as_of.year, as_of.month, 1)
    start = add_months(end, -months)
    tree = data.tree
    nodes = tree.nodes.select("node", pl.coalesce("region_node", "node").alias("region_node"))
    regions = tree.nodes.select(pl.col("node").alias("region_node"), pl.col("name").alias("region"),
                                pl.col("territory_id").alias("region_id"))
    # From the closed-deals cube (won per territory, rep and month), as the Overview's trend is.
    won = _months(data.closed_cube, start, end).filter(pl.col("won_count") > 0)
    if scope is not None:
        won = won.filter(pl.col("node").is_in(tree.scope_members(scope)))
    grid = (won.join(nodes, on="node").group_by("region_node", (pl.col("month") % 12 + 1).alias("month"))
            .agg(pl.col("won").sum()))
    window = pl.DataFrame({"first": pl.date_range(start, add_months(end, -1), "1mo", eager=True)}).group_by(
        pl.col("first").dt.month().alias("month")).agg(pl.len().cast(pl.Int64).alias("years"))
    full = (grid.select("region_node").unique().join(window, how="cross")
            .join(grid, on=["region_node", "month"], how="left").with_columns(pl.col("won").fill_null(0.0)))
    return (full.join(regions, on="region_node")
            .with_columns((pl.col("won") / pl.col("won").sum().over("region_node")).alias("share"))
            .select("region", "region_id", pl.col("month").cast(pl.Int32), "won", "share", "years")
            .sort("region", "month"))
