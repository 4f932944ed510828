"""Unowned accounts (无人问津): no owner, or no territory, or neither — listed, filtered, and
assigned in bulk to a rep and/or a territory (one transaction, one `assignment_log` row each).
"""
from __future__ import annotations

import polars as pl

from engine.store import Store
from engine.store.errors import TerrainError
from engine.territories.ownership import check_targets, reassign_accounts

MISSING = ("any", "owner", "territory", "both")
UNOWNED_COLUMNS = ("account_id", "name", "missing", "industry", "segment", "country", "state", "city",
                   "annual_revenue", "employees", "owner_rep_id", "owner", "territory_id", "territory",
                   "open_deals", "open_pipeline", "created_at")


class UnownedError(TerrainError):
    title = "The accounts could not be assigned"


def unowned_accounts(store: Store, *, missing: str = "any", country: str | None = None,
                     industry: str | None = None, segment: str | None = None, search: str | None = None
                     ) -> pl.DataFrame:
    """Accounts without an owner or a territory: UNOWNED_COLUMNS, newest first. `missing` picks
    which (any, owner, territory, both); the other filters match exactly, `search` is a
    case-insensitive part of the name or city. open_pipeline is Σ amount_rc of open deals."""
    if missing not in MISSING:
        raise UnownedError(f"'{missing}' is not a filter of unowned accounts.", hint=f"Use one of: {', '.join(MISSING)}.")
    frame = store.query(
        "SELECT a.account_id, a.name, a.industry, a.segment, a.country, a.state, a.city, a.annual_revenue, "
        "a.employees, a.owner_rep_id, r.name AS owner, a.territory_id, t.name AS territory, a.created_at, "
        "coalesce(d.open_deals, 0) AS open_deals, coalesce(d.open_pipeline, 0.0) AS open_pipeline "
        "FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id "
        "LEFT JOIN territories t ON t.territory_id = a.territory_id "
        "LEFT JOIN (SELECT account_id, count(*) AS open_deals, sum(amount_rc) AS open_pipeline FROM deals "
        "WHERE status = 'open' GROUP BY 1) d ON d.account_id = a.account_id "
        # an owner or territory id that names nobody counts as missing too
        "WHERE r.rep_id IS NULL OR t.territory_id IS NULL")
    no_owner, no_territory = pl.col("owner").is_null(), pl.col("territory").is_null()
    frame = frame.with_columns(
        pl.when(no_owner & no_territory).then(pl.lit("both")).when(no_owner).then(pl.lit("owner"))
        .otherwise(pl.lit("territory")).alias("missing"))
    if missing == "owner":
        frame = frame.filter(no_owner)
    elif missing == "territory":
        frame = frame.filter(no_territory)
    elif missing == "both":
        frame = frame.filter(no_owner & no_territory)
    for column, value in (("country", country), ("industry", industry), ("segment", segment)):
        if value:
            frame = frame.filter(pl.col(column) == value)
    if search:
        needle = search.strip().lower()
        frame = frame.filter(pl.col("name").str.to_lowercase().str.contains(needle, literal=True)
                             | pl.col("city").str.to_lowercase().str.contains(needle, literal=True).fill_null(False))
    return frame.select(UNOWNED_COLUMNS).sort(["created_at", "account_id"], descending=[True, False], nulls_last=True)


def unowned_summary(frame: pl.DataFrame) -> dict[str, float]:
    """accounts, no_owner, no_territory, open_pipeline of an `unowned_accounts` frame."""
    return {"accounts": frame.height, "no_owner": int(frame["missing"].is_in(["owner", "both"]).sum()),
            "no_territory": int(frame["missing"].is_in(["territory", "both"]).sum()),
            "open_pipeline": float(frame["open_pipeline"].sum())}


def assign_accounts(store: Store, account_ids: list[str], *, rep_id: str | None = None,
                    territory_id: str | None = None, actor: str | None = None, reason: str = "manual") -> int:
    """Give the accounts `rep_id` and/or `territory_id` (what is not given stays as it is), in one
    transaction; returns the number of accounts changed."""
    account_ids = sorted(set(account_ids))
    if not account_ids:
        raise UnownedError("No accounts were chosen.", hint="Tick the accounts to assign first.")
    if rep_id is None and territory_id is None:
        raise UnownedError("Choose a rep, a territory or both to assign the accounts to.")
    check_targets(store, rep_id, territory_id)
    found = store.scalar("SELECT count(*) FROM accounts WHERE account_id IN (SELECT unnest(?))", [account_ids])
    if found != len(account_ids):
        raise UnownedError(f"{len(account_ids) - found} of the chosen accounts no longer exist.",
                           hint="Refresh the list and choose again.")
    return reassign_accounts(store, account_ids, rep_id=rep_id, territory_id=territory_id, reason=reason,
                             actor=actor, set_rep=rep_id is not None, set_territory=territory_id is not None)
