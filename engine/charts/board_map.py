"""The board's regional map: a dark, offline pydeck map for a wall screen read from 3 m.

The territories are the Overview map's shapes (engine/charts/maps.py: real boundaries, filled
red/amber/green by attainment, outlined in the territory's own colour) over the shipped borders
drawn dark — never tiles, so the board works with no network. Each shape carries a large
two-line label, its name over "share · attainment"; labels that would collide are left out
(largest first), and the panel's table beside the map lists every row anyway.
"""
from __future__ import annotations

import polars as pl
import pydeck as pdk

from engine.charts.deck import CompactDeck, fit_view
from engine.charts.map_shapes import base_map, label_boxes, overlap
from engine.charts.maps import TERRITORY_LAYER, map_layers
from engine.i18n import fmt_pct, t
from engine.metrics.sales_data import SalesData

BOARD_MAP_PX = (1100, 640)   # the map's share of a 1920×1080 board (width, height)
LABEL_SIZES = (30, 26, 22)   # label sizes tried, largest first: the largest at which every label fits
LAND, COAST, BORDER = [28, 34, 44, 255], [88, 98, 114, 255], [60, 68, 82, 255]
LABEL_LAYER = "board_labels"


def fitted_labels(shapes: pl.DataFrame, rows: pl.DataFrame, view: pdk.ViewState, lang: str,
                  px: tuple[int, int] = BOARD_MAP_PX) -> tuple[pl.DataFrame, int]:
    """(labels, size): at the largest of LABEL_SIZES where every label fits, else at the size that
    fits the most (the larger on a tie)."""
    best = None
    for size in LABEL_SIZES:
        labels = board_labels(shapes, rows, view, lang, size, px)
        if best is None or labels.height > best[0].height:
            best = (labels, size)
        if labels.height == shapes["id"].n_unique():
            break
    return best


def board_labels(shapes: pl.DataFrame, rows: pl.DataFrame, view: pdk.ViewState, lang: str,
                 size: int = LABEL_SIZES[0], px: tuple[int, int] = BOARD_MAP_PX) -> pl.DataFrame:
    """One label per shaped row that fits: columns id, text ("name\\nshare · attainment"), lon,
    lat. Greedy by won (largest first), a label is kept when its two-line box is inside the view
    and overlaps no kept label."""
    firsts = shapes.unique("id", keep="first", maintain_order=True).select("id", "lon", "lat")
    named = firsts.join(rows.select("id", "name", "won", "share", "attainment"), on="id", how="inner") \
        .sort("won", "name", descending=[True, False])
    if named.is_empty():
        return pl.DataFrame(schema={"id": pl.String, "text": pl.String, "lon": pl.Float64, "lat": pl.Float64})
    second = [t("board.map.figures", lang, share=fmt_pct(s, lang) if s is not None else "–",
                attainment=fmt_pct(a, lang) if a is not None else "–")
              for s, a in zip(named["share"].to_list(), named["attainment"].to_list())]
    longest = [max(n, f, key=len) for n, f in zip(named["name"].to_list(), second)]
    boxes = label_boxes(named.with_columns(pl.Series("name", longest)), view, size, *px)
    kept, taken = [], []
    for index, (left, top, right, bottom) in enumerate(boxes):
        box = (left, top - size * 0.6, right, bottom + size * 0.6)  # two lines: one more line's height
        if box[0] >= 0 and box[1] >= 0 and box[2] <= px[0] and box[3] <= px[1] \
                and not any(overlap(box, other) for other in taken):
            kept.append(index)
            taken.append(box)
    texts = [f"{n}\n{f}" for n, f in zip(named["name"].to_list(), second)]
    return named.with_columns(pl.Series("text", texts)).select("id", "text", "lon", "lat")[kept]


def board_map(data: SalesData, rows: pl.DataFrame, scope: list[str] | None, lang: str, *,
              red_below: float = 0.7, green_from: float = 1.0) -> tuple[CompactDeck, pl.DataFrame]:
    """(the deck, its labels) for the rows of engine.board.map_panel.region_map_rows: columns of
    the labels id, text, lon, lat."""
    shapes, density = map_layers(data, rows, scope, lang=lang, red_below=red_below, green_from=green_from)
    if shapes.height:
        view = fit_view(shapes["lon"].to_numpy(), shapes["lat"].to_numpy(), *BOARD_MAP_PX)
        # fit to the shapes' label points and the accounts: the whole of each region in sight
        if density.height:
            view = fit_view(density["lon"].to_numpy(), density["lat"].to_numpy(), *BOARD_MAP_PX, trim=0.01)
    else:
        view = fit_view([], [], *BOARD_MAP_PX)
    labels, size = fitted_labels(shapes, rows, view, lang)
    countries, borders = base_map(view, *BOARD_MAP_PX)
    layers = [
        pdk.Layer("PolygonLayer", id="board_countries", data=countries, get_polygon="polygon", get_fill_color=LAND,
                  get_line_color=COAST, line_width_min_pixels=0.8, stroked=True, filled=True, pickable=False),
        pdk.Layer("PathLayer", id="board_borders", data=borders, get_path="path", get_color=BORDER,
                  width_min_pixels=0.6, get_width=1, pickable=False),
        pdk.Layer("PolygonLayer", id=TERRITORY_LAYER, data=shapes.select("polygon", "fill", "line").to_dicts(),
                  get_polygon="polygon", get_fill_color="fill", get_line_color="line", line_width_min_pixels=3,
                  stroked=True, filled=True, pickable=False),
        pdk.Layer("TextLayer", id=LABEL_LAYER, data=labels.to_dicts(), get_position=["lon", "lat"], get_text="text",
                  get_size=size, get_color=[245, 247, 250, 255], background=True,
                  get_background_color=[14, 17, 23, 215], background_padding=[8, 4, 8, 4], line_height=1.15,
                  font_weight=700, character_set=pdk.types.String("auto"), pickable=False),
    ]
    return CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=False), labels
