"""What-if planner: select accounts (map, filter, table), move them, watch every figure change,
auto-balance, and keep the result as scenarios to compare, export, sign off and apply.

The plan lives in st.session_state and is only a set of in-memory codes on a cached baseline
(rebuilt when the data version changes), so a move answers at once; the live data changes only
when a scenario is applied.
"""
from __future__ import annotations

import math

import streamlit as st

from engine.planner.balance.auto import METRICS, BalanceRequest
from engine.planner.balance.plan import apply_result, balance_plan, carry_over, plan_tradeoff, scope_territories
from engine.planner.balance.units import UNIT_KINDS
from engine.charts.planner import TRADEOFF_SELECTION, change_bars, tradeoff_chart
from engine.planner.crm_export import FORMATS, export_scenario
from engine.store.errors import TerrainError
from engine.i18n import fmt_money, fmt_number, fmt_pct
from engine.charts.planner_map import POINTS_UP_TO, density_deck, filter_options, plan_accounts, planner_deck, \
    selected_ids
from engine.planner.scenarios import (apply_scenario, compare_accounts, compare_scenarios, delete_scenario, list_scenarios,
                                      load_plan, save_scenario, undo_scenario)
from engine.charts.signoff import scenario_signoff
from engine.planner.indices import balance_table
from engine.planner.plan import Plan, before_after, build_baseline, rep_before_after, select_accounts
from ui import context
from ui.downloads import chart_downloads, table_downloads
from ui.planner_units import whole_unit_controls

tr, lang, settings, store = context.tr, context.lang(), context.settings(), context.store()
currency = settings.reporting_currency
FIGURES = ("accounts", "won", "pipeline", "potential", "activities", "visit_hours")
TABLE_ROWS = 500

st.title(tr("planner.title"))
st.caption(tr("planner.caption"))
if store.is_empty():
    context.empty_state()
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _baseline(path: str, version: tuple):
    return build_baseline(store, settings=settings)


baseline = _baseline(settings.db_path, store.data_version())
plan: Plan = st.session_state.get("planner_plan")
if plan is None or plan.baseline is not baseline:
    # Any committed write (even saving a scenario) renews the baseline: carry the planner's moves over.
    plan = st.session_state["planner_plan"] = carry_over(plan, baseline)
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

# --- the answer first: how much moved and how balanced the territories are ---------------------
figure = st.columns([1, 3])[0].selectbox(tr("planner.figure"), FIGURES, key="planner_figure",
                                         format_func=lambda f: tr(f"planner.figure.{f}"))
territories = before_after(plan)
balance = balance_table(plan)
indices = balance.row(list(balance["figure"]).index(figure), named=True)
moved = int(plan.changed_positions().size)
tiles = st.columns(6)
tiles[0].metric(tr("planner.tile.moved"), fmt_number(moved, lang, compact=False))
for column, key, index in ((tiles[1], "cv", "cv"), (tiles[2], "maxmin", "max_min_ratio"), (tiles[3], "gini", "gini")):
    after, before = indices[f"{index}_after"], indices[f"{index}_before"]
    change = after - before if moved and math.isfinite(after) and math.isfinite(before) else None
    column.metric(tr(f"planner.tile.{key}"), f"{after:.2f}" if math.isfinite(after) else "∞",
                  delta=None if change is None else f"{change:+.2f}", delta_color="inverse")
km_after = territories["travel_km_mean_after"].mean()
km_before = territories["travel_km_mean_before"].mean()
tiles[4].metric(tr("planner.tile.travel"), f"{fmt_number(km_after, lang)} km", delta_color="inverse",
                delta=f"{(km_after or 0) - (km_before or 0):+.0f} km" if moved else None)
