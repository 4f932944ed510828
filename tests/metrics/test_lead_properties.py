"""Invariants of the lead KPIs over random companies: the funnel narrows (created ≥ contacted ≥
converted ≥ customers), the activity types add up to the activity count of the KPI table, and
the regions add up to the company."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from engine.metrics.kpis import kpi_table
from engine.metrics.lead_kpis import ACTIVITY_KINDS, lead_kpi_table
from engine.metrics.periods import parse_period
from engine.store import Store
from engine.store.settings import load_settings
from tests.metrics.conftest import fill_seed_company

SETTINGS = load_settings({})
TERRITORIES = ("NA-W", "NA-E", "EU-DE", "AP", "LA", "ME", "CN", None)
TYPES = ("call", "Meeting", "site visit", "email", "Prep", "电话", None)


def _random_crm(seed: int, leads: int, activities: int) -> dict[str, pl.DataFrame]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)

    def moment() -> datetime:
        return start + timedelta(hours=rng.randrange(365 * 24))
    lead_rows = []
    for i in range(leads):
        created = moment()
        converted = (created + timedelta(days=rng.randrange(60))).date() if rng.random() < 0.4 else None
        account = f"acc-{rng.choice(TERRITORIES[:-1])}" if converted else None
        lead_rows.append((f"L{i}", rng.choice(TERRITORIES), f"R{rng.randrange(1, 8)}", created, converted, account))
    activity_rows = [(f"A{i}", rng.choice(TYPES), f"acc-{rng.choice(TERRITORIES[:-1])}", f"R{rng.randrange(1, 8)}",
                      moment(), f"L{rng.randrange(leads)}" if leads and rng.random() < 0.3 else None)
                     for i in range(activities)]
    return {
        "leads": pl.DataFrame(lead_rows, orient="row", schema={
            "lead_id": pl.String, "territory_id": pl.String, "owner_rep_id": pl.String,
            "created_at": pl.Datetime("us"), "converted_at": pl.Date, "converted_account_id": pl.String}),
        "activities": pl.DataFrame(activity_rows, orient="row", schema={
            "activity_id": pl.String, "type": pl.String, "account_id": pl.String, "rep_id": pl.String,
            "ts": pl.Datetime("us"), "lead_id": pl.String}),
    }


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), leads=st.integers(0, 40), activities=st.integers(0, 60),
       period=st.sampled_from(["2024-Q1", "2024-Q3", "2024", "2024-05"]))
def test_funnel_narrows_and_everything_adds_up(seed, leads, activities, period):
    store = Store.open(":memory:")
    try:
        fill_seed_company(store)
        with store.transaction() as tx:
            for name, frame in _random_crm(seed, leads, activities).items():
                if frame.height:
                    tx.insert_frame(name, frame)
        chosen = parse_period(period)
        as_of = date(2024, 12, 31)
        regions = lead_kpi_table(store, chosen, "region", SETTINGS, as_of=as_of)
        company = lead_kpi_table(store, chosen, "company", SETTINGS, as_of=as_of)
        assert (regions["leads_created"] >= regions["leads_contacted"]).all()
        assert (regions["leads_contacted"] >= regions["leads_converted"]).all()
        assert (regions["leads_converted"] >= regions["lead_customers"]).all()
        for column in ("leads_created", "leads_contacted", "leads_converted", "lead_customers", *ACTIVITY_KINDS):
            assert regions[column].sum() == company[column][0]
        kinds = regions.select(pl.sum_horizontal(*ACTIVITY_KINDS, "other_activities").alias("n"), "id")
        counted = kpi_table(store, chosen, "region", SETTINGS, as_of=as_of).select("id", "activities")
        assert kinds.join(counted, on="id").filter(pl.col("n") != pl.col("activities")).is_empty()
        # leads without a territory count for their owner: the reps add up to every lead of the period
        reps = lead_kpi_table(store, chosen, "rep", SETTINGS, as_of=as_of)
        assert reps["leads_created"].sum() >= company["leads_created"][0]
    finally:
        store.close()
