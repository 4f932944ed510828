"""Target sheets as sales ops write them: months, quarters and years in words, wide sheets with a
column per month, split to the cent over their months (evenly or by seasonality)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from engine.i18n import t
from engine.importing import import_files, plan_files
from engine.importing.target_periods import TargetSplit, period_headers, period_months, split_over_months
from engine.metrics.targets import split_cents
from engine.store.errors import ImportFailed

SHEETS = Path(__file__).parent / "sheets"


@pytest.mark.parametrize(("text", "fiscal_start", "start", "months"), [
    ("2021-07", 1, date(2021, 7, 1), 1),
    ("07/2021", 1, date(2021, 7, 1), 1),
    ("7/2021", 1, date(2021, 7, 1), 1),
    ("Jul 2021", 1, date(2021, 7, 1), 1),
    ("July 2021", 1, date(2021, 7, 1), 1),
    ("Sept. 2021", 1, date(2021, 9, 1), 1),
    ("2021年7月", 1, date(2021, 7, 1), 1),
    ("2021-M07", 1, date(2021, 7, 1), 1),
    ("2021-07-01", 1, date(2021, 7, 1), 1),
    ("07/15/2021", 1, date(2021, 7, 1), 1),
    ("2021-Q3", 1, date(2021, 7, 1), 3),
    ("Q3 2021", 1, date(2021, 7, 1), 3),
    ("2021Q3", 1, date(2021, 7, 1), 3),
    ("2021年第3季度", 1, date(2021, 7, 1), 3),
    ("2021 年 第三季度", 1, date(2021, 7, 1), 3),
    ("2021", 1, date(2021, 1, 1), 12),
    ("FY2021", 1, date(2021, 1, 1), 12),
    ("2021财年", 1, date(2021, 1, 1), 12),
    # a July fiscal start: FY2021 runs Jul 2020 – Jun 2021, its Q3 is Jan – Mar 2021; months stay calendar
    ("FY2021", 7, date(2020, 7, 1), 12),
    ("2021", 7, date(2020, 7, 1), 12),
    ("2021-Q3", 7, date(2021, 1, 1), 3),
    ("Q1 2021", 7, date(2020, 7, 1), 3),
    ("2021-07", 7, date(2021, 7, 1), 1),
])
def test_periods_in_words(text, fiscal_start, start, months):
    read = period_months(pl.Series([text]), pl.Series([None], dtype=pl.String), fiscal_start)
    assert read.row(0) == (start, months, None)


@pytest.mark.parametrize(("text", "year", "fiscal_start", "start", "months"), [
    ("Jan", "2024", 1, date(2024, 1, 1), 1),
    ("1月", "2024", 1, date(2024, 1, 1), 1),
    ("十二月", "2024", 1, date(2024, 12, 1), 1),
    ("Q2", "FY2024", 1, date(2024, 4, 1), 3),
    ("7", "2024", 1, date(2024, 7, 1), 1),
    # with a July start, Jul of FY2024 is July 2023 and Jan is January 2024
    ("Jul", "FY2024", 7, date(2023, 7, 1), 1),
    ("Jan", "FY2024", 7, date(2024, 1, 1), 1),
])
def test_bare_months_take_the_year_column(text, year, fiscal_start, start, months):
    read = period_months(pl.Series([text]), pl.Series([year]), fiscal_start)
    assert read.row(0) == (start, months, None)


@pytest.mark.parametrize(("text", "reason"), [
    ("Jan", "names a month or quarter but no year"),
    ("2021-13", "is not a month, quarter or year"),
    ("Q5 2021", "is not a month, quarter or year"),
    ("sometime", "is not a month, quarter or year"),
    ("1850", "is not a month, quarter or year"),
])
def test_unreadable_periods_say_why(text, reason):
    read = period_months(pl.Series([text]), pl.Series([None], dtype=pl.String), 1)
    assert read["start"][0] is None and t(read["problem"][0]).startswith(reason)  # a catalog key


@pytest.mark.parametrize(("headers", "wide"), [
    (["Region", "Jan", "Feb", "Mar"], ["Jan", "Feb", "Mar"]),
    (["区域", "1月", "2月", "3月"], ["1月", "2月", "3月"]),
    (["rep", "2021-01", "2021-02"], ["2021-01", "2021-02"]),
    (["territory", "Q1", "Q2", "Q3", "Q4"], ["Q1", "Q2", "Q3", "Q4"]),
    (["territory", "month", "amount"], []),
    (["territory", "Jan", "amount"], []),  # one month-like header is no wide sheet
])
def test_wide_sheet_headers(headers, wide):
    assert list(period_headers(headers)) == wide


@pytest.mark.parametrize(("amount", "months", "weights", "expected"), [
    (100.0, 3, None, [33.34, 33.33, 33.33]),
    (1000.01, 3, None, [333.34, 333.34, 333.33]),
    (0.05, 12, None, [0.01] * 5 + [0.0] * 7),
    (120000.0, 12, None, [10000.0] * 12),
    (100.0, 3, [1.0, 1.0, 2.0], [25.0, 25.0, 50.0]),
    (10.0, 3, [0.0, 0.0, 0.0], [3.34, 3.33, 3.33]),  # no seasonality history: evenly
    (-100.0, 3, None, [-33.34, -33.33, -33.33]),
])
def test_split_to_the_cent(amount, months, weights, expected):
    frame = pl.DataFrame({"amount": [amount]})
    by_month = None if weights is None else (lambda wanted: weights[:len(wanted)])
    out = split_over_months(frame, pl.Series([date(2024, 1, 1)]), pl.Series([months]), by_month)
    assert out["amount"].to_list() == expected
    assert out["period_start"].to_list() == pl.date_range(date(2024, 1, 1), date(2024, months, 1), "1mo",
                                                          eager=True).to_list()


@settings(max_examples=200, deadline=None)
@given(cents=st.integers(0, 10**12), months=st.sampled_from([3, 12]))
def test_even_split_matches_the_target_planner(cents, months):
    """The importer's vectorised split gives what engine.metrics.targets.split_cents gives."""
    total = cents / 100
    out = split_over_months(pl.DataFrame({"amount": [total]}), pl.Series([date(2024, 1, 1)]),
                            pl.Series([months]), None)
    assert out["amount"].to_list() == split_cents(total, [1.0] * months)
    assert round(sum(round(v * 100) for v in out["amount"])) == cents


