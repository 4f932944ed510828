"""The demo company's sales team: a CRO, regional directors, sub-region managers, field reps,
solution specialists and the two overlay teams — with names that fit where they work, home bases
in real cities, skills and capacity; plus who sits in which territory.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from engine.demo.names import PEOPLE, culture_of
from engine.demo.org import (COMPANY_ID, HEALTHCARE_ID, NAMED_ID, TERRITORIES, allocate, area_cities,
                             geo_leaves, region_of)

INDUSTRIES = ("Manufacturing", "Financial Services", "Healthcare", "Retail", "Technology", "Energy",
              "Public Sector", "Telecommunications", "Education", "Logistics")
PRODUCT_LINES = ("Platform", "Analytics", "Cloud Services", "Professional Services", "Support & Training")
FIELD_REPS = 53
HQ = {COMPANY_ID: ("New York City", "US"), "T-AMER": ("Chicago", "US"), "T-EMEA": ("London", "GB"),
      "T-APAC": ("Singapore", "SG"), "T-LATAM": ("São Paulo", "BR"), NAMED_ID: ("New York City", "US"),
      HEALTHCARE_ID: ("Boston", "US")}


def _city(cities: pl.DataFrame, name: str, iso2: str) -> dict:
    return cities.filter((pl.col("name") == name) & (pl.col("iso2") == iso2)).sort(
        "population", descending=True).row(0, named=True)


class _Namer:
    """Hands out unique full names per culture, deterministically."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.used = rng, set()

    def __call__(self, culture: str) -> tuple[str, str]:
        firsts, lasts, fmt = PEOPLE[culture]
        while True:
            first = firsts[self.rng.integers(len(firsts))]
            last = lasts[self.rng.integers(len(lasts))]
            name = fmt(first, last)
            if name[0] not in self.used:
                self.used.add(name[0])
                return name


@dataclass(frozen=True)
class Team:
    """reps: rep_id, name, email, manager_id, role, home_city, home_lat, home_lon, skills, capacity,
    active; members: territory_id, rep_id, role; field: the reps who own accounts, per territory;
    owners: territory_id → owner rep; specialists: region → its solution specialist."""

    reps: pl.DataFrame
    members: pl.DataFrame
    field: dict[str, list[str]]
    owners: dict[str, str]
    specialists: dict[str, str]


def build_team(rng: np.random.Generator, cities: pl.DataFrame, accounts_per_rep: float) -> Team:
    """The whole sales team and its territory memberships (see `Team`)."""
    namer = _Namer(rng)
    rows: list[dict] = []
    members: list[tuple[str, str, str]] = []

    def add(role: str, culture: str, city: dict, manager: str | None, skills: list[str], capacity: int) -> str:
        rep_id = f"REP-{len(rows) + 1:03d}"
        display, email_name = namer(culture)
        rows.append({"rep_id": rep_id, "name": display, "email": f"{email_name}@terrain-demo.com",
                     "manager_id": manager, "role": role, "home_city": city["name"],
                     "home_lat": city["lat"], "home_lon": city["lon"], "skills": skills,
                     "capacity": capacity, "active": True})
        return rep_id

    def skills(industries: int = 2, products: int = 1, must: str | None = None) -> list[str]:
        chosen = list(rng.choice(INDUSTRIES, industries, replace=False))
        if must and must not in chosen:
            chosen[0] = must
        return chosen + list(rng.choice(PRODUCT_LINES, products, replace=False))

    def capacity() -> int:
        return int(round(accounts_per_rep * rng.uniform(0.95, 1.3), -1))

    owners: dict[str, str] = {}
    cro = add("executive", "en", _city(cities, *HQ[COMPANY_ID]), None, [], 0)
    owners[COMPANY_ID] = cro
    regions = [t[0] for t in TERRITORIES if t[2] == COMPANY_ID and t[0] != NAMED_ID]
    for region in regions:
        owners[region] = add("director", culture_of(region), _city(cities, *HQ[region]), cro, [], 0)
    owners[NAMED_ID] = add("director", "en", _city(cities, *HQ[NAMED_ID]), cro, [], 0)

    leaves = geo_leaves()
    leaf_cities = {tid: area_cities(areas, cities) for tid, areas, _ in leaves}
    parents = {t[0]: t[2] for t in TERRITORIES}
    subregions = [t[0] for t in TERRITORIES if parents.get(t[2]) == COMPANY_ID and t[3] == "geo" and t[4] == ()]
    for sub in subregions:
        first_leaf = next(tid for tid, *_ in leaves if parents[tid] == sub)
        owners[sub] = add("manager", culture_of(first_leaf), leaf_cities[first_leaf].row(0, named=True),
                          owners[parents[sub]], [], 0)
    specialists = {region: add("specialist", culture_of(region), _city(cities, *HQ[region]), owners[region],
                               skills(1, 2), 0) for region in regions}

    field: dict[str, list[str]] = {}
    counts = allocate(FIELD_REPS, np.array([w for *_, w in leaves]), minimum=1)
    for (tid, _, _), count in zip(leaves, counts):
        pool = leaf_cities[tid]
        field[tid] = [add("rep", culture_of(tid), pool.row(i % min(len(pool), 6), named=True),
                          owners[parents[tid]], skills(), capacity()) for i in range(count)]
        owners[tid] = field[tid][0]
    field[HEALTHCARE_ID] = [add("rep", "en", _city(cities, *HQ[HEALTHCARE_ID]), owners["T-AMER"],
                                skills(2, 1, must="Healthcare"), capacity()) for _ in range(2)]
    owners[HEALTHCARE_ID] = field[HEALTHCARE_ID][0]
    field[NAMED_ID] = [add("rep", "en", _city(cities, *HQ[NAMED_ID]), owners[NAMED_ID], skills(3, 2), capacity())
                       for _ in range(3)]

    for tid, owner in owners.items():
        members.append((tid, owner, "owner"))
    for tid, reps in field.items():
        members.extend((tid, rep, "owner") for rep in reps[1:])
    for tid, _, _ in leaves:
        members.append((tid, specialists[region_of(tid)], "specialist"))
        if tid.startswith("T-US-"):
            members.extend((tid, rep, "overlay") for rep in field[HEALTHCARE_ID])

    reps = pl.DataFrame(rows, schema={
        "rep_id": pl.String, "name": pl.String, "email": pl.String, "manager_id": pl.String, "role": pl.String,
        "home_city": pl.String, "home_lat": pl.Float64, "home_lon": pl.Float64, "skills": pl.List(pl.String),
        "capacity": pl.Int32, "active": pl.Boolean})
    membership = pl.DataFrame({"territory_id": [m[0] for m in members], "rep_id": [m[1] for m in members],
                               "role": [m[2] for m in members]})
    membership = membership.unique(["territory_id", "rep_id"], keep="first", maintain_order=True)
    return Team(reps, membership, field, owners, specialists)
