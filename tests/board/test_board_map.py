"""The board's regional map: the rows (share + attainment per region), the labels (two lines,
inside the view, never overlapping), dark and offline (no tiles, no basemap style)."""
from __future__ import annotations

import json

import polars as pl
import pytest

from engine.board.map_panel import MAP_COLUMNS, region_map_rows
from engine.charts.board_map import BOARD_MAP_PX, LABEL_SIZES, board_labels, board_map
from engine.charts.map_shapes import label_boxes, overlap
from engine.demo.company import build_demo
from engine.metrics.sales_data import sales_data
from engine.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("boardmap") / "demo.duckdb")
    build_demo(store, scale=0.05)
    yield store
    store.close()


def test_rows_have_shares_that_add_up_and_the_panel_order(demo):
    rows = region_map_rows(demo, None)
    assert rows.columns == list(MAP_COLUMNS)
    assert rows["share"].sum() == pytest.approx(1.0)
    assert rows["won"].to_list() == sorted(rows["won"].to_list(), reverse=True)
    for row in rows.iter_rows(named=True):
        assert row["share"] == pytest.approx(row["won"] / rows["won"].sum())
        assert row["attainment"] == pytest.approx(row["won"] / row["target"])


def test_company_map_labels_every_region_with_share_and_attainment(demo):
    rows = region_map_rows(demo, None)
    deck, labels = board_map(sales_data(demo), rows, None, "en")
    assert labels["text"].to_list() == ["Americas\n47.2% · 48.3%", "EMEA\n21.9% · 37.2%", "APAC\n20.2% · 33.8%",
                                        "LATAM\n10.7% · 56.7%"]   # Strategic Accounts is no place: no shape
    text_layer = [layer for layer in deck.layers if layer.id == "board_labels"][0]
    assert text_layer.get_size == LABEL_SIZES[0]


@pytest.mark.parametrize("scope", [None, ["T-EMEA"], ["T-APAC"], ["T-AMER"]])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_fit_inside_the_view_and_never_overlap(demo, scope, lang):
    rows = region_map_rows(demo, scope)
    deck, labels = board_map(sales_data(demo), rows, scope, lang)
    assert labels.height >= 1
    size = [layer for layer in deck.layers if layer.id == "board_labels"][0].get_size
    assert size >= 22                                     # readable from 3 m at 1920×1080
    longest = labels.with_columns(pl.col("text").str.split("\n").list.eval(
        pl.element().sort_by(pl.element().str.len_chars())).list.last().alias("name"))
    boxes = label_boxes(longest, deck.initial_view_state, size, *BOARD_MAP_PX)
    for i, box in enumerate(boxes):
        assert box[0] >= 0 and box[2] <= BOARD_MAP_PX[0]
        assert not any(overlap(box, other) for other in boxes[:i])


def test_the_map_is_dark_and_offline(demo):
    rows = region_map_rows(demo, None)
    deck, _ = board_map(sales_data(demo), rows, None, "zh")
    document = json.loads(deck.to_json())
    assert document.get("mapProvider") is None
    assert document["mapStyle"] == "__MAP_STYLE__"          # pydeck's placeholder: Streamlit draws no basemap
    text = deck.to_json()
    assert "http" not in text                               # no tile or style URL anywhere
    land = [layer for layer in document["layers"] if layer["id"] == "board_countries"][0]
    assert sum(land["getFillColor"][:3]) < 150               # dark land under bright labels


def test_no_labels_without_shapes():
    empty = pl.DataFrame(schema={"id": pl.String, "lon": pl.Float64, "lat": pl.Float64})
    rows = pl.DataFrame(schema={"id": pl.String, "name": pl.String, "won": pl.Float64, "share": pl.Float64,
                                "attainment": pl.Float64})
    import pydeck as pdk
    assert board_labels(empty, rows, pdk.ViewState(latitude=0, longitude=0, zoom=1), "en").is_empty()
