"""`python -m engine scenario list|show|compare|export|apply|undo|delete`: saved scenarios, headless."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from engine.planner import crm_export, scenarios
from engine.commands import EXIT_OK, add_db_argument
from engine.commands.whatif import write_table
from engine.store import Store
from engine.planner.plan import build_baseline, whatif_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scenario", help="list, show, compare, export, apply, undo or delete scenarios")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))

    def action(name: str, help_text: str, handler, *, with_id: bool = True, fmt: bool = False) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_db_argument(sub)
        if with_id:
            sub.add_argument("scenario_id", help="scenario id, e.g. S0001 (see `scenario list`)")
        if fmt:
            sub.add_argument("--format", choices=("csv", "json"), default="csv")
        sub.set_defaults(handler=handler)
        return sub

    action("list", "list saved scenarios, newest first", _list, with_id=False, fmt=True)
    show = action("show", "before/after per territory of a scenario (or its account moves)", _show, fmt=True)
    show.add_argument("--accounts", action="store_true", help="print the account-level moves instead")
    compare = action("compare", "scenario × metric matrix (or the account-level diff)", _compare,
                     with_id=False, fmt=True)
    compare.add_argument("scenario_ids", nargs="+", metavar="scenario_id")
    compare.add_argument("--accounts", action="store_true", help="print the account-level diff instead")
    export = action("export", "write the CRM's re-import file for a scenario", _export)
    export.add_argument("--crm", choices=tuple(crm_export.FORMATS), default="generic", help="file layout")
    export.add_argument("--out", help="file to write (default: standard output)")
    apply = action("apply", "make a scenario the live assignment (one transaction, logged)", _apply)
    apply.add_argument("--actor", help="who applies it (recorded in assignment_log)")
    undo = action("undo", "put back the assignment an applied scenario replaced", _undo)
    undo.add_argument("--actor", help="who undoes it (recorded in assignment_log)")
    action("delete", "delete a scenario", _delete)


def _list(args, settings) -> int:
    write_table(scenarios.list_scenarios(Store.open(settings.db_path, adopt=settings.adopt_database)), args.format)
    return EXIT_OK


def _show(args, settings) -> int:
    store = Store.open(settings.db_path, adopt=settings.adopt_database)
    if args.accounts:
        write_table(scenarios.scenario_moves(store, args.scenario_id), args.format)
        return EXIT_OK
    plan = scenarios.load_plan(store, build_baseline(store, settings=settings), args.scenario_id)
    write_table(whatif_report(plan).with_columns(
        pl.col("won_before", "won_after", "pipeline_before", "pipeline_after").round(2),
        pl.col("travel_km_before", "travel_km_after").round(1)), args.format)
    return EXIT_OK


def _compare(args, settings) -> int:
    store = Store.open(settings.db_path, adopt=settings.adopt_database)
    baseline = build_baseline(store, settings=settings)
    if args.accounts:
        write_table(scenarios.compare_accounts(store, baseline, args.scenario_ids), args.format)
    else:
        write_table(scenarios.compare_scenarios(store, baseline, args.scenario_ids), args.format)
    return EXIT_OK


def _export(args, settings) -> int:
    data = crm_export.export_scenario(Store.open(settings.db_path, adopt=settings.adopt_database), args.scenario_id, args.crm)
    if args.out:
        Path(args.out).write_bytes(data)
        sys.stderr.write(f"Wrote {args.out} ({args.crm}).\n")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def _apply(args, settings) -> int:
    count = scenarios.apply_scenario(Store.open(settings.db_path, adopt=settings.adopt_database), args.scenario_id, actor=args.actor)
    sys.stdout.write(f"Applied scenario {args.scenario_id}: {count} account(s) reassigned.\n")
    return EXIT_OK


def _undo(args, settings) -> int:
    count = scenarios.undo_scenario(Store.open(settings.db_path, adopt=settings.adopt_database), args.scenario_id, actor=args.actor)
    sys.stdout.write(f"Undid scenario {args.scenario_id}: {count} account(s) restored.\n")
    return EXIT_OK


def _delete(args, settings) -> int:
    scenarios.delete_scenario(Store.open(settings.db_path, adopt=settings.adopt_database), args.scenario_id)
    sys.stdout.write(f"Deleted scenario {args.scenario_id}.\n")
    return EXIT_OK
