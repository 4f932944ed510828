"""Benchmark of the alerts and receivables at 1M accounts: the demo's leads, contacts and invoices
generated for a built database (`engine.demo.crm_extras`, as `demo --scale 40` does), then the
receivables (ageing and DSO per territory), the health score with its receivables factor, every
alert kind and the board's two panels, as the Health page and `report alerts|receivables` run them.

Works on a copy: pass a database built before leads/invoices existed (e.g. a copy of the 1M-account
demo) and the CRM tables are filled in it first. Prints wall and CPU seconds per step and peak RSS.
Run it under the shared lock:

    cp /work/big.duckdb ./big.duckdb
    flock /work/bench.lock .venv/bin/python bench/bench_alerts.py --db big.duckdb
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.board.followups import overdue_receivables, waiting_leads  # noqa: E402
from engine.demo.company import ANCHOR  # noqa: E402
from engine.demo.crm_extras import build_crm_extras  # noqa: E402
from engine.health.alerts import account_alerts  # noqa: E402
from engine.health.receivables import account_receivables, invoice_table, receivables_report  # noqa: E402
from engine.health.score import health_table  # noqa: E402
from engine.metrics.performance import as_of_date  # noqa: E402
from engine.metrics.sales_data import sales_data  # noqa: E402
from engine.metrics.periods import period_containing  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.settings import load_settings  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def step(name: str, fn):
    start, cpu = time.perf_counter(), cpu_seconds()
    out = fn()
    print(f"  {name}: {time.perf_counter() - start:.2f} s wall, {cpu_seconds() - cpu:.2f} s CPU", flush=True)
    return out


def fill_crm(store: Store, scale: float) -> None:
    """The demo's leads, contacts and invoices for the accounts and deals in `store`."""
    accounts = store.table("accounts", ["account_id", "name", "industry", "country", "state", "city",
                                        "owner_rep_id", "territory_id", "website", "created_at"])
    deals = store.table("deals", ["deal_id", "account_id", "amount", "currency", "amount_rc", "status",
                                  "created_date", "close_date"]).with_columns(
        pl.col("created_date", "close_date").cast(pl.Date))
    first_month = period_containing(ANCHOR, "year", 1).shifted(-2).months[0]
    anchor_time = datetime.combine(ANCHOR, datetime.min.time()) + timedelta(hours=18)
    extras = step(f"generate leads/contacts/invoices for {accounts.height:,} accounts, {deals.height:,} deals",
                  lambda: build_crm_extras(7, scale, accounts, deals, first_month, ANCHOR, anchor_time))

    def write() -> None:
        with store.transaction() as tx:
            for table, frame in (("leads", extras.leads), ("contacts", extras.contacts),
                                 ("invoices", extras.invoices), ("activities", extras.lead_activities)):
                tx.insert_frame(table, frame.with_columns(pl.lit("demo").alias("source")))
    step(f"write {extras.leads.height:,} leads, {extras.contacts.height:,} contacts, {extras.invoices.height:,} "
         f"invoices, {extras.lead_activities.height:,} lead activities", write)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a copy of a built database (it is written to)")
    parser.add_argument("--scale", type=float, default=40, help="demo scale of the CRM tables, if filled (40)")
    args = parser.parse_args()
    store = Store.open(args.db)
    try:
        if store.count("invoices") == 0:
            fill_crm(store, args.scale)
        counts = {t: store.count(t) for t in ("accounts", "deals", "activities", "leads", "invoices")}
        print("database: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()), flush=True)
        step("load the sales data (once per data version, shared by every page)", lambda: sales_data(store))
        as_of = as_of_date(store)
        settings = load_settings()
        invoices = step("read invoices", lambda: invoice_table(store))
        step("receivables per account (score facts)", lambda: account_receivables(invoices, as_of))
        ageing = step("receivables: ageing + DSO per territory (report receivables)",
                      lambda: receivables_report(store, as_of))
        scores = step("health score with receivables, every account", lambda: health_table(store, as_of))
        alerts = step("every alert (dormant, no owner, held twice, leads waiting, invoices past due)",
                      lambda: account_alerts(store, as_of))
        step("again (scores and duplicates memoised per data version)", lambda: account_alerts(store, as_of))
        leads = step("board: leads waiting", lambda: waiting_leads(store, None, settings=settings, as_of=as_of))
        owed = step("board: overdue receivables", lambda: overdue_receivables(store, None, as_of=as_of))
        print(f"as of {as_of}: {scores.height:,} scored, {ageing.height} territories with receivables, "
              f"past due {owed['past_due']:,.0f} (DSO {owed['dso']}), {leads['count']:,} leads waiting")
        print("alerts: " + ", ".join(f"{k} {n:,}" for k, n in alerts.group_by("kind").len().sort("kind").iter_rows()))
    finally:
        store.close()
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.1f} GB")


if __name__ == "__main__":
    main()
