"""Benchmark of the customer health score: 1M accounts, 3M deals, 20M activities and the
receivables of 400k invoiced accounts, in memory.

The frames are generated with numpy (a 20M-row DuckDB file would only measure the disk), then
`engine.health.score.score_frame` — the same function the Health page and `report health` call —
scores every account; beside it the same rules in plain pandas. Budget: ≤ 3 s for the polars
score. Prints the median of `--rounds` alternating rounds and peak memory (RSS).

    .venv/bin/python bench/bench_health.py [--accounts 1000000] [--activities 20000000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.health.config import FACTORS, HealthConfig  # noqa: E402
from engine.health.score import score_frame  # noqa: E402

AS_OF = date(2025, 6, 30)
BUDGET_S = 3.0


def ids(prefix: str, codes: np.ndarray) -> pl.Series:
    return prefix + pl.Series(codes).cast(pl.String).str.zfill(7)


def synthetic(n_accounts: int, n_deals: int, n_activities: int, seed: int = 13):
    rng = np.random.default_rng(seed)
    account_codes = np.arange(n_accounts)
    accounts = pl.DataFrame({"account_id": ids("A", account_codes), "name": ids("Account ", account_codes),
                             "owner_rep_id": ids("R", rng.integers(0, 500, n_accounts)),
                             "territory_id": ids("T", rng.integers(0, 50, n_accounts))})
    # a skewed activity count per account (some busy, many quiet, some silent for months)
    who = np.minimum(rng.zipf(1.6, n_activities) - 1 + rng.integers(0, n_accounts, n_activities), n_accounts - 1)
    start = np.datetime64(AS_OF - timedelta(days=730), "us").astype(np.int64)
    seconds = rng.integers(0, 730 * 86_400, n_activities) * 1_000_000
    activities = pl.DataFrame({"account_id": ids("A", who),
                               "ts": pl.Series(start + seconds).cast(pl.Datetime("us"))})
    created = rng.integers(0, 700, n_deals)
    cycle = rng.integers(10, 200, n_deals)
    deals = pl.DataFrame({
        "account_id": ids("A", rng.integers(0, n_accounts, n_deals)),
        "status": rng.choice(["open", "won", "lost"], n_deals, p=[0.3, 0.4, 0.3]),
        "created_date": np.datetime64(AS_OF, "D") - created.astype("timedelta64[D]"),
        "close_date": np.datetime64(AS_OF, "D") - (created - cycle).astype("timedelta64[D]"),
        "amount_rc": rng.lognormal(9, 1, n_deals).round(2)})
    # four accounts in ten invoiced, most paid in time, a tail of invoices months past due
    invoiced = rng.choice(n_accounts, int(n_accounts * 0.4), replace=False)
    late = np.where(rng.random(len(invoiced)) < 0.8, 0, rng.integers(1, 400, len(invoiced)))
    receivables = pl.DataFrame({"account_id": ids("A", invoiced), "days_past_due": late,
                                "past_due_amount": np.where(late > 0, rng.lognormal(8, 1, len(invoiced)), 0.0)})
    return accounts, deals, activities, receivables


def pandas_scores(accounts: pd.DataFrame, deals: pd.DataFrame, acts: pd.DataFrame, owed: pd.DataFrame,
                  config: HealthConfig) -> pd.DataFrame:
    """The same rules as score.py, in vectorised pandas (no apply), for comparison."""
    w, as_of = config.weights, pd.Timestamp(AS_OF)
    day = acts["ts"].dt.normalize()
    known = acts[day <= as_of].assign(day=day)
    recent_from = as_of - pd.Timedelta(days=config.trend_days - 1)
    before_from = recent_from - pd.Timedelta(days=config.trend_days)
    known = known.assign(recent=known["day"] >= recent_from,
                         before=(known["day"] >= before_from) & (known["day"] < recent_from))
    a = known.groupby("account_id").agg(last=("day", "max"), recent=("recent", "sum"), before=("before", "sum"))
    created, close = pd.to_datetime(deals["created_date"]), pd.to_datetime(deals["close_date"])
    then = as_of - pd.Timedelta(days=config.pipeline_days)
    won_from = as_of - pd.Timedelta(days=config.won_recency_days - 1)
    is_open, won = deals["status"] == "open", (deals["status"] == "won") & (close <= as_of)
    amount = deals["amount_rc"].fillna(0.0)
    d = pd.DataFrame({"account_id": deals["account_id"], "overdue": is_open & (close < as_of),
                      "last_won": close.where(won), "won_recent": won & (close >= won_from),
                      "now": amount.where((created <= as_of) & (is_open | (close > as_of)), 0.0),
                      "then": amount.where((created <= then) & (is_open | (close > then)), 0.0)})
    d = d.groupby("account_id").agg(overdue=("overdue", "sum"), last_won=("last_won", "max"),
                                    won_recent=("won_recent", "sum"), now=("now", "sum"), then=("then", "sum"))
    f = accounts.set_index("account_id").join(a).join(d).join(owed.set_index("account_id"))
    invoiced = f["days_past_due"].notna()
    f[["recent", "before", "overdue", "won_recent", "now", "then"]] = \
        f[["recent", "before", "overdue", "won_recent", "now", "then"]].fillna(0)
    days = (as_of - f["last"]).dt.days
    since_won = (as_of - f["last_won"]).dt.days
    span = config.recency_zero_days - config.recency_full_days
    share = {
        "recency": ((config.recency_zero_days - days) / span).clip(0, 1).fillna(0),
        "trend": np.where(f["recent"] > 0, ((f["recent"] + 1) / (f["before"] + 1)).clip(0, 1), 0.0),
        "overdue_deals": (1 - f["overdue"] / config.overdue_zero_count).clip(0, 1),
        "won_deals": 0.5 * (1 - since_won / config.won_recency_days).clip(0, 1).fillna(0)
                     + 0.5 * (f["won_recent"] / config.won_frequency_target).clip(0, 1),
        "pipeline": np.where(f["then"] > 0, (f["now"] / f["then"].where(f["then"] > 0)).clip(0, 1), 1.0),
        "receivables": np.where(invoiced, (1 - f["days_past_due"] / config.receivables_zero_days).clip(0, 1), 0.0),
    }
    earned = sum(share[k] * w[k] for k in FACTORS)
    total = config.total_weight - np.where(invoiced, 0.0, w["receivables"])
    f["score"] = (100 * earned / total).round(2)
    return f


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of all threads, result): on a shared machine the wall time moves
    with the load, the CPU time much less."""
    start, cpu = time.perf_counter(), cpu_seconds()
    out = fn()
    return time.perf_counter() - start, cpu_seconds() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=3_000_000)
    parser.add_argument("--activities", type=int, default=20_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pandas", action="store_true", help="time only the polars score")
    args = parser.parse_args()
    config = HealthConfig()
    t0 = time.perf_counter()
    accounts, deals, activities, receivables = synthetic(args.accounts, args.deals, args.activities)
    print(f"generated {args.accounts:,} accounts, {args.deals:,} deals, {args.activities:,} activities "
          f"in {time.perf_counter() - t0:.1f} s", flush=True)
    frames = None if args.no_pandas else (accounts.to_pandas(), deals.to_pandas(), activities.to_pandas(),
                                          receivables.to_pandas())
    polars_s, pandas_s, polars_cpu, pandas_cpu = [], [], [], []
    for _ in range(args.rounds):
        seconds, cpu, scores = timed(lambda: score_frame(accounts, deals, activities, AS_OF, config, receivables))
        polars_s.append(seconds)
        polars_cpu.append(cpu)
        print(f"  polars score: {seconds:.2f} s wall, {cpu:.2f} s CPU", flush=True)
        if frames:
            seconds, cpu, reference = timed(lambda: pandas_scores(*frames, config))
            pandas_s.append(seconds)
            pandas_cpu.append(cpu)
            print(f"  pandas score: {seconds:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    counts = dict(scores.group_by("tier").len().iter_rows())
    print(f"tiers: {counts}")
    if frames:
        mine = scores.select("account_id", "score").sort("account_id")
        theirs = reference["score"].sort_index()
        differ = int((np.abs(mine["score"].to_numpy() - theirs.to_numpy()) > 0.011).sum())
        print(f"accounts whose pandas score differs by more than 0.01: {differ}")
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    median = statistics.median(polars_s)
    line = (f"health score, {args.accounts:,} accounts / {args.activities:,} activities: polars {median:.2f} s "
            f"({statistics.median(polars_cpu):.2f} s CPU)")
    if pandas_s:
        line += (f", pandas {statistics.median(pandas_s):.2f} s ({statistics.median(pandas_cpu):.2f} s CPU; "
                 f"{statistics.median(pandas_s) / median:.1f}× the wall time)")
    print(line + f" (budget ≤ {BUDGET_S:.0f} s: {'ok' if median <= BUDGET_S else 'OVER'}); peak RSS {peak_gb:.1f} GB")


if __name__ == "__main__":
    main()
