"""Which territories must not share a colour, and the company's colouring from it.

Two territories are neighbours when they are drawn side by side: siblings (their bars stand next
to each other), or territories of the same depth (or two leaves) whose accounts' units — states,
countries, provinces — touch or are shared. A unit holding under STRAY_SHARE of a territory's
accounts does not count (a stray account in Hawaii does not make a territory Hawaii's neighbour).
"""
from __future__ import annotations

from functools import cache
from itertools import combinations

import polars as pl
import shapely

from engine.charts.palette import colour_territories, use_territory_colours
from engine.geo.boundaries import unit_shapes
from engine.metrics.sales_data import SalesData
from engine.territories.hierarchy import COMPANY_ID, UNASSIGNED_ID

STRAY_SHARE = 0.02
TOUCH_DEG = 0.1  # units closer than this (degrees) touch: shipped borders do not always meet exactly


@cache
def unit_neighbours() -> dict[str, frozenset[str]]:
    """Every shipped unit's touching units (within TOUCH_DEG), computed once per process."""
    shapes = unit_shapes()
    units = list(shapes)
    simplified = [shapely.simplify(shapes[u], 0.02) for u in units]
    tree = shapely.STRtree(simplified)
    left, right = tree.query(simplified, predicate="dwithin", distance=TOUCH_DEG)
    out: dict[str, set[str]] = {u: set() for u in units}
    for a, b in zip(left.tolist(), right.tolist()):
        if a != b:
            out[units[a]].add(units[b])
    return {u: frozenset(n) for u, n in out.items()}


def territory_units(data: SalesData) -> dict[str, set[str]]:
    """Per territory id (every node, its subtree's accounts): the units holding at least
    STRAY_SHARE of its accounts."""
    accounts = data.accounts.filter(pl.col("node").is_not_null() & pl.col("unit").is_not_null())
    by_node = accounts.group_by("node", "unit").agg(pl.len().alias("accounts"))
    rolled = (by_node.join(data.tree.pairs, on="node").group_by("ancestor", "unit").agg(pl.col("accounts").sum())
              .filter(pl.col("accounts") >= STRAY_SHARE * pl.col("accounts").sum().over("ancestor")))
    grouped = rolled.group_by("ancestor").agg(pl.col("unit"))
    tree = data.tree
    return {tree.id_of(node): set(units) for node, units in grouped.iter_rows()}


def territory_neighbours(data: SalesData) -> dict[str, set[str]]:
    """Per territory id: the territories it must differ from in colour (see the module docstring)."""
    tree = data.tree
    nodes = [n for n in range(tree.nodes.height) if tree.id_of(n) not in (COMPANY_ID, UNASSIGNED_ID)]
    out: dict[str, set[str]] = {tree.id_of(n): set() for n in nodes}
    for node in nodes:
        siblings = [c for c in tree.children(tree.parent(node))] if tree.parent(node) is not None else []
        out[tree.id_of(node)].update(tree.id_of(c) for c in siblings if c != node and tree.id_of(c) in out)
    units = territory_units(data)
    near = unit_neighbours()
    reach = {t: u | {v for unit in u for v in near.get(unit, ())} for t, u in units.items()}
    for a, b in combinations([n for n in nodes if tree.id_of(n) in units], 2):
        same_rank = tree.depth(a) == tree.depth(b) or (tree.is_leaf(a) and tree.is_leaf(b))
        if same_rank and not tree.is_below(a, b) and not tree.is_below(b, a):
            ids = tree.id_of(a), tree.id_of(b)
            if reach[ids[0]] & units[ids[1]]:
                out[ids[0]].add(ids[1])
                out[ids[1]].add(ids[0])
    return out


def company_colours(data: SalesData) -> dict[str, str]:
    """The company's territory colouring (neighbours differ), memoised per data version, and made
    what `engine.charts.palette.territory_colour` answers."""
    colours = data.cached(("territory_colours",), lambda: colour_territories(territory_neighbours(data)))
    use_territory_colours(colours)
    return colours
