"""Region, territory and rep performance: DESIGN.md's metric definitions, in one place.

Every page, export and `report` command takes its numbers from `attainment_table`, `shares_table`
and `kpi_tiles`, so they agree to the cent. A *level* chooses the rows (company, region, territory,
rep, or the children of one territory for drill-down); a *scope* (territory ids) restricts every
figure to those territories' subtrees, which is how drill-down and territory visibility work.

Choices the definitions leave open:
- weighted_forecast of a territory row = its open pipeline × its (own or borrowed) win rate; a rep
  row (or a row covering several scoped territories) sums pipeline × rate over the territories of
  its deals, and its win_rate is that blend (weighted ÷ pipeline).
- coverage = pipeline ÷ max(gap, 0) is null when the target is met (gap ≤ 0) or unknown, never ∞.
- attainment, gap, projected attainment and coverage are null when there is no target.
- overdue open deals count in the current period's pipeline (see `metrics_facts.open_window`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from engine.store.errors import TerrainError
from engine.territories.hierarchy import UNASSIGNED_ID
from engine.metrics.sales_data import SalesData, data_now, sales_data
from engine.metrics.facts import FACT_COLUMNS, node_targets, node_win_rates, period_facts, rep_targets
from engine.metrics.periods import Period, period_containing
from engine.store.settings import Settings, load_settings

LEVELS = ("company", "region", "territory", "rep", "children")
REPORT_COLUMNS = ("name", "target", "won", "attainment", "gap", "pipeline", "win_rate",
                  "weighted_forecast", "projected", "coverage")
ID_COLUMNS = ("id", "parent_id", "level", "win_rate_source", "probability_forecast",
              "projected_attainment", "overdue_pipeline", "won_count", "open_count")
UNASSIGNED_REP = "Unassigned"


class LevelError(TerrainError):
    title = "The level is not understood"


def _settings(settings: Settings | None) -> Settings:
    return settings or load_settings()


def _data(store, settings: Settings) -> SalesData:
    return sales_data(store, settings.reporting_currency)


def as_of_date(store, today: date | None = None) -> date:
    """The date the figures stand at: today, or the latest closed deal / activity if the data ends
    earlier (an imported 2024 export is looked at as of its last day, not as of today); for a
    store seen as of a day (sales_data.StoreAsOf), that day."""
    return data_now(sales_data(store), today)


DEFAULT_PERIOD_KIND = "quarter"  # what a director opens on: the quarter they are in


def default_period(store, kind: str = DEFAULT_PERIOD_KIND, settings: Settings | None = None,
                   as_of: date | None = None) -> Period:
    """The fiscal period of `kind` containing the as-of date ("now": today, or the data's last
    day): what the pages open on and what `report` prints without --period."""
    return period_containing(as_of or as_of_date(store), kind, _settings(settings).fiscal_year_start_month)


# --- the table -----------------------------------------------------------------------------------
def attainment_table(store, period: Period, level: str = "region", scope: Iterable[str] | None = None,
                     settings: Settings | None = None, as_of: date | None = None) -> pl.DataFrame:
    """One row per region / territory / rep (or the company, or the children of one territory).

    Columns: name, target, won, attainment, gap, pipeline, win_rate, weighted_forecast, projected,
    coverage (the report contract), then id, parent_id, level, win_rate_source (own/parent/none/
    blended), probability_forecast, projected_attainment, overdue_pipeline, won_count, open_count.
    Sorted by won (descending), then name. `scope` = territory ids (None = whole company)."""
    if level not in LEVELS:
        raise LevelError(f"'{level}' is not a level.", hint=f"Use one of: {', '.join(LEVELS[:4])}.")
    settings = _settings(settings)
    data = _data(store, settings)
    as_of = as_of or as_of_date(store)
    scope = None if scope is None else list(scope)
    key = ("attainment", period, level, None if scope is None else tuple(scope), as_of,
           settings.win_rate_min_closed)
    return data.cached(key, lambda: _build_table(data, period, level, scope, settings, as_of)).clone()


def _build_table(data: SalesData, period: Period, level: str, scope, settings: Settings, as_of: date) -> pl.DataFrame:
    tree = data.tree
    tops = tree.scope_nodes(scope)
    members = set(tree.scope_members(scope))
    facts = period_facts(data, period, as_of).filter(pl.col("node").is_in(list(members)))
    rates = node_win_rates(data, period, settings.win_rate_min_closed)
    rate = dict(zip(rates["node"].to_list(), rates["win_rate"].to_list()))
    source = dict(zip(rates["node"].to_list(), rates["win_rate_source"].to_list()))
    targets = node_targets(data, period)

    if level == "rep":
        return _rep_rows(data, period, facts, rate, members, scope)

    direct = facts.group_by("node").agg(pl.col(c).sum() for c in FACT_COLUMNS)
    subtree = (tree.pairs.join(direct, on="node").group_by("ancestor")
               .agg(pl.col(c).sum() for c in FACT_COLUMNS).rename({"ancestor": "node"}))
    direct_of = {row["node"]: row for row in direct.iter_rows(named=True)}
    subtree_of = {row["node"]: row for row in subtree.iter_rows(named=True)}

    def covering(node: int) -> dict:
        """Figures of a row node restricted to the scope: whole subtree when inside it, else the
        scope's top nodes below it."""
        figures = dict(subtree_of.get(node) or dict.fromkeys(FACT_COLUMNS, 0))
        parts = [node] if node in members else [t for t in tops if tree.is_below(t, node)]
        pipes = [(subtree_of.get(p) or {}).get("pipeline", 0) for p in parts]
        if len(parts) == 1:
            figures["win_rate"], figures["win_rate_source"] = rate[parts[0]], source[parts[0]]
            figures["weighted_forecast"] = _weigh(pipes[0], rate[parts[0]])
        else:
            figures["weighted_forecast"] = _blend(pipes, [rate[p] for p in parts])
            figures["win_rate"], figures["win_rate_source"] = _blended_rate(figures), "blended"
        part_targets = [targets[p] for p in parts if p in targets]
        figures["target"] = sum(part_targets) if part_targets else None
        return figures

    def direct_row(node: int) -> dict:
        figures = dict(direct_of[node])
        r = rate[node]
        figures.update(win_rate=r, win_rate_source=source[node],
                       weighted_forecast=_weigh(figures["pipeline"], r),
                       target=targets.get(node) if tree.is_leaf(node) else None)
        return figures

    rows: list[tuple[int, dict]] = []
    if level == "company":
        rows = [(tree.root, covering(tree.root))]
    elif level == "region":
        rows = [(n, covering(n)) for n in tree.regions() if n in members or any(tree.is_below(t, n) for t in tops)]
    elif level == "territory":
        for node in sorted(members):
            if tree.is_leaf(node) and node != tree.root:
                rows.append((node, covering(node)))
            elif node in direct_of:
                rows.append((node, direct_row(node)))
    else:  # children
        if len(tops) != 1:
            raise LevelError("Drill-down needs exactly one territory in scope.",
                             hint="Pick one region or territory to drill into.")
        parent = tops[0]
        rows = [(n, covering(n)) for n in tree.children(parent)]
        if parent in direct_of and tree.children(parent):
            rows.append((parent, direct_row(parent)))
    unassigned = tree.node_of(UNASSIGNED_ID) if tree.has(UNASSIGNED_ID) else None
    rows = [(n, f) for n, f in rows
            if n != unassigned or any(f.get(c) for c in ("won", "pipeline", "won_count", "open_count"))]
    frame = pl.DataFrame(
        [{"id": tree.id_of(n), "name": tree.name_of(n), "parent_id": tree.nodes["parent_id"][n],
          "level": level, **{k: f.get(k) for k in (*FACT_COLUMNS, "win_rate", "win_rate_source",
                                                    "weighted_forecast", "target")}} for n, f in rows],
        schema=_ROW_SCHEMA)
    return _finish(frame)


