"""`python -m engine <command> ...`: everything the UI does to data, headless.

Each command lives in `engine/commands/<name>.py` with `register(subparsers)` that adds its parser
and sets `handler(args, settings) -> int`. Exit codes: 0 success, 1 the data had problems
(e.g. rejected rows), 2 bad usage or a refused operation.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from engine import commands
from engine.commands import EXIT_USAGE
from engine.store.errors import TerrainError
from engine.store.settings import load_settings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on bad usage: keep that, with help
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine", description="Terrain, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(db_path=getattr(args, "db", None))
        return int(args.handler(args, settings))
    except TerrainError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
