"""Pydeck maps of performance: territories drawn with their real boundaries, coloured by attainment.

Offline first: no basemap unless `basemap_url` is set — the shipped country borders and coastlines
(and US state / Chinese province lines) are the base layer. Each row of the attainment table
(region, territory or rep) is the union of the units it holds (`engine.charts.map_shapes`),
or, where territories share a unit, of the H3 cells their accounts lie in, coloured
red/amber/green by attainment and outlined in its own colour, with one label per row
where labels do not collide; accounts show as points (few) or grid-cell density (many), and
unassigned accounts as rings of their own, never as a shape. The builders are pure.
"""
from __future__ import annotations


import polars as pl
import pydeck as pdk
import shapely

from engine.charts.deck import CompactDeck, fit_view, offline_deck
from engine.charts.map_shapes import (drawing_precision, label_point, place_labels, polygon_rows, row_cells, row_units,
                                     union_of)
from engine.geo.hexagons import cells_shape
from engine.charts.palette import attainment_colour, hex_to_rgb, territory_colour
from engine.i18n import fmt_money, fmt_pct
from engine.metrics.sales_data import SalesData
from engine.territories.hierarchy import UNASSIGNED_ID

TERRITORY_LAYER, ACCOUNT_LAYER, LABEL_LAYER = "territories", "accounts", "labels"
UNASSIGNED_LAYER = "unassigned"
POINTS_UP_TO = 4_000  # more accounts than this are drawn as grid-cell density
LABEL_SIZE = 14


def _located_accounts(data: SalesData) -> pl.DataFrame:
    """Accounts with coordinates, reduced to distinct ~5 km cells per territory node, owner and
    unit (shapes and density do not need every account of a million)."""
    def compute() -> pl.DataFrame:
        return (data.accounts.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
                .group_by("node", "owner_rep_id", "unit", (pl.col("lon") * 20).round() / 20,
                          (pl.col("lat") * 20).round() / 20)
                .agg(pl.len().alias("accounts")))
    return data.cached(("located_accounts",), compute)


def row_accounts(data: SalesData, table: pl.DataFrame, scope_members: list[int]) -> pl.DataFrame:
    """The located account cells of each row of an attainment table: columns id, unit, lon, lat,
    accounts. Territory rows take the accounts of their subtree (within the scope); rep rows the
    accounts the rep owns (within the scope)."""
    cells = _located_accounts(data).filter(pl.col("node").is_in(scope_members))
    if table.height and table["level"][0] == "rep":
        return (cells.filter(pl.col("owner_rep_id").is_in(table["id"].drop_nulls().to_list()))
                .select(pl.col("owner_rep_id").alias("id"), "unit", "lon", "lat", "accounts"))
    tree = data.tree
    wanted = {tree.node_of(i): i for i in table["id"].to_list() if tree.has(i)}
    mapping = tree.pairs.filter(pl.col("ancestor").is_in(list(wanted))).with_columns(
        pl.col("ancestor").replace_strict(list(wanted), list(wanted.values()), return_dtype=pl.String).alias("id"))
    # A node shown as a row *and* as an ancestor of another row (a "direct" row) keeps only its own.
    direct_rows = [n for n in wanted if any(tree.is_below(m, n) and m != n for m in wanted)]
    mapping = mapping.filter(~pl.col("ancestor").is_in(direct_rows) | (pl.col("node") == pl.col("ancestor")))
    # (cast: with no row to map, as in a database nothing has been imported into yet, polars
    # cannot know the empty mapping's ids are text)
    return (cells.join(mapping.select("node", pl.col("id").cast(pl.String)), on="node")
            .select("id", "unit", "lon", "lat", "accounts"))


