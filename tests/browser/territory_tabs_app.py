"""A stand-in page for the browser test: the territory management tabs side by side, as the
Territories page shows them (the page itself belongs to the rules work; this file serves only tests)."""
import streamlit as st

from ui import context
from ui import territory_duplicates, territory_people, territory_pool, territory_shares, territory_tree, territory_unowned

st.session_state["_shell"] = True  # served alone, without app.py's navigation
store, settings, lang = context.store(), context.settings(), context.lang()
if store.is_empty():
    context.build_demo_once(store)
st.title("Territories")
names = ("tree", "people", "duplicates", "unowned", "shares", "pool")
modules = (territory_tree, territory_people, territory_duplicates, territory_unowned, territory_shares, territory_pool)
for tab, module in zip(st.tabs([context.tr(f"tadmin.tab.{n}") for n in names]), modules):
    with tab:
        module.render(store, settings, lang)
