"""Editing the territory tree: add, rename, move under another parent, retire.

Each edit is one transaction that also writes a `territory_changes` row (who, what, when). Retiring
a territory hands everything that names it to another territory first — its accounts and deals
(each account logged in `assignment_log`), its targets, rules, shares, pool requests and planned
moves — and lifts its children to its parent, so nothing is ever left pointing at a missing
territory (`dangling_references` proves it).
"""
from __future__ import annotations

import json
import re
from datetime import datetime

import polars as pl

from engine.store import Session, Store
from engine.store.errors import NotFoundError, TerrainError
from engine.territories.guard import checked_actor

TYPES = ("geo", "industry", "product", "segment", "named-accounts")

# Every (table, column) that names a territory, and what a retirement does with it.
REFERENCES: tuple[tuple[str, str], ...] = (
    ("territories", "parent_id"), ("territory_members", "territory_id"), ("territory_rules", "territory_id"),
    ("accounts", "territory_id"), ("deals", "territory_id"), ("targets", "scope_id"),
    ("scenario_moves", "to_territory_id"), ("account_shares", "territory_id"),
    ("resource_requests", "territory_id"), ("target_parts", "territory_id"),
)


class TerritoryError(TerrainError):
    title = "The territory change was refused"


def _now() -> datetime:
    return datetime.now()


def log_change(tx: Session, territory_id: str, action: str, actor: str | None, **detail: object) -> None:
    """One `territory_changes` row; `detail` is kept as JSON (old and new values)."""
    tx.execute("INSERT INTO territory_changes VALUES (?, ?, ?, ?, ?)",
               [_now(), territory_id, action, json.dumps(detail, ensure_ascii=False, default=str), actor])


def territory_row(session: Session, territory_id: str) -> dict:
    frame = session.query("SELECT * FROM territories WHERE territory_id = ?", [territory_id])
    if frame.is_empty():
        raise NotFoundError(f"There is no territory with id '{territory_id}'.",
                            hint="List the territories with `python -m engine territory list`.")
    return frame.row(0, named=True)


def territory_table(store: Store) -> pl.DataFrame:
    """The tree in display order (each territory under its parent, names sorted): `territory_id,
    name, parent_id, type, depth, path, owner_rep_id, owner, accounts, open_deals, members`."""
    territories = store.table("territories", ["territory_id", "name", "parent_id", "type", "owner_rep_id"])
    counts = store.query(
        "SELECT t.territory_id, a.n AS accounts, d.n AS open_deals, m.n AS members FROM territories t "
        "LEFT JOIN (SELECT territory_id, count(*) AS n FROM accounts GROUP BY 1) a USING (territory_id) "
        "LEFT JOIN (SELECT territory_id, count(*) AS n FROM deals WHERE status = 'open' GROUP BY 1) d USING (territory_id) "
        "LEFT JOIN (SELECT territory_id, count(*) AS n FROM territory_members GROUP BY 1) m USING (territory_id)")
    reps = store.table("reps", ["rep_id", "name"]).rename({"rep_id": "owner_rep_id", "name": "owner"})
    rows = {r["territory_id"]: r for r in territories.iter_rows(named=True)}
    children: dict[str | None, list[str]] = {}
    for tid, row in sorted(rows.items(), key=lambda kv: (kv[1]["name"] or "", kv[0])):
        parent = row["parent_id"] if row["parent_id"] in rows and row["parent_id"] != tid else None
        children.setdefault(parent, []).append(tid)
    order: list[tuple[str, int, str]] = []
    stack = [(tid, 0, rows[tid]["name"]) for tid in reversed(children.get(None, []))]
    while stack:  # depth-first, so a territory is listed right under its parent
        tid, depth, path = stack.pop()
        order.append((tid, depth, path))
        stack.extend((c, depth + 1, f"{path} › {rows[c]['name']}") for c in reversed(children.get(tid, [])))
    frame = pl.DataFrame(order, schema={"territory_id": pl.String, "depth": pl.Int64, "path": pl.String}, orient="row")
    return (frame.join(territories, on="territory_id", how="left", maintain_order="left")
            .join(counts, on="territory_id", how="left", maintain_order="left")
            .join(reps, on="owner_rep_id", how="left", maintain_order="left")
            .select("territory_id", "name", "parent_id", "type", "depth", "path", "owner_rep_id", "owner",
                    *(pl.col(c).fill_null(0).cast(pl.Int64) for c in ("accounts", "open_deals", "members"))))


