"""The canonical fields an export's columns can map to, per entity, and how each is read.

A field's `kind` decides its parser (see parsing.py); `required` fields must be mapped, and some
fields stand in for others (a deal file may give the account by id or by name, the status by
stage, by IsClosed/IsWon flags, or directly). Entities load in `LOAD_ORDER` so that rates,
territories, reps and accounts exist before the deals, leads, contacts and invoices that refer to
them. Invoices carry their payment (paid date and amount, or the open balance).
"""
from __future__ import annotations

from dataclasses import dataclass

ENTITIES = ("fx_rates", "territories", "reps", "accounts", "deals", "leads", "contacts", "invoices",
            "activities", "targets")
LOAD_ORDER = {entity: position for position, entity in enumerate(ENTITIES)}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id, text, amount, number, integer, year, date, timestamp, percent, flag, list, period
    help: str = ""


def _fields(*specs: tuple[str, str]) -> dict[str, Field]:
    return {name: Field(name, kind) for name, kind in specs}


FIELDS: dict[str, dict[str, Field]] = {
    "accounts": _fields(
        ("account_id", "id"), ("name", "text"), ("industry", "text"), ("segment", "text"),
        ("annual_revenue", "amount"), ("employees", "integer"), ("country", "text"), ("state", "text"),
        ("city", "text"), ("postal_code", "text"), ("lat", "number"), ("lon", "number"),
        ("website", "text"), ("owner_rep_id", "id"), ("owner_name", "text"), ("territory", "text"),
        ("parent_account_id", "id"), ("founded_year", "year"), ("created_at", "timestamp")),
    "deals": _fields(
        ("deal_id", "id"), ("account_id", "id"), ("account_name", "text"), ("name", "text"),
        ("amount", "amount"), ("currency", "text"), ("exchange_rate", "number"), ("stage", "text"),
        ("status", "text"), ("is_closed", "flag"), ("is_won", "flag"), ("probability", "percent"),
        ("forecast_category", "text"), ("product_line", "text"), ("created_date", "date"),
        ("close_date", "date"), ("owner_rep_id", "id"), ("owner_name", "text"), ("territory", "text")),
    "reps": _fields(
        ("rep_id", "id"), ("name", "text"), ("email", "text"), ("manager_id", "id"),
        ("manager_name", "text"), ("role", "text"), ("home_city", "text"), ("home_lat", "number"),
        ("home_lon", "number"), ("skills", "list"), ("capacity", "integer"), ("active", "flag"),
        ("territory", "text")),
    "activities": _fields(
        ("activity_id", "id"), ("account_id", "id"), ("deal_id", "id"), ("related_id", "id"),
        ("rep_id", "id"), ("owner_name", "text"), ("type", "text"), ("ts", "timestamp"),
        ("outcome", "text"), ("subject", "text"), ("who_id", "id"), ("lead_id", "id")),
    "targets": _fields(
        ("scope", "text"), ("scope_id", "id"), ("territory", "text"), ("rep", "text"),
        ("period_start", "period"), ("year", "text"), ("amount", "amount")),
    "territories": _fields(
        ("territory_id", "id"), ("name", "text"), ("parent_id", "id"), ("parent_name", "text"),
        ("type", "text"), ("level", "integer"), ("owner_rep_id", "id"), ("owner_name", "text")),
    "fx_rates": _fields(
        ("currency", "text"), ("rate_to_reporting", "number"), ("valid_from", "date")),
    "leads": _fields(
        ("lead_id", "id"), ("name", "text"), ("first_name", "text"), ("last_name", "text"),
        ("company", "text"), ("email", "text"), ("phone", "text"), ("industry", "text"), ("country", "text"),
        ("state", "text"), ("city", "text"), ("postal_code", "text"), ("lead_source", "text"),
        ("status", "text"), ("state_code", "text"), ("is_converted", "flag"), ("owner_rep_id", "id"),
        ("owner_name", "text"), ("territory", "text"), ("created_at", "timestamp"), ("converted_at", "date"),
        ("converted_account_id", "id"), ("converted_deal_id", "id"), ("modified_at", "timestamp")),
    "contacts": _fields(
        ("contact_id", "id"), ("account_id", "id"), ("account_name", "text"), ("name", "text"),
        ("first_name", "text"), ("last_name", "text"), ("title", "text"), ("email", "text"), ("phone", "text"),
        ("owner_rep_id", "id"), ("owner_name", "text"), ("created_at", "timestamp")),
    "invoices": _fields(
        ("invoice_id", "id"), ("number", "text"), ("account_id", "id"), ("account_name", "text"),
        ("amount", "amount"), ("currency", "text"), ("exchange_rate", "number"), ("base_rate", "number"),
        ("issue_date", "date"), ("due_date", "date"), ("paid_date", "date"), ("paid_amount", "amount"), ("balance", "amount"),
        ("status", "text")),
}

# Each inner tuple is one requirement: at least one of its fields must be mapped.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "accounts": (("name", "account_id"),),
    "deals": (("deal_id", "name"), ("stage", "status", "is_closed"), ("amount",)),
    "reps": (("name", "rep_id"),),
    "activities": (("ts",),),
    "targets": (("period_start",), ("amount",)),
    "territories": (("name", "territory_id"),),
    "fx_rates": (("currency",), ("rate_to_reporting",), ("valid_from",)),
    "leads": (("lead_id", "name", "last_name", "email"), ("created_at",)),
    "contacts": (("contact_id", "name", "last_name", "email"),),
    "invoices": (("invoice_id", "number"), ("amount",), ("issue_date",)),
}

# The record-id field of each entity (re-imports upsert by it).
ID_FIELD = {"accounts": "account_id", "deals": "deal_id", "reps": "rep_id",
            "activities": "activity_id", "territories": "territory_id", "leads": "lead_id",
            "contacts": "contact_id", "invoices": "invoice_id"}
