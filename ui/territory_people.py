"""The Territories page's "People" tab: who sits in a territory and as what; seat, remove, change
the owner; and the reps who carry a target in several territories, part by part with the sum.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.metrics.target_parts import rep_attainment_parts
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories import members
from ui import context
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, opened_tree, remembered, target_parts_table
from ui.markup import t_md

KEY = "tp"


def _change(store: Store, lang: str, kind: str, names: dict, reps: dict) -> None:
    state = st.session_state
    territory = state[f"{KEY}-territory"]
    actor = state.get("user")
    try:
        if kind == "add":
            rep, role = state[f"{KEY}-add-rep"], state[f"{KEY}-add-role"]
            members.add_member(store, territory, rep, role, actor=actor)
            message = t_md("tadmin.done.member", lang, rep=reps[rep], name=names[territory],
                        role=t(f"tadmin.role.{role}", lang))
        elif kind == "remove":
            rep = state[f"{KEY}-rm-rep"]
            members.remove_member(store, territory, rep, actor=actor)
            message = t_md("tadmin.done.unmember", lang, rep=reps[rep], name=names[territory])
        else:
            rep, previous = state[f"{KEY}-own-rep"], state[f"{KEY}-own-prev"]
            members.set_owner(store, territory, rep, previous_role=None if previous == "none" else previous, actor=actor)
            message = t_md("tadmin.done.owner", lang, rep=reps[rep], name=names[territory])
        done(KEY, message)
    except TerrainError as error:
        failed(KEY, error)


def render(store: Store, settings: Settings, lang: str) -> None:
    opened = opened_tree(store, lang, KEY)
    if opened is None:
        return
    table, names, paths = opened
    reps = remembered("rep_names", lambda: members.rep_names(store))
    territory = st.selectbox(t("tadmin.field.territory", lang), table["territory_id"].to_list(),
                             format_func=paths.get, key=f"{KEY}-territory")
    label = lambda c: t(f"tadmin.col.{c}", lang)  # noqa: E731
    seated = remembered("members", lambda: members.members_table(store, territory), territory=territory)
    st.subheader(t_md("tadmin.people.members", lang, name=names[territory]))
    if seated.is_empty():
        st.caption(t("tadmin.people.none", lang))
    else:
        shown = seated.with_columns(pl.col("role").replace_strict({r: t(f"tadmin.role.{r}", lang) for r in members.ROLES},
                                                                  default=pl.col("role")))
        view, config = readable(shown.select("rep", "rep_id", "role", "lead"), label, settings.reporting_currency)
        st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-members",
                     placeholder=EMPTY)

    role_label = lambda r: t(f"tadmin.role.{r}", lang)  # noqa: E731
    add, remove, owner = st.tabs([t(f"tadmin.people.{k}", lang) for k in ("add", "remove", "owner")])
    with add:
        st.selectbox(t("tadmin.field.rep", lang), list(reps), format_func=lambda r: f"{reps[r]} ({r})",
                     key=f"{KEY}-add-rep")
        st.selectbox(t("tadmin.field.role", lang), members.ROLES, index=1, format_func=role_label, key=f"{KEY}-add-role")
        st.button(t("tadmin.people.add", lang), on_click=_change, args=(store, lang, "add", names, reps),
                  key=f"{KEY}-add-go", type="primary")
    with remove:
        seated_ids = seated["rep_id"].to_list()
        st.selectbox(t("tadmin.field.rep", lang), seated_ids, format_func=lambda r: f"{reps.get(r, r)} ({r})",
                     key=f"{KEY}-rm-rep")
        st.button(t("tadmin.people.remove", lang), on_click=_change, args=(store, lang, "remove", names, reps),
                  key=f"{KEY}-rm-go", disabled=not seated_ids)
    with owner:
        st.selectbox(t("tadmin.field.rep", lang), list(reps), format_func=lambda r: f"{reps[r]} ({r})",
                     key=f"{KEY}-own-rep")
        st.selectbox(t("tadmin.field.previous_role", lang), (*members.ROLES, "none"), index=1,
                     format_func=role_label, key=f"{KEY}-own-prev")
        st.button(t("tadmin.people.owner", lang), on_click=_change, args=(store, lang, "owner", names, reps),
                  key=f"{KEY}-own-go")

    st.subheader(t("tadmin.people.split", lang))
    period = context.period()
    try:
        parts = remembered("split_parts", lambda: rep_attainment_parts(store, period, settings=settings, only_split=True),
                           period=period)
    except TerrainError as error:
        context.show_error(error)
        return
    if parts.is_empty():
        st.caption(t("tadmin.people.split_none", lang, period=period.label(lang)))
        return
    target_parts_table(parts, lang, settings.reporting_currency, f"{KEY}-parts")
