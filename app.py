"""Terrain's Streamlit entry: page config, navigation, the shared sidebar and the cached store."""
from __future__ import annotations

import streamlit as st

from engine.store.errors import TerrainError
from engine.i18n import LANGUAGES, t
from engine.metrics.performance import as_of_date
from engine.metrics.periods import KINDS, parse_period, period_containing
from engine.metrics.timeline import period_choices
from ui import context

st.set_page_config(page_title="Terrain", page_icon="🗺️", layout="wide")
st.session_state["_shell"] = True  # pages check it: see ui.context._require_shell


def _sticky(key: str, initial) -> None:
    """Keep a sidebar widget's value across page switches and reruns.

    Streamlit may drop a widget's state when the page changes; a copy under `_<key>` survives,
    is written back before the widget is drawn, and follows the widget through its on_change.
    """
    copy = f"_{key}"
    if copy not in st.session_state:
        st.session_state[copy] = initial
    st.session_state[key] = st.session_state[copy]


def _remember(key: str) -> None:
    # A segmented control clicked on its selected option returns None: keep the previous choice.
    if st.session_state.get(key) is not None:
        st.session_state[f"_{key}"] = st.session_state[key]


# Language: from the URL (?lang=zh) so a link keeps it, else the setting.
_sticky("lang", st.query_params.get("lang") if st.query_params.get("lang") in LANGUAGES else context.settings().language)
lang = st.sidebar.selectbox(
    t("sidebar.language", st.session_state["lang"]), list(LANGUAGES),
    format_func=LANGUAGES.get, key="lang", on_change=_remember, args=("lang",))
st.query_params["lang"] = lang

store = context.store()
if store.is_empty():
    with st.spinner(t("demo.building", lang)):
        summary = context.build_demo_once(store)
    if summary:
        st.toast(t("demo.built", lang, accounts=f"{summary['accounts']:,}", deals=f"{summary['deals']:,}"))


def _period_picker() -> None:
    """The shared period filter: kind + period, mirrored in the URL (?period=2024-Q3).

    The URL decides on the first run (a shared link); afterwards the widgets do.
    """
    fsm = context.settings().fiscal_year_start_month
    from_url = st.query_params.get("period")
    try:
        linked = parse_period(from_url, fsm) if from_url else None
    except TerrainError:
        linked = None
    _sticky("period_kind", linked.kind if linked else "quarter")
    kind = st.sidebar.segmented_control(
        t("sidebar.period_kind", lang), list(KINDS), format_func=lambda k: t(f"period.{k}", lang),
        key="period_kind", on_change=_remember, args=("period_kind",)) or st.session_state["_period_kind"]
    choices = period_choices(store, kind, fsm)
    codes = [p.code for p in choices]
    default = period_containing(as_of_date(store), kind, fsm).code
    _sticky("period_code", linked.code if linked else default)
    if st.session_state["period_code"] not in codes:  # the kind changed, or the link named no data
        st.session_state["period_code"] = st.session_state["_period_code"] = default if default in codes else codes[0]
    code = st.sidebar.selectbox(t("sidebar.period", lang), codes, key="period_code",
                                format_func=lambda c: choices[codes.index(c)].label(lang),
                                on_change=_remember, args=("period_code",))
    st.session_state["period"] = choices[codes.index(code)]
    st.query_params["period"] = code


_period_picker()

# (file, title key, stable URL path, icon) per navigation section: DESIGN.md's URL paths are the contract.
PAGES = {
    "nav.desk": [
        ("pages/overview.py", "page.overview", "overview", "🧭"),
        ("pages/reps.py", "page.reps", "reps", "🧑‍💼"),
        ("pages/forecast.py", "page.forecast", "forecast", "📈"),
        ("pages/targets.py", "page.targets", "targets", "🎯"),
        ("pages/activity.py", "page.activity", "activity", "📊"),
        ("pages/health.py", "page.health", "health", "🩺"),
        ("pages/board.py", "page.board", "board", "📺"),
    ],
    "nav.planning": [
        ("pages/planner.py", "page.planner", "planner", "🗺️"),
    ],
    "nav.data": [
        ("pages/import.py", "page.import", "import", "📥"),
    ],
}

# The Overview is the default page, so "/" draws it in the first run (a hidden home that switched
# to it cost every first visit a second run, ~0.7 s). Streamlit serves a default page only at "/",
# so DESIGN's stable path /overview is a hidden page that moves on to it, keeping the query.
sections = {t(section, lang): [st.Page(path, title=t(title, lang), icon=icon, default=url == "overview",
                                       url_path="home" if url == "overview" else url)  # reserved, never shown
                               for path, title, url, icon in entries]
            for section, entries in PAGES.items()}
pages = {url: page for (section, entries) in PAGES.items() for (_, _, url, _), page in zip(entries, sections[t(section, lang)])}
overview = pages["overview"]


def _to_overview() -> None:
    st.switch_page(overview, query_params=st.query_params.to_dict())


stable_path = st.Page(_to_overview, title=t("page.overview", lang), url_path="overview", visibility="hidden")
navigation = st.navigation({**sections, t("nav.desk", lang): [*sections[t("nav.desk", lang)], stable_path]})
goto = st.query_params.pop("goto", None)  # a deep link that arrived before the shell ran
if goto in pages:
    st.switch_page(pages[goto], query_params=st.query_params.to_dict())
st.sidebar.caption(t("sidebar.currency", lang, currency=context.settings().reporting_currency))
navigation.run()
