"""The what-if engine on the hand-made company (tests/whatif/conftest.py): exact figures per move."""
from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from engine.store.errors import NotFoundError
from engine.planner.indices import balance_indices, balance_table
from engine.planner.plan import (FIGURES, Move, MoveError, Plan, before_after, haversine_km, rep_before_after,
                                 select_accounts, whatif_report)
from tests.whatif.conftest import BERLIN, LONDON, LYON, MANCHESTER, MUNICH, PARIS


def great_circle(a, b) -> float:
    """Reference distance by the spherical law of cosines (independent of the engine's haversine)."""
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    cos = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    return 6371.0088 * math.acos(min(1.0, cos))


def by_name(frame: pl.DataFrame, *columns: str) -> dict:
    return {row["name"]: tuple(row[c] for c in columns) for row in frame.iter_rows(named=True)}


def test_baseline_figures_per_territory(baseline):
    table = by_name(before_after(Plan(baseline)), "accounts_before", "won_before", "pipeline_before",
                    "target_before", "potential_before", "activities_before", "visit_hours_before")
    assert table == {
        "France": (3, 3000.0, 1000.0, 12000.0, 6e6, 2.0, 1.5),
        "United Kingdom": (3, 4600.0, 1500.0, 6000.0, 15e6, 2.0, 3.0),
        "Germany": (3, 7900.0, 100.0, 0.0, 24e6, 1.0, 1.5),
        "Unassigned": (1, 0.0, 50.0, 0.0, 10e6, 0.0, 0.0),
    }


def test_region_without_accounts_is_not_a_row(baseline):
    assert "Europe" not in before_after(Plan(baseline))["name"].to_list()


@pytest.mark.parametrize("a, b, km", [
    (PARIS, LONDON, 343.557), (PARIS, PARIS, 0.0), (BERLIN, MUNICH, 504.416), ((0, 0), (0, 180), 20015.114),
])
def test_haversine_known_distances(a, b, km):
    assert haversine_km(a[0], a[1], b[0], b[1]) == pytest.approx(km, abs=1e-3)
    assert great_circle(a, b) == pytest.approx(km, abs=1e-3)


def test_haversine_is_nan_for_missing_point():
    assert np.isnan(haversine_km(np.nan, 2.0, 48.0, 2.0))


PER_KM = 0.67 / 1.609344  # the default: the IRS 2024 rate of 0.67 per mile


@pytest.mark.parametrize(("environ", "per_km"), [
    ({}, 0.67 / 1.609344),
    ({"TERRAIN_DISTANCE_UNIT": "km", "TERRAIN_MILEAGE_RATE": "0.42"}, 0.42),
    ({"TERRAIN_DISTANCE_UNIT": "mi", "TERRAIN_MILEAGE_RATE": "0.70"}, 0.70 / 1.609344),
])
def test_mileage_rate_follows_its_unit(environ, per_km):
    from engine.store.settings import load_settings

    assert load_settings(environ).mileage_rate_per_km == pytest.approx(per_km)


def test_travel_from_the_serving_reps_home(baseline):
    table = by_name(before_after(Plan(baseline)), "travel_km_mean_before", "travel_km_max_before",
                    "mileage_cost_before")
    lyon, manchester, munich = great_circle(PARIS, LYON), great_circle(LONDON, MANCHESTER), great_circle(BERLIN, MUNICH)
    assert table["France"] == pytest.approx((lyon / 3, lyon, 2 * lyon * PER_KM))
    assert table["United Kingdom"] == pytest.approx((manchester / 3, manchester, 2 * manchester * PER_KM))
    # A09 has no coordinates: Germany's mean is over the two accounts whose distance is known.
    assert table["Germany"] == pytest.approx((munich / 2, munich, 2 * munich * PER_KM))
    assert table["Unassigned"][:2] == (None, None)


