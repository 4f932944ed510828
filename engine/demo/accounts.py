"""The demo company's customers: placed on real cities of their territory's countries, with names,
industries, sizes and owners — and the data-quality faults a real CRM has, on purpose: ~1% orphans
(no territory, no owner), a handful of customers held twice by two reps, and some accounts with an
address but no coordinates (placed offline like an import would: postal code, city, state, country).
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from engine.geo import geocoding as geo
from engine.demo.names import (BRAND_CHARS, DEFAULT_SUFFIX, INDUSTRY_WORDS, INDUSTRY_WORDS_ZH, LEGAL_SUFFIX,
                               STEM_HEADS, STEM_TAILS, TLD)
from engine.demo.org import HEALTHCARE_ID, NAMED_ID, allocate, area_cities, geo_leaves
from engine.demo.people import INDUSTRIES, Team
from engine.demo.sales import labels

INDUSTRY_MIX = (0.17, 0.13, 0.11, 0.11, 0.16, 0.07, 0.07, 0.06, 0.05, 0.07)
CHINESE = ("CN", "HK")
ORPHAN_SHARE, NO_COORDINATES_SHARE, VAGUE_ADDRESS_SHARE, NO_ADDRESS_SHARE = 0.01, 0.015, 0.003, 0.001


def _locations(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """n customer locations: territory_id, iso2, state_code, city, name_zh, lat, lon."""
    cities = geo.cities(min_population=15_000)
    leaves = geo_leaves()
    counts = allocate(n, np.array([w for *_, w in leaves]))
    parts = []
    for (territory_id, areas, _), count in zip(leaves, counts):
        pool = area_cities(areas, cities)
        weights = pool["weight"].to_numpy()
        chosen = rng.choice(len(pool), size=int(count), p=weights / weights.sum())
        parts.append(pool[chosen].select(pl.lit(territory_id).alias("territory_id"), "iso2", "state_code",
                                         pl.col("name").alias("city"), "name_zh", "lat", "lon"))
    located = pl.concat(parts)
    return located[rng.permutation(n)]  # ids must not follow territories


def _us_postal_codes(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """A real ZIP for each US customer: one of its city's ZIPs, else the nearest ZIP in its state."""
    zips = geo.postal_codes_us()
    us_cities = frame.filter(pl.col("iso2") == "US").select("city", "state_code", "lat", "lon").unique(
        ["city", "state_code"], keep="first", maintain_order=True)
    by_name = zips.group_by(pl.col("city").str.to_lowercase().alias("_city"), pl.col("state").alias("state_code")
                            ).agg(pl.col("postal_code").sort()).sort("_city", "state_code")
    nearest = []
    for state, group in us_cities.group_by("state_code", maintain_order=True):
        candidates = zips.filter(pl.col("state") == state[0])
        if candidates.is_empty():
            continue
        distance = geo.haversine_km(group["lat"].to_numpy()[:, None], group["lon"].to_numpy()[:, None],
                                    candidates["lat"].to_numpy()[None, :], candidates["lon"].to_numpy()[None, :])
        nearest.append(group.select("city", "state_code").with_columns(
            pl.Series("_nearest", candidates["postal_code"].to_numpy()[distance.argmin(axis=1)])))
    lookup = pl.concat(nearest)
    frame = (frame.with_columns(pl.col("city").str.to_lowercase().alias("_city"))
             .join(by_name, on=["_city", "state_code"], how="left", maintain_order="left")
             .join(lookup, on=["city", "state_code"], how="left", maintain_order="left"))
    pick = pl.Series("_pick", rng.random(frame.height))
    return frame.with_columns(
        pl.when(pl.col("iso2") == "US").then(pl.coalesce(
            pl.col("postal_code").list.get((pick * pl.col("postal_code").list.len()).cast(pl.Int64),
                                           null_on_oob=True), pl.col("_nearest"))).alias("postal_code")
    ).drop("_city", "_nearest")