def _rep_rows(data: SalesData, period: Period, facts: pl.DataFrame, rate: dict, members: set, scope) -> pl.DataFrame:
    by_node_rate = pl.DataFrame({"node": pl.Series(list(rate), dtype=pl.UInt32),
                                 "node_rate": pl.Series(list(rate.values()), dtype=pl.Float64)})
    per_rep = (facts.join(by_node_rate, on="node", how="left")
               .with_columns((pl.col("pipeline") * pl.col("node_rate")).alias("weighted_part"),
                             (pl.col("node_rate").is_null() & (pl.col("pipeline") != 0)).alias("rate_missing"))
               .group_by("rep").agg(*(pl.col(c).sum() for c in FACT_COLUMNS),
                                    pl.col("weighted_part").sum().alias("weighted_forecast"),
                                    pl.col("rate_missing").any()))
    # Reps who sit in a scoped territory show up even before their first deal (with their target).
    members_frame = data.members.filter(pl.col("node").is_in(list(members))) if scope is not None else data.reps
    rep_ids = set(per_rep["rep"].to_list()) | set(
        (members_frame["rep_id"] if scope is not None else
         data.reps.filter(pl.col("active").fill_null(True))["rep_id"]).to_list())
    targets = rep_targets(data, period)
    names = dict(zip(data.reps["rep_id"].to_list(), data.reps["name"].to_list()))
    figures = {row["rep"]: row for row in per_rep.iter_rows(named=True)}
    out = []
    for rep in rep_ids:
        f = figures.get(rep) or {**dict.fromkeys(FACT_COLUMNS, 0), "weighted_forecast": 0.0, "rate_missing": False}
        weighted = None if f["rate_missing"] else f["weighted_forecast"]
        out.append({"id": rep, "name": names.get(rep, rep) if rep is not None else UNASSIGNED_REP,
                    "parent_id": None, "level": "rep", **{c: f[c] for c in FACT_COLUMNS},
                    "weighted_forecast": weighted, "target": targets.get(rep) if rep is not None else None,
                    "win_rate": (weighted / f["pipeline"]) if weighted is not None and f["pipeline"] else None,
                    "win_rate_source": "blended"})
    return _finish(pl.DataFrame(out, schema=_ROW_SCHEMA))


