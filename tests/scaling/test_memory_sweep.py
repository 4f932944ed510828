"""The server's memory sweep (ui/memory_sweep.py): disconnected sessions past Streamlit's time to
reconnect are removed even when no new tab arrives, and idle memo entries go, per the setting."""
from __future__ import annotations

import gc
import inspect
import threading
import types
import weakref

import polars as pl
from streamlit.runtime import Runtime
from streamlit.runtime.caching.ttl_cache import TTLCache
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from engine.metrics import result_cache
from engine.metrics.result_cache import ResultCache
from engine.store.settings import load_settings
from ui import memory_sweep


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    monotonic = perf_counter = __call__


class Session:
    """What a disconnected session keeps: its id and its state (a plan, a few frames …)."""

    def __init__(self, session_id: str) -> None:
        self.id, self.state = session_id, pl.DataFrame({"x": range(1000)})


def _server_with_storage(monkeypatch, clock: Clock) -> MemorySessionStorage:
    storage = MemorySessionStorage(ttl_seconds=120)
    storage._cache = TTLCache(maxsize=128, ttl=120, timer=clock)
    manager = types.SimpleNamespace(_session_storage=storage, _storage_lock=threading.Lock())
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: types.SimpleNamespace(_session_mgr=manager)))
    return storage


def test_the_sweep_reaches_what_streamlit_stores_sessions_in():
    storage = MemorySessionStorage()
    assert callable(getattr(storage._cache, "expire", None))
    source = inspect.getsource(WebsocketSessionManager)
    assert "self._session_storage = " in source and "self._storage_lock" in source


def test_expired_disconnected_sessions_go_without_a_new_tab(monkeypatch):
    clock = Clock()
    storage = _server_with_storage(monkeypatch, clock)
    left_early, left_late = Session("early"), Session("late")
    storage.save(SessionInfo(client=None, session=left_early))
    clock.now += 100
    storage.save(SessionInfo(client=None, session=left_late))
    gone = weakref.ref(left_early)
    del left_early
    clock.now += 30  # 130 s after the first left, 30 s after the second
    assert memory_sweep.reap_expired_sessions() == 1
    assert [info.session.id for info in storage.list()] == ["late"]
    gc.collect()
    assert gone() is None
    assert memory_sweep.reap_expired_sessions() == 0  # nothing more to remove until the second expires


def test_a_sweep_trims_the_memo_after_the_set_minutes(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(result_cache, "time", clock)
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: False))
    memo = ResultCache()
    memo.get("figures", lambda: pl.DataFrame({"x": range(100)}))
    clock.now += 9 * 60
    assert memory_sweep.sweep(load_settings(environ={})) == (0, 0)  # 10 minutes by default
    assert memory_sweep.sweep(load_settings(environ={"TERRAIN_MEMO_IDLE_MINUTES": "0"})) == (0, 0)
    clock.now += 2 * 60
    sessions, dropped = memory_sweep.sweep(load_settings(environ={}))
    assert sessions == 0 and dropped >= 800 and "figures" not in memo


def test_memo_trims_collect_only_once_they_add_up_and_not_too_often(monkeypatch):
    """A collection stalls every session for a few hundred ms at 1M accounts: small trims during
    the meeting wait until they are worth one, and collections for trims come a minute apart."""
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: False))
    collections = []
    monkeypatch.setattr(memory_sweep.gc, "collect", lambda: collections.append(1))
    monkeypatch.setattr(memory_sweep, "give_back", lambda: None)
    monkeypatch.setattr(memory_sweep, "trim_heap", lambda: None)
    monkeypatch.setattr(memory_sweep, "_state", {"started": True, "pending": 0, "collected_at": float("-inf")})
    trims = iter([10 << 20, 60 << 20, 100 << 20, 100 << 20])
    monkeypatch.setattr(memory_sweep, "trim_idle_everywhere", lambda idle, now=None: next(trims))
    settings = load_settings(environ={})
    memory_sweep.sweep(settings, now=0.0)  # 10 MB: not worth a stall
    assert collections == []
    memory_sweep.sweep(settings, now=10.0)  # 70 MB pending: collect
    assert collections == [1]
    memory_sweep.sweep(settings, now=20.0)  # 100 MB, but 10 s after the last collection
    assert collections == [1]
    memory_sweep.sweep(settings, now=80.0)  # a minute on: collect what added up
    assert collections == [1, 1]


def test_a_session_removed_is_collected_at_once(monkeypatch):
    collections = []
    monkeypatch.setattr(memory_sweep.gc, "collect", lambda: collections.append(1))
    monkeypatch.setattr(memory_sweep, "give_back", lambda: None)
    monkeypatch.setattr(memory_sweep, "trim_heap", lambda: None)
    monkeypatch.setattr(memory_sweep, "_state", {"started": True, "pending": 0, "collected_at": 100.0})
    monkeypatch.setattr(memory_sweep, "reap_expired_sessions", lambda: 1)
    memory_sweep.sweep(load_settings(environ={"TERRAIN_MEMO_IDLE_MINUTES": "0"}), now=101.0)
    assert collections == [1]
