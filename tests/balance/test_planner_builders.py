"""The planner's pure builders: map, charts and the sign-off summary."""
from __future__ import annotations

import json

import polars as pl
import pytest

from engine.planner.balance.auto import BalanceRequest
from engine.planner.balance.plan import balance_input, plan_tradeoff
from engine.charts.planner import TRADEOFF_SELECTION, change_bars, tradeoff_chart
from engine.store.errors import TerrainError
from engine.charts.palette import hex_to_rgb
from engine.charts.planner_map import (ACCOUNT_LAYER, DENSITY_LAYER, DENSITY_RAMP, density_cells, density_classes,
                                       density_deck, density_legend, density_legend_chart, filter_options,
                                       plan_accounts, planner_deck, selected_ids, unit_values)
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
    assert ACCOUNT_LAYER in points and "ScatterplotLayer" in points and '"pickable":true' in points
    density = planner_deck(accounts, points_up_to=3).to_json()
    assert DENSITY_LAYER in density and ACCOUNT_LAYER not in density


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

    spec = json.loads(density_deck(moved_plan, np.arange(6)).to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert ACCOUNT_LAYER not in layers and {"countries", "borders", DENSITY_LAYER} <= set(layers)
    # 6 accounts in 5 cells: two Bay Area accounts share a cell; 1 and 2 per cell are two classes
    cells = layers[DENSITY_LAYER]["data"]
    assert sorted(c["count"] for c in cells) == [1, 1, 1, 1, 2]
    assert {tuple(c["fill"]) for c in cells if c["count"] == 2} == {tuple(hex_to_rgb(DENSITY_RAMP[-1], 235))}
    assert {tuple(c["fill"]) for c in cells if c["count"] == 1} == {tuple(hex_to_rgb(DENSITY_RAMP[-2], 235))}


@pytest.mark.parametrize(("counts", "bounds"), [
    ([1, 1, 1, 2], [1, 2]),
    ([5] * 50 + [40] * 30 + [300] * 15 + [2_000] * 4 + [90_000], [20, 200, 2_000, 90_000]),  # 40 rounds to 20 again: one class
    ([7], [5, 7]),
    ([], []),
])
def test_density_classes_are_round_numbers_at_quantiles(counts, bounds):
    import numpy as np

    assert density_classes(np.array(counts)) == bounds


def test_density_legend_gives_each_class_its_colour():
    cells = pl.DataFrame({"count": [1] * 10 + [3] * 5 + [12] * 3 + [500]})
    legend = density_legend(cells)
    # quantiles 1, 3, 12, 236 → round numbers 1, 2, 10, 200, then the fullest cell
    assert legend.rows() == [(1, 1, DENSITY_RAMP[0]), (2, 2, DENSITY_RAMP[1]), (3, 10, DENSITY_RAMP[2]),
                             (11, 200, DENSITY_RAMP[3]), (201, 500, DENSITY_RAMP[4])]
    chart = density_legend_chart(legend, "Accounts per cell").to_dict()
    assert chart["title"]["text"] == "Accounts per cell" and len(chart["layer"]) == 2


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


def test_many_cells_are_merged_into_a_coarser_grid():
    import numpy as np

    from engine.charts.planner_map import coarse_cells

    # a 40 × 40 lattice of accounts 0.25° apart: 1,600 cells at 0.25°, 400 at 0.5°, 100 at 1°
    lon, lat = np.meshgrid(np.arange(40) * 0.25 + 0.1, np.arange(40) * 0.25 + 0.1)
    cells, degrees = coarse_cells(lon.ravel(), lat.ravel(), max_cells=500)
    assert (cells.height, degrees, int(cells["count"].sum())) == (400, 0.5, 1_600)
    cells, degrees = coarse_cells(lon.ravel(), lat.ravel(), max_cells=100)
    assert (cells.height, degrees) == (100, 1.0)
