"""Pydeck maps of performance: territories as filled hulls coloured by attainment, accounts as density.

Offline first: no basemap unless `basemap_url` is set, so the shapes themselves must carry the map —
each row of the attainment table (region, territory or rep) is drawn as the convex hull of its
accounts, coloured red/amber/green by attainment, with the accounts underneath as points (few) or
grid-cell density (many). The builders are pure: they return frames and a `pydeck.Deck`.
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl
import pydeck as pdk

from engine.i18n import fmt_money, fmt_pct
from engine.metrics.sales_data import SalesData
from engine.charts.palette import attainment_colour, hex_to_rgb, territory_colour

TERRITORY_LAYER, ACCOUNT_LAYER, LABEL_LAYER = "territories", "accounts", "labels"
POINTS_UP_TO = 4_000  # more accounts than this are drawn as grid-cell density


def _extremes(points: np.ndarray, step: float = 0.25) -> np.ndarray:
    """The only points a hull can use, on a `step`-degree grid: per column of the grid, the
    lowest and the highest point (turns 100k cells into a few hundred)."""
    frame = pl.DataFrame({"lon": (points[:, 0] / step).round() * step, "lat": (points[:, 1] / step).round() * step})
    ends = frame.group_by("lon").agg(pl.col("lat").min().alias("low"), pl.col("lat").max().alias("high"))
    return np.vstack([ends.select("lon", "low").to_numpy(), ends.select("lon", "high").to_numpy()])


def convex_hull(points: np.ndarray) -> list[list[float]]:
    """Andrew's monotone chain over an (n, 2) array of lon/lat; returns the ring (not closed).
    Fewer than three distinct points are widened into a small square so they stay visible."""
    pts = np.unique(_extremes(points) if len(points) > 200 else points, axis=0)
    if len(pts) < 3:
        lon, lat = pts.mean(axis=0)
        d = 1.0
        return [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    pts = pts[np.lexsort((pts[:, 1], pts[:, 0]))]

    def half(sequence):
        chain: list = []
        for p in sequence:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain
    lower, upper = half(pts), half(pts[::-1])
    ring = lower[:-1] + upper[:-1]
    return [[float(x), float(y)] for x, y in ring]


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _located_accounts(data: SalesData) -> pl.DataFrame:
    """Accounts with coordinates, reduced to distinct ~5 km cells per territory node and owner
    (hulls and density do not need every account of a million)."""
    def compute() -> pl.DataFrame:
        return (data.accounts.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
                .group_by("node", "owner_rep_id", (pl.col("lon") * 20).round() / 20, (pl.col("lat") * 20).round() / 20)
                .agg(pl.len().alias("accounts")))
    return data.cached(("located_accounts",), compute)


def row_accounts(data: SalesData, table: pl.DataFrame, scope_members: list[int]) -> pl.DataFrame:
    """The located account cells of each row of an attainment table: columns id, lon, lat,
    accounts. Territory rows take the accounts of their subtree (within the scope); rep rows the
    accounts the rep owns (within the scope)."""
    cells = _located_accounts(data).filter(pl.col("node").is_in(scope_members))
    if table.height and table["level"][0] == "rep":
        return (cells.filter(pl.col("owner_rep_id").is_in(table["id"].drop_nulls().to_list()))
                .select(pl.col("owner_rep_id").alias("id"), "lon", "lat", "accounts"))
    tree = data.tree
    wanted = {tree.node_of(i): i for i in table["id"].to_list() if tree.has(i)}
    mapping = tree.pairs.filter(pl.col("ancestor").is_in(list(wanted))).with_columns(
        pl.col("ancestor").replace_strict(list(wanted), list(wanted.values()), return_dtype=pl.String).alias("id"))
    # A node shown as a row *and* as an ancestor of another row (a "direct" row) keeps only its own.
    direct_rows = [n for n in wanted if any(tree.is_below(m, n) and m != n for m in wanted)]
    mapping = mapping.filter(~pl.col("ancestor").is_in(direct_rows) | (pl.col("node") == pl.col("ancestor")))
    return cells.join(mapping.select("node", "id"), on="node").select("id", "lon", "lat", "accounts")


def row_geometry(cells: pl.DataFrame) -> dict[str, dict]:
    """Per row id of `cells` (columns id, lon, lat, accounts): the hull `polygon`, the number of
    `accounts` and a label point (`lon`, `lat`: the median cell). The outlying 1% of cells on each
    side are trimmed so a few mis-geocoded accounts do not stretch a hull across an ocean."""
    out = {}
    for (row_id,), group in cells.group_by(["id"], maintain_order=True):
        points = group.select("lon", "lat").to_numpy()
        if len(points) > 50:
            low, high = np.percentile(points, [1, 99], axis=0)
            points = points[np.all((points >= low) & (points <= high), axis=1)]
        out[row_id] = {"polygon": convex_hull(points), "accounts": int(group["accounts"].sum()),
                       "lon": float(np.median(points[:, 0])), "lat": float(np.median(points[:, 1]))}
    return out


def territory_shapes(table: pl.DataFrame, geometry: dict[str, dict], lang: str = "en", currency: str = "USD",
                     red_below: float = 0.7, green_from: float = 1.0) -> pl.DataFrame:
    """One polygon per row of `table` that has a geometry (see `row_geometry`): columns id, name,
    polygon (list of [lon, lat]), fill (RGBA by attainment), line (RGBA, the row's own colour),
    accounts, lon, lat (label point), and the tooltip texts won_text, target_text,
    attainment_text, pipeline_text."""
    rows = []
    for figure in table.iter_rows(named=True):
        shape = geometry.get(figure["id"])
        if shape is None:
            continue
        colour = attainment_colour(figure["attainment"], red_below, green_from)
        rows.append({
            "id": figure["id"], "name": figure["name"], **shape,
            "fill": hex_to_rgb(colour, 110), "line": hex_to_rgb(territory_colour(figure["id"]), 230),
            "won_text": fmt_money(figure["won"], lang, currency), "target_text": fmt_money(figure["target"], lang, currency),
            "attainment_text": fmt_pct(figure["attainment"], lang),
            "pipeline_text": fmt_money(figure["pipeline"], lang, currency),
        })
    schema = {"id": pl.String, "name": pl.String, "polygon": pl.List(pl.List(pl.Float64)), "accounts": pl.Int64,
              "lon": pl.Float64, "lat": pl.Float64, "fill": pl.List(pl.Int64), "line": pl.List(pl.Int64),
              "won_text": pl.String, "target_text": pl.String, "attainment_text": pl.String,
              "pipeline_text": pl.String}
    return pl.DataFrame(rows, schema=schema)


def account_density(cells: pl.DataFrame) -> pl.DataFrame:
    """Accounts to draw: columns lon, lat, accounts, radius (metres). Individual cells when few,
    else aggregated to a grid whose cell size follows the data's extent."""
    if cells.is_empty():
        return pl.DataFrame(schema={"lon": pl.Float64, "lat": pl.Float64, "accounts": pl.Int64, "radius": pl.Float64})
    if cells.height > POINTS_UP_TO:
        span = max(cells["lon"].max() - cells["lon"].min(), cells["lat"].max() - cells["lat"].min(), 1.0)
        step = span / 120
        cells = (cells.group_by((pl.col("lon") / step).round() * step, (pl.col("lat") / step).round() * step)
                 .agg(pl.col("accounts").sum()))
    else:
        cells = cells.group_by("lon", "lat").agg(pl.col("accounts").sum())
    return cells.with_columns(pl.col("accounts").cast(pl.Int64),
                              (pl.col("accounts").cast(pl.Float64).sqrt() * 6_000 + 4_000).alias("radius"))


def fit_view(lon: np.ndarray, lat: np.ndarray, width_px: int = 520, height_px: int = 460) -> pdk.ViewState:
    """A view state that shows every point: centre of the bounds, zoom from the larger span
    (deck.gl's world is 512 px wide at zoom 0)."""
    if len(lon) == 0:
        return pdk.ViewState(latitude=20, longitude=0, zoom=0.8)
    west, east, south, north = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    mid_lat = (south + north) / 2
    lon_span = max(east - west, 0.05)
    lat_span = max((north - south) / max(math.cos(math.radians(mid_lat)), 0.2), 0.05)
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span)))
    return pdk.ViewState(latitude=mid_lat, longitude=(west + east) / 2, zoom=max(min(zoom - 0.4, 11), 0.0))


