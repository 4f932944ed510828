"""Run one territory management tab alone, as the Territories page will: `render(store, settings, lang)`."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
from ui import context
from ui.{module} import render

render(context.store(), context.settings(), context.lang())
"""


def run_tab(module: str, *, lang: str = "en", period=None) -> AppTest:
    app = AppTest.from_string(SCRIPT.format(module=module), default_timeout=60)
    app.session_state["_shell"] = True
    app.session_state["lang"] = lang
    if period is not None:
        app.session_state["period"] = period
    return app.run()


def click(app: AppTest, key: str) -> AppTest:
    """Click the button with `key` and run the script again."""
    return next(b for b in app.button if b.key == key).click().run()


def live_store(db):
    """The store the app under test has open on `db` (DuckDB allows one process per file)."""
    from ui import context

    return context._open_store(str(db))
