"""Offline geography: where an account is, and how far apart two places are.

CRM exports rarely carry coordinates; they carry a postal code, a city, a state and a country
written a dozen ways. `place_accounts` turns those into a point with the precision it could manage
(exact → postal_code → city → state → country), as a handful of polars joins against small tables
shipped in `data/geo/` — no network, no per-row Python, so a million accounts place in seconds.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from engine.geo.sources import TABLES, build_all, key_expr

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"
EARTH_RADIUS_KM = 6371.0088
PRECISIONS = ("exact", "postal_code", "city", "state", "country")


@cache
def tables() -> dict[str, pl.DataFrame]:
    """The lookup tables (see `engine.geo.sources.TABLES`), read once per process from data/geo/,
    or rebuilt from the installed packages when a file is missing."""
    if all((GEO_DIR / f"{name}.parquet").exists() for name in TABLES):
        return {name: pl.read_parquet(GEO_DIR / f"{name}.parquet") for name in TABLES}
    return build_all()


def countries() -> pl.DataFrame:
    """iso2, iso3, name, name_zh, currency, lat, lon (population-weighted centroid)."""
    return tables()["countries"]


def states() -> pl.DataFrame:
    """iso2, state_code, name, name_zh, lat, lon — US states, CN provinces, CA provinces, AU states."""
    return tables()["states"]


def cities(min_population: int = 0) -> pl.DataFrame:
    """geonameid, iso2, state_code, name, name_zh, lat, lon, population (cities of ≥ 5,000 people)."""
    frame = tables()["cities"]
    return frame.filter(pl.col("population") >= min_population) if min_population else frame


def postal_codes_us() -> pl.DataFrame:
    """postal_code (5-digit ZIP), city, state, lat, lon."""
    return tables()["postal_us"]


def normalise_countries(values: pl.Series | list) -> pl.Series:
    """ISO2 codes for country names/codes as CRMs write them ("USA", "Deutschland", "中国", "CHN");
    null where the value is empty or not recognised."""
    series = pl.Series("country", values, dtype=pl.String) if isinstance(values, list) else values
    frame = pl.DataFrame({"key": series.cast(pl.String)}).with_row_index("_row")
    frame = frame.with_columns(key_expr(pl.col("key")).alias("key"))
    joined = frame.join(tables()["country_aliases"], on="key", how="left").sort("_row")
    return joined["iso2"].alias(series.name)


def normalise_country(value: str | None) -> str | None:
    """ISO2 code of one country name or code, or None when it is not recognised."""
    if value is None:
        return None
    return normalise_countries([value])[0]


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType = pl.String) -> pl.Expr:
    return pl.col(name).cast(dtype, strict=False) if name in frame.columns else pl.lit(None, dtype=dtype)


def _us_zip(postal: pl.Expr) -> pl.Expr:
    # ZIP+4 keeps its first five digits; spreadsheets drop leading zeros (02134 → 2134): pad them back.
    digits = postal.str.strip_chars().str.extract(r"^(\d{3,5})(?:-\d{4})?$")
    return digits.str.zfill(5)


def place_accounts(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill missing `lat`/`lon` from postal code (+country) → city (+state/country) → state → country
    centroid, and set `geo_precision` ('exact' for rows that had coordinates; null when nothing usable).
    Coordinates of (0, 0) or outside ±90/±180 count as missing.

    Reads the columns country, state, city, postal_code, lat, lon when present; returns `frame` with
    lat, lon and geo_precision (added when missing) and every other column unchanged, in row order.
    A postal code wins over a state that contradicts it (CRM data often has both, inconsistent).
    """
    names = ["_country", "_state", "_city", "_postal", "_lat", "_lon"]
    # with_columns, not select: literals for missing columns must broadcast to the frame's height.
    inputs = frame.with_columns(
        _column(frame, "country").alias("_country"), _column(frame, "state").alias("_state"),
        _column(frame, "city").alias("_city"), _column(frame, "postal_code").alias("_postal"),
        _column(frame, "lat", pl.Float64).alias("_lat"), _column(frame, "lon", pl.Float64).alias("_lon")
    ).select(names)
    place_keys = ["_country", "_state", "_city", "_postal"]
    # Real exports repeat the same places many times: geocode each distinct place once.
    places = _place(inputs.select(place_keys).unique(maintain_order=True))
    placed = inputs.join(places, on=place_keys, how="left", nulls_equal=True, maintain_order="left")
    # (0, 0) and out-of-range pairs are how exports spell "no coordinates": place those rows too.
    exact = (pl.col("_lat").is_between(-90, 90) & pl.col("_lon").is_between(-180, 180)
             & ~((pl.col("_lat") == 0) & (pl.col("_lon") == 0)))
    exact = exact.fill_null(False)
    placed = placed.select(
        pl.when(exact).then(pl.col("_lat")).otherwise(pl.col("_place_lat")).alias("lat"),
        pl.when(exact).then(pl.col("_lon")).otherwise(pl.col("_place_lon")).alias("lon"),
        pl.when(exact).then(pl.lit("exact")).otherwise(pl.col("_place_precision")).alias("geo_precision"))
    return frame.with_columns(placed["lat"], placed["lon"], placed["geo_precision"])


