"""Who may change what. Pages hide what a role may not do; these checks refuse it regardless.

Every write in the engine asks `require(actor, action, ...)` before it touches the database, so a
page that forgot to hide a button, a crafted request or a CLI run `--as-user` all meet the same
refusal (`PermissionDenied`, a TerrainError the pages show and the CLI turns into exit 2).
"""
from __future__ import annotations

from collections.abc import Iterable

from engine.store.errors import TerrainError
from engine.access.visibility import Viewer, visibility

ACTIONS = ("import", "targets", "rules", "territories", "scenarios", "users")
# The roles that own each kind of write; a manager sets targets only inside their subtree.
OWNERS: dict[str, tuple[str, ...]] = {
    "import": ("admin", "sales_ops"),
    "targets": ("admin", "sales_ops", "manager"),
    "rules": ("admin", "sales_ops"),
    "territories": ("admin", "sales_ops"),
    "scenarios": ("admin", "sales_ops"),
    "users": ("admin",),
}
_WHAT = {"import": "import data", "targets": "save targets", "rules": "change assignment rules",
         "territories": "change territories", "scenarios": "apply, undo or delete scenarios",
         "users": "manage users"}


class PermissionDenied(TerrainError):
    title = "Not allowed"


def may(viewer: Viewer, action: str) -> bool:
    """True when the viewer's role owns `action` (a manager's targets still need `require`'s
    territory check)."""
    if action not in OWNERS:
        raise ValueError(f"unknown action {action!r}")
    return viewer.role in OWNERS[action]


def require(viewer: Viewer, action: str, *, store=None, territories: Iterable[str] = ()) -> None:
    """Refuse `action` unless the viewer may do it; for a manager's targets, every territory id
    in `territories` must lie inside what they see (needs `store`)."""
    if not may(viewer, action):
        raise PermissionDenied(f"{viewer.name} ({viewer.role}) may not {_WHAT[action]}.",
                               hint="Ask an admin or sales ops to do it, or to change your role.")
    wanted = sorted(set(territories))
    if viewer.sees_everything or not wanted:
        return
    if store is None:
        raise ValueError("require() needs the store to check territories")
    seen = visibility(store, viewer).territories or frozenset()
    outside = [t for t in wanted if t not in seen]
    if outside:
        raise PermissionDenied(
            f"{viewer.name} may not {_WHAT[action]} for {', '.join(outside[:5])}: outside their territories.",
            hint="Pick a territory inside your own, or ask sales ops.")
