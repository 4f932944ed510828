"""Reps: the leaderboard, the stars and those who need help, and one rep's deals and accounts.

Built on `attainment_table(level="rep")`, so a rep's numbers here are exactly those of the
attainment report. A *star* has reached target (attainment ≥ the green threshold); a rep who
*needs help* is below the red threshold with a gap left to close.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.sales_data import sales_data
from engine.metrics.facts import _slice
from engine.metrics.periods import Period
from engine.store.settings import Settings, load_settings

LEADERBOARD_COLUMNS = ("rank", "name", "territories", "target", "won", "attainment", "gap", "pipeline",
                       "coverage", "projected", "projected_attainment", "id")


def leaderboard(store, period: Period, scope: Iterable[str] | None = None, settings: Settings | None = None,
                as_of: date | None = None) -> pl.DataFrame:
    """Reps ranked by attainment (then won): columns rank, name, territories (names of the
    territories they sit in), target, won, attainment, gap, pipeline, coverage, projected,
    projected_attainment, id. Only people who own deals are ranked (managers, directors and
    overlay specialists carry roll-up targets, not deals of their own); reps without a target rank
    after those with one."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    table = attainment_table(store, period, "rep", scope, settings, as_of).filter(
        pl.col("id").is_in(data.rep_ids))
    names = data.tree.nodes.select("territory_id", pl.col("name").alias("territory_name"))
    sits_in = (data.members.join(names, on="territory_id").sort("territory_name")
               .group_by("rep_id").agg(pl.col("territory_name").str.join(", ").alias("territories")))
    ranked = (table.join(sits_in, left_on="id", right_on="rep_id", how="left")
              .sort(["attainment", "won", "name"], descending=[True, True, False], nulls_last=True)
              .with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64)))
    return ranked.select(LEADERBOARD_COLUMNS)


def stars_and_strugglers(board: pl.DataFrame, settings: Settings | None = None, limit: int = 5
                         ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(stars, need_help) from a leaderboard: stars at or above the green threshold, best first;
    need_help below the red threshold, biggest gap first."""
    settings = settings or load_settings()
    stars = board.filter(pl.col("attainment") >= settings.attainment_green_from).sort(
        "attainment", descending=True).head(limit)
    help_ = board.filter((pl.col("attainment") < settings.attainment_red_below) & (pl.col("gap") > 0)).sort(
        "gap", descending=True).head(limit)
    return stars, help_


def rep_deals(store, rep_id: str, period: Period, settings: Settings | None = None,
              as_of: date | None = None) -> pl.DataFrame:
    """The rep's deals that matter for `period`: won or lost in it, and the open pipeline it counts
    (overdue ones included). Columns deal_id, account, status, amount, probability, close_date,
    overdue (bool), territory."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    return data.cached(("rep_deals", rep_id, period, as_of), lambda: _rep_deals(data, rep_id, period, as_of)).clone()


def _rep_deals(data, rep_id: str, period: Period, as_of: date) -> pl.DataFrame:
    deals = data.deals.filter(pl.col("rep") == rep_id)
    in_period = (pl.col("close_date") >= period.start) & (pl.col("close_date") < period.end)
    from engine.metrics.facts import open_window

    start, end = open_window(period, as_of)
    open_in = (pl.col("status") == "open") & (pl.col("close_date") < end) & (
        pl.col("close_date") >= start if start is not None else pl.lit(True))
    chosen = deals.filter((pl.col("status").is_in(["won", "lost"]) & in_period) | open_in)
    accounts = data.accounts.select("account_id", pl.col("name").alias("account"))
    territories = data.tree.nodes.select("node", pl.col("name").alias("territory"))
    return (chosen.join(accounts, on="account_id", how="left").join(territories, on="node", how="left")
            .select("deal_id", "account", "status", pl.col("amount_rc").alias("amount"), "probability", "close_date",
                    ((pl.col("status") == "open") & (pl.col("close_date") < as_of)).alias("overdue"), "territory")
            .sort(["status", "close_date"], descending=[False, True]))


def rep_accounts(store, rep_id: str, period: Period, settings: Settings | None = None) -> pl.DataFrame:
    """Accounts the rep owns, with what they brought in `period`: columns account_id, name,
    industry, territory, won, deals_won, sorted by won."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    return data.cached(("rep_accounts", rep_id, period), lambda: _rep_accounts(data, rep_id, period)).clone()


def _rep_accounts(data, rep_id: str, period: Period) -> pl.DataFrame:
    won = (_slice(data.closed, period.start, period.end).filter(pl.col("won") & (pl.col("rep") == rep_id))
           .group_by("account_id").agg(pl.col("amount").sum().alias("won"), pl.len().cast(pl.Int64).alias("deals_won")))
    territories = data.tree.nodes.select("node", pl.col("name").alias("territory"))
    owned = data.accounts.filter(pl.col("owner_rep_id") == rep_id)
    return (owned.join(territories, on="node", how="left").join(won, on="account_id", how="left")
            .with_columns(pl.col("won").fill_null(0.0), pl.col("deals_won").fill_null(0))
            .select("account_id", "name", "industry", "territory", "won", "deals_won")
            .sort(["won", "name"], descending=[True, False]))
