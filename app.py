"""Terrain's Streamlit entry: page config, navigation, the shared sidebar and the cached store."""
from __future__ import annotations

import streamlit as st

from engine.i18n import LANGUAGES, t
from ui import context

st.set_page_config(page_title="Terrain", page_icon="🗺️", layout="wide")

# Language: from the URL (?lang=zh) so a link keeps it, else the setting.
if "lang" not in st.session_state:
    st.session_state["lang"] = st.query_params.get("lang", context.settings().language)
lang = st.sidebar.selectbox(
    t("sidebar.language", st.session_state["lang"]), list(LANGUAGES),
    format_func=LANGUAGES.get, key="lang")
st.query_params["lang"] = lang

store = context.store()
if store.is_empty():
    from engine.demo import build_demo

    with st.spinner(t("demo.building", lang)):
        summary = build_demo(store)
    st.toast(t("demo.built", lang, accounts=f"{summary['accounts']:,}", deals=f"{summary['deals']:,}"))

PAGES = {
    "nav.desk": [
        ("pages/overview.py", "page.overview", "overview", "🧭", True),
        ("pages/reps.py", "page.reps", "reps", "🧑‍💼", False),
        ("pages/forecast.py", "page.forecast", "forecast", "📈", False),
        ("pages/targets.py", "page.targets", "targets", "🎯", False),
        ("pages/activity.py", "page.activity", "activity", "📊", False),
    ],
    "nav.planning": [
        ("pages/planner.py", "page.planner", "planner", "🗺️", False),
    ],
    "nav.data": [
        ("pages/import.py", "page.import", "import", "📥", False),
    ],
}


def _page(path: str, title_key: str, url: str, icon: str, default: bool) -> st.Page:
    return st.Page(path, title=t(title_key, lang), url_path=url, icon=icon, default=default)


def _available(entries):
    from pathlib import Path

    here = Path(__file__).parent
    return [entry for entry in entries if (here / entry[0]).exists()]


navigation = st.navigation({
    t(section, lang): [_page(*entry) for entry in _available(entries)]
    for section, entries in PAGES.items() if _available(entries)
})
st.sidebar.caption(t("sidebar.currency", lang, currency=context.settings().reporting_currency))
navigation.run()
