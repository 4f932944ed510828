"""Territory shapes made of real boundaries, a base map, and labels that do not collide.

A row of an attainment table (region, territory or rep) is drawn as the union of the units
(countries, US states, Chinese provinces — `engine.geo.boundaries`) where it holds nearly all the
accounts: a unit belongs to one row only, so shapes never overlap, and a unit with a couple of
stray accounts of another row stays with its owner. Where rows share a unit (territories of postal
codes splitting a state) or accounts lie in no unit, each row is drawn as the H3 cells its accounts
there lie in (`engine.geo.hexagons`). Unassigned accounts and territories that are not places
(industry, named accounts) are never a shape: the map shows them as points.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import polars as pl
import shapely

from engine.geo.boundaries import SUBDIVIDED, boundaries, unit_shapes
from engine.geo.hexagons import point_cells, resolution_for

OWNED_FROM = 0.9  # a row holding this share of a unit's accounts takes the whole unit
MIN_HOLE_DEG2 = 0.05  # ~500 km²: smaller holes in a union are gaps between neighbours' borders
VIEW_WIDTH_PX, VIEW_HEIGHT_PX = 620, 460  # what the map's column shows on a laptop


def row_units(cells: pl.DataFrame, owned_from: float = OWNED_FROM) -> dict[str, list[str]]:
    """From account counts per (id, unit): the units each row owns — those where it holds more
    accounts than any other row (ties: the smaller id) and at least `owned_from` of them. Rows are
    sorted by id, units by code."""
    counted = cells.drop_nulls(["id", "unit"]).group_by("id", "unit").agg(pl.col("accounts").sum())
    owners = (counted.with_columns(share=pl.col("accounts") / pl.col("accounts").sum().over("unit"))
              .sort(["unit", "accounts", "id"], descending=[False, True, False])
              .unique("unit", keep="first", maintain_order=True)
              .filter(pl.col("share") >= owned_from))
    grouped = owners.group_by("id").agg(pl.col("unit").sort()).sort("id")
    return dict(zip(grouped["id"].to_list(), grouped["unit"].to_list()))


def row_cells(cells: pl.DataFrame, owned: dict[str, list[str]]) -> dict[str, tuple[int, list[str]]]:
    """For the accounts of `cells` (id, unit, lon, lat, accounts) that lie in no owned unit — in a
    unit rows share, or in none — per row: (H3 resolution chosen from the extent of those accounts,
    the sorted cells the row holds most of those accounts in; ties: the smaller id). Rows at the
    same resolution never share a cell."""
    taken = [u for units in owned.values() for u in units]
    loose = cells.drop_nulls(["id", "lon", "lat"]).filter(~pl.col("unit").is_in(taken) | pl.col("unit").is_null())
    if loose.is_empty():
        return {}
    extents = loose.group_by("id").agg(pl.col("lon").min().alias("w"), pl.col("lon").max().alias("e"),
                                       pl.col("lat").min().alias("s"), pl.col("lat").max().alias("n"))
    resolution = {row: resolution_for([w, e], [s, n]) for row, w, e, s, n in extents.iter_rows()}
    loose = loose.with_columns(pl.col("id").replace_strict(resolution, return_dtype=pl.Int64).alias("resolution"))
    placed = pl.concat([part.with_columns(point_cells(part, int(part["resolution"][0])).alias("cell"))
                        for part in loose.partition_by("resolution")])
    counted = placed.group_by("resolution", "cell", "id").agg(pl.col("accounts").sum())
    owners = (counted.sort(["cell", "accounts", "id"], descending=[False, True, False])
              .unique("cell", keep="first", maintain_order=True))
    grouped = owners.group_by("id").agg(pl.col("resolution").first(), pl.col("cell").sort()).sort("id")
    return {row: (res, held) for row, res, held in grouped.iter_rows()}


def union_of(units: list[str]) -> shapely.MultiPolygon:
    """The union of the units' shapes as one MultiPolygon (lon/lat). Countries and US states share
    their borders exactly (TopoJSON arcs), so a coverage union does it in milliseconds; China's
    provinces do not quite, so they take a full union, whose hairline gaps along shared borders
    come out as tiny holes — holes under MIN_HOLE_DEG2 are dropped (no province has a real one)."""
    shapes = unit_shapes()
    parts = [shapes[u] for u in units if u in shapes]
    try:
        merged = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:  # not an exact coverage
        merged = shapely.union_all(parts)
    polygons = []
    for part in shapely.get_parts(merged):
        if isinstance(part, shapely.Polygon) and part.area > 0:
            holes = [ring for ring in part.interiors if shapely.Polygon(ring).area >= MIN_HOLE_DEG2]
            polygons.append(shapely.Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polygons)


def label_point(shape: shapely.MultiPolygon, cells: pl.DataFrame) -> tuple[float, float]:
    """Where a shape's name goes (`cells`: the row's unit, lon, lat, accounts): in the part that
    holds most of its accounts (for US Pacific the lower 48, not Alaska), at the accounts' median
    — the middle of the business — or, when that falls outside the part, a point surely inside."""
    parts = list(shapely.get_parts(shape))
    lon, lat = cells["lon"].to_numpy(), cells["lat"].to_numpy()
    weights = cells["accounts"].to_numpy().astype(float)
    best = max(parts, key=lambda p: p.area)
    if len(parts) > 1 and len(lon):
        held = [weights[shapely.contains_xy(p, lon, lat)].sum() for p in parts]
        if max(held) > 0:
            best = parts[int(np.argmax(held))]
    inside = shapely.contains_xy(best, lon, lat) if len(lon) else np.zeros(0, dtype=bool)
    if inside.any():
        point = (_weighted_median(lon[inside], weights[inside]), _weighted_median(lat[inside], weights[inside]))
        if best.contains(shapely.Point(point)):
            return float(point[0]), float(point[1])
    surface = shapely.point_on_surface(best)
    return float(surface.x), float(surface.y)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def polygon_rows(shape: shapely.MultiPolygon, decimals: int = 3) -> list[list[list[list[float]]]]:
    """A MultiPolygon as deck.gl PolygonLayer polygons: per part, its rings (outer first, holes
    after) as [lon, lat] lists."""
    out = []
    for part in shapely.get_parts(shape):
        rings = [part.exterior, *part.interiors]
        out.append([np.round(shapely.get_coordinates(r), decimals).tolist() for r in rings])
    return out


def mercator_px(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator pixel coordinates at `zoom` (deck.gl: the world is 512 px wide at zoom 0)."""
    world = 512 * 2 ** zoom
    lat = np.clip(np.asarray(lat, dtype=float), -85.05, 85.05)
    x = (np.asarray(lon, dtype=float) + 180) / 360 * world
    y = (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2 * world
    return x, y


def text_width_px(text: str, size: float) -> float:
    """Width of a label at font `size`: Latin letters ~0.6 em, CJK characters a full em."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def label_boxes(labels: pl.DataFrame, view, size: float = 14, width_px: int = VIEW_WIDTH_PX,
                height_px: int = VIEW_HEIGHT_PX) -> list[tuple[float, float, float, float]]:
    """Screen boxes (left, top, right, bottom, in px from the view's top-left) of `labels` (name,
    lon, lat) centred on their points at the view's zoom."""
    x, y = mercator_px(labels["lon"].to_numpy(), labels["lat"].to_numpy(), view.zoom)
    cx, cy = mercator_px(np.array([view.longitude]), np.array([view.latitude]), view.zoom)
    x, y = x - cx[0] + width_px / 2, y - cy[0] + height_px / 2
    half_h = 0.6 * size + 2
    return [(xi - text_width_px(n, size) / 2 - 3, yi - half_h, xi + text_width_px(n, size) / 2 + 3, yi + half_h)
            for n, xi, yi in zip(labels["name"].to_list(), x.tolist(), y.tolist())]


def place_labels(labels: pl.DataFrame, view, size: float = 14, width_px: int = VIEW_WIDTH_PX,
                 height_px: int = VIEW_HEIGHT_PX) -> pl.DataFrame:
    """The labels (name, lon, lat, accounts) to draw: greedily, most accounts first, a label is kept
    when its box lies inside the view and overlaps no label kept before it."""
    if labels.is_empty():
        return labels
    ordered = labels.sort(["accounts", "name"], descending=[True, False])
    kept: list[int] = []
    boxes: list[tuple[float, float, float, float]] = []
    for index, box in enumerate(label_boxes(ordered, view, size, width_px, height_px)):
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width_px and box[3] <= height_px
        if inside and not any(overlap(box, other) for other in boxes):
            kept.append(index)
            boxes.append(box)
    return ordered[kept]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def drawing_precision(view) -> tuple[float, int]:
    """(simplification tolerance in degrees: half a pixel at the view's zoom, decimals worth keeping)."""
    tolerance = 360 / (512 * 2 ** view.zoom) / 2
    return tolerance, max(1, min(3, int(-math.log10(tolerance)) + 1))


def base_map(view, width_px: int = VIEW_WIDTH_PX, height_px: int = VIEW_HEIGHT_PX) -> tuple[list, list]:
    """The map under the territories, from the shipped boundaries only: (countries as PolygonLayer
    rows `{polygon}`, state/province borders as PathLayer rows `{path}`) — only what the view
    shows, simplified to half a pixel so a world view stays a few hundred KB. Memoised per view
    (rounded): reruns of a page redraw the same map."""
    return _base_map(round(view.longitude, 2), round(view.latitude, 2), round(view.zoom, 2), width_px, height_px)


@lru_cache(maxsize=32)
def _base_map(longitude: float, latitude: float, zoom: float, width_px: int, height_px: int) -> tuple[list, list]:
    degrees_per_px = 360 / (512 * 2 ** zoom)
    span_lon, span_lat = degrees_per_px * width_px, degrees_per_px * height_px / max(
        math.cos(math.radians(latitude)), 0.2)
    box = shapely.box(longitude - span_lon, max(latitude - span_lat, -90),
                      longitude + span_lon, min(latitude + span_lat, 90))
    frame = boundaries()
    shapes = unit_shapes()
    countries, borders = [], []
    tolerance, min_area = degrees_per_px / 2, 4 * degrees_per_px ** 2
    decimals = max(1, min(3, int(-math.log10(tolerance)) + 1))  # as drawing_precision
    for unit, kind, iso2 in frame.select("unit", "kind", "iso2").iter_rows():
        shape = shapes[unit]
        if not shape.intersects(box):
            continue
        # islands smaller than a few pixels are left out: at a world view they are most of the points
        parts = [p for p in shapely.get_parts(shapely.simplify(shape, tolerance, preserve_topology=True))
                 if p.area >= min_area]
        if kind == "country":
            countries.extend({"polygon": p} for p in polygon_rows(shapely.MultiPolygon(parts), decimals))
        elif iso2 in SUBDIVIDED:
            borders.extend({"path": np.round(shapely.get_coordinates(p.exterior), decimals).tolist()} for p in parts)
    return countries, borders
