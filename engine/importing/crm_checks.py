"""What leads, contacts and invoices need beyond their fields' kinds (the checks of entity_checks.py
for the entities issue 13 brought in).

- A lead's or contact's name is its full name, else first + last name; an export without record
  ids gets ids derived from the e-mail address, else the name. A lead is converted when the export
  says so (IsConverted, Dynamics statecode 1 = Qualified) or gives a conversion date; a converted
  lead without a conversion date takes its last-modified day, and one with neither is a problem.
- An invoice without an id is known by its number. What was paid is the paid amount, else the
  amount less the open balance, else the whole amount when the invoice is marked paid or has a
  paid date, else nothing. A payment above the amount, a negative one, or a due date before the
  issue date is a problem naming its cell. Zoho Books' exchange rate (base units per invoice unit)
  becomes the deals' convention (invoice units per reporting unit).
Dynamics 365 option-set codes (lead source, status reason, invoice state) become their labels.
"""
from __future__ import annotations

import polars as pl

from engine.importing.crm_columns import DYNAMICS_INVOICE_STATE, DYNAMICS_LEAD_SOURCES, DYNAMICS_LEAD_STATUS
from engine.importing.entity_checks import derived_id
from engine.importing.problems import problem_rows

_QUALIFIED = ("1", "qualified", "converted")  # Dynamics lead statecode 1, or its label
_PAID_WORDS = ("paid", "fully paid", "已付款", "已付", "已回款", "已结清")


def _codes(column: str, labels: dict[str, str], source: str) -> pl.Expr:
    if source != "dynamics":
        return pl.col(column)
    return pl.col(column).replace(labels)


def _full_name(frame: pl.DataFrame) -> pl.Expr:
    parts = pl.concat_str([pl.col("first_name"), pl.col("last_name")], separator=" ", ignore_nulls=True)
    return pl.coalesce("name", pl.when(parts != "").then(parts), "email")


def _person(frame: pl.DataFrame, id_field: str, header_of: dict[str, str]) -> tuple[pl.DataFrame, list]:
    """Name and id of a lead or contact; the rows left without either are problems."""
    frame = frame.with_columns(_full_name(frame).alias("name"))
    frame = frame.with_columns(pl.coalesce(pl.col(id_field), derived_id(pl.coalesce("email", "name"))).alias(id_field))
    header = header_of.get(id_field) or header_of.get("name") or header_of.get("last_name") or header_of.get("email", id_field)
    return frame, [problem_rows(frame, pl.col(id_field).is_null(), header, None,
                                "import.problem.person_id")]


def check_leads(frame, raw, header_of, source, stages):
    frame, problems = _person(frame, "lead_id", header_of)
    state = pl.col("state_code").str.to_lowercase()
    frame = frame.with_columns(
        _codes("lead_source", DYNAMICS_LEAD_SOURCES, source).alias("lead_source"),
        pl.coalesce(_codes("status", DYNAMICS_LEAD_STATUS, source),
                    pl.col("state_code").replace({"0": "Open", "1": "Qualified", "2": "Disqualified"})).alias("status"),
        (pl.col("is_converted").fill_null(False) | state.is_in(_QUALIFIED).fill_null(False)
         | pl.col("converted_at").is_not_null()).alias("_converted"))
    frame = frame.with_columns(pl.coalesce(
        "converted_at", pl.when(pl.col("_converted")).then(pl.col("modified_at").dt.date())).alias("converted_at"))
    problems.append(problem_rows(frame, pl.col("created_at").is_null(), header_of.get("created_at", "created_at"),
                                 None, "import.problem.lead_created"))
    converted_header = header_of.get("converted_at") or header_of.get("is_converted") or header_of.get(
        "state_code", "converted_at")
    problems.append(problem_rows(
        frame, pl.col("_converted") & pl.col("converted_at").is_null(), converted_header, None,
        "import.problem.lead_no_conversion_date"))
    problems.append(problem_rows(
        frame, pl.col("converted_at") < pl.col("created_at").dt.date(), converted_header, pl.col("converted_at"),
        "import.problem.lead_converted_before"))
    return frame.drop("_converted", "state_code", "is_converted"), problems


def check_contacts(frame, raw, header_of, source, stages):
    return _person(frame, "contact_id", header_of)


def check_invoices(frame, raw, header_of, source, stages):
    frame = frame.with_columns(
        pl.coalesce(pl.col("invoice_id"), pl.lit("invoice:") + pl.col("number")).alias("invoice_id"),
        pl.coalesce("number", "invoice_id").alias("number"),
        pl.coalesce(pl.col("currency").str.to_uppercase().str.strip_chars(), pl.col("_symbol_currency")).alias("currency"),
        _codes("status", DYNAMICS_INVOICE_STATE, source).alias("status"),
        # Zoho Books writes base-currency units per invoice unit: the inverse of the deals' rate.
        pl.coalesce("exchange_rate", 1.0 / pl.col("base_rate")).alias("exchange_rate"))
    marked_paid = pl.col("status").str.to_lowercase().str.strip_chars().is_in(_PAID_WORDS).fill_null(False)
    frame = frame.with_columns(pl.coalesce(
        "paid_amount", pl.col("amount") - pl.col("balance"),
        pl.when(marked_paid | pl.col("paid_date").is_not_null()).then(pl.col("amount")),
        pl.lit(0.0)).alias("paid_amount"))
    id_header = header_of.get("invoice_id") or header_of.get("number", "invoice_id")
    paid_header = header_of.get("paid_amount") or header_of.get("balance") or header_of.get("paid_date", "paid_amount")
    problems = [
        problem_rows(frame, pl.col("invoice_id").is_null(), id_header, None, "import.problem.invoice_number"),
        problem_rows(frame, pl.col("amount").is_null(), header_of["amount"], None, "import.problem.required"),
        problem_rows(frame, pl.col("issue_date").is_null(), header_of["issue_date"], None, "import.problem.required"),
        problem_rows(frame, pl.col("paid_amount") < 0, paid_header, pl.col("paid_amount"),
                     "import.problem.payment_negative"),
        problem_rows(frame, pl.col("paid_amount") > pl.col("amount") + 0.005, paid_header, pl.col("paid_amount"),
                     "import.problem.payment_over"),
    ]
    if "due_date" in header_of:
        problems.append(problem_rows(frame, pl.col("due_date") < pl.col("issue_date"), header_of["due_date"],
                                     pl.col("due_date"), "import.problem.due_before_issue"))
    for rate in ("exchange_rate", "base_rate"):
        if rate in header_of:
            problems.append(problem_rows(frame, pl.col(rate) <= 0, header_of[rate], pl.col(rate),
                                         "import.problem.exchange_rate"))
    return frame.drop("balance", "base_rate"), problems


CRM_CHECKS = {"leads": check_leads, "contacts": check_contacts, "invoices": check_invoices}