def _names(rng: np.random.Generator, frame: pl.DataFrame, industry_code: np.ndarray) -> pl.DataFrame:
    """Unique customer names (unique before the legal suffix, so no accidental duplicates) and websites."""
    n = frame.height
    word = industry_code * 4 + rng.integers(0, 4, n)
    latin_words = tuple(w for industry in INDUSTRIES for w in INDUSTRY_WORDS[industry])
    zh_words = tuple(INDUSTRY_WORDS_ZH[industry][k % 3] for industry in INDUSTRIES for k in range(4))
    brands = rng.integers(0, len(BRAND_CHARS), (n, 3))
    brand_zh = tuple(c for c, _ in BRAND_CHARS)
    brand_py = tuple(p for _, p in BRAND_CHARS)
    heads, tails = rng.integers(0, len(STEM_HEADS), n), rng.integers(0, len(STEM_TAILS), n)
    names = frame.select("iso2", "city", "name_zh").with_columns(
        pl.concat_str(labels(STEM_HEADS, heads, "h"), labels(STEM_TAILS, tails, "t")).alias("_stem"),
        labels(latin_words, word, "_word"), labels(zh_words, word, "_zh_word"),
        pl.concat_str(labels(brand_zh, brands[:, 0], "a"), labels(brand_zh, brands[:, 1], "b")).alias("_b"),
        labels(brand_zh, brands[:, 2], "_b3"),
        pl.concat_str(labels(brand_py, brands[:, 0], "a"), labels(brand_py, brands[:, 1], "b")).alias("_py"),
        pl.Series("_suffix_pick", rng.random(n)),
    ).with_row_index("_i")
    chinese = pl.col("iso2").is_in(CHINESE)
    city_zh = pl.coalesce("name_zh", pl.lit("中国"))
    base = pl.when(chinese).then(pl.concat_str(city_zh, "_b", "_zh_word")).otherwise(
        pl.concat_str("_stem", pl.lit(" "), "_word"))
    second = pl.when(chinese).then(pl.concat_str(city_zh, "_b", "_b3", "_zh_word")).otherwise(
        pl.concat_str("_stem", pl.lit(" "), "city", pl.lit(" "), "_word"))
    names = names.with_columns(base.alias("_base"))
    names = names.with_columns(pl.when(pl.col("_base").is_first_distinct()).then(pl.col("_base"))
                               .otherwise(second).alias("_base"))
    number = _repeat_number(names, pl.col("_base"))
    names = names.with_columns(pl.when(number > 0).then(pl.concat_str("_base", pl.lit(" "), number.cast(pl.String)))
                               .otherwise(pl.col("_base")).alias("_base"))
    suffix = pl.col("iso2").replace_strict({c: list(o) for c, o in LEGAL_SUFFIX.items()}, default=list(DEFAULT_SUFFIX),
                                           return_dtype=pl.List(pl.String))
    suffix = suffix.list.get((pl.col("_suffix_pick") * suffix.list.len()).cast(pl.Int64))
    full = pl.when(chinese).then(pl.concat_str("_base", pl.lit("有限公司"))).otherwise(
        pl.concat_str("_base", pl.lit(" "), suffix))
    slug = pl.when(chinese).then(pl.concat_str("_py", pl.lit("-"), pl.col("city"))).otherwise(pl.col("_base"))
    slug = (slug.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
            .str.replace_all(r"[^a-z0-9]+", "-").str.strip_chars("-"))
    tld = pl.col("iso2").replace_strict(TLD, default="com")
    names = names.with_columns(full.alias("name"), slug.alias("_slug"), tld.alias("_tld"))
    web_number = _repeat_number(names, pl.concat_str("_slug", pl.lit("."), "_tld"))
    website = pl.concat_str(pl.lit("www."), "_slug",
                            pl.when(web_number > 0).then(pl.concat_str(pl.lit("-"), web_number.cast(pl.String)))
                            .otherwise(pl.lit("")), pl.lit("."), "_tld")
    return names.select("name", website.alias("website"))


def _repeat_number(frame: pl.DataFrame, key: pl.Expr) -> pl.Series:
    """0 for the first row of each key, 2, 3, … for its repeats in row order. Repeats are rare, so
    only they are grouped (a window over every distinct name would cost seconds at a million)."""
    keyed = frame.select("_i", key.alias("_key"))
    repeats = keyed.filter(pl.col("_key").is_first_distinct().not_()).with_columns(
        (pl.int_range(pl.len()).over("_key") + 2).alias("_n"))
    return keyed.join(repeats.select("_i", "_n"), on="_i", how="left", maintain_order="left")["_n"].fill_null(0)


