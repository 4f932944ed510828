"""Benchmark of the assignment rules at scale: 1M accounts, 1,000 territories with 5 rules each.

Each territory owns a (country, state) cell and has: a geo rule, a postal-prefix rule, an
industry-and-size rule, a named-accounts override and a deal rule for its big deals. Times the
parse + compile + simulation on frames, cold (budget ≤ 2 s; then warm, with the rules compiled
already, as a page's rerun finds them), the same read from the store, and applying it (budget
≤ 10 s: the assignment starts scrambled, so many accounts move), beside a plain pandas evaluation
of the same rules (each rule a vectorised pandas mask, then first match by priority) and the ratio.
pandas is timed on every account with the first `--pandas-rules` rules and scaled to all of
them (each rule is one pass over the accounts); its assignment is checked against the engine's on
`--pandas-accounts` accounts with every rule. Wall and CPU times are printed with the load average.
Prints timings and peak memory (RSS).

    .venv/bin/python bench/bench_assign.py [--accounts 1000000] [--territories 1000] [--pandas-rules 200]
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.store import Store  # noqa: E402
from engine.territories.assignment import simulate  # noqa: E402
from engine.territories.compile import forget_compiled  # noqa: E402
from engine.territories.publish import apply_rules, simulate_live  # noqa: E402
from engine.territories.rule_language import And, Between, Compare, InList, IsEmpty, Not, Or, TextTest, parse  # noqa: E402
from engine.territories.rules import rule_set, save_rules  # noqa: E402

INDUSTRIES = ["Manufacturing", "Finance", "Software", "Health", "Retail", "Energy", "Logistics", "Media"]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]


def company(n_accounts: int, n_territories: int, seed: int = 7):
    """accounts, deals, territories and rules (5 per territory), seeded."""
    rng = np.random.default_rng(random.Random(seed).randrange(2**32))
    countries = [f"C{c:02d}" for c in range(n_territories // 20)]
    cells = [(c, f"S{s:02d}") for c in countries for s in range(20)][:n_territories]
    territory_ids = [f"T{i:04d}" for i in range(n_territories)]
    regions = [f"REG-{c}" for c in countries]  # one region (a director) per country, above its cells
    territories = pl.DataFrame({
        "territory_id": ["CO", *regions, *territory_ids],
        "name": ["Company", *[f"Region {c}" for c in countries], *[f"Territory {i}" for i in range(n_territories)]],
        "parent_id": [None, *["CO"] * len(regions), *[f"REG-{c}" for c, _ in cells]],
        "owner_rep_id": [None, *[f"D-{c}" for c in countries], *[f"R{i:04d}" for i in range(n_territories)]]})
    cell = rng.integers(0, n_territories, n_accounts)
    cell_country = np.array([c for c, _ in cells])[cell]
    cell_state = np.array([s for _, s in cells])[cell]
    unplaced = rng.random(n_accounts) < 0.002  # a few accounts without any address: the orphans
    accounts = pl.DataFrame({
        "account_id": [f"A{i:07d}" for i in range(n_accounts)], "name": [f"Account {i}" for i in range(n_accounts)],
        "country": np.where(unplaced, None, cell_country), "state": np.where(unplaced, None, cell_state),
        "postal_code": [f"{z:05d}" for z in rng.integers(0, 100_000, n_accounts)],
        "industry": rng.choice(INDUSTRIES, n_accounts), "segment": rng.choice(SEGMENTS, n_accounts),
        "annual_revenue": rng.lognormal(15, 1.5, n_accounts).round(0),
        "employees": rng.lognormal(5, 1.5, n_accounts).astype(np.int64),
        "territory_id": np.array(territory_ids)[rng.integers(0, n_territories, n_accounts)],  # scrambled
        "owner_rep_id": None,
    }).with_columns(pl.col("owner_rep_id").cast(pl.String))
    n_deals = n_accounts
    today = date.today()
    deals = pl.DataFrame({
        "deal_id": [f"D{i:07d}" for i in range(n_deals)],
        "account_id": accounts["account_id"].gather(rng.integers(0, n_accounts, n_deals)),
        "name": "deal", "amount": rng.lognormal(10, 1.5, n_deals).round(2), "currency": "USD", "stage": "s",
        "status": rng.choice(["open", "won", "lost"], n_deals, p=[0.3, 0.4, 0.3]), "probability": 0.5,
        "close_date": [today - timedelta(days=int(d)) for d in rng.integers(-90, 500, n_deals)],
    }).with_columns(amount_rc=pl.col("amount"), territory_id=pl.lit(None, pl.String),
                    owner_rep_id=pl.lit(None, pl.String), forecast_category=pl.lit(None, pl.String),
                    product_line=pl.lit(None, pl.String))
    named = rng.choice(n_accounts, (n_territories, 3), replace=False)
    rows = []
    for i, (country, state) in enumerate(cells):
        tid = territory_ids[i]
        industries = ", ".join(f'"{x}"' for x in rng.choice(INDUSTRIES, 2, replace=False))
        ids = ", ".join(f'"A{n:07d}"' for n in named[i])
        rows += [
            (tid, 100, f'country == "{country}" and state == "{state}"', "account"),
            (tid, 90, f'country == "{country}" and postal_code startswith "{i % 1000:03d}" and state == "{state}"',
             "account"),
            (tid, 50, f'state == "{state}" and country == "{country}" and industry in [{industries}] and '
                      f'annual_revenue between 5000000 and 50000000', "account"),
            (tid, 1, f"account_id in [{ids}]", "override"),
            (f"REG-{country}", 10, f'amount > 500000 and account_territory == "{tid}"', "deal"),
        ]
    rules = pl.DataFrame(rows, schema=["territory_id", "priority", "expression", "kind"], orient="row")
    return accounts, deals, territories, rules


# --- the plain pandas evaluation of the same rules -------------------------------------------------
def _pandas_mask(node, frame: pd.DataFrame) -> pd.Series:
    if isinstance(node, And):
        out = _pandas_mask(node.items[0], frame)
        for item in node.items[1:]:
            out = out & _pandas_mask(item, frame)
        return out
    if isinstance(node, Or):
        out = _pandas_mask(node.items[0], frame)
        for item in node.items[1:]:
            out = out | _pandas_mask(item, frame)
        return out
    if isinstance(node, Not):
        return ~_pandas_mask(node.item, frame)
    column = frame[node.field.name]
    if isinstance(node, Compare):
        value = node.value.value.lower() if isinstance(node.value.value, str) else node.value.value
        return {"==": column == value, "!=": column != value, "<": column < value, "<=": column <= value,
                ">": column > value, ">=": column >= value}[node.op]
    if isinstance(node, InList):
        mask = column.isin([v.value.lower() if isinstance(v.value, str) else v.value for v in node.values])
        return ~mask if node.negated else mask
    if isinstance(node, TextTest):
        mask = column.str.startswith(node.value.value.lower()).fillna(False)
        return ~mask if node.negated else mask
    if isinstance(node, Between):
        return column.between(node.low.value, node.high.value)
    if isinstance(node, IsEmpty):
        return column.notna() if node.negated else column.isna()
    raise TypeError(node)


def pandas_assign(accounts: pl.DataFrame, rules: pl.DataFrame, limit: int | None = None) -> np.ndarray:
    """Territory index per account (-1 = none): every account rule (or the first `limit`) as a
    pandas mask, first match wins."""
    frame = accounts.to_pandas()
    for name in ("country", "state", "postal_code", "industry", "segment", "account_id"):
        frame[name] = frame[name].str.strip().str.lower()
    account_rules = rules.filter(pl.col("kind") != "deal").with_row_index("_order").sort(
        pl.col("kind") != "override", "priority", "_order")
    account_rules = account_rules if limit is None else account_rules.head(limit)
    chosen = np.full(len(frame), -1)
    for territory, expression in account_rules.select("territory_id", "expression").iter_rows():
        mask = _pandas_mask(parse(expression), frame).to_numpy(dtype=bool, na_value=False)
        chosen[(chosen < 0) & mask] = int(territory[1:])
    return chosen


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--territories", type=int, default=1000)
    parser.add_argument("--pandas-accounts", type=int, default=20_000, help="accounts for the pandas result check")
    parser.add_argument("--pandas-rules", type=int, default=200, help="rules pandas is timed with on all accounts")
    args = parser.parse_args()

    accounts, deals, territories, rules = company(args.accounts, args.territories)
    print(f"{accounts.height:,} accounts, {deals.height:,} deals, {args.territories:,} territories, "
          f"{rules.height:,} rules ({rules.filter(pl.col('kind') == 'deal').height:,} deal rules)")
    # A user's simulate parses and compiles the rules too: timed together, cold (first in the process).
    started, cpu = time.perf_counter(), time.process_time()
    compiled = rule_set(rules, territories)
    compile_s, compile_cpu = time.perf_counter() - started, time.process_time() - cpu
    run = simulate(accounts, deals, territories, compiled)
    simulate_s, simulate_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    simulate(accounts, deals, territories, rule_set(rules, territories))
    warm_s, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times suffer when it is high)")
    print(f"parse + compile + simulate {simulate_s:.2f} s wall, {simulate_cpu:.2f} s CPU (budget 2 s; the parse and "
          f"compile {compile_s:.2f} s wall, {compile_cpu:.2f} s CPU of it): {run.changes.height:,} changes, "
          f"{run.orphans.height:,} orphans, {run.ties.height:,} ties, {run.dead_rules.height:,} dead rules, "
          f"{run.deal_moves.height:,} deals re-routed; again with the rules compiled already "
          f"{warm_s:.2f} s wall, {warm_cpu:.2f} s CPU")

    sample = accounts.head(args.pandas_accounts)
    by_pandas = pandas_assign(sample, rules)
    account_rules = rules.filter(pl.col("kind") != "deal").height
    started, cpu = time.perf_counter(), time.process_time()
    pandas_assign(accounts, rules, args.pandas_rules)  # each rule is a pass over every account: linear in rules
    scale = account_rules / min(args.pandas_rules, account_rules)
    pandas_s, pandas_cpu = (time.perf_counter() - started) * scale, (time.process_time() - cpu) * scale
    ours = simulate(sample, deals.head(0), territories, compiled).accounts
    decided = ours["territory_after"].str.slice(1).cast(pl.Int64, strict=False).to_numpy()
    same = np.where(ours["rule_id"].is_null().to_numpy(), -1, decided)
    assert (same == by_pandas).all(), "pandas and the engine disagree"
    print(f"pandas, rule by rule: {pandas_s:.1f} s wall, {pandas_cpu:.1f} s CPU for {account_rules:,} account rules "
          f"on {accounts.height:,} accounts (timed with {args.pandas_rules:,} rules, scaled; same assignment as the "
          f"engine on {sample.height:,} accounts) → the engine (parse + compile + simulate) is "
          f"{pandas_s / simulate_s:.0f}× faster ({pandas_cpu / simulate_cpu:.0f}× in CPU)")

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb")
        with store.transaction() as tx:
            for name, frame in (("territories", territories), ("accounts", accounts), ("deals", deals)):
                tx.insert_frame(name, frame)
        save_rules(store, rules)
        forget_compiled()  # as a fresh process would: the read, the parse and the compile are timed too
        started, cpu = time.perf_counter(), time.process_time()
        live = simulate_live(store)
        live_s, live_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        applied = apply_rules(store, actor="bench")
        apply_s, apply_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = simulate_live(store)
        again_s = time.perf_counter() - started
        store.close()
    print(f"simulate from the store (read + parse + compile + simulate) {live_s:.2f} s wall, {live_cpu:.2f} s CPU, "
          f"{live.changes.height:,} changes; apply {apply_s:.2f} s wall, {apply_cpu:.2f} s CPU (budget 10 s): "
          f"{applied.accounts_changed:,} accounts and {applied.deals_changed:,} deals moved, logged; "
          f"simulate again {again_s:.2f} s: {again.changes.height} changes")
    print(f"peak memory {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
