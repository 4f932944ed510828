"""Receivables: what customers owe on a day, how late it is, and how fast each territory collects.

An invoice is outstanding on day d when it was issued by d and not paid in full by d: its amount
(in the reporting currency) less the payment recorded on or before d — a payment dated later has
not happened yet on d, so `--as-of` rebuilds the past. It is past due when its due date is before
d; its age is d − due date in days, bucketed 1–30, 31–60, 61–90 and 90+ (so 30 is 1–30, 31 is
31–60, 90 is 61–90). DSO (days sales outstanding, the simple method) per territory:
outstanding on d ÷ invoiced in the `dso_days` days up to d × `dso_days`; no invoicing in the window
means no DSO (null), never infinity. Accounts place their invoices in their territory; a viewer
sees the invoices of the accounts they see.
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from engine.metrics.sales_data import sales_data
from engine.store import Store

BUCKETS = ("1_30", "31_60", "61_90", "90_plus")
BUCKET_UPPER = (30, 60, 90)  # the last day of each bucket but the open-ended one
DSO_DAYS = 90
INVOICE_COLUMNS = ("invoice_id", "account_id", "number", "amount", "currency", "amount_rc", "issue_date",
                   "due_date", "paid_date", "paid_amount", "paid_amount_rc")
OPEN_COLUMNS = ("invoice_id", "account_id", "number", "issue_date", "due_date", "amount_rc", "outstanding",
                "days_past_due", "bucket")
AGEING_COLUMNS = ("territory_id", "territory", "outstanding", "not_due", *(f"due_{b}" for b in BUCKETS),
                  "past_due", "invoiced_recent", "dso")


def bucket_of(days: pl.Expr) -> pl.Expr:
    """The ageing bucket of `days` past due (null when not past due)."""
    return (pl.when(days < 1).then(None)
            .when(days <= BUCKET_UPPER[0]).then(pl.lit(BUCKETS[0]))
            .when(days <= BUCKET_UPPER[1]).then(pl.lit(BUCKETS[1]))
            .when(days <= BUCKET_UPPER[2]).then(pl.lit(BUCKETS[2]))
            .otherwise(pl.lit(BUCKETS[3])))


def open_invoices(invoices: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """OPEN_COLUMNS: the invoices outstanding at the end of `as_of`, oldest due first.

    `amount_rc` falls back to `amount` where the import did not convert it (an invoice in the
    reporting currency); a payment's `paid_amount_rc` to the paid share of amount_rc."""
    amount_rc = pl.coalesce("amount_rc", "amount")
    paid_rc = pl.coalesce("paid_amount_rc", pl.col("paid_amount") / pl.col("amount") * amount_rc)
    paid_by_then = pl.col("paid_date").is_not_null() & (pl.col("paid_date") <= as_of)
    outstanding = (amount_rc - pl.when(paid_by_then).then(paid_rc.fill_null(0.0)).otherwise(0.0)).round(2)
    days = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    return (invoices.lazy().filter(pl.col("issue_date").is_not_null() & (pl.col("issue_date") <= as_of))
            .with_columns(amount_rc.alias("amount_rc"), outstanding.alias("outstanding"))
            .filter(pl.col("outstanding") > 0.005)
            .with_columns(pl.when(days >= 1).then(days).alias("days_past_due"))
            .with_columns(bucket_of(pl.col("days_past_due").fill_null(0)).alias("bucket"))
            .select(OPEN_COLUMNS).sort("due_date", "invoice_id").collect())


