"""The rest of the demo CRM: leads, contacts and invoices (with their payments).

Leads arrive over the demo's whole span from web forms, referrals, fairs and partners; old ones are
closed (some converted into an account and its next deal), recent ones are being worked, and some
wait: the unowned ones and a share of the newest were never contacted, so the 48-hour follow-up
alert has something to show. Follow-ups are activities carrying the lead's id. Every customer has
1–5 contacts; every won deal is invoiced at its close, due after 30 or 60 days, mostly paid, some
late, some still open past due, a few partly paid. Vectorised numpy/polars from its own seeded
generator, so adding these tables leaves the rest of the demo exactly as it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import product

import numpy as np
import polars as pl

from engine.demo.names import PEOPLE, STEM_HEADS, STEM_TAILS, culture_of
from engine.demo.sales import labels

LEADS = 36_000  # at scale 1: about a thousand a month over the demo's three fiscal years
LEAD_SOURCES = ("Web", "Referral", "Trade Show", "Partner", "Advertisement", "Cold Call", "Email Campaign")
SOURCE_MIX = (0.34, 0.16, 0.12, 0.12, 0.1, 0.08, 0.08)
# Salesforce's default lead statuses; the first is the one a follow-up moves a lead on from.
LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
# status mix by the lead's age (days): never contacted, working, converted, not converted
STATUS_BY_AGE = ((2, (0.6, 0.4, 0.0, 0.0)), (14, (0.3, 0.7, 0.0, 0.0)), (90, (0.04, 0.5, 0.12, 0.34)),
                 (None, (0.0, 0.03, 0.18, 0.79)))
TITLES = ("CEO", "CFO", "Head of Procurement", "IT Director", "Operations Manager", "VP Sales", "Buyer",
          "Finance Manager", "Project Lead", "CTO")
COMPANY_SUFFIXES = ("Inc.", "Ltd", "GmbH", "Group", "LLC", "S.A.")
# invoice behaviour: paid on time, paid late, open, partly paid — for invoices due in the last 180
# days, and for older ones (long-open invoices are rare: most get collected or written off)
PAYMENT_RECENT, PAYMENT_OLD = (0.70, 0.18, 0.08, 0.04), (0.75, 0.235, 0.006, 0.009)


@dataclass(frozen=True)
class CrmExtras:
    leads: pl.DataFrame
    contacts: pl.DataFrame
    invoices: pl.DataFrame
    lead_activities: pl.DataFrame  # the activities columns, each with its lead_id


def _people(rng: np.random.Generator, territory: pl.Series) -> tuple[pl.Series, pl.Series]:
    """A person's display name and e-mail local part per row, sounding like the row's territory."""
    cultures = sorted(PEOPLE)
    culture = territory.replace_strict({t: cultures.index(culture_of(t)) for t in territory.drop_nulls().unique()},
                                       default=cultures.index("en"), return_dtype=pl.Int64).to_numpy()
    display = np.empty(len(territory), dtype=np.int64)
    pool_display, pool_email = [], []
    for code, name in enumerate(cultures):
        firsts, lasts, compose = PEOPLE[name]
        combos = [compose(first, last) for first, last in product(firsts, lasts)]
        rows = np.flatnonzero(culture == code)
        display[rows] = len(pool_display) + rng.integers(0, len(combos), len(rows))
        pool_display.extend(c[0] for c in combos)
        pool_email.extend(c[1] for c in combos)
    return labels(tuple(pool_display), display, "name"), labels(tuple(pool_email), display, "email_name")


def _numbered(prefix: str, width: int) -> pl.Expr:
    return pl.concat_str(pl.lit(prefix), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(width))


def build_leads(rng: np.random.Generator, accounts: pl.DataFrame, deals: pl.DataFrame, n: int,
                first_month: date, anchor_time: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n leads (the leads columns of migration 10) and the activities that followed them up."""
    owned = accounts.filter(pl.col("territory_id").is_not_null()).select(
        "account_id", pl.col("name").alias("account_name"), "industry", "country", "state", "city",
        "owner_rep_id", "territory_id")
    lead = owned[rng.integers(0, owned.height, n)]
    span_days = (anchor_time - datetime.combine(first_month, datetime.min.time())).total_seconds() / 86_400
    age_days = span_days * rng.random(n) ** 1.15  # slightly more leads lately: marketing grows
    created = np.datetime64(anchor_time, "s") - (age_days * 86_400).astype("timedelta64[s]")
    status = np.zeros(n, dtype=np.int64)
    lower = 0.0
    draw = rng.random(n)
    for upper, mix in STATUS_BY_AGE:
        rows = (age_days >= lower) & (age_days < (upper if upper is not None else np.inf))
        status[rows] = np.searchsorted(np.cumsum(mix), draw[rows], side="right").clip(0, 3)
        lower = upper if upper is not None else lower
    # the unrouted web-form queue of the last two months: nobody owns these, nobody calls
    unowned = (rng.random(n) < 0.05) & (age_days < 60)
    status[unowned] = 0
    converted = status == 2
    converted_days = np.minimum(rng.gamma(2.0, 8.0, n), age_days)
    converted_at = (created + (converted_days * 86_400).astype("timedelta64[s]")).astype("datetime64[D]")
    heads = rng.integers(0, len(STEM_HEADS), n)
    tails = rng.integers(0, len(STEM_TAILS), n)
    suffix = rng.integers(0, len(COMPANY_SUFFIXES), n)
    person, email_name = _people(rng, lead["territory_id"])
    frame = lead.with_columns(
        person, labels(STEM_HEADS, heads, "_head"), labels(STEM_TAILS, tails, "_tail"),
        labels(COMPANY_SUFFIXES, suffix, "_suffix"), email_name,
        labels(LEAD_SOURCES, rng.choice(len(LEAD_SOURCES), n, p=SOURCE_MIX), "lead_source"),
        labels(LEAD_STATUSES, status, "status"),
        pl.when(pl.Series(unowned)).then(None).otherwise(pl.col("owner_rep_id")).alias("owner_rep_id"),
        pl.Series("created_at", created.astype("datetime64[us]")),
        pl.when(pl.Series(converted)).then(pl.Series(converted_at)).alias("converted_at"),
        pl.when(pl.Series(converted)).then(pl.col("account_id")).alias("converted_account_id"))
    company = pl.concat_str("_head", "_tail", pl.lit(" "), "_suffix")
    frame = frame.with_columns(
        pl.when(pl.col("converted_account_id").is_not_null()).then(pl.col("account_name")).otherwise(company)
        .alias("company"),
        pl.concat_str("email_name", pl.lit("@"), pl.concat_str("_head", "_tail").str.to_lowercase(),
                      pl.lit(".example")).alias("email"))
    frame = frame.with_row_index("_draw").sort("created_at", "_draw").with_columns(_numbered("LEAD-", 7).alias("lead_id"))
    # The deal a converted lead opened: the account's first deal created on or after the conversion.
    converted_rows = (frame.filter(pl.col("converted_at").is_not_null()).select("lead_id", "account_id", "converted_at")
                      .join(deals.select("account_id", "created_date", "deal_id"), on="account_id")
                      .filter(pl.col("created_date") >= pl.col("converted_at"))
                      .group_by("lead_id").agg(pl.col("deal_id").sort_by("created_date", "deal_id").first()
                                                .alias("converted_deal_id")))
    frame = frame.join(converted_rows, on="lead_id", how="left", maintain_order="left")
    leads = frame.select("lead_id", "name", "company", "email", pl.lit(None, dtype=pl.String).alias("phone"),
                         "industry", "country", "state", "city", pl.lit(None, dtype=pl.String).alias("postal_code"),
                         "lead_source", "status", "owner_rep_id", "territory_id", "created_at", "converted_at",
                         "converted_account_id", "converted_deal_id")
    return leads, follow_ups(rng, leads, anchor_time)