def country_and_state(work: pl.DataFrame) -> pl.DataFrame:
    """`work` (with place-name keys `_country_key`, `_state_key`, see `key_expr`) plus `iso2` and
    `state_code` as GeoNames codes them; null where not recognised."""
    geo = tables()
    work = work.join(geo["country_aliases"].rename({"key": "_country_key"}), on="_country_key", how="left")
    # A state alone ("CA", "Texas") with no country is read as a US state.
    us_states = geo["state_aliases"].filter(pl.col("iso2") == "US").select(
        pl.col("key").alias("_state_key"), pl.col("iso2").alias("_state_iso2"))
    work = work.join(us_states, on="_state_key", how="left").with_columns(
        pl.coalesce("iso2", pl.when(pl.col("_country_key").is_null()).then(pl.col("_state_iso2"))).alias("iso2"))
    return work.join(geo["state_aliases"].rename({"key": "_state_key"}), on=["iso2", "_state_key"],
                     how="left").drop("_state_iso2")


def _place(places: pl.DataFrame) -> pl.DataFrame:
    """For distinct (_country, _state, _city, _postal) rows: _place_lat, _place_lon, _place_precision."""
    geo = tables()
    work = places.with_row_index("_row").with_columns(
        key_expr(pl.col("_country")).alias("_country_key"), key_expr(pl.col("_state")).alias("_state_key"),
        key_expr(pl.col("_city")).alias("_city_key"))

    work = country_and_state(work)

    postal = geo["postal_us"].select(pl.col("postal_code").alias("_zip"), pl.col("lat").alias("_zip_lat"),
                                     pl.col("lon").alias("_zip_lon"))
    zip3 = (geo["postal_us"].group_by(pl.col("postal_code").str.slice(0, 3).alias("_zip3"))
            .agg(pl.col("lat").mean().alias("_zip3_lat"), pl.col("lon").mean().alias("_zip3_lon")))
    work = (work.with_columns(pl.when(pl.col("iso2") == "US").then(_us_zip(pl.col("_postal"))).alias("_zip"))
            .with_columns(pl.col("_zip").str.slice(0, 3).alias("_zip3"))
            .join(postal, on="_zip", how="left").join(zip3, on="_zip3", how="left")
            .with_columns(pl.coalesce("_zip_lat", "_zip3_lat").alias("_zip_lat"),
                          pl.coalesce("_zip_lon", "_zip3_lon").alias("_zip_lon")))

    work = _join_cities(work)
    work = work.join(geo["states"].select("iso2", "state_code", pl.col("lat").alias("_state_lat"),
                                          pl.col("lon").alias("_state_lon")),
                     on=["iso2", "state_code"], how="left")
    work = work.join(geo["countries"].select("iso2", pl.col("lat").alias("_country_lat"),
                                             pl.col("lon").alias("_country_lon")), on="iso2", how="left")

    # The most precise source that answered wins; evaluated from coarsest to finest so finer overrides.
    precision = pl.lit(None, dtype=pl.String)
    lat, lon = pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.Float64)
    for level, prefix in (("country", "_country"), ("state", "_state"), ("city", "_city"), ("postal_code", "_zip")):
        found = pl.col(f"{prefix}_lat").is_not_null()
        precision = pl.when(found).then(pl.lit(level)).otherwise(precision)
        lat = pl.when(found).then(pl.col(f"{prefix}_lat")).otherwise(lat)
        lon = pl.when(found).then(pl.col(f"{prefix}_lon")).otherwise(lon)
    return work.sort("_row").select(
        "_country", "_state", "_city", "_postal",
        lat.alias("_place_lat"), lon.alias("_place_lon"), precision.alias("_place_precision"))


