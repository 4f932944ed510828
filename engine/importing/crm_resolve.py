"""Linking leads, contacts and invoices to reps and accounts before anything is written.

Owners resolve as an account's owner does (an owner id is kept; an owner name finds the rep by
name, and an unknown name becomes a rep). A lead's territory is its own imported territory, else
its owner's primary territory. The accounts these rows point at — a lead's converted account, a
contact's account, an invoice's customer — must exist, in this import or in the database: by id,
else by the account name the export gives (Zoho Books' customer ids are not CRM ids, its names
are); a row whose account is found neither way is a problem naming the cell. Invoices convert to
the reporting currency as deals do, the amount at the issue day's rate and the payment at the
paid day's (else the issue day's).
"""
from __future__ import annotations

import polars as pl

from engine.importing.problems import problem_rows
from engine.importing.raw import ROW
from engine.importing.resolve import (Context, _lookup, convert_currency, lookup_ids, primary_territory,
                                      resolve_reps, resolve_territories)

_UNKNOWN_ACCOUNT = "import.problem.unknown_account"


def _owner(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    return frame.with_columns(pl.coalesce(pl.col("owner_rep_id"), resolve_reps(frame["owner_name"], context))
                              .alias("owner_rep_id"))


def _account(frame: pl.DataFrame, context: Context, id_field: str, name_field: str | None,
             header_of: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`id_field` set to the known account (by id, else by name); problems for the rows naming an
    account that is in neither this import nor the database."""
    ids = frame[id_field]
    known = lookup_ids(ids, context.accounts, "account_id", "name")["found"] if context.accounts.height \
        else pl.Series([False] * len(ids), dtype=pl.Boolean)  # typed: no rows left is no null column
    found = pl.select(pl.when(pl.lit(known)).then(pl.lit(ids))).to_series()
    given = ids.is_not_null()
    if name_field is not None and frame[name_field].null_count() < frame.height:
        by_name = _lookup(frame[name_field], context.accounts, "account_id")["found"]
        found = pl.select(pl.coalesce(pl.lit(found), pl.lit(by_name))).to_series()
        given = given | frame[name_field].is_not_null()
    frame = frame.with_columns(found.alias("_found"), given.alias("_given"))
    id_header = header_of.get(id_field)
    header = id_header if id_header and frame[id_field].null_count() < frame.height else \
        header_of.get(name_field or id_field, id_field)
    shown = pl.coalesce(pl.col(id_field), pl.col(name_field)) if name_field else pl.col(id_field)
    problems = problem_rows(frame, pl.col("_given") & pl.col("_found").is_null(), header, shown, _UNKNOWN_ACCOUNT)
    return frame.with_columns(pl.col("_found").alias(id_field)).drop("_found", "_given"), problems


def resolve_leads(frame: pl.DataFrame, context: Context, source: str,
                  header_of: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = _owner(frame, context)
    frame = frame.with_columns(resolve_territories(frame["territory"], context))
    owner_territory = lookup_ids(frame["owner_rep_id"], primary_territory(context), "rep_id", "_owner_territory")
    frame = frame.with_columns(pl.coalesce(pl.col("territory_id"), owner_territory["_owner_territory"])
                               .alias("territory_id"))
    frame, problems = _account(frame, context, "converted_account_id", None, header_of)
    return frame.with_columns(pl.lit(source).alias("source")), problems


def resolve_contacts(frame: pl.DataFrame, context: Context, source: str,
                     header_of: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame, problems = _account(_owner(frame, context), context, "account_id", "account_name", header_of)
    return frame.with_columns(pl.lit(source).alias("source")), problems


def resolve_invoices(frame: pl.DataFrame, context: Context, source: str,
                     header_of: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame, problems = _account(frame, context, "account_id", "account_name", header_of)
    currency_header = header_of.get("currency") or header_of["amount"]
    # convert_currency reads the rate of a row's close_date: the issue day for the amount, the
    # payment day for what was paid.
    billed, billed_problems = convert_currency(frame.with_columns(pl.col("issue_date").alias("close_date")),
                                               context, currency_header)
    paid, paid_problems = convert_currency(
        frame.select(ROW, "currency", "exchange_rate", pl.col("paid_amount").alias("amount"),
                     pl.coalesce("paid_date", "issue_date").alias("close_date")), context, currency_header)
    frame = billed.drop("close_date").with_columns(paid["amount_rc"].alias("paid_amount_rc"))
    found = pl.concat([problems, billed_problems, paid_problems]).unique(["row", "column"], keep="first",
                                                                          maintain_order=True)
    return frame.with_columns(pl.lit(source).alias("source")), found


CRM_RESOLVERS = {"leads": resolve_leads, "contacts": resolve_contacts, "invoices": resolve_invoices}
