"""Territories: manage the territory model — the rules that route accounts (this file's first tab)
and, beside it, the tree, the people, duplicates and unowned accounts.

Each tab is drawn by a renderer in ui/ (`render(store, settings, lang)`); the page only lays them out.
"""
from __future__ import annotations

import streamlit as st

from ui import (context, territory_duplicates, territory_people, territory_pool, territory_rules, territory_shares,
                territory_tree, territory_unowned)

tr, settings, store, lang = context.tr, context.settings(), context.store(), context.lang()

st.title(tr("territories.title"))
st.caption(tr("territories.caption"))
if store.is_empty():
    context.empty_state()
    st.stop()

# (title key, renderer) per tab, in order: the rules first (what a planner comes for), then the
# tree and its people, then the lists that keep customers from being held twice or by nobody.
TABS = [
    ("territories.tab.rules", lambda store, settings, lang: territory_rules.render(store, settings)),
    ("tadmin.tab.tree", territory_tree.render),
    ("tadmin.tab.people", territory_people.render),
    ("tadmin.tab.duplicates", territory_duplicates.render),
    ("tadmin.tab.unowned", territory_unowned.render),
    ("tadmin.tab.shares", territory_shares.render),
    ("tadmin.tab.pool", territory_pool.render),
]

for tab, (_, render) in zip(st.tabs([tr(key) for key, _ in TABS]), TABS):
    with tab:
        render(store, settings, lang)
