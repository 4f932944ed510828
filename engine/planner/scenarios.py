"""Saved what-if scenarios: save, list, load, compare, apply to the live assignment, undo.

A scenario stores the *resolved* outcome of a plan — for every account it changes, the territory
and rep it goes to (`scenario_moves`) — plus the planner's moves as JSON for the record. Applying
one is a single transaction that updates accounts and their open deals and writes one
`assignment_log` row per account (reason `scenario:<id>`), so it can be undone exactly from the log.
"""
from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import polars as pl

from engine.store.errors import NotFoundError, TerrainError
from engine.access.viewer_store import recorded_actor
from engine.store import Store
from engine.planner.plan import Plan, before_after
from engine.planner.indices import balance_indices
from engine.planner.baseline import Baseline

MOVES_JSON_MAX_IDS = 1000  # longer account lists are recorded as a count, the accounts are in scenario_moves


class ScenarioError(TerrainError):
    title = "The scenario could not be used"


def _now() -> datetime:
    return datetime.now()


def _scenario(store: Store, scenario_id: str) -> dict:
    frame = store.query("SELECT * FROM scenarios WHERE scenario_id = ?", [scenario_id])
    if frame.is_empty():
        raise NotFoundError(f"There is no scenario '{scenario_id}'.",
                            hint="List the saved scenarios with `python -m engine scenario list`.")
    return frame.row(0, named=True)


def _moves_record(plan: Plan) -> str:
    moves = []
    for move in plan.moves:
        spec = move.to_dict()
        if len(spec.get("accounts", ())) > MOVES_JSON_MAX_IDS:
            spec["accounts"] = f"{len(spec['accounts'])} accounts"
        moves.append(spec)
    return json.dumps(moves, ensure_ascii=False)


def save_scenario(store: Store, plan: Plan, name: str, *, author: str | None = None,
                  note: str | None = None) -> str:
    """Save the plan's account-level outcome under a new id (S0001, S0002 …) and return the id.
    The author is the signed-in user of a viewer-bound store (`author` only names a bare store's)."""
    author = recorded_actor(store, author, "scenarios")
    name = (name or "").strip()
    if not name:
        raise ScenarioError("A scenario needs a name.", hint="Give it a name such as 'FY26 West split'.")
    changes = plan.changes()
    if changes.is_empty():
        raise ScenarioError(f"Scenario '{name}' would change nothing.", hint="Move some accounts first.")
    with store.transaction(data_changed=False) as tx:  # a plan on paper: the live data is unchanged
        if tx.scalar("SELECT count(*) FROM scenarios WHERE lower(name) = lower(?)", [name]):
            raise ScenarioError(f"A scenario named '{name}' already exists.", hint="Choose another name or delete the old one.")
        last = tx.scalar("SELECT max(TRY_CAST(substr(scenario_id, 2) AS INTEGER)) FROM scenarios "
                         "WHERE scenario_id LIKE 'S%'") or 0
        scenario_id = f"S{last + 1:04d}"
        tx.insert_frame("scenarios", pl.DataFrame([{
            "scenario_id": scenario_id, "name": name, "author": author, "created_at": _now(), "note": note,
            "moves_json": _moves_record(plan)}]))
        tx.insert_frame("scenario_moves", changes.select(
            pl.lit(scenario_id).alias("scenario_id"), "account_id",
            pl.col("to_territory_id"), pl.col("to_rep_id")))
    return scenario_id


def list_scenarios(store: Store) -> pl.DataFrame:
    """`scenario_id, name, author, created_at, note, accounts, status, applied_at, applied_by`,
    newest first; status is draft, applied or undone."""
    scenarios = store.table("scenarios")
    counts = store.table("scenario_moves", ["scenario_id"]).group_by("scenario_id").agg(pl.len().alias("accounts"))
    return scenarios.join(counts, on="scenario_id", how="left").with_columns(
        accounts=pl.col("accounts").fill_null(0),
        status=pl.when(pl.col("applied_at").is_not_null()).then(pl.lit("applied"))
        .when(pl.col("undone_at").is_not_null()).then(pl.lit("undone")).otherwise(pl.lit("draft")),
    ).select("scenario_id", "name", "author", "created_at", "note", "accounts", "status", "applied_at",
             "applied_by").sort(["created_at", "scenario_id"], descending=True)


def scenario_info(store: Store, scenario_id: str) -> dict:
    """The scenario's row (`scenario_id, name, author, created_at, note, moves_json, applied_at, …`)."""
    return _scenario(store, scenario_id)


def scenario_moves(store: Store, scenario_id: str) -> pl.DataFrame:
    """`account_id, to_territory_id, to_rep_id` of every account the scenario changes."""
    _scenario(store, scenario_id)
    return store.query("SELECT account_id, to_territory_id, to_rep_id FROM scenario_moves "
                       "WHERE scenario_id = ? ORDER BY account_id", [scenario_id])


