"""The "nobody forgotten" alerts: one row per thing that needs someone, and counts per rep and
territory.

Kinds (ALERT_KINDS), each row naming its account, owner and territory:
- `dormant` (无人问津): no activity for `dormant_days` (default 90) up to the as-of day, or never;
- `no_owner`: the account has no owner rep, or one that is not in the reps table;
- `duplicate` (重复跟进): the account is one of several copies of one customer held by different
  reps (engine.territories.duplicates); `item_id` is the copies' group;
- `lead_no_follow_up`: a lead waiting longer than the follow-up hours (setting
  TERRAIN_FOLLOW_UP_HOURS, 48) at the end of the as-of day — no activity names it and its status
  is still a first one (WAITING_STATUSES); `item_id` is the lead, `name` its company;
- `receivable_past_due`: an invoice outstanding after its due date, with its bucket
  (engine.health.receivables); `item_id` is the invoice.
Everything is cut to what the store's viewer sees, like the scores.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import polars as pl

from engine.access.viewer_store import restrict_frame
from engine.health.config import HealthConfig, load_config
from engine.health.receivables import past_due_invoices
from engine.health.score import health_table
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store import Store
from engine.store.crm_reads import waiting_leads
from engine.store.settings import load_settings
from engine.territories.duplicates import duplicate_groups

ALERT_KINDS = ("dormant", "no_owner", "duplicate", "lead_no_follow_up", "receivable_past_due")
ALERT_COLUMNS = ("kind", "account_id", "name", "owner_rep_id", "rep_name", "territory_id", "territory",
                 "days_since_activity", "score", "tier", "item_id", "waiting_hours", "days_past_due", "bucket",
                 "amount_due")
# Lead statuses that mean nobody has contacted the lead yet (compared in lower case): the first
# status of Salesforce, Zoho, HubSpot and Dynamics, and the usual words of a generic sheet.
WAITING_STATUSES = ("open - not contacted", "not contacted", "new", "open", "unassigned", "unqualified - new",
                    "未联系", "未跟进", "新建", "新线索", "")
_TYPES = {"kind": pl.String, "account_id": pl.String, "name": pl.String, "owner_rep_id": pl.String,
          "rep_name": pl.String, "territory_id": pl.String, "territory": pl.String, "days_since_activity": pl.Int64,
          "score": pl.Float64, "tier": pl.String, "item_id": pl.String, "waiting_hours": pl.Int64,
          "days_past_due": pl.Int64, "bucket": pl.String, "amount_due": pl.Float64}


def _shaped(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """`frame` with every ALERT_COLUMNS column (missing ones null), typed alike, of `kind`."""
    frame = frame.with_columns(pl.lit(kind).alias("kind"))
    return frame.select(pl.col(c).cast(_TYPES[c]) if c in frame.columns else pl.lit(None, _TYPES[c]).alias(c)
                        for c in ALERT_COLUMNS)


def alerts_frame(scores: pl.DataFrame, reps: pl.DataFrame, territories: pl.DataFrame, config: HealthConfig,
                 *, duplicates: pl.DataFrame | None = None, leads: pl.DataFrame | None = None,
                 past_due: pl.DataFrame | None = None) -> pl.DataFrame:
    """ALERT_COLUMNS, one row per alert; sorted by kind (ALERT_KINDS' order), then the longest
    silence, wait or delay first.

    `scores` is a health table (score.SCORE_COLUMNS); `reps`: rep_id, name; `territories`:
    territory_id, name; `duplicates`: account_id, group_id of the copies to raise; `leads`:
    lead_id, company, owner_rep_id, territory_id, waiting_hours; `past_due`: invoice_id,
    account_id, days_past_due, bucket, outstanding (receivables.OPEN_COLUMNS)."""
    known = reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep_name"))
    places = territories.select("territory_id", pl.col("name").alias("territory"))
    named = scores.join(known, on="owner_rep_id", how="left").join(places, on="territory_id", how="left")
    silent = pl.col("days_since_activity").is_null() | (pl.col("days_since_activity") >= config.dormant_days)
    ownerless = (pl.col("owner_rep_id").is_null() | (pl.col("owner_rep_id").str.strip_chars() == "")
                 | pl.col("rep_name").is_null())
    account_columns = named.select("account_id", "name", "owner_rep_id", "rep_name", "territory_id", "territory",
                                   "days_since_activity", "score", "tier")
    frames = [_shaped(account_columns.filter(silent), "dormant"), _shaped(account_columns.filter(ownerless), "no_owner")]
    if duplicates is not None:
        copies = duplicates.select("account_id", pl.col("group_id").cast(pl.String).alias("item_id"))
        frames.append(_shaped(account_columns.join(copies, on="account_id"), "duplicate"))
    if leads is not None:
        waiting = (leads.select("lead_id", "company", "owner_rep_id", "territory_id", "waiting_hours")
                   .join(known, on="owner_rep_id", how="left").join(places, on="territory_id", how="left")
                   .rename({"lead_id": "item_id", "company": "name"}))
        frames.append(_shaped(waiting, "lead_no_follow_up"))
    if past_due is not None:
        late = past_due.select(pl.col("invoice_id").alias("item_id"), "account_id", "days_past_due", "bucket",
                               pl.col("outstanding").alias("amount_due"))
        frames.append(_shaped(account_columns.join(late, on="account_id"), "receivable_past_due"))
    order = pl.col("kind").replace_strict({k: i for i, k in enumerate(ALERT_KINDS)}, return_dtype=pl.Int8)
    # dormant / no owner: longest silence first; leads: longest wait; invoices: most overdue;
    # duplicates: group by group
    urgency = (pl.coalesce("waiting_hours", "days_past_due",
                           pl.when(pl.col("kind") == "duplicate").then(0).otherwise(
                               pl.col("days_since_activity").fill_null(1 << 30))))
    return (pl.concat(frames).sort(order, urgency, "item_id", "account_id", descending=[False, True, False, False],
                                   nulls_last=True))


def alert_counts(alerts: pl.DataFrame, by: str) -> pl.DataFrame:
    """Alerts per rep (`by="rep"`) or territory (`by="territory"`): name, one count per kind, total;
    most alerts first. An ownerless or unknown-territory group is named "—"."""
    key = {"rep": "rep_name", "territory": "territory"}[by]
    counts = (alerts.group_by(pl.col(key).fill_null("—").alias("name"))
              .agg(*((pl.col("kind") == kind).sum().cast(pl.Int64).alias(kind) for kind in ALERT_KINDS),
                   pl.len().cast(pl.Int64).alias("total")))
    return counts.sort("total", "name", descending=[True, False])


def end_of(day: date) -> datetime:
    """Midnight after `day`: what is known "as of" a day is known by then."""
    return datetime.combine(day + timedelta(days=1), time())


def leads_waiting(store: Store, as_of: date, hours: int) -> pl.DataFrame:
    """The viewer's leads still waiting for a follow-up `hours` after they arrived, at the end of
    `as_of`: lead_id, name, company, status, owner_rep_id, territory_id, created_at,
    waiting_hours (whole hours since it arrived); longest waiting first."""
    until = end_of(as_of)
    leads = waiting_leads(store, until - timedelta(hours=hours), until, list(WAITING_STATUSES))
    waited = ((pl.lit(until) - pl.col("created_at")).dt.total_hours()).cast(pl.Int64)
    return (restrict_frame(store, leads).with_columns(waited.alias("waiting_hours"),
                                                      pl.coalesce("company", "name").alias("company"))
            .sort("waiting_hours", "lead_id", descending=[True, False]))


def held_twice(store: Store) -> pl.DataFrame:
    """account_id, group_id of the visible accounts whose customer is held by more than one rep."""
    data = sales_data(store)
    # every account's name and domain normalised and grouped: a heavy build (engine.metrics.build_gate)
    groups = data.built(("duplicates",), lambda: duplicate_groups(store).filter(pl.col("reps") > 1)
                        .select("account_id", "group_id"))
    return groups.join(data.accounts.select("account_id"), on="account_id")


def account_alerts(store: Store, as_of: date | None = None, config: HealthConfig | None = None,
                   follow_up_hours: int | None = None) -> pl.DataFrame:
    """Every alert the store's viewer sees (same as-of day and configuration as the scores)."""
    config = config or load_config(store)
    as_of = as_of or as_of_date(store)
    hours = follow_up_hours if follow_up_hours is not None else load_settings().lead_follow_up_hours
    data = sales_data(store)
    return alerts_frame(health_table(store, as_of, config), data.reps.select("rep_id", "name"),
                        data.tree.nodes.select("territory_id", "name"), config,
                        duplicates=held_twice(store), leads=leads_waiting(store, as_of, hours),
                        past_due=past_due_invoices(store, as_of))
