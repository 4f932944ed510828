"""The planner's map and selectors: accounts coloured by the territory a plan gives them.

Few accounts are drawn as pickable points (click them on the map: st.pydeck_chart offers no box
selection); many are drawn as density — accounts counted per grid cell, coloured in classes with a
key (`density_legend`) — and selected by filter or table instead: a million clickable points would
swamp the browser. Underneath lies the shipped base map (`engine.charts.deck`), no tiles.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import polars as pl
import pydeck as pdk

from engine.charts.deck import CompactDeck, fit_view, offline_deck
from engine.charts.palette import hex_to_rgb, territory_colour
from engine.planner.plan import Plan
from engine.planner.moves import SIZE_BANDS, UNITS, MoveError

ACCOUNT_LAYER = "planner_accounts"
DENSITY_TOOLTIP = {"html": "{count}", "style": {"fontSize": "12px"}}
POINTS_UP_TO = 5_000
CELL_DEG = 0.25  # density grid: ~25 km cells, doubled until there are at most MAX_CELLS
MAX_CELLS = 8_000  # ~0.5 MB of deck JSON: a million accounts still redraw in well under a second
DENSITY_LAYER = "planner_density"
# Pale blue to deep violet: every class stands out from the grey base map, the steps are even in
# lightness, and none is a red/amber/green status colour.
DENSITY_RAMP = ("#8CC4E8", "#4A98D3", "#2F5FAE", "#4A2F8F", "#2A0B4F")


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


def coarse_cells(lon: np.ndarray, lat: np.ndarray, max_cells: int = MAX_CELLS) -> tuple[pl.DataFrame, float]:
    """`density_cells` on the finest grid (from CELL_DEG, doubling) that gives at most `max_cells`
    cells: (cells, cell size in degrees)."""
    cell_deg = CELL_DEG
    cells = density_cells(lon, lat, cell_deg)
    while cells.height > max_cells:
        cell_deg *= 2
        cells = density_cells(lon, lat, cell_deg)
    return cells, cell_deg


def density_cells(lon: np.ndarray, lat: np.ndarray, cell_deg: float = CELL_DEG) -> pl.DataFrame:
    """Accounts counted per grid cell of `cell_deg` degrees: `lon, lat` (cell centre), `count`.

    The density map draws these weighted cells instead of every account: a million accounts as
    JSON is ~40 MB and seconds of serialising on every rerun; their cells are a few thousand rows."""
    known = ~(np.isnan(lon) | np.isnan(lat))
    frame = pl.DataFrame({"lon": lon[known], "lat": lat[known]})
    return frame.select(((pl.col("lon") / cell_deg).floor() * cell_deg + cell_deg / 2).round(4),
                        ((pl.col("lat") / cell_deg).floor() * cell_deg + cell_deg / 2).round(4)) \
        .group_by("lon", "lat").agg(count=pl.len()).sort("lon", "lat")


def density_classes(counts: np.ndarray) -> list[int]:
    """Upper bounds of the density map's colour classes (the last is the largest cell): round
    numbers at the 50th, 75th, 90th and 97th percentile of the cells' counts, so a few very full
    cells (a head office city) do not leave every other cell the palest colour."""
    if len(counts) == 0:
        return []
    top = int(counts.max())
    bounds = []
    for q in np.quantile(counts, [0.5, 0.75, 0.9, 0.97]):
        nice = _round_number(float(q))
        if nice < top and (not bounds or nice > bounds[-1]):
            bounds.append(nice)
    return [*bounds, top]


def _round_number(value: float) -> int:
    """The largest of 1, 2, 5, 10, 20, 50 … not above `value` (at least 1)."""
    if value < 1:
        return 1
    magnitude = 10 ** int(np.floor(np.log10(value)))
    return int(max(m * magnitude for m in (1, 2, 5) if m * magnitude <= value))


def density_legend(cells: pl.DataFrame) -> pl.DataFrame:
    """The density map's key: one row per class, `low`, `high` (accounts per cell) and `colour` (hex)."""
    bounds = density_classes(cells["count"].to_numpy())
    lows = [1, *(b + 1 for b in bounds[:-1])]
    ramp = DENSITY_RAMP[len(DENSITY_RAMP) - len(bounds):]
    return pl.DataFrame({"low": lows, "high": bounds, "colour": list(ramp)},
                        schema={"low": pl.Int64, "high": pl.Int64, "colour": pl.String})


def _density_layer(cells: pl.DataFrame, cell_deg: float = CELL_DEG) -> pdk.Layer:
    """The cells as dots of the cell's size (never under 3 px), coloured by class of account count."""
    legend = density_legend(cells)
    colours = [hex_to_rgb(c, 235) for c in legend["colour"].to_list()]
    classes = np.searchsorted(legend["high"].to_numpy(), cells["count"].to_numpy()) if cells.height else []
    data = cells.with_columns(fill=pl.Series([colours[i] for i in classes], dtype=pl.List(pl.Int64))) \
        if cells.height else cells
    return pdk.Layer("ScatterplotLayer", data=data.to_dicts(), id=DENSITY_LAYER, get_position=["lon", "lat"],
                     get_fill_color="fill", get_radius=cell_deg * 111_000 * 0.45, radius_min_pixels=3,
                     stroked=False, pickable=True)


