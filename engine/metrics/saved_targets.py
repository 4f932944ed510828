"""Saving a target plan: the monthly `targets` rows of the whole company or of one territory's
subtree, in one transaction, without leaving stale targets behind.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from engine.access.permissions import PermissionDenied, require
from engine.access.viewer_store import actor_of, base_store, viewer_of

from engine.metrics.periods import Period
from engine.metrics.targets import TargetPlanError, load_tree
from engine.store import Store


def save_targets(store: Store, frame: pl.DataFrame, *, replace_months: bool = False,
                 parts: pl.DataFrame | None = None) -> int:
    """Write `frame` (scope, scope_id, period_start, amount) into `targets` in one transaction.

    Rows upsert by (scope, scope_id, period_start). With `replace_months`, every stored target of
    the frame's months is deleted first, so a rep no longer in the plan keeps no stale target.
    `parts` (engine.metrics.target_parts.monthly_target_parts) are a rep's target per territory;
    they replace the stored parts of their reps and months. Returns the number of rows written.
    """
    missing = {"scope", "scope_id", "period_start", "amount"} - set(frame.columns)
    if missing:
        raise TargetPlanError(f"The targets to save lack the column(s) {', '.join(sorted(missing))}.",
                              hint="Save the frame returned by engine.metrics.targets.plan.")
    bad = frame.filter(~pl.col("scope").is_in(["company", "territory", "rep"]) | pl.col("amount").is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise TargetPlanError(f"Target row for {row['scope']} {row['scope_id']} is invalid "
                              f"(scope must be company/territory/rep and amount set).")
    viewer = viewer_of(store)
    require(viewer, "targets")
    if not viewer.sees_everything:
        raise PermissionDenied(f"{viewer.name} ({viewer.role}) may save targets of their own territories only, "
                               "not the whole company's.", hint="Pick your territory on the Targets page.")
    frame = _signed(store, frame.select("scope", "scope_id", pl.col("period_start").cast(pl.Date), "amount"))
    with store.transaction() as tx:
        if replace_months:
            for month in frame["period_start"].unique().to_list():
                tx.execute("DELETE FROM targets WHERE period_start = ?", [month])
                tx.execute("DELETE FROM target_parts WHERE period_start = ?", [month])
        written = tx.insert_frame("targets", frame, upsert=True)
        _save_parts(tx, frame, parts)
    return written


def _save_parts(tx, frame: pl.DataFrame, parts: pl.DataFrame | None, territories: list[str] | None = None) -> None:
    """Replace the parts of the frame's reps and months (within `territories` when given)."""
    reps = frame.filter(pl.col("scope") == "rep")["scope_id"].unique().to_list()
    for month in frame["period_start"].unique().to_list():
        tx.execute("DELETE FROM target_parts WHERE period_start = ? AND rep_id IN (SELECT unnest(?)) "
                   "AND (? IS NULL OR territory_id IN (SELECT unnest(?)))",
                   [month, reps, None if territories is None else 1, territories or []])
    if parts is not None:
        tx.insert_frame("target_parts", parts.select("rep_id", "territory_id", pl.col("period_start").cast(pl.Date),
                                                     "amount"))


def save_scoped_targets(store: Store, frame: pl.DataFrame, root: str, parts: pl.DataFrame | None = None) -> int:
    """Save the plan of one territory (`decompose(..., root=...)` then `monthly_targets`) without
    touching the rest of the company.

    For the plan's months, the targets of the territory and everything below it are replaced. A rep
    who also owns territories outside it keeps the part of their old target that belongs there (split
    evenly over the territories they own, as the metrics count it) plus their new part; with
    `parts`, their stored parts inside the territory are replaced and those outside it kept.
    Returns the number of rows written.
    """
    require(viewer_of(store), "targets", store=base_store(store), territories=[root])
    tree = load_tree(store)
    inside, stack = set(), [root]
    while stack:
        territory = stack.pop()
        inside.add(territory)
        stack.extend(tree.children(territory))
    owned: dict[str, list[str]] = {}
    for territory, reps in tree.owner_reps.items():
        for rep in reps:
            owned.setdefault(rep, []).append(territory)
    frame = frame.select("scope", "scope_id", pl.col("period_start").cast(pl.Date), "amount")
    months = frame["period_start"].unique().to_list()
    reps = frame.filter(pl.col("scope") == "rep")["scope_id"].unique().to_list()
    old = store.query("SELECT scope_id, period_start, amount FROM targets WHERE scope = 'rep' "
                      "AND scope_id IN (SELECT unnest(?)) AND period_start IN (SELECT unnest(?))", [reps, months])
    outside_part = {rep: sum(t not in inside for t in owned.get(rep, [])) / max(len(owned.get(rep, [])), 1)
                    for rep in reps}
    kept = (old.with_columns(pl.col("period_start").cast(pl.Date),
                             (pl.col("amount") * pl.col("scope_id").replace_strict(outside_part, default=0.0))
                             .alias("kept"))
            .select("scope_id", "period_start", "kept"))
    # Where the parts of a rep's month are stored, the part kept outside is exactly theirs.
    stored_outside = (store.query(
        "SELECT rep_id AS scope_id, period_start, sum(amount) FILTER (WHERE territory_id NOT IN (SELECT unnest(?))) "
        "AS stored, TRUE AS has_parts FROM target_parts WHERE rep_id IN (SELECT unnest(?)) AND period_start IN (SELECT unnest(?)) "
        "GROUP BY ALL", [sorted(inside), reps, months]).with_columns(pl.col("period_start").cast(pl.Date)))
    kept = (kept.join(stored_outside, on=["scope_id", "period_start"], how="left")
            .select("scope_id", "period_start",
                    pl.when(pl.col("has_parts").fill_null(False))
                    .then(pl.col("stored").fill_null(0.0)).otherwise(pl.col("kept")).alias("kept")))
    frame = (frame.join(kept, on=["scope_id", "period_start"], how="left")
             .with_columns(pl.when(pl.col("scope") == "rep").then((pl.col("amount") + pl.col("kept").fill_null(0.0))
                                                                  .round(2)).otherwise(pl.col("amount")).alias("amount"))
             .drop("kept"))
    frame = _signed(store, frame)
    with store.transaction() as tx:
        for month in months:
            tx.execute("DELETE FROM targets WHERE period_start = ? AND ((scope = 'territory' AND scope_id IN "
                       "(SELECT unnest(?))) OR (scope = 'rep' AND scope_id IN (SELECT unnest(?))))",
                       [month, sorted(inside), reps])
        written = tx.insert_frame("targets", frame, upsert=True)
        _save_parts(tx, frame, parts, sorted(inside))
    return written


def _signed(store: Store, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows with who saved them and when (DESIGN: every write records its actor)."""
    return frame.with_columns(pl.lit(actor_of(store)).alias("saved_by"),
                              pl.lit(datetime.now()).cast(pl.Datetime("us")).alias("saved_at"))


def saved_total(store: Store, period: Period) -> float | None:
    """The company target stored for `period` (None when none is saved), to prefill the planner."""
    value = store.scalar(
        "SELECT sum(amount) FROM targets WHERE scope = 'company' AND period_start >= ? AND period_start < ?",
        [period.start, period.end])
    return None if value is None else float(value)