def row_geometry(cells: pl.DataFrame) -> dict[str, dict]:
    """Per row id of `cells` (columns id, unit, lon, lat, accounts) that owns a unit (see
    `map_shapes.row_units`) or H3 cells (`map_shapes.row_cells`): its `shape` (the union of its
    units and cells, a MultiPolygon), `units`, `cells`, `resolution` (of its cells, else None), the
    `accounts` it holds there, and a label point `lon`, `lat`; `map_layers` adds `polygons`, the
    shape as PolygonLayer rings at the fitted view's precision."""
    owned = row_units(cells)
    hexagons = row_cells(cells, owned)
    shapes = {row: union_of(units) for row, units in owned.items()}
    owned_area = shapely.union_all(list(shapes.values())) if shapes else shapely.MultiPolygon()
    drawn = shapely.MultiPolygon()
    # finest cells first: a metro territory's small cells cut into a wider territory's big ones
    taken = [u for units in owned.values() for u in units]
    for row, (_, held) in sorted(hexagons.items(), key=lambda item: (-item[1][0], item[0])):
        area = shapely.difference(cells_shape(held), shapely.union(owned_area, drawn))
        shared = cells.filter((pl.col("id") == row) & (~pl.col("unit").is_in(taken) | pl.col("unit").is_null()))
        if shared.height and shared["unit"].null_count() == 0:  # cells stop at the shared units' coasts
            area = shapely.intersection(area, union_of(shared["unit"].unique().sort().to_list()))
        drawn = shapely.union(drawn, area)
        shapes[row] = _multipolygon(shapely.union(shapes.get(row, shapely.MultiPolygon()), area))
    out = {}
    for row_id, shape in sorted(shapes.items()):
        if shape.is_empty:
            continue
        units = owned.get(row_id, [])
        resolution, held_cells = hexagons.get(row_id, (None, []))
        held = cells.filter(pl.col("id") == row_id)
        lon, lat = label_point(shape, held)
        inside = held.filter(pl.col("unit").is_in(units)) if not held_cells else held
        out[row_id] = {"shape": shape, "units": units, "cells": held_cells, "resolution": resolution,
                       "accounts": int(inside["accounts"].sum()), "lon": lon, "lat": lat}
    return out


def _multipolygon(shape) -> shapely.MultiPolygon:
    """The polygons of any shapely geometry (a difference can leave lines and points) as one MultiPolygon."""
    return shapely.MultiPolygon([p for p in shapely.get_parts(shape) if isinstance(p, shapely.Polygon) and p.area > 0])


SHAPE_SCHEMA = {"id": pl.String, "name": pl.String, "polygon": pl.List(pl.List(pl.List(pl.Float64))),
                "accounts": pl.Int64, "lon": pl.Float64, "lat": pl.Float64, "fill": pl.List(pl.Int64),
                "line": pl.List(pl.Int64), "won_text": pl.String, "target_text": pl.String,
                "attainment_text": pl.String, "pipeline_text": pl.String}


def _tooltip_texts(figure: dict, lang: str, currency: str) -> dict[str, str]:
    return {"won_text": fmt_money(figure["won"], lang, currency), "target_text": fmt_money(figure["target"], lang, currency),
            "attainment_text": fmt_pct(figure["attainment"], lang),
            "pipeline_text": fmt_money(figure["pipeline"], lang, currency)}


def territory_shapes(table: pl.DataFrame, geometry: dict[str, dict], lang: str = "en", currency: str = "USD",
                     red_below: float = 0.7, green_from: float = 1.0) -> pl.DataFrame:
    """One row per polygon part of every row of `table` that has a geometry (see `row_geometry`):
    columns id, name, polygon (rings of [lon, lat], outer first), fill (RGBA by attainment), line
    (RGBA, the row's own colour), accounts, lon, lat (the row's label point), and the tooltip
    texts won_text, target_text, attainment_text, pipeline_text."""
    rows = []
    for figure in table.iter_rows(named=True):
        shape = geometry.get(figure["id"])
        if shape is None:
            continue
        colour = attainment_colour(figure["attainment"], red_below, green_from)
        common = {"id": figure["id"], "name": figure["name"], "accounts": shape["accounts"], "lon": shape["lon"],
                  "lat": shape["lat"], "fill": hex_to_rgb(colour, 120),
                  "line": hex_to_rgb(territory_colour(figure["id"]), 255), **_tooltip_texts(figure, lang, currency)}
        rows.extend({**common, "polygon": polygon} for polygon in shape["polygons"])
    return pl.DataFrame(rows, schema=SHAPE_SCHEMA)