def follow_ups(rng: np.random.Generator, leads: pl.DataFrame, anchor_time: datetime) -> pl.DataFrame:
    """1–3 calls or e-mails per contacted lead, the first a few hours after it arrived (a long tail
    of late answers); one contacted lead in ten moved on in the CRM without a logged activity."""
    touched = leads.filter((pl.col("status") != LEAD_STATUSES[0]) & pl.col("owner_rep_id").is_not_null())
    touched = touched.filter(pl.Series(rng.random(touched.height) >= 0.1))
    count = np.minimum(1 + rng.poisson(0.5, touched.height), 3)
    rows = np.repeat(np.arange(touched.height), count)
    nth = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
    first_hours = np.exp(rng.normal(np.log(6.0), 1.2, touched.height))[rows]
    later_days = np.where(nth == 0, 0.0, rng.uniform(1, 10, len(rows)) * nth)
    offset = ((first_hours * 3600) + later_days * 86_400).astype("timedelta64[s]")
    created = touched["created_at"].to_numpy().astype("datetime64[s]")[rows]
    kind = (rng.random(len(rows)) < 0.45).astype(np.int64)  # call, else e-mail
    outcome = np.where(kind == 0, rng.choice(3, len(rows), p=(0.55, 0.25, 0.2)), 3 + (rng.random(len(rows)) < 0.3))
    frame = touched[rows].select(pl.lit(None, dtype=pl.String).alias("account_id"),
                                 pl.lit(None, dtype=pl.String).alias("deal_id"),
                                 pl.col("owner_rep_id").alias("rep_id"), "lead_id").with_columns(
        labels(("call", "email"), kind, "type"), pl.Series("ts", (created + offset).astype("datetime64[us]")),
        labels(("connected", "no answer", "left voicemail", "sent", "replied"), outcome, "outcome"),
        labels(("Lead follow-up call", "Lead follow-up"), kind, "subject"))
    frame = frame.filter(pl.col("ts") <= anchor_time).with_row_index("_draw").sort("ts", "_draw").drop("_draw")
    return frame.with_columns(_numbered("ACT-L", 7).alias("activity_id"))


