"""Territories: manage the territory model — the rules that route accounts (this file's first tab)
and, beside it, the tree, the people, duplicates and unowned accounts.

Each tab is drawn by a renderer in ui/ (`render(store, settings)`); the page only lays them out.
"""
from __future__ import annotations

import streamlit as st

from ui import context, territory_rules

tr, settings, store = context.tr, context.settings(), context.store()

st.title(tr("territories.title"))
st.caption(tr("territories.caption"))
if store.is_empty():
    context.empty_state()
    st.stop()

# (title key, renderer) per tab, in order. The tree, people, duplicates and unowned tabs
# (ui/territory_*.py) are added to this list at merge.
TABS = [
    ("territories.tab.rules", territory_rules.render),
]

for tab, (_, render) in zip(st.tabs([tr(key) for key, _ in TABS]), TABS):
    with tab:
        render(store, settings)
