"""The memo every session shares: bounded by entries and bytes, least recently used out, per data
version; and the chart specs kept in it per period, scope, language and viewer visibility."""
from __future__ import annotations

import polars as pl

from engine.metrics.result_cache import ResultCache, approximate_size, versioned


def frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame({"x": pl.Series(range(rows), dtype=pl.Int64)})


def test_entries_are_computed_once_and_the_least_recently_used_goes_first():
    cache, calls = ResultCache(max_entries=2, max_bytes=10**9), []

    def compute(key):
        return lambda: calls.append(key) or key * 10

    assert [cache.get(k, compute(k)) for k in (1, 2, 1)] == [10, 20, 10]
    assert calls == [1, 2] and (cache.hits, cache.misses) == (1, 2)
    cache.get(3, compute(3))                 # 2 was used least recently: it goes
    assert 1 in cache and 3 in cache and 2 not in cache and len(cache) == 2


def test_the_byte_budget_bounds_the_memo():
    size = approximate_size(frame(1000))
    assert size == 8000
    cache = ResultCache(max_entries=100, max_bytes=int(size * 2.5))
    for key in range(5):
        cache.get(key, lambda: frame(1000))
    assert len(cache) == 2 and cache.size == 2 * size and {3, 4} == {k for k in range(5) if k in cache}
    huge = cache.get("huge", lambda: frame(10_000))   # larger than the whole budget: served, not kept
    assert huge.height == 10_000 and "huge" not in cache and cache.size == 2 * size


def test_keep_drops_the_other_entries():
    cache = ResultCache()
    for key in (("geometry",), ("table", 1), ("table", 2)):
        cache.get(key, lambda: frame(10))
    cache.keep(lambda key: key[0] == "geometry")
    assert len(cache) == 1 and ("geometry",) in cache and cache.size == approximate_size(frame(10))


def test_versioned_results_go_with_their_data_version(store):
    calls = []
    read = lambda: calls.append(1) or store.count("reps")  # noqa: E731
    assert versioned(store, ("reps",), read) == 0 and versioned(store, ("reps",), read) == 0
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R1"], "name": ["Ada"]}))   # a committed write
    assert versioned(store, ("reps",), read) == 1 and len(calls) == 2


def test_sessions_asking_for_the_same_missing_entry_wait_for_one_computation():
    import threading
    import time

    memo, calls, results = ResultCache(), [], []
    started = threading.Event()

    def compute():
        calls.append(threading.get_ident())
        started.set()
        time.sleep(0.2)  # a slow figure: the others arrive while it is computed
        return pl.DataFrame({"won": [1.0, 2.0]})

    def session():
        results.append(memo.get(("kpis", "2026-Q3"), compute))

    first = threading.Thread(target=session)
    first.start()
    started.wait()
    others = [threading.Thread(target=session) for _ in range(19)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert len(calls) == 1 and len(results) == 20
    assert all(result is results[0] for result in results)
    assert memo.misses == 20 and ("kpis", "2026-Q3") in memo


def test_a_failed_computation_lets_the_waiting_session_compute_it():
    import threading

    memo, order = ResultCache(), []
    leader_in, follower_waiting = threading.Event(), threading.Event()

    def failing():
        leader_in.set()
        follower_waiting.wait(2)
        order.append("failed")
        raise RuntimeError("the session was stopped by a rerun")

    def leader():
        try:
            memo.get("forecast", failing)
        except RuntimeError:
            pass

    thread = threading.Thread(target=leader)
    thread.start()
    leader_in.wait()
    follower = threading.Thread(target=lambda: order.append(memo.get("forecast", lambda: "figures")))
    follower.start()
    follower_waiting.set()
    thread.join()
    follower.join()
    assert order == ["failed", "figures"] and memo.get("forecast", lambda: "again") == "figures"


def test_a_computation_may_ask_for_its_own_key_without_waiting_on_itself():
    memo = ResultCache()
    assert memo.get("outer", lambda: ("outer", memo.get("outer", lambda: "inner"))) == ("outer", "inner")
