"""The memo every session shares: derived results kept per data version, bounded in entries and bytes.

Twenty people opening the same page at 9:00 should compute its figures once. Results are keyed by
what decides them — the period, the level, the scope (the territories the figures cover: a viewer
who may see less asks with a smaller scope, so one viewer's figures are never served to another
who may see less), the language where text is part of the result — and live on the data version
they were computed from: a committed write moves `Store.data_version()` on and the whole memo of the
old version is dropped with it. What the UI keeps in the same memo (chart specs, ui/shared.py) adds
the viewer's `visibility` token to its key as well.

The bound is by count and by approximate size (polars' `estimated_size` for frames), least recently
used first out, so a long day of browsing periods and scopes cannot grow the server without limit.
Within the bound, what nobody has asked for in a while goes too (`trim_idle`, run by the server's
sweep, ui/memory_sweep.py): after the morning meeting the memo of its twenty sessions does not stay
resident all day. Entries that took long to compute (a million health scores: seconds) are kept, so
the next visitor pays at most a warm page's recomputation, never a cold start.
"""
from __future__ import annotations

import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import polars as pl

MAX_ENTRIES = 512
MAX_BYTES = 768 * 1024 * 1024
KEEP_COSTLIER_THAN = 1.0  # seconds: an entry that took longer to compute is never trimmed for being idle


def approximate_size(value: Any, _depth: int = 0) -> int:
    """Bytes a cached value holds, roughly: exact enough to bound a memo, cheap to compute."""
    if isinstance(value, pl.DataFrame):
        return int(value.estimated_size())
    if isinstance(value, pl.Series):
        return int(value.estimated_size())
    if _depth > 3:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(approximate_size(k, _depth + 1) + approximate_size(v, _depth + 1)
                                          for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(approximate_size(v, _depth + 1) for v in value)
    return sys.getsizeof(value)


class ResultCache:
    """A thread-safe LRU memo bounded by `max_entries` and `max_bytes`.

    Streamlit serves sessions from several threads. Twenty of them asking for the same missing
    entry at 9:00 wait for the first one's computation instead of each computing it (twenty health
    scorings at once cost twenty times the CPU and memory of one); no lock is held while computing,
    so a slow entry never blocks another key. If that first computation fails (or its session is
    stopped by a rerun), each waiting thread computes the entry itself. An entry larger than the
    whole budget is returned but not kept."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, _Flight] = {}
        self.hits = self.misses = 0
        with _live_lock:
            _live.add(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                found.used = time.monotonic()
                self.hits += 1
                return found.value
            self.misses += 1
            flight = self._computing.get(key)
            own = flight is not None and flight.owner == threading.get_ident()
            first = flight is None
            if first:
                flight = self._computing[key] = _Flight()
        if own:
            return compute()  # the computation asks for its own key: no waiting on itself
        if not first:
            flight.done.wait()
            if flight.ok:
                return flight.value
            return self._computed(key, compute)  # the first computation failed: try once more here
        try:
            value = flight.value = self._computed(key, compute)
            flight.ok = True
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            flight.done.set()

    def _computed(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = compute()
        return self._store(key, value, time.perf_counter() - started)

    def _store(self, key: Hashable, value: Any, cost: float = 0.0) -> Any:
        size = approximate_size(value)
        with self._lock:
            if size > self.max_bytes:
                return value
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = _Entry(value, size, cost, time.monotonic())
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
        return value

    def trim_idle(self, idle_seconds: float, now: float | None = None) -> int:
        """Drop the entries nobody asked for in the last `idle_seconds` (except those that took
        longer than KEEP_COSTLIER_THAN to compute); the bytes dropped."""
        cutoff = (time.monotonic() if now is None else now) - idle_seconds
        dropped = 0
        with self._lock:
            for key in [k for k, e in self._entries.items() if e.used < cutoff and e.cost <= KEEP_COSTLIER_THAN]:
                dropped += self._entries.pop(key).size
            self._bytes -= dropped
        return dropped

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._bytes

    def keep(self, wanted: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key is not `wanted` (benchmarks recompute all but those)."""
        with self._lock:
            for key in [k for k in self._entries if not wanted(k)]:
                self._bytes -= self._entries.pop(key).size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class _Entry:
    """A kept result: its approximate size, the seconds it took to compute, when it was last asked for."""

    __slots__ = ("value", "size", "cost", "used")

    def __init__(self, value: Any, size: int, cost: float, used: float) -> None:
        self.value, self.size, self.cost, self.used = value, size, cost, used


_live: "weakref.WeakSet[ResultCache]" = weakref.WeakSet()
_live_lock = threading.Lock()


def trim_idle_everywhere(idle_seconds: float, now: float | None = None) -> int:
    """`trim_idle` on every memo alive in the process (each data version's, each restricted
    viewer's, the `versioned` ones); the bytes dropped."""
    with _live_lock:
        caches = list(_live)
    return sum(cache.trim_idle(idle_seconds, now) for cache in caches)


class _Flight:
    """One computation in progress: the threads asking for the same key wait on `done`."""

    __slots__ = ("done", "ok", "value", "owner")

    def __init__(self) -> None:
        self.done, self.ok, self.value = threading.Event(), False, None
        self.owner = threading.get_ident()


_by_store: "weakref.WeakKeyDictionary[Any, tuple[int, ResultCache]]" = weakref.WeakKeyDictionary()
_by_store_lock = threading.Lock()


def versioned(store, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()` memoised for `store`'s current data version (for results read straight from the
    database, outside `SalesData`: the target planner's evidence, the seasonality weights …)."""
    version = store.data_version()
    with _by_store_lock:
        current = _by_store.get(store)
        if current is None or current[0] != version:
            current = (version, ResultCache(max_entries=128, max_bytes=128 * 1024 * 1024))
            _by_store[store] = current
    return current[1].get(key, compute)


def forget_versioned(store) -> None:
    """Drop `store`'s memo of `versioned` results now (its data version moved on: nobody will ask
    for them again, and they would otherwise stay until the next `versioned` call)."""
    with _by_store_lock:
        _by_store.pop(store, None)