def delete_scenario(store: Store, scenario_id: str) -> None:
    """Delete a scenario and its moves (an applied one stays in `assignment_log`)."""
    recorded_actor(store, None, "scenarios")
    _scenario(store, scenario_id)
    with store.transaction(data_changed=False) as tx:
        tx.execute("DELETE FROM scenario_moves WHERE scenario_id = ?", [scenario_id])
        tx.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])


def load_plan(store: Store, baseline: Baseline, scenario_id: str) -> Plan:
    """The scenario as a Plan on `baseline` (one move per target territory and rep), ready to edit."""
    moves = scenario_moves(store, scenario_id)
    positions, unknown = baseline.indices_of(moves["account_id"].to_list())
    if unknown:
        raise ScenarioError(f"Scenario {scenario_id} moves {len(unknown)} account(s) that no longer exist: "
                            f"{', '.join(unknown[:5])}.", hint="Delete the scenario or re-import the accounts.")
    t_codes = [baseline.n_territories if t is None else baseline.territory_index[t] for t in moves["to_territory_id"]]
    r_codes = [baseline.n_reps if r is None else baseline.rep_index[r] for r in moves["to_rep_id"]]
    plan = Plan(baseline)
    plan.assign(positions, np.array(t_codes, dtype=np.int32), np.array(r_codes, dtype=np.int32),
                label=f"scenario {scenario_id}")
    return plan


def diff_against_live(store: Store, scenario_id: str) -> pl.DataFrame:
    """Accounts whose live assignment differs from the scenario's: `account_id, live_territory_id,
    scenario_territory_id, live_rep_id, scenario_rep_id`. Empty right after applying it."""
    moves = scenario_moves(store, scenario_id)
    live = store.table("accounts", ["account_id", "territory_id", "owner_rep_id"])
    joined = moves.join(live, on="account_id", how="left")
    return joined.filter(pl.col("territory_id").ne_missing(pl.col("to_territory_id"))
                         | pl.col("owner_rep_id").ne_missing(pl.col("to_rep_id"))).select(
        "account_id", pl.col("territory_id").alias("live_territory_id"),
        pl.col("to_territory_id").alias("scenario_territory_id"),
        pl.col("owner_rep_id").alias("live_rep_id"), pl.col("to_rep_id").alias("scenario_rep_id"))


_FOLLOW_ACCOUNTS = (  # open deals follow their account's territory and owner
    "UPDATE deals SET territory_id = a.territory_id, owner_rep_id = a.owner_rep_id FROM accounts a "
    "WHERE deals.account_id = a.account_id AND deals.status = 'open' AND a.account_id IN "
    "(SELECT account_id FROM assignment_log WHERE reason = ? AND ts = ?)")


def apply_scenario(store: Store, scenario_id: str, *, actor: str | None = None) -> int:
    """Make the scenario the live assignment in one transaction; returns the accounts changed.
    Each changed account gets one `assignment_log` row (reason `scenario:<id>`, actor: the
    signed-in user of a viewer-bound store, else `actor`)."""
    actor = recorded_actor(store, actor, "scenarios")
    info = _scenario(store, scenario_id)
    if info["applied_at"] is not None:
        raise ScenarioError(f"Scenario {scenario_id} was already applied on {info['applied_at']:%Y-%m-%d %H:%M}.",
                            hint="Undo it first to apply it again.")
    moves = scenario_moves(store, scenario_id)
    live = store.table("accounts", ["account_id", "territory_id", "owner_rep_id"])
    missing = moves.join(live, on="account_id", how="anti")["account_id"].to_list()
    if missing:
        raise ScenarioError(f"Scenario {scenario_id} moves {len(missing)} account(s) that no longer exist: "
                            f"{', '.join(missing[:5])}.", hint="Delete the scenario and plan again.")
    now, reason = _now(), f"scenario:{scenario_id}"
    log = moves.join(live, on="account_id").filter(
        pl.col("territory_id").ne_missing(pl.col("to_territory_id"))
        | pl.col("owner_rep_id").ne_missing(pl.col("to_rep_id"))).select(
        pl.lit(now).alias("ts"), "account_id", pl.col("territory_id").alias("from_territory"),
        pl.col("to_territory_id").alias("to_territory"), pl.col("owner_rep_id").alias("from_rep"),
        pl.col("to_rep_id").alias("to_rep"), pl.lit(reason).alias("reason"), pl.lit(actor).alias("actor"))
    with store.transaction() as tx:
        _reassign(tx, log, reason, now)
        tx.execute("UPDATE scenarios SET applied_at = ?, applied_by = ?, undone_at = NULL WHERE scenario_id = ?",
                   [now, actor, scenario_id])
    return log.height


def _reassign(tx, log: pl.DataFrame, reason: str, now) -> None:
    """Log each account's change, give it its new territory and owner, and let its open deals follow
    (the one way ownership changes, for applying and for undoing alike)."""
    tx.insert_frame("assignment_log", log)
    tx.execute("UPDATE accounts SET territory_id = l.to_territory, owner_rep_id = l.to_rep "
               "FROM assignment_log l WHERE l.reason = ? AND l.ts = ? AND accounts.account_id = l.account_id",
               [reason, now])
    tx.execute(_FOLLOW_ACCOUNTS, [reason, now])


