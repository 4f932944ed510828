"""Invariants of the metrics on random companies: shares sum to one, figures roll up exactly from
reps to territories to regions to the company, and currency conversion keeps a total's sign."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.metrics.performance import attainment_table, shares_table
from engine.metrics.sales_data import CurrencyError, to_reporting_currency
from engine.metrics.periods import period_containing
from engine.store.settings import load_settings
from engine.store import Store

SETTINGS = load_settings({})
# Company → two regions; R2 has a leaf, a two-level branch, and deals booked on R2 itself.
TERRITORIES = pl.DataFrame({
    "territory_id": ["CO", "R1", "R2", "T1", "T2", "T3", "T4", "T4a"],
    "name": ["Company", "Region 1", "Region 2", "T1", "T2", "T3", "T4", "T4a"],
    "parent_id": [None, "CO", "CO", "R1", "R1", "R2", "R2", "T4"],
})
BOOKED_ON = ["T1", "T2", "T3", "T4a", "R2", None, "nowhere"]  # None / unknown: the Unassigned region
REPS = ["P1", "P2", "P3", None]
ROLLED = ("won", "won_count", "pipeline", "open_count", "overdue_pipeline", "probability_forecast")

deal = st.tuples(st.sampled_from(BOOKED_ON), st.sampled_from(REPS), st.sampled_from(["won", "lost", "open"]),
                 st.integers(0, 1_000_000), st.integers(0, 3 * 365), st.sampled_from([0.0, 0.25, 0.5, 1.0]))
company = st.lists(deal, min_size=1, max_size=60)
when = st.tuples(st.sampled_from(["month", "quarter", "year"]), st.integers(0, 3 * 365), st.integers(0, 3 * 365))


def _store(deals) -> Store:
    store = Store.open(":memory:")
    start = date(2023, 1, 1)
    frame = pl.DataFrame(
        [(f"D{i}", t, r, s, float(a), start + timedelta(days=d), start + timedelta(days=max(d - 30, 0)), p)
         for i, (t, r, s, a, d, p) in enumerate(deals)], orient="row",
        schema=["deal_id", "territory_id", "owner_rep_id", "status", "amount", "close_date", "created_date",
                "probability"])
    store.insert_frame("territories", TERRITORIES)
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["P1", "P2", "P3"], "name": ["Pat", "Quinn", "Ro"]}))
    store.insert_frame("deals", frame.with_columns(pl.col("amount").alias("amount_rc"), pl.lit("USD").alias("currency")))
    return store


def _period_and_as_of(choice):
    kind, day, as_of = choice
    return (period_containing(date(2023, 1, 1) + timedelta(days=day), kind),
            date(2023, 1, 1) + timedelta(days=as_of))


def _sums(frame: pl.DataFrame) -> dict:
    return {c: frame[c].sum() for c in ROLLED}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(company, when)
def test_shares_sum_to_one_for_every_scope_and_level(deals, choice):
    period, as_of = _period_and_as_of(choice)
    store = _store(deals)
    for level, scope in (("region", None), ("territory", None), ("rep", None), ("children", ["R2"]),
                         ("territory", ["R2"]), ("rep", ["R1"]), ("rep", ["T4"])):
        shares = shares_table(store, period, level, scope, SETTINGS, as_of)
        if shares["won"].sum() > 0:
            assert shares["share"].sum() == pytest.approx(1.0, abs=1e-9)
            assert shares["share"].min() >= 0
        else:
            assert shares["share"].null_count() == shares.height
    store.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(company, when)
def test_figures_roll_up_exactly(deals, choice):
    period, as_of = _period_and_as_of(choice)
    store = _store(deals)
    table = lambda level, scope=None: attainment_table(store, period, level, scope, SETTINGS, as_of)  # noqa: E731
    company_row = table("company")
    regions = table("region")
    # Whole-number amounts: float sums are exact, so "exactly" means ==.
    assert _sums(regions) == _sums(company_row)
    assert _sums(table("territory")) == _sums(company_row)
    assert _sums(table("rep")) == _sums(company_row)
    for region in regions.iter_rows(named=True):
        inside = [region["id"]]
        assert _sums(table("territory", inside)) == {c: region[c] for c in ROLLED}
        assert _sums(table("rep", inside)) == {c: region[c] for c in ROLLED}
    for territory in table("territory").iter_rows(named=True):
        if territory["id"] in ("T1", "T2", "T3", "T4a"):
            assert _sums(table("rep", [territory["id"]])) == {c: territory[c] for c in ROLLED}
    store.close()


amounts = st.lists(st.integers(-1_000_000, 1_000_000), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(amounts, st.floats(1e-4, 1e4, allow_nan=False))
def test_conversion_keeps_the_sign_of_a_total(values, rate):
    deals = pl.DataFrame({"deal_id": [f"D{i}" for i in range(len(values))], "amount": [float(v) for v in values],
                          "currency": "EUR", "amount_rc": pl.Series([None] * len(values), dtype=pl.Float64),
                          "close_date": date(2024, 5, 1), "created_date": date(2024, 1, 1)})
    fx = pl.DataFrame({"currency": ["EUR"], "rate_to_reporting": [rate], "valid_from": [date(2020, 1, 1)]})
    converted = to_reporting_currency(deals, fx, "USD")["amount_rc"].sum()
    original = sum(values)
    if original == 0:  # products are rounded one by one: a zero total may come back as ±ε, never more
        assert abs(converted) <= 1e-9 * rate * sum(abs(v) for v in values)
    else:
        assert (converted > 0) == (original > 0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 1_000_000), min_size=1, max_size=30),
       st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=4))
def test_positive_revenue_stays_positive_under_changing_rates(values, rates):
    deals = pl.DataFrame({"deal_id": [f"D{i}" for i in range(len(values))], "amount": [float(v) for v in values],
                          "currency": "CNY", "amount_rc": pl.Series([None] * len(values), dtype=pl.Float64),
                          "close_date": [date(2024, 1 + i % 12, 1) for i in range(len(values))],
                          "created_date": date(2023, 1, 1)})
    fx = pl.DataFrame({"currency": "CNY", "rate_to_reporting": rates,
                       "valid_from": [date(2023, 1 + 3 * i, 1) for i in range(len(rates))]})
    converted = to_reporting_currency(deals, fx, "USD")["amount_rc"]
    assert converted.null_count() == 0 and converted.min() >= 0
    assert (converted.sum() > 0) == (sum(values) > 0)


def test_non_positive_rate_and_missing_rate_are_refused():
    deals = pl.DataFrame({"deal_id": ["D1"], "amount": [10.0], "currency": ["EUR"],
                          "amount_rc": pl.Series([None], dtype=pl.Float64), "close_date": [date(2024, 5, 1)],
                          "created_date": [date(2024, 1, 1)]})
    with pytest.raises(CurrencyError, match="must be positive"):
        to_reporting_currency(deals, pl.DataFrame({"currency": ["EUR"], "rate_to_reporting": [-1.1],
                                                   "valid_from": [date(2020, 1, 1)]}), "USD")
    with pytest.raises(CurrencyError, match="D1 is in EUR"):
        to_reporting_currency(deals, pl.DataFrame({"currency": ["EUR"], "rate_to_reporting": [1.1],
                                                   "valid_from": [date(2025, 1, 1)]}), "USD")
