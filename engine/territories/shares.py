"""Shared (national key) accounts: led by one territory, supported by others.

Seed: 全国性大客户由总部销售牵头, 各区域销售配合跟进 — the account's own `territory_id` is the
lead; `account_shares` lists the supporting territories. Revenue stays with the lead in every total
(the metrics never read `account_shares`), so sharing changes no figure; the supporting credit is
shown apart, in an overlay view (engine.metrics.overlay). Supporting territories see the account:
`accounts_for_territories` lists what a territory leads and what it supports.
"""
from __future__ import annotations

import polars as pl

from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories.tree import TerritoryError, log_change, territory_row
from engine.territories.guard import checked_actor

SHARE_ROLES = ("support",)


def _account(store, account_id: str) -> dict:
    frame = store.query("SELECT account_id, name, territory_id FROM accounts WHERE account_id = ?", [account_id])
    if frame.is_empty():
        raise NotFoundError(f"There is no account with id '{account_id}'.", hint="Pick an account from the list.")
    return frame.row(0, named=True)


def share_account(store: Store, account_id: str, territory_id: str, *, role: str = "support",
                  actor: str | None = None) -> None:
    """Let `territory_id` support the account (its lead territory keeps the revenue)."""
    if role not in SHARE_ROLES:
        raise TerritoryError(f"'{role}' is not a share role.", hint=f"Use one of: {', '.join(SHARE_ROLES)}.")
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        account = _account(tx, account_id)
        territory = territory_row(tx, territory_id)
        if account["territory_id"] is None:
            raise TerritoryError(f"{account['name']} has no lead territory yet, so it cannot be shared.",
                                 hint="Give it a territory first (Unowned tab).")
        if account["territory_id"] == territory_id:
            raise TerritoryError(f"{territory['name']} already leads {account['name']}.",
                                 hint="Pick a supporting territory other than the lead.")
        if tx.scalar("SELECT count(*) FROM account_shares WHERE account_id = ? AND territory_id = ?",
                     [account_id, territory_id]):
            raise TerritoryError(f"{territory['name']} already supports {account['name']}.")
        tx.execute("INSERT INTO account_shares VALUES (?, ?, ?)", [account_id, territory_id, role])
        log_change(tx, territory_id, "share", actor, account_id=account_id, lead=account["territory_id"])


def unshare_account(store: Store, account_id: str, territory_id: str, *, actor: str | None = None) -> None:
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        if not tx.scalar("SELECT count(*) FROM account_shares WHERE account_id = ? AND territory_id = ?",
                         [account_id, territory_id]):
            raise TerritoryError(f"Territory {territory_id} does not support account {account_id}.")
        tx.execute("DELETE FROM account_shares WHERE account_id = ? AND territory_id = ?", [account_id, territory_id])
        log_change(tx, territory_id, "unshare", actor, account_id=account_id)


def shared_accounts(store: Store) -> pl.DataFrame:
    """`account_id, name, lead_territory_id, lead_territory, supporting_territory_id, supporting_territory,
    role`: one row per (shared account, supporting territory)."""
    return store.query(
        "SELECT s.account_id, a.name, a.territory_id AS lead_territory_id, l.name AS lead_territory, "
        "s.territory_id AS supporting_territory_id, t.name AS supporting_territory, s.role FROM account_shares s "
        "JOIN accounts a USING (account_id) LEFT JOIN territories l ON l.territory_id = a.territory_id "
        "LEFT JOIN territories t ON t.territory_id = s.territory_id ORDER BY a.name, s.account_id, t.name")


def accounts_for_territories(store: Store, territory_ids: list[str]) -> pl.DataFrame:
    """The accounts the territories lead or support: `account_id, name, territory_id, via`
    (via = lead or support; an account both led and supported shows once, as lead)."""
    return store.query(
        "SELECT account_id, name, territory_id, min(via) AS via FROM ("
        "SELECT account_id, name, territory_id, 'lead' AS via FROM accounts WHERE territory_id IN (SELECT unnest(?)) "
        "UNION ALL SELECT a.account_id, a.name, a.territory_id, 'support' FROM account_shares s "
        "JOIN accounts a USING (account_id) WHERE s.territory_id IN (SELECT unnest(?))) "
        "GROUP BY ALL ORDER BY name, account_id", [territory_ids, territory_ids])


def find_accounts(store: Store, text: str, limit: int = 50) -> dict[str, str]:
    """account_id → name of up to `limit` accounts with a territory whose name contains `text`
    (any case) or whose id is `text`; all of them (up to `limit`) for an empty text."""
    text = (text or "").strip()
    return dict(store.rows("SELECT account_id, name FROM accounts WHERE territory_id IS NOT NULL AND "
                           "(? = '' OR contains(lower(name), lower(?)) OR account_id = ?) ORDER BY name, account_id LIMIT ?",
                           [text, text, text, limit]))
