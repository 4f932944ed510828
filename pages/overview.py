"""Overview: how the company, a region or a territory stands against target, with drill-down.

Reads the shared period and the `scope` query parameter (a territory id), asks the engine for the
tiles, the table of the level below the scope, the share chart and the map, and renders them.
Clicking a bar or a map shape drills one level down (region → territory → … → reps); the
breadcrumb goes back up. The URL carries `scope`, so a link reproduces the view.
"""
from __future__ import annotations

from datetime import timedelta
from functools import partial

import streamlit as st

from engine.charts.overview import SELECTION, share_chart
from engine.store.errors import TerrainError
from engine.i18n import fmt_date, fmt_money, fmt_number, fmt_pct
from engine.charts.maps import TERRITORY_LAYER, map_layers, performance_deck
from engine.metrics.performance import as_of_date, attainment_table, kpi_tiles, monthly_trend
from engine.metrics.period_to_date import TO_DATE_METRICS, period_to_date_tiles
from engine.metrics.periods import Period
from engine.metrics.sales_data import sales_data
from ui import context, first_paint
from ui.charts import show_chart
from ui.markup import plain
from ui.downloads import chart_downloads, table_downloads
from ui.shared import shared_chart
from ui.tables import show

tr, lang, settings, store = context.tr, context.lang(), context.settings(), context.store()
currency = settings.reporting_currency
MONEY = ("target", "won", "gap", "pipeline", "weighted_forecast", "projected", "probability_forecast",
         "overdue_pipeline")
FRACTIONS = ("attainment", "win_rate", "coverage", "projected_attainment")
MAP_HEIGHT, SHARE_CHART_HEIGHT, TABLE_HEIGHT = 460, 420, 260  # px; placeholders keep the page still
TILES = (("won", "normal"), ("target", "off"), ("attainment", "normal"), ("gap", "inverse"),
         ("pipeline", "normal"), ("weighted_forecast", "normal"), ("projected", "normal"), ("coverage", "normal"))

st.title(tr("overview.title"))
if store.is_empty():
    context.empty_state()
    st.stop()


def _go(scope: str | None) -> None:
    """Navigate to another scope (a widget callback, so the next run draws it directly): the URL
    changes and the chart widgets get fresh keys."""
    if scope:
        st.query_params["scope"] = scope
    else:
        st.query_params.pop("scope", None)
    st.session_state["overview_nav"] = st.session_state.get("overview_nav", 0) + 1


def _picked(key: str, level: str, current: str | None) -> None:
    """Callback of the share chart and the map: drill into the clicked row (or open the rep)."""
    state = st.session_state.get(key)
    if state is None:
        return
    selection = state.selection
    ids = [p.get("id") for p in (selection.get(SELECTION) or [])] if SELECTION in selection else []
    if "objects" in selection:
        ids += [o.get("id") for o in (selection["objects"].get(TERRITORY_LAYER) or [])]
    ids = [i for i in ids if i and i != current]
    if not ids:
        return
    if level == "rep":
        st.session_state["overview_open_rep"] = ids[0]
    else:
        _go(ids[0])


# Open pipeline is a snapshot: a past period's open deals have all closed or rolled forward into
# the current one, so comparing it (or what is derived from it alone) with a past period says nothing.
SNAPSHOT = ("pipeline", "weighted_forecast", "coverage")


def _delta(metric: str, change: float | None) -> str | None:
    if change is None or metric in SNAPSHOT:
        return None
    if metric in FRACTIONS:
        return tr("metrics.pp", value=f"{change * 100:+.1f}")
    return ("+" if change > 0 else "") + fmt_money(change, lang, currency)


def _value(metric: str, value: float | None) -> str:
    if metric in ("attainment",):
        return fmt_pct(value, lang)
    if metric == "coverage":
        return "–" if value is None else f"{value:.2f}×"
    return fmt_money(value, lang, currency)


try:
    period = context.period()
    # no module-level handle on the SalesData: the map's select callback keeps this script's globals
    # alive in the session, and with them an old data version's frames after an import
    tree = sales_data(store, currency).tree
    scope_id = context.scope_id()  # only a territory the signed-in user sees (else a warning)
    node = tree.node_of(scope_id) if scope_id else tree.root
    scope = [scope_id] if scope_id else None
    level = "region" if scope is None else ("children" if tree.children(node) else "rep")
    as_of = as_of_date(store)
    table = attainment_table(store, period, level, scope, settings, as_of)
    if level == "rep":  # people who own deals, as on the Reps page: an overlay specialist carries a
        # region's whole target into each of its territories ("Emily Smith is 100% behind, $86M to go" in DACH)
        table = table.filter(table["id"].is_in(sales_data(store, currency).rep_ids))
    tiles, to_date = period_to_date_tiles(store, kpi_tiles(store, period, scope, settings, as_of), period, as_of,
                                          scope, settings)
    trend = monthly_trend(store, period, scope, settings=settings)
except TerrainError as error:
    context.show_error(error)
    st.stop()

rep_to_open = st.session_state.pop("overview_open_rep", None)
if rep_to_open:
    st.switch_page("pages/reps.py", query_params={"rep": rep_to_open, "period": period.code})

st.caption(tr("overview.caption", period=period.label(lang), as_of=fmt_date(as_of, lang), currency=currency))

# Breadcrumb: company › region › territory; every step but the last goes back up.
crumbs = st.container(horizontal=True, vertical_alignment="center", gap="small")
crumbs.markdown(f"**{tr('overview.breadcrumb')}:**")
path = tree.path(node)
for depth, step in enumerate(path):
    label = tree.name_of(step)
    if step == node:
        crumbs.markdown(f"**{plain(label)}**")
    else:
        crumbs.button(plain(label), key=f"crumb-{depth}-{tree.id_of(step)}", type="tertiary", on_click=_go,
                      args=(None if step == tree.root else tree.id_of(step),))
    if step != node:
        crumbs.markdown("›")

