"""Helpers for AppTests of single pages: a database file the page opens, and a run of the page
as app.py would start it (period, language and URL parameters set by the shell)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.metrics.periods import parse_period
from engine.store import Store
from tests.conftest import REPO, database_file


def database_for_app(tmp_path: Path, monkeypatch, fill: Callable[[Store], None] | None = None,
                     name: str = "app") -> Path:
    """A database file filled by `fill(store)`, which the app under test opens (TERRAIN_DB)."""
    from ui import context

    path = database_file(tmp_path / f"{name}.duckdb", fill)
    monkeypatch.setenv("TERRAIN_DB", str(path))
    context._open_store.clear()
    return path


def run_page(page: str, *, period: str | None = None, lang: str = "en", timeout: float = 60,
             first_draw: bool = False, **query: str | None) -> AppTest:
    """Run pages/<page>.py alone, with what app.py would have put in the session.

    AppTest runs no JavaScript, so the browser's report of the first paint (ui/first_paint.py)
    never comes: unless `first_draw`, the session is one whose tab has painted the page already."""
    from ui.first_paint import painted_key

    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=timeout)
    if not first_draw:
        app.session_state[painted_key(page)] = True
    if period:
        app.session_state["period"] = parse_period(period)
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True  # the page runs alone here, as app.py would run it
    for key, value in query.items():
        if value:
            app.query_params[key] = value
    return app.run()