def _ancestors(session: Session, territory_id: str | None) -> list[str]:
    parents = dict(session.rows("SELECT territory_id, parent_id FROM territories"))
    out: list[str] = []
    while territory_id is not None and territory_id in parents and territory_id not in out:
        out.append(territory_id)
        territory_id = parents[territory_id]
    return out


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise TerritoryError("A territory needs a name.", hint="Type a name such as 'Nordics'.")
    return name


def _check_type(kind: str) -> str:
    if kind not in TYPES:
        raise TerritoryError(f"'{kind}' is not a territory type.", hint=f"Use one of: {', '.join(TYPES)}.")
    return kind


def _new_id(session: Session, name: str) -> str:
    base = "T-" + (re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or "NEW")
    taken = {r[0] for r in session.rows("SELECT territory_id FROM territories WHERE territory_id LIKE ?", [base + "%"])}
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _relevel(tx: Session) -> None:
    """Recompute `territories.level` (0 = a root) after the tree changed shape."""
    tx.execute("""
        UPDATE territories SET level = l.depth FROM (
            WITH RECURSIVE walk(territory_id, depth) AS (
                SELECT territory_id, 0 FROM territories
                WHERE parent_id IS NULL OR parent_id NOT IN (SELECT territory_id FROM territories)
                UNION ALL
                SELECT t.territory_id, w.depth + 1 FROM territories t JOIN walk w ON t.parent_id = w.territory_id)
            SELECT territory_id, min(depth) AS depth FROM walk GROUP BY territory_id) l
        WHERE territories.territory_id = l.territory_id""")


def add_territory(store: Store, name: str, *, parent_id: str | None, kind: str = "geo",
                  territory_id: str | None = None, actor: str | None = None) -> str:
    """Add a territory under `parent_id` (None = a new root); returns its id (derived from the name
    when not given)."""
    name, kind = _clean_name(name), _check_type(kind)
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        if parent_id is not None:
            territory_row(tx, parent_id)
        if tx.scalar("SELECT count(*) FROM territories WHERE parent_id IS NOT DISTINCT FROM ? AND lower(name) = lower(?)",
                     [parent_id, name]):
            raise TerritoryError(f"There is already a territory named '{name}' there.",
                                 hint="Choose another name, or rename the existing one.")
        territory_id = (territory_id or "").strip() or _new_id(tx, name)
        if tx.scalar("SELECT count(*) FROM territories WHERE territory_id = ?", [territory_id]):
            raise TerritoryError(f"The territory id '{territory_id}' is taken.", hint="Choose another id.")
        level = len(_ancestors(tx, parent_id))
        tx.execute("INSERT INTO territories (territory_id, name, parent_id, type, level, source) "
                   "VALUES (?, ?, ?, ?, ?, 'terrain')", [territory_id, name, parent_id, kind, level])
        log_change(tx, territory_id, "add", actor, name=name, parent_id=parent_id, type=kind)
    return territory_id


def rename_territory(store: Store, territory_id: str, name: str, *, actor: str | None = None) -> None:
    name = _clean_name(name)
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        old = territory_row(tx, territory_id)
        if tx.scalar("SELECT count(*) FROM territories WHERE parent_id IS NOT DISTINCT FROM ? AND lower(name) = lower(?) "
                     "AND territory_id <> ?", [old["parent_id"], name, territory_id]):
            raise TerritoryError(f"A sibling of '{old['name']}' is already named '{name}'.", hint="Choose another name.")
        tx.execute("UPDATE territories SET name = ? WHERE territory_id = ?", [name, territory_id])
        log_change(tx, territory_id, "rename", actor, old=old["name"], new=name)