def invoiced_between(invoices: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """account_id, invoiced: Σ amount_rc of the invoices issued from `first` to `last` (both in)."""
    return (invoices.lazy().filter(pl.col("issue_date").is_between(first, last))
            .group_by("account_id").agg(pl.coalesce("amount_rc", "amount").sum().alias("invoiced")).collect())


def ageing_frame(invoices: pl.DataFrame, accounts: pl.DataFrame, territories: pl.DataFrame, as_of: date,
                 dso_days: int = DSO_DAYS) -> pl.DataFrame:
    """AGEING_COLUMNS, one row per territory holding invoiced accounts, most past due first.

    `accounts`: account_id, territory_id (only these accounts' invoices count); `territories`:
    territory_id, name. Money in the reporting currency; `dso` in days."""
    placed = accounts.select("account_id", "territory_id")
    owed = open_invoices(invoices, as_of).join(placed, on="account_id")
    sold = invoiced_between(invoices, as_of - timedelta(days=dso_days - 1), as_of).join(placed, on="account_id")
    amount = pl.col("outstanding")
    per_territory = owed.group_by("territory_id").agg(
        amount.sum().alias("outstanding"), amount.filter(pl.col("bucket").is_null()).sum().alias("not_due"),
        *(amount.filter(pl.col("bucket") == b).sum().alias(f"due_{b}") for b in BUCKETS),
        amount.filter(pl.col("bucket").is_not_null()).sum().alias("past_due"))
    sales = sold.group_by("territory_id").agg(pl.col("invoiced").sum().alias("invoiced_recent"))
    names = territories.select("territory_id", pl.col("name").alias("territory"))
    money = ("outstanding", "not_due", *(f"due_{b}" for b in BUCKETS), "past_due", "invoiced_recent")
    frame = (per_territory.join(sales, on="territory_id", how="full", coalesce=True)
             .join(names, on="territory_id", how="left")
             .with_columns(pl.col(money).fill_null(0.0).round(2), pl.col("territory").fill_null("—")))
    return (frame.with_columns(dso(pl.col("outstanding"), pl.col("invoiced_recent"), dso_days).alias("dso"))
            .select(AGEING_COLUMNS).sort("past_due", "territory", descending=[True, False]))


def dso(outstanding: pl.Expr, invoiced: pl.Expr, days: int) -> pl.Expr:
    """outstanding ÷ invoiced × days, to one decimal; null without invoicing in the window."""
    return pl.when(invoiced > 0).then((outstanding / invoiced * days).round(1))


def ageing_total(ageing: pl.DataFrame, dso_days: int = DSO_DAYS) -> dict:
    """The company (or scope) line of an ageing table: its money columns summed and its own DSO."""
    money = [c for c in AGEING_COLUMNS if c not in ("territory_id", "territory", "dso")]
    total = {c: round(float(ageing[c].sum()), 2) for c in money}
    total["dso"] = round(total["outstanding"] / total["invoiced_recent"] * dso_days, 1) \
        if total["invoiced_recent"] > 0 else None
    return total


def account_receivables(invoices: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per account with an invoice issued by `as_of`: days_past_due (its oldest past-due invoice,
    0 when none) and past_due_amount — the health score's receivables facts."""
    issued = (invoices.lazy().filter(pl.col("issue_date") <= as_of).select("account_id").unique().collect())
    late = (open_invoices(invoices, as_of).filter(pl.col("days_past_due").is_not_null())
            .group_by("account_id").agg(pl.col("days_past_due").max(), pl.col("outstanding").sum()
                                        .alias("past_due_amount")))
    return (issued.join(late, on="account_id", how="left")
            .with_columns(pl.col("days_past_due").fill_null(0).cast(pl.Int64),
                          pl.col("past_due_amount").fill_null(0.0)))


def invoice_table(store: Store) -> pl.DataFrame:
    """The invoices table with dates as dates, read once per data version."""
    data = sales_data(store)

    def read() -> pl.DataFrame:
        return store.table("invoices", list(INVOICE_COLUMNS)).with_columns(
            pl.col("issue_date", "due_date", "paid_date").cast(pl.Date))

    return data.cached(("invoices",), read)


def receivables_report(store: Store, as_of: date, territories: list[str] | None = None,
                       dso_days: int = DSO_DAYS) -> pl.DataFrame:
    """`report receivables`: the ageing table of the accounts the store's viewer sees, cut to
    `territories` (None = all)."""
    data = sales_data(store)
    accounts = data.accounts.select("account_id", "territory_id")
    if territories is not None:
        accounts = accounts.filter(pl.col("territory_id").is_in(territories))
    return ageing_frame(invoice_table(store), accounts, data.tree.nodes.select("territory_id", "name"), as_of,
                        dso_days)


def past_due_invoices(store: Store, as_of: date, territories: list[str] | None = None) -> pl.DataFrame:
    """OPEN_COLUMNS of the past-due invoices the viewer sees, plus territory_id; oldest first."""
    accounts = sales_data(store).accounts.select("account_id", "territory_id")
    if territories is not None:
        accounts = accounts.filter(pl.col("territory_id").is_in(territories))
    return (open_invoices(invoice_table(store), as_of).filter(pl.col("bucket").is_not_null())
            .join(accounts, on="account_id").sort("days_past_due", "invoice_id", descending=[True, False]))
