"""Terrain's Streamlit entry: page config, navigation, the shared sidebar and the cached store."""
from __future__ import annotations

import os
from datetime import date

# polars' allocator (its bundled jemalloc) reads this once, when polars loads — so before anything
# of engine is imported. By default it keeps freed pages for 0.5–1 s, so one step's freed
# intermediates were still resident while the next step allocated its own (docs/scaling.md).
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0")

import streamlit as st

from engine.store.errors import TerrainError
from engine.i18n import LANGUAGES, fmt_date, t
from engine.metrics.performance import DEFAULT_PERIOD_KIND, as_of_date, default_period
from engine.metrics.periods import KINDS, parse_period
from engine.metrics.timeline import data_span, period_choices
from engine.metrics.sales_data import sales_data
from engine.charts.territory_colours import company_colours
from ui import board_link, context, memory_sweep, planner_state, run_log, signin, uploads, warm_start
from ui.tile_text import let_tile_text_wrap
from ui.failures import friendly_failures
from ui.markup import t_md

st.set_page_config(page_title="Terrain", page_icon="🗺️", layout="wide")
st.session_state["_shell"] = True  # pages check it: see ui.context._require_shell
let_tile_text_wrap()  # tile labels and delta captions wrap rather than end in "…" (ui/tile_text.py)
# A wall screen's read-only board link (?token=…): the board alone, as the link's viewer, or a page
# saying the link was revoked; nothing below runs for it (ui/board_link.py).
board_link.gate()


run_log.run_started(context.settings().run_log)  # the server's own page time (bench_load.py)


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


# Language: from the URL (?lang=zh) so a link keeps it, else the setting; an unknown one is said.
_linked_lang = st.query_params.get("lang")
_sticky("lang", _linked_lang if _linked_lang in LANGUAGES else context.settings().language)
lang = st.sidebar.selectbox(
    t("sidebar.language", st.session_state["lang"]), list(LANGUAGES),
    format_func=LANGUAGES.get, key="lang", on_change=_remember, args=("lang",))
st.query_params["lang"] = lang
if _linked_lang and _linked_lang not in LANGUAGES:
    st.warning(t_md("link.unknown_lang", lang, value=_linked_lang, shown=LANGUAGES[lang]))

# Sign-in first (engine.access): with a users file, nothing below runs until someone signs in.
viewer = signin.current_viewer(context.settings())
signin.sidebar(viewer, context.settings(), lang)

try:
    store = context.base_store(stop=False)
except TerrainError as error:  # the one page then says why; no navigation to pages that cannot run
    st.navigation([st.Page(lambda error=error: context.show_error(error), title="Terrain", url_path="unavailable")],
                  position="hidden").run()
    st.stop()
with friendly_failures(lang):
    if store.is_empty():
        with st.spinner(t("demo.building", lang)):
            summary = context.build_demo_once(store)
        if summary:
            st.toast(t("demo.built", lang, accounts=f"{summary['accounts']:,}", deals=f"{summary['deals']:,}"))
# The first run of the process starts filling the caches in the background; a visitor who comes
# before the data is in memory is told so instead of waiting on a blank page.
warm_start.begin(store, context.settings())
memory_sweep.begin(context.settings())  # what nobody uses any more goes back, also when nobody clicks
warm_start.wait_for("data")


def _as_of_picker() -> None:
    """The shared as-of day: the figures as they stood at its end (docs/as-of.md), mirrored in the
    URL (?as_of=2024-04-30) only when it is before "now" (today, or the data's last day)."""
    now = as_of_date(store)
    span = data_span(store)
    first = min(span[0], now) if span else now
    try:
        linked = date.fromisoformat(st.query_params.get("as_of") or "")
    except ValueError:
        linked = None
    _sticky("as_of", min(max(linked, first), now) if linked else now)
    if not first <= st.session_state["as_of"] <= now:  # another database, or a new day
        st.session_state["as_of"] = st.session_state["_as_of"] = now
    day = st.sidebar.date_input(t("sidebar.as_of", lang), key="as_of", min_value=first, max_value=now,
                                format="YYYY-MM-DD", help=t("sidebar.as_of_help", lang, now=fmt_date(now, lang)),
                                on_change=_remember, args=("as_of",)) or now
    st.session_state["as_of_day"] = day if day < now else None
    if day < now:
        st.query_params["as_of"] = day.isoformat()
        st.sidebar.caption(t("sidebar.as_of_past", lang, day=fmt_date(day, lang)))
    else:
        st.query_params.pop("as_of", None)


