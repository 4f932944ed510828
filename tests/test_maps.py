"""The maps: real boundaries, territories as unions of their units, labels that never collide."""
from __future__ import annotations

import json
from datetime import date

import polars as pl
import pydeck as pdk
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.charts.deck import CompactDeck, fit_view
from engine.charts.map_shapes import label_boxes, overlap, place_labels, row_units, union_of
from engine.charts.maps import (TERRITORY_LAYER, UNASSIGNED_LAYER, map_layers, performance_deck, row_accounts,
                                row_geometry)
from engine.geo import boundaries as geo_boundaries
from engine.geo.boundaries import account_units, unit_shapes
from engine.geo.hexagons import cells_shape
from engine.metrics.performance import attainment_table
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.settings import load_settings

SETTINGS = load_settings({})


def test_shipped_boundaries_are_built_from_the_vendored_sources():
    # Catches data/geo/boundaries.parquet going stale after a change to engine/geo/boundary_sources.py
    # or to a file in data/geo/sources/: regenerate with `.venv/bin/python scripts/build_boundaries.py`.
    from engine.geo.boundary_sources import build_boundaries
    assert geo_boundaries.BOUNDARIES_FILE.exists()
    shipped = pl.read_parquet(geo_boundaries.BOUNDARIES_FILE)
    assert shipped.equals(build_boundaries())
    assert geo_boundaries.BOUNDARIES_FILE.stat().st_size < 1_000_000  # small enough to ship


def test_boundaries_hold_countries_us_states_and_chinese_provinces():
    frame = geo_boundaries.boundaries()
    kinds = dict(frame.group_by("iso2").agg((pl.col("kind") == "state").sum()).iter_rows())
    assert kinds["US"] == 51 and kinds["CN"] == 31 and kinds["DE"] == 0
    shapes = unit_shapes()
    assert all(s.is_valid and not s.is_empty for s in shapes.values())
    # places that must lie where they are
    for unit, lon, lat in (("US-CA", -119.4, 36.8), ("US-NV", -116.9, 38.8), ("CN-30", 113.3, 23.1),
                           ("CN-22", 116.4, 39.9), ("DE", 10.4, 51.1), ("FR", 2.35, 48.85), ("BR", -47.9, -15.8)):
        assert shapes[unit].contains(shapely.Point(lon, lat)), unit


@pytest.mark.parametrize(("country", "state", "lat", "lon", "precision", "unit"), [
    ("US", "CA", None, None, None, "US-CA"),
    ("United States", "Nevada", None, None, None, "US-NV"),
    ("中国", "广东省", None, None, None, "CN-30"),
    ("Deutschland", None, None, None, None, "DE"),
    (None, "TX", None, None, None, "US-TX"),            # a state alone is a US state
    ("US", None, None, None, "country", None),           # the US with no state: a point, never the whole US
    ("US", None, 40.7, -74.0, "city", "US-NY"),          # ... unless its point is precise
    (None, None, 48.85, 2.35, "exact", "FR"),
    (None, None, 0.0, -30.0, "exact", None),             # at sea
    ("Narnia", None, None, None, None, None),
])
def test_account_units(country, state, lat, lon, precision, unit):
    frame = pl.DataFrame({"country": [country], "state": [state], "lat": [lat], "lon": [lon],
                          "geo_precision": [precision]},
                         schema={"country": pl.String, "state": pl.String, "lat": pl.Float64, "lon": pl.Float64,
                                 "geo_precision": pl.String})
    assert account_units(frame).to_list() == [unit]


def test_a_unit_belongs_to_the_row_holding_most_of_its_accounts():
    cells = pl.DataFrame({"id": ["W", "W", "W", "M", "M", "M"], "unit": ["US-CA", "US-NV", "US-AZ", "US-AZ", "US-NV", None],
                          "accounts": [10, 4, 1, 6, 4, 9]})
    # with no share required, NV is a tie (4 / 4): the smaller id keeps it; an account without a unit owns nothing
    assert row_units(cells, owned_from=0) == {"M": ["US-AZ", "US-NV"], "W": ["US-CA"]}
    # by default a row takes a unit only with 90% of its accounts: AZ (6 of 7) and NV are shared
    assert row_units(cells) == {"W": ["US-CA"]}
    assert row_units(cells.vstack(pl.DataFrame({"id": ["M"], "unit": ["US-AZ"], "accounts": [3]}))) == {
        "M": ["US-AZ"], "W": ["US-CA"]}  # 9 of 10


