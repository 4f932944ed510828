"""The "nobody forgotten" alerts: one row per account that needs someone, and counts per rep and
territory.

Kinds raised today (ALERT_KINDS):
- `dormant` (无人问津): no activity for `dormant_days` (default 90) up to the as-of day, or never;
- `no_owner`: the account has no owner rep, or one that is not in the reps table.

PENDING_KINDS are the alerts the issue asks for whose data Terrain cannot import yet — leads
without a follow-up after 48 hours need a `leads` table, receivables past due (and DSO) need
`invoices`. `pending_alerts()` lists them, so the page and the report say they are not checked
instead of showing a reassuring zero; when those tables arrive their rows join `alerts_frame`.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from engine.health.config import HealthConfig, load_config
from engine.health.score import health_table
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store import Store

ALERT_KINDS = ("dormant", "no_owner")
PENDING_KINDS = {"lead_no_follow_up": "leads", "receivable_past_due": "invoices"}
ALERT_COLUMNS = ("kind", "account_id", "name", "owner_rep_id", "rep_name", "territory_id", "territory",
                 "days_since_activity", "score", "tier")


def alerts_frame(scores: pl.DataFrame, reps: pl.DataFrame, territories: pl.DataFrame,
                 config: HealthConfig) -> pl.DataFrame:
    """ALERT_COLUMNS, an account once per kind it raises; sorted by kind, then longest silence.

    `scores` is a health table (score.SCORE_COLUMNS); `reps`: rep_id, name; `territories`:
    territory_id, name."""
    known = reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep_name"))
    named = (scores.join(known, on="owner_rep_id", how="left")
             .join(territories.select("territory_id", pl.col("name").alias("territory")), on="territory_id", how="left"))
    silent = pl.col("days_since_activity").is_null() | (pl.col("days_since_activity") >= config.dormant_days)
    ownerless = (pl.col("owner_rep_id").is_null() | (pl.col("owner_rep_id").str.strip_chars() == "")
                 | pl.col("rep_name").is_null())
    frames = [named.filter(silent).with_columns(pl.lit("dormant").alias("kind")),
              named.filter(ownerless).with_columns(pl.lit("no_owner").alias("kind"))]
    return (pl.concat(frames).select(ALERT_COLUMNS)
            .sort(pl.col("kind").replace_strict({k: i for i, k in enumerate(ALERT_KINDS)}, return_dtype=pl.Int8),
                  pl.col("days_since_activity").fill_null(1 << 30), "account_id",
                  descending=[False, True, False]))


def alert_counts(alerts: pl.DataFrame, by: str) -> pl.DataFrame:
    """Alerts per rep (`by="rep"`) or territory (`by="territory"`): name, one count per kind, total;
    most alerts first. An ownerless or unknown-territory group is named "—"."""
    key = {"rep": "rep_name", "territory": "territory"}[by]
    counts = (alerts.group_by(pl.col(key).fill_null("—").alias("name"))
              .agg(*((pl.col("kind") == kind).sum().cast(pl.Int64).alias(kind) for kind in ALERT_KINDS),
                   pl.len().cast(pl.Int64).alias("total")))
    return counts.sort("total", "name", descending=[True, False])


def pending_alerts() -> dict[str, str]:
    """Alert kinds not checked yet → the table they wait for."""
    return dict(PENDING_KINDS)


def account_alerts(store: Store, as_of: date | None = None, config: HealthConfig | None = None) -> pl.DataFrame:
    """The alerts of every account in the store (same as-of day and configuration as the scores)."""
    config = config or load_config(store)
    as_of = as_of or as_of_date(store)
    data = sales_data(store)
    territories = data.tree.nodes.select("territory_id", "name")
    return alerts_frame(health_table(store, as_of, config), data.reps.select("rep_id", "name"), territories, config)