def undo_scenario(store: Store, scenario_id: str, *, actor: str | None = None) -> int:
    """Put back the assignment an applied scenario replaced, from `assignment_log`; refused when an
    account was reassigned again since (that change would be lost). Returns the accounts restored."""
    actor = recorded_actor(store, actor, "scenarios")
    info = _scenario(store, scenario_id)
    if info["applied_at"] is None:
        raise ScenarioError(f"Scenario {scenario_id} is not applied, so there is nothing to undo.")
    log = store.query("SELECT * FROM assignment_log WHERE reason = ? AND ts = ?",
                      [f"scenario:{scenario_id}", info["applied_at"]])
    live = store.table("accounts", ["account_id", "territory_id", "owner_rep_id"])
    changed = log.join(live, on="account_id", how="left").filter(
        pl.col("territory_id").ne_missing(pl.col("to_territory")) | pl.col("owner_rep_id").ne_missing(pl.col("to_rep")))
    if not changed.is_empty():
        raise ScenarioError(
            f"{changed.height} account(s) were reassigned after scenario {scenario_id} was applied "
            f"(e.g. {', '.join(changed['account_id'].head(5).to_list())}); undoing would overwrite that.",
            hint="Reassign those accounts by hand, or save the current assignment as a new scenario.")
    now, reason = _now(), f"undo scenario:{scenario_id}"
    back = log.select(pl.lit(now).alias("ts"), "account_id", pl.col("to_territory").alias("from_territory"),
                      pl.col("from_territory").alias("to_territory"), pl.col("to_rep").alias("from_rep"),
                      pl.col("from_rep").alias("to_rep"), pl.lit(reason).alias("reason"), pl.lit(actor).alias("actor"))
    with store.transaction() as tx:
        _reassign(tx, back, reason, now)
        tx.execute("UPDATE scenarios SET applied_at = NULL, undone_at = ? WHERE scenario_id = ?", [now, scenario_id])
    return back.height


def _company_figures(plan: Plan) -> dict:
    rows = before_after(plan).filter(pl.col("plannable"))
    out = {"accounts_moved": int(plan.changed_positions().size)}
    for figure in ("accounts", "won", "pipeline", "potential", "visit_hours"):
        indices = balance_indices(rows[f"{figure}_after"].cast(pl.Float64).to_numpy())
        out.update({f"{figure}_{k}": v for k, v in indices.items()})
    km = plan.distance_km[~np.isnan(plan.distance_km)]
    out["travel_km_mean"] = float(km.mean()) if km.size else None
    out["travel_km_max"] = float(km.max()) if km.size else None
    out["mileage_cost"] = float(rows["mileage_cost_after"].sum())
    return out


def compare_scenarios(store: Store, baseline: Baseline, scenario_ids: list[str]) -> pl.DataFrame:
    """Scenario × metric matrix, the live assignment first: `scenario_id, name, accounts_moved`, then
    `<figure>_cv / _max_min_ratio / _gini` for accounts, won, pipeline, potential, visit_hours,
    and `travel_km_mean, travel_km_max, mileage_cost` over the plannable territories."""
    rows = [{"scenario_id": None, "name": "Live assignment", **_company_figures(Plan(baseline))}]
    for scenario_id in scenario_ids:
        info = _scenario(store, scenario_id)
        rows.append({"scenario_id": scenario_id, "name": info["name"],
                     **_company_figures(load_plan(store, baseline, scenario_id))})
    return pl.DataFrame(rows)


def compare_accounts(store: Store, baseline: Baseline, scenario_ids: list[str]) -> pl.DataFrame:
    """Account-level diff of several scenarios: `account_id, name, live_territory_id, live_rep_id`,
    then `<scenario_id>_territory_id, <scenario_id>_rep_id` for each; only accounts some scenario moves."""
    live = baseline.accounts.select("account_id", "name", pl.col("territory_id").alias("live_territory_id"),
                                    pl.col("owner_rep_id").alias("live_rep_id"))
    moved = pl.DataFrame(schema={"account_id": pl.String})
    for scenario_id in scenario_ids:
        moved = pl.concat([moved, scenario_moves(store, scenario_id).select("account_id")])
    out = live.join(moved.unique(), on="account_id", how="semi")
    for scenario_id in scenario_ids:
        moves = scenario_moves(store, scenario_id).with_columns(_moved=pl.lit(True))
        out = out.join(moves, on="account_id", how="left").with_columns(
            pl.when(pl.col("_moved")).then(pl.col("to_territory_id")).otherwise(pl.col("live_territory_id"))
            .alias(f"{scenario_id}_territory_id"),
            pl.when(pl.col("_moved")).then(pl.col("to_rep_id")).otherwise(pl.col("live_rep_id"))
            .alias(f"{scenario_id}_rep_id")).drop("to_territory_id", "to_rep_id", "_moved")
    return out.sort("account_id")