def build_contacts(rng: np.random.Generator, accounts: pl.DataFrame, anchor_time: datetime) -> pl.DataFrame:
    """1–5 contacts per account, owned by the account's owner, added in the account's first year."""
    count = rng.integers(1, 6, accounts.height)
    rows = np.repeat(np.arange(accounts.height), count)
    picked = accounts.select("account_id", "owner_rep_id", "territory_id", "website", "created_at")[rows]
    person, email_name = _people(rng, picked["territory_id"])
    # (a few demo accounts carry a created_at past the anchor — a data fault of their own; their
    # contacts are still added by the anchor)
    opened = np.minimum(picked["created_at"].to_numpy().astype("datetime64[s]"), np.datetime64(anchor_time, "s"))
    age = (np.datetime64(anchor_time, "s") - opened).astype(np.int64)
    added = opened + (rng.random(len(rows)) * np.minimum(age, 365 * 86_400)).astype("timedelta64[s]")
    domain = pl.col("website").str.replace(r"^(https?://)?(www\.)?", "")
    frame = picked.with_columns(person, email_name, labels(TITLES, rng.integers(0, len(TITLES), len(rows)), "title"),
                                pl.Series("created_at", added.astype("datetime64[us]")))
    frame = frame.with_row_index("_draw").sort("created_at", "_draw").with_columns(_numbered("CON-", 8).alias("contact_id"))
    return frame.select("contact_id", "account_id", "name", "title",
                        pl.when(domain.is_not_null()).then(pl.concat_str("email_name", pl.lit("@"), domain))
                        .alias("email"), pl.lit(None, dtype=pl.String).alias("phone"), "owner_rep_id", "created_at")


def build_invoices(rng: np.random.Generator, deals: pl.DataFrame, anchor: date) -> pl.DataFrame:
    """One invoice per won deal, issued at its close, due 30 (most) or 60 days later; payments as
    known on the anchor day (a payment after it has not happened yet)."""
    won = deals.filter(pl.col("status") == "won").select("deal_id", "account_id", "amount", "currency", "amount_rc",
                                                        "close_date").sort("close_date", "deal_id")
    n = won.height
    issue = won["close_date"].to_numpy().astype("datetime64[D]")
    terms = np.where(rng.random(n) < 0.7, 30, 60)
    due = issue + terms
    anchor64 = np.datetime64(anchor, "D")
    recent = due >= anchor64 - 180
    draw = rng.random(n)
    behaviour = np.where(recent, np.searchsorted(np.cumsum(PAYMENT_RECENT), draw, side="right"),
                         np.searchsorted(np.cumsum(PAYMENT_OLD), draw, side="right")).clip(0, 3)
    on_time = issue + np.minimum(3 + (rng.random(n) * (terms - 3)).astype(np.int64), terms)
    late = due + 1 + rng.gamma(2.0, 12.0, n).astype(np.int64)
    partly = issue + 10 + (rng.random(n) * (terms + 10)).astype(np.int64)
    paid = np.select([behaviour == 0, behaviour == 1, behaviour == 3], [on_time, late, partly],
                     np.datetime64("NaT", "D"))
    known = ~np.isnat(paid) & (paid <= anchor64)
    fraction = np.where(behaviour == 3, np.round(rng.uniform(0.3, 0.7, n), 2), 1.0)
    amount, amount_rc = won["amount"].to_numpy(), won["amount_rc"].to_numpy()
    paid_amount = np.where(known, np.round(amount * fraction, 2), np.nan)
    frame = won.with_columns(
        pl.Series("issue_date", issue), pl.Series("due_date", due),
        pl.Series("paid_date", np.where(known, paid, np.datetime64("NaT", "D"))),
        pl.Series("paid_amount", paid_amount, nan_to_null=True),
        pl.Series("paid_amount_rc", np.where(known, np.round(amount_rc * fraction, 2), np.nan), nan_to_null=True))
    return frame.with_columns(
        _numbered("INV-", 8).alias("invoice_id"),
        pl.concat_str(pl.col("issue_date").dt.year().cast(pl.String), pl.lit("-"),
                      (pl.int_range(pl.len()).over(pl.col("issue_date").dt.year()) + 1).cast(pl.String).str.zfill(6))
        .alias("number")).select("invoice_id", "account_id", "number", "amount", "currency", "amount_rc", "issue_date",
                                 "due_date", "paid_date", "paid_amount", "paid_amount_rc")


def build_crm_extras(seed: int, scale: float, accounts: pl.DataFrame, deals: pl.DataFrame, first_month: date,
                     anchor: date, anchor_time: datetime) -> CrmExtras:
    """Leads (with their follow-up activities), contacts and invoices for the demo company."""
    rng = np.random.default_rng([seed, 13])  # its own stream: the rest of the demo is unchanged
    leads, activities = build_leads(rng, accounts, deals, max(100, round(LEADS * scale)), first_month, anchor_time)
    contacts = build_contacts(rng, accounts, anchor_time)
    invoices = build_invoices(rng, deals, anchor)
    return CrmExtras(leads, contacts, invoices, activities)