def _period_picker() -> None:
    """The shared period filter: kind + period, mirrored in the URL (?period=2024-Q3).

    The URL decides on the first run (a shared link); afterwards the widgets do.
    """
    fsm = context.settings().fiscal_year_start_month
    from_url = st.query_params.get("period")
    first_run = "_period_code" not in st.session_state
    problem = None
    try:
        linked = parse_period(from_url, fsm) if from_url else None
    except TerrainError:
        linked, problem = None, "link.unknown_period"
    _sticky("period_kind", linked.kind if linked else DEFAULT_PERIOD_KIND)
    kind = st.sidebar.segmented_control(
        t("sidebar.period_kind", lang), list(KINDS), format_func=lambda k: t(f"period.{k}", lang),
        key="period_kind", on_change=_remember, args=("period_kind",)) or st.session_state["_period_kind"]
    choices = period_choices(store, kind, fsm)
    codes = [p.code for p in choices]
    default = default_period(context.store(), kind, context.settings()).code
    _sticky("period_code", linked.code if linked else default)
    if st.session_state["period_code"] not in codes:  # the kind changed, or the link named no data
        st.session_state["period_code"] = st.session_state["_period_code"] = default if default in codes else codes[0]
    code = st.sidebar.selectbox(t("sidebar.period", lang), codes, key="period_code",
                                format_func=lambda c: choices[codes.index(c)].label(lang),
                                on_change=_remember, args=("period_code",))
    st.session_state["period"] = choices[codes.index(code)]
    st.query_params["period"] = code
    if linked and linked.code not in codes:
        problem = "link.period_no_data"
    if first_run and problem:  # said once: from now on the URL carries the period shown
        st.warning(t_md(problem, lang, value=from_url, shown=choices[codes.index(code)].label(lang)))


with friendly_failures(lang):
    _as_of_picker()
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
        ("pages/territories.py", "page.territories", "territories", "🧩"),
        ("pages/planner.py", "page.planner", "planner", "🗺️"),
    ],
    "nav.data": [
        ("pages/import.py", "page.import", "import", "📥"),
        ("pages/users.py", "page.users", "users", "👥"),
    ],
}
# Pages of writes a role may not make, or that list every territory's accounts (Territories), are not
# offered at all (the engine refuses the writes anyway).
ONLY_FOR = {"import": "import", "users": "users", "territories": "territories"}
PAGES = {section: [entry for entry in entries if entry[2] not in ONLY_FOR or context.may(ONLY_FOR[entry[2]])]
         for section, entries in PAGES.items()}
PAGES = {section: entries for section, entries in PAGES.items() if entries}

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
uploads.sweep_once()  # once per server process: temporary files an earlier server left behind
warm_start.wait_for({"": "overview", "home": "overview"}.get(navigation.url_path, navigation.url_path))
with friendly_failures(lang):
    if navigation.url_path not in ("import", "users"):  # pages with no territory colours skip the data
        # One colouring for everyone, from the whole company: neighbouring territories differ
        company_colours(sales_data(store, context.settings().reporting_currency))
with friendly_failures(lang):
    planner_state.let_old_plan_go(context.store(), context.settings())  # an old version's baseline goes now
with friendly_failures(lang), run_log.page_run(context.settings().run_log, navigation.url_path):
    navigation.run()  # whatever a page raises, the browser gets a sentence, not a traceback
