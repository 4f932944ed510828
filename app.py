"""Terrain's Streamlit entry: page config, navigation, the shared sidebar and the cached store."""
from __future__ import annotations

import streamlit as st

from engine.errors import TerrainError
from engine.i18n import LANGUAGES, t
from engine.periods import KINDS, parse_period, period_containing
from engine.timeline import as_of_date, period_choices
from ui import context

st.set_page_config(page_title="Terrain", page_icon="🗺️", layout="wide")
st.session_state["_shell"] = True  # pages check it: see ui.context._require_shell

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



def _period_picker() -> None:
    """The shared period filter: kind + period, mirrored in the URL (?period=2024-Q3)."""
    settings = context.settings()
    fsm = settings.fiscal_year_start_month
    from_url = st.query_params.get("period")
    if "period_kind" not in st.session_state:
        try:
            st.session_state["period_kind"] = parse_period(from_url, fsm).kind if from_url else "quarter"
        except TerrainError:
            st.session_state["period_kind"] = "quarter"
    kind = st.sidebar.segmented_control(
        t("sidebar.period_kind", lang), list(KINDS), format_func=lambda k: t(f"period.{k}", lang),
        key="period_kind") or "quarter"
    choices = period_choices(store, kind, fsm)
    codes = [p.code for p in choices]
    default = period_containing(as_of_date(store), kind, fsm).code
    # The URL decides only on the first run (a shared link); afterwards the widget does.
    wanted = st.session_state.get("period_code", from_url)
    if wanted not in codes:
        wanted = default if default in codes else codes[0]
    st.session_state["period_code"] = wanted
    code = st.sidebar.selectbox(t("sidebar.period", lang), codes, key="period_code",
                                format_func=lambda c: choices[codes.index(c)].label(lang))
    st.session_state["period"] = choices[codes.index(code)]
    st.query_params["period"] = code


_period_picker()

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


sections = {t(section, lang): [_page(*entry) for entry in _available(entries)]
            for section, entries in PAGES.items() if _available(entries)}
navigation = st.navigation(sections)
goto = st.query_params.pop("goto", None)  # a deep link that arrived before the shell ran
target = next((p for pages in sections.values() for p in pages if p.url_path == goto), None)
if target is not None:
    st.switch_page(target, query_params=st.query_params.to_dict())
st.sidebar.caption(t("sidebar.currency", lang, currency=context.settings().reporting_currency))
navigation.run()
