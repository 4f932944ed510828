"""Benchmark of the what-if engine at scale: a seeded synthetic company of 1M accounts.

Times building the baseline from the store, a move of 50,000 accounts (the incremental delta the
planner runs on every click; budget ≤ 50 ms), the before/after frame, undo, and, for comparison, a
full polars recompute of every territory's figures. Prints timings and peak memory (RSS).

    .venv/bin/python bench/bench_whatif.py [--accounts 1000000] [--move 50000]
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.store.settings import load_settings  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.planner.plan import Move, Plan, before_after, build_baseline, recompute_before_after, rep_before_after  # noqa: E402

STATES = ["CA", "NY", "TX", "FL", "IL", "WA", "MA", "GA", "CO", "AZ", "OH", "NC", "MI", "PA", "OR"]
INDUSTRIES = ["Manufacturing", "Finance", "Software", "Health", "Retail", "Energy", "Logistics"]


def synthetic_company(store: Store, n_accounts: int, n_territories: int = 50, seed: int = 7) -> None:
    """Accounts scattered over the US, one deal and one activity per account on average."""
    rng = np.random.default_rng(random.Random(seed).randrange(2**32))
    territory_ids = [f"T{i:03d}" for i in range(n_territories)]
    rep_ids = [f"R{i:03d}" for i in range(n_territories)]
    reps = pl.DataFrame({"rep_id": rep_ids, "name": [f"Rep {i}" for i in range(n_territories)],
                         "home_lat": rng.uniform(26, 48, n_territories), "home_lon": rng.uniform(-122, -72, n_territories)})
    territories = pl.DataFrame({"territory_id": territory_ids, "name": [f"Territory {i}" for i in range(n_territories)],
                                "owner_rep_id": rep_ids})
    code = rng.integers(0, n_territories, n_accounts)
    accounts = pl.DataFrame({
        "account_id": [f"A{i:07d}" for i in range(n_accounts)],
        "name": [f"Account {i}" for i in range(n_accounts)],
        "industry": rng.choice(INDUSTRIES, n_accounts), "state": rng.choice(STATES, n_accounts),
        "country": "US", "postal_code": [f"{z:05d}" for z in rng.integers(1000, 99999, n_accounts)],
        "lat": rng.uniform(25, 49, n_accounts), "lon": rng.uniform(-124, -70, n_accounts),
        "annual_revenue": rng.lognormal(15, 1.5, n_accounts).round(0),
        "territory_id": np.array(territory_ids)[code], "owner_rep_id": np.array(rep_ids)[code],
    })
    today = date.today()
    deal_account = rng.integers(0, n_accounts, n_accounts)
    status = rng.choice(["open", "won", "lost"], n_accounts, p=[0.4, 0.35, 0.25])
    close = [today - timedelta(days=int(d)) for d in rng.integers(-180, 500, n_accounts)]
    deals = pl.DataFrame({
        "deal_id": [f"D{i:07d}" for i in range(n_accounts)],
        "account_id": accounts["account_id"].gather(deal_account),
        "amount": rng.lognormal(9, 1, n_accounts).round(2), "status": status, "close_date": close,
    }).with_columns(amount_rc=pl.col("amount"))
    activities = pl.DataFrame({
        "activity_id": [f"X{i:07d}" for i in range(n_accounts)],
        "account_id": accounts["account_id"].gather(rng.integers(0, n_accounts, n_accounts)),
        "type": rng.choice(["call", "email", "meeting"], n_accounts),
        "ts": [datetime.combine(today, datetime.min.time()) - timedelta(days=int(d))
               for d in rng.integers(1, 400, n_accounts)],
    })
    months = pl.date_range(date(today.year, 1, 1), date(today.year, 12, 1), "1mo", eager=True)
    targets = pl.DataFrame({"scope": "territory", "scope_id": territory_ids}).join(
        pl.DataFrame({"period_start": months}), how="cross").with_columns(amount=pl.lit(100_000.0))
    with store.transaction() as tx:
        for name, frame in (("reps", reps), ("territories", territories), ("accounts", accounts),
                            ("deals", deals), ("activities", activities), ("targets", targets)):
            tx.insert_frame(name, frame)


def timed(fn, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--move", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    store = Store.open(":memory:")
    _, t_gen = timed(lambda: synthetic_company(store, args.accounts))
    baseline, t_base = timed(lambda: build_baseline(store, settings=load_settings(environ={})))
    plan, t_plan = timed(lambda: Plan(baseline))
    rng = np.random.default_rng(11)
    positions = np.sort(rng.choice(baseline.n_accounts, args.move, replace=False))
    targets = rng.integers(0, baseline.n_territories, args.move).astype(np.int32)
    ids = tuple(baseline.accounts["account_id"].gather(positions).to_list())

    delta_ms, delta_cpu_ms, frame_ms, undo_ms, by_id_ms, full_ms = [], [], [], [], [], []
    for _ in range(args.repeat):
        cpu = time.process_time()
        _, t = timed(lambda: plan.assign(positions, targets)); delta_ms += t
        delta_cpu_ms.append((time.process_time() - cpu) * 1000)  # single-threaded numpy: CPU ≈ engine time
        _, t = timed(lambda: (before_after(plan), rep_before_after(plan))); frame_ms += t
        _, t = timed(plan.undo); undo_ms += t
        _, t = timed(lambda: plan.apply(Move(accounts=ids, to_territory=baseline.territories["territory_id"][0])))
        by_id_ms += t
        _, t = timed(lambda: recompute_before_after(plan)); full_ms += t
        plan.undo()

    print(f"accounts: {baseline.n_accounts:,}   territories: {baseline.n_territories}   reps: {baseline.n_reps}"
          f"   moved per step: {args.move:,}")
    print(f"synthetic data into DuckDB : {t_gen[0]:9.0f} ms")
    print(f"build baseline (from store): {t_base[0]:9.0f} ms")
    print(f"plan start (full totals)   : {t_plan[0]:9.1f} ms")
    med = statistics.median
    print(f"move 50k by position (delta, territories + reps): median {med(delta_ms):6.1f} ms   max {max(delta_ms):6.1f} ms   budget 50 ms")
    print(f"  same, CPU time (robust to a busy machine)     : median {med(delta_cpu_ms):6.1f} ms")
    print(f"before/after frames (territory + rep)           : median {med(frame_ms):6.1f} ms")
    print(f"move + before/after                             : median {med(delta_ms) + med(frame_ms):6.1f} ms")
    print(f"undo                                            : median {med(undo_ms):6.1f} ms")
    print(f"move 50k by account id (id lookup + delta)      : median {med(by_id_ms):6.1f} ms")
    print(f"full polars recompute (territories only)        : median {med(full_ms):6.1f} ms")
    print(f"peak memory (RSS)                               : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")


if __name__ == "__main__":
    main()
