"""What-if planner: select accounts (map, filter, table), move them, watch every figure change,
auto-balance, and keep the result as scenarios to compare, export, sign off and apply.

The plan lives in st.session_state and is only a set of in-memory codes on a cached baseline
(rebuilt when the data version changes), so a move answers at once; the live data changes only
when a scenario is applied.
"""
from __future__ import annotations

import math

import streamlit as st

from engine.charts.planner import change_bars
from engine.store.errors import TerrainError
from engine.i18n import CURRENCY_SYMBOLS, fmt_money, fmt_number
from engine.store.settings import KM_PER_MILE
from engine.charts.planner_map import POINTS_UP_TO, density_deck, density_legend, density_legend_chart, \
    filter_options, plan_accounts, planner_deck, shown_cells, \
    selected_ids
from engine.planner.indices import balance_table
from engine.planner.baseline import shared_baseline
from engine.planner.plan import Plan, before_after, rep_before_after, select_accounts
from ui import context
from ui.charts import show_chart
from ui.downloads import chart_downloads, table_downloads
from ui.planner_balance import balance_tab as auto_balance_tab
from ui.planner_scenarios import scenarios_tab
from ui.planner_state import current_plan, rebase_notice
from ui.planner_tables import before_after_table, index_text
from ui.tables import EMPTY, readable
from ui.planner_units import whole_unit_controls
from ui.shared import shared_result, validated_once

tr, lang, settings, store = context.tr, context.lang(), context.settings(), context.store()
currency = settings.reporting_currency


def choose(column, label: str, options, **kwargs):
    """A multiselect whose empty state speaks the page's language (Streamlit's own is English only)."""
    return column.multiselect(label, options, placeholder=tr("common.choose"), **kwargs)

FIGURES = ("accounts", "won", "pipeline", "potential", "activities", "visit_hours")
TABLE_ROWS = 500

st.title(tr("planner.title"))
st.caption(tr("planner.caption"))
if store.is_empty():
    context.empty_state()
    st.stop()


baseline = shared_baseline(store, settings)
# Any committed write (an import, even saving a scenario) renews the baseline: the moves follow it.
plan: Plan = current_plan(baseline)
names = dict(zip(baseline.territories["territory_id"], baseline.territories["name"]))
rep_names = dict(zip(baseline.reps["rep_id"], baseline.reps["name"]))
options = filter_options(plan)


def _flash(message: str) -> None:
    st.session_state["planner_flash"] = message


def _move(spec: dict) -> None:
    """Apply a move as a button callback: it runs before the page is drawn again, so a move costs
    one script run, not a run and a rerun (the page must answer in ≤ 1 s at a million accounts)."""
    try:
        count = st.session_state["planner_plan"].apply(spec)
    except TerrainError as error:
        st.session_state["planner_error"] = error
    else:
        where = " · ".join(str(label) for label in (names.get(spec.get("to_territory", spec.get("into"))),
                                                      rep_names.get(spec.get("to_rep"))) if label)
        _flash(context.tr_md("planner.move.done", count=fmt_number(count, lang, compact=False), to=where) if count
               else tr("planner.move.nothing"))


def _move_selection(chosen: dict) -> None:
    """The move form's callback: the selection this run showed, to the form's territory and/or rep."""
    where = {"to_territory": st.session_state.get("planner_to_territory"),
             "to_rep": st.session_state.get("planner_to_rep")}
    if any(where.values()):
        _move({**chosen, **where})


def derived(name: str, build, *parts):
    """`build()` once per state of this session's plan (Plan.state) and `parts`: the figures and
    charts a rerun that moved nothing would otherwise build again (≈ 60 ms a run at 1M accounts).
    A plan with no move shares them with every session on the same baseline (a new visitor's first
    run built them again: ≈ 150 ms of its 370 ms at 1M accounts)."""
    if plan.at_baseline:  # everyone who opens the planner sees this until they move: one build for all
        return shared_result(("planner", name), build, parts=repr(parts), baseline=id(baseline))
    memo = st.session_state.setdefault("planner_derived", {})
    key = (plan.state, *parts)
    if memo.get(name, (None,))[0] != key:
        memo[name] = (key, validated_once(build()))  # a kept chart's schema check runs once
    return memo[name][1]


def _step(action: str) -> None:
    getattr(st.session_state["planner_plan"], action)()  # undo, redo or reset, before the run


# One slot for the last move's message, present in every run: Streamlit keys elements by their
# position, so a message appearing above the page would shift every element below it and make the
# browser build the map, charts and tables anew (the first move after opening cost ~0.5 s more).
with st.container(key="planner_notice"):
    if "planner_flash" in st.session_state:
        st.success(st.session_state.pop("planner_flash"))
    if "planner_error" in st.session_state:
        context.show_error(st.session_state.pop("planner_error"))
    if (left_out := rebase_notice(lang)) is not None:
        st.warning(left_out)

