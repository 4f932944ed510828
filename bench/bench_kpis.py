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
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_metrics import timed  # noqa: E402  (bench/ is on the path when a bench runs)

from engine.metrics.activity_facts import activity_cells, first_wins  # noqa: E402
from engine.metrics.kpis import kpi_table, lead_response, seasonality_matrix, star_performers  # noqa: E402
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
    args = parser.parse_args()
    settings = load_settings()
    store = Store.open(args.db)
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
    store.close()
    print(f"\nperiod {period.code}: the Activity page's figures (KPI tables ×5, lead response ×3, stars, seasonality)")
    print(f"  cubes built once per data version   {build:>9,.0f} ms")
    print(f"  terrain, from the cubes             {terrain:>9,.0f} ms   budget {BUDGET_MS} ms "
          f"{'ok' if terrain <= BUDGET_MS else 'OVER'}")
    print(f"  terrain, from the shared memo       {memo:>9,.1f} ms")
    print(f"  pandas, from the raw frames         {baseline:>9,.0f} ms   ({baseline / max(terrain, 1e-9):.0f}× terrain)")
    return 0 if terrain <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
