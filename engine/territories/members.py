"""Who sits in which territory, and as what: owner, overlay or specialist.

A rep may sit in several territories (a London rep added to Germany as well). A territory's lead
owner is `territories.owner_rep_id`; it always has an owner membership, so the two never disagree
(`owner_mismatches` proves it). Every change is one transaction with a `territory_changes` row.
"""
from __future__ import annotations

import polars as pl

from engine.store import Session, Store
from engine.store.errors import NotFoundError
from engine.territories.tree import TerritoryError, log_change, territory_row
from engine.territories.guard import checked_actor

ROLES = ("owner", "overlay", "specialist")


def _rep(session: Session, rep_id: str) -> dict:
    frame = session.query("SELECT rep_id, name FROM reps WHERE rep_id = ?", [rep_id])
    if frame.is_empty():
        raise NotFoundError(f"There is no rep with id '{rep_id}'.", hint="Pick a rep from the list of reps.")
    return frame.row(0, named=True)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise TerritoryError(f"'{role}' is not a membership role.", hint=f"Use one of: {', '.join(ROLES)}.")
    return role


def rep_names(store: Store, *, active_only: bool = False) -> dict[str, str]:
    """rep_id → name, sorted by name (for pickers)."""
    return dict(store.rows("SELECT rep_id, name FROM reps WHERE NOT ? OR coalesce(active, TRUE) ORDER BY name, rep_id",
                           [active_only]))


def members_table(store: Store, territory_id: str | None = None, rep_id: str | None = None) -> pl.DataFrame:
    """`territory_id, territory, rep_id, rep, role, lead` (lead = the territory's owner_rep_id),
    sorted by territory name, role, rep name; optionally for one territory or one rep."""
    return store.query(
        "SELECT m.territory_id, t.name AS territory, m.rep_id, r.name AS rep, coalesce(m.role, 'owner') AS role, "
        "coalesce(t.owner_rep_id = m.rep_id, FALSE) AS lead FROM territory_members m "
        "JOIN territories t USING (territory_id) LEFT JOIN reps r USING (rep_id) "
        "WHERE (? IS NULL OR m.territory_id = ?) AND (? IS NULL OR m.rep_id = ?) "
        "ORDER BY t.name, m.territory_id, array_position(['owner', 'overlay', 'specialist'], coalesce(m.role, 'owner')), "
        "r.name, m.rep_id", [territory_id, territory_id, rep_id, rep_id])


def _role_of(tx: Session, territory_id: str, rep_id: str) -> str | None:
    return tx.scalar("SELECT coalesce(role, 'owner') FROM territory_members WHERE territory_id = ? AND rep_id = ?",
                     [territory_id, rep_id])


def _fix_lead(tx: Session, territory_id: str) -> None:
    """A lead who no longer has an owner membership hands the lead to the first remaining owner (or none)."""
    lead = tx.scalar("SELECT owner_rep_id FROM territories WHERE territory_id = ?", [territory_id])
    if lead is not None and _role_of(tx, territory_id, lead) == "owner":
        return
    successor = tx.scalar("SELECT min(rep_id) FROM territory_members WHERE territory_id = ? "
                          "AND coalesce(role, 'owner') = 'owner'", [territory_id])
    tx.execute("UPDATE territories SET owner_rep_id = ? WHERE territory_id = ?", [successor, territory_id])


def add_member(store: Store, territory_id: str, rep_id: str, role: str = "overlay", *,
               actor: str | None = None) -> None:
    """Seat the rep in the territory with `role` (or change the role of a rep already there).
    The first owner of a territory without a lead becomes its lead."""
    _check_role(role)
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        territory = territory_row(tx, territory_id)
        rep = _rep(tx, rep_id)
        old = _role_of(tx, territory_id, rep_id)
        if old == role:
            raise TerritoryError(f"{rep['name']} already sits in {territory['name']} as {role}.",
                                 hint="Choose another role, or another territory.")
        tx.execute("INSERT OR REPLACE INTO territory_members VALUES (?, ?, ?)", [territory_id, rep_id, role])
        if role == "owner" and territory["owner_rep_id"] is None:
            tx.execute("UPDATE territories SET owner_rep_id = ? WHERE territory_id = ?", [rep_id, territory_id])
        _fix_lead(tx, territory_id)
        log_change(tx, territory_id, "member" if old is None else "role", actor, rep_id=rep_id, old=old, new=role)


def remove_member(store: Store, territory_id: str, rep_id: str, *, actor: str | None = None) -> None:
    """Take the rep out of the territory. A lead owner's lead passes to another owner member."""
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        territory = territory_row(tx, territory_id)
        rep = _rep(tx, rep_id)
        old = _role_of(tx, territory_id, rep_id)
        if old is None:
            raise TerritoryError(f"{rep['name']} does not sit in {territory['name']}.", hint="Pick one of its members.")
        tx.execute("DELETE FROM territory_members WHERE territory_id = ? AND rep_id = ?", [territory_id, rep_id])
        _fix_lead(tx, territory_id)
        log_change(tx, territory_id, "unmember", actor, rep_id=rep_id, old=old)


def set_owner(store: Store, territory_id: str, rep_id: str, *, previous_role: str | None = "overlay",
              actor: str | None = None) -> None:
    """Make the rep the territory's lead owner (seating them as owner). The previous lead (or, when
    none was recorded, every owner member) keeps sitting there with `previous_role` (owner,
    overlay, specialist), or leaves it with None."""
    if previous_role is not None:
        _check_role(previous_role)
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        territory = territory_row(tx, territory_id)
        _rep(tx, rep_id)
        previous = territory["owner_rep_id"]
        if previous == rep_id:
            raise TerritoryError(f"The rep already owns {territory['name']}.", hint="Pick another rep.")
        # Without a recorded lead, every owner member was the owner.
        replaced = [previous] if previous is not None else [r[0] for r in tx.rows(
            "SELECT rep_id FROM territory_members WHERE territory_id = ? AND coalesce(role, 'owner') = 'owner' "
            "AND rep_id <> ?", [territory_id, rep_id])]
        for old in replaced:
            if previous_role is None:
                tx.execute("DELETE FROM territory_members WHERE territory_id = ? AND rep_id = ?", [territory_id, old])
            else:
                tx.execute("UPDATE territory_members SET role = ? WHERE territory_id = ? AND rep_id = ?",
                           [previous_role, territory_id, old])
        tx.execute("INSERT OR REPLACE INTO territory_members VALUES (?, ?, 'owner')", [territory_id, rep_id])
        tx.execute("UPDATE territories SET owner_rep_id = ? WHERE territory_id = ?", [rep_id, territory_id])
        log_change(tx, territory_id, "owner", actor, old=replaced, new=rep_id, previous_role=previous_role)


def owner_mismatches(session: Session) -> pl.DataFrame:
    """Territories whose lead (`owner_rep_id`) has no owner membership there: `territory_id, owner_rep_id`."""
    return session.query(
        "SELECT t.territory_id, t.owner_rep_id FROM territories t WHERE t.owner_rep_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM territory_members m WHERE m.territory_id = t.territory_id AND m.rep_id = t.owner_rep_id "
        "AND coalesce(m.role, 'owner') = 'owner') ORDER BY 1")