def build_accounts(rng: np.random.Generator, n: int, team: Team, anchor: datetime) -> pl.DataFrame:
    """n customers plus the deliberate duplicates: the accounts columns of DESIGN.md, plus `iso2`
    (the country code even where the address lost its country) for currency and naming."""
    frame = _locations(rng, n)
    employees = np.clip(np.exp(rng.normal(5.2, 1.7, n)), 5, 400_000).astype(np.int64)
    industry_code = rng.choice(len(INDUSTRIES), n, p=INDUSTRY_MIX)
    frame = frame.with_columns(
        labels(INDUSTRIES, industry_code, "industry"),
        pl.Series("employees", employees),
        pl.Series("annual_revenue", np.round(employees * np.exp(rng.normal(np.log(180_000), 0.5, n)), -3)),
    ).with_columns(
        pl.when(pl.col("employees") >= 2000).then(pl.lit("Enterprise"))
        .when(pl.col("employees") >= 200).then(pl.lit("Mid-Market")).otherwise(pl.lit("SMB")).alias("segment"))
    frame = pl.concat([frame, _names(rng, frame, industry_code)], how="horizontal")
    frame = _us_postal_codes(rng, frame)

    # Owners: each territory's reps carry unequal books (the planner has something to balance).
    owner = np.empty(n, dtype=object)
    leaf = frame["territory_id"].to_numpy()
    for territory_id, reps in team.field.items():
        rows = np.flatnonzero(leaf == territory_id)
        if len(rows) == 0:
            continue
        share = rng.uniform(0.6, 1.5, len(reps))
        owner[rows] = np.asarray(reps, dtype=object)[rng.choice(len(reps), len(rows), p=share / share.sum())]
    frame = frame.with_columns(pl.Series("owner_rep_id", owner, dtype=pl.String))

    # Overlays: the largest customers are named accounts; US healthcare beyond SMB goes to its specialists.
    by_revenue = np.argsort(-frame["annual_revenue"].to_numpy(), kind="stable")
    named = by_revenue[: max(5, round(n * 0.004))]
    territory = frame["territory_id"].to_numpy().copy()
    healthcare = np.flatnonzero((frame["iso2"].to_numpy() == "US") & (frame["industry"].to_numpy() == "Healthcare")
                                & (frame["segment"].to_numpy() != "SMB"))
    territory[healthcare] = HEALTHCARE_ID
    owner[healthcare] = np.asarray(team.field[HEALTHCARE_ID], dtype=object)[rng.integers(0, 2, len(healthcare))]
    territory[named] = NAMED_ID
    owner[named] = np.asarray(team.field[NAMED_ID], dtype=object)[np.arange(len(named)) % len(team.field[NAMED_ID])]
    candidates = np.setdiff1d(np.arange(n), named)
    orphans = rng.choice(candidates, max(1, round(n * ORPHAN_SHARE)), replace=False)
    territory[orphans], owner[orphans] = None, None

    days_back = np.minimum(rng.exponential(900, n), 3000)
    days_back[orphans] = rng.uniform(1, 120, len(orphans))
    created = (np.datetime64(anchor, "s") - (days_back * 86_400).astype("timedelta64[s]")).astype("datetime64[ms]")
    frame = frame.with_columns(
        pl.Series("territory_id", territory, dtype=pl.String), pl.Series("owner_rep_id", owner, dtype=pl.String),
        pl.Series("created_at", created).cast(pl.Datetime("us")),
        (pl.col("lat") + rng.normal(0, 0.02, n)).alias("lat"), (pl.col("lon") + rng.normal(0, 0.02, n)).alias("lon"))
    frame = _with_duplicates(rng, frame, team, candidates=np.setdiff1d(candidates, orphans))
    return _with_address_faults(rng, frame)


def _with_duplicates(rng: np.random.Generator, frame: pl.DataFrame, team: Team, candidates: np.ndarray) -> pl.DataFrame:
    """Append copies of a few customers under another rep of the same territory (重复跟进)."""
    shared = {t for t, reps in team.field.items() if len(reps) > 1 and t not in (NAMED_ID, HEALTHCARE_ID)}
    eligible = candidates[np.isin(frame["territory_id"].to_numpy()[candidates], list(shared))]
    count = max(3, round(frame.height / 2500))
    originals = frame[np.sort(rng.choice(eligible, count, replace=False))]
    other_owner = []
    for territory_id, owner in zip(originals["territory_id"], originals["owner_rep_id"]):
        others = [rep for rep in team.field[territory_id] if rep != owner]
        other_owner.append(others[int(rng.integers(len(others)))])
    copies = originals.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 1).then(pl.col("name").str.to_uppercase())
        .otherwise(pl.col("name")).alias("name"),
        pl.Series("owner_rep_id", other_owner, dtype=pl.String),
        (pl.col("lat") + rng.normal(0, 0.01, count)).alias("lat"), (pl.col("lon") + rng.normal(0, 0.01, count)).alias("lon"),
        (pl.col("created_at") + pl.duration(days=pl.lit(rng.integers(30, 400, count)))).alias("created_at"))
    return pl.concat([frame, copies])


def _with_address_faults(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Drop coordinates (and for a few, parts of the address), then place those rows offline."""
    n = frame.height
    roll = rng.random(n)
    no_coordinates = roll < NO_COORDINATES_SHARE + VAGUE_ADDRESS_SHARE + NO_ADDRESS_SHARE
    vague = roll < VAGUE_ADDRESS_SHARE + NO_ADDRESS_SHARE
    nothing = roll < NO_ADDRESS_SHARE
    states = geo.states().select("iso2", "state_code", pl.col("name").alias("_state_name"))
    frame = (frame.join(states, on=["iso2", "state_code"], how="left", maintain_order="left")
             .with_columns(pl.when(pl.col("iso2") == "US").then(pl.col("state_code"))
                           .otherwise(pl.col("_state_name")).alias("state"), pl.col("iso2").alias("country")))
    flags = pl.DataFrame({"_no_xy": no_coordinates, "_vague": vague, "_nothing": nothing})
    frame = pl.concat([frame, flags], how="horizontal").with_columns(
        pl.when(pl.col("_no_xy")).then(None).otherwise(pl.col("lat")).alias("lat"),
        pl.when(pl.col("_no_xy")).then(None).otherwise(pl.col("lon")).alias("lon"),
        pl.when(pl.col("_vague")).then(None).otherwise(pl.col("city")).alias("city"),
        pl.when(pl.col("_vague")).then(None).otherwise(pl.col("postal_code")).alias("postal_code"),
        pl.when(pl.col("_nothing")).then(None).otherwise(pl.col("state")).alias("state"),
        pl.when(pl.col("_nothing")).then(None).otherwise(pl.col("country")).alias("country"))
    return geo.place_accounts(frame)
