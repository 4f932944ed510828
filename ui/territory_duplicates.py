"""The Territories page's "Duplicates" tab (重复跟进): customers held as several accounts, who holds
each copy, and merging one customer's ownership in one step (logged in `assignment_log`).
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories.duplicates import duplicate_groups, duplicate_summary, merge_ownership
from ui.downloads import table_downloads
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, remembered, show_note, tiles
from ui.markup import t_md

KEY = "td"


def _merge(store: Store, lang: str, groups: pl.DataFrame) -> None:
    state = st.session_state
    group = groups.filter(pl.col("group_id") == state[f"{KEY}-group"])
    try:
        changed = merge_ownership(store, group["account_id"].to_list(), rep_id=state[f"{KEY}-rep"],
                                  actor=state.get("user"))
        done(KEY, t_md("tadmin.done.merge", lang, changed=changed))
    except TerrainError as error:
        failed(KEY, error)


def render(store: Store, settings: Settings, lang: str) -> None:
    show_note(KEY)
    st.caption(t("tadmin.dup.caption", lang))
    groups = remembered("duplicate_groups", lambda: duplicate_groups(store))
    summary = remembered("duplicate_summary", lambda: duplicate_summary(groups))
    tiles([(t("tadmin.dup.tile.groups", lang), summary["groups"]), (t("tadmin.dup.tile.accounts", lang), summary["accounts"]),
           (t("tadmin.dup.tile.split", lang), summary["split_groups"])])
    if st.toggle(t("tadmin.dup.only_split", lang), value=True, key=f"{KEY}-split"):
        groups = remembered("duplicate_split", lambda: groups.filter(pl.col("reps") > 1))
    if groups.is_empty():
        st.info(t("tadmin.dup.none", lang))
        return
    shown = remembered("duplicate_shown", lambda: groups.with_columns(pl.col("matched_on").list.join(" + ")),
                       split=groups.height)
    view, config = readable(shown.select("group_id", "account_id", "name", "owner", "territory", "website",
                                         "matched_on", "created_at"),
                            lambda c: t(f"tadmin.col.{c}", lang), settings.reporting_currency)
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-table", placeholder=EMPTY)
    table_downloads(shown, "duplicates", key=f"{KEY}-dl")

    def group_labels() -> dict:
        first = groups.group_by("group_id", maintain_order=True).first()
        return {row["group_id"]: t("tadmin.dup.group_label", lang, name=row["name"], copies=row["copies"],
                                   reps=row["reps"]) for row in first.iter_rows(named=True)}
    labels = remembered("duplicate_labels", group_labels, lang=lang, split=groups.height)
    group_id = st.selectbox(t("tadmin.dup.group", lang), list(labels), format_func=labels.get, key=f"{KEY}-group")
    copies = groups.filter(pl.col("group_id") == group_id)
    owners = dict(copies.filter(pl.col("owner_rep_id").is_not_null()).select("owner_rep_id", "owner").unique(
        maintain_order=True).iter_rows())
    suggested = copies["suggested_rep_id"][0]
    ids = list(owners)
    st.selectbox(t("tadmin.dup.keep", lang), ids, index=ids.index(suggested) if suggested in ids else 0,
                 format_func=lambda r: f"{owners[r]} ({r})", key=f"{KEY}-rep")
    st.button(t("tadmin.dup.merge", lang), on_click=_merge, args=(store, lang, groups), key=f"{KEY}-go",
              type="primary", disabled=not ids)
