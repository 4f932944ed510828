"""What every page needs from the shell: the cached store, settings, language and period.

app.py owns the sidebar filters and writes them into `st.session_state`; pages read them through
these functions so that no page re-declares a shared filter.
"""
from __future__ import annotations

import inspect
import threading
from datetime import date
from pathlib import Path

import streamlit as st

from engine.store.errors import TerrainError
from engine.i18n import t
from engine.metrics.periods import Period, period_containing
from engine.store.settings import Settings, load_settings
from engine.store import Store
from ui.markup import t_md


@st.cache_resource(show_spinner=False)
def _open_store(path: str, adopt: bool = False) -> Store:
    return Store.open(path, adopt=adopt)


_demo_lock = threading.Lock()


def build_demo_once(store: Store) -> dict | None:
    """Build the demo company into an empty database; sessions arriving meanwhile wait, then find
    it built (returns None for them) instead of racing to build it twice."""
    from engine.demo.company import build_demo

    with _demo_lock:
        return build_demo(store) if store.is_empty() else None


def settings() -> Settings:
    """The settings; an invalid one stops the page with its friendly message."""
    try:
        return load_settings()
    except TerrainError as error:
        show_error(error)
        st.stop()


def _require_shell() -> None:
    """Send a page that was started without app.py through the shell first.

    Streamlit serves the first request of a fresh server in its old pages/-directory mode until
    app.py has called st.navigation once; a deep link (/reps?period=2024-Q3) opened then would run
    the page alone, without the sidebar. Route it via app.py, which switches back to the page.
    """
    if st.session_state.get("_shell"):  # AppTests of a single page set it themselves
        return
    page = next((Path(f.filename).stem for f in inspect.stack() if Path(f.filename).parent.name == "pages"), None)
    if page:
        st.switch_page("app.py", query_params={**st.query_params.to_dict(), "goto": page})


def store(*, stop: bool = True) -> Store:
    """The shared store; a busy, missing, corrupt or foreign database stops the page with the
    friendly error (not cached: the next run tries again, the file may be free by then), or
    raises it with `stop=False`."""
    _require_shell()
    try:
        config = settings()
        return _open_store(config.db_path, config.adopt_database)
    except TerrainError as error:
        if not stop:
            raise
        show_error(error)
        st.stop()


def lang() -> str:
    return st.session_state.get("lang", settings().language)


def tr(key: str, **values: object) -> str:
    """t() in the session's language."""
    return t(key, lang(), **values)


def tr_md(key: str, **values: object) -> str:
    """tr() for a Markdown element (title, caption, alert, button, tab): data values escaped."""
    return t_md(key, lang(), **values)


def period() -> Period:
    chosen = st.session_state.get("period")
    if chosen is None:
        chosen = period_containing(date.today(), "quarter", settings().fiscal_year_start_month)
    return chosen


def empty_state(message_key: str = "common.no_data") -> None:
    """Teach what to do with no data: say what to import and link to the Import page."""
    from streamlit.errors import StreamlitAPIException

    st.info(tr(message_key))
    try:
        st.page_link("pages/import.py", label=tr("page.import"), icon="📥")
    except StreamlitAPIException:  # the page runs on its own (an AppTest), without the navigation
        pass


def show_error(error: TerrainError) -> None:
    """One sentence of what happened plus what to do; never a traceback (see ui/failures.py)."""
    from ui.failures import show_error as friendly

    friendly(error)


def url_scope() -> list[str] | None:
    """The territory in the URL (?scope=T-EMEA, as the Overview's drill-down sets it), if it exists;
    a caption says whose figures these are, a warning when the link names an unknown territory."""
    from engine.metrics.sales_data import sales_data

    scope_id = st.query_params.get("scope") or None
    if scope_id is None:
        return None
    tree = sales_data(store(), settings().reporting_currency).tree
    if not tree.has(scope_id):
        st.warning(tr_md("fk.unknown_scope", scope=scope_id))
        return None
    st.caption(tr_md("fk.scope", name=tree.name_of(tree.node_of(scope_id))))
    return [scope_id]
