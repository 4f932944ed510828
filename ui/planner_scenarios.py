"""The planner's Scenarios tab: save the plan, list, compare, load, delete, export to the CRM,
sign off, apply to the live assignment and undo an apply."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine.charts.signoff import scenario_signoff
from engine.planner.baseline import Baseline
from engine.planner.crm_export import FORMATS, export_scenario
from engine.planner.plan import Plan
from engine.planner.scenarios import (apply_scenario, compare_accounts, compare_scenarios, delete_scenario, list_scenarios,
                                      load_plan, save_scenario, undo_scenario)
from engine.store import Store
from engine.store.errors import TerrainError
from ui import context
from ui.tables import EMPTY
from ui.downloads import table_downloads
from ui.planner_tables import saved_scenarios_view, scenario_diff_table, scenario_matrix_table


def scenarios_tab(store: Store, plan: Plan, baseline: Baseline, moved: int, lang: str,
                  flash: Callable[[str], None]) -> None:
    tr = context.tr
    writes = context.may("scenarios")  # the author is the signed-in user (engine.access), not free text
    if not writes:
        st.caption(tr("access.read_only", role=tr(f"role.{context.viewer().role}")))
    with st.form("planner_save", clear_on_submit=True) if writes else st.container():
        st.markdown(f"**{tr('planner.scenario.save')}**")
        row = st.columns([2, 3])
        name = row[0].text_input(tr("planner.scenario.name"), disabled=not writes)
        note = row[1].text_input(tr("planner.scenario.note"), disabled=not writes)
        if writes and st.form_submit_button(tr("planner.scenario.save"), disabled=not moved):
            try:
                scenario_id = save_scenario(store, plan, name, note=note or None)
            except TerrainError as error:
                context.show_error(error)
            else:
                flash(context.tr_md("planner.scenario.saved", id=scenario_id, name=name.strip()))
                st.rerun()
    saved = list_scenarios(store)
    st.markdown(f"**{tr('planner.scenario.list')}**")
    if saved.is_empty():
        st.info(tr("planner.scenario.none"))
    else:
        st.caption(tr("planner.scenario.pick"))
        shown, config = saved_scenarios_view(saved, lang)
        picked = st.dataframe(shown, column_config=config, hide_index=True, on_select="rerun",
                              selection_mode="multi-row", key=f"planner_scenarios_{saved.height}", placeholder=EMPTY)
        ids = saved["scenario_id"].gather(picked.selection.rows).to_list() if picked else []
        row = st.columns(4)
        if row[0].button(tr("planner.scenario.compare"), key="planner_compare", disabled=len(ids) < 2):
            st.session_state["planner_compared"] = ids
        if row[1].button(tr("planner.scenario.load"), key="planner_load", disabled=len(ids) != 1):
            st.session_state["planner_plan"] = load_plan(store, baseline, ids[0])
            flash(tr("planner.scenario.loaded", id=ids[0]))
            st.rerun()
        if writes and row[2].button(tr("planner.scenario.delete"), key="planner_delete", disabled=not ids):
            for scenario_id in ids:
                delete_scenario(store, scenario_id)
            st.session_state.pop("planner_compared", None)
            flash(tr("planner.scenario.deleted", count=len(ids)))
            st.rerun()
        compared = [i for i in st.session_state.get("planner_compared", []) if i in saved["scenario_id"].to_list()]
        if len(compared) >= 2:
            st.markdown(f"**{tr('planner.scenario.matrix')}**")
            matrix = compare_scenarios(store, baseline, compared)
            scenario_matrix_table(matrix, context.settings(), lang, key="planner_matrix")
            table_downloads(matrix, "scenario-matrix", key="planner_matrix_dl")
            st.markdown(f"**{tr('planner.scenario.diff')}**")
            diff = compare_accounts(store, baseline, compared)
            scenario_diff_table(diff, baseline, dict(zip(saved["scenario_id"].to_list(), saved["name"].to_list())),
                                context.settings(), lang, key="planner_diff")
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
            if not writes:
                pass
            elif info["status"] == "applied":
                if st.button(tr("planner.scenario.undo_apply"), key="planner_undo_apply"):
                    count = undo_scenario(store, scenario_id)
                    flash(tr("planner.scenario.undone", id=scenario_id, count=count))
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
                        flash(tr("planner.scenario.applied", id=scenario_id, count=count))
                        st.rerun()
        elif ids and len(ids) != 2 and not compared:
            st.caption(tr("planner.scenario.one"))
