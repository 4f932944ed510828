"""The Territories page's "Unowned" tab (无人问津): accounts without owner or territory, filtered,
assigned in bulk to a rep and/or a territory, or one by one through the top-3 owner suggestion.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import fmt_money, t
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories.members import rep_names
from engine.territories.suggestions import confirm_suggestion, reason_texts, suggest_owners
from engine.territories.unowned import MISSING, assign_accounts, unowned_accounts, unowned_summary
from ui.downloads import table_downloads
from ui.row_limit import first_rows
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, remembered, show_note, tiles, tree_labels
from ui.markup import plain, t_md

KEY = "tu"


def _assign(store: Store, lang: str, listed: list[str]) -> None:
    state = st.session_state
    try:
        changed = assign_accounts(store, state[f"{KEY}-pick"] or listed, rep_id=state[f"{KEY}-rep"],
                                  territory_id=state[f"{KEY}-territory"], actor=state.get("user"))
        done(KEY, t_md("tadmin.done.assign", lang, changed=changed))
        state[f"{KEY}-pick"] = []
    except TerrainError as error:
        failed(KEY, error)


def _confirm(store: Store, lang: str, account_id: str, rep_id: str, territory_id: str | None) -> None:
    try:
        changed = confirm_suggestion(store, account_id, rep_id, territory_id, actor=st.session_state.get("user"))
        done(KEY, t_md("tadmin.done.assign", lang, changed=changed))
    except TerrainError as error:
        failed(KEY, error)


def _choices(frame: pl.DataFrame, column: str) -> list:
    return [None, *sorted(frame[column].drop_nulls().unique().to_list())]


def render(store: Store, settings: Settings, lang: str) -> None:
    show_note(KEY)
    everything = remembered("unowned", lambda: unowned_accounts(store))
    summary = remembered("unowned_summary", lambda: unowned_summary(everything))
    tiles([(t("tadmin.un.tile.accounts", lang), summary["accounts"]),
           (t("tadmin.un.tile.no_owner", lang), summary["no_owner"]),
           (t("tadmin.un.tile.no_territory", lang), summary["no_territory"]),
           (t("tadmin.un.tile.pipeline", lang), fmt_money(summary["open_pipeline"], lang, settings.reporting_currency))])
    if everything.is_empty():
        st.success(t("tadmin.un.none", lang))
        return
    every = lambda v: t("tadmin.un.all", lang) if v is None else str(v)  # noqa: E731
    choices = remembered("unowned_choices", lambda: {c: _choices(everything, c) for c in ("country", "industry", "segment")})
    row = st.columns(5)
    missing = row[0].selectbox(t("tadmin.un.missing", lang), MISSING, format_func=lambda m: t(f"tadmin.un.missing.{m}", lang),
                               key=f"{KEY}-missing")
    country = row[1].selectbox(t("tadmin.col.country", lang), choices["country"], format_func=every,
                               key=f"{KEY}-country")
    industry = row[2].selectbox(t("tadmin.col.industry", lang), choices["industry"], format_func=every,
                                key=f"{KEY}-industry")
    segment = row[3].selectbox(t("tadmin.col.segment", lang), choices["segment"], format_func=every,
                               key=f"{KEY}-segment")
    search = row[4].text_input(t("tadmin.un.search", lang), key=f"{KEY}-search")
    wanted = {"missing": missing, "country": country, "industry": industry, "segment": segment, "search": search}
    listed = remembered("unowned_listed", lambda: unowned_accounts(store, **wanted), **wanted)
    first = first_rows(listed, lang)  # the pickers below offer these too; a search reaches the rest
    shown = first.with_columns(pl.col("missing").replace_strict({m: t(f"tadmin.un.missing.{m}", lang) for m in MISSING}))
    view, config = readable(shown.select("account_id", "name", "missing", "industry", "segment", "country", "city",
                                         "annual_revenue", "owner", "territory", "open_deals", "open_pipeline"),
                            lambda c: t(f"tadmin.col.{c}", lang), settings.reporting_currency,
                            money=("annual_revenue", "open_pipeline"), counts=("open_deals",))
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-table", placeholder=EMPTY)
    table_downloads(listed, "unowned", key=f"{KEY}-dl")

    names = dict(zip(first["account_id"], first["name"]))
    reps = remembered("active_rep_names", lambda: rep_names(store, active_only=True))
    _, _, paths = tree_labels(store)
    keep = lambda v, labels: t("tadmin.un.keep", lang) if v is None else labels[v]  # noqa: E731
    bulk, suggest = st.tabs([t("tadmin.un.assign", lang), t("tadmin.un.suggest", lang)])
    with bulk:
        picked = st.multiselect(t("tadmin.un.pick", lang), list(names), format_func=lambda a: f"{names[a]} ({a})",
                                key=f"{KEY}-pick")
        st.selectbox(t("tadmin.field.rep", lang), [None, *reps], format_func=lambda r: keep(r, reps), key=f"{KEY}-rep")
        st.selectbox(t("tadmin.field.territory", lang), [None, *paths], format_func=lambda r: keep(r, paths),
                     key=f"{KEY}-territory")
        st.button(t("tadmin.un.go", lang, count=len(picked) or listed.height), on_click=_assign,
                  args=(store, lang, listed["account_id"].to_list()), key=f"{KEY}-go", type="primary",
                  disabled=listed.is_empty())
    with suggest:
        if listed.is_empty():
            return
        account = st.selectbox(t("tadmin.un.suggest_account", lang), list(names),
                               format_func=lambda a: f"{names[a]} ({a})", key=f"{KEY}-one")
        candidates = remembered("owner_suggestions", lambda: suggest_owners(store, account), account=account)
        if candidates.is_empty():
            st.info(t("tadmin.un.no_candidates", lang))
        for candidate in candidates.iter_rows(named=True):
            with st.container(border=True):
                st.markdown(f"**{candidate['rank']}. {plain(candidate['rep'])}** · {plain(candidate['territory'] or '–')} · "
                            + t("tadmin.un.score", lang, score=f"{candidate['score']:.2f}"))
                st.caption(" · ".join(reason_texts(candidate["reasons"], lang)))
                st.button(t_md("tadmin.un.confirm", lang, rep=candidate["rep"]), on_click=_confirm,
                          args=(store, lang, account, candidate["rep_id"], candidate["territory_id"]),
                          key=f"{KEY}-confirm-{candidate['rank']}")
