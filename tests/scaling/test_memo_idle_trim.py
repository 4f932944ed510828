"""The memo gives back what nobody asked for in a while (`ResultCache.trim_idle`), except entries
that were costly to compute, so after a meeting its sessions' results do not stay resident all day."""
from __future__ import annotations

import polars as pl
import pytest

from engine.metrics import result_cache
from engine.metrics.result_cache import ResultCache, approximate_size, trim_idle_everywhere


class Clock:
    """monotonic() and perf_counter() of the memo, moved on by hand (a computation advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    perf_counter = monotonic


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(result_cache, "time", clock)
    return clock


def frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame({"x": pl.Series(range(rows), dtype=pl.Int64)})


def computed(clock: Clock, rows: int, seconds: float):
    def compute():
        clock.now += seconds
        return frame(rows)
    return compute


CASES = [  # idle seconds of the trim, entries kept, bytes dropped
    (900, {"used late", "costly", "cheap", "fresh"}, 0),
    (600, {"used late", "costly", "fresh"}, 8 * 100),
    (60, {"costly", "fresh"}, 8 * 100 + 8 * 200),
    (0, {"costly"}, 8 * 100 + 8 * 200 + 8 * 400),
]


@pytest.mark.parametrize(("idle", "kept", "dropped"), CASES)
def test_idle_entries_go_unless_they_were_costly(clock, idle, kept, dropped):
    cache = ResultCache()
    cache.get("cheap", computed(clock, 100, 0.01))          # t ≈ 1000
    cache.get("used late", computed(clock, 200, 0.2))        # t ≈ 1000
    cache.get("costly", computed(clock, 300, 5.0))           # t ≈ 1005: five seconds to compute
    clock.now = 1500.0
    cache.get("used late", computed(clock, 200, 0.2))        # a hit: nothing computed, used again
    clock.now = 1700.0
    cache.get("fresh", computed(clock, 400, 0.1))            # t = 1700.1
    clock.now = 1701.0
    before = cache.size
    assert cache.trim_idle(idle) == dropped
    assert {key for key in ("cheap", "used late", "costly", "fresh") if key in cache} == kept
    assert cache.size == before - dropped == sum(approximate_size(frame(r)) for k, r in
                                                 (("cheap", 100), ("used late", 200), ("costly", 300),
                                                  ("fresh", 400)) if k in kept)


def test_every_live_memo_is_trimmed(clock):
    first, second = ResultCache(), ResultCache()
    first.get("a", computed(clock, 10, 0.0))
    second.get("b", computed(clock, 20, 0.0))
    clock.now += 3600
    assert trim_idle_everywhere(600) >= 8 * 10 + 8 * 20
    assert "a" not in first and "b" not in second and first.size == second.size == 0