def _store_with(accounts: list[tuple], orphan_deal: bool = True) -> Store:
    """A store with territories West (CA, NV), East (NY) and Germany, and the given accounts
    (account_id, territory_id, country, state, lat, lon)."""
    store = Store.open(":memory:")
    territories = pl.DataFrame({"territory_id": ["CO", "W", "E", "DE"], "name": ["Company", "West", "East", "Germany"],
                                "parent_id": [None, "CO", "CO", "CO"], "type": ["geo"] * 4})
    frame = pl.DataFrame(accounts, orient="row", schema={"account_id": pl.String, "territory_id": pl.String,
                                                         "country": pl.String, "state": pl.String,
                                                         "lat": pl.Float64, "lon": pl.Float64})
    with store.transaction() as tx:
        tx.insert_frame("territories", territories)
        tx.insert_frame("accounts", frame.with_columns(name=pl.col("account_id"), geo_precision=pl.lit("city")))
        # a won deal of an orphan puts an Unassigned row into the table
        if orphan_deal:
            tx.insert_frame("deals", pl.DataFrame({"deal_id": ["D1"], "account_id": ["o1"], "status": ["won"],
                                                   "amount": [5.0], "amount_rc": [5.0],
                                                   "close_date": [date(2024, 3, 1)]}))
    return store


ACCOUNTS = [("a1", "W", "US", "CA", 37.77, -122.42), ("a2", "W", "US", "CA", 34.05, -118.24),
            ("a3", "W", "US", "NV", 36.17, -115.14), ("a4", "E", "US", "NY", 40.71, -74.0),
            ("a5", "DE", "DE", None, 52.52, 13.4), ("a6", "W", "US", "NY", 40.75, -73.99),
            # orphans: one in Brazil, one in the middle of Australia
            ("o1", None, "BR", None, -23.55, -46.63), ("o2", None, "AU", None, -25.0, 134.0)]


def _shapes(store: Store):
    table = attainment_table(store, parse_period("2024"), "region", settings=SETTINGS)
    return table, *map_layers(sales_data(store), table, None)


def test_a_territory_of_california_and_nevada_is_those_two_states():
    store = _store_with(ACCOUNTS)
    table, shapes, density = _shapes(store)
    data = sales_data(store)
    cells = row_accounts(data, table, data.tree.scope_members(None))
    geometry = row_geometry(cells.filter(pl.col("id") != "__unassigned__"))  # as map_layers does
    # West holds CA and NV; New York is shared (one account each), so both are drawn there as H3
    # cells at resolution 5 (one point each): the two accounts, 5 km apart, share one cell, which
    # the smaller id (East) wins
    assert {row: (shape["units"], shape["cells"]) for row, shape in geometry.items()} == {
        "W": (["US-CA", "US-NV"], []), "E": ([], ["852a1073fffffff"]), "DE": (["DE"], [])}
    assert geometry["E"]["resolution"] == 5 and geometry["E"]["shape"].contains(shapely.Point(-74.0, 40.71))
    # ... the cell, cut at New York's coast and border (the cell reaches into New Jersey)
    in_new_york = shapely.intersection(cells_shape(["852a1073fffffff"]), unit_shapes()["US-NY"])
    assert 0 < in_new_york.area < cells_shape(["852a1073fffffff"]).area
    assert geometry["E"]["shape"].symmetric_difference(in_new_york).area < 1e-12
    expected = shapely.union_all([unit_shapes()["US-CA"], unit_shapes()["US-NV"]])
    assert geometry["W"]["shape"].symmetric_difference(expected).area < 1e-9  # exactly those two states
    # drawn simplified to half a pixel of the fitted view — here the whole world (accounts from
    # California to Australia), 0.7° a pixel: the same ground to 5%
    west = shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in
                                 shapes.filter(pl.col("id") == "W")["polygon"].to_list()])
    assert west.symmetric_difference(expected).area < 0.05 * expected.area
    assert west.contains(shapely.Point(-119.4, 36.8)) and not west.contains(shapely.Point(-120.5, 44.0))  # not Oregon
    label = shapes.filter(pl.col("id") == "W").row(0, named=True)
    assert expected.contains(shapely.Point(label["lon"], label["lat"]))
    assert set(shapes["id"]) == {"W", "E", "DE"}


