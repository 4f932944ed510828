"""A rep's target in each territory they sit in, and their attainment part by part.

`targets` keeps one row per rep and month (the sum). When a plan splits a territory's target to
its owners, the parts are kept in `target_parts` (rep, territory, month), so a rep in two
territories shows both parts and their sum. A month saved without parts (an import, the demo) is
split evenly over the territories the rep owns — the convention `save_scoped_targets` uses.
Won revenue is credited to the rep's part whose territory is the deal's territory or its nearest
ancestor; deals outside all of them form an "elsewhere" part, so the parts add up to the total.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from engine.metrics.facts import period_facts
from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.periods import Period
from engine.metrics.sales_data import sales_data
from engine.metrics.targets import split_cents
from engine.store import Store
from engine.store.settings import Settings, load_settings

PART_COLUMNS = ("rep_id", "rep", "territory_id", "territory", "row", "target", "won", "attainment", "gap")


def monthly_target_parts(nodes: pl.DataFrame, weights: pl.DataFrame) -> pl.DataFrame:
    """The `target_parts` rows of a plan (`decompose` nodes): each rep node split to months by
    `weights` exactly as `monthly_targets` splits it, so a rep's parts add up to their target to
    the cent. Columns rep_id, territory_id, period_start, amount."""
    months, month_weights = weights["period_start"].to_list(), weights["weight"].to_list()
    rows = []
    for rep, territory, amount in nodes.filter(pl.col("kind") == "rep").select(
            "scope_id", "parent_node", "amount").iter_rows():
        rows.extend((rep, territory, month, part) for month, part in zip(months, split_cents(amount, month_weights)))
    frame = pl.DataFrame(rows, schema={"rep_id": pl.String, "territory_id": pl.String, "period_start": pl.Date,
                                       "amount": pl.Float64}, orient="row")
    return frame.group_by("rep_id", "territory_id", "period_start").agg(pl.col("amount").sum().round(2)).sort(
        "rep_id", "territory_id", "period_start")


def rep_target_parts(store: Store, period: Period) -> pl.DataFrame:
    """Each rep's target of `period` per territory: `rep_id, territory_id, target` (territory null
    for a rep who owns no territory). Stored parts where the month has them, else an even split."""
    window = [period.start, period.end]
    totals = store.query("SELECT scope_id AS rep_id, period_start, amount FROM targets WHERE scope = 'rep' "
                         "AND period_start >= ? AND period_start < ?", window)
    stored = store.query("SELECT rep_id, territory_id, period_start, amount FROM target_parts "
                         "WHERE period_start >= ? AND period_start < ?", window)
    owned = store.query("SELECT m.rep_id, m.territory_id FROM territory_members m JOIN territories t USING (territory_id) "
                        "WHERE coalesce(m.role, 'owner') = 'owner'")
    owned = owned.with_columns(pl.len().over("rep_id").alias("_n"))
    unsplit = totals.join(stored.select("rep_id", "period_start").unique(), on=["rep_id", "period_start"], how="anti")
    even = (unsplit.join(owned, on="rep_id", how="left")
            .select("rep_id", "territory_id", "period_start",
                    (pl.col("amount") / pl.col("_n").fill_null(1)).alias("amount")))
    return (pl.concat([stored, even.select(stored.columns)]).group_by("rep_id", "territory_id")
            .agg(pl.col("amount").sum().round(2).alias("target")).sort("rep_id", "territory_id", nulls_last=True))


def rep_attainment_parts(store: Store, period: Period, scope: Iterable[str] | None = None,
                         settings: Settings | None = None, as_of: date | None = None,
                         only_split: bool = False) -> pl.DataFrame:
    """Per rep: one `part` row per territory (target part, won there), an `elsewhere` part for won
    deals outside them, and a `total` row equal to the rep's row of `attainment_table`. Columns
    rep_id, rep, territory_id, territory, row (part/total), target, won, attainment, gap.
    `only_split` keeps the reps who carry a target in more than one territory."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    totals = attainment_table(store, period, "rep", scope, settings, as_of).filter(pl.col("id").is_not_null())
    parts = rep_target_parts(store, period).filter(pl.col("rep_id").is_in(totals["id"].implode()))
    tree = data.tree
    part_of: dict[str, list[str]] = {}
    for rep, territory in parts.select("rep_id", "territory_id").iter_rows():
        if territory is not None and tree.has(territory):
            part_of.setdefault(rep, []).append(territory)
    won: dict[tuple[str, str | None], float] = {}
    for node, rep, amount in period_facts(data, period, as_of).filter(pl.col("won") != 0).select(
            "node", "rep", "won").iter_rows():
        own = set(part_of.get(rep, ()))
        home = next((tree.id_of(n) for n in reversed(tree.path(node)) if tree.id_of(n) in own), None)
        won[(rep, home)] = won.get((rep, home), 0.0) + amount
    names = dict(totals.select("id", "name").iter_rows())
    rows = []
    for rep, territory, target in parts.iter_rows():
        rows.append((rep, territory, "part", target, won.pop((rep, territory), 0.0)))
    for (rep, territory), amount in won.items():  # won outside every part (or in a part without target)
        if rep in names:
            rows.append((rep, territory, "part", None, amount))
    for rep, target, total_won in totals.select("id", "target", "won").iter_rows():
        rows.append((rep, None, "total", target, total_won))
    territory_names = dict(zip(tree.nodes["territory_id"], tree.nodes["name"]))
    frame = pl.DataFrame(rows, schema={"rep_id": pl.String, "territory_id": pl.String, "row": pl.String,
                                       "target": pl.Float64, "won": pl.Float64}, orient="row")
    frame = frame.group_by("rep_id", "territory_id", "row").agg(
        pl.when(pl.col("target").is_not_null().any()).then(pl.col("target").sum()), pl.col("won").sum())
    has_target = pl.col("target").is_not_null() & (pl.col("target") != 0)
    frame = frame.with_columns(
        pl.col("rep_id").replace_strict(names, default=None, return_dtype=pl.String).alias("rep"),
        pl.col("territory_id").replace_strict(territory_names, default=None, return_dtype=pl.String).alias("territory"),
        pl.when(has_target).then(pl.col("won") / pl.col("target")).alias("attainment"),
        (pl.col("target") - pl.col("won")).alias("gap"))
    if only_split:
        split = frame.filter((pl.col("row") == "part") & pl.col("target").is_not_null()).group_by("rep_id").len()
        frame = frame.filter(pl.col("rep_id").is_in(split.filter(pl.col("len") > 1)["rep_id"].implode()))
    return frame.select(PART_COLUMNS).sort(
        "rep", "rep_id", pl.col("row") == "total", "territory", nulls_last=True)
