"""Period to date on the tiny company: a running period against the same days of the one before.

Won deals of the tiny company: D1 1,000 (20 Jan 2024), D2 3,000 (15 Mar), D8 2,750 (20 Apr, EUR
2,500 at 1.1), D4 2,000 (10 May), D7 4,000 (1 Jun). Targets: 1,900 a month (R1 1,000, R2 500,
R3 400), so 5,700 a quarter.
"""
from __future__ import annotations

from datetime import date

import pytest

from engine.metrics.performance import kpi_tiles
from engine.metrics.period_to_date import period_to_date_tiles, to_date_windows, won_between
from engine.metrics.periods import parse_period
from engine.store.settings import load_settings

SETTINGS = load_settings({})
Q2 = parse_period("2024-Q2")


@pytest.mark.parametrize(("period", "as_of", "days", "current", "previous", "last_year"), [
    # 10 May is day 40 of Q2 (30 April days + 10): Q1's first 40 days end on 9 Feb
    ("2024-Q2", date(2024, 5, 10), 40, (date(2024, 4, 1), date(2024, 5, 11)),
     (date(2024, 1, 1), date(2024, 2, 10)), (date(2023, 4, 1), date(2023, 5, 11))),
    # day 92 of a 92-day Q3 against a 91-day Q2: the previous window stops at Q2's end
    ("2024-Q3", date(2024, 9, 30), 92, (date(2024, 7, 1), date(2024, 10, 1)),
     (date(2024, 4, 1), date(2024, 7, 1)), (date(2023, 7, 1), date(2023, 10, 1))),
    # the first day of a month
    ("2024-03", date(2024, 3, 1), 1, (date(2024, 3, 1), date(2024, 3, 2)),
     (date(2024, 2, 1), date(2024, 2, 2)), (date(2023, 3, 1), date(2023, 3, 2))),
])
def test_to_date_windows(period, as_of, days, current, previous, last_year):
    windows = to_date_windows(parse_period(period), as_of)
    assert (windows.days, windows.current, windows.previous, windows.last_year) == (days, current, previous,
                                                                                     last_year)


@pytest.mark.parametrize("as_of", [date(2024, 3, 31), date(2024, 7, 1)])
def test_a_period_that_is_not_running_has_no_to_date_window(as_of):
    assert to_date_windows(Q2, as_of) is None


@pytest.mark.parametrize(("start", "end", "scope", "won"), [
    (date(2024, 1, 1), date(2024, 2, 10), None, 1_000.0),
    (date(2024, 4, 1), date(2024, 5, 11), None, 4_750.0),    # D8 + D4; D7 on 1 Jun is after
    (date(2024, 4, 1), date(2024, 5, 10), None, 2_750.0),    # the end is exclusive: not D4 of 10 May
    (date(2024, 4, 1), date(2024, 5, 11), ["EU"], 2_750.0),  # EMEA only
    (date(2023, 4, 1), date(2023, 5, 11), None, 0.0),
])
def test_won_between(tiny_store, start, end, scope, won):
    assert won_between(tiny_store, start, end, scope, SETTINGS) == pytest.approx(won)


def test_tiles_compare_the_same_days_while_the_period_runs(tiny_store):
    as_of = date(2024, 5, 10)
    tiles = kpi_tiles(tiny_store, Q2, settings=SETTINGS, as_of=as_of)
    shown, windows = period_to_date_tiles(tiny_store, tiles, Q2, as_of, settings=SETTINGS)
    assert windows.days == 40
    rows = {r["metric"]: r for r in shown.iter_rows(named=True)}
    # won to date 4,750 against Q1's first 40 days (1,000) and Q2 2023's (nothing)
    assert (rows["won"]["previous"], rows["won"]["change_previous"]) == (1_000.0, 3_750.0)
    assert (rows["won"]["last_year"], rows["won"]["change_last_year"]) == (0.0, 4_750.0)
    assert rows["attainment"]["previous"] == pytest.approx(1_000 / 5_700)
    assert rows["attainment"]["change_previous"] == pytest.approx(4_750 / 5_700 - 1_000 / 5_700)
    assert rows["gap"]["previous"] == pytest.approx(4_700.0) and rows["gap"]["change_previous"] == pytest.approx(-3_750)
    # targets are for whole periods: unchanged, as every metric not measured to date
    before = {r["metric"]: r for r in tiles.iter_rows(named=True)}
    for metric in ("target", "pipeline", "weighted_forecast", "projected", "coverage"):
        assert rows[metric] == before[metric]


def test_tiles_of_a_finished_period_are_left_alone(tiny_store):
    tiles = kpi_tiles(tiny_store, Q2, settings=SETTINGS, as_of=date(2024, 8, 1))
    shown, windows = period_to_date_tiles(tiny_store, tiles, Q2, date(2024, 8, 1), settings=SETTINGS)
    assert windows is None and shown.equals(tiles)