# move → {territory: (accounts_after, won_after, pipeline_after)}, accounts changed
MOVES = [
    ({"accounts": ["A03"], "to_territory": "UK"},
     {"France": (2, 3000.0, 300.0), "United Kingdom": (4, 4600.0, 2200.0), "Germany": (3, 7900.0, 100.0)}, 1),
    ({"unit": "city", "value": "Berlin", "to_territory": "France"},
     {"France": (5, 10900.0, 1100.0), "United Kingdom": (3, 4600.0, 1500.0), "Germany": (1, 0.0, 0.0)}, 2),
    ({"merge": "DE", "into": "UK"},
     {"France": (3, 3000.0, 1000.0), "United Kingdom": (6, 12500.0, 1600.0), "Germany": (0, 0.0, 0.0)}, 3),
    ({"filters": {"territory": "UK", "industry": "Software"}, "to_territory": "DE"},
     {"France": (3, 3000.0, 1000.0), "United Kingdom": (2, 4600.0, 0.0), "Germany": (4, 7900.0, 1600.0)}, 1),
    ({"unit": "country", "value": "FR", "to_territory": "FR"},  # A10 (unassigned, in France) joins FR
     {"France": (4, 3000.0, 1050.0), "United Kingdom": (3, 4600.0, 1500.0), "Germany": (3, 7900.0, 100.0)}, 1),
    ({"accounts": ["A01", "A02"], "to_territory": "FR"}, {"France": (3, 3000.0, 1000.0)}, 0),  # already there
]


@pytest.mark.parametrize("move, expected, changed", MOVES)
def test_move_before_after(baseline, move, expected, changed):
    plan = Plan(baseline)
    assert plan.apply(move) == changed
    table = by_name(before_after(plan), "accounts_after", "won_after", "pipeline_after")
    for name, figures in expected.items():
        assert table[name] == figures
    assert plan.changed_positions().size == changed


def test_moved_accounts_take_the_new_territorys_owner_and_travel(baseline):
    plan = Plan(baseline)
    plan.apply({"accounts": ["A03"], "to_territory": "UK"})
    assert plan.changes().row(0) == ("A03", "Account 3", "FR", "UK", "R1", "R2")
    uk = before_after(plan).filter(pl.col("name") == "United Kingdom").row(0, named=True)
    lyon_from_london = great_circle(LONDON, LYON)
    assert uk["travel_km_max_after"] == pytest.approx(lyon_from_london)
    assert uk["travel_km_mean_after"] == pytest.approx((great_circle(LONDON, MANCHESTER) + lyon_from_london) / 4)
    france = before_after(plan).filter(pl.col("name") == "France").row(0, named=True)
    assert france["travel_km_max_after"] == 0.0  # the max holder left: rescanned, not kept


def test_rep_only_move_keeps_territory_changes_rep_figures(baseline):
    plan = Plan(baseline)
    assert plan.apply({"accounts": ["A08"], "to_rep": "ana@example.com"}) == 1
    reps = by_name(rep_before_after(plan), "accounts_after", "target_after", "travel_km_max_after")
    assert reps["Ana"] == (4, 10800.0, pytest.approx(great_circle(PARIS, MUNICH)))
    assert reps["Chen"] == (2, 0.0, 0.0)
    germany = by_name(before_after(plan), "accounts_after", "travel_km_max_after")["Germany"]
    assert germany == (3, pytest.approx(great_circle(PARIS, MUNICH)))


def test_before_after_has_every_figure_before_after_delta(baseline):
    frame = before_after(Plan(baseline))
    expected = [f"{name}_{when}" for name in FIGURES for when in ("before", "after", "delta")]
    assert frame.columns == ["territory_id", "name", "owner_rep_id", "plannable"] + expected


def test_whatif_report_has_the_contract_columns(baseline):
    plan = Plan(baseline)
    plan.apply({"merge": "DE", "into": "UK"})
    report = whatif_report(plan)
    assert report.columns == ["name", "accounts_before", "accounts_after", "won_before", "won_after",
                              "pipeline_before", "pipeline_after", "travel_km_before", "travel_km_after"]
    assert report.filter(pl.col("name") == "Germany").row(0)[:7] == ("Germany", 3, 0, 7900.0, 0.0, 100.0, 0.0)


def test_undo_and_redo(baseline):
    plan = Plan(baseline)
    fresh = before_after(plan)
    plan.apply({"merge": "DE", "into": "UK"})
    plan.apply({"accounts": ["A01"], "to_territory": "UK"})
    after_two = before_after(plan)
    assert plan.undo() and plan.undo() and not plan.undo()
    assert before_after(plan).equals(fresh)
    assert np.array_equal(plan.territory_code, baseline.territory_code)
    assert plan.redo() and plan.redo() and not plan.redo()
    assert before_after(plan).equals(after_two)
    plan.undo()
    plan.apply({"accounts": ["A02"], "to_territory": "DE"})
    assert not plan.can_redo  # a new move forgets what was undone