# --- the answer first: how much moved and how balanced the territories are ---------------------
figure = st.columns([1, 3])[0].selectbox(tr("planner.figure"), FIGURES, key="planner_figure",
                                         format_func=lambda f: tr(f"planner.figure.{f}"))
territories = derived("territories", lambda: before_after(plan))
balance = derived("balance", lambda: balance_table(plan))
indices = balance.row(list(balance["figure"]).index(figure), named=True)
moved = int(plan.changed_positions().size)
tiles = [*st.columns(3), *st.columns(3)]  # two rows: six tiles in one clipped "651 …" / "$146…" at 1280 px in zh
tiles[0].metric(tr("planner.tile.moved"), fmt_number(moved, lang, compact=False))
for column, key, index in ((tiles[1], "cv", "cv"), (tiles[2], "maxmin", "max_min_ratio"), (tiles[3], "gini", "gini")):
    after, before = indices[f"{index}_after"], indices[f"{index}_before"]
    change = after - before if moved and math.isfinite(after) and math.isfinite(before) else None
    unchanged = change is not None and round(change, 2) == 0  # "+0.00" drew a red up arrow
    ratio = "×" if index == "max_min_ratio" and math.isfinite(after) else ""  # a ratio, as coverage's 3.2×
    column.metric(tr(f"planner.tile.{key}"), index_text(after, lang) + ratio,
                  delta=None if change is None else "0.00" if unchanged else f"{change:+.2f}",
                  delta_color="off" if unchanged else "inverse", delta_arrow="off" if unchanged else "auto")
unit, per_unit = settings.distance_unit, (KM_PER_MILE if settings.distance_unit == "mi" else 1.0)
km_after = territories["travel_km_mean_after"].mean()
km_before = territories["travel_km_mean_before"].mean()
tiles[4].metric(tr("planner.tile.travel"), f"{fmt_number((km_after or 0) / per_unit, lang)} {tr(f'unit.{unit}')}",
                delta_color="inverse",
                delta=f"{((km_after or 0) - (km_before or 0)) / per_unit:+.0f} {tr(f'unit.{unit}')}" if moved else None)
tiles[5].metric(tr("planner.tile.mileage"), fmt_money(territories["mileage_cost_after"].sum(), lang, currency),
                delta=fmt_money(territories["mileage_cost_delta"].sum(), lang, currency) if moved else None,
                delta_color="inverse",
                help=tr("planner.mileage_rate", rate=f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}"
                                                     f"{settings.mileage_rate:.2f}", unit=tr(f"unit.{unit}")))

undo, redo, reset, _ = st.columns([1, 1, 1, 5])
undo.button(tr("planner.undo"), disabled=not plan.can_undo, key="planner_undo", width="stretch",
            on_click=_step, args=("undo",))
redo.button(tr("planner.redo"), disabled=not plan.can_redo, key="planner_redo", width="stretch",
            on_click=_step, args=("redo",))
reset.button(tr("planner.reset"), disabled=not moved, key="planner_reset", width="stretch",
             on_click=_step, args=("reset",))

# keyed, so the chosen tab survives the reruns that every move, save or apply triggers
move_tab, balance_tab, scenario_tab = st.tabs([tr("planner.tab.move"), tr("planner.tab.balance"),
                                               tr("planner.tab.scenarios")], key="planner_tab")

