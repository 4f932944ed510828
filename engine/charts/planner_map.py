"""The planner's map and selectors: accounts coloured by the territory a plan gives them.

Few accounts are drawn as pickable points (click them on the map: st.pydeck_chart offers no box
selection); many are drawn as hexagon density and selected by filter or table instead — a million
clickable points would swamp the browser. No basemap (map_style None) unless one is configured: the map works offline.
"""
from __future__ import annotations

import numpy as np
import polars as pl
import pydeck as pdk

from engine.charts.maps import fit_view
from engine.charts.palette import hex_to_rgb, territory_colour
from engine.planner.plan import Plan
from engine.planner.moves import SIZE_BANDS, UNITS, MoveError

ACCOUNT_LAYER = "planner_accounts"
POINTS_UP_TO = 5_000
CELL_DEG = 0.25  # density grid, about the size of the 25 km hexagons it feeds


def plan_accounts(plan: Plan, positions: np.ndarray | None = None) -> pl.DataFrame:
    """Accounts at `positions` (all when None) under the plan: `position, account_id, name, industry,
    state, city, postal_code, annual_revenue, territory_id, territory, rep_id, rep, lat, lon, moved`."""
    base = plan.baseline
    positions = np.arange(base.n_accounts) if positions is None else np.asarray(positions, dtype=np.int64)
    t_ids = base.territories["territory_id"].append(pl.Series([None], dtype=pl.String))
    t_names = base.territories["name"].append(pl.Series([None], dtype=pl.String))
    r_ids = base.reps["rep_id"].append(pl.Series([None], dtype=pl.String))
    r_names = base.reps["name"].append(pl.Series([None], dtype=pl.String))
    t_code, r_code = plan.territory_code[positions], plan.rep_code[positions]
    moved = (t_code != base.territory_code[positions]) | (r_code != base.rep_code[positions])
    return base.accounts[positions].select(
        "account_id", "name", "industry", "state", "city", "postal_code", "annual_revenue", "lat", "lon"
    ).with_columns(
        position=pl.Series(positions), territory_id=t_ids.gather(t_code), territory=t_names.gather(t_code),
        rep_id=r_ids.gather(r_code), rep=r_names.gather(r_code), moved=pl.Series(moved),
    ).select("position", "account_id", "name", "industry", "state", "city", "postal_code", "annual_revenue",
             "territory_id", "territory", "rep_id", "rep", "lat", "lon", "moved")


def _distinct(base, column: str) -> list[str]:
    """Sorted distinct non-null values of an account column, computed once per baseline (a baseline
    never changes, and at a million accounts a distinct costs tens of ms on every rerun)."""
    memo = base.__dict__.setdefault("_planner_distinct", {})
    if column not in memo:
        memo[column] = sorted(base.accounts[column].drop_nulls().cast(pl.String).unique().to_list())
    return memo[column]


def filter_options(plan: Plan) -> dict[str, list[str]]:
    """Choices for the planner's filter form: states, industries, size bands, reps and territories
    (ids), each sorted."""
    base = plan.baseline
    return {"state": _distinct(base, "state"), "industry": _distinct(base, "industry"),
            "size_band": list(SIZE_BANDS), "rep": base.reps["rep_id"].to_list(),
            "territory": base.territories.filter(pl.col("plannable"))["territory_id"].to_list()}


def unit_values(plan: Plan, unit: str) -> list[str]:
    """The values of a geographic unit (one of `engine.planner.moves.UNITS`: postal_code, city,
    state, country) that accounts have, sorted: the choices of a whole-unit move."""
    if unit not in UNITS:
        raise MoveError(f"'{unit}' is not a geographic unit.", hint=f"Use one of {', '.join(UNITS)}.")
    return _distinct(plan.baseline, unit)


def density_cells(lon: np.ndarray, lat: np.ndarray, cell_deg: float = CELL_DEG) -> pl.DataFrame:
    """Accounts counted per grid cell of `cell_deg` degrees: `lon, lat` (cell centre), `count`.

    The density map draws these weighted cells instead of every account: a million accounts as
    JSON is ~40 MB and seconds of serialising on every rerun; their cells are a few thousand rows."""
    known = ~(np.isnan(lon) | np.isnan(lat))
    frame = pl.DataFrame({"lon": lon[known], "lat": lat[known]})
    return frame.select(((pl.col("lon") / cell_deg).floor() * cell_deg + cell_deg / 2).round(4),
                        ((pl.col("lat") / cell_deg).floor() * cell_deg + cell_deg / 2).round(4)) \
        .group_by("lon", "lat").agg(count=pl.len()).sort("lon", "lat")


def _density_layer(cells: pl.DataFrame) -> pdk.Layer:
    return pdk.Layer("HexagonLayer", data=cells.to_dicts(), id="planner_density", get_position=["lon", "lat"],
                     get_color_weight="count", color_aggregation=pdk.types.String("SUM"),
                     get_elevation_weight="count", elevation_aggregation=pdk.types.String("SUM"),
                     radius=25_000, elevation_scale=0, extruded=False, coverage=0.9, pickable=False, opacity=0.8)


