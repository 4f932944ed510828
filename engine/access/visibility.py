"""What a viewer may see: a set of territories, closed downwards, and the scopes inside it.

DESIGN (the Zoho/Salesforce territory model): a rep sees the territories they belong to (their
memberships, the ones they own, the ones named on their user) and every territory below; a
manager sees the same for themselves and for every rep reporting to them, down the reps'
`manager_id` chain; accounts shared to a visible territory (`account_shares`) are visible too,
while their revenue stays with the lead territory; admin and sales ops see everything.
`scope_for` is the one place a requested scope meets the viewer: it keeps what is visible, narrows
an ancestor to the visible territories below it, and refuses the rest.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from engine.store import Session

SEES_EVERYTHING = ("admin", "sales_ops")
# A read-only board link (engine.access.board_links): sees its territories, or everything when it
# has none (a company-wide board); may write nothing.
BOARD_ROLE = "board"


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Hashable, so caches can key on it."""

    name: str
    role: str
    rep_id: str | None = None
    territories: tuple[str, ...] = ()

    @property
    def sees_everything(self) -> bool:
        return self.role in SEES_EVERYTHING or (self.role == BOARD_ROLE and not self.territories)

    @classmethod
    def of(cls, user) -> "Viewer":
        """The viewer of a users-file `User`."""
        return cls(user.name, user.role, user.rep_id, tuple(user.territories))


# Single-user local mode (no users file): the person at the machine owns everything.
LOCAL = Viewer("local", "admin")


@dataclass(frozen=True)
class Visibility:
    """`territories`: every visible territory id (None = everything); `tops`: the top-most of them,
    sorted; `shared_accounts`: accounts of invisible territories shared to a visible one."""

    territories: frozenset[str] | None
    tops: tuple[str, ...]
    shared_accounts: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return self.territories is None


@dataclass(frozen=True)
class ScopeChoice:
    """A scope the viewer may see (None = the whole company), and the requested ids refused
    (unknown, or outside what the viewer sees), for a friendly message."""

    scope: tuple[str, ...] | None
    refused: tuple[str, ...] = ()


EVERYTHING = Visibility(None, ())
# Per store (weakly: a closed store's entries go with it), per (data version, viewer).
_memo: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_memo_lock = threading.Lock()


def _tree(store: Session) -> tuple[dict[str, str | None], dict[str, list[str]], dict[str, str | None]]:
    rows = store.rows("SELECT territory_id, parent_id, owner_rep_id FROM territories")
    parent = {t: p for t, p, _ in rows}
    children: dict[str, list[str]] = {}
    for territory, up, _ in rows:
        if up in parent and up != territory:
            children.setdefault(up, []).append(territory)
    return parent, children, {t: o for t, _, o in rows}


def _has_table(store: Session, name: str) -> bool:
    return bool(store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))


def _reps_below(store: Session, rep_id: str) -> set[str]:
    """The rep and everyone reporting to them, directly or not (cycles in manager_id are harmless)."""
    managers = store.rows("SELECT rep_id, manager_id FROM reps WHERE manager_id IS NOT NULL")
    reports: dict[str, list[str]] = {}
    for rep, manager in managers:
        reports.setdefault(manager, []).append(rep)
    found, stack = {rep_id}, [rep_id]
    while stack:
        for rep in reports.get(stack.pop(), ()):
            if rep not in found:
                found.add(rep)
                stack.append(rep)
    return found


def visibility(store: Session, viewer: Viewer) -> Visibility:
    """The territories `viewer` sees in `store` (memoised per data version)."""
    if viewer.sees_everything:
        return EVERYTHING
    version = store.data_version() if hasattr(store, "data_version") else None
    if version is None:  # a transaction's session: no version to key a memo on
        return _compute(store, viewer)
    key = (version, viewer)
    with _memo_lock:
        known = _memo.setdefault(store, {})
        if key in known:
            return known[key]
    result = _compute(store, viewer)
    with _memo_lock:
        if len(known) > 256:
            known.clear()
        known[key] = result
    return result


def _compute(store: Session, viewer: Viewer) -> Visibility:
    parent, children, owner = _tree(store)
    reps = set()
    if viewer.rep_id:
        reps = _reps_below(store, viewer.rep_id) if viewer.role == "manager" else {viewer.rep_id}
    seeds = {t for t in viewer.territories if t in parent}
    if reps:
        seeds |= {t for (t,) in store.rows(
            "SELECT DISTINCT territory_id FROM territory_members WHERE rep_id IN (SELECT unnest(?))",
            [sorted(reps)]) if t in parent}
        seeds |= {t for t, o in owner.items() if o in reps}
    visible: set[str] = set()
    stack = sorted(seeds)
    while stack:
        territory = stack.pop()
        if territory not in visible:
            visible.add(territory)
            stack.extend(children.get(territory, ()))
    tops = tuple(sorted(t for t in visible if parent.get(t) not in visible))
    shared: frozenset[str] = frozenset()
    if visible and _has_table(store, "account_shares"):
        shared = frozenset(a for (a,) in store.rows(
            "SELECT DISTINCT s.account_id FROM account_shares s LEFT JOIN accounts a USING (account_id) "
            "WHERE s.territory_id IN (SELECT unnest(?)) "
            "AND (a.territory_id IS NULL OR a.territory_id NOT IN (SELECT unnest(?)))",
            [sorted(visible), sorted(visible)]))
    return Visibility(frozenset(visible), tops, shared)


def scope_for(store: Session, viewer: Viewer, requested: Iterable[str] | None) -> ScopeChoice:
    """The scope to compute for: `requested` (territory ids; None = company) intersected with what
    `viewer` sees. An ancestor of visible territories narrows to them; ids outside the visible set
    (or unknown) are refused; when nothing requested is left, the viewer's own scope is used."""
    requested = None if requested is None else [t for t in dict.fromkeys(requested) if t]
    seen = visibility(store, viewer)
    if requested is None:
        return ScopeChoice(None if seen.everything else seen.tops)
    parent, _, _ = _tree(store)
    known = [t for t in requested if t in parent]
    unknown = tuple(t for t in requested if t not in parent)
    if seen.everything:
        return ScopeChoice(tuple(known) if known else None, unknown)

    def ancestors(territory: str) -> set[str]:
        out, current = set(), parent.get(territory)
        while current is not None and current not in out and current in parent:
            out.add(current)
            current = parent.get(current)
        return out

    kept: list[str] = []
    refused = list(unknown)
    for territory in known:
        if territory in seen.territories:
            kept.append(territory)
        else:
            below = [top for top in seen.tops if territory in ancestors(top)]
            kept.extend(below) if below else refused.append(territory)
    if not kept:
        return ScopeChoice(seen.tops, tuple(refused))
    return ScopeChoice(tuple(dict.fromkeys(kept)), tuple(refused))
