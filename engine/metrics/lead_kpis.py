"""Lead, contact and activity-type KPIs per region, territory and rep (issue 13's "more of the CRM").

Rows are the rows of `engine.metrics.performance.attainment_table`, as in `kpis.kpi_table`. For a
period P and the as-of day A (figures never look past A):
- leads_created: leads created in P (up to A), counted in the lead's territory (its own, else its
  owner's primary territory, set at import) and for its owner;
- leads_contacted: of those, the leads with an activity logged on them by A (or converted by A);
- leads_converted: of those, the leads converted by A; lead_conversion_rate = converted ÷ created;
- lead_customers: of those, the converted leads whose account won a deal on or after the
  conversion, by A; lead_to_customer_rate = lead_customers ÷ leads_created;
- new_contacts: contacts created in P (up to A), in their account's territory and for their
  owner; new_contacts_per_rep divides by the row's member reps (else the contacts' owners), as
  activities_per_rep does;
- calls, meetings, visits, emails, other_activities: the period's activities by type, placed as
  `kpis` places activities (the account's territory, else the deal's). A type is read from its
  words in English or Chinese (call/phone/电话, meeting/会议, visit/on-site/拜访, e-mail/邮件).
The facts are read once per data version (`SalesData.per_version`), sorted by time, so a
period's figures are a slice and a group-by; results are memoised per period, level, scope, as-of.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import polars as pl

from engine.metrics.activity_facts import _node_of, activity_type_cells
from engine.metrics.kpis import _assign_rows
from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.periods import Period
from engine.metrics.sales_data import SalesData, month_number, sales_data
from engine.store import Store
from engine.store.lead_reads import contact_facts, lead_facts
from engine.store.settings import Settings

LEAD_KPI_COLUMNS = ("name", "leads_created", "leads_contacted", "leads_converted", "lead_conversion_rate",
                    "lead_customers", "lead_to_customer_rate", "new_contacts", "new_contacts_per_rep",
                    "calls", "meetings", "visits", "emails", "other_activities")
ACTIVITY_KINDS = ("calls", "meetings", "visits", "emails")


def _leads(store: Store, data: SalesData) -> pl.DataFrame:
    def compute() -> pl.DataFrame:
        facts = lead_facts(store).with_columns(pl.lit(True).alias("found"))
        return facts.select(pl.col("created").cast(pl.Datetime("us")), _node_of(data, "territory_id", "found").alias("node"),
                            "rep", pl.col("first_touch").cast(pl.Datetime("us")), "converted_at", "first_win")
    return data.per_version("lead_facts", compute)


def _contacts(store: Store, data: SalesData) -> pl.DataFrame:
    def compute() -> pl.DataFrame:
        return contact_facts(store).select(pl.col("created").cast(pl.Datetime("us")),
                                           _node_of(data, "territory_id", "account_found").alias("node"), "rep")
    return data.per_version("contact_facts", compute)


def _between(frame: pl.DataFrame, column: str, start, end) -> pl.DataFrame:
    values = frame[column]
    lo, hi = values.search_sorted(start, side="left"), values.search_sorted(end, side="left")
    return frame.slice(lo, max(hi - lo, 0))


def lead_kpi_table(store: Store, period: Period, level: str, settings: Settings,
                   scope: Iterable[str] | None = None, as_of: date | None = None) -> pl.DataFrame:
    """Lead, contact and activity-type KPIs of each row for `period` (definitions in the module doc).

    Columns: LEAD_KPI_COLUMNS, then id. Counts as integers, rates as fractions (null without
    leads), new_contacts_per_rep null without reps. Rows in the attainment table's order.
    """
    scope = None if scope is None else list(scope)
    data = sales_data(store, settings.reporting_currency)
    as_of = as_of or as_of_date(store)
    key = ("lead_kpis", period, level, None if scope is None else tuple(scope), as_of)
    return data.cached(key, lambda: _lead_kpi_table(store, data, period, level, settings, scope, as_of)).clone()


def _lead_kpi_table(store: Store, data: SalesData, period: Period, level: str, settings: Settings,
                    scope: list[str] | None, as_of: date) -> pl.DataFrame:
    table = attainment_table(store, period, level, scope, settings, as_of).select("id", "name")
    start = datetime.combine(period.start, datetime.min.time())
    cut = min(datetime.combine(period.end, datetime.min.time()), datetime.combine(as_of + timedelta(days=1),
                                                                               datetime.min.time()))
    horizon = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    leads = _assign_rows(_between(_leads(store, data), "created", start, max(cut, start)), data, table, level, scope)
    converted = pl.col("converted_at") <= as_of
    lead_rows = leads.group_by("id").agg(
        pl.len().cast(pl.Int64).alias("leads_created"),
        ((pl.col("first_touch") < horizon) | converted).sum().cast(pl.Int64).alias("leads_contacted"),
        converted.sum().cast(pl.Int64).alias("leads_converted"),
        (converted & (pl.col("first_win") <= as_of)).sum().cast(pl.Int64).alias("lead_customers"))
    contacts = _between(_contacts(store, data), "created", start, max(cut, start))
    contact_rows = _assign_rows(contacts.filter(pl.col("node").is_not_null()) if level != "rep" else contacts,
                                data, table, level, scope).group_by("id").agg(
        pl.len().cast(pl.Int64).alias("new_contacts"), pl.col("rep").drop_nulls().n_unique().alias("owners"))
    kinds = _between(activity_type_cells(store, data), "month", month_number(period.start), month_number(period.end))
    kinds = kinds if level == "rep" else kinds.filter(pl.col("node").is_not_null())
    kind_rows = (_assign_rows(kinds, data, table, level, scope).group_by("id").agg(
        [pl.col("activities").filter(pl.col("kind") == kind).sum().cast(pl.Int64).alias(kind)
         for kind in (*ACTIVITY_KINDS, "other_activities")]))
    counts = ("leads_created", "leads_contacted", "leads_converted", "lead_customers", "new_contacts",
              *ACTIVITY_KINDS, "other_activities")
    out = (table.join(lead_rows, on="id", how="left", nulls_equal=True)
           .join(contact_rows, on="id", how="left", nulls_equal=True)
           .join(kind_rows, on="id", how="left", nulls_equal=True)
           .join(_member_reps(data, table, level, scope), on="id", how="left", nulls_equal=True)
           .with_columns(pl.col(*counts).fill_null(0)))
    reps = pl.coalesce("member_reps", pl.when(pl.col("owners") > 0).then(pl.col("owners")))
    created = pl.col("leads_created")
    return out.with_columns(
        pl.when(created > 0).then(pl.col("leads_converted") / created).alias("lead_conversion_rate"),
        pl.when(created > 0).then(pl.col("lead_customers") / created).alias("lead_to_customer_rate"),
        pl.when(reps > 0).then(pl.col("new_contacts") / reps).alias("new_contacts_per_rep"),
    ).select(*LEAD_KPI_COLUMNS, "id")


def _member_reps(data: SalesData, table: pl.DataFrame, level: str, scope) -> pl.DataFrame:
    """Per row id: the reps who are members of its territories (1 for a rep row)."""
    if level == "rep":
        return table.select("id", pl.lit(1, pl.Int64).alias("member_reps"))
    members = _assign_rows(data.members.filter(pl.col("node").is_not_null()).rename({"rep_id": "rep"}),
                           data, table, level, scope)
    return members.group_by("id").agg(pl.col("rep").n_unique().cast(pl.Int64).alias("member_reps"))