def performance_deck(shapes: pl.DataFrame, density: pl.DataFrame, *, basemap_url: str = "",
                     tooltip_labels: dict[str, str] | None = None) -> pdk.Deck:
    """The Overview map: hull polygons (pickable, layer id 'territories'), account density and
    name labels. `tooltip_labels` gives the translated words Won/Target/Attainment/Pipeline/Accounts."""
    labels = {"won": "Won", "target": "Target", "attainment": "Attainment", "pipeline": "Pipeline",
              "accounts": "Accounts", **(tooltip_labels or {})}
    layers = [
        pdk.Layer("ScatterplotLayer", id=ACCOUNT_LAYER, data=density.to_dicts(), get_position=["lon", "lat"],
                  get_radius="radius", radius_min_pixels=2.5, radius_max_pixels=14,
                  get_fill_color=[31, 41, 51, 120], pickable=False),
        pdk.Layer("PolygonLayer", id=TERRITORY_LAYER, data=shapes.to_dicts(), get_polygon="polygon",
                  get_fill_color="fill", get_line_color="line", line_width_min_pixels=2, stroked=True,
                  filled=True, pickable=True, auto_highlight=True, highlight_color=[255, 255, 255, 90]),
        pdk.Layer("TextLayer", id=LABEL_LAYER, data=shapes.select("name", "lon", "lat").to_dicts(),
                  get_position=["lon", "lat"], get_text="name", get_size=14, get_color=[31, 41, 51, 255],
                  pickable=False),
    ]
    points = pl.concat([shapes.select(pl.col("polygon").list.eval(pl.element().list.get(0)).explode().alias("lon"),
                                      pl.col("polygon").list.eval(pl.element().list.get(1)).explode().alias("lat")),
                        density.select("lon", "lat")]) if shapes.height else density.select("lon", "lat")
    view = fit_view(points["lon"].to_numpy(), points["lat"].to_numpy())
    tooltip = {"html": (f"<b>{{name}}</b><br/>{labels['won']}: {{won_text}} · {labels['target']}: {{target_text}}"
                        f"<br/>{labels['attainment']}: {{attainment_text}}<br/>{labels['pipeline']}: {{pipeline_text}}"
                        f"<br/>{labels['accounts']}: {{accounts}}"),
               "style": {"fontSize": "13px"}}
    if basemap_url:
        return pdk.Deck(layers=layers, initial_view_state=view, map_style=basemap_url, tooltip=tooltip,
                        map_provider="carto")
    # pydeck's placeholder style (not None): Streamlit then draws no basemap at all, where None would
    # make it fetch Carto's positron style from the internet.
    return pdk.Deck(layers=layers, initial_view_state=view, map_provider=None, tooltip=tooltip)


def map_layers(data: SalesData, table: pl.DataFrame, scope: list[str] | None, *, lang: str = "en",
               currency: str = "USD", red_below: float = 0.7, green_from: float = 1.0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shapes, density) for the rows of `table` within `scope`: what `performance_deck` draws.
    The geometry depends only on who owns which accounts, not on the period: it is memoised per
    data version, rows and scope, and only the colours and tooltips are redone per period."""
    level = table["level"][0] if table.height else ""
    key = ("map_geometry", level, tuple(table["id"].to_list()), None if scope is None else tuple(scope))

    def compute():
        cells = row_accounts(data, table, data.tree.scope_members(scope))
        # Industry, segment or named-account territories span the globe: their hull would only
        # cover the others, so they are drawn as accounts, not as a shape.
        not_places = data.tree.nodes.filter(pl.col("type").is_not_null() & (pl.col("type") != "geo"))["territory_id"]
        shaped = cells.filter(~pl.col("id").is_in(not_places.to_list()))
        return row_geometry(shaped), account_density(cells.select("lon", "lat", "accounts"))
    geometry, density = data.cached(key, compute)
    return territory_shapes(table, geometry, lang, currency, red_below, green_from), density
