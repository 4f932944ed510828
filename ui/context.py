"""What every page needs from the shell: the cached store, settings, language and period.

app.py owns the sidebar filters and writes them into `st.session_state`; pages read them through
these functions so that no page re-declares a shared filter.
"""
from __future__ import annotations

import inspect
import threading
from pathlib import Path

import streamlit as st

from engine.store.errors import TerrainError
from engine.i18n import t
from engine.metrics.periods import Period
from engine.metrics.sales_data import StoreAsOf, as_of_store
from engine.store.settings import Settings, load_settings
from engine.store import Store
from engine.access import permissions
from engine.access.viewer_store import as_viewer
from engine.access.visibility import LOCAL, Viewer, scope_for
from engine.access.visibility import visibility as seen_by
from ui.markup import t_md


@st.cache_resource(show_spinner=False)
def _open_store(path: str, adopt: bool = False, read_only: bool = False) -> Store:
    return Store.open(path, adopt=adopt, read_only=read_only)


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


def process_store(config: Settings) -> Store:
    """The one store of the process for `config`, as the pages get it. The cache is keyed by the
    arguments as passed, so whoever shares the pages' store (the memory and page benches) opens it
    here: a second Store of the same file would load, and hold, a second copy of the sales data."""
    return _open_store(config.db_path, config.adopt_database, config.read_only)


def _shared_store(*, stop: bool = True) -> Store:
    """The one store of the process; a busy, missing, corrupt or foreign database stops the page
    with the friendly error (not cached: the next run tries again, the file may be free by then),
    or raises it with `stop=False`."""
    _require_shell()
    try:
        return process_store(settings())
    except TerrainError as error:
        if not stop:
            raise
        show_error(error)
        st.stop()


def base_store(*, stop: bool = True) -> Store:
    """The database as it is now, as the signed-in user sees it (engine.access): every figure,
    table, map and download made from it holds only their territories, and every write through it
    is theirs (imports, writes, the shell's own questions)."""
    return as_viewer(_shared_store(stop=stop), viewer())


def viewer() -> Viewer:
    """Who uses this session; app.py's sign-in gate set it (an AppTest of one page: the local admin)."""
    return st.session_state.get("_access_viewer") or LOCAL


def may(action: str) -> bool:
    """Whether the signed-in user's role may make this kind of write: pages hide what it may not."""
    return permissions.may(viewer(), action)


def own_scope() -> str | None:
    """The signed-in user's first top territory when they do not see the whole company (pages that
    plan one territory open on it); None for those who see everything."""
    seen = seen_by(_shared_store(), viewer())
    return None if seen.everything else (seen.tops[0] if seen.tops else None)


def scope_id() -> str | None:
    """The territory in the URL (?scope=), when the signed-in user may see it; otherwise a
    friendly warning, and None (their own territories). Without one in the URL, the user's own
    territory when they see a single subtree."""
    from engine.metrics.sales_data import sales_data

    wanted = st.query_params.get("scope") or None
    if wanted is None:  # someone who sees one territory (and what is below) opens on it
        seen = seen_by(_shared_store(), viewer())
        return seen.tops[0] if len(seen.tops) == 1 else None
    choice = scope_for(_shared_store(), viewer(), [wanted])
    if choice.refused:
        tree = sales_data(store(), settings().reporting_currency).tree
        key = "access.scope_refused" if tree.has(wanted) else "fk.unknown_scope"
        st.warning(tr_md(key, scope=wanted))
        return None
    return wanted


def store() -> "Store | StoreAsOf":
    """The database the pages' figures come from: as it stood on the sidebar's as-of day when one
    before "now" is chosen (app.py), else as it is. Writes through it reach the database itself."""
    return as_of_store(base_store(), st.session_state.get("as_of_day"))


def visibility() -> "Viewer | None":
    """The viewer's visibility token: which territories the signed-in viewer may see, as one
    hashable value. Every result cached across sessions is keyed by it (ui/shared.py), so a result
    computed for a viewer who sees everything is never served to one who sees one territory.
    None for whoever sees the whole company (they all see the same), else the viewer."""
    who = viewer()
    return None if who.sees_everything else who


def lang() -> str:
    # Not `.get("lang", settings().language)`: that reads every setting from the environment on each
    # call, and every translated word calls this (~130 times a planner run, ~15 ms at 1M accounts).
    chosen = st.session_state.get("lang")
    return chosen if chosen is not None else settings().language


def tr(key: str, **values: object) -> str:
    """t() in the session's language."""
    return t(key, lang(), **values)


def tr_md(key: str, **values: object) -> str:
    """tr() for a Markdown element (title, caption, alert, button, tab): data values escaped."""
    return t_md(key, lang(), **values)


def period() -> Period:
    chosen = st.session_state.get("period")
    if chosen is None:
        from engine.metrics.performance import default_period

        chosen = default_period(store(), settings=settings())
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

    chosen = scope_id()
    if chosen is None:
        return None
    tree = sales_data(store(), settings().reporting_currency).tree
    st.caption(tr_md("fk.scope", name=tree.name_of(tree.node_of(chosen))))
    return [chosen]
