"""Benchmark: the Activity & KPIs figures from per-version cubes, beside the same work in pandas.

    .venv/bin/python bench/bench_kpis.py --db big.duckdb         (python -m engine demo --scale 40)

What pages/activity.py asks for one period: the KPI table of the company (period and previous),
of the regions, territories and reps; lead response of the company (period and previous) and the
regions; the star performers; the seasonality heatmap. Timed three ways:
- build   — the per-data-version cubes (activity cells, first wins), once after a data change;
- terrain — every figure recomputed from the cubes (the memo of results cleared before each run,
            the cubes kept): what a new period or scope costs;
- memo    — the same calls answered from the shared memo: what the next visitor costs;
- pandas  — the same figures by region from the raw deals, accounts and activities in memory
            (read once, not timed), as a script without cubes would compute them every time.
Budget: terrain ≤ 150 ms per period at 1M accounts / 6M deals / 8M activities (median of 5).

The Leads & contacts tab (engine.metrics.lead_kpis: lead KPI tables of the company for the period
and the previous one, and of the regions, territories and reps) is timed the same ways, on leads,
contacts and lead follow-ups generated into the database when it has none (`--leads`, default 1M
leads, half as many contacts, one follow-up activity for every third lead; seeded, so the same
every time). Run it on a copy: `cp /work/big.duckdb ./big.duckdb` (the generated rows are written).
Budget: the tab ≤ 150 ms per period, and the whole page's figures are printed beside it. Wall and
CPU time are both printed (a loaded machine inflates the wall time).
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_metrics import timed  # noqa: E402  (bench/ is on the path when a bench runs)

from engine.metrics.activity_facts import activity_cells, activity_type_cells, first_wins  # noqa: E402
from engine.metrics.kpis import kpi_table, lead_response, seasonality_matrix, star_performers  # noqa: E402
from engine.metrics.lead_kpis import _contacts, _leads, lead_kpi_table  # noqa: E402
from engine.metrics.performance import as_of_date, default_period  # noqa: E402
from engine.metrics.periods import add_months  # noqa: E402
from engine.metrics.sales_data import sales_data  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.settings import load_settings  # noqa: E402

BUDGET_MS = 150
KEEP = ("located_accounts", "map_geometry", "period_leads")  # per version / per period reads, not figures


def activity_page(store, period, settings, as_of) -> None:
    for p in (period, period.previous()):
        kpi_table(store, p, "company", settings, None, as_of)
        lead_response(store, p, "company", settings, None, as_of)
    for level in ("region", "territory", "rep"):
        kpi_table(store, period, level, settings, None, as_of)
    lead_response(store, period, "region", settings, None, as_of)
    star_performers(store, period, settings, None, top=10, as_of=as_of)
    seasonality_matrix(store, settings, None, as_of)


def leads_tab(store, period, settings, as_of) -> None:
    for p in (period, period.previous()):
        lead_kpi_table(store, p, "company", settings, None, as_of)
    for level in ("region", "territory", "rep"):
        lead_kpi_table(store, period, level, settings, None, as_of)


def cpu_timed(fn, runs: int, before=None) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        if before:
            before()
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return float(np.median(walls)), float(np.median(cpus))


def generate_leads(store, count: int, as_of) -> None:
    """`count` leads over the four years before `as_of` (40% converted, into a random account),
    count/2 contacts, and a follow-up call or e-mail for every third lead — seeded."""
    rng = np.random.default_rng(13)
    accounts = store.table("accounts", ["account_id", "territory_id", "owner_rep_id"])
    pick = rng.integers(0, accounts.height, count)
    chosen = accounts[pick]
    end = datetime.combine(as_of, datetime.min.time())
    start = end - timedelta(days=4 * 365)
    span = int((end - start).total_seconds())
    created = pl.Series(rng.integers(0, span, count)).cast(pl.Int64) * 1_000_000
    created = pl.lit(start).cast(pl.Datetime("us")) + pl.duration(microseconds=created)
    converted = rng.random(count) < 0.4
    delay = rng.integers(1, 60, count)
    ids = pl.Series([f"00Q{i:012d}" for i in range(count)])
    leads = pl.DataFrame({"lead_id": ids, "territory_id": chosen["territory_id"], "owner_rep_id": chosen["owner_rep_id"],
                          "account": chosen["account_id"]}).with_columns(
        created.alias("created_at"), pl.Series("delay", delay), pl.Series("c", converted))
    leads = leads.with_columns(pl.when(pl.col("c")).then(pl.col("account")).alias("converted_account_id")).drop("account")
    leads = leads.with_columns(pl.when(pl.col("c")).then((pl.col("created_at") + pl.duration(days=pl.col("delay"))).dt.date())
                               .alias("converted_at"), pl.lit("Web").alias("lead_source"), pl.lit("bench").alias("source"))
    contact_pick = rng.integers(0, accounts.height, count // 2)
    contacts = pl.DataFrame({"contact_id": [f"003{i:012d}" for i in range(count // 2)],
                             "account_id": accounts["account_id"][contact_pick],
                             "owner_rep_id": accounts["owner_rep_id"][contact_pick]}).with_columns(
        (pl.lit(start).cast(pl.Datetime("us")) + pl.duration(
            microseconds=pl.Series(rng.integers(0, span, count // 2)).cast(pl.Int64) * 1_000_000)).alias("created_at"))
    followed = leads.gather_every(3)
    follow_ups = followed.select(
        pl.format("00T{}", pl.col("lead_id").str.slice(3)).alias("activity_id"), "lead_id",
        pl.col("owner_rep_id").alias("rep_id"),
        (pl.col("created_at") + pl.duration(hours=pl.col("delay"))).alias("ts"),
        pl.when(pl.col("delay") % 2 == 0).then(pl.lit("call")).otherwise(pl.lit("email")).alias("type"),
        pl.lit("bench").alias("source"))
    with store.transaction() as tx:
        tx.insert_frame("leads", leads.drop("delay", "c"))
        tx.insert_frame("contacts", contacts)
        tx.insert_frame("activities", follow_ups)


def pandas_page(deals: pd.DataFrame, accounts: pd.DataFrame, acts: pd.DataFrame, period, as_of) -> list:
    """The same figures by region in plain pandas, from the raw frames."""
    start, end = np.datetime64(period.start), np.datetime64(period.end)
    out = []
    for s, e in ((start, end), (np.datetime64(period.previous().start), start)):
        closed = deals[(deals.close_date >= s) & (deals.close_date < e) & deals.status.isin(["won", "lost"])]
        won = closed[closed.status == "won"]
        cycle = (won.close_date - won.created_date).dt.days.groupby(won.region).median()
        lost = closed[closed.status == "lost"].groupby("region").size()
        firsts = (deals[deals.status == "won"].sort_values(["close_date", "deal_id"])
                  .drop_duplicates("account_id"))
        new = firsts[(firsts.close_date >= s) & (firsts.close_date < e)].groupby("region").size()
        in_period = acts[(acts.ts >= s) & (acts.ts < e)]
        activity = in_period.groupby("region").size()
        loggers = in_period.groupby("region").rep_id.nunique()
        out.append(pd.concat([cycle, lost, new, activity, loggers], axis=1))
        # lead response: first activity on the lead's account at or after its creation, within 3 months
        cap = np.datetime64(add_months(period.end, 3))
        leads = deals[(deals.created_date >= s) & (deals.created_date < e)][["account_id", "created_date", "region"]]
        window = acts[(acts.ts >= s) & (acts.ts < cap)][["account_id", "ts"]].sort_values("ts")
        touched = pd.merge_asof(leads.sort_values("created_date"), window, left_on="created_date", right_on="ts",
                                by="account_id", direction="forward")
        hours = (touched.ts - touched.created_date).dt.total_seconds() / 3600
        out.append(hours.groupby(touched.region).median())
    end_month = np.datetime64(f"{as_of.year:04d}-{as_of.month:02d}-01")
    season = deals[(deals.status == "won") & (deals.close_date < end_month)
                   & (deals.close_date >= end_month - np.timedelta64(1096, "D"))]
    out.append(season.groupby([season.region, season.close_date.dt.month]).amount_rc.sum().unstack())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leads", type=int, default=1_000_000,
                        help="leads to generate when the database has none (contacts: half as many)")
    args = parser.parse_args()
    settings = load_settings()
    store = Store.open(args.db)
    if store.count("leads") == 0 and args.leads:
        started = time.perf_counter()
        generate_leads(store, args.leads, as_of_date(store))
        print(f"generated {args.leads:,} leads, {args.leads // 2:,} contacts, {len(range(0, args.leads, 3)):,} "
              f"follow-ups in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    data = sales_data(store, settings.reporting_currency)
    print(f"{args.db}: {data.deals.height:,} deals, {data.accounts.height:,} accounts; "
          f"load {time.perf_counter() - started:.1f} s")
    as_of = as_of_date(store)
    period = default_period(store, settings=settings)
    started = time.perf_counter()
    activity_cells(store, data), first_wins(data)
    build = (time.perf_counter() - started) * 1000
    activity_page(store, period, settings, as_of)  # the period's lead touches are read once here
    terrain = timed(lambda: activity_page(store, period, settings, as_of), args.runs,
                    before=lambda: data.memo.keep(lambda key: key[0] in KEEP))
    memo = timed(lambda: activity_page(store, period, settings, as_of), args.runs)

    deals = data.deals.join(data.tree.nodes.select("node", pl.coalesce("region_node", "node").alias("region")), on="node") \
        .select("deal_id", "account_id", "status", "amount_rc", "created_date", "close_date", "region").to_pandas()
    for column in ("created_date", "close_date"):
        deals[column] = deals[column].astype("datetime64[ns]")
    accounts = data.accounts.join(data.tree.nodes.select("node", pl.coalesce("region_node", "node").alias("region")),
                                  on="node").select("account_id", "region").to_pandas()
    acts = store.table("activities", ["account_id", "rep_id", "ts"]).to_pandas().merge(accounts, on="account_id", how="left")
    acts["ts"] = acts.ts.astype("datetime64[ns]")
    baseline = timed(lambda: pandas_page(deals, accounts, acts, period, as_of), max(1, args.runs // 2))

    leads_count, contacts_count = store.count("leads"), store.count("contacts")
    started = time.perf_counter()
    _leads(store, data), _contacts(store, data), activity_type_cells(store, data)
    lead_build = (time.perf_counter() - started) * 1000
    leads_tab(store, period, settings, as_of)
    keep = lambda: data.memo.keep(lambda key: key[0] in KEEP)  # noqa: E731
    lead_terrain = cpu_timed(lambda: leads_tab(store, period, settings, as_of), args.runs, before=keep)
    lead_memo = cpu_timed(lambda: leads_tab(store, period, settings, as_of), args.runs)
    whole = cpu_timed(lambda: (activity_page(store, period, settings, as_of), leads_tab(store, period, settings, as_of)),
                      args.runs, before=keep)
    frames = store.table("leads", ["created_at", "territory_id", "converted_at"]).to_pandas()
    frames["created_at"] = frames.created_at.astype("datetime64[ns]")
    regions = data.tree.nodes.select("territory_id", pl.coalesce("region_node", "node").alias("region")).to_pandas()
    frames = frames.merge(regions, on="territory_id", how="left")
    def pandas_leads():
        s, e = np.datetime64(period.start), np.datetime64(period.end)
        made = frames[(frames.created_at >= s) & (frames.created_at < e)]
        return made.groupby("region").agg(created=("created_at", "size"), converted=("converted_at", "count"))
    lead_pandas = timed(pandas_leads, max(1, args.runs // 2))
    store.close()
    print(f"\n{leads_count:,} leads, {contacts_count:,} contacts; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores (wall times suffer when it is high)")
    print(f"period {period.code}: the Leads & contacts tab (lead KPI tables ×5)")
    print(f"  lead facts built once per version   {lead_build:>9,.0f} ms")
    print(f"  terrain, from the facts             {lead_terrain[0]:>9,.0f} ms wall {lead_terrain[1]:>7,.0f} ms CPU   "
          f"budget {BUDGET_MS} ms {'ok' if lead_terrain[1] <= BUDGET_MS else 'OVER'} (CPU)")
    print(f"  terrain, from the shared memo       {lead_memo[0]:>9,.1f} ms wall {lead_memo[1]:>7,.1f} ms CPU")
    print(f"  pandas, created/converted only      {lead_pandas:>9,.0f} ms")
    print(f"  the whole page's figures, recomputed {whole[0]:>8,.0f} ms wall {whole[1]:>7,.0f} ms CPU")
    print(f"  peak memory of the bench process    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>9,.0f} MB")
    print(f"\nperiod {period.code}: the Activity page's figures (KPI tables ×5, lead response ×3, stars, seasonality)")
    print(f"  cubes built once per data version   {build:>9,.0f} ms")
    print(f"  terrain, from the cubes             {terrain:>9,.0f} ms   budget {BUDGET_MS} ms "
          f"{'ok' if terrain <= BUDGET_MS else 'OVER'}")
    print(f"  terrain, from the shared memo       {memo:>9,.1f} ms")
    print(f"  pandas, from the raw frames         {baseline:>9,.0f} ms   ({baseline / max(terrain, 1e-9):.0f}× terrain)")
    return 0 if terrain <= BUDGET_MS and lead_terrain[1] <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