# --- select and move ------------------------------------------------------------------------------
with move_tab:
    filters = st.session_state.get("planner_filters", {})
    with st.form("planner_filter"):
        st.markdown(f"**{tr('planner.filter.title')}**")
        row = st.columns(3)
        state = choose(row[0], tr("planner.filter.state"), options["state"], default=filters.get("state", []))
        prefix = row[1].text_input(tr("planner.filter.postal_prefix"), value=filters.get("postal_prefix", ""))
        industry = choose(row[2], tr("planner.filter.industry"), options["industry"],
                                      default=filters.get("industry", []))
        row = st.columns(3)
        size = choose(row[0], tr("planner.filter.size_band"), options["size_band"],
                                  format_func=lambda b: tr(f"planner.size.{b}"), default=filters.get("size_band", []))
        rep = choose(row[1], tr("planner.filter.rep"), options["rep"], format_func=lambda r: rep_names.get(r, r),
                                 default=filters.get("rep", []))
        territory = choose(row[2], tr("planner.filter.territory"), options["territory"],
                                       format_func=lambda t: names.get(t, t), default=filters.get("territory", []))
        if st.form_submit_button(tr("planner.filter.apply")):
            chosen = {"state": state, "postal_prefix": prefix.strip(), "industry": industry, "size_band": size,
                      "rep": rep, "territory": territory}
            st.session_state["planner_filters"] = {k: v for k, v in chosen.items() if v}
            st.rerun()
    try:
        positions = select_accounts(baseline, filters, plan.territory_code, plan.rep_code)
    except TerrainError as error:
        context.show_error(error)
        st.stop()
    st.caption(tr("planner.filter.matches", count=fmt_number(positions.size, lang, compact=False)))
    many = positions.size > POINTS_UP_TO  # then a density map, and the table lists the first rows only
    shown = plan_accounts(plan, positions[:TABLE_ROWS] if many else positions)
    map_column, table_column = st.columns([3, 2])
    with map_column:
        if many:
            st.caption(tr("planner.map.density", count=fmt_number(positions.size, lang, compact=False)))
            st.pydeck_chart(density_deck(plan, positions, basemap_url=settings.basemap_url), height=460,
                            key="planner_density")
            def legend():
                cells, cell_deg = shown_cells(plan, positions)
                return density_legend_chart(density_legend(cells), tr("maps.density_key", km=round(cell_deg * 111)))
            show_chart(derived("density_legend", legend, lang, tuple(sorted(filters.items(), key=str)), positions.size),
                       key="planner_density_key", width="content")
            map_ids: list[str] = []
        else:
            st.caption(tr("planner.map.help"))
            event = st.pydeck_chart(planner_deck(shown, basemap_url=settings.basemap_url), height=460,
                                    on_select="rerun", selection_mode="multi-object", key="planner_map")
            map_ids = selected_ids(event)
    with table_column:
        st.caption(tr("planner.table.help", rows=TABLE_ROWS))
        listing = shown.head(TABLE_ROWS).select("account_id", "name", "territory", "rep", "state", "postal_code",
                                                "industry")
        words = {"name": "tables.col.account", "territory": "tables.col.current_territory",
                 "rep": "tables.col.current_rep", "state": "planner.filter.state",
                 "postal_code": "tables.col.postal_code", "industry": "planner.filter.industry"}
        table_view, table_config = readable(listing, lambda c: tr(words.get(c, c)), currency, lang=lang,
                                            hidden=("account_id",))
        table_event = st.dataframe(table_view, column_config=table_config, height=420, hide_index=True,
                                   on_select="rerun", selection_mode="multi-row", key="planner_table",
                                   placeholder=EMPTY)
        table_ids = listing["account_id"].gather(table_event.selection.rows).to_list() if table_event else []
    whole = st.checkbox(tr("planner.select.whole_filter"), key="planner_whole_filter",
                        disabled=not filters) and bool(filters)
    # the whole filter moves as its rule (no id list: cheap at a million accounts, same accounts)
    selection = sorted(set(map_ids) | set(table_ids))
    chosen = {"filters": filters} if whole else {"accounts": selection}
    selected = int(positions.size) if whole else len(selection)
    if selected:
        st.markdown(f"**{tr('planner.selected', count=fmt_number(selected, lang, compact=False))}**")
    else:
        st.info(tr("planner.selected.none"))
    with st.form("planner_move"):
        row = st.columns([2, 2, 1])
        row[0].selectbox(tr("planner.move.territory"), [None, *options["territory"]], key="planner_to_territory",
                         format_func=lambda t: tr("planner.move.keep") if t is None else names.get(t, t))
        row[1].selectbox(tr("planner.move.rep"), [None, *options["rep"]], key="planner_to_rep",
                         format_func=lambda r: tr("planner.move.rep_owner") if r is None else rep_names.get(r, r))
        row[2].form_submit_button(tr("planner.move.button"), type="primary", disabled=not selected,
                                  on_click=_move_selection, args=(chosen,))
    whole_unit_controls(plan, filters, options["territory"], options["rep"], names, rep_names, on_move=_move)

# --- auto-balance -------------------------------------------------------------------------------
with balance_tab:
    auto_balance_tab(plan, baseline, options["territory"], names, lang, _flash)

# --- scenarios ------------------------------------------------------------------------------------
with scenario_tab:
    scenarios_tab(store, plan, baseline, moved, lang, _flash)

# --- before / after, always in view ------------------------------------------------------------
st.divider()
figure_name = tr(f"planner.figure.{figure}")
title = (tr("planner.change.title", figure=figure_name, moved=fmt_number(moved, lang, compact=False)) if moved
         else tr("planner.change.title_none", figure=figure_name))
bars = derived("change_bars", lambda: change_bars(territories, figure, title=title, before_label=tr("planner.before"),
                                                  after_label=tr("planner.after"), axis_title=figure_name),
               figure, lang)
show_chart(bars, width="stretch")
chart_downloads(bars, "planner-change", key="planner_change_dl")
st.subheader(tr("planner.territories"))
before_after_table(territories.drop("plannable"), baseline, settings, lang, key="planner_territory_table")
table_downloads(territories, "planner-territories", key="planner_territories_dl")
with st.expander(tr("planner.reps")):
    reps = derived("reps", lambda: rep_before_after(plan))
    before_after_table(reps, baseline, settings, lang, key="planner_rep_table")
    table_downloads(reps, "planner-reps", key="planner_reps_dl")
