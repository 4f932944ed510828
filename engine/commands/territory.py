"""`python -m engine territory list|add|rename|move|retire|member|merge|give|suggest|share|pool`: the
territory tree, its people, duplicates, unowned accounts, shared accounts and the specialist pool,
headless. Every change takes `--actor` (recorded).

Also the `duplicates` and `unowned` tables of `python -m engine report` (`territory_report`).
Territories and reps may be given by id or by their unique name.
"""
from __future__ import annotations

import argparse
import json
import sys

import polars as pl

from engine.commands import EXIT_OK, add_db_argument
from engine.store import Store
from engine.territories import members, pool, tree
from engine.territories.suggestions import confirm_suggestion, reason_texts, suggest_owners
from engine.territories.shares import share_account, shared_accounts, unshare_account
from engine.territories.duplicates import duplicate_groups, merge_ownership
from engine.territories.unowned import MISSING, assign_accounts, unowned_accounts
from engine.store.exports import csv_text

TERRITORY_REPORTS = ("duplicates", "unowned")


def territory_report(store: Store, report: str) -> pl.DataFrame:
    """The frame `report duplicates|unowned` prints (lists joined with '+', times as text)."""
    frame = duplicate_groups(store) if report == "duplicates" else unowned_accounts(store)
    return frame.with_columns(
        *(pl.col(c).list.join("+") for c, t in frame.schema.items() if isinstance(t, pl.List)),
        *(pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S") for c, t in frame.schema.items() if t.is_temporal()))


def write(frame: pl.DataFrame, fmt: str) -> None:
    if fmt == "json":
        json.dump(frame.to_dicts(), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(csv_text(frame))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("territory", help="edit the territory tree and who sits in it",
                                   description="Add, rename, move and retire territories; seat reps; "
                                               "merge duplicate customers; assign unowned accounts.")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))

    def action(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_db_argument(sub)
        sub.add_argument("--actor", help="who makes the change (recorded)")
        sub.set_defaults(handler=handler)
        return sub

    listing = action("list", "print the tree (one row per territory, in tree order)", _list)
    listing.add_argument("--format", choices=("csv", "json"), default="csv")
    add = action("add", "add a territory", _add)
    add.add_argument("name")
    add.add_argument("--parent", help="parent territory (id or name); omit for a new root")
    add.add_argument("--type", default="geo", choices=tree.TYPES)
    add.add_argument("--id", help="the new territory's id (default: derived from the name)")
    rename = action("rename", "rename a territory", _rename)
    rename.add_argument("territory")
    rename.add_argument("name")
    move = action("move", "move a territory (and its branch) under another parent", _move)
    move.add_argument("territory")
    move.add_argument("--parent", required=True, help="the new parent (id or name)")
    retire = action("retire", "retire a territory, handing its accounts, deals and targets to another", _retire)
    retire.add_argument("territory")
    retire.add_argument("--to", required=True, help="the territory that takes over (id or name)")
    member = action("member", "seat a rep in a territory, change a role or the owner, or remove them", _member)
    member.add_argument("change", choices=("add", "remove", "owner", "list"))
    member.add_argument("territory", nargs="?")
    member.add_argument("rep", nargs="?")
    member.add_argument("--role", default="overlay", choices=members.ROLES, help="with add (default overlay)")
    member.add_argument("--previous-role", default="overlay", choices=(*members.ROLES, "none"),
                        help="with owner: what the previous owner becomes (default overlay; none = leaves)")
    member.add_argument("--format", choices=("csv", "json"), default="csv")
    merge = action("merge", "give every copy of one customer the same owner and territory", _merge)
    merge.add_argument("account_ids", nargs="+", metavar="account_id")
    merge.add_argument("--rep", help="the owner to keep (default: the owner of the copy held first)")
    give = action("give", "assign accounts (e.g. unowned ones) to a rep and/or a territory", _give)
    give.add_argument("account_ids", nargs="*", metavar="account_id")
    give.add_argument("--unowned", choices=MISSING, help="take every unowned account of this kind instead")
    give.add_argument("--rep")
    give.add_argument("--territory")
    suggest = action("suggest", "the top-3 owners for an account, with reasons; --confirm N gives it to the Nth", _suggest)
    suggest.add_argument("account_id")
    suggest.add_argument("--confirm", type=int, choices=(1, 2, 3), help="give the account to this candidate")
    suggest.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the reasons")
    suggest.add_argument("--format", choices=("csv", "json"), default="csv")
    share = action("share", "let a territory support a (national key) account led by its own territory", _share)
    share.add_argument("change", choices=("add", "remove", "list"))
    share.add_argument("account_id", nargs="?")
    share.add_argument("territory", nargs="?", help="the supporting territory (id or name)")
    share.add_argument("--format", choices=("csv", "json"), default="csv")
    requests = action("pool", "the specialist pool: request, allocate, release, list, priority", _pool)
    requests.add_argument("change", choices=("request", "allocate", "release", "list", "priority"))
    requests.add_argument("subject", nargs="?", help="deal id (request), request id (release), region (priority)")
    requests.add_argument("--skill", help="with request: the skill asked for")
    requests.add_argument("--urgency", type=int, default=2, choices=pool.URGENCIES, help="3 = now, 1 = can wait")
    requests.add_argument("--territory", help="with request: the requesting territory (default: the deal's)")
    requests.add_argument("--priority", type=int, help="with priority: the region's place (lower first; omit to clear)")
    requests.add_argument("--format", choices=("csv", "json"), default="csv")


def _list(args, settings) -> int:
    write(tree.territory_table(Store.open(settings.db_path)), args.format)
    return EXIT_OK


def _done(message: str) -> int:
    sys.stdout.write(message + "\n")
    return EXIT_OK


def _add(args, settings) -> int:
    store = Store.open(settings.db_path)
    parent = None if args.parent is None else tree.resolve_territory(store, args.parent)
    new_id = tree.add_territory(store, args.name, parent_id=parent, kind=args.type, territory_id=args.id,
                                actor=args.actor)
    return _done(f"added {new_id}")


def _rename(args, settings) -> int:
    store = Store.open(settings.db_path)
    territory = tree.resolve_territory(store, args.territory)
    tree.rename_territory(store, territory, args.name, actor=args.actor)
    return _done(f"renamed {territory} to {args.name}")


def _move(args, settings) -> int:
    store = Store.open(settings.db_path)
    territory, parent = tree.resolve_territory(store, args.territory), tree.resolve_territory(store, args.parent)
    tree.move_territory(store, territory, parent, actor=args.actor)
    return _done(f"moved {territory} under {parent}")


def _retire(args, settings) -> int:
    store = Store.open(settings.db_path)
    territory, receiver = tree.resolve_territory(store, args.territory), tree.resolve_territory(store, args.to)
    counts = tree.retire_territory(store, territory, to_territory_id=receiver, actor=args.actor)
    moved = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    return _done(f"retired {territory} into {receiver}: {moved}")


def _member(args, settings) -> int:
    store = Store.open(settings.db_path)
    if args.change == "list":
        territory = None if args.territory is None else tree.resolve_territory(store, args.territory)
        rep = None if args.rep is None else tree.resolve_rep(store, args.rep)
        write(members.members_table(store, territory, rep), args.format)
        return EXIT_OK
    if args.territory is None or args.rep is None:
        raise tree.TerritoryError(f"`territory member {args.change}` needs a territory and a rep.",
                                  hint="e.g. territory member add T-DACH REP-012 --role overlay")
    territory, rep = tree.resolve_territory(store, args.territory), tree.resolve_rep(store, args.rep)
    if args.change == "add":
        members.add_member(store, territory, rep, args.role, actor=args.actor)
        return _done(f"{rep} sits in {territory} as {args.role}")
    if args.change == "remove":
        members.remove_member(store, territory, rep, actor=args.actor)
        return _done(f"{rep} left {territory}")
    previous = None if args.previous_role == "none" else args.previous_role
    members.set_owner(store, territory, rep, previous_role=previous, actor=args.actor)
    return _done(f"{rep} owns {territory}")


def _merge(args, settings) -> int:
    store = Store.open(settings.db_path)
    rep = None if args.rep is None else tree.resolve_rep(store, args.rep)
    changed = merge_ownership(store, args.account_ids, rep_id=rep, actor=args.actor)
    return _done(f"merged {len(set(args.account_ids))} accounts: {changed} changed owner or territory")


def _give(args, settings) -> int:
    store = Store.open(settings.db_path)
    accounts = list(args.account_ids)
    if args.unowned:
        accounts += unowned_accounts(store, missing=args.unowned)["account_id"].to_list()
    rep = None if args.rep is None else tree.resolve_rep(store, args.rep)
    territory = None if args.territory is None else tree.resolve_territory(store, args.territory)
    changed = assign_accounts(store, accounts, rep_id=rep, territory_id=territory, actor=args.actor)
    return _done(f"assigned {changed} accounts")


def _share(args, settings) -> int:
    store = Store.open(settings.db_path)
    if args.change == "list":
        write(shared_accounts(store), args.format)
        return EXIT_OK
    if args.account_id is None or args.territory is None:
        raise tree.TerritoryError(f"`territory share {args.change}` needs an account id and a territory.")
    territory = tree.resolve_territory(store, args.territory)
    if args.change == "add":
        share_account(store, args.account_id, territory, actor=args.actor)
        return _done(f"{territory} supports {args.account_id}")
    unshare_account(store, args.account_id, territory, actor=args.actor)
    return _done(f"{territory} no longer supports {args.account_id}")


def _pool(args, settings) -> int:
    store = Store.open(settings.db_path)
    if args.change == "list":
        frame = pool.requests_table(store)
        reasons = [pool.reason_text(r, "en", settings.reporting_currency) for r in frame["reason"]]
        write(frame.with_columns(pl.Series("reason", reasons, dtype=pl.String)), args.format)
        return EXIT_OK
    if args.change == "allocate":
        decided = pool.allocate(store, actor=args.actor)
        served = decided["specialist_rep_id"].is_not_null().sum()
        return _done(f"allocated {served} of {decided.height} queued requests")
    if args.subject is None:
        raise tree.TerritoryError(f"`territory pool {args.change}` needs a deal, request or region.")
    if args.change == "request":
        territory = None if args.territory is None else tree.resolve_territory(store, args.territory)
        request_id = pool.request_specialist(store, args.subject, args.skill or "", urgency=args.urgency,
                                             territory_id=territory, actor=args.actor)
        return _done(f"queued {request_id}")
    if args.change == "release":
        pool.release(store, args.subject, actor=args.actor)
        return _done(f"released {args.subject}")
    region = tree.resolve_territory(store, args.subject)
    pool.set_pool_priority(store, region, args.priority, actor=args.actor)
    return _done(f"{region} pool priority {args.priority if args.priority is not None else 'cleared'}")


def _suggest(args, settings) -> int:
    store = Store.open(settings.db_path)
    ranked = suggest_owners(store, args.account_id)
    if args.confirm is not None:
        if args.confirm > ranked.height:
            raise tree.TerritoryError(f"There are only {ranked.height} candidates for {args.account_id}.")
        chosen = ranked.row(args.confirm - 1, named=True)
        confirm_suggestion(store, args.account_id, chosen["rep_id"], chosen["territory_id"], actor=args.actor)
        return _done(f"gave {args.account_id} to {chosen['rep_id']} in {chosen['territory_id']}")
    reasons = ["; ".join(reason_texts(r, args.lang)) for r in ranked["reasons"]]
    write(ranked.with_columns(pl.Series("reasons", reasons, dtype=pl.String)), args.format)
    return EXIT_OK
