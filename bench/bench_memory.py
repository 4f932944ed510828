"""Server memory through a day: warm start, every page, an import, and the rebuild after it.

    flock /work/bench.lock .venv/bin/python bench/bench_memory.py --db big.duckdb   (a copy: it imports)

One process does what a server does (issue 15's goal: ≤ 4 GB resident at 1M accounts / 6M deals /
8M activities, after the warm start and at the peak of the rebuild after an import):
1. the warm start (`engine.commands.warm.warm_caches`, step by step);
2. every page once, through Streamlit's script runner (as bench/bench_pages.py runs them), each
   session kept open afterwards — as browsers keep theirs, holding their session state;
3. an import of a small Salesforce export (new accounts and deals: the data version moves on);
4. the rebuild: the warm start's work again on the new version, then every open session reruns
   its page, as the server does after an import commits.
Printed per step: resident memory after it (VmRSS), the step's peak (VmHWM, reset before each
step through /proc/self/clear_refs), wall and CPU time. The database is written to (step 3): run
it on a copy, never on /work/big.duckdb.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# polars' allocator as app.py sets it for the server (read when polars loads)
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

BUDGET_MB = 4096


def _reset_peak() -> None:
    """Let VmHWM restart from the current resident size (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


class Steps:
    """Prints one line per step: resident after, the step's peak, wall and CPU seconds."""

    def __init__(self) -> None:
        from bench_pages import memory_mb

        self.memory_mb, self.worst = memory_mb, 0.0
        self.held = lambda: 0.0
        print(f"{'step':<22}{'resident':>10}{'peak':>10}{'frames':>10}{'duckdb':>10}{'wall':>9}{'cpu':>9}")

    def run(self, name: str, call) -> object:
        _reset_peak()
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        resident, peak = self.memory_mb("VmRSS"), self.memory_mb("VmHWM")
        self.worst = max(self.worst, peak)
        print(f"{name:<22}{resident:>7,.0f} MB{peak:>7,.0f} MB{self.held():>7,.0f} MB{duckdb_mb():>7,.0f} MB{wall:>7.1f} s{cpu:>7.1f} s",
              flush=True)
        return result


def duckdb_mb() -> float:
    """Resident memory of DuckDB's own allocator (the jemalloc its library bundles), nan if hidden."""
    import ctypes

    import _duckdb

    try:
        ctl = ctypes.CDLL(_duckdb.__file__).duckdb_je_mallctl
    except (AttributeError, OSError):
        return float("nan")
    epoch, value, size = ctypes.c_uint64(1), ctypes.c_size_t(0), ctypes.c_size_t(ctypes.sizeof(ctypes.c_size_t))
    ctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.c_size_t(8))
    if ctl(b"stats.resident", ctypes.byref(value), ctypes.byref(size), None, ctypes.c_size_t(0)):
        return float("nan")
    return value.value / 2**20


def held_mb(store, settings) -> float:
    """What the current SalesData holds by polars' estimate: its frames, the per-version cubes and
    the memo (the rest of the resident size is the interpreter, DuckDB and the allocators)."""
    from engine.metrics import sales_data as module
    from engine.metrics.result_cache import approximate_size

    data = module._cache.get(store)
    if data is None:
        return 0.0
    frames = [data.deals, data.closed, data.open, data.accounts, data.targets, *data.frames.values()]
    return (sum(approximate_size(f) for f in frames) + data.memo.size) / 2**20


def held_by() -> str:
    """What is alive that a data version leaves behind: planner baselines, SalesData objects, and
    the current memo's entries and bytes (a diagnosis line, printed after the reruns and the end)."""
    import gc

    from engine.metrics import sales_data as module
    from engine.metrics.result_cache import approximate_size
    from engine.planner.baseline import Baseline

    gc.collect()
    objects = gc.get_objects()
    baselines = sum(isinstance(o, Baseline) for o in objects)
    datas = sum(isinstance(o, module.SalesData) for o in objects)
    memos = [(len(d.memo), d.memo.size) for d in module._cache.values()]
    frames = [f"{name if isinstance(name, str) else name[0]} {approximate_size(f) / 2**20:,.0f}"
              for d in module._cache.values() for name, f in d.frames.items()]
    return (f"alive: {baselines} planner baseline(s), {datas} SalesData; memo entries/MB "
            + ", ".join(f"{n}/{size / 2**20:,.0f}" for n, size in memos) + "; per-version MB: " + ", ".join(frames))


def _trim_all() -> None:
    import gc

    from engine.metrics.result_cache import trim_idle_everywhere
    from engine.store.memory import give_back, trim_heap

    trim_idle_everywhere(0)
    gc.collect()
    give_back()
    trim_heap()


def _end(sessions: dict) -> None:
    import gc

    sessions.clear()
    gc.collect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a copy of the database (the bench imports into it)")
    parser.add_argument("--pages", nargs="*", help="page names (default: every page under pages/)")
    args = parser.parse_args()
    db = Path(args.db).resolve()
    if db == Path("/work/big.duckdb"):
        parser.error("the bench imports into the database: give it a copy")
    os.environ["TERRAIN_DB"] = str(db)
    os.environ["TERRAIN_WARM_START"] = "0"  # the bench runs the warm start itself, step by step

    from bench_import import generate
    from bench_pages import SKIP, _session, run_scripts_as_a_server

    run_scripts_as_a_server()
    from engine.commands.warm import warm_steps
    from engine.importing import Limits, import_files
    from engine.metrics.performance import default_period
    from engine.store.settings import load_settings
    from ui import context

    settings = load_settings()
    pages = args.pages or sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem not in SKIP)
    steps = Steps()
    store = steps.run("open", lambda: context.process_store(settings))
    steps.held = lambda: held_mb(store, settings)

    def warm(label: str) -> None:
        for name, call in warm_steps(store, settings):
            steps.run(f"{label} {name}", call)

    def visit(label: str, sessions: dict) -> None:
        period = default_period(store, settings=settings)
        for page in pages:
            app = sessions.get(page) or _session(page, period, "en", {})
            steps.run(f"{label} {page}", app.run)
            if app.exception:
                raise RuntimeError(f"{page} failed: {app.exception[0].message}")
            sessions[page] = app

    sessions: dict = {}
    warm("warm")
    visit("page", sessions)
    with tempfile.TemporaryDirectory() as folder:
        files = list(generate(200, 2000, Path(folder)))
        limits = Limits.from_settings(settings, command_line=True)
        steps.run("import", lambda: import_files(store, files, reporting_currency=settings.reporting_currency,
                                                 limits=limits))
    warm("rebuild")
    visit("rerun", sessions)
    print(f"  {held_by()}")
    steps.run("sessions end", lambda: _end(sessions))  # the browsers left; Streamlit drops their state
    print(f"  {held_by()}")
    steps.run("memo idle", _trim_all)  # what the sweep does once nobody asked for a while (ui/memory_sweep.py)
    print(f"  {held_by()}")
    worst = steps.worst
    print(f"\nworst step peak {worst:,.0f} MB (budget {BUDGET_MB:,} MB: {'ok' if worst <= BUDGET_MB else 'OVER'})")
    return 0 if worst <= BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
