"""Auto-balance on the planner's own objects: it reads a what-if `Plan` and writes its moves back
into one, so before/after, undo, scenarios and CRM exports work on a balanced plan like on any other.

The balance starts from the plan's *current* assignment, so a planner can move a few accounts by
hand, lock them, and let the optimizer redraw the rest. Only plannable territories (leaves of the
territory tree, or any territory holding accounts) take part; each is anchored at its owner rep's
home base, or at its accounts' centroid when the rep's home is unknown.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from engine.planner.balance.auto import (TRADEOFF_TOLERANCES, BalanceError, BalanceInput, BalanceRequest, BalanceResult,
                                         Progress, auto_balance, tradeoff_curve)
from engine.store.errors import NotFoundError
from engine.planner.plan import Plan, territory_code_of
from engine.planner.baseline import Baseline

_ACCOUNT_COLUMNS = ("account_id", "country", "state", "city", "postal_code", "lat", "lon",
                    "won", "pipeline", "potential", "activities", "visit_hours")


def balance_input(plan: Plan) -> BalanceInput:
    """The plan's accounts with their current territory, and the plannable territories' home bases."""
    base = plan.baseline
    t_ids = base.territories["territory_id"].append(pl.Series([None], dtype=pl.String))
    accounts = base.accounts.select(_ACCOUNT_COLUMNS).with_columns(
        territory_id=t_ids.gather(plan.territory_code))
    owners = base.territory_owner[:-1]
    home_lat = base.rep_home_lat[owners]
    home_lon = base.rep_home_lon[owners]
    territories = base.territories.select("territory_id", "plannable").with_columns(
        home_lat=pl.Series(home_lat).fill_nan(None), home_lon=pl.Series(home_lon).fill_nan(None))
    centroids = accounts.group_by("territory_id").agg(pl.col("lat").mean().alias("c_lat"),
                                                      pl.col("lon").mean().alias("c_lon"))
    homes = (territories.filter(pl.col("plannable"))
             .join(centroids, on="territory_id", how="left")
             .select("territory_id", pl.coalesce("home_lat", "c_lat").alias("home_lat"),
                     pl.coalesce("home_lon", "c_lon").alias("home_lon"))
             .drop_nulls()  # a territory with neither a home nor an account cannot be placed on the map
             .sort("territory_id"))
    return BalanceInput(accounts, homes)


def resolve_locks(baseline: Baseline, items: list[str] | tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Split lock items into (territory ids, account ids): a territory id or name, else an account id."""
    territories: set[str] = set()
    accounts: set[str] = set()
    ids = baseline.territories["territory_id"]
    for item in items:
        try:
            territories.add(ids[territory_code_of(baseline, item)])
            continue
        except NotFoundError:
            pass
        positions, unknown = baseline.indices_of([item])
        if unknown:
            raise NotFoundError(f"'{item}' to lock is neither a territory nor an account.",
                                hint="Give a territory id or name, or an account's CRM record id.")
        accounts.add(baseline.accounts["account_id"][int(positions[0])])
    return frozenset(territories), frozenset(accounts)


def scope_territories(baseline: Baseline, key: str) -> frozenset[str]:
    """The plannable territories at or below territory `key` (id or name): the ones a balance
    "within EMEA" redraws."""
    territories = baseline.territories
    root = territories["territory_id"][territory_code_of(baseline, key)]
    children: dict[str, list[str]] = {}
    for territory, parent in territories.select("territory_id", "parent_id").iter_rows():
        children.setdefault(parent, []).append(territory)
    found, stack = set(), [root]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, []))
    plannable = set(territories.filter(pl.col("plannable"))["territory_id"].to_list())
    return frozenset(found & plannable)


def balance_plan(plan: Plan, request: BalanceRequest, on_step: Progress | None = None) -> BalanceResult:
    """Auto-balance the plan's current assignment (the plan itself is not changed)."""
    data = balance_input(plan)
    if data.homes.height < 2:
        raise BalanceError("Fewer than two territories can be placed on the map.",
                           hint="Give territories an owner rep with a home base, or accounts with coordinates.")
    return auto_balance(data, request, on_step)


def plan_tradeoff(plan: Plan, request: BalanceRequest, tolerances: tuple[float, ...] = TRADEOFF_TOLERANCES,
                  on_step: Progress | None = None, raise_when_none: bool = False):
    """`engine.planner.balance.auto.tradeoff_curve` on the plan's current assignment: (curve, plans by tolerance)."""
    return tradeoff_curve(balance_input(plan), request, tolerances, on_step, raise_when_none)


def default_scope(baseline: Baseline) -> str | None:
    """Where the planner's auto-balance redraws unless told otherwise: the region (a child of the
    top of the tree) with the most accounts among those holding at least two plannable
    territories. Balancing the whole world at once rarely works — a territory with no neighbour
    to trade accounts with (an ocean away) cannot reach the mean — and costs the most time."""
    territories = baseline.territories
    roots = territories.filter(pl.col("parent_id").is_null())["territory_id"].to_list()
    regions = territories.filter(pl.col("parent_id").is_in(roots) & ~pl.col("plannable"))["territory_id"].to_list()
    counts = np.bincount(np.asarray(baseline.territory_code), minlength=territories.height + 1)
    best, best_accounts = None, 0
    for region in sorted(regions):
        members = scope_territories(baseline, region)
        accounts = int(sum(counts[baseline.territory_index[t]] for t in members))
        if len(members) >= 2 and accounts > best_accounts:
            best, best_accounts = region, accounts
    return best


def apply_result(plan: Plan, result: BalanceResult) -> int:
    """Apply a balance result to the plan as one undoable step; each moved account goes to its new
    territory's owner rep (or keeps its rep when the territory has none). Returns accounts changed."""
    base = plan.baseline
    if result.moves.is_empty():
        return 0
    positions, unknown = base.indices_of(result.moves["account_id"].to_list())
    if unknown:
        raise BalanceError(f"The balance moves {len(unknown)} account(s) this plan does not know.",
                           hint="Run the auto-balance again on the current data.")
    codes = np.array([base.territory_index[t] for t in result.moves["to_territory_id"].to_list()], dtype=np.int32)
    return plan.assign(positions, codes, label=f"auto-balance ±{result.request.tolerance:.0%}")

