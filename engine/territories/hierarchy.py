"""The territory tree as the metrics see it: company → regions → … → territories, any depth.

Every territory becomes a small integer *node* so that deals can be grouped cheaply and then
rolled up to every ancestor through the (node, ancestor) pairs. "Regions" are the children of the
company (root) node. When the data has several roots (or none), a virtual company node sits above
them; deals booked on no known territory roll up through a synthetic "Unassigned" region so that
company totals always include every deal.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from engine.store.errors import NotFoundError, StoreError

COMPANY_ID = "__company__"
UNASSIGNED_ID = "__unassigned__"
COMPANY_NAME = "Company"
UNASSIGNED_NAME = "Unassigned"


@dataclass(frozen=True)
class Hierarchy:
    """The tree. `nodes` has columns node (u32), territory_id, name, parent_id, parent_node, depth,
    region_node, is_leaf, owner_rep_id, type (geo, industry, named-accounts …); row i describes node i. `pairs` has one row per
    (node, ancestor) including the node itself, for rolling figures up."""

    nodes: pl.DataFrame
    pairs: pl.DataFrame
    root: int
    _index: dict[str, int] = field(repr=False)
    _parent: list[int | None] = field(repr=False)
    _children: list[list[int]] = field(repr=False)
    _depth: list[int] = field(repr=False)
    # The top-most nodes a restricted viewer sees (engine.access); None = the whole tree. Every
    # scope is read through `scope_nodes`, so this is where a scope meets what the viewer sees.
    visible_tops: tuple[int, ...] | None = None

    # --- lookups -------------------------------------------------------------------------------
    def node_of(self, territory_id: str) -> int:
        try:
            return self._index[territory_id]
        except KeyError:
            raise NotFoundError(f"There is no territory with id '{territory_id}'.",
                                hint="Pick a territory from the list, or check the scope in the URL.") from None

    def has(self, territory_id: str | None) -> bool:
        return territory_id in self._index

    def id_of(self, node: int) -> str:
        return self.nodes["territory_id"][node]

    def name_of(self, node: int) -> str:
        return self.nodes["name"][node]

    def parent(self, node: int) -> int | None:
        return self._parent[node]

    def children(self, node: int) -> list[int]:
        return list(self._children[node])

    def depth(self, node: int) -> int:
        return self._depth[node]

    def regions(self) -> list[int]:
        return self.children(self.root)

    def is_leaf(self, node: int) -> bool:
        return not self._children[node]

    def path(self, node: int) -> list[int]:
        """Nodes from the root down to `node` (the breadcrumb)."""
        out = [node]
        while (up := self._parent[out[-1]]) is not None:
            out.append(up)
        return out[::-1]

    def subtree(self, node: int) -> list[int]:
        out, stack = [], [node]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self._children[current])
        return out

    def is_below(self, node: int, ancestor: int) -> bool:
        """True when `node` is `ancestor` or one of its descendants."""
        while node is not None:
            if node == ancestor:
                return True
            node = self._parent[node]
        return False

    def leaves(self, under: int | None = None) -> list[int]:
        return [n for n in self.subtree(self.root if under is None else under) if not self._children[n]]

    # --- scope ----------------------------------------------------------------------------------
    def scope_nodes(self, scope: Iterable[str] | None) -> list[int]:
        """The top-most nodes of a scope given as territory ids (None = the whole company).
        Ids below another id of the scope are dropped: their figures are already inside."""
        if scope is None:
            return [self.root] if self.visible_tops is None else list(self.visible_tops)
        nodes = sorted({self.node_of(t) for t in scope})
        if self.visible_tops is not None:  # inside what the viewer sees; an ancestor narrows to it
            nodes = sorted({n for n in nodes if any(self.is_below(n, v) for v in self.visible_tops)}
                           | {v for v in self.visible_tops if any(self.is_below(v, n) for n in nodes)})
        if not nodes:
            return []
        return [n for n in nodes if not any(o != n and self.is_below(n, o) for o in nodes)]

    def scope_members(self, scope: Iterable[str] | None) -> list[int]:
        """Every node inside the scope (the scope's top nodes and all their descendants)."""
        out: list[int] = []
        for node in self.scope_nodes(scope):
            out.extend(self.subtree(node))
        return out


def build_hierarchy(territories: pl.DataFrame, *, with_unassigned: bool = False) -> Hierarchy:
    """Build the tree from the `territories` table (columns territory_id, name, parent_id and
    optionally owner_rep_id). A parent id that names no territory makes that territory a region."""
    rows = territories.select(
        pl.col("territory_id").cast(pl.String), pl.col("name").cast(pl.String),
        pl.col("parent_id").cast(pl.String),
        (pl.col("owner_rep_id") if "owner_rep_id" in territories.columns else pl.lit(None))
        .cast(pl.String).alias("owner_rep_id"),
    ).unique("territory_id", keep="first", maintain_order=True).rows()
    types = dict(zip(territories["territory_id"].to_list(), territories["type"].to_list())) \
        if "type" in territories.columns else {}
    known = {r[0] for r in rows}
    roots = [r for r in rows if r[2] is None or r[2] not in known or r[2] == r[0]]
    ids, names, parents, owners = [], [], [], []
    if len(roots) == 1 and any(r[2] == roots[0][0] for r in rows if r is not roots[0]):
        real_root = roots[0][0]
    else:
        real_root = None
        ids.append(COMPANY_ID), names.append(COMPANY_NAME), parents.append(None), owners.append(None)
    root_id = real_root or COMPANY_ID
    for territory_id, name, parent_id, owner in rows:
        ids.append(territory_id)
        names.append(name or territory_id)
        owners.append(owner)
        if territory_id == root_id:
            parents.append(None)
        elif parent_id is None or parent_id not in known or parent_id == territory_id:
            parents.append(root_id)
        else:
            parents.append(parent_id)
    if with_unassigned:
        ids.append(UNASSIGNED_ID), names.append(UNASSIGNED_NAME), parents.append(root_id), owners.append(None)

    index = {t: i for i, t in enumerate(ids)}
    parent_node = [None if p is None else index[p] for p in parents]
    children: list[list[int]] = [[] for _ in ids]
    for node, up in enumerate(parent_node):
        if up is not None:
            children[up].append(node)
    root = index[root_id]
    depth = [-1] * len(ids)
    depth[root] = 0
    order = [root]
    for node in order:  # breadth-first from the root; nodes never reached sit on a cycle
        for child in children[node]:
            depth[child] = depth[node] + 1
            order.append(child)
    if len(order) != len(ids):
        stuck = sorted(ids[n] for n in range(len(ids)) if depth[n] < 0)
        raise StoreError(f"The territories {', '.join(stuck[:5])} are their own ancestors (a cycle in parent_id).",
                         hint="Fix the parent of one of them on the Territories page or in the import file.")
    region = [None] * len(ids)
    for node in order[1:]:
        region[node] = node if depth[node] == 1 else region[parent_node[node]]

    nodes = pl.DataFrame({
        "node": pl.Series(range(len(ids)), dtype=pl.UInt32), "territory_id": ids, "name": names,
        "parent_id": [None if p is None else ids[p] for p in parent_node],
        "parent_node": pl.Series(parent_node, dtype=pl.UInt32), "depth": depth,
        "region_node": pl.Series(region, dtype=pl.UInt32),
        "is_leaf": [not c for c in children], "owner_rep_id": pl.Series(owners, dtype=pl.String),
        "type": pl.Series([types.get(i) for i in ids], dtype=pl.String),
    })
    pair_node, pair_ancestor = [], []
    for node in range(len(ids)):
        up: int | None = node
        while up is not None:
            pair_node.append(node)
            pair_ancestor.append(up)
            up = parent_node[up]
    pairs = pl.DataFrame({"node": pl.Series(pair_node, dtype=pl.UInt32),
                          "ancestor": pl.Series(pair_ancestor, dtype=pl.UInt32)})
    return Hierarchy(nodes, pairs, root, index, parent_node, children, depth)
