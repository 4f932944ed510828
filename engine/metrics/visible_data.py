"""The sales data as one viewer may see it: the one gate every metric reads through.

`sales_data(store)` hands every metric, table, chart, map and download its frames; when the store
is bound to a restricted viewer (`engine.access.as_viewer`), this module cuts those frames down to
the viewer's territories and marks the tree with the visible top nodes, so that `scope_nodes`
narrows every requested scope to them. Totals, shares, leaderboards and exports computed from it
can only add up visible rows: a rep's company total is the total of what they see.
"""
from __future__ import annotations

import threading
from dataclasses import replace

import polars as pl

from engine.access.viewer_store import base_store, viewer_of
from engine.metrics.result_cache import ResultCache
from engine.access.visibility import visibility


def visible_data(data, store):
    """`data` (a SalesData) restricted to what the store's viewer sees; itself when they see all."""
    viewer = viewer_of(store)
    if viewer.sees_everything:
        return data
    # a viewer's cut copies the deals they see (a region: a million rows): one build at a time
    return data.built(("visible", viewer), lambda: _restrict(data, base_store(store), viewer))


def _restrict(data, store, viewer):
    seen = visibility(store, viewer)
    tree = data.tree
    nodes = sorted(tree.node_of(t) for t in seen.territories if tree.has(t))
    tops = tuple(sorted(tree.node_of(t) for t in seen.tops if tree.has(t)))
    inside = pl.col("node").is_in(pl.Series(nodes, dtype=pl.UInt32).implode())
    accounts = data.accounts.filter(inside | pl.col("account_id").is_in(sorted(seen.shared_accounts))) \
        if seen.shared_accounts else data.accounts.filter(inside)
    deals = data.deals.filter(inside)
    members = data.members.filter(inside.fill_null(False))
    reps = set(members["rep_id"].drop_nulls().unique().to_list()) \
        | set(deals["rep"].drop_nulls().unique().to_list()) \
        | set(tree.nodes.filter(inside)["owner_rep_id"].drop_nulls().to_list()) \
        | ({viewer.rep_id} if viewer.rep_id else set())
    targets = data.targets.filter(inside.fill_null(False)
                                  | ((pl.col("scope") == "rep") & pl.col("scope_id").is_in(sorted(reps))))
    return replace(
        data, tree=replace(tree, visible_tops=tops), deals=deals, closed=data.closed.filter(inside),
        open=data.open.filter(inside), targets=targets, members=members,
        reps=data.reps.filter(pl.col("rep_id").is_in(sorted(reps))), accounts=accounts,
        closed_cube=None if data.closed_cube is None else data.closed_cube.filter(inside),
        # A memo and frames of its own: nothing computed for this viewer is served to another, and
        # nothing computed on the whole company (per_version cubes, the planner baseline) to them.
        memo=ResultCache(), memo_lock=threading.Lock(), frames={}, frame_locks={})
