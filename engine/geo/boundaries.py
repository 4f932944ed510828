"""Real boundaries, offline: the geographic unit of every account and the shapes of those units.

A unit is a country ('DE'), or for countries shipped with their subdivisions (the US and China) a
state or province ('US-CA', 'CN-30'). An account's unit comes from what it says (country and
state, read as the geocoder reads them); an account that says nothing usable but has precise
coordinates falls back to the unit its point lies in. An account in the US or China without a
state has no unit — it is drawn as a point, never as the whole country. The shapes are read from
`data/geo/boundaries.parquet` (built by `scripts/build_boundaries.py`, see data/geo/README.md).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from engine.geo.geocoding import GEO_DIR, country_and_state
from engine.geo.sources import key_expr

BOUNDARIES_FILE = GEO_DIR / "boundaries.parquet"
SUBDIVIDED = ("US", "CN")  # countries whose units are their states / provinces
PRECISE = ("exact", "postal_code", "city")  # placements precise enough to find a unit by point


@cache
def boundaries() -> pl.DataFrame:
    """unit, kind (country | state), iso2, state_code, name, wkb — read once per process (rebuilt
    from the vendored sources when the file is missing)."""
    if BOUNDARIES_FILE.exists():
        return pl.read_parquet(BOUNDARIES_FILE)
    from engine.geo.boundary_sources import build_boundaries
    return build_boundaries()


def write_boundaries(directory: Path) -> int:
    """Write boundaries.parquet into `directory`; returns its size in bytes."""
    from engine.geo.boundary_sources import build_boundaries
    path = directory / BOUNDARIES_FILE.name
    build_boundaries().write_parquet(path, compression="zstd", compression_level=19, statistics=False)
    return path.stat().st_size


@cache
def unit_shapes() -> dict[str, shapely.MultiPolygon]:
    """Every unit's MultiPolygon (lon/lat), by unit code."""
    frame = boundaries()
    return dict(zip(frame["unit"].to_list(), shapely.from_wkb(frame["wkb"].to_numpy())))


@cache
def _drawable() -> tuple[list[str], shapely.STRtree]:
    """The units accounts can belong to (states of subdivided countries, other countries) and a
    spatial index over them."""
    frame = boundaries().filter((pl.col("kind") == "state") | ~pl.col("iso2").is_in(SUBDIVIDED))
    units = frame["unit"].to_list()
    shapes = unit_shapes()
    return units, shapely.STRtree([shapes[u] for u in units])


def units_at(lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """The unit each point lies in (None at sea or off the shipped shapes)."""
    units, tree = _drawable()
    found: list[str | None] = [None] * len(lon)
    if len(lon):
        points, shapes = tree.query(shapely.points(lon, lat), predicate="intersects")
        for point, shape in zip(points.tolist(), shapes.tolist()):
            found[point] = found[point] or units[shape]
    return found


def account_units(accounts: pl.DataFrame) -> pl.Series:
    """The unit of every row of `accounts` (columns country, state, and optionally lat, lon,
    geo_precision), in row order; null where no unit can be told."""
    columns = [c for c in ("country", "state") if c in accounts.columns]
    places = accounts.select(
        *(pl.col(c).cast(pl.String) for c in columns),
        *(pl.lit(None, dtype=pl.String).alias(c) for c in ("country", "state") if c not in columns))
    distinct = places.unique(maintain_order=True)
    named = country_and_state(distinct.with_columns(
        key_expr(pl.col("country")).alias("_country_key"), key_expr(pl.col("state")).alias("_state_key")))
    shipped = boundaries()["unit"]
    named = named.with_columns(pl.when(pl.col("iso2").is_in(SUBDIVIDED))
                               .then(pl.concat_str("iso2", pl.lit("-"), "state_code"))
                               .otherwise(pl.col("iso2")).alias("unit"))
    # (a US or Chinese account without a state gets no unit: concat_str of a null is null)
    named = named.with_columns(pl.when(pl.col("unit").is_in(shipped.implode())).then("unit").alias("unit"))
    units = places.join(named.select("country", "state", "unit"), on=["country", "state"], how="left",
                        nulls_equal=True, maintain_order="left")
    if not {"lat", "lon"} <= set(accounts.columns):
        return units["unit"].alias("unit")
    # coordinates with no recorded precision came with the record: as good as exact
    precise = ((pl.col("geo_precision").is_in(PRECISE) | pl.col("geo_precision").is_null())
               if "geo_precision" in accounts.columns else pl.lit(True))
    by_point = accounts.select(pl.col("lon").cast(pl.Float64), pl.col("lat").cast(pl.Float64),
                               (units["unit"].is_null() & precise & pl.col("lat").is_not_null()
                                & pl.col("lon").is_not_null()).alias("_ask"))
    asked = by_point.with_row_index("_row").filter("_ask")
    # Distinct points only: imports repeat the same city's coordinates many times.
    spots = asked.select("lon", "lat").unique(maintain_order=True)
    spots = spots.with_columns(pl.Series("_found", units_at(spots["lon"].to_numpy(), spots["lat"].to_numpy()),
                                         dtype=pl.String))
    found = asked.join(spots, on=["lon", "lat"], how="left").sort("_row")
    filled = units["unit"].scatter(found["_row"].to_numpy(), found["_found"]) if found.height else units["unit"]
    return filled.alias("unit")
