"""The planner's pure builders: map, charts and the sign-off summary."""
from __future__ import annotations

import polars as pl
import pytest

from engine.planner.balance.auto import BalanceRequest
from engine.planner.balance.plan import balance_input, plan_tradeoff
from engine.charts.planner import TRADEOFF_SELECTION, change_bars, tradeoff_chart
from engine.store.errors import TerrainError
from engine.charts.planner_map import (ACCOUNT_LAYER, density_cells, density_deck, filter_options, plan_accounts,
                                       planner_deck, selected_ids, unit_values)
from engine.planner.scenarios import save_scenario
from engine.charts.signoff import render, scenario_signoff, signoff_chart
from engine.planner.plan import Plan, before_after, build_baseline


@pytest.fixture
def moved_plan(tiny_store):
    plan = Plan(build_baseline(tiny_store))
    plan.apply({"accounts": ["A2"], "to_territory": "EU-DE"})
    return plan


def test_plan_accounts_show_the_plan_not_the_live_assignment(moved_plan):
    accounts = plan_accounts(moved_plan)
    row = accounts.filter(pl.col("account_id") == "A2").row(0, named=True)
    assert (row["territory_id"], row["territory"], row["rep_id"], row["moved"]) == ("EU-DE", "DACH", "R3", True)
    assert accounts["moved"].sum() == 1
    assert filter_options(moved_plan)["state"] == ["BE", "CA", "NY"]


def test_few_accounts_are_pickable_points_many_are_density(moved_plan):
    accounts = plan_accounts(moved_plan)
    points = planner_deck(accounts).to_json()
    assert ACCOUNT_LAYER in points and "ScatterplotLayer" in points and '"pickable": true' in points
    density = planner_deck(accounts, points_up_to=3).to_json()
    assert "HexagonLayer" in density and ACCOUNT_LAYER not in density


def test_unit_values_list_what_accounts_have(moved_plan):
    assert unit_values(moved_plan, "state") == ["BE", "CA", "NY"]
    assert unit_values(moved_plan, "country") == ["DE", "US"]
    assert unit_values(moved_plan, "city") == ["Berlin", "Brooklyn", "New York", "Oakland", "Palo Alto",
                                               "San Francisco"]
    with pytest.raises(TerrainError):
        unit_values(moved_plan, "industry")


@pytest.mark.parametrize(("lon", "lat", "cells"), [
    # two accounts in one 0.25° cell, one in the next cell east, one without coordinates
    ([13.40, 13.45, 13.60, float("nan")], [52.52, 52.55, 52.52, 1.0],
     [(13.375, 52.625, 2), (13.625, 52.625, 1)]),
    ([-0.1, 0.1], [-0.1, 0.1], [(-0.125, -0.125, 1), (0.125, 0.125, 1)]),
    ([], [], []),
])
def test_density_cells_count_accounts_per_grid_cell(lon, lat, cells):
    import numpy as np

    frame = density_cells(np.array(lon, dtype=float), np.array(lat, dtype=float))
    assert frame.rows() == cells


def test_density_deck_draws_weighted_cells(moved_plan):
    import numpy as np

    deck = density_deck(moved_plan, np.arange(6)).to_json()
    assert "HexagonLayer" in deck and '"getColorWeight": "@@=count"' in deck and ACCOUNT_LAYER not in deck


def test_selected_ids_read_the_map_selection():
    event = {"selection": {"indices": {ACCOUNT_LAYER: [0, 2]},
                           "objects": {ACCOUNT_LAYER: [{"account_id": "A3"}, {"account_id": "A1"}]}}}
    assert selected_ids(event) == ["A1", "A3"]
    assert selected_ids(None) == [] and selected_ids({"selection": {}}) == []


def test_change_bars_mark_what_changed(moved_plan):
    spec = change_bars(before_after(moved_plan), "accounts", title="Accounts", before_label="Before",
                       after_label="After", axis_title="Accounts").to_dict()
    values = next(iter(spec["datasets"].values()))
    changes = {v["name"]: (v["before"], v["after"], v["change"]) for v in values}
    assert changes == {"US East": (2, 2, ""), "US West": (3, 2, "▼"), "DACH": (1, 2, "▲")}


def test_tradeoff_chart_offers_a_point_selection(tiny_store):
    curve, plans = plan_tradeoff(Plan(build_baseline(tiny_store)), BalanceRequest(unit="account"), (0.05, 0.5))
    assert curve["feasible"].to_list() == [True, True] and curve["accounts_moved"].to_list() == [0, 1]
    spec = tradeoff_chart(curve, title="t", x_title="x", y_title="y", chosen=0.05).to_dict()
    assert [p["name"] for p in spec["params"]] == [TRADEOFF_SELECTION]
    assert set(plans) == {0.05, 0.5}


def test_signoff_renders_png_and_pdf(tiny_store, moved_plan):
    chart = signoff_chart(moved_plan, name="Berlin gets Globex", author="Ops", note="FY26", lang="en")
    png, pdf = render(chart, "png"), render(chart, "pdf")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert pdf[:5] == b"%PDF-"
    with pytest.raises(TerrainError, match="sign-off format"):
        render(chart, "gif")
    scenario_id = save_scenario(tiny_store, moved_plan, "Berlin gets Globex")
    assert scenario_signoff(tiny_store, build_baseline(tiny_store), scenario_id, "png", "zh")[:4] == b"\x89PNG"


def test_balance_input_leaves_out_accounts_without_a_territory(tiny_store):
    plan = Plan(build_baseline(tiny_store))
    plan.apply({"accounts": ["A6"], "to_rep": "R1"})
    assert balance_input(plan).accounts.filter(pl.col("territory_id").is_null()).is_empty()