@cache
def _best_cities() -> tuple[pl.DataFrame, ...]:
    """The best city per (key, iso2, state_code), per (key, iso2) and per key: the city's own name
    before an alternate, then the larger population."""
    geo = tables()
    candidates = (geo["city_aliases"].join(geo["cities"], on="geonameid")
                  .sort(["key", "primary", "population", "geonameid"], descending=[False, True, True, False]))
    steps = (["key", "iso2", "state_code"], ["key", "iso2"], ["key"])
    return tuple(candidates.unique(keys, keep="first", maintain_order=True).select(
        *[pl.col(k).alias("_city_key" if k == "key" else f"_c{number}_{k}") for k in keys],
        pl.col("lat").alias(f"_c{number}_lat"), pl.col("lon").alias(f"_c{number}_lon"))
        for number, keys in enumerate(steps))


def _join_cities(work: pl.DataFrame) -> pl.DataFrame:
    """Adds _city_lat/_city_lon: the best city for (key, country, state), else (key, country), else
    (key) alone when no country is known (with a country, a city elsewhere is no answer)."""
    by_state, by_country, anywhere = _best_cities()
    work = (work.join(by_state, left_on=["_city_key", "iso2", "state_code"],
                      right_on=["_city_key", "_c0_iso2", "_c0_state_code"], how="left")
            .join(by_country, left_on=["_city_key", "iso2"], right_on=["_city_key", "_c1_iso2"], how="left")
            .join(anywhere, on="_city_key", how="left"))
    no_country = pl.col("iso2").is_null()
    return work.with_columns(
        pl.coalesce("_c0_lat", "_c1_lat", pl.when(no_country).then(pl.col("_c2_lat"))).alias("_city_lat"),
        pl.coalesce("_c0_lon", "_c1_lon", pl.when(no_country).then(pl.col("_c2_lon"))).alias("_city_lon"))


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km. Floats give a float, numpy arrays an array; polars expressions
    (or column names given as `pl.col`) give an expression, for use inside `with_columns`."""
    if any(isinstance(v, pl.Expr) for v in (lat1, lon1, lat2, lon2)):
        return haversine_km_expr(lat1, lon1, lat2, lon2)
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((phi2 - phi1) / 2) ** 2
         + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2)
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(distance) if np.ndim(distance) == 0 else distance


def haversine_km_expr(lat1: pl.Expr | float, lon1: pl.Expr | float,
                      lat2: pl.Expr | float, lon2: pl.Expr | float) -> pl.Expr:
    """`haversine_km` as a polars expression (arguments: expressions or constant floats)."""
    lat1, lon1, lat2, lon2 = (v if isinstance(v, pl.Expr) else pl.lit(float(v)) for v in (lat1, lon1, lat2, lon2))
    radians = math.pi / 180
    a = (((lat2 - lat1) * radians / 2).sin() ** 2
         + (lat1 * radians).cos() * (lat2 * radians).cos() * (((lon2 - lon1) * radians / 2).sin() ** 2))
    return 2 * EARTH_RADIUS_KM * a.clip(0.0, 1.0).sqrt().arcsin()
