"""The seed company's figures, checked against numbers worked out by hand (see conftest.py)."""
from __future__ import annotations

from datetime import date

import pytest

from engine.metrics.performance import attainment_table, kpi_tiles, shares_table, win_rates
from engine.metrics.periods import parse_period
from engine.store.settings import load_settings
from tests.metrics.conftest import AS_OF

SETTINGS = load_settings({})
FY2024, Q2 = parse_period("2024"), parse_period("2024-Q2")


def row(table, id_):
    (match,) = [r for r in table.iter_rows(named=True) if r["id"] == id_]
    return match


def test_regional_shares_are_the_seed(seed_store):
    shares = shares_table(seed_store, FY2024, "region", settings=SETTINGS, as_of=AS_OF)
    assert shares["won"].to_list() == [291_700, 166_700, 166_700, 125_000, 125_000, 125_000]
    assert [round(s, 4) for s in shares["share"]] == [0.2917, 0.1667, 0.1667, 0.125, 0.125, 0.125]
    assert shares["name"].to_list()[:3] == ["North America", "APAC", "EMEA"]  # ties by name
    assert shares["share"].sum() == pytest.approx(1.0, abs=1e-12)


# (level, period, id, column, expected) — every figure worked out by hand in conftest's docstring.
CASES = [
    ("region", FY2024, "NA", "won", 291_700), ("region", FY2024, "NA", "target", 238_500),
    ("region", FY2024, "NA", "attainment", 291_700 / 238_500), ("region", FY2024, "NA", "gap", -53_200),
    ("region", FY2024, "NA", "pipeline", 10_600), ("region", FY2024, "NA", "overdue_pipeline", 500),
    ("region", FY2024, "NA", "win_rate", 0.52), ("region", FY2024, "NA", "win_rate_source", "own"),
    ("region", FY2024, "NA", "weighted_forecast", 5_512), ("region", FY2024, "NA", "projected", 297_212),
    ("region", FY2024, "NA", "coverage", None),  # ahead of target: nothing left to cover
    ("region", FY2024, "NA", "probability_forecast", 6_000 * 0.5 + 4_100 * 0.2 + 500 * 0.9),
    ("region", FY2024, "EU", "target", 168_000),  # EMEA's own target, not DACH's 36,000
    ("region", FY2024, "EU", "gap", 1_300), ("region", FY2024, "EU", "coverage", 1_000 / 1_300),
    ("region", FY2024, "EU", "win_rate", 15 / 27), ("region", FY2024, "EU", "win_rate_source", "parent"),
    ("region", FY2024, "EU", "weighted_forecast", 1_000 * 15 / 27),
    ("region", FY2024, "AP", "weighted_forecast", 0), ("region", FY2024, "LA", "target", 120_000),
    ("territory", FY2024, "NA-W", "pipeline", 10_100), ("territory", FY2024, "NA-W", "win_rate", 0.6),
    ("territory", FY2024, "NA-W", "weighted_forecast", 6_060), ("territory", FY2024, "NA-W", "target", 156_000),
    ("territory", FY2024, "NA-W", "projected", 206_060),
    ("territory", FY2024, "NA-W", "projected_attainment", 206_060 / 156_000),
    ("territory", FY2024, "NA-E", "win_rate", 0.52), ("territory", FY2024, "NA-E", "win_rate_source", "parent"),
    ("territory", FY2024, "NA-E", "weighted_forecast", 260), ("territory", FY2024, "EU-DE", "target", 36_000),
    ("company", FY2024, "CO", "won", 1_000_100), ("company", FY2024, "CO", "target", 916_500),
    ("company", FY2024, "CO", "pipeline", 11_600), ("company", FY2024, "CO", "win_rate", 15 / 27),
    ("rep", Q2, "R1", "won", 4_000), ("rep", Q2, "R1", "target", 3_000),
    ("rep", Q2, "R1", "attainment", 4_000 / 3_000), ("rep", Q2, "R1", "gap", -1_000),
    ("rep", Q2, "R2", "won", 700), ("rep", Q2, "R2", "target", 1_500), ("rep", Q2, "R2", "gap", 800),
    ("rep", Q2, "R2", "pipeline", 500), ("rep", Q2, "R2", "coverage", 500 / 800),
    ("rep", Q2, "R2", "weighted_forecast", 250),  # NA-E borrows NA's Q2 history: 13 of 26
    ("rep", Q2, "R1", "pipeline", 0), ("rep", Q2, "R3", "won", 0),
]