_ROW_SCHEMA = {"id": pl.String, "name": pl.String, "parent_id": pl.String, "level": pl.String,
               "won": pl.Float64, "won_count": pl.Int64, "pipeline": pl.Float64, "open_count": pl.Int64,
               "probability_forecast": pl.Float64, "overdue_pipeline": pl.Float64, "win_rate": pl.Float64,
               "win_rate_source": pl.String, "weighted_forecast": pl.Float64, "target": pl.Float64}


def _weigh(pipeline: float, rate: float | None) -> float | None:
    """pipeline × win rate; no pipeline weighs nothing even without a rate, else no rate = unknown."""
    if not pipeline:
        return 0.0
    return None if rate is None else pipeline * rate


def _blend(pipelines: list[float], rates: list[float | None]) -> float | None:
    parts = [(p, r) for p, r in zip(pipelines, rates) if p]
    if any(r is None for _, r in parts):
        return None
    return float(sum(p * r for p, r in parts))


def _blended_rate(figures: dict) -> float | None:
    weighted, pipeline = figures.get("weighted_forecast"), figures.get("pipeline")
    return weighted / pipeline if weighted is not None and pipeline else None


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Derived columns, the contract's column order, and the row order."""
    target, won = pl.col("target"), pl.col("won")
    has_target = target.is_not_null() & (target != 0)
    frame = frame.with_columns(
        pl.when(has_target).then(won / target).alias("attainment"),
        (target - won).alias("gap"),
        (won + pl.col("weighted_forecast")).alias("projected"),
    ).with_columns(
        pl.when(has_target).then(pl.col("projected") / target).alias("projected_attainment"),
        pl.when(pl.col("gap") > 0).then(pl.col("pipeline") / pl.col("gap")).alias("coverage"),
    )
    return frame.select(*REPORT_COLUMNS, *ID_COLUMNS).sort(["won", "name"], descending=[True, False], nulls_last=True)