def test_unassigned_accounts_are_points_never_a_shape():
    table, shapes, density = _shapes(_store_with(ACCOUNTS))
    assert "__unassigned__" in table["id"].to_list()
    assert "__unassigned__" not in shapes["id"].to_list()
    assert density.filter(pl.col("unassigned"))["accounts"].sum() == 2
    spec = json.loads(performance_deck(shapes, density).to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert len(layers[UNASSIGNED_LAYER]["data"]) == 2
    assert {d["id"] for d in layers[TERRITORY_LAYER]["data"]} == {"W", "E", "DE"}
    assert layers["countries"]["data"] and layers["borders"]["data"]  # the offline base map is there
    assert spec["mapStyle"] == "__MAP_STYLE__"


def test_orphans_are_rings_even_when_no_deal_gives_them_a_row():
    table, shapes, density = _shapes(_store_with(ACCOUNTS, orphan_deal=False))
    assert "__unassigned__" not in table["id"].to_list()
    assert density.filter(pl.col("unassigned"))["accounts"].sum() == 2
    assert density.filter(~pl.col("unassigned"))["accounts"].sum() == 6


@pytest.mark.parametrize("units", [
    ["US-CA", "US-NV", "US-OR", "US-AZ"],
    [f"CN-{code}" for code in ("01", "02", "03", "04", "30", "33")],  # ECharts' borders are not noded
])
def test_union_of_neighbours_has_no_slivers(units):
    union = union_of(units)
    mainland = max(union.geoms, key=lambda p: p.area)
    assert union.is_valid and len(mainland.interiors) == 0
    assert union.area == pytest.approx(shapely.union_all([unit_shapes()[u] for u in units]).area, rel=1e-3)


def test_the_deck_json_round_trips_and_is_compact():
    table, shapes, density = _shapes(_store_with(ACCOUNTS))
    deck = performance_deck(shapes, density)
    assert isinstance(deck, CompactDeck)
    text = deck.to_json()
    assert json.loads(text) == json.loads(pdk.Deck.to_json(deck))
    assert "\n" not in text and len(text) < 400_000


def test_labels_at_the_fitted_view_never_overlap():
    table, shapes, density = _shapes(_store_with(ACCOUNTS))
    spec = json.loads(performance_deck(shapes, density).to_json())
    labels = pl.DataFrame([layer for layer in spec["layers"] if layer["id"] == "labels"][0]["data"])
    view = pdk.ViewState(**spec["initialViewState"])
    boxes = label_boxes(labels, view)
    assert labels.height >= 2
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(-120, -70), st.floats(25, 48), st.text("ABCDEFGH中国", min_size=1, max_size=14),
                          st.integers(1, 1000)), min_size=1, max_size=30))
def test_placed_labels_never_overlap_and_stay_in_view(rows):
    labels = pl.DataFrame(rows, orient="row", schema=["lon", "lat", "name", "accounts"])
    view = fit_view(labels["lon"].to_numpy(), labels["lat"].to_numpy())
    kept = place_labels(labels, view)
    boxes = label_boxes(kept, view)
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(b[0] >= 0 and b[1] >= 0 and b[2] <= 620 and b[3] <= 460 for b in boxes)
    assert kept.height >= 1 or all(  # the biggest label is kept unless it does not fit the view at all
        b[0] < 0 or b[1] < 0 or b[2] > 620 or b[3] > 460 for b in label_boxes(labels, view))
