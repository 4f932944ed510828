"""The demo company: a complete, realistic sales organisation to explore Terrain without data.

`build_demo(store)` writes, in one transaction, a company with four regions (Greater China split
into 华东, 华北, 华南, 西部), ~45 territories, ~80 reps, ~25k customers on real cities, ~150k deals
over three fiscal years, ~350k activities, monthly targets, exchange rates and the assignment
rules, ~36k leads, ~75k contacts and an invoice per won deal (engine.demo.crm_extras) — plus the faults a real CRM has (orphans, duplicates, unplaced addresses) so every page has
something to reveal.
It is frozen at `ANCHOR` and seeded: the same arguments give the same data on every run, any day.
"""
from __future__ import annotations

from collections.abc import Callable

import json
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from engine.geo import geocoding as geo
from engine.demo.accounts import build_accounts
from engine.demo.crm_extras import build_crm_extras
from engine.demo.org import territory_frame
from engine.demo.people import build_team
from engine.demo.rules import build_rules
from engine.demo.sales import build_activities, build_deals, build_fx
from engine.demo.targets import build_targets, specialist_by_territory
from engine.store.errors import TerrainError
from engine.metrics.periods import add_months, period_containing
from engine.store import Session, Store

ANCHOR = date(2026, 11, 23)  # the demo's "today": data stops here, whatever the real date
ACCOUNTS, DEALS, ACTIVITIES = 25_000, 150_000, 200_000  # at scale 1
CARE_EXTRA = 100_000  # account-care touches beyond ACTIVITIES (engine/demo/care.py), at scale 1
MAX_SCALE = 100.0

COLUMNS = {
    "territories": ["territory_id", "name", "parent_id", "type", "level", "owner_rep_id", "source"],
    "reps": ["rep_id", "name", "email", "manager_id", "role", "home_city", "home_lat", "home_lon", "skills",
             "capacity", "active", "source"],
    "territory_members": ["territory_id", "rep_id", "role"],
    "territory_rules": ["rule_id", "territory_id", "priority", "expression", "active", "kind", "name", "created_by",
                        "created_at"],
    "accounts": ["account_id", "name", "industry", "segment", "annual_revenue", "employees", "country", "state",
                 "city", "postal_code", "lat", "lon", "geo_precision", "website", "owner_rep_id", "territory_id",
                 "parent_account_id", "created_at", "source"],
    "deals": ["deal_id", "account_id", "name", "amount", "currency", "amount_rc", "stage", "status", "probability",
              "forecast_category", "product_line", "created_date", "close_date", "owner_rep_id", "territory_id",
              "source"],
    "activities": ["activity_id", "account_id", "deal_id", "rep_id", "type", "ts", "outcome", "subject", "lead_id",
                   "source"],
    "targets": ["scope", "scope_id", "period_start", "amount"],
    "fx_rates": ["currency", "rate_to_reporting", "valid_from"],
    "leads": ["lead_id", "name", "company", "email", "phone", "industry", "country", "state", "city", "postal_code",
              "lead_source", "status", "owner_rep_id", "territory_id", "created_at", "converted_at",
              "converted_account_id", "converted_deal_id", "source"],
    "contacts": ["contact_id", "account_id", "name", "title", "email", "phone", "owner_rep_id", "created_at", "source"],
    "invoices": ["invoice_id", "account_id", "number", "amount", "currency", "amount_rc", "issue_date", "due_date",
                 "paid_date", "paid_amount", "paid_amount_rc", "source"],
}


class DatabaseNotEmpty(TerrainError):
    title = "The database already holds data"


