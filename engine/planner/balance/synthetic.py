"""A seeded synthetic company for exercising auto-balance at scale (benchmarks and property tests).

Territories get home bases scattered over a US-sized box; postal-code units are scattered too and
each belongs to the territory with the nearest home base (a Voronoi drawing, so territories start
contiguous), then accounts with skewed (log-normal) revenue are spread over the units, so the
territories start clearly unbalanced. `random.Random(seed)` only: the same seed is the same company.
"""
from __future__ import annotations

import math
import random

import polars as pl

from engine.planner.balance.auto import BalanceInput


def synthetic_company(units: int = 3_000, territories: int = 50, accounts_per_unit: float = 4.0,
                      seed: int = 7) -> BalanceInput:
    """Accounts (account_id, territory_id, lat, lon, country, state, city, postal_code, won, pipeline,
    potential, activities, visit_hours) and homes (territory_id, home_lat, home_lon)."""
    rng = random.Random(seed)
    homes = [(f"T{t:03d}", rng.uniform(30.0, 47.0), rng.uniform(-120.0, -75.0)) for t in range(territories)]
    rows: dict[str, list] = {k: [] for k in ("account_id", "territory_id", "lat", "lon", "country", "state",
                                             "city", "postal_code", "won", "pipeline", "potential",
                                             "activities", "visit_hours")}
    serial = 0
    for u in range(units):
        lat, lon = rng.uniform(30.0, 47.0), rng.uniform(-120.0, -75.0)
        owner = min(homes, key=lambda h: (h[1] - lat) ** 2 + ((h[2] - lon) * math.cos(math.radians(lat))) ** 2)[0]
        size = 1 + int(rng.expovariate(1.0 / max(accounts_per_unit - 1, 0.01)))
        for _ in range(size):
            serial += 1
            rows["account_id"].append(f"ACC{serial:07d}")
            rows["territory_id"].append(owner)
            rows["lat"].append(lat + rng.gauss(0, 0.02))
            rows["lon"].append(lon + rng.gauss(0, 0.02))
            rows["country"].append("US")
            rows["state"].append(f"S{int((lon + 120) // 5):02d}")
            rows["city"].append(f"C{u // 4:05d}")
            rows["postal_code"].append(f"{u:05d}")
            revenue = math.exp(rng.gauss(11.0, 1.0))
            rows["won"].append(round(revenue, 2))
            rows["pipeline"].append(round(revenue * rng.uniform(0.0, 1.5), 2))
            rows["potential"].append(round(revenue * rng.uniform(2.0, 10.0), 2))
            rows["activities"].append(float(rng.randint(0, 30)))
            rows["visit_hours"].append(float(rng.randint(0, 10)))
    home_frame = pl.DataFrame({"territory_id": [h[0] for h in homes], "home_lat": [h[1] for h in homes],
                               "home_lon": [h[2] for h in homes]})
    return BalanceInput(pl.DataFrame(rows), home_frame)
