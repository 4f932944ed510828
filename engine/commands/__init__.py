"""One module per CLI command, each with `register(subparsers)`; `engine/cli.py` builds the parser.

What every command shares lives here (so the commands never import the CLI that imports them):
the exit codes, the `--db` and `--as-user` arguments, and opening the store as that user.
"""
from __future__ import annotations

import argparse

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="DuckDB database file (default: $TERRAIN_DB or terrain.duckdb)")
    parser.add_argument("--as-user", metavar="NAME", dest="as_user",
                        help="see and act as this user of the users file: only their territories, "
                             "and only the writes their role may make")


def open_store(args: argparse.Namespace, settings):
    """The store of `settings`, bound to `--as-user` when given (an unknown user is refused).
    Without it the command acts as the local admin: whoever runs it can read the file anyway."""
    from engine.access.users import UserError, UsersFile, users_path
    from engine.access.viewer_store import as_viewer
    from engine.access.visibility import Viewer
    from engine.store import Store

    name = getattr(args, "as_user", None)
    viewer = None
    if name:
        user = UsersFile(users_path(settings)).get(name)
        if user is None:
            raise UserError(f"There is no user '{name}' in {users_path(settings)}.",
                            hint="`python -m engine users list` shows them.")
        viewer = Viewer.of(user)
    return as_viewer(Store.open(settings.db_path, adopt=settings.adopt_database), viewer)
