"""`python -m engine assign [--rules FILE] [--apply | --undo]`: simulate the assignment rules, and
publish them.

Prints one row per territory (`name, accounts_before, accounts_after`, then won revenue of the
trailing 12 months before/after and the id) as CSV, or JSON with `territories` and the lists
`orphans`, `ties`, `dead_rules`, `changes`, `deal_moves`. Exit 0; 1 when an orphan or a tie remains;
2 on bad usage or a rule error (printed with its position).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import polars as pl

from engine.commands import EXIT_OK, EXIT_PROBLEMS, add_db_argument
from engine.store import Store
from engine.territories.publish import apply_rules, simulate_live, undo_last
from engine.territories.rules import save_rules
from engine.territories.rules_file import read_rules_csv
from engine.store.exports import csv_text

TERRITORY_COLUMNS = ("name", "accounts_before", "accounts_after", "won_before", "won_after", "territory_id")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assign", help="simulate the territory rules (and apply them with --apply)",
        description="Run the territory assignment rules over the accounts and open deals and print what "
                    "would change per territory. With --rules, the rules of that CSV (territory, priority, "
                    "expression[, kind, active, rule_id, name]) are used instead of the stored ones; with "
                    "--apply they are also stored and the result is written (one assignment_log row per "
                    "changed account). Exit 0, 1 when orphans or ties remain, 2 on a rule error.")
    add_db_argument(parser)
    parser.add_argument("--rules", metavar="FILE", help="rules CSV to use instead of the stored rules")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--apply", action="store_true", help="write the result (and store --rules)")
    action.add_argument("--undo", action="store_true", help="undo the last applied rule run")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--actor", default="cli", help="who is recorded in assignment_log (default: cli)")
    parser.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="day the trailing 12 months of won revenue end (default: today, or the day after "
                             "the last won deal when the data ends more than a year ago)")
    parser.set_defaults(handler=run)


def _rows(frame: pl.DataFrame) -> list[dict]:
    return json.loads(frame.with_columns(pl.col(pl.Float64).round(2)).write_json())


def run(args: argparse.Namespace, settings) -> int:
    store = Store.open(settings.db_path)
    try:
        if args.undo:
            undone = undo_last(store, actor=args.actor)
            sys.stderr.write(f"undid run {undone.run_id}: {undone.accounts_changed} account(s) and "
                             f"{undone.deals_changed} deal(s) put back\n")
            return EXIT_OK
        rules = None
        if args.rules:
            rules = read_rules_csv(args.rules, store.table("territories", ["territory_id", "name"]))
        simulation = simulate_live(store, rules, as_of=args.as_of)
        applied = None
        if args.apply:
            if rules is not None:
                save_rules(store, rules, actor=args.actor)
            applied = apply_rules(store, actor=args.actor)
    finally:
        store.close()
    territories = simulation.territories.select(TERRITORY_COLUMNS)
    if args.format == "json":
        out = {"as_of": simulation.as_of.isoformat(), "territories": _rows(territories),
               "orphans": _rows(simulation.orphans), "ties": _rows(simulation.ties),
               "dead_rules": _rows(simulation.dead_rules), "changes": _rows(simulation.changes),
               "deal_moves": _rows(simulation.deal_moves),
               "applied": None if applied is None else {"run_id": applied.run_id,
                                                        "accounts_changed": applied.accounts_changed,
                                                        "deals_changed": applied.deals_changed}}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(csv_text(territories.with_columns(pl.col(pl.Float64).round(2))))
    sys.stderr.write(
        f"{simulation.changes.height} account(s) change territory or owner, {simulation.deals.height} open "
        f"deal(s) move ({simulation.deal_moves.height} by deal rules); {simulation.orphans.height} orphan(s), "
        f"{simulation.ties.height} tie(s), {simulation.dead_rules.height} dead rule(s)\n")
    if applied is not None:
        sys.stderr.write(f"applied as run {applied.run_id}: {applied.accounts_changed} account(s), "
                         f"{applied.deals_changed} deal(s)\n" if applied.run_id else "applied: nothing to change\n")
    return EXIT_PROBLEMS if simulation.orphans.height or simulation.ties.height else EXIT_OK
