"""The rebuild's builds made lean (docs/scaling.md, **Memory**) give the figures they gave before:
the forecast's start-of-period pipeline and categories cut from slices of the close-date-sorted
deals equal the whole-frame definitions, for any deals; the activity cells are the per-kind cells
summed, from one read of the activities; the low-cardinality deal columns are categories."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, example, given, settings as hypothesis_settings
from hypothesis import strategies as st

from engine.metrics import activity_facts
from engine.metrics.forecast import (_categories, _pipeline_at_start, _scope_nodes, category_of, forecast_categories,
                                     known_spellings, pipeline_at_start)
from engine.metrics.facts import open_window
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import LOW_CARDINALITY, deals_then, sales_data
from engine.store.settings import load_settings
from tests.forecast.conftest import fill_forecast_company

DAY0 = date(2023, 7, 1)
# the periods' first and last days, and the days around them, where a slice could be off by one
EDGES = [day + timedelta(days=shift) for day in (date(2023, 10, 1), date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1),
                                                  date(2024, 10, 1), date(2025, 1, 1)) for shift in (-1, 0, 1)]
DAYS = st.one_of(st.none(), st.sampled_from(EDGES), st.integers(0, 540).map(lambda n: DAY0 + timedelta(days=n)))
DEALS = st.lists(st.tuples(st.sampled_from(["T1", "T2", "NOWHERE"]), st.sampled_from(["open", "won", "lost"]),
                           st.floats(0, 5000, allow_nan=False), DAYS, DAYS,
                           st.sampled_from([None, "Commit", "best_case", "Pipeline", "Omitted", "odd"]),
                           st.one_of(st.none(), st.floats(0, 1))), max_size=25)
PERIODS = st.sampled_from(["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024"])


def _whole_frame_pipeline_at_start(data, period):
    """The pipeline knowable at the start as it was computed before, over every column of every deal."""
    then = deals_then(data.deals, period.start - timedelta(days=1))
    return (then.filter((pl.col("status") == "open") & (pl.col("close_date") >= period.start)
                        & (pl.col("close_date") < period.end))
            .group_by("node", "rep").agg(pl.col("amount_rc").fill_null(0.0).sum().alias("pipeline_at_start")))


def _whole_frame_categories(data, period, as_of):
    deals = data.deals.filter(pl.col("node").is_in(_scope_nodes(data, None)) & pl.col("close_date").is_not_null())
    start, end = open_window(period, as_of)
    closed = deals.filter(pl.col("status").is_in(["won", "lost"]) & (pl.col("close_date") >= period.start)
                          & (pl.col("close_date") < period.end))
    open_deals = deals.filter((pl.col("status") == "open") & (pl.col("close_date") < end))
    if start is not None:
        open_deals = open_deals.filter(pl.col("close_date") >= start)
    chosen = pl.concat([closed, open_deals]).select("forecast_category", "status", "probability", "amount_rc")
    known = pl.col("forecast_category").replace_strict(known_spellings(chosen["forecast_category"]),
                                                       default=None, return_dtype=pl.String)
    return chosen.with_columns(category_of(known)).group_by("category").agg(
        pl.len().alias("deals"), pl.col("amount_rc").fill_null(0.0).sum().alias("amount"))


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deals=DEALS, code=PERIODS, as_of_days=st.integers(0, 540))
# due on the period's first and last day, won on its first, open on the first day of the next
@example(deals=[("T1", "open", 100.0, date(2023, 12, 1), date(2024, 1, 1), "Commit", 0.5),
                ("T1", "lost", 50.0, date(2023, 11, 1), date(2024, 3, 31), None, None),
                ("T2", "won", 70.0, None, date(2024, 1, 1), None, None),
                ("T1", "open", 30.0, date(2023, 12, 1), date(2024, 4, 1), "Pipeline", 0.1),
                ("T1", "open", 0.0, None, None, None, None)], code="2024-Q1", as_of_days=190)
def test_the_sliced_forecast_builds_equal_the_whole_frame_definitions(store, deals, code, as_of_days):
    if store.count("territories") == 0:
        fill_forecast_company(store)
    with store.transaction() as tx:
        tx.execute("DELETE FROM deals")
        if deals:
            tx.insert_frame("deals", pl.DataFrame(
                [{"deal_id": f"P{i}", "territory_id": t, "owner_rep_id": "RA", "account_id": "OLD", "amount": a,
                  "amount_rc": a, "status": s, "created_date": c, "close_date": d, "forecast_category": f,
                  "probability": p} for i, (t, s, a, c, d, f, p) in enumerate(deals)]))
    data = sales_data(store)
    period, as_of = parse_period(code), DAY0 + timedelta(days=as_of_days)
    mine, theirs = _pipeline_at_start(data, period), _whole_frame_pipeline_at_start(data, period)
    known = mine.join(theirs, on=["node", "rep"], how="left", nulls_equal=True, suffix="_before")
    assert theirs.join(mine, on=["node", "rep"], how="anti", nulls_equal=True).is_empty()
    # the rows only `mine` has are the reps who won in the period with nothing knowable at its start
    assert known.select((pl.col("pipeline_at_start") == pl.col("pipeline_at_start_before").fill_null(0.0)).all()).item()
    categories = _categories(data, period, None, as_of).filter(pl.col("deals") > 0).select("category", "deals", "amount")
    before = _whole_frame_categories(data, period, as_of).with_columns(pl.col("deals").cast(pl.Int64))
    assert _sorted(categories).equals(_sorted(before.select(categories.columns)))


def test_one_read_of_the_activities_serves_both_cubes(store, monkeypatch):
    fill_forecast_company(store)
    reads = []
    real = activity_facts.read_activity_type_cells
    monkeypatch.setattr(activity_facts, "read_activity_type_cells", lambda s: reads.append(1) or real(s))
    data = sales_data(store)
    cells, kinds = activity_facts.activity_cells(store, data), activity_facts.activity_type_cells(store, data)
    assert len(reads) == 1
    summed = kinds.group_by("node", "rep", "month").agg(pl.col("activities").sum())
    assert _sorted(cells).equals(_sorted(summed)) and int(cells["activities"].sum()) == 4   # V1–V4


def test_the_low_cardinality_deal_columns_are_categories_and_compare_as_strings(store):
    fill_forecast_company(store)
    data = sales_data(store)
    assert all(data.deals.schema[name] == pl.Categorical for name in LOW_CARDINALITY)
    assert data.deals.filter(pl.col("status") == "won").height == 8
    assert data.deals.filter(pl.col("status").is_in(["won", "lost"])).height == 13
    year = parse_period("2024")
    # open on 31 Dec 2023 and due in 2024: A, B, L, F (Ana), G (Xia), T2O (Bob); won in 2024: A, C, W / D / T2W
    known = pipeline_at_start(data, year)
    assert {rep: (pipe, won) for rep, pipe, won in known.select("rep", "pipeline_at_start", "actual").iter_rows()} == {
        "RA": (13_500.0, 5_500.0), "RX": (100.0, 4_000.0), "RB": (2_000.0, 1_000.0)}
    # as of 15 Jul 2024: won A C D W T2W; open F (no category, 50%: Best Case), G (BestCase), T2O
    # (Commit); lost B E L
    figures = forecast_categories(store, year, load_settings({}), None, date(2024, 7, 15))
    assert {c: (n, a) for c, n, a in figures.select("category", "deals", "amount").iter_rows()} == {
        "Closed": (5, 10_500.0), "Commit": (1, 2_000.0), "Best Case": (2, 10_100.0), "Pipeline": (0, 0.0),
        "Omitted": (3, 2_300.0)}
