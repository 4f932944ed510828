"""The demo company's monthly targets for every territory, the company and every rep.

Set the way sales ops sets them: a year's target is last year's won revenue × a growth ask
(6–20%), spread over the months by the company's seasonality. Territories whose momentum beats
the ask land above 100%, the others below — attainment spreads roughly 60%–130%.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from engine.demo.org import COMPANY_ID, ancestors, region_of
from engine.demo.people import Team
from engine.demo.sales import seasonality

MINIMUM_ANNUAL = 12_000.0


def build_targets(rng: np.random.Generator, deals: pl.DataFrame, accounts: pl.DataFrame, team: Team,
                  territories: pl.DataFrame, fiscal_years: list[list[date]], fiscal_start_month: int) -> pl.DataFrame:
    """targets rows (scope, scope_id, period_start, amount) for every month of `fiscal_years`."""
    selling = sorted(accounts["territory_id"].drop_nulls().unique().to_list())
    won = (deals.filter(pl.col("status") == "won")
           .group_by("territory_id", pl.col("close_date").dt.truncate("1mo").alias("month"))
           .agg(pl.col("amount_rc").sum()))
    won_by = {(t, m): v for t, m, v in won.iter_rows()}
    rows = []
    for territory_id in selling:
        actual = [sum(won_by.get((territory_id, m), 0.0) for m in months) for months in fiscal_years]
        for year, months in enumerate(fiscal_years):
            base = actual[0] * rng.uniform(0.9, 1.12) if year == 0 else actual[year - 1] * rng.uniform(1.06, 1.2)
            season = seasonality(months, fiscal_start_month)
            monthly = np.round(max(base, MINIMUM_ANNUAL) * season / season.sum(), -2)
            rows.extend((territory_id, m, float(v)) for m, v in zip(months, monthly))
    leaf = pl.DataFrame({"territory_id": [r[0] for r in rows], "period_start": [r[1] for r in rows],
                         "amount": [r[2] for r in rows]}, schema_overrides={"period_start": pl.Date})

    chains = pl.DataFrame({"territory_id": selling, "scope_id": [ancestors(t) for t in selling]})
    months = pl.DataFrame({"period_start": sorted({m for year in fiscal_years for m in year})},
                          schema={"period_start": pl.Date})
    summed = (leaf.join(chains, on="territory_id").explode("scope_id")
              .group_by("scope_id", "period_start").agg(pl.col("amount").sum()))
    # Every territory gets every month, even one without customers yet (a target of 0).
    by_territory = (territories.select(pl.col("territory_id").alias("scope_id")).join(months, how="cross")
                    .join(summed, on=["scope_id", "period_start"], how="left")
                    .with_columns(pl.col("amount").fill_null(0.0), pl.lit("territory").alias("scope")))
    company = by_territory.filter(pl.col("scope_id") == COMPANY_ID).with_columns(pl.lit("company").alias("scope"))

    # Field reps share their territory's target by the accounts they hold; leaders carry their
    # territory's; specialists their region's (an overlay quota).
    books = (accounts.filter(pl.col("owner_rep_id").is_not_null() & pl.col("territory_id").is_not_null())
             .group_by("territory_id", "owner_rep_id").len()
             .with_columns((pl.col("len") / pl.col("len").sum().over("territory_id")).alias("share")))
    field_targets = (books.join(leaf, on="territory_id")
                     .group_by(pl.col("owner_rep_id").alias("scope_id"), "period_start")
                     .agg(((pl.col("amount") * pl.col("share")).sum() / 100).round(0).mul(100).alias("amount")))
    field_reps = {rep for reps in team.field.values() for rep in reps}
    leaders = [(rep, territory_id) for territory_id, rep in team.owners.items() if rep not in field_reps]
    leaders += [(rep, region) for region, rep in team.specialists.items()]
    leader_map = pl.DataFrame({"scope_id": [r for r, _ in leaders], "territory_id": [t for _, t in leaders]})
    leader_targets = leader_map.join(by_territory.rename({"scope_id": "territory_id"}).drop("scope"), on="territory_id"
                                     ).drop("territory_id")
    every_rep = team.reps.select(pl.col("rep_id").alias("scope_id")).join(months, how="cross")
    reps = (every_rep.join(pl.concat([field_targets, leader_targets.select(field_targets.columns)]),
                           on=["scope_id", "period_start"], how="left")
            .with_columns(pl.col("amount").fill_null(0.0), pl.lit("rep").alias("scope")))
    columns = ["scope", "scope_id", "period_start", "amount"]
    return pl.concat([company.select(columns), by_territory.select(columns), reps.select(columns)]).sort(columns[:3])


def specialist_by_territory(team: Team, territory_ids: list[str]) -> dict[str, str]:
    """territory_id → the solution specialist of its region."""
    return {t: team.specialists[region_of(t)] for t in territory_ids if region_of(t) in team.specialists}
