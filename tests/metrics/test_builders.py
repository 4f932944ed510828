"""The tree, the maps and the charts: edge cases of the hierarchy and smoke tests of every builder."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from engine.charts.overview import headline, share_chart, trend_chart
from engine.charts.reps import attainment_chart
from engine.store.errors import StoreError
from engine.territories.hierarchy import COMPANY_ID, build_hierarchy
from engine.charts.deck import fit_view
from engine.charts.maps import map_layers, performance_deck
from engine.metrics.performance import attainment_table, monthly_trend
from engine.metrics.sales_data import sales_data
from engine.metrics.reps import leaderboard, rep_accounts, rep_deals
from engine.metrics.periods import parse_period
from engine.store.settings import load_settings
from tests.metrics.conftest import AS_OF

SETTINGS = load_settings({})
FY2024 = parse_period("2024")


def test_several_roots_get_a_virtual_company_and_orphans_an_unassigned_region(store):
    store.insert_frame("territories", pl.DataFrame({"territory_id": ["A", "B", "A1"], "name": ["A", "B", "A1"],
                                                    "parent_id": [None, "ghost", "A"]}))
    store.insert_frame("deals", pl.DataFrame({"deal_id": ["D1", "D2"], "territory_id": ["A1", "lost"],
                                              "status": ["won", "won"], "amount": [5.0, 7.0], "amount_rc": [5.0, 7.0],
                                              "close_date": [AS_OF, AS_OF]}))
    regions = attainment_table(store, FY2024, "region", settings=SETTINGS, as_of=AS_OF)
    assert dict(regions.select("id", "won").rows()) == {"A": 5.0, "__unassigned__": 7.0, "B": 0.0}
    company = attainment_table(store, FY2024, "company", settings=SETTINGS, as_of=AS_OF)
    assert company.select("id", "won").row(0) == (COMPANY_ID, 12.0)


def test_a_cycle_in_parents_is_reported():
    with pytest.raises(StoreError, match="own ancestors"):
        build_hierarchy(pl.DataFrame({"territory_id": ["CO", "X", "Y"], "name": ["CO", "X", "Y"],
                                      "parent_id": [None, "Y", "X"]}))


def test_view_fits_the_points():
    view = fit_view(np.array([-10.0, 10.0]), np.array([-5.0, 5.0]))
    assert view.longitude == 0 and view.latitude == 0 and 2 < view.zoom < 5


def test_map_layers_colour_each_region_by_attainment(seed_store):
    table = attainment_table(seed_store, FY2024, "region", settings=SETTINGS, as_of=AS_OF)
    shapes, density = map_layers(sales_data(seed_store), table, None)
    fills = dict(zip(shapes["id"], shapes["fill"].to_list()))
    assert fills["NA"][:3] == [26, 152, 80] and fills["EU"][:3] == [240, 162, 2]  # green 122%, amber 99%
    assert density["accounts"].sum() == 7
    deck = performance_deck(shapes, density)
    spec = deck.to_json()
    assert '"mapStyle":"__MAP_STYLE__"' in spec and '"id":"territories"' in spec


def test_chart_builders_render_specs(seed_store):
    regions = attainment_table(seed_store, FY2024, "region", settings=SETTINGS, as_of=AS_OF)
    assert headline(regions) == "EMEA is 0.8% behind target ($1.3K to go)"
    assert headline(regions, "zh").startswith("EMEA落后目标")
    assert share_chart(regions).to_dict()["params"][0]["name"] == "pick"
    trend = monthly_trend(seed_store, FY2024, settings=SETTINGS)
    assert trend["won"].sum() == 1_000_100 and trend.height == 12
    assert trend_chart(trend).to_dict()["title"] == ""
    # months named as on every other chart, on a band axis (a time axis said "Jan 24", hairline bars)
    for lang, first in (("en", ["Jan 2024", "Feb 2024"]), ("zh", ["2024年1月", "2024年2月"])):
        spec = trend_chart(trend, lang).to_dict()
        assert (spec["encoding"]["x"]["field"], spec["encoding"]["x"]["type"]) == ("label", "nominal")
        assert spec["encoding"]["x"]["sort"][:2] == first
    board = leaderboard(seed_store, parse_period("2024-Q2"), settings=SETTINGS, as_of=AS_OF)
    assert board.select("rank", "id").rows()[:2] == [(1, "R1"), (2, "R2")]
    assert attainment_chart(board).to_dict()["layer"][0]["mark"]["type"] == "bar"


def test_rep_detail_frames(seed_store):
    deals = rep_deals(seed_store, "R2", parse_period("2024-Q2"), SETTINGS, AS_OF)
    assert deals.select("deal_id", "overdue").rows() == [("O3", True), ("W3", False)]
    accounts = rep_accounts(seed_store, "R1", FY2024, SETTINGS)
    assert accounts.select("name", "won", "deals_won").rows() == [("Acme", 200_000.0, 2)]
