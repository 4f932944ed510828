"""One heavy build at a time per process: the gate the per-version builds pass through.

After an import moves the data version on, twenty sessions rerun at once and each asks for
something the new version has not built yet — the activity cubes, the first wins, the planner's
baseline, every account's health score, a viewer's cut of the deals. The memo already makes
twenty askers of the *same* result wait for one computation; this gate makes the *different*
heavy builds wait for each other, so their transients (hash tables, sorts, joins of millions of
rows: 0.3–0.7 GB each at 1M accounts / 6M deals / 8M activities) come one after another instead
of on top of each other (docs/scaling.md, **Memory**). The CPU is the same either way: with two
cores the builds only slowed each other down.

The gate is re-entrant (a build that needs another — the activity cells sum the per-kind cells —
goes straight on) and it is the outermost of the locks a build takes: `SalesData.per_version`
and `SalesData.built` take it before their single-flight lock, the data load before its own, so
no thread holds one of those while it waits for the gate. A build may still wait on a memo entry
another thread computes; that one must not need the gate, so heavy results go through `built`.
As a last resort a build that has waited `PATIENCE` seconds goes ahead without the gate (logged):
a mistake in that rule costs a slow page, never a hung server.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from collections.abc import Iterator

PATIENCE = 120.0  # seconds; beyond the builds a wait can queue behind on a loaded 2-core machine at 1M accounts

_log = logging.getLogger(__name__)
_gate = threading.RLock()
_stats_lock = threading.Lock()
_stats = {"builds": 0, "waited": 0, "impatient": 0}


@contextmanager
def one_build_at_a_time(name: object = "") -> Iterator[None]:
    """Hold the process's build gate for the `with` block (re-entrant within a thread)."""
    got = _gate.acquire(blocking=False)
    if not got:
        with _stats_lock:
            _stats["waited"] += 1
        got = _gate.acquire(timeout=PATIENCE)
        if not got:
            with _stats_lock:
                _stats["impatient"] += 1
            _log.warning("build %s went ahead after waiting %.0f s for the build gate", name, PATIENCE)
    with _stats_lock:
        _stats["builds"] += 1
    try:
        yield
    finally:
        if got:
            _gate.release()


def gate_stats() -> dict[str, int]:
    """Counters since the process started: builds (entries into the gate, nested ones included),
    waited (entries that found it held by another thread), impatient (went ahead after PATIENCE)."""
    with _stats_lock:
        return dict(_stats)