# KPI tiles with change vs previous period; last year in the help text. While the period runs,
# won, attainment and gap are compared over the same number of days (engine.metrics.period_to_date).
previous, last_year = period.previous(), period.last_year()


def _compared_with(metric: str, which: Period, window: tuple | None, key: str = "overview.to_date") -> str:
    if to_date is None or metric not in TO_DATE_METRICS:
        return which.label(lang)
    return tr(key, period=which.label(lang), day=fmt_date(window[1] - timedelta(days=1), lang), days=to_date.days)


if to_date is not None:
    st.caption(tr("overview.to_date_caption", period=period.label(lang), days=to_date.days))


for row_of_tiles in (TILES[:4], TILES[4:]):
    for column, (metric, colour) in zip(st.columns(4), row_of_tiles):
        figure = tiles.filter(tiles["metric"] == metric).row(0, named=True)
        column.metric(
            tr(f"metrics.col.{metric}"), _value(metric, figure["value"]),
            delta=_delta(metric, figure["change_previous"]), delta_color=colour,
            # the tile's one line: "vs last quarter"; the caption above says a running period is
            # compared to date, the help names the periods and days
            delta_description=None if metric in SNAPSHOT else tr(f"overview.vs_last.{period.kind}"),
            help=None if metric in SNAPSHOT else tr(
                "overview.vs_previous_help",
                period=_compared_with(metric, previous, to_date and to_date.previous, "overview.to_date_long"))
            + "  \n" + tr("metrics.vs_last_year",
                           period=_compared_with(metric, last_year, to_date and to_date.last_year,
                                                 "overview.to_date_long"),
                           change=_delta(metric, figure["change_last_year"]) or "–"),
            chart_data=trend["won"].to_list() if metric == "won" else None, chart_type="area", border=True)

overdue = table["overdue_pipeline"].sum()
if overdue:
    st.caption("⚠️ " + tr("overview.overdue", amount=fmt_money(overdue, lang, currency)))

nav = st.session_state.get("overview_nav", 0)
level_name = tr(f"metrics.level.{level}")
st.caption(tr("overview.rep_hint") if level == "rep" else tr("overview.drill_hint"))


def _chart_map_and_table() -> None:
    left, right = st.columns([5, 6], gap="medium")
    with left:
        chart_key = f"share-{scope_id}-{nav}"
        if table["won"].sum() or table["target"].drop_nulls().len():
            chart = shared_chart("overview-shares", lambda: share_chart(table, lang, currency), period=period,
                                 scope=scope, lang=lang, level=level)
            show_chart(chart, on_select=partial(_picked, chart_key, level, scope_id), selection_mode=SELECTION,
                       key=chart_key)
            chart_downloads(chart, f"shares-{period.code}", key=f"dl-share-{nav}")
        else:
            st.info(tr("metrics.headline.empty"))
    with right:
        st.markdown(f"**{tr('overview.map_title', level=level_name)}**")
        # the map of a view is the same for everyone who opens it: built once, shared (ui/shared.py)
        shapes, density = shared_chart("overview-map-layers", lambda: map_layers(
            sales_data(store, currency), table, scope, lang=lang, currency=currency, red_below=settings.attainment_red_below,
            green_from=settings.attainment_green_from), period=period, scope=scope, lang=lang, level=level)
        deck = shared_chart("overview-map", lambda: performance_deck(
            shapes, density, basemap_url=settings.basemap_url, tooltip_labels={
                k: tr(f"metrics.col.{k}") for k in ("won", "target", "attainment", "pipeline", "accounts")}),
            period=period, scope=scope, lang=lang, level=level)
        map_key = f"map-{scope_id}-{nav}"
        st.pydeck_chart(deck, on_select=partial(_picked, map_key, level, scope_id), selection_mode="single-object",
                        height=MAP_HEIGHT, key=map_key)
        orphans = int(density.filter(density["unassigned"])["accounts"].sum())
        st.caption(tr("overview.map_legend", red=fmt_pct(settings.attainment_red_below, lang),
                      green=fmt_pct(settings.attainment_green_from, lang))
                   + (" " + tr("maps.unassigned_points", count=fmt_number(orphans, lang, compact=False))
                      if orphans else ""))

    st.subheader(tr("overview.table_title", level=level_name))
    if table.is_empty():
        st.info(tr("overview.no_rows"))
    shown = table.select("name", "target", "won", "attainment", "gap", "pipeline", "win_rate", "weighted_forecast",
                         "projected", "projected_attainment", "coverage", "probability_forecast", "overdue_pipeline")
    show(shown, lambda c: tr(f"metrics.col.{c}"), currency, lang=lang, money=MONEY,
         fractions=[c for c in FRACTIONS if c != "coverage"], extra={
             "coverage": st.column_config.NumberColumn(tr("metrics.col.coverage"), format="%.2f×"),
             "name": st.column_config.TextColumn(tr("metrics.col.name"), pinned=True)})
    table_downloads(table, f"attainment-{level}-{period.code}", key=f"dl-table-{nav}")


def _hold_their_space() -> None:
    left, right = st.columns([5, 6], gap="medium")
    left.skeleton(height=SHARE_CHART_HEIGHT)
    right.skeleton(height=MAP_HEIGHT)
    st.skeleton(height=TABLE_HEIGHT)


# On this tab's first draw the figures above go out alone and the chart, the map and the table
# follow once they are on screen (ui/first_paint.py says why).
first_paint.after_first_paint("overview", _chart_map_and_table, hold=_hold_their_space)
