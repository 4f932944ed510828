"""The demo company's organisation: the territory tree, the sales team and who sits where.

Four regions with sub-regions and geographic territories (Greater China split into 华东, 华北, 华南,
西部), plus two overlays a real sales org has: a named-accounts territory for the largest customers
and a healthcare industry territory in the Americas. Territory areas are real countries and states,
so accounts and reps land in real cities.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

COMPANY_ID = "T-COMPANY"
NAMED_ID = "T-NAMED"
HEALTHCARE_ID = "T-AMER-HLS"


@dataclass(frozen=True)
class Area:
    """Part of a territory's ground: a country, optionally only some of its states, and how much
    business it brings relative to its population (weight multiplier)."""

    iso2: str
    states: tuple[str, ...] | None = None
    exclude_states: tuple[str, ...] = ()
    weight: float = 1.0


def _us(*states: str) -> tuple[Area, ...]:
    return (Area("US", states),)


def _cn(*provinces: str) -> tuple[Area, ...]:
    return (Area("CN", provinces),)


# (territory_id, name, parent_id, type, areas, market weight = share of accounts for geo leaves)
TERRITORIES: tuple[tuple[str, str, str | None, str, tuple[Area, ...], float], ...] = (
    (COMPANY_ID, "Terrain Demo Corp", None, "geo", (), 0),
    ("T-AMER", "Americas", COMPANY_ID, "geo", (), 0),
    ("T-EMEA", "EMEA", COMPANY_ID, "geo", (), 0),
    ("T-APAC", "APAC", COMPANY_ID, "geo", (), 0),
    ("T-LATAM", "LATAM", COMPANY_ID, "geo", (), 0),
    (NAMED_ID, "Strategic Accounts", COMPANY_ID, "named-accounts", (), 0),
    ("T-AMER-USW", "US West", "T-AMER", "geo", (), 0),
    ("T-AMER-USC", "US Central", "T-AMER", "geo", (), 0),
    ("T-AMER-USE", "US East", "T-AMER", "geo", (), 0),
    ("T-AMER-CAN", "Canada", "T-AMER", "geo", (), 0),
    (HEALTHCARE_ID, "Healthcare & Life Sciences", "T-AMER", "industry", (), 0),
    ("T-EMEA-NORTH", "Northern Europe", "T-EMEA", "geo", (), 0),
    ("T-EMEA-CENTRAL", "Central Europe", "T-EMEA", "geo", (), 0),
    ("T-EMEA-SOUTH", "Southern Europe & MEA", "T-EMEA", "geo", (), 0),
    ("T-APAC-GC", "Greater China", "T-APAC", "geo", (), 0),
    ("T-APAC-NORTH", "North Asia", "T-APAC", "geo", (), 0),
    ("T-APAC-SOUTH", "South Asia & Oceania", "T-APAC", "geo", (), 0),
    ("T-LATAM-BR", "Brazil", "T-LATAM", "geo", (), 0),
    ("T-LATAM-HISP", "Spanish-speaking LATAM", "T-LATAM", "geo", (), 0),
    ("T-US-PACIFIC", "US Pacific", "T-AMER-USW", "geo", _us("CA", "OR", "WA", "HI", "AK"), 7.0),
    ("T-US-MOUNTAIN", "US Mountain", "T-AMER-USW", "geo", _us("AZ", "NV", "UT", "CO", "NM", "ID", "MT", "WY"), 3.0),
    ("T-US-MIDWEST", "US Midwest", "T-AMER-USC", "geo",
     _us("IL", "WI", "MN", "IA", "MO", "KS", "NE", "ND", "SD", "MI", "OH", "IN"), 6.0),
    ("T-US-SOUTHCENTRAL", "US South Central", "T-AMER-USC", "geo", _us("TX", "OK", "LA", "AR"), 4.5),
    ("T-US-NORTHEAST", "US Northeast", "T-AMER-USE", "geo",
     _us("NY", "NJ", "PA", "MA", "CT", "RI", "NH", "VT", "ME"), 7.0),
    ("T-US-SOUTHEAST", "US Southeast", "T-AMER-USE", "geo",
     _us("FL", "GA", "SC", "NC", "VA", "DC", "MD", "DE", "WV", "AL", "MS", "TN", "KY"), 6.0),
    ("T-CA", "Canada", "T-AMER-CAN", "geo", (Area("CA"),), 3.0),
    ("T-EMEA-UKI", "UK & Ireland", "T-EMEA-NORTH", "geo", (Area("GB"), Area("IE", weight=1.5)), 5.0),
    ("T-EMEA-NORDICS", "Nordics & Benelux", "T-EMEA-NORTH", "geo",
     tuple(Area(c) for c in ("SE", "NO", "DK", "FI", "NL", "BE", "LU")), 3.5),
    ("T-EMEA-DACH", "DACH", "T-EMEA-CENTRAL", "geo", (Area("DE"), Area("AT"), Area("CH", weight=1.5)), 6.0),
    ("T-EMEA-CEE", "Central & Eastern Europe", "T-EMEA-CENTRAL", "geo",
     tuple(Area(c) for c in ("PL", "CZ", "HU", "RO", "SK")), 2.0),
    ("T-EMEA-FRANCE", "France", "T-EMEA-SOUTH", "geo", (Area("FR"),), 3.5),
    ("T-EMEA-IBERIA-IT", "Iberia & Italy", "T-EMEA-SOUTH", "geo", (Area("ES"), Area("PT"), Area("IT")), 3.5),
    ("T-EMEA-MEA", "Middle East & Africa", "T-EMEA-SOUTH", "geo",
     (Area("AE", weight=8), Area("SA", weight=3), Area("IL", weight=4), Area("ZA", weight=3),
      Area("EG", weight=0.4), Area("NG", weight=0.4), Area("KE", weight=0.8)), 2.0),
    ("T-GC-EAST", "华东", "T-APAC-GC", "geo", _cn("23", "04", "02", "01", "07", "25", "03"), 4.0),
    ("T-GC-NORTH", "华北", "T-APAC-GC", "geo", _cn("22", "28", "10", "24", "20", "19", "05", "08", "09"), 3.0),
    ("T-GC-SOUTH", "华南", "T-APAC-GC", "geo", _cn("30", "16", "31", "11", "12") + (Area("HK", weight=3),), 3.0),
    ("T-GC-WEST", "西部", "T-APAC-GC", "geo", _cn("32", "33", "29", "18", "26", "15", "13", "14", "06", "21"), 2.0),
    ("T-APAC-JAPAN", "Japan", "T-APAC-NORTH", "geo", (Area("JP"),), 4.0),
    ("T-APAC-KOREA", "Korea", "T-APAC-NORTH", "geo", (Area("KR"),), 1.5),
    ("T-APAC-ANZ", "Australia & New Zealand", "T-APAC-SOUTH", "geo", (Area("AU"), Area("NZ", weight=1.5)), 2.5),
    ("T-APAC-ASEAN", "ASEAN", "T-APAC-SOUTH", "geo",
     (Area("SG", weight=10), Area("MY", weight=2), Area("TH"), Area("ID", weight=0.5), Area("PH", weight=0.5),
      Area("VN", weight=0.7)), 2.5),
    ("T-APAC-INDIA", "India", "T-APAC-SOUTH", "geo", (Area("IN"),), 2.0),
    ("T-BR", "Brazil", "T-LATAM-BR", "geo", (Area("BR"),), 2.5),
    ("T-LATAM-MX", "Mexico & Central America", "T-LATAM-HISP", "geo",
     (Area("MX"), Area("GT", weight=0.5), Area("CR", weight=1.5), Area("PA", weight=1.5)), 1.8),
    ("T-LATAM-SA", "South America", "T-LATAM-HISP", "geo",
     (Area("AR"), Area("CL", weight=1.5), Area("CO"), Area("PE"), Area("UY", weight=1.5)), 1.8),
)

def territory_frame() -> pl.DataFrame:
    """territories rows (territory_id, name, parent_id, type, level) without owners yet."""
    parents = {tid: parent for tid, _, parent, *_ in TERRITORIES}

    def depth(tid: str) -> int:
        return 0 if parents[tid] is None else 1 + depth(parents[tid])

    return pl.DataFrame({
        "territory_id": [t[0] for t in TERRITORIES], "name": [t[1] for t in TERRITORIES],
        "parent_id": [t[2] for t in TERRITORIES], "type": [t[3] for t in TERRITORIES],
        "level": [depth(t[0]) for t in TERRITORIES],
    }, schema_overrides={"level": pl.Int32})


def geo_leaves() -> list[tuple[str, tuple[Area, ...], float]]:
    """(territory_id, areas, market weight) of the territories that own ground."""
    return [(t[0], t[4], t[5]) for t in TERRITORIES if t[4]]


def region_of(territory_id: str) -> str | None:
    """The region (child of the company) a territory sits under; None for the company itself."""
    parents = {tid: parent for tid, _, parent, *_ in TERRITORIES}
    if parents[territory_id] is None:
        return None
    while parents[territory_id] != COMPANY_ID:
        territory_id = parents[territory_id]
    return territory_id


def ancestors(territory_id: str) -> list[str]:
    """The territory and every territory above it, nearest first."""
    parents = {tid: parent for tid, _, parent, *_ in TERRITORIES}
    chain = [territory_id]
    while parents[chain[-1]] is not None:
        chain.append(parents[chain[-1]])
    return chain


def area_cities(areas: tuple[Area, ...], cities: pl.DataFrame, min_population: int = 15_000) -> pl.DataFrame:
    """The cities of a territory's ground with a weight for placing customers there
    (population × the area's multiplier: business clusters in big cities)."""
    parts = []
    for area in areas:
        chosen = cities.filter((pl.col("iso2") == area.iso2) & (pl.col("population") >= min_population))
        if area.states is not None:
            chosen = chosen.filter(pl.col("state_code").is_in(list(area.states)))
        if area.exclude_states:
            chosen = chosen.filter(pl.col("state_code").is_in(list(area.exclude_states)).not_())
        parts.append(chosen.with_columns((pl.col("population").cast(pl.Float64) * area.weight).alias("weight")))
    return pl.concat(parts).sort("population", "geonameid", descending=[True, False])


def allocate(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder), each ≥ `minimum`."""
    weights = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum)
    rest = total - base.sum()
    exact = weights / weights.sum() * rest
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: rest - counts.sum()]] += 1
    return base + counts
