"""Territories no state or country can draw — postal codes, a shared state — drawn as H3 cells."""
from __future__ import annotations

import json
from itertools import combinations

import h3
import numpy as np
import polars as pl
import pytest
import shapely

from engine.charts.map_shapes import row_cells, row_units
from engine.charts.maps import TERRITORY_LAYER, map_layers, performance_deck
from engine.demo.company import build_demo
from engine.geo.boundaries import unit_shapes
from engine.geo.hexagons import cells_shape, point_cells, resolution_for
from engine.metrics.performance import attainment_table
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.settings import load_settings
from tests.postal_territories import split_california

SF, LA, NYC = (-122.4194, 37.7749), (-118.2437, 34.0522), (-73.9857, 40.7484)


@pytest.mark.parametrize(("resolution", "cells"), [
    (3, ["832830fffffffff", "8329a1fffffffff", "832a10fffffffff"]),
    (4, ["8428309ffffffff", "8429a1dffffffff", "842a101ffffffff"]),
    (5, ["85283083fffffff", "8529a1d7fffffff", "852a100ffffffff"]),
])
def test_known_places_lie_in_known_cells(resolution, cells):
    points = pl.DataFrame({"lon": [SF[0], LA[0], NYC[0], SF[0]], "lat": [SF[1], LA[1], NYC[1], SF[1]]})
    assert point_cells(points, resolution).to_list() == [*cells, cells[0]]  # row order, repeats kept


@pytest.mark.parametrize(("lons", "lats", "resolution"), [
    ([SF[0]], [SF[1]], 5),                          # one place: the finest cells
    ([-122.5, -121.9], [37.3, 37.9], 5),            # the Bay Area, ~65 km: 5 (~17 km across)
    ([-118.7, -117.6], [33.7, 34.3], 5),            # Los Angeles
    ([-124.0, -114.0], [32.5, 42.0], 3),            # California, ~1,050 km: 3 (~119 km across, 9 cells)
    ([-122.5, -118.0], [34.0, 37.9], 4),            # the coast from SF to LA, ~430 km: 4 (~45 km, 10 cells)
    ([-122.5, -116.0], [33.0, 38.5], 3),            # a little more than 12 cells of 4: 3
    ([-125.0, -67.0], [25.0, 49.0], 3),             # the whole US: never coarser than 3
])
def test_resolution_follows_the_extent(lons, lats, resolution):
    assert resolution_for(np.array(lons), np.array(lats)) == resolution


def test_neighbouring_cells_merge_into_one_outline():
    disk = h3.grid_disk("85283083fffffff", 1)  # a cell and its six neighbours
    shape = cells_shape(disk)
    assert len(shape.geoms) == 1 and not shape.geoms[0].interiors
    assert shape.contains(shapely.Point(*SF))
    expected = shapely.union_all([cells_shape([c]) for c in disk])
    assert shape.symmetric_difference(expected).area < 1e-9


def test_rows_sharing_a_state_get_cells_there():
    # Bay Area and LA share California (neither holds 90%): both are drawn as cells there;
    # Nevada is all "P"'s
    cells = pl.DataFrame({"id": ["BAY", "BAY", "LA", "P"], "unit": ["US-CA", "US-CA", "US-CA", "US-NV"],
                          "lon": [SF[0], -121.89, LA[0], -115.14], "lat": [SF[1], 37.34, LA[1], 36.17],
                          "accounts": [4, 2, 5, 3]})
    owned = row_units(cells)
    assert owned == {"P": ["US-NV"]}
    assert row_cells(cells, owned) == {"BAY": (5, ["85283083fffffff", "85283473fffffff"]),
                                       "LA": (5, ["8529a1d7fffffff"])}


@pytest.fixture(scope="module")
def postal_company(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("postal") / "postal.duckdb")
    build_demo(store)
    split_california(store)
    yield store
    store.close()


def test_postal_code_territories_are_drawn_as_cells_that_never_overlap(postal_company):
    table = attainment_table(postal_company, parse_period("2025"), "territory", settings=load_settings({}))
    data = sales_data(postal_company)
    shapes, density = map_layers(data, table, None)
    geometry = data.cached(("map_geometry", "territory", tuple(table["id"].to_list()), None), lambda: None)[0]
    bay, la, pacific = geometry["T-US-BAY"], geometry["T-US-LA"], geometry["T-US-PACIFIC"]
    assert bay["units"] == [] and la["units"] == [] and bay["cells"] and la["cells"]
    # US Pacific keeps Oregon, Washington, Alaska and Hawaii whole, and the rest of California as cells
    assert pacific["units"] == ["US-AK", "US-HI", "US-OR", "US-WA"] and pacific["cells"]
    assert bay["shape"].contains(shapely.Point(-122.27, 37.80))  # Oakland
    assert la["shape"].contains(shapely.Point(-118.30, 34.06))
    california = unit_shapes()["US-CA"]
    for shape in (bay, la):
        assert shape["shape"].difference(california).area < 1e-9  # cut at the coast
    # no territory drawn with cells covers another's ground (shipped neighbouring units, e.g.
    # Alaska and Canada, overlap a little along their borders: not what this test is about)
    for (a, first), (b, second) in combinations(geometry.items(), 2):
        if first["units"] and second["units"]:
            continue
        assert first["shape"].intersection(second["shape"]).area < 1e-6, (a, b)
    deck = json.loads(performance_deck(shapes, density).to_json())
    drawn = {row["id"] for layer in deck["layers"] if layer["id"] == TERRITORY_LAYER for row in layer["data"]}
    assert {"T-US-BAY", "T-US-LA", "T-US-PACIFIC"} <= drawn
