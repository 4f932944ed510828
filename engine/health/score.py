"""The customer health score: 0–100 per account, as of a day, from accounts, deals and activities.

Each factor earns between 0 and its weight in points (config.HealthConfig; docs/health.md has the
rules); the score is 100 × earned ÷ total weight, so weights need not add up to 100. Every rule is a
polars expression over whole columns — no per-account Python — so a million accounts score in
about a second. `lost_<factor>` columns say what each factor cost, `main_reason` names the costliest.

Receivables (engine.health.receivables): the oldest invoice past due costs the factor's points,
all of them at `receivables_zero_days`. The factor counts only where `receivables_known` — the
account has an invoice issued by the as-of day — and is left out of the total weight elsewhere.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

import polars as pl

from engine.health.config import FACTORS, HealthConfig, load_config
from engine.health.receivables import account_receivables, invoice_table
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.activity_reads import activities_since

SCORE_COLUMNS = ("account_id", "name", "owner_rep_id", "territory_id", "score", "tier", "main_reason",
                 *(f"points_{f}" for f in FACTORS), *(f"lost_{f}" for f in FACTORS),
                 "days_since_activity", "activities_recent", "activities_before", "overdue_deals",
                 "days_since_won", "won_recent", "pipeline_now", "pipeline_before", "receivables_known",
                 "days_past_due", "past_due_amount")
NEXT_ACTIONS = {"green": "send_case_study", "yellow": "call_back_48h", "red": "hold_renewal_quote"}


def tier(score: pl.Expr, config: HealthConfig) -> pl.Expr:
    """green from `green_from`, yellow from `yellow_from`, red below (84.99 is yellow, 85 green)."""
    return (pl.when(score >= config.green_from).then(pl.lit("green"))
            .when(score >= config.yellow_from).then(pl.lit("yellow")).otherwise(pl.lit("red")))


def _share(expr: pl.Expr) -> pl.Expr:
    return expr.clip(0.0, 1.0).fill_null(0.0)


def activity_facts(activities: pl.DataFrame, as_of: date, config: HealthConfig) -> pl.DataFrame:
    """Per account: last activity day, activities in the last `trend_days` and in the window before.
    Activities after the as-of day are not yet known on that day and are left out. (Timestamps are
    compared with midnight bounds rather than cast to dates: 20M casts cost more than the group-by.)"""
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time())

    ts = pl.col("ts")
    recent_from = as_of - timedelta(days=config.trend_days - 1)
    before_from = recent_from - timedelta(days=config.trend_days)
    return (activities.lazy()
            .filter(pl.col("account_id").is_not_null() & (ts < midnight(as_of + timedelta(days=1))))
            .group_by("account_id")
            .agg(ts.max().dt.date().alias("last_activity"),
                 (ts >= midnight(recent_from)).sum().cast(pl.Int64).alias("activities_recent"),
                 ((ts >= midnight(before_from)) & (ts < midnight(recent_from))).sum().cast(pl.Int64)
                 .alias("activities_before"))
            .collect())


def deal_facts(deals: pl.DataFrame, as_of: date, config: HealthConfig) -> pl.DataFrame:
    """Per account: open deals past their close date, last win, wins within `won_recency_days`,
    open pipeline on the as-of day and `pipeline_days` before it (a deal is open on day d when it
    was created by d and is still open or closed after d)."""
    then = as_of - timedelta(days=config.pipeline_days)
    won_from = as_of - timedelta(days=config.won_recency_days - 1)
    status, close, created = pl.col("status"), pl.col("close_date"), pl.col("created_date")
    amount = pl.col("amount_rc").fill_null(0.0)

    def open_on(day: date) -> pl.Expr:
        return (created.is_null() | (created <= day)) & ((status == "open") | (close > day))

    won = (status == "won") & (close <= as_of)
    return (deals.lazy().filter(pl.col("account_id").is_not_null())
            .group_by("account_id")
            .agg(((status == "open") & (close < as_of)).sum().cast(pl.Int64).alias("overdue_deals"),
                 close.filter(won).max().alias("last_won"),
                 (won & (close >= won_from)).sum().cast(pl.Int64).alias("won_recent"),
                 amount.filter(open_on(as_of)).sum().alias("pipeline_now"),
                 amount.filter(open_on(then)).sum().alias("pipeline_before"))
            .collect())


NO_RECEIVABLES = pl.DataFrame(schema={"account_id": pl.String, "days_past_due": pl.Int64,
                                       "past_due_amount": pl.Float64})


def applies(factor: str) -> pl.Expr:
    """1 where the factor counts for the account, else 0 (only receivables can be left out)."""
    return pl.col("receivables_known").cast(pl.Float64) if factor == "receivables" else pl.lit(1.0)


def score_frame(accounts: pl.DataFrame, deals: pl.DataFrame, activities: pl.DataFrame, as_of: date,
                config: HealthConfig, receivables: pl.DataFrame | None = None) -> pl.DataFrame:
    """The health table: SCORE_COLUMNS, one row per account, sorted by score then account_id.

    `accounts`: account_id, name, owner_rep_id, territory_id; `deals`: account_id, status,
    created_date, close_date, amount_rc; `activities`: account_id, ts; `receivables`: one row per
    invoiced account (receivables.account_receivables), None = no invoices."""
    w = config.weights
    acts, facts = activity_facts(activities, as_of, config), deal_facts(deals, as_of, config)
    owed = (NO_RECEIVABLES if receivables is None else receivables).select(
        "account_id", "days_past_due", "past_due_amount", pl.lit(True).alias("receivables_known"))
    days_since = (pl.lit(as_of) - pl.col("last_activity")).dt.total_days()
    since_won = (pl.lit(as_of) - pl.col("last_won")).dt.total_days()
    span = config.recency_zero_days - config.recency_full_days
    recent, before = pl.col("activities_recent"), pl.col("activities_before")
    now, was = pl.col("pipeline_now"), pl.col("pipeline_before")
    shares = {
        # full up to recency_full_days, nothing from recency_zero_days, a straight line between
        "recency": _share((config.recency_zero_days - days_since) / span),
        # recent activities ÷ those of the window before; no earlier activity: any recent one is full
        # none recent: nothing; else (recent + 1) ÷ (before + 1), one added to each window so that
        # a customer touched every other month is not scored as "halved" by 1 touch against 2
        "trend": pl.when(recent > 0).then(_share((recent + 1) / (before + 1))).otherwise(0.0),
        "overdue_deals": _share(1 - pl.col("overdue_deals") / config.overdue_zero_count),
        # half for how recent the last win is, half for how many wins in the same window
        "won_deals": 0.5 * _share(1 - since_won / config.won_recency_days)
                     + 0.5 * _share(pl.col("won_recent") / config.won_frequency_target),
        # pipeline now ÷ pipeline then; none then: nothing shrank, every point kept
        "pipeline": pl.when(was > 0).then(_share(now / was)).otherwise(1.0),
        # the oldest invoice past due: a straight line from all points (none late) to none
        "receivables": pl.when(pl.col("receivables_known"))
                         .then(_share(1 - pl.col("days_past_due") / config.receivables_zero_days)).otherwise(0.0),
    }
    frame = (accounts.select("account_id", "name", "owner_rep_id", "territory_id")
             .join(acts, on="account_id", how="left").join(facts, on="account_id", how="left")
             .join(owed, on="account_id", how="left")
             .with_columns(pl.col("activities_recent", "activities_before", "overdue_deals", "won_recent")
                           .fill_null(0),
                           pl.col("pipeline_now", "pipeline_before").fill_null(0.0),
                           pl.col("receivables_known").fill_null(False))
             .with_columns(days_since.alias("days_since_activity"), since_won.alias("days_since_won"))
             .with_columns((shares[f] * w[f]).alias(f"points_{f}") for f in FACTORS)
             .with_columns((applies(f) * w[f] - pl.col(f"points_{f}")).alias(f"lost_{f}") for f in FACTORS))
    earned = pl.sum_horizontal(*(pl.col(f"points_{f}") for f in FACTORS))
    most = pl.max_horizontal(*(pl.col(f"lost_{f}") for f in FACTORS))
    reason = pl.lit(None, dtype=pl.String)
    for factor in reversed(FACTORS):  # the first factor in FACTORS' order wins a tie
        reason = pl.when(pl.col(f"lost_{factor}") == most).then(pl.lit(factor)).otherwise(reason)
    # rounded to 2 decimals so a score shown as 84.99 is tiered as 84.99, not as 84.9949…
    total = config.total_weight - pl.when(pl.col("receivables_known")).then(0.0).otherwise(w["receivables"])
    frame = frame.with_columns(pl.when(total > 0).then((100 * earned / total).round(2)).otherwise(100.0).alias("score"))
    frame = frame.with_columns(tier(pl.col("score"), config).alias("tier"),
                               pl.when(most > 1e-9).then(reason).alias("main_reason"))
    return frame.select(SCORE_COLUMNS).sort("score", "account_id")


def health_table(store: Store, as_of: date | None = None, config: HealthConfig | None = None) -> pl.DataFrame:
    """Scores of every account in the store, as of `as_of_date(store)` by default; memoised per
    data version, day and configuration."""
    config = config or load_config(store)
    as_of = as_of or as_of_date(store)
    data = sales_data(store)
    key = ("health", as_of, json.dumps(asdict(config), sort_keys=True))

    def compute() -> pl.DataFrame:
        deals = data.deals.select("account_id", "status", "created_date", "close_date", "amount_rc")
        # the trend's two windows and each account's last activity before them: not all 8M rows
        since = datetime.combine(as_of - timedelta(days=2 * config.trend_days), time())
        activities = activities_since(store, since, datetime.combine(as_of + timedelta(days=1), time()))
        receivables = account_receivables(invoice_table(store), as_of)
        return score_frame(data.accounts, deals, activities, as_of, config, receivables)

    # every account scored at once (0.3 GB of joins and group-bys at 1M accounts): one heavy build
    # at a time, as the metrics' cubes (engine.metrics.build_gate)
    return data.built(key, compute)


def tier_counts(scores: pl.DataFrame) -> dict[str, int]:
    counts = dict(scores.group_by("tier").len().iter_rows())
    return {name: int(counts.get(name, 0)) for name in ("green", "yellow", "red")}


def at_risk(scores: pl.DataFrame, limit: int = 10) -> pl.DataFrame:
    """The daily top-N at risk: red and yellow accounts, lowest score first."""
    return scores.filter(pl.col("tier") != "green").sort("score", "account_id").head(limit)
