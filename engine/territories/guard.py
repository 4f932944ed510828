"""Every write to the territory model asks engine.access first: the role must own the change
(`rules` for the assignment rules, `territories` for the tree, memberships, ownership, shares and
the pool), and a signed-in user is who gets recorded, whatever name the caller passed.

Without a signed-in user (the CLI, local mode) the caller's actor is kept as given, so a change
made without one does not overwrite the actor an earlier step recorded.
"""
from __future__ import annotations

from engine.access.permissions import require
from engine.access.viewer_store import viewer_of


def checked_actor(store, actor: str | None, action: str) -> str | None:
    """Refuse `action` unless the store's viewer may make it; the actor to record."""
    require(viewer_of(store), action)
    return store.viewer.name if getattr(store, "viewer", None) else actor
