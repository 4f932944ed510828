"""Soak of the morning-meeting board: 8 hours of a wall screen, simulated as fast refresh cycles.

The board page runs through Streamlit's own script runner (`streamlit.testing.v1.AppTest`, as
tests/app and bench_pages do), in this one process as a server would, one session, for as many
rotations as `--hours` of a `--rotate`-second board make (8 h × 3,600 ÷ 20 s = 1,440), without
waiting between them. Every `--refresh-every` cycles new data arrives — a won deal and an activity
written in a transaction of their own, so the data version moves on and every cached figure of
the board is recomputed, as the morning's imports would do. The process's RSS is sampled every
`--sample-every` cycles; printed: RSS after the first full round of panels and warm-up, at the end,
the growth between them (budget ≤ 10%), the peak, and wall and CPU time per cycle.

    .venv/bin/python bench/bench_board_soak.py [--scale 0.2] [--hours 8] [--rotate 20]
    (with --scale above 5: flock /work/bench.lock …)
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BUDGET_GROWTH = 0.10


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def new_data(store, cycle: int) -> None:
    """A won deal and an activity on an existing account, as a morning import would bring."""
    import polars as pl

    account, rep, territory = store.rows(
        "SELECT account_id, owner_rep_id, territory_id FROM accounts WHERE owner_rep_id IS NOT NULL "
        "ORDER BY account_id LIMIT 1 OFFSET ?", [cycle % 500])[0]
    day = store.scalar("SELECT max(close_date) FROM deals WHERE status = 'won'")
    with store.transaction() as tx:
        tx.insert_frame("deals", pl.DataFrame({
            "deal_id": [f"SOAK-{cycle}"], "account_id": [account], "name": [f"Soak {cycle}"], "amount": [1000.0],
            "currency": ["USD"], "amount_rc": [1000.0], "stage": ["Closed Won"], "status": ["won"],
            "created_date": [day - timedelta(days=30)], "close_date": [day], "owner_rep_id": [rep],
            "territory_id": [territory]}))
        tx.insert_frame("activities", pl.DataFrame({
            "activity_id": [f"SOAK-{cycle}"], "account_id": [account], "rep_id": [rep], "type": ["call"],
            "ts": [datetime.combine(day, datetime.min.time()) + timedelta(hours=10)]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database, written to (refreshes): a copy (default: a new demo)")
    parser.add_argument("--scale", type=float, default=0.2, help="demo scale of the new database (0.2: 5k accounts)")
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--rotate", type=int, default=20, help="seconds per panel of the simulated screen")
    parser.add_argument("--refresh-every", type=int, default=45, help="cycles between two data refreshes (15 min)")
    parser.add_argument("--sample-every", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=60, help="cycles before the baseline RSS is taken")
    args = parser.parse_args()
    cycles = round(args.hours * 3600 / args.rotate)

    workdir = tempfile.mkdtemp(prefix="terrain-soak-")
    db = args.db or os.path.join(workdir, "soak.duckdb")
    os.environ["TERRAIN_DB"] = db
    os.environ.pop("TERRAIN_USERS", None)
    from engine.demo.company import build_demo
    from engine.store import Store

    if not args.db:
        store = Store.open(db)
        build_demo(store, scale=args.scale)
        store.close()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    shared_scripts = ScriptCache()  # a server compiles the page once
    local_runner.ScriptCache = lambda: shared_scripts
    from engine.store.settings import load_settings
    from ui import context

    app = AppTest.from_file(str(REPO / "pages" / "board.py"), default_timeout=600)
    app.session_state["lang"] = "en"
    app.session_state["_shell"] = True
    app.query_params["rotate"] = str(args.rotate)
    settings = load_settings()
    samples: list[tuple[int, float]] = []
    wall: list[float] = []
    baseline = None
    start_wall, start_cpu = time.perf_counter(), cpu_seconds()
    print(f"{cycles:,} cycles = {args.hours:g} h of a {args.rotate} s board; data refreshed every "
          f"{args.refresh_every} cycles; database {db}", flush=True)
    for cycle in range(1, cycles + 1):
        began = time.perf_counter()
        app.run()
        if app.exception:
            raise SystemExit(f"cycle {cycle}: the board failed: {app.exception[0].message}")
        wall.append(time.perf_counter() - began)
        if cycle % args.refresh_every == 0:
            new_data(context._open_store(settings.db_path, settings.adopt_database), cycle)
        if cycle == args.warmup:
            gc.collect()
            baseline = rss_mb()
        if cycle % args.sample_every == 0 or cycle == cycles:
            samples.append((cycle, rss_mb()))
            print(f"  cycle {cycle:>5}: RSS {samples[-1][1]:.0f} MB, median cycle {statistics.median(wall[-args.sample_every:]) * 1000:.0f} ms",
                  flush=True)
    gc.collect()
    end = rss_mb()
    cpu = cpu_seconds() - start_cpu
    growth = (end - baseline) / baseline if baseline else float("nan")
    peak = max(value for _, value in samples)
    print(f"board soak, {cycles:,} cycles ({args.hours:g} h at {args.rotate} s): RSS {baseline:.0f} MB after "
          f"{args.warmup} cycles → {end:.0f} MB at the end, growth {growth:+.1%} (budget ≤ {BUDGET_GROWTH:.0%}: "
          f"{'ok' if growth <= BUDGET_GROWTH else 'OVER'}); peak {peak:.0f} MB; "
          f"{time.perf_counter() - start_wall:.0f} s wall, {cpu:.0f} s CPU, "
          f"median cycle {statistics.median(wall) * 1000:.0f} ms")
    if not args.db:
        context._open_store.clear()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
