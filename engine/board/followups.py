"""The board's two "nobody forgotten" panels: new leads waiting for a follow-up, and overdue
receivables — for the board's territory scope (None = the company) and the as-of day, as numbers
and a few rows a wall screen can show without scrolling."""
from __future__ import annotations

from datetime import date

import polars as pl

from engine.health.alerts import leads_waiting
from engine.health.receivables import BUCKETS, ageing_total, past_due_invoices, receivables_report
from engine.health.views import in_scope, scope_territories
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.settings import Settings, load_settings


def waiting_leads(store: Store, scope: list[str] | None, rows: int = 6, settings: Settings | None = None,
                  as_of: date | None = None) -> dict:
    """{"count", "hours" (the setting), "per_rep": rep, leads (most first, `rows` of them),
    "oldest": company, rep, waiting_hours (longest first, `rows` of them)}."""
    settings = settings or load_settings()
    as_of = as_of or as_of_date(store)
    hours = settings.lead_follow_up_hours
    waiting = in_scope(leads_waiting(store, as_of, hours), scope_territories(store, scope))
    reps = sales_data(store).reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep"))
    named = waiting.join(reps, on="owner_rep_id", how="left", maintain_order="left").with_columns(
        pl.col("rep").fill_null("—"))
    per_rep = (named.group_by("rep").agg(pl.len().cast(pl.Int64).alias("leads"))
               .sort("leads", "rep", descending=[True, False]).head(rows))
    oldest = named.select("company", "rep", "waiting_hours").head(rows)
    return {"count": waiting.height, "hours": hours, "per_rep": per_rep, "oldest": oldest}


def overdue_receivables(store: Store, scope: list[str] | None, rows: int = 6, as_of: date | None = None) -> dict:
    """{"buckets": {bucket: past-due amount}, "past_due", "dso" (of the scope),
    "accounts": account, rep, days_past_due, amount_due — the accounts owing longest, `rows` of them}."""
    as_of = as_of or as_of_date(store)
    territories = scope_territories(store, scope)
    total = ageing_total(receivables_report(store, as_of, territories))
    late = past_due_invoices(store, as_of, territories)
    data = sales_data(store)
    accounts = data.accounts.select("account_id", pl.col("name").alias("account"), "owner_rep_id")
    reps = data.reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep"))
    per_account = (late.group_by("account_id").agg(pl.col("days_past_due").max(),
                                                   pl.col("outstanding").sum().alias("amount_due"))
                   .join(accounts, on="account_id", how="left").join(reps, on="owner_rep_id", how="left")
                   .sort("days_past_due", "amount_due", "account_id", descending=[True, True, False])
                   .select("account", pl.col("rep").fill_null("—"), "days_past_due", "amount_due").head(rows))
    return {"buckets": {b: total[f"due_{b}"] for b in BUCKETS}, "past_due": total["past_due"],
            "dso": total["dso"], "accounts": per_account}
