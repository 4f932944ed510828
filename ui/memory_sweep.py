"""The server's memory sweep: a background thread that, every ten seconds, lets go of what nobody
uses any more, so that after the morning meeting the server comes back down towards its warm-start
size instead of staying at the meeting's peak (docs/scaling.md, **Memory**).

- Sessions whose browser left. Streamlit keeps a disconnected session, with its whole state, for
  `server.disconnectedSessionTTL` (120 s) in case the tab reconnects; but its storage removes an
  expired one only when another session is stored, so on a server no new tab reached they stayed
  for good. The sweep removes the expired ones, as Streamlit's storage itself would.
- Memo entries nobody asked for in `memo_idle_minutes` (`engine.metrics.result_cache.trim_idle_everywhere`).
- Then one full garbage collection — the collection after every run is off (.streamlit/config.toml),
  and a session's state sits in reference cycles only a full collection frees — and DuckDB's
  allocator and the C heap give their free pages back (engine/store/memory.py). That costs
  0.2–0.5 s with the GIL held at 1M accounts, a stall for every session, so it follows at once a
  session's removal (people left), but memo trims only once they add up to `COLLECT_AFTER_BYTES`
  and at most every `COLLECT_EVERY` seconds: collecting after each small trim during the meeting
  took the load bench's page p95 from 3.00 / 2.47 s to 3.78 / 3.15 s (docs/scaling.md).
"""
from __future__ import annotations

import gc
import logging
import threading
import time

from engine.metrics.result_cache import trim_idle_everywhere
from engine.store.memory import give_back, trim_heap
from engine.store.settings import Settings

INTERVAL = 10.0  # seconds between sweeps; one with nothing to let go costs microseconds, a collection follows a release only
COLLECT_AFTER_BYTES = 64 * 1024 * 1024  # memo bytes trimmed before they are worth a collection's stall
COLLECT_EVERY = 60.0  # seconds at least between collections that memo trims alone call for
_log = logging.getLogger(__name__)
_started = threading.Lock()
_state = {"started": False, "pending": 0, "collected_at": float("-inf")}


def reap_expired_sessions() -> int:
    """Remove the disconnected sessions whose time to reconnect is over; how many went. Reaches
    into Streamlit's session storage (its TTL cache's `expire`): with another storage, or if those
    internals change, it removes nothing."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    expire = getattr(getattr(getattr(manager, "_session_storage", None), "_cache", None), "expire", None)
    if expire is None:
        return 0
    lock = getattr(manager, "_storage_lock", None) or threading.Lock()
    with lock:  # the event loop stores a disconnecting session under the same lock
        return len(expire())


def sweep(settings: Settings, now: float | None = None) -> tuple[int, int]:
    """One sweep: (sessions removed, memo bytes dropped). Collects and purges after a session's
    removal, or once the memo trims since the last collection reach COLLECT_AFTER_BYTES and
    COLLECT_EVERY seconds have passed."""
    now = time.monotonic() if now is None else now
    sessions = reap_expired_sessions()
    dropped = trim_idle_everywhere(settings.memo_idle_minutes * 60) if settings.memo_idle_minutes else 0
    _state["pending"] += dropped
    worth_it = _state["pending"] >= COLLECT_AFTER_BYTES and now - _state["collected_at"] >= COLLECT_EVERY
    if sessions or worth_it:
        gc.collect()
        give_back()
        trim_heap()
        _state["pending"], _state["collected_at"] = 0, now
    return sessions, dropped


def begin(settings: Settings) -> bool:
    """Start the sweep once per process (app.py calls this on every run); True when this call did."""
    with _started:
        if _state["started"]:
            return False
        _state["started"] = True
    threading.Thread(target=_run, args=(settings,), name="terrain-memory-sweep", daemon=True).start()
    return True


def _run(settings: Settings) -> None:
    stop = threading.Event()  # never set: the thread ends with the process
    while not stop.wait(INTERVAL):
        try:
            sweep(settings)
        except Exception as error:  # noqa: BLE001 — a failed sweep only means memory is given back later
            _log.warning("memory sweep failed: %s", error)
