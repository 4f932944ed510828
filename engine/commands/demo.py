"""`python -m engine demo [--db PATH] [--scale N] [--seed S] [--force]`: build the demo company.

Refuses (exit 2) a database that already holds data unless --force, which replaces it in the same
transaction as the build. Prints the rows written per table and the time taken.
"""
from __future__ import annotations

import argparse
import sys
import time

from engine.commands import EXIT_OK, EXIT_USAGE, add_db_argument
from engine.demo.company import build_demo
from engine.i18n import t
from engine.store import Store


def run(args: argparse.Namespace, settings) -> int:
    lang = settings.language
    store = Store.open(settings.db_path, adopt=settings.adopt_database)
    try:
        if not args.force and not store.is_empty():
            sys.stderr.write(t("demo.cli.refused", lang, path=settings.db_path, accounts=f"{store.count('accounts'):,}",
                               deals=f"{store.count('deals'):,}") + "\n")
            return EXIT_USAGE
        print(t("demo.cli.building", lang, scale=f"{args.scale:g}", seed=args.seed, path=settings.db_path), flush=True)
        started = time.perf_counter()
        summary = build_demo(store, scale=args.scale, seed=args.seed,
                             fiscal_start_month=settings.fiscal_year_start_month,
                             reporting_currency=settings.reporting_currency, replace=args.force)
        for table, rows in summary.items():
            print(t("demo.cli.row", lang, table=table, rows=rows))
        print(t("demo.cli.done", lang, seconds=time.perf_counter() - started))
        return EXIT_OK
    finally:
        store.close()


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help=t("demo.cli.help"))
    add_db_argument(parser)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size multiplier: 1 = ~25k accounts and ~150k deals; 40 = ~1M accounts, ~6M deals")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same company)")
    parser.add_argument("--force", action="store_true",
                        help="replace all data in a database that is not empty")
    parser.set_defaults(handler=run)
