"""`python -m engine balance --metric NAME`: auto-balance territories and save the plan as a scenario."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime

import polars as pl

from engine.planner.balance.auto import METRICS, BalanceRequest
from engine.planner.balance.plan import apply_result, balance_plan, resolve_locks, scope_territories
from engine.planner.balance.units import UNIT_KINDS
from engine.commands import EXIT_OK, add_db_argument, open_store
from engine.store.exports import csv_text, write_csv_file
from engine.planner.indices import balance_table
from engine.planner.plan import Plan, build_baseline, whatif_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "balance", help="auto-balance territories on a metric and save the plan as a scenario",
        description="Redraw the plannable territories so that every one is within ±tolerance of the mean "
                    "of the chosen metric(s), moving as few accounts and adding as little travel as "
                    "possible. Prints the before/after per territory and the balance indices, and saves "
                    "the plan as a scenario (see `python -m engine scenario`).")
    add_db_argument(parser)
    parser.add_argument("--metric", action="append", required=True, choices=sorted(METRICS),
                        help="metric to balance; repeat to balance several at once")
    parser.add_argument("--tolerance", type=float, default=0.05, help="allowed deviation from the mean (0.05 = ±5%%)")
    parser.add_argument("--lock", nargs="+", default=[], metavar="TERRITORY_OR_ACCOUNT",
                        help="territories (id or name) that neither give nor take accounts, or accounts that stay")
    parser.add_argument("--within", metavar="TERRITORY",
                        help="redraw only the territories at or below this one (id or name), e.g. a region")
    parser.add_argument("--contiguous", action="store_true", help="keep every territory's units connected")
    parser.add_argument("--unit", choices=UNIT_KINDS, default="postal_code", help="what moves as one piece")
    parser.add_argument("--travel-weight", type=float, default=1.0,
                        help="how much added travel counts against moving an account (0 = ignore travel)")
    parser.add_argument("--time-limit", type=float, default=8.0, help="seconds the solver may use")
    parser.add_argument("--name", help="scenario name (default: 'Auto-balance <metric> ±<tolerance> <time>')")
    parser.add_argument("--note", help="note on the scenario")
    parser.add_argument("--author", help="author of the scenario")
    parser.add_argument("--no-save", action="store_true", help="print the figures only, save no scenario")
    parser.add_argument("--out", help="also write the moves as CSV: account_id, to_territory, to_rep")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings) -> int:
    store = open_store(args, settings)
    baseline = build_baseline(store, settings=settings)
    locked_territories, locked_accounts = resolve_locks(baseline, args.lock)
    request = BalanceRequest(metrics=tuple(dict.fromkeys(args.metric)), tolerance=args.tolerance,
                             locked_territories=locked_territories, locked_accounts=locked_accounts,
                             contiguous=args.contiguous, unit=args.unit, travel_weight=args.travel_weight,
                             time_limit=args.time_limit,
                             territories=scope_territories(baseline, args.within) if args.within else None)
    result = balance_plan(Plan(baseline), request)
    plan = Plan(baseline)
    apply_result(plan, result)
    report = whatif_report(plan).with_columns(
        pl.col("won_before", "won_after", "pipeline_before", "pipeline_after").round(2),
        pl.col("travel_km_before", "travel_km_after").round(1))
    indices = balance_table(plan)
    if args.format == "json":
        sys.stdout.write(pl.DataFrame({"territories": [report.to_dicts()], "balance": [indices.to_dicts()]})
                         .write_json() + "\n")
    else:
        sys.stdout.write(csv_text(report))
        sys.stdout.write("\n")
        sys.stdout.write(csv_text(indices))
    sys.stderr.write(
        f"{result.accounts_moved} account(s) in {result.units_moved} {args.unit} unit(s) moved; largest deviation "
        f"from the mean {result.max_deviation_before:.1%} → {result.max_deviation_after:.1%}; "
        f"{result.method}, {result.seconds:.2f} s.\n")
    if args.out:
        changes = plan.changes().select("account_id", pl.col("to_territory_id").alias("to_territory"),
                                        pl.col("to_rep_id").alias("to_rep"))
        write_csv_file(changes, args.out)
    if not args.no_save and result.accounts_moved:
        from engine.planner.scenarios import save_scenario

        name = args.name or (f"Auto-balance {'+'.join(request.metrics)} ±{request.tolerance:.0%} "
                             f"{datetime.now():%Y-%m-%d %H:%M:%S}")
        scenario_id = save_scenario(store, plan, name, author=args.author, note=args.note)
        sys.stderr.write(f"Saved scenario {scenario_id} '{name}'.\n")
    return EXIT_OK
