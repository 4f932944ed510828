"""What the Health page, the board and `report health|alerts` show, cut from the score table:
a territory scope, the tier distribution per territory or rep and over the last months, the
report's contract columns."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from engine.health.alerts import ALERT_COLUMNS, account_alerts
from engine.health.config import FACTORS, TIERS, HealthConfig
from engine.health.receivables import ageing_total, receivables_report
from engine.health.score import health_table, tier_counts
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.errors import TerrainError

HEALTH_REPORT_COLUMNS = ("account_id", "name", "owner_rep_id", "territory_id", "score", "tier", "main_reason",
                         *(f"lost_{f}" for f in FACTORS), "days_since_activity", "overdue_deals",
                         "receivables_known", "days_past_due", "past_due_amount")


class ScopeError(TerrainError):
    title = "The territory is not known"


def scope_territories(store: Store, scope: Iterable[str] | None) -> list[str] | None:
    """The territory ids inside `scope` (each id and its subtree); None = the whole company."""
    if scope is None:
        return None
    tree = sales_data(store).tree
    scope = list(scope)
    unknown = [s for s in scope if not tree.has(s)]
    if unknown:
        raise ScopeError(f"There is no territory '{unknown[0]}'.", hint="Use a territory_id of the territories table.")
    return [tree.id_of(node) for node in tree.scope_members(scope)]


def in_scope(frame: pl.DataFrame, territories: list[str] | None) -> pl.DataFrame:
    return frame if territories is None else frame.filter(pl.col("territory_id").is_in(territories))


def distribution(scores: pl.DataFrame, store: Store, by: str) -> pl.DataFrame:
    """Accounts per tier by territory (`by="territory"`) or owner rep (`by="rep"`): name, tier,
    accounts — long, for a stacked bar. Unknown territory / no owner is named "—"."""
    data = sales_data(store)
    if by == "territory":
        names = data.tree.nodes.select(pl.col("territory_id").alias("key"), "name")
        key = "territory_id"
    else:
        names = data.reps.select(pl.col("rep_id").alias("key"), "name")
        key = "owner_rep_id"
    counts = scores.group_by(pl.col(key).alias("key"), "tier").agg(pl.len().cast(pl.Int64).alias("accounts"))
    order = {tier: i for i, tier in enumerate(TIERS)}
    return (counts.join(names, on="key", how="left")
            .with_columns(pl.col("name").fill_null("—"))
            .select("name", "tier", "accounts")
            .sort("name", pl.col("tier").replace_strict(order, return_dtype=pl.Int8)))


def health_report(store: Store, which: str, scope: Iterable[str] | None = None,
                  as_of: date | None = None) -> pl.DataFrame:
    """`report health`: one row per account (HEALTH_REPORT_COLUMNS), lowest score first;
    `report alerts`: ALERT_COLUMNS, one row per alert; `report receivables`: the ageing buckets
    and DSO per territory (receivables.AGEING_COLUMNS) and a last `Total` row."""
    territories = scope_territories(store, scope)
    if which == "health":
        return in_scope(health_table(store, as_of), territories).select(HEALTH_REPORT_COLUMNS)
    if which == "receivables":
        return with_total(receivables_report(store, as_of or as_of_date(store), territories))
    return in_scope(account_alerts(store, as_of), territories).select(ALERT_COLUMNS)


def with_total(ageing: pl.DataFrame) -> pl.DataFrame:
    """The ageing table with a `Total` row (its money summed, its own DSO) at the end."""
    total = pl.DataFrame([{"territory_id": None, "territory": "Total", **ageing_total(ageing)}],
                         schema=ageing.schema)
    return pl.concat([ageing, total])


def history_days(as_of: date, months: int = 6) -> list[date]:
    """The as-of day and the last day of each of the `months` − 1 months before it, oldest first."""
    days, day = [as_of], as_of.replace(day=1)
    for _ in range(months - 1):
        day = day - timedelta(days=1)
        days.append(day)
        day = day.replace(day=1)
    return days[::-1]


def tier_history(store: Store, territories: list[str] | None, as_of: date, config: HealthConfig,
                 months: int = 6) -> pl.DataFrame:
    """Accounts per tier on each of `history_days` (each day scored as if it were the as-of day,
    from what was known then): day, tier, accounts — long, for a stacked chart."""
    rows = []
    for day in history_days(as_of, months):
        counts = tier_counts(in_scope(health_table(store, day, config), territories))
        rows.extend({"day": day, "tier": tier, "accounts": counts[tier]} for tier in TIERS)
    return pl.DataFrame(rows, schema={"day": pl.Date, "tier": pl.String, "accounts": pl.Int64})
