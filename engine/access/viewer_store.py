"""A store bound to a viewer: every read and write made through it knows who asks.

Pages and the CLI hand the engine `as_viewer(store, viewer)` instead of the bare store. The metrics'
`sales_data` then keeps only the rows the viewer sees, the planner baseline and the other readers
filter their frames with `restrict_frame`, and writers take their actor from `viewer_of`. A bare
store (tests, the demo builder, the CLI without `--as-user`) acts as the local admin.
"""
from __future__ import annotations

import polars as pl

from engine.access.visibility import LOCAL, Viewer, visibility


class ViewerStore:
    """The store, seen by `viewer`. Everything but `viewer` and `base` is the store's own."""

    def __init__(self, base, viewer: Viewer) -> None:
        self.base = getattr(base, "base", base)
        self.viewer = viewer

    def __getattr__(self, name: str):
        return getattr(self.base, name)

    # Equal and hashed by (database, viewer): caches keyed on the store keep viewers apart.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ViewerStore) and other.base is self.base and other.viewer == self.viewer

    def __hash__(self) -> int:
        return hash((id(self.base), self.viewer))

    def __repr__(self) -> str:
        return f"ViewerStore({getattr(self.base, 'path', '?')!r}, {self.viewer.name!r})"


def as_viewer(store, viewer: Viewer | None):
    """`store` as `viewer` sees it (None or the local admin: the store itself)."""
    if viewer is None or viewer == LOCAL:
        return getattr(store, "base", store)
    return ViewerStore(store, viewer)


def base_store(store):
    return getattr(store, "base", store)


def viewer_of(store) -> Viewer:
    """Who is asking through `store`: its viewer, else the local admin."""
    return getattr(store, "viewer", None) or LOCAL


def actor_of(store) -> str:
    """The name recorded on writes made through `store`."""
    return viewer_of(store).name


def recorded_actor(store, given: str | None, action: str) -> str | None:
    """Check that the store's viewer may do `action`, and return the name to record on the write:
    the signed-in user of a viewer-bound store (never free text), else `given` (a bare store: the
    CLI or a test, acting as the local admin)."""
    from engine.access.permissions import require

    require(viewer_of(store), action)
    return store.viewer.name if getattr(store, "viewer", None) else (given or LOCAL.name)


def restrict_frame(store, frame: pl.DataFrame, territory_column: str = "territory_id",
                   account_column: str | None = None) -> pl.DataFrame:
    """Only the rows of `frame` the store's viewer may see: their territories, plus (when
    `account_column` is given) the accounts shared to them."""
    seen = visibility(base_store(store), viewer_of(store))
    if seen.everything:
        return frame
    keep = pl.col(territory_column).is_in(sorted(seen.territories))
    if account_column and seen.shared_accounts:
        keep = keep | pl.col(account_column).is_in(sorted(seen.shared_accounts))
    return frame.filter(keep.fill_null(False))
