"""Warm start: the server fills its caches in the background, once per process, when it starts.

`begin(store, settings)` (app.py calls it on every run; only the first call of the process does
anything) starts a daemon thread running `engine.commands.warm.warm_caches` — the data, then each
page's figures of the default period — into the same shared memos the pages read. A visitor who
arrives before the step their page needs is done sees a message and a spinner while the page waits
for it (`wait_for`), instead of a blank page for the same seconds: the work is done once either
way, never twice.
"""
from __future__ import annotations

import logging
import threading

import streamlit as st

from engine.commands.warm import STEPS, warm_caches
from engine.store import Store
from engine.store.settings import Settings
from ui.context import tr

_log = logging.getLogger(__name__)
_progress = threading.Condition()
_state: dict = {"started": False, "finished": False, "steps": {}, "error": None}


def begin(store: Store, settings: Settings) -> bool:
    """Start the warm-up thread unless it ran (or runs) in this process or the setting is off.
    Returns True when this call started it."""
    if not settings.warm_start:
        return False
    with _progress:
        if _state["started"]:
            return False
        _state["started"] = True
    threading.Thread(target=_warm, args=(store, settings), name="terrain-warm-start", daemon=True).start()
    return True


def _step_done(name: str, seconds: float) -> None:
    with _progress:
        _state["steps"][name] = seconds
        _progress.notify_all()


def _warm(store: Store, settings: Settings) -> None:
    try:
        warm_caches(store, settings, _step_done)
    except Exception as error:  # noqa: BLE001 — a failed warm-up only means pages compute on demand
        _state["error"] = error
        _log.warning("warm start stopped: %s", error)
    finally:
        with _progress:
            _state["finished"] = True
            _progress.notify_all()


def pending(step: str) -> bool:
    """True while the warm-up runs and has not finished `step` yet (a page it does not warm, such
    as Import, never waits)."""
    with _progress:
        return step in STEPS and _state["started"] and not _state["finished"] and step not in _state["steps"]


def wait_for(step: str, timeout: float = 300) -> None:
    """If the warm-up is still working towards `step` ("data", or a page: "overview", "activity" …),
    say so and wait for it; otherwise return at once."""
    if not pending(step):
        return
    with st.spinner(tr("warm.loading"), show_time=True):
        with _progress:
            _progress.wait_for(lambda: _state["finished"] or step in _state["steps"], timeout)


def timings() -> dict[str, float]:
    """Seconds per finished warm step in this process."""
    with _progress:
        return dict(_state["steps"])
