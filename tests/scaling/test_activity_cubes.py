"""The activity KPIs cut from per-version cubes: placement rules, the lead-response window, and a
new data version seen at once — on the hand-made forecast company (tests/forecast/conftest.py)."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.metrics.forecast import CATEGORIES, category_of, known_spellings, normalise_category
from engine.metrics.kpis import kpi_table, lead_response
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import sales_data
from tests.forecast.conftest import fill_forecast_company

FY2024 = parse_period("2024")


@pytest.fixture
def company(store):
    fill_forecast_company(store)
    return store


@pytest.fixture
def settings():
    from engine.store.settings import load_settings

    return load_settings(environ={}).with_(win_rate_min_closed=5)


def by_name(frame: pl.DataFrame) -> dict:
    return {row["name"]: row for row in frame.iter_rows(named=True)}


def add(store, table: str, rows: dict) -> None:
    with store.transaction() as tx:
        tx.insert_frame(table, pl.DataFrame(rows))


def test_an_activity_on_an_unknown_account_counts_where_its_deal_is(company, settings):
    # V5: account GONE is not in accounts, its deal T2W is booked in Tee Two. V6: neither is known,
    # so it counts only for the rep who logged it.
    add(company, "activities", {"activity_id": ["V5", "V6"], "account_id": ["GONE", "GONE"], "deal_id": ["T2W", None],
                                "rep_id": ["RB", "RA"], "ts": [datetime(2024, 5, 2, 9), datetime(2024, 6, 1, 9)]})
    territories = by_name(kpi_table(company, FY2024, "territory", settings))
    assert (territories["Tee One"]["activities"], territories["Tee Two"]["activities"]) == (3, 2)
    company_row = kpi_table(company, FY2024, "company", settings).row(0, named=True)
    assert company_row["activities"] == 5           # V1–V5; V6 belongs to no territory
    reps = by_name(kpi_table(company, FY2024, "rep", settings))
    assert (reps["Ana"]["activities"], reps["Bob"]["activities"]) == (3, 2)   # V1, V3, V6 / V4, V5


def test_a_write_is_seen_by_the_next_call(company, settings):
    before = kpi_table(company, FY2024, "company", settings).row(0, named=True)["activities"]
    add(company, "activities", {"activity_id": ["V7"], "account_id": ["NEW3"], "deal_id": [None],
                                "rep_id": ["RB"], "ts": [datetime(2024, 8, 1, 10)]})
    assert kpi_table(company, FY2024, "company", settings).row(0, named=True)["activities"] == before + 1


def test_lead_response_looks_three_months_past_the_period(company, settings):
    # LATE's deal Z is created 2024-01-05; its first touch (2024-07-15 10:00) is more than three
    # months after Q1 ends, so in Q1 it is unanswered; in FY2024 it was answered after 4,642 hours.
    add(company, "accounts", {"account_id": ["LATE"], "name": ["Late"], "territory_id": ["T2"], "owner_rep_id": ["RB"]})
    add(company, "deals", {"deal_id": ["Z"], "account_id": ["LATE"], "territory_id": ["T2"], "owner_rep_id": ["RB"],
                           "amount": [10.0], "amount_rc": [10.0], "status": ["open"],
                           "created_date": [date(2024, 1, 5)], "close_date": [date(2024, 12, 1)]})
    add(company, "activities", {"activity_id": ["V8"], "account_id": ["LATE"], "deal_id": [None],
                                "rep_id": ["RB"], "ts": [datetime(2024, 7, 15, 10)]})
    quarter = by_name(lead_response(company, parse_period("2024-Q1"), "territory", settings))["Tee Two"]
    assert (quarter["leads"], quarter["responded"], quarter["unanswered"]) == (1, 0, 1)
    year = by_name(lead_response(company, FY2024, "territory", settings))["Tee Two"]
    assert year["responded"] == 2 and year["leads"] == 2      # Z, and T2W (answered by V4 after 36 h)
    assert year["median_response_hours"] == pytest.approx((36 + (date(2024, 7, 15) - date(2024, 1, 5)).days * 24 + 10) / 2)


def test_figures_are_computed_once_per_data_version(company, settings):
    memo = sales_data(company, settings.reporting_currency).memo
    first = (kpi_table(company, FY2024, "region", settings), lead_response(company, FY2024, "company", settings))
    misses, hits = memo.misses, memo.hits
    for _ in range(3):  # another session, the same page: served from the memo, equal figures
        again = (kpi_table(company, FY2024, "region", settings), lead_response(company, FY2024, "company", settings))
        assert all(a.equals(b) for a, b in zip(first, again))
    assert memo.misses == misses and memo.hits > hits


SPELLINGS = st.sampled_from([None, "", "Commit", "commit", "Best Case", "best_case", "BestCase", "Pipeline",
                             "Omitted", "Closed", "closed-won", "Upside", "forecast", "nonsense", "Ümlaut"])


@given(st.lists(st.tuples(SPELLINGS, st.sampled_from(["open", "won", "lost"]),
                          st.one_of(st.none(), st.just(float("nan")), st.floats(0, 1))), min_size=1, max_size=30))
def test_the_vectorised_categories_match_normalise_category(rows):
    frame = pl.DataFrame(rows, schema={"forecast_category": pl.String, "status": pl.String, "probability": pl.Float64},
                         orient="row")
    known = known_spellings(frame["forecast_category"])
    out = frame.with_columns(category_of(pl.col("forecast_category").replace_strict(known, default=None,
                                                                                    return_dtype=pl.String)))
    expected = [normalise_category(raw, status, p) for raw, status, p in rows]
    assert list(zip(out["category"], out["derived"])) == expected
    assert set(out["category"]) <= set(CATEGORIES)
