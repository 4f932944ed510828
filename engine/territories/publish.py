"""Publishing a rule run: simulate on the live data, apply it in one transaction, undo the last one,
and route the accounts an import left without a territory.

Applying writes one `assignment_log` row per changed account whose reason names the deciding rule
(`rule:R0007`), gives the account its new territory and owner, moves the open deals (they follow
their account unless a deal rule sends them elsewhere; each moved deal is kept in
`assignment_run_deals`), and records the run in `assignment_runs`. Re-simulating right after shows
no change, because the run is a function of the accounts' fields, not of where they were.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from engine.store import Session, Store
from engine.store.errors import TerrainError
from engine.territories.assignment import Simulation, simulate
from engine.territories.hierarchy import build_hierarchy
from engine.territories.rules import RuleSet, load_rules, rule_set
from engine.territories.guard import checked_actor

_ACCOUNT_COLUMNS = ("account_id", "name", "industry", "segment", "annual_revenue", "employees", "country", "state",
                    "city", "postal_code", "website", "owner_rep_id", "territory_id", "parent_account_id", "source",
                    "lat", "lon")
_DEAL_COLUMNS = ("deal_id", "account_id", "name", "amount", "amount_rc", "currency", "stage", "status",
                 "probability", "forecast_category", "product_line", "close_date", "owner_rep_id", "territory_id")

# What the simulation reads whatever the rules (the rules add the fields they test).
_SIMULATED_ACCOUNT = ("account_id", "name", "territory_id", "owner_rep_id")
_SIMULATED_DEAL = ("deal_id", "account_id", "name", "amount_rc", "status", "close_date", "owner_rep_id",
                   "territory_id")


class AssignmentError(TerrainError):
    title = "The assignment could not be changed"


@dataclass(frozen=True)
class Applied:
    """A run applied (or undone): its id (None when it changed nothing), what it changed, and the
    orphans and ties it left (0 for an undo)."""

    run_id: str | None
    accounts_changed: int
    deals_changed: int
    orphans: int = 0
    ties: int = 0


def live_inputs(session: Session, rules: RuleSet | None = None
                ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """accounts, deals and territories as the simulation reads them. A territory's owner rep is
    its `owner_rep_id`, else its member with the role owner (the first by rep id). Given the
    `rules`, only the columns the simulation and those rules read are loaded (half the columns of
    a million accounts and deals, half the reading)."""
    members = (session.table("territory_members", ["territory_id", "rep_id", "role"])
               .filter(pl.col("role") == "owner").sort("territory_id", "rep_id")
               .group_by("territory_id", maintain_order=True).agg(pl.col("rep_id").first().alias("_member")))
    territories = (session.table("territories", ["territory_id", "name", "parent_id", "type", "owner_rep_id"])
                   .join(members, on="territory_id", how="left", maintain_order="left")
                   .with_columns(pl.coalesce("owner_rep_id", "_member").alias("owner_rep_id")).drop("_member"))
    account_columns, deal_columns = _ACCOUNT_COLUMNS, _DEAL_COLUMNS
    if rules is not None:
        read = rules.columns_read()
        account_columns = tuple(c for c in _ACCOUNT_COLUMNS if c in _SIMULATED_ACCOUNT or c in read["accounts"])
        deal_columns = tuple(c for c in _DEAL_COLUMNS if c in _SIMULATED_DEAL or c in read["deals"])
    return (session.table("accounts", list(account_columns)), session.table("deals", list(deal_columns)),
            territories)


def territory_names(session: Session) -> pl.DataFrame:
    """territory_id, name, parent_id, is_region (a child of the company) of every territory, by name."""
    territories = session.table("territories", ["territory_id", "name", "parent_id"])
    if territories.is_empty():
        return territories.with_columns(is_region=pl.lit(False))
    tree = build_hierarchy(territories)
    regions = [tree.id_of(n) for n in tree.regions()]
    return territories.with_columns(is_region=pl.col("territory_id").is_in(regions)).sort("name", "territory_id")


def live_rule_set(session: Session, rules: pl.DataFrame | None = None) -> RuleSet:
    """The stored rules (or `rules`), checked and compiled against the stored territories."""
    territories = session.table("territories", ["territory_id", "name"])
    return rule_set(load_rules(session) if rules is None else rules, territories)


def simulate_live(store: Session, rules: pl.DataFrame | None = None, *, as_of: date | None = None) -> Simulation:
    """The simulation of the stored rules (or of `rules`) on the live accounts and deals."""
    compiled = live_rule_set(store, rules)
    accounts, deals, territories = live_inputs(store, compiled)
    return simulate(accounts, deals, territories, compiled, as_of=as_of)


def apply_rules(store: Store, rules: pl.DataFrame | None = None, *, actor: str | None = None,
                accounts_filter: pl.Expr | None = None) -> Applied:
    """Simulate and apply in one transaction. `accounts_filter` limits the run to some accounts
    (import routing: those without a territory). Returns what changed (0 and no run when nothing)."""
    actor = checked_actor(store, actor, "rules")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        compiled = live_rule_set(tx, rules)
        accounts, deals, territories = live_inputs(tx, compiled)
        if accounts_filter is not None:
            accounts = accounts.filter(accounts_filter)
            deals = deals.join(accounts.select("account_id"), on="account_id", how="semi")
        run = simulate(accounts, deals, territories, compiled)
        left = {"orphans": run.orphans.height, "ties": run.ties.height}
        if run.changes.is_empty() and run.deals.is_empty():
            return Applied(None, 0, 0, **left)
        now = datetime.now()
        last = tx.scalar("SELECT max(TRY_CAST(substr(run_id, 2) AS INTEGER)) FROM assignment_runs") or 0
        run_id = f"A{last + 1:05d}"
        log = run.changes.select(
            pl.lit(now).alias("ts"), "account_id", "from_territory", "to_territory", "from_rep", "to_rep",
            pl.concat_str(pl.lit("rule:"), "rule_id").alias("reason"), pl.lit(actor, dtype=pl.String).alias("actor"))
        tx.insert_frame("assignment_log", log)
        tx.upsert_frame("accounts", run.changes.select("account_id", pl.col("to_territory").alias("territory_id"),
                                                       pl.col("to_rep").alias("owner_rep_id")), ["account_id"])
        moved = run.deals.select(
            pl.lit(run_id).alias("run_id"), "deal_id", pl.col("territory_before").alias("from_territory"),
            pl.col("territory_after").alias("to_territory"), pl.col("rep_before").alias("from_rep"),
            pl.col("rep_after").alias("to_rep"),
            pl.when(pl.col("rule_id").is_not_null()).then(pl.concat_str(pl.lit("rule:"), "rule_id"))
            .otherwise(pl.lit("follows account")).alias("reason"))
        tx.insert_frame("assignment_run_deals", moved)
        tx.upsert_frame("deals", moved.select("deal_id", pl.col("to_territory").alias("territory_id"),
                                              pl.col("to_rep").alias("owner_rep_id")), ["deal_id"])
        tx.insert_frame("assignment_runs", pl.DataFrame([{
            "run_id": run_id, "ts": now, "actor": actor, "accounts_changed": log.height,
            "deals_changed": moved.height}]))
    return Applied(run_id, log.height, moved.height, **left)


def last_run(session: Session) -> dict | None:
    """The latest applied run that is not undone: run_id, ts, actor, accounts_changed, deals_changed."""
    frame = session.query("SELECT run_id, ts, actor, accounts_changed, deals_changed FROM assignment_runs "
                          "WHERE undone_at IS NULL ORDER BY ts DESC, run_id DESC LIMIT 1")
    return frame.row(0, named=True) if frame.height else None


def undo_last(store: Store, *, actor: str | None = None) -> Applied:
    """Put back what the last applied run changed (accounts from `assignment_log`, deals from
    `assignment_run_deals`), logged as `undo rule:<id>`. Refused when an account or deal it changed
    was reassigned since: undoing would silently overwrite that."""
    actor = checked_actor(store, actor, "rules")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        run = last_run(tx)
        if run is None:
            raise AssignmentError("No rule run is left to undo.", hint="Apply the rules first.")
        log = tx.query("SELECT * FROM assignment_log WHERE ts = ? AND reason LIKE 'rule:%'", [run["ts"]])
        deals = tx.query("SELECT * FROM assignment_run_deals WHERE run_id = ?", [run["run_id"]])
        live = tx.table("accounts", ["account_id", "territory_id", "owner_rep_id"])
        drifted = log.join(live, on="account_id", how="left").filter(
            pl.col("territory_id").ne_missing(pl.col("to_territory")) | pl.col("owner_rep_id").ne_missing(pl.col("to_rep")))
        live_deals = tx.table("deals", ["deal_id", "territory_id", "owner_rep_id"])
        drifted_deals = deals.join(live_deals, on="deal_id", how="left").filter(
            pl.col("territory_id").ne_missing(pl.col("to_territory")) | pl.col("owner_rep_id").ne_missing(pl.col("to_rep")))
        if drifted.height or drifted_deals.height:
            sample = (drifted["account_id"].head(5).to_list() + drifted_deals["deal_id"].head(5).to_list())[:5]
            raise AssignmentError(
                f"{drifted.height} account(s) and {drifted_deals.height} deal(s) were reassigned after run "
                f"{run['run_id']} (e.g. {', '.join(sample)}); undoing it would overwrite that.",
                hint="Reassign them by hand, or apply the rules again.")
        now = datetime.now()
        tx.insert_frame("assignment_log", log.select(
            pl.lit(now).alias("ts"), "account_id", pl.col("to_territory").alias("from_territory"),
            pl.col("from_territory").alias("to_territory"), pl.col("to_rep").alias("from_rep"),
            pl.col("from_rep").alias("to_rep"), pl.concat_str(pl.lit("undo "), "reason").alias("reason"),
            pl.lit(actor, dtype=pl.String).alias("actor")))
        tx.upsert_frame("accounts", log.select("account_id", pl.col("from_territory").alias("territory_id"),
                                               pl.col("from_rep").alias("owner_rep_id")), ["account_id"])
        tx.upsert_frame("deals", deals.select("deal_id", pl.col("from_territory").alias("territory_id"),
                                              pl.col("from_rep").alias("owner_rep_id")), ["deal_id"])
        tx.execute("UPDATE assignment_runs SET undone_at = ?, undone_by = ? WHERE run_id = ?",
                   [now, actor, run["run_id"]])
    return Applied(run["run_id"], log.height, deals.height)


@dataclass(frozen=True)
class Routed:
    """What import routing did: accounts `routed` to a territory, `orphans` no rule matched."""

    routed: int
    orphans: int
    run_id: str | None


def route_accounts(store: Store, account_ids: list[str] | pl.Series | None = None, *, keep_crm_territory: bool = True,
                   actor: str = "import") -> Routed:
    """Assign accounts by the active rules after an import: those without a territory, or with
    `keep_crm_territory=False` every account in `account_ids` (the CRM's territory is replaced).
    Nothing happens without rules (Routed(0, 0, None)). An import passes its ids as a Series: a
    million of them never become Python strings."""
    if not store.scalar("SELECT count(*) FROM territory_rules WHERE active AND kind <> 'deal'"):
        return Routed(0, 0, None)
    chosen = pl.col("territory_id").is_null()
    if account_ids is not None:
        listed = pl.col("account_id").is_in(pl.Series("account_id", account_ids, dtype=pl.String).implode())
        chosen = listed & chosen if keep_crm_territory else listed
    applied = apply_rules(store, actor=actor, accounts_filter=chosen)
    return Routed(applied.accounts_changed, applied.orphans, applied.run_id)
