"""H3 hexagon cells: the shape of a territory that is not made of whole states or countries.

A territory of postal codes (or one that shares a state with another territory) cannot be drawn as
the union of its units, so it is drawn as the union of the H3 cells (`h3` package) its accounts lie
in, at a resolution chosen from the territory's extent: a metro area gets fine cells, a territory
spread over a country coarse ones. Callers aggregate accounts to distinct points first; only those
points are converted, so the cost follows the number of distinct places, not of accounts.
"""
from __future__ import annotations

import math

import h3
import numpy as np
import polars as pl
import shapely

# Resolutions drawn: 3 (hexagons ~60 km a side) to 5 (~8.5 km). Finer cells than 5 would be finer
# than the ~5 km grid the maps aggregate accounts to, and show as scattered dots.
COARSEST, FINEST = 3, 5
CELLS_ACROSS = 12  # a territory's extent spans about this many cells: big enough to see at the fitted view


def resolution_for(lon: np.ndarray, lat: np.ndarray) -> int:
    """The resolution at which the points' extent (the larger of its width and height, in km) is
    about CELLS_ACROSS cells across, clamped to COARSEST..FINEST."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if len(lon) == 0:
        return FINEST
    mid_lat = math.radians(float((lat.min() + lat.max()) / 2))
    extent_km = max(float(lon.max() - lon.min()) * 111.32 * max(math.cos(mid_lat), 0.1),
                    float(lat.max() - lat.min()) * 110.57)
    for resolution in range(FINEST, COARSEST - 1, -1):
        across_km = math.sqrt(3) * h3.average_hexagon_edge_length(resolution, unit="km")
        if extent_km / across_km <= CELLS_ACROSS:
            return resolution
    return COARSEST


def point_cells(points: pl.DataFrame, resolution: int) -> pl.Series:
    """The H3 cell (hex string) of each row of `points` (columns lon, lat), in row order. Each
    distinct point is converted once."""
    distinct = points.select(pl.col("lon").cast(pl.Float64), pl.col("lat").cast(pl.Float64)).unique(
        maintain_order=True)
    cells = [h3.latlng_to_cell(lat, lon, resolution)
             for lon, lat in zip(distinct["lon"].to_list(), distinct["lat"].to_list())]
    found = distinct.with_columns(pl.Series("cell", cells, dtype=pl.String))
    return points.select(pl.col("lon").cast(pl.Float64), pl.col("lat").cast(pl.Float64)).join(
        found, on=["lon", "lat"], how="left", maintain_order="left")["cell"]


def cells_shape(cells: list[str]) -> shapely.MultiPolygon:
    """The union of H3 cells as one MultiPolygon (lon/lat): neighbouring cells merge, so a
    territory's outline is its outer border, not a honeycomb."""
    if not cells:
        return shapely.MultiPolygon()
    polygons = []
    for polygon in h3.cells_to_h3shape(sorted(set(cells)), tight=False).polys:
        # h3 gives (lat, lng) pairs; shapely wants (lon, lat)
        outer = [(lng, lat) for lat, lng in polygon.outer]
        holes = [[(lng, lat) for lat, lng in hole] for hole in polygon.holes]
        polygons.append(shapely.Polygon(outer, holes))
    return shapely.MultiPolygon(polygons)
