"""`python -m engine import FILE... [--db PATH] [--source ...] [--entity ...] [--map COLUMN=FIELD ...]
[--stage NAME=STATUS ...] [--profile NAME] [--save-profile NAME] [--skip-invalid] [--encoding NAME]
[--split-targets even|seasonal]`

Imports CRM exports in one transaction and prints, per file, the detected source, entity and text
encoding and the rows read / loaded / rejected. Exit codes: 0 everything loaded, 1 anything was rejected
(strict mode: nothing was written), 2 bad usage (unknown file, option or field).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.commands import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_db_argument, open_store
from engine.store.errors import ImportFailed, TerrainError
from engine.importing import (ENCODINGS, ENTITIES, SOURCES, Limits, encoding_label, load_profile,
                              parse_overrides, plan_files, run_import, save_profile)
from engine.importing.target_periods import SPLITS
from engine.metrics.seasonality import target_split
from engine.store.settings import Settings
from engine.importing.problems import PROBLEM_COLUMNS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="import CRM exports (CSV, XLSX, Parquet)",
        description="Import CRM exports. Several files form one import: all load or none does.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="export files (CSV, XLSX or Parquet)")
    add_db_argument(parser)
    parser.add_argument("--source", default="auto", choices=("auto", *SOURCES),
                        help="which CRM wrote the files (default: detected from the headers)")
    parser.add_argument("--entity", default="auto", choices=("auto", *ENTITIES),
                        help="what the files hold (default: detected from the headers)")
    parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                        help="map an export column to a field (repeatable); COLUMN= ignores the column")
    parser.add_argument("--stage", action="append", default=[], metavar="NAME=STATUS",
                        help="say whether an unknown stage is open, won or lost (repeatable)")
    parser.add_argument("--profile", help="apply a saved mapping profile")
    parser.add_argument("--save-profile", metavar="NAME", help="save the mapping used as a named profile")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="load the valid rows and keep rejected rows in import_rejects")
    parser.add_argument("--split-targets", choices=SPLITS, default="even",
                        help="how a target given for a quarter or year is spread over its months: evenly "
                             "(default) or by seasonality (each month's share of past years' won revenue)")
    parser.add_argument("--encoding", metavar="NAME",
                        help="text encoding of the CSV files (default: detected), e.g. "
                             + ", ".join(e for e in ENCODINGS if e != "utf-8-sig"))
    parser.set_defaults(handler=run)


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stage_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, _, status = pair.rpartition("=")
        if not name or status.strip().lower() not in ("open", "won", "lost"):
            raise TerrainError(f"--stage expects NAME=open|won|lost, got '{pair}'.")
        overrides[name.strip()] = status.strip().lower()
    return overrides


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = sys.stdout
    try:
        overrides = parse_overrides(args.map)
        stages = _stage_overrides(args.stage)
    except TerrainError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    undecodable = [f for f in args.files if not _is_text(f)]
    if undecodable:  # the system gave the name as bytes that are not UTF-8 (kept as surrogates)
        shown = ", ".join(f.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") for f in undecodable)
        sys.stderr.write(f"error: the file name {shown} is not valid UTF-8 text, so it cannot be read or recorded; "
                         "rename the file with plain letters (e.g. cafe.csv) and import it again\n")
        return EXIT_USAGE
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        sys.stderr.write(f"error: no such file: {', '.join(missing)}\n")
        return EXIT_USAGE
    store = open_store(args, settings)
    try:
        source, entity = args.source, args.entity
        if args.profile:
            profile_source, profile_entity, profile_mapping = load_profile(store, args.profile)
            source = profile_source if source == "auto" else source
            entity = profile_entity if entity == "auto" else entity
            overrides = {**profile_mapping, **overrides}
        plan = plan_files([Path(f) for f in args.files], source=source, entity=entity, overrides=overrides,
                          limits=Limits.from_settings(settings, command_line=True), encoding=args.encoding)
        plan.target_split = target_split(store, settings, args.split_targets)
        try:
            for file_plan in plan.ordered():
                if file_plan.table.kind == "delimited":
                    how = "as chosen" if args.encoding else "detected"
                    out.write(f"{file_plan.file_name}: text read as {encoding_label(file_plan.table.encoding)} "
                              f"({how}; override with --encoding)\n")
                guessed = file_plan.mapping.filter(file_plan.mapping["how"] == "suggested")
                for column, field, confidence in guessed.select("column", "field", "confidence").iter_rows():
                    out.write(f"{file_plan.file_name}: mapped '{column}' → {field} "
                              f"(suggested, {confidence:.0%} sure; override with --map)\n")
                looked = file_plan.mapping.filter(file_plan.mapping["how"].is_in(["year", "unreadable"]))
                for column, field, note in looked.select("column", "field", "note").iter_rows():
                    where = f"mapped '{column}' → {field}" if field else f"left '{column}' unmapped"
                    out.write(f"{file_plan.file_name}: {where}: {note}\n")
            try:
                result = run_import(store, plan, reporting_currency=settings.reporting_currency,
                                    skip_invalid=args.skip_invalid, stage_overrides=stages,
                                    keep_crm_territory=settings.keep_crm_territory)
            except ImportFailed as failure:
                _print_failure(failure, plan)
                return EXIT_PROBLEMS
            if args.save_profile and len(plan.files) == 1:
                only = plan.files[0]
                save_profile(store, args.save_profile, only.source, only.entity, only.columns)
                out.write(f"saved mapping profile '{args.save_profile}'\n")
        finally:
            plan.close()
    except TerrainError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    finally:
        store.close()
    out.write(f"{'file':40} {'source':11} {'entity':11} {'read':>10} {'loaded':>10} {'rejected':>10}\n")
    for row in result.files.iter_rows(named=True):
        out.write(f"{row['file'][:40]:40} {row['source']:11} {row['entity']:11} {row['rows_in']:>10,} "
                  f"{row['rows_loaded']:>10,} {row['rows_rejected']:>10,}\n")
    if result.routed or result.orphans:
        out.write(f"routed {result.routed:,} new account(s) by the assignment rules; {result.orphans:,} orphan(s) "
                  "matched no rule (python -m engine report orphans)\n")
    for warning in [*result.warnings, *result.notes]:
        out.write(f"note: {warning}\n")
    if result.problems.height:
        out.write(f"{result.problems.height:,} problem(s); rejected rows are kept in import_rejects:\n")
        for problem in result.problems.head(20).select("file", *PROBLEM_COLUMNS).iter_rows():
            out.write(f"  {_describe(problem)}\n")
    return EXIT_PROBLEMS if result.rejected or result.problems.height else EXIT_OK


def _describe(problem: tuple) -> str:
    file, row, column, value, reason = problem
    where = ", ".join(x for x in (file, f"row {row}" if row is not None else "",
                                  f"column '{column}'" if column else "") if x)
    return f"{where}: {reason}" + (f" (value '{value}')" if value is not None else "")


def _print_failure(failure: ImportFailed, plan) -> None:
    err = sys.stderr
    err.write(f"error: {failure.message}\n")
    for file_plan in plan.ordered():
        err.write(f"  {file_plan.file_name}: {file_plan.source} {file_plan.entity}\n")
    for problem in failure.problems:
        err.write(f"  {problem}\n")
    if failure.hint:
        err.write(f"{failure.hint}\n")
