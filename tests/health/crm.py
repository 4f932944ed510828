"""The tiny health company (tests/health/conftest.py) with invoices, leads and a duplicate
account, small enough to age, total and DSO by hand. As of 20 Jun 2024; `end` = 21 Jun 00:00."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from tests.health.conftest import fill_health_company

d = date
INVOICES = pl.DataFrame({
    "invoice_id": [f"I{i}" for i in range(1, 10)],
    "account_id": ["A1", "A1", "A3", "A5", "A6", "A6", "A4", "A2", "A3"],
    "number": [f"2024-{i:03d}" for i in range(1, 10)],
    "amount": [1000.0, 3000, 2000, 4000, 2500, 800, 1500, 500, 100],
    "currency": ["USD"] * 4 + ["EUR", "EUR"] + ["USD"] * 3,
    "amount_rc": [1000.0, 3000, 2000, 4000, 2750, 880, 1500, 500, None],  # I9 not converted: taken as USD
    "issue_date": [d(2024, 3, 15), d(2024, 5, 1), d(2024, 3, 1), d(2024, 6, 1), d(2024, 1, 20), d(2024, 4, 20),
                   d(2024, 6, 25), d(2024, 4, 1), d(2024, 2, 21)],
    "due_date": [d(2024, 4, 14), d(2024, 5, 31), d(2024, 3, 31), d(2024, 7, 1), d(2024, 2, 19), d(2024, 5, 20),
                 d(2024, 7, 25), d(2024, 5, 1), d(2024, 3, 22)],
    "paid_date": [d(2024, 4, 10), None, d(2024, 5, 1), None, None, d(2024, 6, 25), None, d(2024, 6, 20), None],
    "paid_amount": [1000.0, None, 800, None, None, 800, None, 500, None],
    "paid_amount_rc": [1000.0, None, 800, None, None, 880, None, 500, None],
})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


LEADS = pl.DataFrame({
    "lead_id": [f"L{i}" for i in range(1, 11)],
    "name": [f"Person {i}" for i in range(1, 11)],
    "company": ["Old Co", "Late Co", "Fresh Co", "Called Co", "Working Co", "Later Co", "Won Co", "Queue Co",
                "Future Co", None],
    "status": ["Open - Not Contacted", "New", "Open - Not Contacted", "Open - Not Contacted",
               "Working - Contacted", "Open - Not Contacted", "Closed - Converted", None, "New", "open"],
    "owner_rep_id": ["R1", "R2", "R1", "R1", "R2", "R3", "R2", None, "R1", "R1"],
    "territory_id": ["AM-W", "AM-E", "AM-W", "AM-W", "AM-E", "EU-DE", "AM-E", "AM-W", "AM-W", "AM-W"],
    "created_at": [at("2024-06-10T09:00"), at("2024-06-18T23:00"), at("2024-06-19T01:00"), at("2024-06-01T10:00"),
                   at("2024-06-01T10:00"), at("2024-06-05T00:00"), at("2024-06-01T10:00"), at("2024-06-12T00:00"),
                   at("2024-06-25T10:00"), at("2024-06-19T00:00")],
    "converted_at": [None, None, None, None, None, None, d(2024, 6, 3), None, None, None],
    "converted_account_id": [None, None, None, None, None, None, "A4", None, None, None],
})
LEAD_ACTIVITIES = pl.DataFrame({
    "activity_id": ["LA1", "LA2"], "lead_id": ["L4", "L6"], "rep_id": ["R1", "R3"], "type": ["call", "call"],
    "ts": [at("2024-06-02T09:00"), at("2024-06-25T09:00")]})  # L6's call comes after the as-of day
DUPLICATE = pl.DataFrame({"account_id": ["A8"], "name": ["ACME Inc."], "country": ["US"], "owner_rep_id": ["R2"],
                          "territory_id": ["AM-E"]})


def fill_crm_company(store) -> None:
    fill_health_company(store)
    with store.transaction() as tx:
        for table, frame in (("invoices", INVOICES), ("leads", LEADS), ("activities", LEAD_ACTIVITIES),
                             ("accounts", DUPLICATE)):
            tx.insert_frame(table, frame)
