"""`python -m engine users add|list|remove|passwd`: who may sign in, kept in the users file; and
`users board-link create|list|revoke`: the read-only links of wall screens (engine.access.board_links).

Passwords come from standard input (`--password-stdin`, first line) or a prompt, never from the
command line (it would land in the shell history and the process list). Adding the first user
turns sign-in on for the app; removing the file turns it off.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from engine.access.permissions import require
from engine.access.users import ROLE_HELP, ROLES, UserError, UsersFile, users_path
from engine.commands import EXIT_OK, add_db_argument
from engine.store.errors import DatabaseBusyError, StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="add, list, remove users or change a password (sign-in)")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))

    def action(name: str, help_text: str, handler, with_name: bool = True) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_db_argument(sub)
        sub.add_argument("--users-file", help="the users file (default: $TERRAIN_USERS, else beside the database)")
        if with_name:
            sub.add_argument("name", help="the user's sign-in name")
        sub.set_defaults(handler=handler)
        return sub

    add = action("add", "add a user (the first one turns sign-in on)", _add)
    add.add_argument("--role", required=True, choices=ROLES,
                     help="; ".join(f"{role}: {text}" for role, text in ROLE_HELP.items()))
    add.add_argument("--rep", help="the rep id this user is (their territories become theirs to see)")
    add.add_argument("--territory", action="append", default=[], metavar="TERRITORY_ID",
                     help="a territory this user sees, with everything below it (repeatable)")
    add.add_argument("--email", help="e-mail, to match a single sign-on (OIDC) identity")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    listing = action("list", "list the users (never their passwords)", _list, with_name=False)
    listing.add_argument("--format", choices=("csv", "json"), default="csv")
    action("remove", "remove a user", _remove)
    passwd = action("passwd", "set a user's password", _passwd)
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _register_board_links(actions)


def _register_board_links(actions) -> None:
    parser = actions.add_parser("board-link", help="read-only board links for wall screens (with sign-in on)",
                                description="Read-only board links: a wall screen opens board?token=… without "
                                            "signing in, sees only the link's scope and can open no other page.")
    links = parser.add_subparsers(dest="link_action", required=True, parser_class=type(parser))
    create = links.add_parser("create", help="create a link (the token is printed once, only its hash is kept)")
    create.add_argument("--label", required=True, help="what the screen is, e.g. 'Shanghai lobby'")
    create.add_argument("--scope", help="a territory id: the board shows it and everything below (default: company)")
    create.add_argument("--lang", help="the board's language (en, zh; default: the setting)")
    create.add_argument("--rotate", type=int, help="seconds per panel, 5 to 600 (default: TERRAIN_BOARD_ROTATE)")
    create.add_argument("--base-url", help="the app's address, to print the whole link (e.g. http://wall:8501)")
    create.set_defaults(handler=_link_create)
    listing = links.add_parser("list", help="list the links (never a token)")
    listing.add_argument("--format", choices=("csv", "json"), default="csv")
    listing.set_defaults(handler=_link_list)
    revoke = links.add_parser("revoke", help="revoke a link: its screen shows 'revoked' and no data")
    revoke.add_argument("link_id", help="the 12-character id that `users board-link list` shows")
    revoke.set_defaults(handler=_link_revoke)
    for sub in (create, listing, revoke):
        add_db_argument(sub)


def _with_store(args, settings, work):
    from engine.commands import open_store

    store = open_store(args, settings)
    try:
        return work(store)
    finally:
        store.close()


def _link_create(args, settings) -> int:
    from engine.access.board_links import create_link

    token, link = _with_store(args, settings, lambda store: create_link(
        store, args.label, args.scope, args.lang, args.rotate))
    path = f"board?token={token}"
    sys.stdout.write(f"Created board link {link.link_id} ({link.label}, scope {link.scope or 'company'}).\n")
    sys.stdout.write(f"{args.base_url.rstrip('/')}/{path}\n" if args.base_url else f"{path}\n")
    sys.stdout.write("The token is shown only now: Terrain keeps its hash, not the token.\n")
    return EXIT_OK


def _link_list(args, settings) -> int:
    from engine.access.board_links import list_links
    from engine.store.exports import csv_text

    links = _with_store(args, settings, list_links)
    if args.format == "json":
        json.dump(links.to_dicts(), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(csv_text(links))
    return EXIT_OK


def _link_revoke(args, settings) -> int:
    from engine.access.board_links import revoke_link

    link = _with_store(args, settings, lambda store: revoke_link(store, args.link_id))
    sys.stdout.write(f"Revoked board link {link.link_id} ({link.label}); its screen now says so and shows no data.\n")
    return EXIT_OK


def _file(args, settings) -> UsersFile:
    users = UsersFile(args.users_file or users_path(settings))
    if getattr(args, "as_user", None):  # acting as someone: only an admin manages users
        from engine.access.visibility import Viewer

        actor = users.get(args.as_user)
        if actor is None:
            raise UserError(f"There is no user '{args.as_user}'.", hint="`python -m engine users list` shows them.")
        require(Viewer.of(actor), "users")
    return users


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("No password given.", hint="Pipe it in with --password-stdin, or run in a terminal.")
    first, second = getpass.getpass("Password: "), getpass.getpass("Again: ")
    if first != second:
        raise UserError("The two passwords differ.", hint="Type the same password twice.")
    return first


def _check_against_database(args, settings) -> None:
    """Refuse a rep or territory the database does not know (skipped while the app holds it)."""
    if not args.rep and not args.territory or not Path(settings.db_path).exists():
        return
    from engine.store import Store

    try:
        store = Store.open(settings.db_path)
    except (DatabaseBusyError, StoreError):
        sys.stderr.write("note: the database is in use; the rep and territories were not checked.\n")
        return
    try:
        if args.rep and not store.scalar("SELECT count(*) FROM reps WHERE rep_id = ?", [args.rep]):
            raise UserError(f"There is no rep '{args.rep}' in {settings.db_path}.", hint="Give a rep_id from the reps.")
        known = {t for (t,) in store.rows("SELECT territory_id FROM territories WHERE territory_id IN "
                                          "(SELECT unnest(?))", [args.territory])}
        unknown = [t for t in args.territory if t not in known]
        if unknown:
            raise UserError(f"There is no territory {', '.join(unknown)} in {settings.db_path}.",
                            hint="Give territory ids as the Territories page or the import lists them.")
    finally:
        store.close()


def _add(args, settings) -> int:
    users = _file(args, settings)
    _check_against_database(args, settings)
    password = _password(args) if (args.password_stdin or not args.email) else None
    first = not users.exists()
    user = users.add(args.name, args.role, password=password, rep_id=args.rep,
                     territories=tuple(args.territory), email=args.email)
    sys.stdout.write(f"Added {user.name} ({user.role}) to {users.path}.\n")
    if first:
        sys.stdout.write("Sign-in is now on: the app asks everyone to sign in.\n")
    return EXIT_OK


def _list(args, settings) -> int:
    rows = [u.public() for u in _file(args, settings).users().values()]
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        import polars as pl

        from engine.store.exports import csv_text

        sys.stdout.write(csv_text(pl.DataFrame(rows, schema={k: pl.String for k in
                                                             ("name", "role", "rep_id", "territories", "email",
                                                              "password")})))
    return EXIT_OK


def _remove(args, settings) -> int:
    users = _file(args, settings)
    users.remove(args.name)
    sys.stdout.write(f"Removed {args.name}.\n")
    return EXIT_OK


def _passwd(args, settings) -> int:
    users = _file(args, settings)
    users.set_password(args.name, _password(args))
    sys.stdout.write(f"Changed the password of {args.name}.\n")
    return EXIT_OK
