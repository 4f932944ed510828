"""A scenario as the CRM's own re-import file, so a plan goes back where the data came from.

Each CRM's import wizard matches records by its record id and owners by user id (Salesforce) or
by user name / e-mail (Zoho, HubSpot); the column headers below are the ones those wizards map
without asking. Only accounts the scenario changes are written.
"""
from __future__ import annotations

import polars as pl

from engine.store.errors import TerrainError
from engine.store import Store
from engine.store.exports import csv_bytes

FORMATS: dict[str, tuple[str, ...]] = {
    "salesforce": ("Id", "OwnerId"),
    "zoho": ("Record Id", "Account Owner", "Territories"),
    "hubspot": ("Record ID", "Company owner"),
    "generic": ("account_id", "to_territory", "to_rep"),
}
# The formats whose file is nothing but the owner: an account without a target rep cannot go in.
_OWNER_ONLY = ("salesforce", "hubspot")


class ExportError(TerrainError):
    title = "The export could not be written"


def crm_frame(changes: pl.DataFrame, reps: pl.DataFrame, territories: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """The re-import table for `fmt` (a key of FORMATS, columns as listed there) from account-level
    changes with `account_id, to_territory_id, to_rep_id`; reps need `rep_id, name, email`,
    territories `territory_id, name`. Zoho and HubSpot get the owner's e-mail, else the name."""
    if fmt not in FORMATS:
        raise ExportError(f"'{fmt}' is not an export format.", hint=f"Use one of {', '.join(FORMATS)}.")
    if fmt in _OWNER_ONLY:
        no_rep = changes.filter(pl.col("to_rep_id").is_null())["account_id"].to_list()
        if no_rep:
            raise ExportError(
                f"{len(no_rep)} account(s) have no new owner in this scenario (e.g. {', '.join(no_rep[:5])}), "
                f"and a {fmt} import file only carries the owner.",
                hint="Give those accounts a rep, or export the generic or zoho format.")
    owners = reps.select(pl.col("rep_id").alias("to_rep_id"),
                         pl.coalesce(pl.col("email"), pl.col("name")).alias("owner"))
    names = territories.select(pl.col("territory_id").alias("to_territory_id"), pl.col("name").alias("territory"))
    frame = changes.join(owners, on="to_rep_id", how="left").join(names, on="to_territory_id", how="left") \
        .sort("account_id")
    columns = {
        "salesforce": [pl.col("account_id"), pl.col("to_rep_id")],
        "zoho": [pl.col("account_id"), pl.col("owner"), pl.col("territory")],
        "hubspot": [pl.col("account_id"), pl.col("owner")],
        "generic": [pl.col("account_id"), pl.col("to_territory_id"), pl.col("to_rep_id")],
    }[fmt]
    return frame.select([c.alias(h) for c, h in zip(columns, FORMATS[fmt])])


def crm_file(changes: pl.DataFrame, reps: pl.DataFrame, territories: pl.DataFrame, fmt: str) -> bytes:
    """`crm_frame` as formula-safe UTF-8 CSV bytes (no BOM: every one of these wizards reads plain UTF-8)."""
    return csv_bytes(crm_frame(changes, reps, territories, fmt))


def export_scenario(store: Store, scenario_id: str, fmt: str) -> bytes:
    """The CRM re-import file of a saved scenario (see FORMATS) as CSV bytes."""
    from engine.planner.scenarios import scenario_moves

    return crm_file(scenario_moves(store, scenario_id), store.table("reps", ["rep_id", "name", "email"]),
                    store.table("territories", ["territory_id", "name"]), fmt)


def export_plan(plan, fmt: str) -> bytes:
    """The CRM re-import file of an unsaved plan (see FORMATS) as CSV bytes."""
    base = plan.baseline
    return crm_file(plan.changes(), base.reps, base.territories, fmt)
