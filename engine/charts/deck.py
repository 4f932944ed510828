"""What every Terrain map shares: a compact pydeck Deck, the offline base map and the fitted view.

Streamlit sends a deck's `to_json()` to the browser on every rerun; pydeck indents it, which makes a
world of borders five times its size, so `CompactDeck` writes it without whitespace. With no basemap
configured the maps draw the shipped country borders, coastlines and state/province lines
(`engine.charts.map_shapes.base_map`) and no tiles: they work with no network at all.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from engine.charts.map_shapes import VIEW_HEIGHT_PX, VIEW_WIDTH_PX, base_map

BASE_LAYER, BORDER_LAYER = "countries", "borders"


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation (the same document as pydeck's, a fifth the size)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def fit_view(lon: np.ndarray, lat: np.ndarray, width_px: int = VIEW_WIDTH_PX, height_px: int = VIEW_HEIGHT_PX,
             trim: float = 0.0) -> pdk.ViewState:
    """A view state that shows every point (or, with `trim`, all but that fraction at each edge):
    centre of the bounds, zoom from the larger span (deck.gl's world is 512 px wide at zoom 0)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if len(lon) == 0:
        return pdk.ViewState(latitude=20, longitude=0, zoom=0.8)
    if trim and len(lon) > 50:
        (west, east), (south, north) = np.quantile(lon, [trim, 1 - trim]), np.quantile(lat, [trim, 1 - trim])
    else:
        west, east, south, north = lon.min(), lon.max(), lat.min(), lat.max()
    west, east, south, north = float(west), float(east), float(south), float(north)
    mid_lat = (south + north) / 2
    lon_span = max(east - west, 0.05)
    lat_span = max((north - south) / max(math.cos(math.radians(mid_lat)), 0.2), 0.05)
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span)))
    return pdk.ViewState(latitude=mid_lat, longitude=(west + east) / 2, zoom=max(min(zoom - 0.4, 11), 0.0))


def base_layers(view: pdk.ViewState) -> list[pdk.Layer]:
    """Countries (land, coastlines, borders) and state/province lines: the offline map underneath."""
    countries, borders = base_map(view)
    return [pdk.Layer("PolygonLayer", id=BASE_LAYER, data=countries, get_polygon="polygon",
                      get_fill_color=[238, 240, 243, 255], get_line_color=[160, 168, 178, 255],
                      line_width_min_pixels=0.6, stroked=True, filled=True, pickable=False),
            pdk.Layer("PathLayer", id=BORDER_LAYER, data=borders, get_path="path", get_color=[190, 197, 206, 255],
                      width_min_pixels=0.5, get_width=1, pickable=False)]


def offline_deck(layers: list, view: pdk.ViewState, tooltip: dict | None, basemap_url: str = "",
                 cls: type = None) -> "CompactDeck":
    """A deck (of `cls`, a CompactDeck by default) over the configured basemap, or — with none —
    over the shipped base map."""
    cls = cls or CompactDeck
    if basemap_url:
        return cls(layers=layers, initial_view_state=view, map_style=basemap_url, tooltip=tooltip,
                           map_provider="carto")
    # pydeck's placeholder style (not map_style=None): Streamlit then draws no basemap at all, where
    # None would make it fetch Carto's positron style from the internet.
    return cls(layers=[*base_layers(view), *layers], initial_view_state=view, map_provider=None, tooltip=tooltip)