def set_type(store: Store, territory_id: str, kind: str, *, actor: str | None = None) -> None:
    kind = _check_type(kind)
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        old = territory_row(tx, territory_id)
        tx.execute("UPDATE territories SET type = ? WHERE territory_id = ?", [kind, territory_id])
        log_change(tx, territory_id, "type", actor, old=old["type"], new=kind)


def move_territory(store: Store, territory_id: str, parent_id: str | None, *, actor: str | None = None) -> None:
    """Put the territory (with everything below it) under `parent_id`; refused when the new parent
    is the territory itself or one of its descendants (the tree would become a cycle)."""
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        old = territory_row(tx, territory_id)
        if parent_id is not None:
            parent = territory_row(tx, parent_id)
            if territory_id in _ancestors(tx, parent_id):
                raise TerritoryError(
                    f"'{old['name']}' cannot move under '{parent['name']}': that is "
                    + ("itself." if parent_id == territory_id else "one of its own sub-territories."),
                    hint="Pick a parent outside its branch.")
        tx.execute("UPDATE territories SET parent_id = ? WHERE territory_id = ?", [parent_id, territory_id])
        _relevel(tx)
        log_change(tx, territory_id, "move", actor, old=old["parent_id"], new=parent_id)


def retire_territory(store: Store, territory_id: str, *, to_territory_id: str, actor: str | None = None) -> dict:
    """Retire a territory, handing what it holds to `to_territory_id`: accounts and all their deals
    (open deals counted apart), targets (added to the receiver's, month by month), rules, shares,
    pool requests and planned moves. Its children move up to its parent; its memberships end.
    The root cannot be retired. Returns the counts moved: accounts, open_deals, closed_deals,
    targets, rules, children, members."""
    if to_territory_id == territory_id:
        raise TerritoryError("A territory cannot be retired into itself.",
                             hint="Choose the territory that takes over its accounts.")
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        old = territory_row(tx, territory_id)
        receiver = territory_row(tx, to_territory_id)
        if old["parent_id"] is None or old["parent_id"] not in _ancestors(tx, old["parent_id"]):
            raise TerritoryError(f"'{old['name']}' is a root of the tree and cannot be retired.",
                                 hint="Move its branches elsewhere first, or rename it.")
        counts = retire_preview(tx, territory_id)
        now, reason = _now(), f"retire:{territory_id}"
        tx.execute("INSERT INTO assignment_log SELECT ?, account_id, territory_id, ?, owner_rep_id, owner_rep_id, ?, ? "
                   "FROM accounts WHERE territory_id = ?", [now, to_territory_id, reason, actor, territory_id])
        for table in ("accounts", "deals", "territory_rules", "resource_requests"):
            tx.execute(f"UPDATE {table} SET territory_id = ? WHERE territory_id = ?", [to_territory_id, territory_id])
        tx.execute("UPDATE scenario_moves SET to_territory_id = ? WHERE to_territory_id = ?", [to_territory_id, territory_id])
        _merge_amounts(tx, "targets", "scope_id", territory_id, to_territory_id, " AND scope = 'territory'")
        _merge_amounts(tx, "target_parts", "territory_id", territory_id, to_territory_id)
        # A shared account keeps one row per territory: the receiver's own row wins.
        tx.execute("DELETE FROM account_shares WHERE territory_id = ? AND account_id IN "
                   "(SELECT account_id FROM account_shares WHERE territory_id = ?)", [territory_id, to_territory_id])
        tx.execute("UPDATE account_shares SET territory_id = ? WHERE territory_id = ?", [to_territory_id, territory_id])
        tx.execute("DELETE FROM territory_members WHERE territory_id = ?", [territory_id])
        tx.execute("UPDATE territories SET parent_id = ? WHERE parent_id = ?", [old["parent_id"], territory_id])
        tx.execute("DELETE FROM territories WHERE territory_id = ?", [territory_id])
        _relevel(tx)
        log_change(tx, territory_id, "retire", actor, name=old["name"], to=to_territory_id,
                   to_name=receiver["name"], **counts)
    return counts


