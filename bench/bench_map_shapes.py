"""Benchmark of the maps' territory shapes at 1M accounts when territories share states: 1M seeded
synthetic accounts over California, Nevada and Oregon, split between postal-code-like territories
(a Bay Area, a Los Angeles, the rest) so every shared state is drawn with H3 cells. Times the
aggregation to the maps' ~5 km grid (as `engine.charts.maps` does) and `row_geometry` (units, H3
cells of the distinct grid points only, unions, cuts at the coast). Prints wall and CPU time and
peak RSS.

    .venv/bin/python bench/bench_map_shapes.py [--accounts 1000000]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.charts.maps import row_geometry  # noqa: E402

PLACES = {  # (territory, unit, lon, lat, spread in degrees, weight)
    "bay": ("BAY", "US-CA", -122.2, 37.6, 0.35, 0.25), "la": ("LA", "US-CA", -118.2, 34.0, 0.4, 0.3),
    "valley": ("REST", "US-CA", -119.7, 36.7, 1.2, 0.15), "reno": ("REST", "US-NV", -119.8, 39.5, 0.4, 0.1),
    "portland": ("REST", "US-OR", -122.7, 45.5, 0.5, 0.1), "vegas": ("LA", "US-NV", -115.1, 36.2, 0.3, 0.1),
}


def synthetic(n: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(random.Random(seed).randrange(2**32))
    places = list(PLACES.values())
    pick = rng.choice(len(places), n, p=[p[5] for p in places])
    lon = np.array([p[2] for p in places])[pick] + rng.normal(0, 1, n) * np.array([p[4] for p in places])[pick]
    lat = np.array([p[3] for p in places])[pick] + rng.normal(0, 1, n) * np.array([p[4] for p in places])[pick] * 0.7
    return pl.DataFrame({"id": np.array([p[0] for p in places])[pick], "unit": np.array([p[1] for p in places])[pick],
                         "lon": lon, "lat": lat})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args()
    accounts = synthetic(args.accounts)
    wall, cpu = time.perf_counter(), time.process_time()
    cells = (accounts.group_by("id", "unit", (pl.col("lon") * 20).round() / 20, (pl.col("lat") * 20).round() / 20)
             .agg(pl.len().alias("accounts")))
    grid = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    geometry = row_geometry(cells)
    shapes = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"{args.accounts:,} accounts → {cells.height:,} grid cells")
    print(f"grid aggregation: {grid[0] * 1000:.0f} ms wall, {grid[1] * 1000:.0f} ms CPU")
    print(f"row_geometry:     {shapes[0] * 1000:.0f} ms wall, {shapes[1] * 1000:.0f} ms CPU")
    for row, shape in geometry.items():
        print(f"  {row}: units {shape['units']}, {len(shape['cells'])} H3 cells at resolution {shape['resolution']}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
