"""The Territories page's "Specialist pool" tab (销售资源池): request a specialist for an open deal,
allocate the queue, see who is booked where and why, and release a booking.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories import pool
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, remembered, show_note
from ui.markup import t_md

KEY = "tpl"
MATCHES = 50


def _request(store: Store, lang: str) -> None:
    state = st.session_state
    try:
        request_id = pool.request_specialist(store, state[f"{KEY}-deal"], state[f"{KEY}-skill"],
                                             urgency=state[f"{KEY}-urgency"], actor=state.get("user"))
        done(KEY, t_md("tadmin.done.request", lang, request=request_id))
    except TerrainError as error:
        failed(KEY, error)


def _allocate(store: Store, lang: str) -> None:
    decided = pool.allocate(store, actor=st.session_state.get("user"))
    done(KEY, t_md("tadmin.done.allocate", lang, queued=decided.height,
                                               served=int(decided["specialist_rep_id"].is_not_null().sum())))


def _release(store: Store, lang: str) -> None:
    request_id = st.session_state[f"{KEY}-booked"]
    try:
        pool.release(store, request_id, actor=st.session_state.get("user"))
        done(KEY, t_md("tadmin.done.release", lang, request=request_id))
    except TerrainError as error:
        failed(KEY, error)


def render(store: Store, settings: Settings, lang: str) -> None:
    show_note(KEY)
    st.caption(t("tadmin.pool.caption", lang))
    needle = st.text_input(t("tadmin.pool.find", lang), key=f"{KEY}-find").strip()
    names = remembered("open_deal_matches", lambda: pool.find_open_deals(store, needle, MATCHES), needle=needle)
    skills = remembered("specialist_skills", lambda: pool.specialist_skills(store))
    cells = st.columns(3)
    cells[0].selectbox(t("tadmin.pool.deal", lang), list(names), format_func=lambda d: f"{names[d]} ({d})",
                       key=f"{KEY}-deal")
    cells[1].selectbox(t("tadmin.pool.skill", lang), skills, key=f"{KEY}-skill", accept_new_options=True)
    cells[2].selectbox(t("tadmin.pool.urgency", lang), pool.URGENCIES, index=1,
                       format_func=lambda u: t(f"tadmin.pool.urgency.{u}", lang), key=f"{KEY}-urgency")
    buttons = st.columns([1, 1, 3])
    buttons[0].button(t("tadmin.pool.request", lang), on_click=_request, args=(store, lang), key=f"{KEY}-go",
                      type="primary", disabled=not names)
    buttons[1].button(t("tadmin.pool.allocate", lang), on_click=_allocate, args=(store, lang), key=f"{KEY}-allocate")

    st.subheader(t("tadmin.pool.requests", lang))
    requests = remembered("pool_requests", lambda: pool.requests_table(store))
    if requests.is_empty():
        st.caption(t("tadmin.pool.none", lang))
        return
    reasons = [pool.reason_text(r, lang, settings.reporting_currency) for r in requests["reason"]]
    shown = requests.with_columns(pl.Series("reason", reasons, dtype=pl.String), pl.col("status").replace_strict(
        {k: t(f"tadmin.pool.status.{k}", lang) for k in pool.STATUSES}, default=pl.col("status")))
    view, config = readable(shown.select("request_id", "status", "deal", "territory", "skill", "urgency", "specialist",
                                         "reason"), lambda c: t(f"tadmin.col.{c}", lang), settings.reporting_currency)
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-table", placeholder=EMPTY)
    booked = requests.filter(pl.col("status") == "allocated")
    if not booked.is_empty():
        labels = {r: f"{r} — {s}" for r, s in zip(booked["request_id"], booked["specialist"])}
        row = st.columns([3, 1])
        row[0].selectbox(t("tadmin.col.request_id", lang), list(labels), format_func=labels.get, key=f"{KEY}-booked")
        row[1].button(t("tadmin.pool.release", lang), on_click=_release, args=(store, lang), key=f"{KEY}-release")
