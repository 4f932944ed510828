"""Figures as of a date, rebuilt from the snapshot, on the tiny company (tests/conftest.py).

As of 30 Apr 2024 the tiny company had D1–D9 (D10 was created on 1 May); D4, D7 (won later) and
D9 (lost later) were still open. So 2024-Q2 had won only D8 (2,750), its pipeline was D4 2,000 +
D7 4,000 + D9 880 = 6,880, and the win rates came from D1, D2 won and D3 lost (2 of 3; every
territory has fewer than 20 closed deals and borrows the company's rate).
"""
from __future__ import annotations

from datetime import date

import pytest

from engine.cli import main
from engine.metrics.forecast import forecast_accuracy, pipeline_at_start
from engine.metrics.performance import as_of_date, attainment_table, default_period
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import as_of_store, sales_data
from engine.store import Store
from engine.store.settings import load_settings
from tests.conftest import fill_tiny_company

SETTINGS = load_settings({})
Q2 = parse_period("2024-Q2")
APRIL_30 = date(2024, 4, 30)


def _row(table, name):
    return table.filter(table["name"] == name).row(0, named=True)


@pytest.mark.parametrize(("name", "won", "pipeline", "target"), [
    ("Company", 2750.0, 6880.0, 5700.0),
    ("US West", 0.0, 4000.0, 3000.0),
    ("US East", 0.0, 2000.0, 1500.0),
    ("DACH", 2750.0, 880.0, 1200.0),
])
def test_figures_as_they_stood(tiny_store, name, won, pipeline, target):
    level = "company" if name == "Company" else "territory"
    row = _row(attainment_table(as_of_store(tiny_store, APRIL_30), Q2, level, settings=SETTINGS), name)
    assert (row["won"], row["pipeline"], row["target"]) == (won, pipeline, target)
    assert row["win_rate"] == pytest.approx(2 / 3)
    assert row["weighted_forecast"] == pytest.approx(pipeline * 2 / 3)


def test_company_row_as_of_april(tiny_store):
    row = _row(attainment_table(as_of_store(tiny_store, APRIL_30), Q2, "company", settings=SETTINGS), "Company")
    assert row["attainment"] == pytest.approx(2750 / 5700)
    assert row["gap"] == 2950.0
    assert row["projected"] == pytest.approx(2750 + 6880 * 2 / 3)
    assert row["coverage"] == pytest.approx(6880 / 2950)
    assert row["overdue_pipeline"] == 0.0
    # today (1 Jun 2024, the data's last day) Q2 has won D4 + D7 + D8
    assert _row(attainment_table(tiny_store, Q2, "company", settings=SETTINGS), "Company")["won"] == 8750.0


@pytest.mark.parametrize(("day", "won_deals", "open_deals"), [
    (date(2023, 12, 31), [], ["D1"]),
    (date(2024, 1, 20), ["D1"], ["D2", "D3", "D7"]),  # closed on the day counts as closed
    (date(2024, 4, 30), ["D1", "D2", "D8"], ["D4", "D5", "D6", "D7", "D9"]),
    (date(2024, 5, 31), ["D1", "D2", "D4", "D8"], ["D10", "D5", "D6", "D7"]),
])
def test_snapshot_status_of_each_deal(tiny_store, day, won_deals, open_deals):
    data = sales_data(as_of_store(tiny_store, day))
    assert sorted(data.deals.filter(data.deals["status"] == "won")["deal_id"]) == won_deals
    assert sorted(data.deals.filter(data.deals["status"] == "open")["deal_id"]) == open_deals
    assert as_of_date(as_of_store(tiny_store, day)) == day


def test_as_of_now_or_later_is_the_data_as_it_is(tiny_store):
    now = sales_data(tiny_store)
    assert sales_data(as_of_store(tiny_store, date(2024, 6, 1))) is now
    assert sales_data(as_of_store(tiny_store, date(2030, 1, 1))) is now


def test_default_period_follows_the_as_of_day(tiny_store):
    assert default_period(as_of_store(tiny_store, date(2024, 2, 10))).code == "2024-Q1"


def test_forecast_accuracy_uses_the_same_rebuild(tiny_store):
    """What the method knew at Q2's start is Q2's pipeline as of the day before it: D4 2,000 +
    D7 4,000 + D8 2,750 + D9 880 (D6 was created on 1 Apr, in the quarter)."""
    data = sales_data(tiny_store)
    known = float(pipeline_at_start(data, Q2)["pipeline_at_start"].sum())
    then = _row(attainment_table(as_of_store(tiny_store, date(2024, 3, 31)), Q2, "company", settings=SETTINGS),
                "Company")
    assert known == then["pipeline"] == 9630.0
    accuracy = forecast_accuracy(tiny_store, parse_period("2024-Q3"), "company", SETTINGS, periods=1,
                                 as_of=date(2024, 7, 1))
    assert accuracy.select("period", "actual").row(0) == ("2024-Q2", 8750.0)
    assert accuracy["forecast"][0] == pytest.approx(9630 * then["win_rate"])


def test_report_cli_as_of(tmp_path, capsys):
    path = tmp_path / "tiny.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    assert main(["report", "attainment", "--db", str(path), "--by", "company", "--as-of", "2024-04-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name,target,won,attainment,gap,pipeline,win_rate,weighted_forecast,projected,coverage"
    assert lines[1] == "Company,5700.0,2750.0,0.4825,2950.0,6880.0,0.6667,4586.67,7336.67,2.3322"
    with pytest.raises(SystemExit) as bad:
        main(["report", "attainment", "--db", str(path), "--as-of", "30.04.2024"])
    assert bad.value.code == 2
    assert "is not a date: write it as YYYY-MM-DD" in capsys.readouterr().err
