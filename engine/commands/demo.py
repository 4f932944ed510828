"""`python -m engine demo [--db PATH] [--scale N] [--seed S] [--force | --if-empty]`: build the demo company.

Refuses (exit 2) a database that already holds data unless --force, which replaces it in the same
transaction as the build (board links stay, as the users file does), or --if-empty, which leaves it as it is (exit 0: what `scripts/start`
runs before the server, so the first visit opens on a company). Prints each table as it is
written and the time taken.
"""
from __future__ import annotations

import argparse
import sys
import time

from engine.access.permissions import require
from engine.access.viewer_store import viewer_of
from engine.commands import EXIT_OK, EXIT_USAGE, add_db_argument, open_store
from engine.demo.company import build_demo
from engine.i18n import t


def run(args: argparse.Namespace, settings) -> int:
    lang = settings.language
    store = open_store(args, settings)
    try:
        if args.if_empty and not store.is_empty():
            print(t("demo.cli.kept", lang, path=settings.db_path, accounts=f"{store.count('accounts'):,}"))
            return EXIT_OK
        require(viewer_of(store), "import")  # building the demo replaces the data
        if not args.force and not store.is_empty():
            sys.stderr.write(t("demo.cli.refused", lang, path=settings.db_path, accounts=f"{store.count('accounts'):,}",
                               deals=f"{store.count('deals'):,}") + "\n")
            return EXIT_USAGE
        print(t("demo.cli.building", lang, scale=f"{args.scale:g}", seed=args.seed, path=settings.db_path), flush=True)
        started = time.perf_counter()
        summary = build_demo(store, scale=args.scale, seed=args.seed,
                             fiscal_start_month=settings.fiscal_year_start_month,
                             reporting_currency=settings.reporting_currency, replace=args.force,
                             progress=lambda table, rows: _progress(table, rows, started, lang))
        print(t("demo.cli.done", lang, seconds=time.perf_counter() - started, tables=len(summary)), flush=True)
        return EXIT_OK
    finally:
        store.close()


def _progress(table: str, rows: int | None, started: float, lang: str) -> None:
    elapsed = time.perf_counter() - started
    if rows is None:
        print(t("demo.cli.generated", lang, seconds=elapsed), flush=True)
    else:
        print(t("demo.cli.row", lang, table=table, rows=rows, seconds=elapsed), flush=True)


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help=t("demo.cli.help"))
    add_db_argument(parser)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size multiplier: 1 = ~25k accounts and ~150k deals; 40 = ~1M accounts, ~6M deals")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same company)")
    once = parser.add_mutually_exclusive_group()
    once.add_argument("--force", action="store_true", help="replace all data in a database that is not empty (board links are kept)")
    once.add_argument("--if-empty", action="store_true",
                      help="build only into an empty (or new) database; leave one with data as it is")
    parser.set_defaults(handler=run)
