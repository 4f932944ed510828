"""The one way this package changes who holds an account: owner and/or territory set, each changed
account logged in `assignment_log` with its reason and actor, open deals following their account —
all in one transaction (merging duplicates, assigning unowned accounts, confirming a suggestion).
"""
from __future__ import annotations

from datetime import datetime

from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories.guard import checked_actor


def check_targets(store: Store, rep_id: str | None, territory_id: str | None) -> None:
    """Refuse a rep or territory id that does not exist (before anything is written)."""
    if rep_id is not None and not store.scalar("SELECT count(*) FROM reps WHERE rep_id = ?", [rep_id]):
        raise NotFoundError(f"There is no rep with id '{rep_id}'.", hint="Pick a rep from the list.")
    if territory_id is not None and not store.scalar("SELECT count(*) FROM territories WHERE territory_id = ?",
                                                     [territory_id]):
        raise NotFoundError(f"There is no territory with id '{territory_id}'.", hint="Pick an existing territory.")


def reassign_accounts(store: Store, account_ids: list[str], *, rep_id: str | None, territory_id: str | None,
                      reason: str, actor: str | None, set_rep: bool, set_territory: bool) -> int:
    """Set owner (`set_rep`) and/or territory (`set_territory`) of the accounts; returns how many
    changed (accounts already so held are not logged)."""
    now = datetime.now()
    new_rep = "?" if set_rep else "owner_rep_id"
    new_territory = "?" if set_territory else "territory_id"
    params = ([rep_id] if set_rep else []) + ([territory_id] if set_territory else [])
    changed = (f"account_id IN (SELECT unnest(?)) AND (owner_rep_id IS DISTINCT FROM {new_rep} "
               f"OR territory_id IS DISTINCT FROM {new_territory})")
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        tx.execute(f"INSERT INTO assignment_log SELECT ?, account_id, territory_id, {new_territory}, owner_rep_id, "
                   f"{new_rep}, ?, ? FROM accounts WHERE {changed}",
                   [now, *([territory_id] if set_territory else []), *([rep_id] if set_rep else []), reason, actor,
                    account_ids, *params])
        count = tx.scalar("SELECT count(*) FROM assignment_log WHERE ts = ? AND reason = ?", [now, reason])
        tx.execute("UPDATE accounts SET territory_id = l.to_territory, owner_rep_id = l.to_rep FROM assignment_log l "
                   "WHERE l.ts = ? AND l.reason = ? AND accounts.account_id = l.account_id", [now, reason])
        tx.execute("UPDATE deals SET territory_id = a.territory_id, owner_rep_id = a.owner_rep_id FROM accounts a "
                   "WHERE deals.account_id = a.account_id AND deals.status = 'open' AND a.account_id IN "
                   "(SELECT account_id FROM assignment_log WHERE ts = ? AND reason = ?)", [now, reason])
    return int(count)