def account_density(cells: pl.DataFrame) -> pl.DataFrame:
    """Accounts to draw: columns lon, lat, accounts, radius (metres), unassigned (bool: the cell's
    accounts belong to no territory). Individual cells when few, else aggregated to a grid whose
    cell size follows the data's extent."""
    schema = {"lon": pl.Float64, "lat": pl.Float64, "accounts": pl.Int64, "radius": pl.Float64, "unassigned": pl.Boolean}
    if cells.is_empty():
        return pl.DataFrame(schema=schema)
    if "unassigned" not in cells.columns:
        cells = cells.with_columns(unassigned=pl.lit(False))
    if cells.height > POINTS_UP_TO:
        span = max(cells["lon"].max() - cells["lon"].min(), cells["lat"].max() - cells["lat"].min(), 1.0)
        step = span / 120
        cells = (cells.group_by((pl.col("lon") / step).round() * step, (pl.col("lat") / step).round() * step,
                                "unassigned").agg(pl.col("accounts").sum()))
    else:
        cells = cells.group_by("lon", "lat", "unassigned").agg(pl.col("accounts").sum())
    return cells.with_columns(pl.col("accounts").cast(pl.Int64),
                              (pl.col("accounts").cast(pl.Float64).sqrt() * 6_000 + 4_000).alias("radius")
                              ).select(list(schema)).sort("lon", "lat", "unassigned")


def map_view(density: pl.DataFrame) -> pdk.ViewState:
    """The Overview map's view: fitted to where the accounts are, the outlying 1% on each side
    left out (an account or two in Hawaii should not shrink the mainland to a stamp)."""
    return fit_view(density["lon"].to_numpy(), density["lat"].to_numpy(), trim=0.01)


def labels_for(shapes: pl.DataFrame, view: pdk.ViewState) -> pl.DataFrame:
    """One label per territory (name, lon, lat, accounts), colliding ones left out (`place_labels`)."""
    labels = shapes.unique("id", keep="first", maintain_order=True).select("name", "lon", "lat", "accounts")
    return place_labels(labels, view, LABEL_SIZE)