def shown_cells(plan: Plan, positions: np.ndarray) -> tuple[pl.DataFrame, float]:
    """`coarse_cells` of the accounts at `positions`, straight from the baseline's coordinates
    (no per-account frame), kept per baseline for the last few selections: (cells, cell degrees)."""
    base = plan.baseline
    memo = base.__dict__.setdefault("_planner_cells", {})
    key = hash(np.asarray(positions, dtype=np.int64).tobytes())
    found = memo.get(key)
    if found is None:
        lon = base.accounts["lon"].cast(pl.Float64).to_numpy()[positions]
        lat = base.accounts["lat"].cast(pl.Float64).to_numpy()[positions]
        found = memo[key] = coarse_cells(lon, lat)
        while len(memo) > 4:
            memo.pop(next(iter(memo)))
    return found


class _SerialisedOnce(CompactDeck):
    """A deck that writes its JSON once: Streamlit serialises the deck on every rerun, and the
    density of a million accounts (tens of thousands of cells) took 0.3–0.7 s to write each time."""

    def to_json(self) -> str:
        written = self.__dict__.get("_written")
        if written is None:
            written = super().to_json()
            self.__dict__["_written"] = written  # set after writing, so it is never part of the JSON
        return written


def density_deck(plan: Plan, positions: np.ndarray, *, basemap_url: str = "") -> pdk.Deck:
    """The planner's map for many accounts (those at `positions`): their grid cells (`shown_cells`)
    coloured by class of account count (`density_legend` is the key).
    The deck (and its JSON) is kept per baseline for the last few selections, shared by sessions."""
    base = plan.baseline
    memo = base.__dict__.setdefault("_planner_decks", {})
    key = (hash(np.asarray(positions, dtype=np.int64).tobytes()), basemap_url)
    deck = memo.get(key)
    if deck is None:
        cells, cell_deg = shown_cells(plan, positions)
        view = fit_view(cells["lon"].to_numpy(), cells["lat"].to_numpy(), trim=0.01)
        deck = memo[key] = offline_deck([_density_layer(cells, cell_deg)], view, DENSITY_TOOLTIP, basemap_url,
                                        cls=_SerialisedOnce)
        while len(memo) > 4:
            memo.pop(next(iter(memo)))
    return deck


def density_legend_chart(legend: pl.DataFrame, title: str) -> alt.Chart:
    """The density map's key as a strip of colour swatches labelled with their accounts per cell."""
    frame = legend.with_columns(
        label=pl.when(pl.col("low") == pl.col("high")).then(pl.col("low").cast(pl.String))
        .otherwise(pl.concat_str(pl.col("low").cast(pl.String), pl.lit("–"), pl.col("high").cast(pl.String))),
        order=pl.int_range(pl.len()))
    colours = frame["colour"].to_list()
    base = alt.Chart(frame.to_pandas()).encode(x=alt.X("order:O", axis=None))
    # pixel positions, not a scale: the swatch strip on top, the counts under it
    swatches = base.mark_rect().encode(
        y=alt.value(0), y2=alt.value(16),
        color=alt.Color("colour:N", scale=alt.Scale(domain=colours, range=colours), legend=None))
    labels = base.mark_text(fontSize=11, color="#3E4C59", baseline="top").encode(y=alt.value(21), text="label:N")
    # Streamlit fits the whole chart, title included, into its height: leave room for both
    return (swatches + labels).properties(title=alt.Title(title, fontSize=12, anchor="start"), height=70,
                                          width=64 * max(len(colours), 1)).configure_view(stroke=None)


def planner_deck(accounts: pl.DataFrame, *, selected: set[str] | None = None, basemap_url: str = "",
                 points_up_to: int = POINTS_UP_TO) -> pdk.Deck:
    """Accounts from `plan_accounts` as points coloured by territory (selected ones ringed, moved
    ones outlined), or as hexagon density when there are more than `points_up_to`."""
    located = accounts.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    view = fit_view(located["lon"].to_numpy(), located["lat"].to_numpy())
    tooltip = None
    if located.height > points_up_to:
        layers = [_density_layer(*coarse_cells(located["lon"].to_numpy(), located["lat"].to_numpy()))]
        tooltip = DENSITY_TOOLTIP
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
    return offline_deck(layers, view, tooltip, basemap_url)


def selected_ids(event: dict | None) -> list[str]:
    """Account ids picked on the map, from `st.pydeck_chart`'s selection state."""
    if not event:
        return []
    objects = (event.get("selection") or {}).get("objects") or {}
    return sorted({o["account_id"] for o in objects.get(ACCOUNT_LAYER, []) if "account_id" in o})