@pytest.mark.parametrize("level, period, id_, column, expected", CASES,
                         ids=[f"{c[0]}-{c[1].code}-{c[2]}-{c[3]}" for c in CASES])
def test_figure(seed_store, level, period, id_, column, expected):
    value = row(attainment_table(seed_store, period, level, settings=SETTINGS, as_of=AS_OF), id_)[column]
    if isinstance(expected, (int, float)) and expected is not None:
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-9)
    else:
        assert value == expected


def test_rep_seed_percentages_read_as_in_the_issue(seed_store):
    reps = attainment_table(seed_store, Q2, "rep", settings=SETTINGS, as_of=AS_OF)
    assert round(row(reps, "R1")["attainment"] * 100, 1) == 133.3
    assert row(reps, "R2")["gap"] == 800


def test_win_rate_borrowing_below_the_minimum(seed_store):
    rates = {r["id"]: r for r in win_rates(seed_store, FY2024, SETTINGS).iter_rows(named=True)}
    assert (rates["NA-W"]["closed_count"], rates["NA-W"]["win_rate_source"]) == (20, "own")
    assert (rates["NA-E"]["closed_count"], rates["NA-E"]["own_rate"], rates["NA-E"]["win_rate"]) == (5, 0.2, 0.52)
    assert rates["EU-DE"]["win_rate"] == rates["EU"]["win_rate"] == rates["CO"]["win_rate"] == 15 / 27
    lenient = win_rates(seed_store, FY2024, SETTINGS.with_(win_rate_min_closed=2))
    assert {r["id"]: r["win_rate_source"] for r in lenient.iter_rows(named=True)}["EU-DE"] == "own"


def test_overdue_deals_move_to_the_current_period(seed_store):
    q1 = row(attainment_table(seed_store, parse_period("2024-Q1"), "territory", settings=SETTINGS, as_of=AS_OF), "NA-E")
    q2 = row(attainment_table(seed_store, Q2, "territory", settings=SETTINGS, as_of=AS_OF), "NA-E")
    q3 = row(attainment_table(seed_store, parse_period("2024-Q3"), "territory", settings=SETTINGS, as_of=AS_OF), "NA-E")
    assert (q1["pipeline"], q2["pipeline"], q2["overdue_pipeline"], q3["pipeline"]) == (0, 500, 500, 0)


def test_drill_down_children_and_scope(seed_store):
    children = attainment_table(seed_store, FY2024, "children", ["NA"], SETTINGS, AS_OF)
    assert children.select("id", "won").rows() == [("NA-W", 200_000), ("NA-E", 91_700)]
    reps = attainment_table(seed_store, FY2024, "rep", ["NA"], SETTINGS, AS_OF)
    assert sorted(reps["id"]) == ["R1", "R2"]
    scoped_region = attainment_table(seed_store, FY2024, "region", ["NA-E"], SETTINGS, AS_OF)
    assert scoped_region.select("id", "won", "target").rows() == [("NA", 91_700, 82_500)]


def test_kpi_tiles_compare_with_previous_period_and_last_year(seed_store):
    tiles = {r["metric"]: r for r in kpi_tiles(seed_store, Q2, settings=SETTINGS, as_of=AS_OF).iter_rows(named=True)}
    # Q2: 4,000 + 700; Q1: 166,700 + 125,000; Q2 2023: the two history deals won in June 2023.
    assert (tiles["won"]["value"], tiles["won"]["previous"], tiles["won"]["last_year"]) == (4_700, 291_700, 2_000)
    assert tiles["won"]["change_previous"] == 4_700 - 291_700
    assert tiles["target"]["value"] == 3_000 + 1_500 + 3 * 14_000 + 3 * 12_500 + 3 * 3 * 10_000


def test_unknown_level_and_territory_are_explained(seed_store):
    from engine.store.errors import NotFoundError, TerrainError

    with pytest.raises(TerrainError, match="not a level"):
        attainment_table(seed_store, FY2024, "planet", settings=SETTINGS, as_of=AS_OF)
    with pytest.raises(NotFoundError, match="XX"):
        attainment_table(seed_store, FY2024, "region", ["XX"], SETTINGS, AS_OF)
