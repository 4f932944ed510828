"""One module per CLI command, each with `register(subparsers)`; `engine/cli.py` builds the parser.

What every command shares lives here (so the commands never import the CLI that imports them):
the exit codes and the `--db` argument.
"""
from __future__ import annotations

import argparse

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="DuckDB database file (default: $TERRAIN_DB or terrain.duckdb)")