def performance_deck(shapes: pl.DataFrame, density: pl.DataFrame, *, basemap_url: str = "",
                     tooltip_labels: dict[str, str] | None = None) -> CompactDeck:
    """The Overview map: the offline base map, territory shapes (pickable, layer id 'territories'),
    account density, unassigned accounts as rings (layer 'unassigned') and the labels that fit.
    `tooltip_labels` gives the translated words Won/Target/Attainment/Pipeline/Accounts."""
    labels = {"won": "Won", "target": "Target", "attainment": "Attainment", "pipeline": "Pipeline",
              "accounts": "Accounts", **(tooltip_labels or {})}
    view = map_view(density) if density.height else fit_view(shapes["lon"].to_numpy(), shapes["lat"].to_numpy())
    assigned, orphans = density.filter(~pl.col("unassigned")), density.filter(pl.col("unassigned"))
    layers = [
        pdk.Layer("PolygonLayer", id=TERRITORY_LAYER, data=shapes.to_dicts(), get_polygon="polygon",
                  get_fill_color="fill", get_line_color="line", line_width_min_pixels=2, stroked=True,
                  filled=True, pickable=True, auto_highlight=True, highlight_color=[255, 255, 255, 90]),
        pdk.Layer("ScatterplotLayer", id=ACCOUNT_LAYER, data=assigned.to_dicts(), get_position=["lon", "lat"],
                  get_radius="radius", radius_min_pixels=2, radius_max_pixels=12,
                  get_fill_color=[31, 41, 51, 110], pickable=False),
        pdk.Layer("ScatterplotLayer", id=UNASSIGNED_LAYER,
                  data=orphans.to_dicts(), get_position=["lon", "lat"],
                  get_radius="radius", radius_min_pixels=3, radius_max_pixels=12, stroked=True, filled=True,
                  get_fill_color=[255, 255, 255, 230], get_line_color=[31, 41, 51, 255], line_width_min_pixels=1.5,
                  pickable=False),
        pdk.Layer("TextLayer", id=LABEL_LAYER, data=labels_for(shapes, view).to_dicts(), get_position=["lon", "lat"],
                  get_text="name", get_size=LABEL_SIZE, get_color=[31, 41, 51, 255], background=True,
                  get_background_color=[255, 255, 255, 200], background_padding=[3, 1, 3, 1],
                  character_set=pdk.types.String("auto"), pickable=False),
    ]
    tooltip = {"html": (f"<b>{{name}}</b><br/>{labels['won']}: {{won_text}} · {labels['target']}: {{target_text}}"
                        f"<br/>{labels['attainment']}: {{attainment_text}}<br/>{labels['pipeline']}: {{pipeline_text}}"
                        f"<br/>{labels['accounts']}: {{accounts}}"),
               "style": {"fontSize": "13px"}}
    return offline_deck(layers, view, tooltip, basemap_url)


def map_layers(data: SalesData, table: pl.DataFrame, scope: list[str] | None, *, lang: str = "en",
               currency: str = "USD", red_below: float = 0.7, green_from: float = 1.0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shapes, density) for the rows of `table` within `scope`: what `performance_deck` draws.
    The geometry depends only on who owns which accounts, not on the period: it is memoised per
    data version, rows and scope, and only the colours and tooltips are redone per period."""
    level = table["level"][0] if table.height else ""
    key = ("map_geometry", level, tuple(table["id"].to_list()), None if scope is None else tuple(scope))

    tree = data.tree

    def compute():
        cells = row_accounts(data, table, tree.scope_members(scope))
        # Industry, segment or named-account territories span the globe, and unassigned accounts
        # belong nowhere: they are drawn as accounts, never as a shape.
        not_places = data.tree.nodes.filter(pl.col("type").is_not_null() & (pl.col("type") != "geo"))["territory_id"]
        shaped = cells.filter(~pl.col("id").is_in([*not_places.to_list(), UNASSIGNED_ID]))
        # Unassigned accounts show as points whether or not the table has a row for them.
        # (the tree has an Unassigned node only when some deal needs one; an orphan account's node is null then)
        located = _located_accounts(data)
        orphan = pl.col("node").is_null()
        if tree.has(UNASSIGNED_ID):
            orphan = orphan | (pl.col("node") == tree.node_of(UNASSIGNED_ID))
        orphans = located.filter(orphan) if scope is None or UNASSIGNED_ID in scope else located.clear()
        points = pl.concat([cells.filter(pl.col("id") != UNASSIGNED_ID).select("lon", "lat", "accounts",
                                                                               unassigned=pl.lit(False)),
                            orphans.select("lon", "lat", "accounts", unassigned=pl.lit(True))])
        density = account_density(points)
        geometry = row_geometry(shaped)
        # drawn at the fitted view: detail under half a pixel only costs JSON on every rerun
        tolerance, decimals = drawing_precision(map_view(density) if density.height else fit_view([], []))
        for shape in geometry.values():
            shape["polygons"] = polygon_rows(shapely.simplify(shape["shape"], tolerance, preserve_topology=True),
                                             decimals)
        return geometry, density
    geometry, density = data.cached(key, compute)
    return territory_shapes(table, geometry, lang, currency, red_below, green_from), density
