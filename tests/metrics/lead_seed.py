"""Leads, contacts and typed activities for the seed company (tests/metrics/conftest.py), every
KPI worked out by hand in tests/metrics/test_lead_kpis.py. Q2 2024 (Apr–Jun), as of 2024-06-30:
- North America: LA1 (US West, Ann) converted 04-20 into Acme, which wins W1 on 05-15 → a
  customer; LA2 (Ann) followed up by a call; LA3 (Ann) untouched; LA4 (US East, Ben) converted
  05-10 into Globex, whose next win (W4) closes 08-01 → a customer only as of August.
- EMEA: LA5 (Cai) followed up on 07-02 (after the as-of day). APAC: LA7 (Dee) on 06-30 23:00.
- LA6 is Q1's; LA8 (Eva) has no territory, so it counts for Eva only.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from engine.store import Store


def _leads() -> pl.DataFrame:
    d, t = date, datetime
    rows = [  # lead_id, territory, owner, created, converted_at, converted account
        ("LA1", "NA-W", "R1", t(2024, 4, 2, 10), d(2024, 4, 20), "acc-NA-W"),
        ("LA2", "NA-W", "R1", t(2024, 4, 10, 9), None, None),
        ("LA3", "NA-W", "R1", t(2024, 5, 5, 9), None, None),
        ("LA4", "NA-E", "R2", t(2024, 5, 1, 9), d(2024, 5, 10), "acc-NA-E"),
        ("LA5", "EU-DE", "R3", t(2024, 6, 15, 9), None, None),
        ("LA6", "NA-W", "R1", t(2024, 3, 30, 9), None, None),
        ("LA7", "AP", "R4", t(2024, 6, 30, 23), None, None),
        ("LA8", None, "R5", t(2024, 4, 4, 9), None, None),
    ]
    return pl.DataFrame(rows, orient="row", schema={
        "lead_id": pl.String, "territory_id": pl.String, "owner_rep_id": pl.String, "created_at": pl.Datetime("us"),
        "converted_at": pl.Date, "converted_account_id": pl.String})


def _contacts() -> pl.DataFrame:
    t = datetime
    rows = [("C1", "acc-NA-W", "R1", t(2024, 4, 3)), ("C2", "acc-NA-W", "R1", t(2024, 5, 3)),
            ("C3", "acc-NA-E", "R2", t(2024, 6, 1)), ("C4", "acc-EU-DE", "R3", t(2024, 7, 1)),
            ("C5", None, "R4", t(2024, 4, 15))]
    return pl.DataFrame(rows, orient="row", schema={
        "contact_id": pl.String, "account_id": pl.String, "owner_rep_id": pl.String, "created_at": pl.Datetime("us")})


def _activities() -> pl.DataFrame:
    t = datetime
    rows = [  # activity_id, type, account, rep, ts, lead
        ("A1", "call", "acc-NA-W", "R1", t(2024, 4, 11, 9), "LA2"),
        ("A2", "Phone Call", "acc-NA-W", "R1", t(2024, 4, 12, 9), None),
        ("A3", "Meeting", "acc-NA-E", "R2", t(2024, 5, 2, 9), None),
        ("A4", "Site Visit", "acc-NA-E", "R2", t(2024, 5, 3, 9), None),
        ("A5", "email", "acc-EU-DE", "R3", t(2024, 6, 1, 9), None),
        ("A6", "E-mail", "acc-EU-DE", "R3", t(2024, 6, 2, 9), None),
        ("A7", "Prep", "acc-AP", "R4", t(2024, 6, 3, 9), None),
        ("A8", "拜访", "acc-CN", "R7", t(2024, 4, 5, 9), None),
        ("A9", "电话", "acc-CN", "R7", t(2024, 4, 6, 9), None),
        ("A10", "email", "acc-EU-DE", "R3", t(2024, 7, 2, 9), "LA5"),
    ]
    return pl.DataFrame(rows, orient="row", schema={
        "activity_id": pl.String, "type": pl.String, "account_id": pl.String, "rep_id": pl.String,
        "ts": pl.Datetime("us"), "lead_id": pl.String})


def fill_seed_leads(store: Store) -> None:
    with store.transaction() as tx:
        for name, frame in (("leads", _leads()), ("contacts", _contacts()), ("activities", _activities())):
            tx.insert_frame(name, frame)
