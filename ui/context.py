"""What every page needs from the shell: the cached store, settings, language and period.

app.py owns the sidebar filters and writes them into `st.session_state`; pages read them through
these functions so that no page re-declares a shared filter.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from engine.errors import TerrainError
from engine.i18n import t
from engine.periods import Period, period_containing
from engine.settings import Settings, load_settings
from engine.store import Store


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store.open(path)


def settings() -> Settings:
    return load_settings()


def store() -> Store:
    return _open_store(settings().db_path)


def lang() -> str:
    return st.session_state.get("lang", settings().language)


def tr(key: str, **values: object) -> str:
    """t() in the session's language."""
    return t(key, lang(), **values)


def period() -> Period:
    chosen = st.session_state.get("period")
    if chosen is None:
        chosen = period_containing(date.today(), "quarter", settings().fiscal_year_start_month)
    return chosen


def show_error(error: TerrainError) -> None:
    """One sentence of what happened plus what to do; never a traceback."""
    st.error(f"**{error.title}** — {error}")
