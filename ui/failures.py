"""What the browser sees when something fails: one friendly sentence, never a traceback or a path
on the server.

A `TerrainError` already says what happened and what to do; before it reaches the page its
absolute paths are cut to the file name (a busy, missing or corrupt database names only
`terrain.duckdb`, not where the server keeps it). Anything else that escapes a page is logged
with its traceback on the server and shown as a short apology (`client.showErrorDetails = "none"`
in .streamlit/config.toml is the last line behind this one).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from engine.i18n import t
from engine.store.errors import TerrainError
from ui.markup import plain

log = logging.getLogger("terrain.ui")

# An absolute POSIX or Windows path (not the `//host/x` of a URL, not `a/b` inside a word).
_PATH = re.compile(r"(?<![\w.:/\\])(?:/[^\s/'\"`]+)+/?|\b[A-Za-z]:\\(?:[^\s\\'\"`]+\\)*[^\s\\'\"`]*")


def without_paths(text: str) -> str:
    """`text` with each absolute path cut to its last part (its file or folder name)."""
    def last_part(match: re.Match) -> str:
        parts = [p for p in re.split(r"[/\\]", match.group(0)) if p]
        return parts[-1] if parts else match.group(0)
    return _PATH.sub(last_part, text)


def show_error(error: TerrainError) -> None:
    """The error's title and its message (with what to do), as text: no Markdown, no server path."""
    st.error(f"**{plain(without_paths(error.title))}** — {plain(without_paths(str(error)))}")


@contextmanager
def friendly_failures(lang: str = "en") -> Iterator[None]:
    """Run a page: a TerrainError becomes its friendly message, anything else a logged apology.
    Streamlit's own rerun/stop signals are BaseExceptions and pass through untouched."""
    try:
        yield
    except TerrainError as error:
        log.warning("%s: %s", type(error).__name__, error)
        show_error(error)
    except Exception:  # the last net: the traceback goes to the server log only
        log.exception("A page failed")
        st.error(f"**{t('failure.title', lang)}** — {t('failure.unexpected', lang)}")
