"""Linking checked tables to each other and to the database before anything is written.

Entities are resolved in load order (rates, territories, reps, accounts, deals, activities,
targets), so a later file sees what an earlier file of the same import brings. References by name
are looked up case-insensitively among what is already stored plus what this import brings:
territory names (a reps sheet's region/office column creates the territories and the memberships),
owner names (an unknown owner name becomes a rep), account names on deal rows (an unknown account
name becomes an account with just that name; a deal whose account *id* is unknown is loaded and
counted as a warning). A deal's territory is its own imported territory, else its account's, else
its owner's primary territory (the rep's owner membership, first by territory id). Amounts are
converted to the reporting currency: rate 1 for the reporting currency, else the row's own exchange
rate (Zoho/Dynamics: units of the deal currency per reporting unit), else the latest `fx_rates`
rate valid on the close date (today's for open deals without a close date); a missing rate is a
problem naming the currency.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from engine.importing.parsing import nulls
from engine.importing.raw import ROW
from engine.importing.entity_checks import derived_id
from engine.importing.problems import empty_problems, problem_rows
from engine.importing.notes import Note
from engine.store import Session

_NAME_KEY = "_name_key"


def _key(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")


@dataclass
class Context:
    """What is known so far: stored rows plus the rows of this import resolved before."""

    reporting_currency: str
    territories: pl.DataFrame  # territory_id, name
    reps: pl.DataFrame         # rep_id, name
    members: pl.DataFrame      # territory_id, rep_id, role
    accounts: pl.DataFrame     # account_id, name, territory_id
    rates: pl.DataFrame        # currency, rate_to_reporting, valid_from
    created: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_store(cls, session: Session, reporting_currency: str) -> "Context":
        return cls(reporting_currency,
                   session.table("territories", ["territory_id", "name"]),
                   session.table("reps", ["rep_id", "name"]),
                   session.table("territory_members", ["territory_id", "rep_id", "role"]),
                   session.table("accounts", ["account_id", "name", "territory_id"]),
                   session.table("fx_rates", ["currency", "rate_to_reporting", "valid_from"]))

    def add(self, table: str, frame: pl.DataFrame) -> None:
        self.created.setdefault(table, []).append(frame)


def _lookup(values: pl.Series, known: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """For each value: the id of a known row whose id equals it, else whose name matches it."""
    frame = pl.DataFrame({"value": values}).with_row_index("_i")
    by_id = known.select(pl.col(id_column).alias("value"), pl.col(id_column).alias("_by_id")).unique("value")
    by_name = (known.select(_key(pl.col("name")).alias(_NAME_KEY), pl.col(id_column).alias("_by_name"))
               .unique(_NAME_KEY, keep="first"))
    return (frame.join(by_id, on="value", how="left")
            .with_columns(_key(pl.col("value")).alias(_NAME_KEY))
            .join(by_name, on=_NAME_KEY, how="left")
            .sort("_i")
            .select(pl.coalesce("_by_id", "_by_name").alias("found")))


def _positions(ids: pl.Series, keys: pl.Series) -> pl.Series | None:
    """For each of `ids` the position of the equal value in `keys`, else null; None when two keys
    share a 64-bit hash (or repeat). Joining hashes costs a third of joining millions of strings;
    every match is confirmed by a second, independently seeded hash, so a wrong match would need
    two 64-bit collisions on the same pair."""
    first = keys.hash(seed=0)
    if first.n_unique() < keys.len():
        return None
    at = ids.hash(seed=0).replace_strict(first, pl.int_range(keys.len(), dtype=pl.UInt32, eager=True),
                                         default=None, return_dtype=pl.UInt32)
    confirmed = (ids.hash(seed=1) == keys.hash(seed=1).gather(at)) & ids.is_not_null()
    return pl.select(pl.when(confirmed).then(at)).to_series()


def lookup_ids(ids: pl.Series, table: pl.DataFrame, key: str, value: str) -> pl.DataFrame:
    """For each of `ids`: `found` (whether `table` has it) and `table[value]` (null when absent).
    The last row of a repeated key wins (imported rows come after stored ones)."""
    at = _positions(ids, table[key])
    if at is None:
        table = table.unique(key, keep="last", maintain_order=True)
        at = _positions(ids, table[key])
    if at is None:  # distinct keys with one 64-bit hash: join the strings themselves
        joined = ids.alias(key).to_frame().join(table.select(key, value, pl.lit(True).alias("found")),
                                                on=key, how="left", maintain_order="left")
        return joined.select(pl.col("found").fill_null(False), value)
    return pl.DataFrame({"found": at.is_not_null(), value: table[value].gather(at)})


def _column_lookup(keys: pl.Series, table: pl.DataFrame, key: str, value: str) -> pl.Series:
    """`table[value]` for each of `keys` (null when absent); a 5-million-row frame is never copied
    for one looked-up column."""
    if table.height == 0 or keys.null_count() == len(keys) or table[value].null_count() == table.height:
        return nulls(value, len(keys), pl.String)
    return lookup_ids(keys, table, key, value)[value]


def resolve_territories(values: pl.Series, context: Context, create: bool = True) -> pl.Series:
    """Territory ids for territory ids-or-names; unknown names become new territories when `create`."""
    if values.null_count() == len(values):
        return values.alias("territory_id")
    found = _lookup(values, context.territories, "territory_id")["found"]
    if not create:
        return found.alias("territory_id")
    new = pl.DataFrame({"name": values, "found": found}).filter(
        pl.col("found").is_null() & pl.col("name").is_not_null())
    if new.height:
        created = (new.select(derived_id(pl.col("name")).alias("territory_id"), pl.col("name").str.strip_chars())
                   .unique("territory_id", keep="first", maintain_order=True)
                   .with_columns(pl.lit("geo").alias("type"), pl.lit("import").alias("source")))
        context.add("territories", created)
        context.territories = pl.concat([context.territories, created.select("territory_id", "name")])
        found = _lookup(values, context.territories, "territory_id")["found"]
    return found.alias("territory_id")


def resolve_reps(names: pl.Series, context: Context, role: str | None = None) -> pl.Series:
    """Rep ids for rep names (or ids); unknown names become reps with that name."""
    if names.null_count() == len(names):
        return nulls("rep_id", len(names), pl.String)
    found = _lookup(names, context.reps, "rep_id")["found"]
    new = pl.DataFrame({"name": names, "found": found}).filter(
        pl.col("found").is_null() & pl.col("name").is_not_null())
    if new.height:
        created = (new.select(derived_id(pl.col("name")).alias("rep_id"), pl.col("name").str.strip_chars())
                   .unique("rep_id", keep="first", maintain_order=True)
                   .with_columns(pl.lit(role, pl.String).alias("role"), pl.lit(True).alias("active"),
                                 pl.lit("import").alias("source")))
        context.add("reps", created)
        context.reps = pl.concat([context.reps, created.select("rep_id", "name")])
        found = _lookup(names, context.reps, "rep_id")["found"]
    return found.alias("rep_id")


def primary_territory(context: Context) -> pl.DataFrame:
    """rep_id → the territory the rep owns (first by id), else any membership."""
    return (context.members.sort(pl.col("role") != "owner", "territory_id")
            .unique("rep_id", keep="first").select("rep_id", pl.col("territory_id").alias("_owner_territory")))


def resolve_reps_table(frame: pl.DataFrame, context: Context, source: str) -> pl.DataFrame:
    if frame["manager_name"].null_count() < frame.height:
        context.reps = pl.concat([context.reps, frame.select("rep_id", "name")])
        managers = resolve_reps(frame["manager_name"], context, role="manager")
        frame = frame.with_columns(pl.coalesce(managers, pl.col("manager_id")).alias("manager_id"))
    territory = resolve_territories(frame["territory"], context)
    memberships = (frame.select(territory, "rep_id").filter(pl.col("territory_id").is_not_null())
                   .unique(["territory_id", "rep_id"]).with_columns(pl.lit("owner").alias("role")))
    if memberships.height:
        context.add("territory_members", memberships)
        context.members = pl.concat([context.members, memberships])
    context.reps = pl.concat([context.reps, frame.select("rep_id", "name")]).unique("rep_id", keep="last")
    return frame.with_columns(pl.coalesce("active", pl.lit(True)).alias("active"), pl.lit(source).alias("source"))


def resolve_accounts(frame: pl.DataFrame, context: Context, source: str) -> pl.DataFrame:
    from engine.geo.geocoding import place_accounts

    frame = frame.with_columns(pl.coalesce(pl.col("owner_rep_id"), resolve_reps(frame["owner_name"], context))
                               .alias("owner_rep_id"))
    frame = frame.with_columns(resolve_territories(frame["territory"], context))
    owner_territory = _column_lookup(frame["owner_rep_id"], primary_territory(context), "rep_id", "_owner_territory")
    frame = frame.with_columns(pl.coalesce(pl.col("territory_id"), owner_territory).alias("territory_id"))
    frame = place_accounts(frame).with_columns(pl.lit(source).alias("source"))
    context.accounts = pl.concat([context.accounts, frame.select("account_id", "name", "territory_id")])
    return frame


def resolve_deals(frame: pl.DataFrame, context: Context, source: str, file_name: str = "",
                  account_header: str = "account_id") -> tuple[pl.DataFrame, pl.DataFrame]:
    """The deals ready to write, and the problems found (missing exchange rates). Deals whose account
    id is unknown are loaded all the same (their territory falls back to the owner's) and named in a
    warning: the file, the column, the first row and id, and what to do."""
    if frame["account_name"].null_count() < frame.height:
        found = _lookup(frame["account_name"], context.accounts, "account_id")["found"]
        derived = frame.select(derived_id(pl.col("account_name"))).to_series()
        frame = frame.with_columns(pl.coalesce(pl.col("account_id"), found, derived).alias("account_id"))
        new = (frame.filter(found.is_null() & pl.col("account_name").is_not_null())
               .select("account_id", pl.col("account_name").str.strip_chars().alias("name"))
               .unique("account_id", keep="first", maintain_order=True)
               .join(context.accounts.select("account_id"), on="account_id", how="anti"))
        if new.height:
            context.add("accounts", new.with_columns(pl.lit(source).alias("source")))
            context.accounts = pl.concat([context.accounts, new.with_columns(pl.lit(None, pl.String).alias("territory_id"))])
            context.warnings.append(Note("import.note.accounts_created", count=new.height))
    frame = frame.with_columns(pl.coalesce(pl.col("owner_rep_id"), resolve_reps(frame["owner_name"], context))
                               .alias("owner_rep_id"))
    frame = frame.with_columns(resolve_territories(frame["territory"], context))
    # One lookup of the account ids gives both each deal's account territory and the unknown accounts.
    looked_up = lookup_ids(frame["account_id"], context.accounts, "account_id", "territory_id")
    is_unknown = frame["account_id"].is_not_null() & ~looked_up["found"]
    if unknown := is_unknown.sum():
        first = frame.filter(is_unknown).row(0, named=True)
        context.warnings.append(Note("import.note.unknown_accounts", count=unknown, file=file_name or source,
                                     column=account_header, row=first.get(ROW, "?"), value=first["account_id"]))
    account_territory = looked_up["territory_id"]
    owner_territory = _column_lookup(frame["owner_rep_id"], primary_territory(context), "rep_id", "_owner_territory")
    frame = frame.with_columns(
        pl.coalesce(pl.col("territory_id"), account_territory, owner_territory).alias("territory_id"))
    frame, problems = convert_currency(frame, context)
    return frame.with_columns(pl.lit(source).alias("source")), problems


def convert_currency(frame: pl.DataFrame, context: Context, currency_header: str = "currency") -> tuple[pl.DataFrame, pl.DataFrame]:
    """`amount_rc` (the amount in the reporting currency) and the rows whose currency has no rate.
    Rows in the reporting currency or with their own exchange rate (most exports: all of them)
    never touch the rates table."""
    reporting = context.reporting_currency
    if frame["currency"].null_count() == frame.height:  # no currency anywhere: all in the reporting currency
        return (frame.with_columns(pl.lit(reporting).alias("currency"), pl.col("amount").alias("amount_rc")),
                empty_problems())
    frame = frame.with_columns(pl.col("currency").fill_null(reporting))
    rate = (pl.when(pl.col("currency") == reporting).then(pl.lit(1.0))
            .when(pl.col("exchange_rate").is_not_null()).then(1.0 / pl.col("exchange_rate")))
    frame = frame.with_columns(rate.alias("_rate"))
    # Only rows in another currency without their own rate need the rates table.
    foreign = frame["_rate"].is_null()
    if not foreign.any():
        return _in_reporting_currency(frame), empty_problems()
    rates = (context.rates.unique(["currency", "valid_from"], keep="last")
             .sort("valid_from").select("currency", pl.col("valid_from").alias("_rate_day"), "rate_to_reporting"))
    rate_day = pl.coalesce("close_date", pl.lit(date.today())).alias("_rate_day")  # open deals: today's rate
    needing = (frame.filter(foreign).select(ROW, "currency", rate_day).with_row_index("_order").sort("_rate_day")
               .join_asof(rates, on="_rate_day", by="currency", strategy="backward", check_sortedness=False)
               .sort("_order"))
    frame = frame.with_columns(frame["_rate"].scatter(foreign.arg_true(), needing["rate_to_reporting"]))
    problems = problem_rows(
        needing, pl.col("rate_to_reporting").is_null(), currency_header, pl.col("currency"),
        "import.problem.no_rate", currency=reporting, day=pl.col("_rate_day").cast(pl.String))
    return _in_reporting_currency(frame), problems


def _in_reporting_currency(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns((pl.col("amount") * pl.col("_rate")).alias("amount_rc")).drop("_rate")


def resolve_activities(frame: pl.DataFrame, context: Context, source: str) -> pl.DataFrame:
    return frame.with_columns(pl.coalesce(pl.col("rep_id"), resolve_reps(frame["owner_name"], context)).alias("rep_id"),
                              pl.lit(source).alias("source"))


def resolve_targets(frame: pl.DataFrame, context: Context, header: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Target scope ids by id or name; an unknown territory or rep is a problem (targets never create them)."""
    territory = _lookup(frame["scope_id"], context.territories, "territory_id")["found"]
    rep = _lookup(frame["scope_id"], context.reps, "rep_id")["found"]
    frame = frame.with_columns(
        pl.when(pl.col("scope") == "territory").then(territory).when(pl.col("scope") == "rep").then(rep)
        .otherwise(pl.col("scope_id")).alias("_resolved"))
    problems = problem_rows(frame, pl.col("_resolved").is_null() & pl.col("scope_id").is_not_null(), header,
                            pl.col("scope_id"),
                            pl.format("import.problem.unknown_scope.{}", pl.col("scope")))
    return frame.with_columns(pl.col("_resolved").alias("scope_id")).drop("_resolved"), problems


def resolve_territory_table(frame: pl.DataFrame, context: Context, source: str) -> pl.DataFrame:
    context.territories = pl.concat([context.territories, frame.select("territory_id", "name")])
    if frame["parent_name"].null_count() < frame.height:
        parents = resolve_territories(frame["parent_name"], context)
        frame = frame.with_columns(pl.coalesce(parents, pl.col("parent_id")).alias("parent_id"))
    return frame.with_columns(pl.lit(source).alias("source"))


__all__ = ["Context", "resolve_accounts", "resolve_deals", "resolve_reps_table", "resolve_activities",
           "resolve_targets", "resolve_territory_table", "empty_problems", "ROW"]
