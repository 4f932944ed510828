"""Server time per page: each page's script run as the server runs it, against a database.

    .venv/bin/python bench/bench_pages.py --db big.duckdb         (python -m engine demo --scale 40)
    .venv/bin/python bench/bench_pages.py --db big.duckdb --pages activity forecast --runs 7

Every page under pages/ runs through Streamlit's own script runner (`streamlit.testing.v1.AppTest`,
the harness tests/app uses), in one process as a server would, with what app.py puts in the session
(language, period, the shell flag, a tab that has painted the page before) and, as a server, one
compiled copy of each script (AppTest alone would compile it again on every run). Printed per page:
- load   — the process's first read of the database into memory (`sales_data`), once, before the pages;
- cold   — the page's first run in the process (its per-period figures not computed yet);
- warm   — the median rerun of that session (a widget, a language switch, the next visitor …);
- other  — a second session's first run of the page, after the first one: the twentieth person
           opening the same page at 9:00;
each as wall time and CPU time of the process (all threads), and the budget: ≤ 150 ms warm.
`--profile N` prints, per page, the N functions that took the most time in one warm rerun (cProfile
of the script's thread, cumulative), to find what repeats per rerun; with `--profile-run other`, of one
more session's first run instead (what each new visitor of a page costs).
Beside them, the process's resident memory after the page and what the page added to it (the
memory breakdown per page visit: what each page keeps per data version); peak memory (VmHWM) at
the end. The periods are the app's default (the quarter holding
the data's as-of date) unless --period says otherwise.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BUDGET_MS = 150
SKIP = {"import"}  # the Import page computes nothing until a file is dropped


def memory_mb(field: str = "VmHWM", pid: str = "self") -> float:
    """A memory figure of a process from /proc (VmRSS now, VmHWM the peak), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_scripts_as_a_server() -> None:
    """Make AppTest run the pages as a server does (call before the first AppTest)."""
    import logging

    import streamlit.runtime.scriptrunner_utils.script_run_context as run_context
    # Session state set from the bench's thread, between runs, warns on every call: harmless here.
    logging.getLogger(run_context.__name__).disabled = True
    logging.getLogger("streamlit.runtime.state.session_state_proxy").disabled = True
    # A server compiles each page once (its ScriptCache); AppTest would compile it on every run.
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared_scripts = ScriptCache()
    local_runner.ScriptCache = lambda: shared_scripts


def _session(page: str, period, lang: str, query: dict):
    from streamlit.testing.v1 import AppTest

    from ui.first_paint import painted_key

    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=600)
    app.session_state[painted_key(page)] = True
    app.session_state["period"] = period
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True
    for key, value in query.items():
        app.query_params[key] = value
    return app


def _profiled(app, top: int) -> None:
    """One rerun of `app` under cProfile (in the script runner's thread), the `top` costliest printed."""
    import cProfile
    import pstats

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    profile, original = cProfile.Profile(), ScriptRunner._run_script

    def run_script(self, rerun_data):
        profile.enable()
        try:
            return original(self, rerun_data)
        finally:
            profile.disable()

    ScriptRunner._run_script = run_script
    try:
        app.run()
    finally:
        ScriptRunner._run_script = original
    pstats.Stats(profile).sort_stats("cumulative").print_stats(top)


def _timed(app) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    app.run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if app.exception:
        raise RuntimeError(f"the page failed: {app.exception[0].message}")
    return wall * 1000, cpu * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the database file the pages read")
    parser.add_argument("--pages", nargs="*", help="page names (default: every page under pages/)")
    parser.add_argument("--runs", type=int, default=5, help="warm reruns per page (median)")
    parser.add_argument("--period", help="e.g. 2026-Q3 (default: the app's default period)")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--query", action="append", default=[], metavar="KEY=VALUE",
                        help="URL parameter for every page, e.g. scope=T-EMEA (repeatable)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions of one warm rerun per page")
    parser.add_argument("--profile-run", choices=("warm", "other"), default="warm",
                        help="which run --profile looks at: a warm rerun, or one more session's first run")
    args = parser.parse_args()
    os.environ["TERRAIN_DB"] = str(Path(args.db).resolve())
    os.environ.setdefault("TERRAIN_WARM_START", "0")  # the bench measures cold runs itself

    run_scripts_as_a_server()

    from engine.metrics.performance import default_period
    from engine.metrics.periods import parse_period
    from engine.metrics.sales_data import sales_data
    from engine.store.settings import load_settings
    from ui import context

    settings = load_settings()
    pages = args.pages or sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem not in SKIP)
    query = dict(item.split("=", 1) for item in args.query)
    wall, cpu = time.perf_counter(), time.process_time()
    store = context.process_store(settings)
    data = sales_data(store, settings.reporting_currency)
    load = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
    period = parse_period(args.period, settings.fiscal_year_start_month) if args.period else default_period(store, settings=settings)
    print(f"{args.db}: {data.deals.height:,} deals, {data.accounts.height:,} accounts; period {period.code}, "
          f"lang {args.lang}; load {load[0]:,.0f} ms wall / {load[1]:,.0f} ms CPU")
    print(f"\n{'page':<11}{'cold wall':>11}{'cpu':>9}{'warm wall':>11}{'cpu':>9}{'other wall':>12}{'cpu':>9}"
          f"{'budget':>9}{'memory':>11}{'added':>9}")
    ok = True
    resident = memory_mb("VmRSS")
    for page in pages:
        app = _session(page, period, args.lang, query)
        cold = _timed(app)
        warm = [_timed(app) for _ in range(args.runs)]
        other = _timed(_session(page, period, args.lang, query))
        if args.profile:
            _profiled(app if args.profile_run == "warm" else _session(page, period, args.lang, query), args.profile)
        warm_wall = statistics.median(w for w, _ in warm)
        warm_cpu = statistics.median(c for _, c in warm)
        within = warm_wall <= BUDGET_MS
        ok &= within
        print(f"{page:<11}{cold[0]:>8,.0f} ms{cold[1]:>6,.0f} ms{warm_wall:>8,.0f} ms{warm_cpu:>6,.0f} ms"
              f"{other[0]:>9,.0f} ms{other[1]:>6,.0f} ms{BUDGET_MS:>6} ms {'ok' if within else 'OVER'}"
              f"{memory_mb('VmRSS'):>8,.0f} MB{memory_mb('VmRSS') - resident:>+6,.0f} MB", flush=True)
        resident = memory_mb("VmRSS")
    print(f"\npeak memory {memory_mb('VmHWM'):,.0f} MB, now {memory_mb('VmRSS'):,.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
