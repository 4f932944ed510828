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
"""
from __future__ import annotations

import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import polars as pl

MAX_ENTRIES = 512
MAX_BYTES = 768 * 1024 * 1024


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
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, _Flight] = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[0]
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
            return self._store(key, compute())  # the first computation failed: try once more here
        try:
            value = flight.value = self._store(key, compute())
            flight.ok = True
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            flight.done.set()

    def _store(self, key: Hashable, value: Any) -> Any:
        size = approximate_size(value)
        with self._lock:
            if size > self.max_bytes:
                return value
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return value

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
                self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


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
