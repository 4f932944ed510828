"""Benchmark: what seeing through a viewer costs — cutting the sales data down to one viewer's
territories (once per data version and viewer), then the Overview's figures as that viewer.

    .venv/bin/python bench/bench_access.py                       # 1M accounts, 6M deals
    .venv/bin/python bench/bench_access.py --accounts 100000 --deals 600000

Same seeded company as bench_metrics.py. Times, for a region manager (a sixth of the company) and
a rep (one territory of 48): `restrict` — the first `sales_data` of a viewer-bound store (visibility
read from the tree, every frame filtered; cached afterwards); `overview` — kpi_tiles + the region
table + shares + the trend for that viewer, warm (memo cleared before each run), beside the admin's.
Budget: restrict ≤ 1 s (once per viewer and data version), a viewer's overview no slower than the admin's (median of 5 runs).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import resource
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import AS_OF, synthetic_company  # noqa: E402
from engine.access.viewer_store import as_viewer  # noqa: E402
from engine.access.visibility import Viewer  # noqa: E402
from engine.metrics.performance import attainment_table, kpi_tiles, monthly_trend, shares_table  # noqa: E402
from engine.metrics.periods import period_containing  # noqa: E402
from engine.metrics.sales_data import sales_data  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.settings import load_settings  # noqa: E402

BUDGET_MS = {"restrict": 1000}


def _overview(store, period, settings) -> None:
    kpi_tiles(store, period, None, settings, AS_OF)
    attainment_table(store, period, "region", None, settings, AS_OF)
    shares_table(store, period, "region", None, settings, AS_OF)
    monthly_trend(store, period, None, settings=settings)


def _median_ms(store, period, settings, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        sales_data(store).memo.clear()
        started = time.perf_counter()
        _overview(store, period, settings)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=6_000_000)
    args = parser.parse_args(argv)
    settings = load_settings({})
    period = period_containing(AS_OF, "quarter", 1)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb")
        synthetic_company(store, args.accounts, args.deals)
        sales_data(store)  # the cold read, shared by every viewer
        print(f"{args.accounts:,} accounts, {args.deals:,} deals")
        admin_ms = _median_ms(store, period, settings)
        print(f"  admin overview        {admin_ms:8.1f} ms")
        for viewer in (Viewer("mgr", "manager", None, ("R0",)), Viewer("rep", "rep", None, ("R0-T0",))):
            bound = as_viewer(store, viewer)
            started = time.perf_counter()
            sales_data(bound)
            restrict_ms = (time.perf_counter() - started) * 1000
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            ms = _median_ms(bound, period, settings)
            verdict = "ok" if restrict_ms <= BUDGET_MS["restrict"] and ms <= admin_ms * 1.1 else "OVER BUDGET"
            print(f"  {viewer.role:8} restrict {restrict_ms:8.1f} ms (process peak {peak:7.0f} MiB)   "
                  f"overview {ms:8.1f} ms   {verdict}")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