def test_merge_resolves_against_the_current_assignment(baseline):
    plan = Plan(baseline)
    plan.apply({"accounts": ["A01"], "to_territory": "DE"})
    assert plan.apply({"merge": "DE", "into": "UK"}) == 4  # DE's three plus A01 moved there before


def test_moves_round_trip_through_dicts(baseline):
    plan = Plan(baseline)
    plan.apply({"unit": "city", "value": "Berlin", "to_territory": "France", "label": "Berlin to Paris"})
    plan.apply({"filters": {"territory": "UK", "industry": ["Software"]}, "to_rep": "R3"})
    replay = Plan(baseline)
    for move in plan.moves:
        replay.apply(Move.from_dict(move.to_dict()))
    assert before_after(replay).equals(before_after(plan))


@pytest.mark.parametrize("filters, expected", [
    ({"state": "ENG"}, ["A04", "A05", "A06"]),
    ({"postal_prefix": "75"}, ["A01", "A02", "A10"]),
    ({"postal_prefix": ["69", "80"]}, ["A03", "A08"]),
    ({"industry": ["Energy", "Finance"]}, ["A04", "A07", "A08"]),
    ({"size_band": "mid"}, ["A10"]),
    ({"size_band": "small", "country": "DE"}, ["A07", "A08", "A09"]),
    ({"rep": "Ben"}, ["A04", "A05", "A06"]),
    ({"territory": "France", "industry": "Retail"}, ["A01", "A03"]),
    ({"ids": ["A09", "A02"]}, ["A02", "A09"]),
    ({"city": "Nowhere"}, []),
])
def test_select_accounts(baseline, filters, expected):
    positions = select_accounts(baseline, filters)
    assert baseline.accounts["account_id"].gather(positions).to_list() == expected


@pytest.mark.parametrize("move, error, words", [
    ({"accounts": ["A01"], "to_territory": "Atlantis"}, NotFoundError, "no territory 'Atlantis'"),
    ({"accounts": ["A01"], "to_rep": "Zed"}, NotFoundError, "no rep 'Zed'"),
    ({"accounts": ["A01", "B7"], "to_territory": "FR"}, NotFoundError, "B7"),
    ({"accounts": ["A01"]}, MoveError, "needs a target"),
    ({"accounts": ["A01"], "unit": "city", "value": "Paris", "to_territory": "FR"}, MoveError, "exactly one way"),
    ({"unit": "galaxy", "value": "x", "to_territory": "FR"}, MoveError, "not a geographic unit"),
    ({"filters": {"colour": "red"}, "to_territory": "FR"}, MoveError, "Unknown filter"),
])
def test_bad_moves_say_what_is_wrong(baseline, move, error, words):
    plan = Plan(baseline)
    with pytest.raises(error, match=words):
        plan.apply(move)
    assert not plan.can_undo and plan.changed_positions().size == 0


@pytest.mark.parametrize("values, cv, max_min, gini", [
    ([1, 2, 3, 4], math.sqrt(1.25) / 2.5, 4.0, 0.25),
    ([5, 5, 5], 0.0, 1.0, 0.0),
    ([0, 10], 1.0, math.inf, 0.5),
    ([0, 0], 0.0, 1.0, 0.0),
    ([2, np.nan, 6], 0.5, 3.0, 0.25),
    ([1, 1, 1, 5], math.sqrt(3) / 2, 5.0, 0.375),
])
def test_balance_indices(values, cv, max_min, gini):
    assert balance_indices(values) == pytest.approx({"cv": cv, "max_min_ratio": max_min, "gini": gini})


def test_balance_indices_of_nothing_are_nan():
    assert all(math.isnan(v) for v in balance_indices([]).values())


def test_balance_table_before_and_after(baseline):
    plan = Plan(baseline)
    plan.apply({"accounts": ["A07"], "to_territory": "FR"})  # won: FR 10,000, UK 4,600, DE 900
    won = balance_table(plan).filter(pl.col("figure") == "won").row(0, named=True)
    assert won["max_min_ratio_before"] == pytest.approx(7900 / 3000)
    assert won["max_min_ratio_after"] == pytest.approx(10000 / 900)
    assert won["gini_after"] == pytest.approx(balance_indices([10000, 4600, 900])["gini"])
    accounts = balance_table(plan).filter(pl.col("figure") == "accounts").row(0, named=True)
    assert (accounts["cv_before"], accounts["max_min_ratio_after"]) == (0.0, 2.0)