tiles[5].metric(tr("planner.tile.mileage"), fmt_money(territories["mileage_cost_after"].sum(), lang, currency),
                delta=fmt_money(territories["mileage_cost_delta"].sum(), lang, currency) if moved else None,
                delta_color="inverse")

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
        state = row[0].multiselect(tr("planner.filter.state"), options["state"], default=filters.get("state", []))
        prefix = row[1].text_input(tr("planner.filter.postal_prefix"), value=filters.get("postal_prefix", ""))
        industry = row[2].multiselect(tr("planner.filter.industry"), options["industry"],
                                      default=filters.get("industry", []))
        row = st.columns(3)
        size = row[0].multiselect(tr("planner.filter.size_band"), options["size_band"],
                                  format_func=lambda b: tr(f"planner.size.{b}"), default=filters.get("size_band", []))
        rep = row[1].multiselect(tr("planner.filter.rep"), options["rep"], format_func=lambda r: rep_names.get(r, r),
                                 default=filters.get("rep", []))
        territory = row[2].multiselect(tr("planner.filter.territory"), options["territory"],
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
        table_event = st.dataframe(listing, height=420, hide_index=True, on_select="rerun",
                                   selection_mode="multi-row", key="planner_table")
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
    parents = [t for t in baseline.territories["territory_id"].to_list() if t not in options["territory"]]
    with st.form("planner_balance"):
        row = st.columns(3)
        metrics = row[0].multiselect(tr("planner.balance.metrics"), list(METRICS), default=["accounts"],
                                     format_func=lambda m: tr(f"planner.figure.{m}"))
        tolerance = row[1].slider(tr("planner.balance.tolerance"), 1, 30, 5, format="±%d%%")
        within = row[2].selectbox(tr("planner.balance.within"), [None, *parents],
                                  format_func=lambda t: tr("planner.balance.everywhere") if t is None else names.get(t, t))
        row = st.columns(3)
        unit = row[0].selectbox(tr("planner.balance.unit"), UNIT_KINDS, index=1,
                                format_func=lambda u: tr(f"planner.unit.{u}"))
        locked_territories = row[1].multiselect(tr("planner.balance.lock_territories"), options["territory"],
                                                format_func=lambda t: names.get(t, t))
        travel_weight = row[2].number_input(tr("planner.balance.travel_weight"), 0.0, 10.0, 1.0, 0.5)
        row = st.columns(3)
        locked_accounts = row[0].text_area(tr("planner.balance.lock_accounts"), height=80)
        contiguous = row[1].checkbox(tr("planner.balance.contiguous"))
        curve_wanted = row[2].checkbox(tr("planner.balance.curve"), value=True)
        run = st.form_submit_button(tr("planner.balance.run"), type="primary", disabled=False)
    if run:
        request = BalanceRequest(
            metrics=tuple(metrics) or ("accounts",), tolerance=tolerance / 100, contiguous=contiguous, unit=unit,
            locked_territories=frozenset(locked_territories), travel_weight=travel_weight,
            locked_accounts=frozenset(line.strip() for line in locked_accounts.splitlines() if line.strip()),
            territories=scope_territories(baseline, within) if within else None)
        try:
            with st.spinner(tr("planner.balance.running", count=fmt_number(baseline.n_accounts, lang))):
                if curve_wanted:
                    tolerances = tuple(sorted({request.tolerance, 0.02, 0.03, 0.05, 0.10, 0.15, 0.20, 0.30}))
                    curve, plans = plan_tradeoff(plan, request, tolerances)
                else:
                    result = balance_plan(plan, request)
                    curve, plans = None, {request.tolerance: result}
        except TerrainError as error:
            st.session_state.pop("planner_balance_found", None)
            context.show_error(error)
        else:
            st.session_state["planner_balance_found"] = {"curve": curve, "plans": plans, "tolerance": request.tolerance}
    found = st.session_state.get("planner_balance_found")
    if found:
        chosen = found["tolerance"]
        if found["curve"] is not None:
            st.caption(tr("planner.balance.pick"))
            chart = tradeoff_chart(found["curve"], title=tr("planner.curve.title"), x_title=tr("planner.curve.x"),
                                   y_title=tr("planner.curve.y"), chosen=chosen if chosen in found["plans"] else None)
            picked = st.altair_chart(chart, on_select="rerun", key="planner_curve", width="stretch")
            points = (picked.selection.get(TRADEOFF_SELECTION) or []) if picked else []
            if points and points[0].get("tolerance") in found["plans"]:
                chosen = points[0]["tolerance"]
        result = found["plans"].get(chosen)
        if result is None and found["plans"]:
            chosen = min(found["plans"])
            result = found["plans"][chosen]
        if result is not None:
            st.markdown(tr("planner.curve.chosen", tolerance=fmt_pct(chosen, lang)) + " — " + tr(
                "planner.balance.result", accounts=fmt_number(result.accounts_moved, lang, compact=False),
                units=fmt_number(result.units_moved, lang, compact=False),
                before=fmt_pct(result.max_deviation_before, lang), after=fmt_pct(result.max_deviation_after, lang),
                method=result.method, seconds=f"{result.seconds:.1f}"))
            if st.button(tr("planner.balance.apply"), type="primary", key="planner_balance_apply"):
                count = apply_result(plan, result)
                st.session_state.pop("planner_balance_found", None)
                _flash(tr("planner.balance.applied", count=count))
                st.rerun()

# --- scenarios ------------------------------------------------------------------------------------
with scenario_tab:
    with st.form("planner_save", clear_on_submit=True):
        st.markdown(f"**{tr('planner.scenario.save')}**")
        row = st.columns([2, 3, 1])
        name = row[0].text_input(tr("planner.scenario.name"))
        note = row[1].text_input(tr("planner.scenario.note"))
        author = row[2].text_input(tr("planner.scenario.author"))
        if st.form_submit_button(tr("planner.scenario.save"), disabled=not moved):
            try:
                scenario_id = save_scenario(store, plan, name, author=author or None, note=note or None)
            except TerrainError as error:
                context.show_error(error)
            else:
                _flash(context.tr_md("planner.scenario.saved", id=scenario_id, name=name.strip()))
                st.rerun()
    saved = list_scenarios(store)
    st.markdown(f"**{tr('planner.scenario.list')}**")
    if saved.is_empty():
        st.info(tr("planner.scenario.none"))
    else:
        st.caption(tr("planner.scenario.pick"))
        picked = st.dataframe(saved, hide_index=True, on_select="rerun", selection_mode="multi-row",
                              key=f"planner_scenarios_{saved.height}")
        ids = saved["scenario_id"].gather(picked.selection.rows).to_list() if picked else []
        row = st.columns(4)
        if row[0].button(tr("planner.scenario.compare"), key="planner_compare", disabled=len(ids) < 2):
            st.session_state["planner_compared"] = ids
        if row[1].button(tr("planner.scenario.load"), key="planner_load", disabled=len(ids) != 1):
            st.session_state["planner_plan"] = load_plan(store, baseline, ids[0])
            _flash(tr("planner.scenario.loaded", id=ids[0]))
            st.rerun()
        if row[2].button(tr("planner.scenario.delete"), key="planner_delete", disabled=not ids):
            for scenario_id in ids:
                delete_scenario(store, scenario_id)
            st.session_state.pop("planner_compared", None)
            _flash(tr("planner.scenario.deleted", count=len(ids)))
            st.rerun()
        compared = [i for i in st.session_state.get("planner_compared", []) if i in saved["scenario_id"].to_list()]
        if len(compared) >= 2:
            st.markdown(f"**{tr('planner.scenario.matrix')}**")
            matrix = compare_scenarios(store, baseline, compared)
            st.dataframe(matrix, hide_index=True, key="planner_matrix")
            table_downloads(matrix, "scenario-matrix", key="planner_matrix_dl")
            st.markdown(f"**{tr('planner.scenario.diff')}**")
            diff = compare_accounts(store, baseline, compared)
            st.dataframe(diff, hide_index=True, key="planner_diff")
            table_downloads(diff, "scenario-accounts", key="planner_diff_dl")
        if len(ids) == 1:
            scenario_id = ids[0]
            row = st.columns([2, 2, 2, 2])
            fmt = row[0].selectbox(tr("planner.scenario.export"), list(FORMATS), key="planner_export_format")
            try:
                export = export_scenario(store, scenario_id, fmt)
            except TerrainError as error:
                context.show_error(error)
            else:
                row[1].download_button(tr("planner.scenario.export_button", fmt=fmt), export,
                                       f"{scenario_id}-{fmt}.csv", "text/csv", key="planner_export", on_click="ignore")
            row[2].download_button(tr("planner.scenario.signoff_png"),
                                   lambda: scenario_signoff(store, baseline, scenario_id, "png", lang),
                                   f"{scenario_id}-signoff.png", "image/png", key="planner_signoff_png",
                                   on_click="ignore")
            row[3].download_button(tr("planner.scenario.signoff_pdf"),
                                   lambda: scenario_signoff(store, baseline, scenario_id, "pdf", lang),
                                   f"{scenario_id}-signoff.pdf", "application/pdf", key="planner_signoff_pdf",
                                   on_click="ignore")
            info = saved.row(list(saved["scenario_id"]).index(scenario_id), named=True)
            if info["status"] == "applied":
                if st.button(tr("planner.scenario.undo_apply"), key="planner_undo_apply"):
                    count = undo_scenario(store, scenario_id, actor=author or None)
                    _flash(tr("planner.scenario.undone", id=scenario_id, count=count))
                    st.rerun()
            else:
                confirmed = st.checkbox(tr("planner.scenario.confirm", count=info["accounts"]), key="planner_confirm")
                if st.button(tr("planner.scenario.apply"), type="primary", disabled=not confirmed,
                             key="planner_apply"):
                    try:
                        count = apply_scenario(store, scenario_id)
                    except TerrainError as error:
                        context.show_error(error)
                    else:
                        st.session_state.pop("planner_plan", None)
                        _flash(tr("planner.scenario.applied", id=scenario_id, count=count))
                        st.rerun()
        elif ids and len(ids) != 2 and not compared:
            st.caption(tr("planner.scenario.one"))

# --- before / after, always in view ------------------------------------------------------------
st.divider()
figure_name = tr(f"planner.figure.{figure}")
title = (tr("planner.change.title", figure=figure_name, moved=fmt_number(moved, lang, compact=False)) if moved
         else tr("planner.change.title_none", figure=figure_name))
bars = change_bars(territories, figure, title=title, before_label=tr("planner.before"),
                   after_label=tr("planner.after"), axis_title=figure_name)
st.altair_chart(bars, width="stretch")
chart_downloads(bars, "planner-change", key="planner_change_dl")
st.subheader(tr("planner.territories"))
st.dataframe(territories.drop("plannable"), hide_index=True, key="planner_territory_table")
table_downloads(territories, "planner-territories", key="planner_territories_dl")
with st.expander(tr("planner.reps")):
    reps = rep_before_after(plan)
    st.dataframe(reps, hide_index=True)
    table_downloads(reps, "planner-reps", key="planner_reps_dl")
