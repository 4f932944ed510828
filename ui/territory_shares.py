"""The Territories page's "Shared accounts" tab: national key accounts led by one territory and
supported by others, and the supporting territories' overlay credit shown apart from every total.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.metrics.overlay import overlay_credit
from engine.store import Store
from engine.store.errors import TerrainError
from engine.store.settings import Settings
from engine.territories.shares import find_accounts, share_account, shared_accounts, unshare_account
from ui import context
from ui.tables import EMPTY, readable
from ui.territory_common import done, failed, remembered, show_note, tree_labels
from ui.markup import t_md

KEY = "ts"
MATCHES = 50  # accounts offered for a search (a selectbox of every account would not load)


def _change(store: Store, lang: str, add: bool, names: dict, paths: dict) -> None:
    state = st.session_state
    account, territory = state.get(f"{KEY}-account"), state.get(f"{KEY}-territory")
    try:
        if add:
            share_account(store, account, territory, actor=state.get("user"))
        else:
            unshare_account(store, account, territory, actor=state.get("user"))
        done(KEY, t_md("tadmin.done.share" if add else "tadmin.done.unshare", lang,
                    territory=paths[territory], account=names.get(account, account)))
    except TerrainError as error:
        failed(KEY, error)


def render(store: Store, settings: Settings, lang: str) -> None:
    show_note(KEY)
    st.caption(t("tadmin.share.caption", lang))
    label = lambda c: t(f"tadmin.col.{c}", lang)  # noqa: E731
    shares = remembered("shared_accounts", lambda: shared_accounts(store))
    if shares.is_empty():
        st.info(t("tadmin.share.none", lang))
    else:
        view, config = readable(shares.select("account_id", "name", "lead_territory", "supporting_territory"),
                                label, settings.reporting_currency)
        st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-table",
                     placeholder=EMPTY)

    _, _, paths = tree_labels(store)
    needle = st.text_input(t("tadmin.share.find", lang), key=f"{KEY}-find").strip()
    names = remembered("account_matches", lambda: find_accounts(store, needle, MATCHES), needle=needle)
    cells = st.columns(2)
    cells[0].selectbox(t("tadmin.share.account", lang), list(names), format_func=lambda a: f"{names[a]} ({a})",
                       key=f"{KEY}-account")
    cells[1].selectbox(t("tadmin.share.supporter", lang), list(paths), format_func=paths.get, key=f"{KEY}-territory")
    buttons = st.columns([1, 1, 4])
    buttons[0].button(t("tadmin.share.add", lang), on_click=_change, args=(store, lang, True, names, paths),
                      key=f"{KEY}-add", type="primary", disabled=not names)
    buttons[1].button(t("tadmin.share.remove", lang), on_click=_change, args=(store, lang, False, names, paths),
                      key=f"{KEY}-remove", disabled=not names)

    period = context.period()
    st.subheader(t("tadmin.share.credit", lang, period=period.label(lang)))
    credit = remembered("overlay_credit", lambda: overlay_credit(store, period, settings), period=period)
    if not credit.is_empty():
        view, config = readable(credit.select(pl.col("territory").alias("supporting_territory"), "account",
                                              "lead_territory", "won"),
                                label, settings.reporting_currency, money=("won",))
        st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=f"{KEY}-credit",
                     placeholder=EMPTY)
