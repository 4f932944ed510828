"""The server's own view of page time: one line per script run, for the load bench.

Browsers on a shared machine measure their own slowness as much as the server's; what holds for
real users on their own machines is how long the server takes per run. With the `run_log` setting
(TERRAIN_RUN_LOG) naming a file, app.py marks each run's start and, when its page has finished,
appends `epoch<TAB>page<TAB>wall ms<TAB>CPU ms<TAB>outcome<TAB>queued ms`: wall from the shell's first
line to the page's end, CPU of the script's thread (polars' and DuckDB's own worker threads are not in
it; the bench prints the whole process's CPU beside it), and how long that thread was ready to run
but waited for a core (Linux's /proc/thread-self/schedstat; empty elsewhere). What is left of the
wall is waiting while not runnable: for the GIL, a lock, the database or another session's result.
Off, it costs one check per run.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

_started = threading.local()  # each session's script runs in its own thread
_write = threading.Lock()


def queued_seconds() -> float | None:
    """Seconds this thread has spent ready to run but waiting for a core, if the OS tells."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def run_started(path: str) -> None:
    """Mark the start of this thread's script run (the shell's first line)."""
    if path:
        _started.at = (time.perf_counter(), time.thread_time(), queued_seconds())


@contextmanager
def page_run(path: str, page: str) -> Iterator[None]:
    """Around the page's run: one line in `path` when it ends, however it ends (a rerun or a stop
    raised by the page is the outcome, then raised on)."""
    outcome = "ok"
    try:
        yield
    except BaseException as error:
        outcome = type(error).__name__
        raise
    finally:
        start = getattr(_started, "at", None)
        if path and start is not None:
            wall, cpu = time.perf_counter() - start[0], time.thread_time() - start[1]
            queued_now = queued_seconds()
            queued = "" if start[2] is None or queued_now is None else f"{(queued_now - start[2]) * 1000:.1f}"
            line = (f"{time.time():.3f}\t{page or 'overview'}\t{wall * 1000:.1f}\t{cpu * 1000:.1f}\t{outcome}"
                    f"\t{queued}\n")
            with _write, open(path, "a", encoding="utf-8") as log:
                log.write(line)
            _started.at = None
