"""Benchmark: the figures as of a past day (`report --as-of`, the sidebar's as-of day).

    .venv/bin/python bench/bench_as_of.py                        # 1M accounts, 6M deals
    .venv/bin/python bench/bench_as_of.py --accounts 100000 --deals 600000

Uses bench_metrics' seeded company (created dates 0–180 days before each close), loads it once,
then times the rebuild of the deals as they stood on a day (sales_data.snapshot, once per day and
data version) and, warm, the Overview's figures on the rebuilt deals — beside the same figures as
of now. Budget: rebuild ≤ 2 s, as-of Overview ≤ 200 ms warm (the Overview's own budget).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import AS_OF, overview, synthetic_company  # noqa: E402
from engine.metrics.periods import period_containing  # noqa: E402
from engine.metrics.sales_data import as_of_store, sales_data, snapshot  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.settings import load_settings  # noqa: E402

BUDGET = {"rebuild_s": 2.0, "overview_ms": 200}
DAY = date(2026, 5, 31)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=6_000_000)
    args = parser.parse_args()
    settings = load_settings({})
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb")
        synthetic_company(store, args.accounts, args.deals)
        with store.transaction() as tx:  # the synthetic deals have no created date: give them one
            tx.execute("UPDATE deals SET created_date = close_date - CAST(floor(random() * 180) AS INTEGER)")
        data = sales_data(store, settings.reporting_currency)
        tracemalloc.start()
        rebuilds = []
        for _ in range(3):
            started = time.perf_counter()
            snapshot(data, DAY)
            rebuilds.append(time.perf_counter() - started)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        view = as_of_store(store, DAY)
        period = period_containing(DAY, "quarter")
        sales_data(view, settings.reporting_currency)  # the rebuild, once

        def warm(target) -> float:
            runs = []
            for _ in range(7):
                sales_data(target, settings.reporting_currency).memo.clear()
                sales_data(view, settings.reporting_currency)  # keeps the snapshot after the clear
                started = time.perf_counter()
                overview(target, period, settings)
                runs.append((time.perf_counter() - started) * 1000)
            return statistics.median(runs)
        now_ms = warm(store)
        as_of_ms = warm(view)
        store.close()
    rebuild = statistics.median(rebuilds)
    print(f"deals {args.deals:,}, as of {DAY}: rebuild {rebuild:.2f} s (budget {BUDGET['rebuild_s']} s, "
          f"peak {peak:,.0f} MB traced); Overview as of then {as_of_ms:.0f} ms, as of now ({AS_OF}) {now_ms:.0f} ms "
          f"(budget {BUDGET['overview_ms']} ms)")
    return 0 if rebuild <= BUDGET["rebuild_s"] and as_of_ms <= BUDGET["overview_ms"] else 1


if __name__ == "__main__":
    sys.exit(main())
