"""Rebuild data/geo/boundaries.parquet (countries, US states, Chinese provinces) from the vendored
sources in data/geo/sources/ — run after replacing a source file or changing
engine/geo/boundary_sources.py: `.venv/bin/python scripts/build_boundaries.py`.
data/geo/README.md says where each source comes from and how to refresh it.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.geo.boundaries import write_boundaries  # noqa: E402

if __name__ == "__main__":
    started = time.perf_counter()
    target = Path(__file__).resolve().parents[1] / "data" / "geo"
    size = write_boundaries(target)
    print(f"boundaries.parquet {size / 1024:8.1f} KiB in {time.perf_counter() - started:.1f} s -> {target}")
