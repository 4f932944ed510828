"""The board's panels as frames and numbers, one function each, all for a territory scope (None =
the whole company) and the as-of day. The page rotates through PANELS in this order.

The regional map's rows are engine/board/map_panel.py; new leads waiting for follow-up and
overdue receivables come from engine/board/followups.py.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta

import polars as pl

from engine.health.alerts import ALERT_KINDS, account_alerts
from engine.health.config import load_config
from engine.health.score import at_risk, health_table
from engine.health.views import in_scope, scope_territories
from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.periods import period_containing
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.settings import Settings, load_settings

PANELS = ("regions", "leaderboard", "won", "pacing", "at_risk", "alerts", "follow_ups", "receivables")


def scope_of(store: Store, scope_id: str | None) -> list[str] | None:
    """The board's `?scope=`: a territory id (its subtree) or nothing (the company). Raises
    ScopeError for an unknown id, so a mistyped wall-screen link says so on screen."""
    if not scope_id:
        return None
    scope_territories(store, [scope_id])
    return [scope_id]


def regions(store: Store, scope: list[str] | None, settings: Settings | None = None,
            as_of: date | None = None) -> pl.DataFrame:
    """This quarter per region (or per child territory of the scope): name, won, share, target,
    attainment; biggest first."""
    settings = settings or load_settings()
    as_of = as_of or as_of_date(store)
    period = period_containing(as_of, "quarter", settings.fiscal_year_start_month)
    level = "region" if scope is None else "children"
    table = attainment_table(store, period, level, scope, settings, as_of)
    total = table["won"].sum()
    return table.select("name", "won", (pl.col("won") / total if total else pl.lit(None, pl.Float64)).alias("share"),
                        "target", "attainment").sort("won", "name", descending=[True, False])


def leaderboard(store: Store, scope: list[str] | None, n: int = 5, settings: Settings | None = None,
                as_of: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(top n, bottom n) reps of this quarter by attainment (won when no target): name, won,
    target, attainment. A rep in both halves of a small team is listed only in the top. Only
    people who own deals are ranked, as on the Reps page: overlay specialists and managers carry
    roll-up targets (a region's whole target) and no deals, and filled "needs help" with $0 of
    $77M."""
    settings = settings or load_settings()
    as_of = as_of or as_of_date(store)
    period = period_containing(as_of, "quarter", settings.fiscal_year_start_month)
    owners = sales_data(store, settings.reporting_currency).rep_ids
    reps = (attainment_table(store, period, "rep", scope, settings, as_of)
            .filter(pl.col("id").is_in(owners))
            .select("name", "won", "target", "attainment")
            .sort(pl.col("attainment").fill_null(-1.0), "won", "name", descending=[True, True, False]))
    top = reps.head(n)
    bottom = reps.slice(n).tail(n).reverse()
    return top, bottom


def won_deals(store: Store, scope: list[str] | None, as_of: date | None = None) -> pl.DataFrame:
    """Deals won yesterday or this week (Monday up to the as-of day): when (yesterday / week),
    close_date, account, rep, amount; newest and biggest first."""
    as_of = as_of or as_of_date(store)
    data = sales_data(store)
    yesterday, monday = as_of - timedelta(days=1), as_of - timedelta(days=as_of.weekday())
    start = min(yesterday, monday)
    deals = data.deals.filter((pl.col("status") == "won") & pl.col("close_date").is_between(start, as_of))
    territories = scope_territories(store, scope)
    deals = in_scope(deals, territories)
    accounts = data.accounts.select("account_id", pl.col("name").alias("account"))
    reps = data.reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep_name"))
    return (deals.drop("rep").join(accounts, on="account_id", how="left").join(reps, on="owner_rep_id", how="left")
            .select(pl.when(pl.col("close_date") == yesterday).then(pl.lit("yesterday")).otherwise(pl.lit("week"))
                    .alias("when"), "close_date", "account", pl.col("rep_name").alias("rep"),
                    pl.col("amount_rc").alias("amount"))
            .sort("close_date", "amount", descending=True))


def pacing(store: Store, scope: list[str] | None, settings: Settings | None = None,
           as_of: date | None = None) -> dict:
    """The month so far: won, target, expected (target × days elapsed ÷ days in the month, the as-of
    day counted), pace = won ÷ expected (None without a target), days_left."""
    settings = settings or load_settings()
    as_of = as_of or as_of_date(store)
    month = period_containing(as_of, "month", settings.fiscal_year_start_month)
    row = attainment_table(store, month, "company", scope, settings, as_of).row(0, named=True)
    days = (month.end - month.start).days
    elapsed = (as_of - month.start).days + 1
    target = row["target"]
    expected = None if not target else target * elapsed / days
    return {"month": month, "won": row["won"], "target": target, "expected": expected,
            "pace": None if not expected else row["won"] / expected, "days_left": days - elapsed,
            "attainment": row["attainment"]}


def customers_at_risk(store: Store, scope: list[str] | None, n: int = 10, as_of: date | None = None) -> pl.DataFrame:
    """The top n at-risk accounts (lowest score first) of the scope, with the score's columns;
    memoised per data version, day, health configuration and scope, as a wall screen asks again
    every rotation and filtering a million scores each time cost 0.2–0.4 s."""
    config = load_config(store)
    as_of = as_of or as_of_date(store)
    key = ("board_at_risk", as_of, json.dumps(asdict(config), sort_keys=True),
           None if scope is None else tuple(scope), n)
    return sales_data(store).cached(
        key, lambda: at_risk(in_scope(health_table(store, as_of, config), scope_territories(store, scope)), n))


def alert_summary(store: Store, scope: list[str] | None, as_of: date | None = None) -> dict[str, int]:
    """Alerts per kind (every one of ALERT_KINDS) in the scope."""
    alerts = in_scope(account_alerts(store, as_of), scope_territories(store, scope))
    counts = dict(alerts.group_by("kind").len().iter_rows())
    return {kind: int(counts.get(kind, 0)) for kind in ALERT_KINDS}