class _SerialisedOnce(pdk.Deck):
    """A deck that writes its JSON once: Streamlit serialises the deck on every rerun, and the
    density of a million accounts (tens of thousands of cells) took 0.3–0.7 s to write each time."""

    def to_json(self) -> str:
        written = self.__dict__.get("_written")
        if written is None:
            written = super().to_json()
            self.__dict__["_written"] = written  # set after writing, so it is never part of the JSON
        return written


def density_deck(plan: Plan, positions: np.ndarray, *, basemap_url: str = "") -> pdk.Deck:
    """The planner's map for many accounts (those at `positions`): hexagon density of their grid
    cells (`density_cells`), straight from the baseline's coordinates — no per-account frame.
    The deck (and its JSON) is kept per baseline for the last few selections, shared by sessions."""
    base = plan.baseline
    memo = base.__dict__.setdefault("_planner_decks", {})
    key = (hash(np.asarray(positions, dtype=np.int64).tobytes()), basemap_url)
    deck = memo.get(key)
    if deck is None:
        lon = base.accounts["lon"].cast(pl.Float64).to_numpy()[positions]
        lat = base.accounts["lat"].cast(pl.Float64).to_numpy()[positions]
        cells = density_cells(lon, lat)
        view = fit_view(cells["lon"].to_numpy(), cells["lat"].to_numpy())
        deck = memo[key] = _deck([_density_layer(cells)], view, None, basemap_url, cls=_SerialisedOnce)
        while len(memo) > 4:
            memo.pop(next(iter(memo)))
    return deck


def _deck(layers: list, view: pdk.ViewState, tooltip: dict | None, basemap_url: str, cls=pdk.Deck) -> pdk.Deck:
    if basemap_url:
        return cls(layers=layers, initial_view_state=view, map_style=basemap_url, tooltip=tooltip,
                   map_provider="carto")
    # pydeck's placeholder style, not map_style=None: Streamlit then draws no basemap at all (None
    # would make it fetch Carto's style from the internet), as on the Overview map.
    return cls(layers=layers, initial_view_state=view, map_provider=None, tooltip=tooltip)


def planner_deck(accounts: pl.DataFrame, *, selected: set[str] | None = None, basemap_url: str = "",
                 points_up_to: int = POINTS_UP_TO) -> pdk.Deck:
    """Accounts from `plan_accounts` as points coloured by territory (selected ones ringed, moved
    ones outlined), or as hexagon density when there are more than `points_up_to`."""
    located = accounts.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    view = fit_view(located["lon"].to_numpy(), located["lat"].to_numpy())
    tooltip = None
    if located.height > points_up_to:
        layers = [_density_layer(density_cells(located["lon"].to_numpy(), located["lat"].to_numpy()))]
    else:
        selected = selected or set()
        colours = {t: hex_to_rgb(territory_colour(t), 200) for t in located["territory_id"].unique().to_list()}
        points = located.select("account_id", "name", "territory", "rep", "lon", "lat", "territory_id", "moved") \
            .with_columns(
                fill=pl.col("territory_id").replace_strict(colours, default=hex_to_rgb(territory_colour(None), 200),
                                                           return_dtype=pl.List(pl.Int64)),
                line=pl.when(pl.col("account_id").is_in(list(selected))).then(pl.lit([20, 20, 20, 255]))
                .when(pl.col("moved")).then(pl.lit([255, 255, 255, 255])).otherwise(pl.lit([0, 0, 0, 0])),
                width=pl.when(pl.col("account_id").is_in(list(selected))).then(3)
                .when(pl.col("moved")).then(2).otherwise(0))
        layers = [pdk.Layer("ScatterplotLayer", data=points.drop("territory_id", "moved").to_dicts(),
                            id=ACCOUNT_LAYER, get_position=["lon", "lat"], get_fill_color="fill",
                            get_line_color="line", get_line_width="width", stroked=True,
                            # literal strings: pydeck reads a bare string as an accessor expression
                            line_width_units=pdk.types.String("pixels"), radius_units=pdk.types.String("pixels"),
                            get_radius=5, pickable=True,
                            auto_highlight=True)]
        tooltip = {"html": "<b>{name}</b><br/>{territory} · {rep}", "style": {"fontSize": "12px"}}
    return _deck(layers, view, tooltip, basemap_url)


def selected_ids(event: dict | None) -> list[str]:
    """Account ids picked on the map, from `st.pydeck_chart`'s selection state."""
    if not event:
        return []
    objects = (event.get("selection") or {}).get("objects") or {}
    return sorted({o["account_id"] for o in objects.get(ACCOUNT_LAYER, []) if "account_id" in o})
