"""The Territories page's "Tree" tab: the hierarchy with its counts, and add / rename / move / retire.

Thin: widgets → engine.territories.tree → render. Changes run in button callbacks (before the
rerun draws the tree), so the table always shows the tree as it now is; a refused change shows
its reason and changes nothing.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories import tree
from ui.downloads import table_downloads
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, opened_tree, remembered, tiles
from ui.markup import t_md

KEY = "tt"


def _add(store: Store, lang: str) -> None:
    state = st.session_state
    try:
        new = tree.add_territory(store, state[f"{KEY}-add-name"], parent_id=state[f"{KEY}-add-parent"],
                                 kind=state[f"{KEY}-add-type"], actor=state.get("user"))
        done(KEY, t_md("tadmin.done.add", lang, name=f"{state[f'{KEY}-add-name'].strip()} ({new})"))
    except TerrainError as error:
        failed(KEY, error)


def _rename(store: Store, lang: str) -> None:
    state = st.session_state
    try:
        tree.rename_territory(store, state[f"{KEY}-ren-id"], state[f"{KEY}-ren-name"], actor=state.get("user"))
        done(KEY, t_md("tadmin.done.rename", lang, name=state[f"{KEY}-ren-name"].strip()))
    except TerrainError as error:
        failed(KEY, error)


def _move(store: Store, lang: str, names: dict) -> None:
    state = st.session_state
    try:
        tree.move_territory(store, state[f"{KEY}-mv-id"], state[f"{KEY}-mv-parent"], actor=state.get("user"))
        done(KEY, t_md("tadmin.done.move", lang, name=names[state[f"{KEY}-mv-id"]]))
    except TerrainError as error:
        failed(KEY, error)


def _retire(store: Store, lang: str, names: dict) -> None:
    state = st.session_state
    territory, receiver = state[f"{KEY}-ret-id"], state[f"{KEY}-ret-to"]
    try:
        counts = tree.retire_territory(store, territory, to_territory_id=receiver, actor=state.get("user"))
        done(KEY, t_md("tadmin.done.retire", lang, name=names[territory], receiver=names[receiver], **counts))
    except TerrainError as error:
        failed(KEY, error)


def render(store: Store, settings: Settings, lang: str) -> None:
    opened = opened_tree(store, lang, KEY)
    if opened is None:
        return
    table, names, paths = opened
    ids = table["territory_id"].to_list()
    tiles([(t("tadmin.tile.territories", lang), table.height), (t("tadmin.tile.levels", lang), int(table["depth"].max()) + 1),
           (t("tadmin.tile.members", lang), int(table["members"].sum())),
           (t("tadmin.tile.unplaced", lang), remembered("unplaced", lambda: tree.accounts_without_territory(store)))])

    shown = table.with_columns(
        (pl.lit("\u2003").repeat_by(pl.col("depth")).list.join("") + pl.col("name")).alias("path"),
        pl.col("type").replace_strict({k: t(f"tadmin.type.{k}", lang) for k in tree.TYPES}, default=pl.col("type")))
    view, config = readable(shown.select("path", "territory_id", "type", "owner", "accounts", "open_deals", "members"),
                            lambda c: t(f"tadmin.col.{c}", lang), settings.reporting_currency,
                            counts=("accounts", "open_deals", "members"))
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-table", placeholder=EMPTY)
    table_downloads(table, "territories", key=f"{KEY}-dl")

    label = lambda tid: paths.get(tid, t("tadmin.root", lang)) if tid else t("tadmin.root", lang)  # noqa: E731
    add, rename, move, retire = st.tabs([t(f"tadmin.{k}", lang) for k in ("add", "rename", "move", "retire")])
    with add:
        st.text_input(t("tadmin.field.name", lang), key=f"{KEY}-add-name")
        st.selectbox(t("tadmin.field.parent", lang), [*ids, None], format_func=label, key=f"{KEY}-add-parent")
        st.selectbox(t("tadmin.field.type", lang), tree.TYPES, format_func=lambda k: t(f"tadmin.type.{k}", lang),
                     key=f"{KEY}-add-type")
        st.button(t("tadmin.add", lang), on_click=_add, args=(store, lang), key=f"{KEY}-add-go", type="primary")
    with rename:
        st.selectbox(t("tadmin.field.territory", lang), ids, format_func=label, key=f"{KEY}-ren-id")
        st.text_input(t("tadmin.field.new_name", lang), key=f"{KEY}-ren-name")
        st.button(t("tadmin.rename", lang), on_click=_rename, args=(store, lang), key=f"{KEY}-ren-go")
    with move:
        st.selectbox(t("tadmin.field.territory", lang), ids, format_func=label, key=f"{KEY}-mv-id")
        st.selectbox(t("tadmin.field.new_parent", lang), ids, format_func=label, key=f"{KEY}-mv-parent")
        st.button(t("tadmin.move", lang), on_click=_move, args=(store, lang, names), key=f"{KEY}-mv-go")
    with retire:
        territory = st.selectbox(t("tadmin.field.territory", lang), ids, format_func=label, key=f"{KEY}-ret-id")
        receivers = [tid for tid in ids if tid != territory]
        receiver = st.selectbox(t("tadmin.field.receiver", lang), receivers, format_func=label, key=f"{KEY}-ret-to")
        if receiver is not None:
            st.caption(t_md("tadmin.retire.preview", lang, name=names[territory], receiver=names[receiver],
                         **remembered("retire_preview", lambda: tree.retire_preview(store, territory),
                                      territory=territory)))
        st.button(t("tadmin.retire", lang), on_click=_retire, args=(store, lang, names), key=f"{KEY}-ret-go",
                  type="primary", disabled=receiver is None)

    st.subheader(t("tadmin.log", lang))
    log = remembered("change_log", lambda: tree.change_log(store, limit=50))
    log = log.with_columns(pl.col("action").replace_strict(
        {a: t(f"tadmin.action.{a}", lang) for a in log["action"].unique().to_list()}, default=pl.col("action")))
    view, config = readable(log, lambda c: t(f"tadmin.col.{c}", lang), settings.reporting_currency)
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-log", placeholder=EMPTY)
