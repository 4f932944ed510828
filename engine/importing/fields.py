"""The canonical fields an export's columns can map to, per entity, and how each is read.

A field's `kind` decides its parser (see parsing.py); `required` fields must be mapped, and some
fields stand in for others (a deal file may give the account by id or by name, the status by
stage, by IsClosed/IsWon flags, or directly). Entities load in `LOAD_ORDER` so that rates,
territories, reps and accounts exist before the deals that refer to them.
"""
from __future__ import annotations

from dataclasses import dataclass

ENTITIES = ("fx_rates", "territories", "reps", "accounts", "deals", "activities", "targets")
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
        ("outcome", "text"), ("subject", "text")),
    "targets": _fields(
        ("scope", "text"), ("scope_id", "id"), ("territory", "text"), ("rep", "text"),
        ("period_start", "period"), ("year", "text"), ("amount", "amount")),
    "territories": _fields(
        ("territory_id", "id"), ("name", "text"), ("parent_id", "id"), ("parent_name", "text"),
        ("type", "text"), ("level", "integer"), ("owner_rep_id", "id"), ("owner_name", "text")),
    "fx_rates": _fields(
        ("currency", "text"), ("rate_to_reporting", "number"), ("valid_from", "date")),
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
}

# The record-id field of each entity (re-imports upsert by it).
ID_FIELD = {"accounts": "account_id", "deals": "deal_id", "reps": "rep_id",
            "activities": "activity_id", "territories": "territory_id"}