# --- derived views -------------------------------------------------------------------------------
def shares_table(store, period: Period, level: str = "region", scope: Iterable[str] | None = None,
                 settings: Settings | None = None, as_of: date | None = None) -> pl.DataFrame:
    """Each row's share of the won revenue of the compared rows: columns name, won, share, id.
    Shares are null when nothing was won in the period (there is nothing to share)."""
    table = attainment_table(store, period, level, scope, settings, as_of)
    total = table["won"].sum()
    return table.select("name", "won", (pl.col("won") / total if total else pl.lit(None, pl.Float64)).alias("share"),
                        "id")


KPI_METRICS = ("won", "target", "attainment", "gap", "pipeline", "weighted_forecast", "projected", "coverage")


def kpi_tiles(store, period: Period, scope: Iterable[str] | None = None, settings: Settings | None = None,
              as_of: date | None = None) -> pl.DataFrame:
    """The Overview tiles: for each of KPI_METRICS a row with columns metric, value, previous,
    last_year, change_previous, change_last_year (value − comparison; fractions stay fractions)."""
    scope = None if scope is None else list(scope)
    figures = [attainment_table(store, p, "company", scope, settings, as_of).row(0, named=True)
               for p in (period, period.previous(), period.last_year())]
    rows = []
    for metric in KPI_METRICS:
        now, prev, last = (f[metric] for f in figures)
        rows.append({"metric": metric, "value": now, "previous": prev, "last_year": last,
                     "change_previous": None if now is None or prev is None else now - prev,
                     "change_last_year": None if now is None or last is None else now - last})
    return pl.DataFrame(rows, schema={"metric": pl.String, **{c: pl.Float64 for c in (
        "value", "previous", "last_year", "change_previous", "change_last_year")}})


def win_rates(store, period: Period, settings: Settings | None = None) -> pl.DataFrame:
    """Win rate of every territory for `period` (trailing 12 months, parent borrowing): columns id,
    name, parent_id, depth, won_count, closed_count, own_rate, win_rate, win_rate_source."""
    settings = _settings(settings)
    data = _data(store, settings)
    rates = node_win_rates(data, period, settings.win_rate_min_closed)
    return (data.tree.nodes.select("node", pl.col("territory_id").alias("id"), "name", "parent_id", "depth")
            .join(rates, on="node").drop("node"))


def monthly_trend(store, period: Period, scope: Iterable[str] | None = None, rep_id: str | None = None,
                  months: int = 12, settings: Settings | None = None) -> pl.DataFrame:
    """Won revenue per month for the `months` months ending with the period's last month, within
    the scope (and for one rep when `rep_id` is given): columns month, won, won_count."""
    settings = _settings(settings)
    data = _data(store, settings)
    key = ("trend", period.end, months, None if scope is None else tuple(scope), rep_id)

    def compute() -> pl.DataFrame:
        from engine.metrics.facts import _months, _slice
        from engine.metrics.periods import add_months

        start = add_months(period.end, -months)
        if rep_id is None:  # whole months of the per-(node, rep, month) cube: no deal is touched
            cells = _months(data.closed_cube, start, period.end)
            if scope is not None:
                cells = cells.filter(pl.col("node").is_in(data.tree.scope_members(scope)))
            sums = cells.group_by("month").agg(pl.col("won").sum(), pl.col("won_count").sum()).with_columns(
                pl.date(pl.col("month") // 12, pl.col("month") % 12 + 1, 1).alias("month"))
        else:
            deals = _slice(data.closed, start, period.end).filter(pl.col("won") & (pl.col("rep") == rep_id))
            if scope is not None:
                deals = deals.filter(pl.col("node").is_in(data.tree.scope_members(scope)))
            sums = deals.group_by(pl.col("close_date").dt.month_start().alias("month")).agg(
                pl.col("amount").sum().alias("won"), pl.len().cast(pl.Int64).alias("won_count"))
        calendar = pl.DataFrame({"month": pl.date_range(start, add_months(period.end, -1), "1mo", eager=True)})
        return calendar.join(sums, on="month", how="left").with_columns(
            pl.col("won").fill_null(0.0), pl.col("won_count").fill_null(0)).sort("month")
    return data.cached(key, compute).clone()