def _targets(store) -> pl.DataFrame:
    return store.query("SELECT scope, scope_id, period_start, amount FROM targets "
                       "WHERE period_start >= DATE '2025-01-01' ORDER BY scope, scope_id, period_start")


def test_wide_sheet_by_territory_name_imports_one_row_per_month(tiny_store):
    result = import_files(tiny_store, [SHEETS / "targets_wide_2025.csv"], reporting_currency="USD")
    assert result.files.select("entity", "rows_in", "rows_loaded", "rows_rejected").row(0) == ("targets", 3, 3, 0)
    targets = _targets(tiny_store)
    assert targets.height == 12 + 12 + 9  # DACH left Apr–Jun blank: no target, no problem
    west = targets.filter(pl.col("scope_id") == "AM-W")
    assert west["amount"].to_list() == [10000.0, 10000.0, 12500.0, 9000, 9000, 9000, 8000, 8000, 8000,
                                        15000, 15000, 20000]
    assert set(targets["scope"]) == {"territory"}
    dach = targets.filter(pl.col("scope_id") == "EU-DE")["period_start"].dt.month().to_list()
    assert dach == [1, 2, 3, 7, 8, 9, 10, 11, 12]


def test_quarters_and_years_by_rep_name_split_evenly(tiny_store):
    result = import_files(tiny_store, [SHEETS / "targets_by_quarter.csv"], reporting_currency="USD",
                          skip_invalid=True)
    assert result.files.select("rows_in", "rows_loaded", "rows_rejected").row(0) == (10, 9, 1)
    assert result.notes == ["targets_by_quarter.csv: 4 target row(s) for a quarter or year were split over their "
                            "months evenly, to the cent."]  # rows 2–5 give a quarter or a year
    assert result.target_splits == [("targets_by_quarter.csv", 4)] and result.split_method == "even"
    targets = _targets(tiny_store)
    ada = targets.filter(pl.col("scope_id") == "R1")
    assert ada["amount"].to_list() == [33333.34, 33333.33, 33333.33, 33333.34, 33333.33, 33333.33]
    bo = targets.filter(pl.col("scope_id") == "R2")
    # FY2025 (row 5) overlaps Q3 (row 4) and is rejected; 50,000.01 splits into three 16,666.67
    assert bo["amount"].to_list() == [16666.67] * 3
    assert bo["period_start"].dt.month().to_list() == [7, 8, 9]
    carla = targets.filter(pl.col("scope_id") == "R3")
    assert carla["amount"].to_list() == [700.0, 800.0, 900.0, 1000.0, 1100.0, 1200.0]
    assert carla["period_start"].dt.month().to_list() == [7, 8, 9, 10, 11, 12]


def test_overlapping_periods_are_named(tiny_store):
    with pytest.raises(ImportFailed) as failure:
        import_files(tiny_store, [SHEETS / "targets_by_quarter.csv"], reporting_currency="USD", skip_invalid=False)
    reasons = [(p.row, p.column, p.reason) for p in failure.value.problems]
    assert (5, "Period", "a second target for the same scope and month (first on row 4)") in reasons


def test_seasonal_split_follows_past_won_revenue(tiny_store, tmp_path):
    """The tiny company won 4,000 in Jan–Mar 2024 (Jan 1,000; Mar 3,000) of its FY2024 revenue: a
    2025-Q1 target splits 1 : 0 : 3 by seasonality."""
    from engine.metrics.seasonality import seasonal_weights

    sheet = tmp_path / "q1.csv"
    sheet.write_text("Sales Rep,Period,Quota\nAda West,2025-Q1,1000\n", encoding="utf-8")
    plan = plan_files([sheet])
    plan.target_split = TargetSplit(1, "seasonal", seasonal_weights(tiny_store, 1))
    from engine.importing import run_import

    result = run_import(tiny_store, plan, reporting_currency="USD")
    plan.close()
    assert result.notes == ["q1.csv: 1 target row(s) for a quarter or year were split over their months by "
                            "seasonality (last years' share of each month), to the cent."]
    ada = _targets(tiny_store).filter(pl.col("scope_id") == "R1")
    won = {1: 1000.0, 2: 0.0, 3: 3000.0}  # Jan–Mar 2024 won revenue (D1, D2)
    total = 13_450.0  # FY2024 won revenue of the tiny company (amount_rc)
    weights = [won[m] / total for m in (1, 2, 3)]
    assert ada["amount"].to_list() == split_cents(1000.0, weights) == [250.0, 0.0, 750.0]


def test_cli_split_targets_flag(file_db, capsys):
    from engine.cli import main

    code = main(["import", str(SHEETS / "targets_wide_2025.csv"), "--db", str(file_db), "--split-targets", "seasonal"])
    assert code == 0
    out = capsys.readouterr().out
    assert "targets" in out and "3" in out