def generate_demo(scale: float = 1, seed: int = 7, *, fiscal_start_month: int = 1,
                  reporting_currency: str = "USD") -> dict[str, pl.DataFrame]:
    """The demo company as frames keyed by table name, with exactly the columns of `COLUMNS`.

    Deterministic: the same arguments give identical frames (no dependence on today's date).
    """
    if not 0 < scale <= MAX_SCALE:
        raise TerrainError(f"The demo scale must be above 0 and at most {MAX_SCALE:g} (got {scale:g}).",
                           hint="Use --scale 1 for the standard demo, 40 for ~1M accounts.")
    rng = np.random.default_rng(seed)
    n_accounts = max(200, round(ACCOUNTS * scale))
    current = period_containing(ANCHOR, "year", fiscal_start_month)
    fiscal_years = [current.shifted(k).months for k in (-2, -1, 0)]
    first_month = fiscal_years[0][0]
    fx_first = add_months(first_month, -12)

    cities = geo.cities(min_population=15_000)
    team = build_team(rng, cities, accounts_per_rep=n_accounts / 58)
    territories = territory_frame().with_columns(
        pl.col("territory_id").replace_strict(team.owners, default=None, return_dtype=pl.String).alias("owner_rep_id"))
    anchor_time = datetime.combine(ANCHOR, datetime.min.time()) + timedelta(hours=18)
    accounts = build_accounts(rng, n_accounts, team, anchor_time)
    accounts = accounts.with_columns(
        pl.concat_str(pl.lit("ACC-"), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(6)).alias("account_id"))

    fx, rates = build_fx(rng, fx_first, date(ANCHOR.year, ANCHOR.month, 1), reporting_currency)
    deals = build_deals(rng, accounts, max(500, round(DEALS * scale)), first_month, ANCHOR, fiscal_start_month,
                        fx_first, rates)
    # An account exists before its first deal: pull created_at back where a deal predates it.
    first_deal = deals.group_by("account_id").agg(pl.col("created_date").min().alias("_first"))
    accounts = accounts.join(first_deal, on="account_id", how="left", maintain_order="left").with_columns(
        pl.min_horizontal("created_at", (pl.col("_first").cast(pl.Datetime("us")) - pl.duration(days=14)))
        .alias("created_at"))
    specialists = specialist_by_territory(team, territories["territory_id"].to_list())
    activities = build_activities(rng, deals, accounts, max(500, round(ACTIVITIES * scale)), first_month, ANCHOR,
                                  specialists, care_extra=round(CARE_EXTRA * scale))
    targets = build_targets(rng, deals, accounts, team, territories, fiscal_years, fiscal_start_month)
    extras = build_crm_extras(seed, scale, accounts, deals, first_month, ANCHOR, anchor_time)
    activities = pl.concat([activities.with_columns(pl.lit(None, dtype=pl.String).alias("lead_id")),
                            extras.lead_activities], how="diagonal_relaxed")

    rules = build_rules(accounts).with_columns(pl.lit(anchor_time, dtype=pl.Datetime("us")).alias("created_at"))
    frames = {"territories": territories, "reps": team.reps, "territory_members": team.members,
              "territory_rules": rules,
              "accounts": accounts.with_columns(pl.lit(None, dtype=pl.String).alias("parent_account_id")),
              "deals": deals, "activities": activities, "targets": targets, "fx_rates": fx,
              "leads": extras.leads, "contacts": extras.contacts, "invoices": extras.invoices}
    out = {}
    for table, columns in COLUMNS.items():
        frame = frames[table]
        if "source" in columns:
            frame = frame.with_columns(pl.lit("demo").alias("source"))
        out[table] = frame.select(columns)
    return out


def build_demo(store: Store, scale: float = 1, seed: int = 7, *, fiscal_start_month: int = 1,
               reporting_currency: str = "USD", replace: bool = False,
               progress: Callable[[str, int | None], None] | None = None) -> dict[str, int]:
    """Write the demo company into `store` in one transaction; returns the row count per table
    (territories, reps, accounts, deals, activities, targets, …).

    Refuses a database that already holds data unless `replace`, which clears it in the same
    transaction (so a failure leaves the old data in place). `progress(table, rows)` hears of each
    step as it ends: `("generated", None)` once the company is drawn, then every table written.
    """
    frames = generate_demo(scale, seed, fiscal_start_month=fiscal_start_month,
                           reporting_currency=reporting_currency)
    if progress:
        progress("generated", None)
    with store.transaction() as tx:
        if not replace and not store.is_empty():
            raise DatabaseNotEmpty(
                f"The database {store.path} already holds accounts, deals or reps; the demo was not written.",
                hint="Use another database file, or --force to replace everything in it with the demo.")
        if replace:
            store.clear_data(tx)
        summary = {}
        for table in list(frames):
            frame = frames.pop(table)  # let each frame go once DuckDB holds it: halves the peak at scale 40
            summary[table] = tx.insert_frame(table, frame)
            del frame
            if progress:
                progress(table, summary[table])
        _record(store, tx, scale, seed, fiscal_start_month, reporting_currency)
    return summary


def _record(store: Store, tx: Session, scale: float, seed: int, fiscal_start_month: int, currency: str) -> None:
    store.set_meta("demo", json.dumps({"scale": scale, "seed": seed, "anchor": ANCHOR.isoformat(),
                                       "fiscal_start_month": fiscal_start_month, "reporting_currency": currency}), tx)


def checksum(frames: dict[str, pl.DataFrame]) -> str:
    """A digest of every frame's content (order included): equal digests = identical demo data."""
    import hashlib
    import io
    digest = hashlib.sha256()
    for table in sorted(frames):
        buffer = io.BytesIO()
        frames[table].rechunk().write_ipc(buffer, compression="uncompressed")
        digest.update(table.encode())
        digest.update(buffer.getvalue())
    return digest.hexdigest()
