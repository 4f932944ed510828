"""Auto-balance at planning scale: 3,000 postal-code units into 50 territories (budget ≤ 10 s).

Run: `.venv/bin/python bench/bench_balance.py [--units 3000] [--territories 50] [--seed 7]`.
`--demo [DB]` instead times what the planner page runs with its default settings (within the
largest region, ±5%, postal-code units, no curve — engine.planner.balance.plan.default_scope) on
the demo company (built in a temporary file unless DB is given), and the same everywhere.
The company is synthetic and seeded (engine.planner.balance.synthetic), territories start as Voronoi cells
of random home bases, so they are far apart in size — a harder start than most real maps. Prints,
per metric and mode, the wall time, accounts moved, the largest deviation before/after, and the
peak resident memory of the process so far (RSS).
"""
from __future__ import annotations

import argparse
import sys
import time
import resource
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.planner.balance.auto import BalanceRequest, InfeasibleBalance, auto_balance  # noqa: E402
from engine.planner.balance.synthetic import synthetic_company  # noqa: E402

BUDGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--territories", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--demo", nargs="?", const="", default=None, metavar="DB")
    args = parser.parse_args()
    if args.demo is not None:
        return demo_defaults(args.demo)
    data = synthetic_company(units=args.units, territories=args.territories, seed=args.seed)
    print(f"{data.accounts.height:,} accounts in {args.units:,} units, {args.territories} territories")
    print(f"{'metric':<10} {'mode':<11} {'seconds':>8} {'moved':>7} {'units':>6} {'dev before':>11} "
          f"{'dev after':>10} {'peak MB':>8}  method")
    worst = 0.0
    for metric, contiguous in (("accounts", False), ("won", False), ("won", True), ("potential", False)):
        started = time.perf_counter()
        try:
            result = auto_balance(data, BalanceRequest(metrics=(metric,), tolerance=0.05, contiguous=contiguous))
            line = (f"{result.accounts_moved:>7,} {result.units_moved:>6,} {result.max_deviation_before:>11.1%} "
                    f"{result.max_deviation_after:>10.1%}")
            method = result.method
        except InfeasibleBalance as error:
            line, method = f"{'–':>7} {'–':>6} {'':>11} {'':>10}", f"infeasible: {error.message}"
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        worst = max(worst, seconds)
        mode = "contiguous" if contiguous else "free"
        print(f"{metric:<10} {mode:<11} {seconds:>8.2f} {line} {peak:>8.1f}  {method}")
    verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
    print(f"slowest {worst:.2f} s — {verdict} the {BUDGET_SECONDS:.0f} s budget")
    return 0 if worst <= BUDGET_SECONDS else 1


def demo_defaults(db: str) -> int:
    """Time the planner's default auto-balance on the demo company."""
    import tempfile

    from engine.demo.company import build_demo
    from engine.planner.balance.plan import balance_plan, default_scope, scope_territories
    from engine.planner.plan import Plan, build_baseline
    from engine.store import Store
    from engine.store.settings import load_settings

    if not db:
        db = str(Path(tempfile.mkdtemp()) / "demo.duckdb")
        build_demo(Store.open(db))
    store = Store.open(db)
    baseline = build_baseline(store, settings=load_settings({}))
    plan = Plan(baseline)
    region = default_scope(baseline)
    worst = 0.0
    for label, territories in ((f"within {region} (default)", scope_territories(baseline, region)),
                               ("all territories", None)):
        request = BalanceRequest(metrics=("accounts",), tolerance=0.05, unit="postal_code", territories=territories)
        started = time.perf_counter()
        try:
            result = balance_plan(plan, request)
            outcome = f"plan: {result.accounts_moved:,} accounts moved, {result.max_deviation_before:.1%} → " \
                      f"{result.max_deviation_after:.1%} ({result.method})"
        except InfeasibleBalance as error:
            outcome = f"no plan: {error.message[:120]}"
        seconds = time.perf_counter() - started
        if territories is not None:
            worst = seconds
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{baseline.n_accounts:,} accounts, {label:<28} {seconds:6.2f} s  peak {peak:7.1f} MB  {outcome}")
    verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
    print(f"default settings {worst:.2f} s — {verdict} the {BUDGET_SECONDS:.0f} s budget")
    return 0 if worst <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
