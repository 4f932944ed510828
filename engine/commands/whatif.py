"""`python -m engine whatif --moves FILE`: the before/after per territory of a set of moves."""
from __future__ import annotations

import argparse
import sys
from datetime import date

import polars as pl

from engine.commands import EXIT_OK, EXIT_PROBLEMS, add_db_argument, open_store
from engine.store.errors import ImportFailed
from engine.store.exports import csv_text
from engine.planner.plan import Plan, build_baseline, whatif_report
from engine.planner.moves_file import read_moves


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "whatif", help="before/after per territory of moving accounts (a moves CSV)",
        description="Apply the moves of a CSV (account_id, to_territory[, to_rep] or unit, value, "
                    "to_territory[, to_rep]) to the live assignment, in memory, and print the before/after "
                    "per territory: name, accounts_before, accounts_after, won_before, won_after, "
                    "pipeline_before, pipeline_after, travel_km_before, travel_km_after.")
    add_db_argument(parser)
    parser.add_argument("--moves", required=True, help="CSV of moves")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="day the trailing 12 months end (default: today, or the day after the last won "
                             "deal when the data ends more than a year ago)")
    parser.add_argument("--save", metavar="NAME", help="also save the moves as a scenario with this name")
    parser.add_argument("--author", help="author of the saved scenario")
    parser.add_argument("--note", help="note on the saved scenario")
    parser.set_defaults(handler=run)


def print_problems(error: ImportFailed) -> int:
    sys.stderr.write(f"error: {error}\n")
    for problem in error.problems:
        sys.stderr.write(f"  {problem}\n")
    return EXIT_PROBLEMS


def write_table(frame: pl.DataFrame, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(csv_text(frame))


def run(args: argparse.Namespace, settings) -> int:
    store = open_store(args, settings)
    baseline = build_baseline(store, as_of=args.as_of, settings=settings)
    try:
        moves = read_moves(args.moves, baseline)
    except ImportFailed as error:
        return print_problems(error)
    plan = Plan(baseline)
    for move in moves:
        plan.apply(move)
    report = whatif_report(plan).with_columns(
        pl.col("won_before", "won_after", "pipeline_before", "pipeline_after").round(2),
        pl.col("travel_km_before", "travel_km_after").round(1))
    write_table(report, args.format)
    if args.save:
        from engine.planner.scenarios import save_scenario

        scenario_id = save_scenario(store, plan, args.save, author=args.author, note=args.note)
        sys.stderr.write(f"Saved scenario {scenario_id} '{args.save}': {plan.changed_positions().size} account(s).\n")
    return EXIT_OK