def retire_preview(session: Session, territory_id: str) -> dict[str, int]:
    """What retiring the territory would hand over: accounts, open_deals, closed_deals, targets
    (monthly rows), rules, children, members (memberships that end)."""
    one = [territory_id]
    return {
        "accounts": session.scalar("SELECT count(*) FROM accounts WHERE territory_id = ?", one),
        "open_deals": session.scalar("SELECT count(*) FROM deals WHERE territory_id = ? AND status = 'open'", one),
        "closed_deals": session.scalar("SELECT count(*) FROM deals WHERE territory_id = ? AND status <> 'open'", one),
        "targets": session.scalar("SELECT count(*) FROM targets WHERE scope = 'territory' AND scope_id = ?", one),
        "rules": session.scalar("SELECT count(*) FROM territory_rules WHERE territory_id = ?", one),
        "children": session.scalar("SELECT count(*) FROM territories WHERE parent_id = ?", one),
        "members": session.scalar("SELECT count(*) FROM territory_members WHERE territory_id = ?", one),
    }


def accounts_without_territory(session: Session) -> int:
    return int(session.scalar("SELECT count(*) FROM accounts WHERE territory_id IS NULL"))


def _merge_amounts(tx: Session, table: str, column: str, source: str, target: str, where: str = "") -> None:
    """Hand the source territory's amounts to the target: rows of the same other keys are added up."""
    rows = tx.query(f"SELECT * FROM {table} WHERE {column} IN (?, ?){where}", [source, target])
    if rows.is_empty():
        return
    keys = [c for c in rows.columns if c not in (column, "amount")]
    merged = (rows.with_columns(pl.lit(target).alias(column)).group_by(*keys, column)
              .agg(pl.col("amount").sum()).select(rows.columns))
    tx.execute(f"DELETE FROM {table} WHERE {column} IN (?, ?){where}", [source, target])
    tx.insert_frame(table, merged)


def dangling_references(session: Session) -> pl.DataFrame:
    """Every reference to a territory that does not exist: `table, column, territory_id, rows`.
    Empty on a healthy database (nulls mean 'none', not a dangling id)."""
    parts = []
    for table, column in REFERENCES:
        scope = " AND scope = 'territory'" if table == "targets" else ""
        parts.append(session.query(
            f"SELECT '{table}' AS \"table\", '{column}' AS \"column\", {column} AS territory_id, count(*) AS rows "
            f"FROM {table} WHERE {column} IS NOT NULL{scope} AND {column} NOT IN (SELECT territory_id FROM territories) "
            f"GROUP BY {column}"))
    return pl.concat(parts).sort("table", "territory_id")


def change_log(store: Store, territory_id: str | None = None, limit: int = 200) -> pl.DataFrame:
    """The latest tree and membership edits: `ts, territory_id, action, detail, actor`, newest first."""
    return store.query("SELECT ts, territory_id, action, detail, actor FROM territory_changes "
                       "WHERE ? IS NULL OR territory_id = ? ORDER BY ts DESC LIMIT ?", [territory_id, territory_id, limit])


def resolve_territory(session: Session, text: str) -> str:
    """A territory id from its id or its (case-insensitive, unique) name."""
    if session.scalar("SELECT count(*) FROM territories WHERE territory_id = ?", [text]):
        return text
    ids = [r[0] for r in session.rows("SELECT territory_id FROM territories WHERE lower(name) = lower(?) ORDER BY 1",
                                      [text.strip()])]
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise TerritoryError(f"Several territories are named '{text}' ({', '.join(ids)}).", hint="Give its id instead.")
    raise NotFoundError(f"There is no territory with id or name '{text}'.",
                        hint="List the territories with `python -m engine territory list`.")


def resolve_rep(session: Session, text: str) -> str:
    """A rep id from its id or its (case-insensitive, unique) name."""
    if session.scalar("SELECT count(*) FROM reps WHERE rep_id = ?", [text]):
        return text
    ids = [r[0] for r in session.rows("SELECT rep_id FROM reps WHERE lower(name) = lower(?) ORDER BY 1", [text.strip()])]
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise TerritoryError(f"Several reps are named '{text}' ({', '.join(ids)}).", hint="Give the rep id instead.")
    raise NotFoundError(f"There is no rep with id or name '{text}'.", hint="Check the rep's id on the Reps page.")
