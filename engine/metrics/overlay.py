"""The overlay view of shared accounts: what supporting territories helped win, shown apart.

Every total credits a shared account's revenue once, to its lead territory (the account's and its
deals' own territory). A supporting territory's *overlay credit* is the won revenue of the accounts
it supports, in the period — a figure beside the totals, never added into them.
"""
from __future__ import annotations

import polars as pl

from engine.metrics.periods import Period
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.settings import Settings, load_settings


def overlay_credit(store: Store, period: Period, settings: Settings | None = None) -> pl.DataFrame:
    """One row per (supporting territory, shared account): `territory_id, territory, account_id,
    account, lead_territory_id, lead_territory, won` (won in `period`, in the reporting currency,
    credited to the lead in every total), sorted by territory then won."""
    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    shares = store.query(
        "SELECT s.territory_id, t.name AS territory, s.account_id, a.name AS account, "
        "a.territory_id AS lead_territory_id, l.name AS lead_territory FROM account_shares s "
        "JOIN accounts a USING (account_id) LEFT JOIN territories t ON t.territory_id = s.territory_id "
        "LEFT JOIN territories l ON l.territory_id = a.territory_id")
    won = (data.deals.filter((pl.col("status") == "won") & (pl.col("close_date") >= period.start)
                             & (pl.col("close_date") < period.end))
           .group_by("account_id").agg(pl.col("amount_rc").sum().alias("won")))
    return (shares.join(won, on="account_id", how="left").with_columns(pl.col("won").fill_null(0.0))
            .sort(["territory", "won", "account"], descending=[False, True, False]))
