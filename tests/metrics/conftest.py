"""The seed company: a hand-made dataset whose every figure is known by hand.

Company → 6 regions; North America has two territories (US West, US East), EMEA one (DACH); the
other regions are leaves. FY2024 won revenue by region is the issue's seed: 291,700 / 166,700 /
166,700 / 125,000 / 125,000 / 125,000. 2023 holds the win-rate history: US West 12 won + 8 lost
(60%, its own), US East 1 + 4 (borrows North America's 13/25 = 52%), DACH 2 + 0 (EMEA has only 2
closed deals, so both borrow the company's 15/27). US West has 10,100 of open pipeline in FY2024
(→ 6,060 weighted). In 2024-Q2 Ann wins 4,000 against 3,000 and Ben 700 against 1,500.
"""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.store import Store

AS_OF = date(2024, 6, 30)
REGIONS = ("NA", "EU", "AP", "LA", "ME", "CN")


def _deals() -> pl.DataFrame:
    d = date
    rows = [  # deal_id, territory, rep, status, amount, created, close, probability
        ("W1", "NA-W", "R1", "won", 4_000.0, d(2024, 3, 1), d(2024, 5, 15), 1.0),
        ("W2", "NA-W", "R1", "won", 196_000.0, d(2024, 6, 1), d(2024, 10, 10), 1.0),
        ("W3", "NA-E", "R2", "won", 700.0, d(2024, 4, 1), d(2024, 4, 20), 1.0),
        ("W4", "NA-E", "R2", "won", 91_000.0, d(2024, 5, 1), d(2024, 8, 1), 1.0),
        ("W5", "EU-DE", "R3", "won", 166_700.0, d(2024, 1, 3), d(2024, 3, 3), 1.0),
        ("W6", "AP", "R4", "won", 166_700.0, d(2024, 9, 1), d(2024, 11, 30), 1.0),
        ("W7", "LA", "R5", "won", 125_000.0, d(2024, 1, 2), d(2024, 2, 2), 1.0),
        ("W8", "ME", "R6", "won", 125_000.0, d(2024, 6, 7), d(2024, 7, 7), 1.0),
        ("W9", "CN", "R7", "won", 125_000.0, d(2024, 12, 1), d(2024, 12, 31), 1.0),
        ("W10", "CN", "R7", "won", 9_999.0, d(2024, 12, 1), d(2025, 1, 1), 1.0),  # FY2025, not FY2024
        ("L1", "NA-W", "R1", "lost", 50_000.0, d(2024, 1, 1), d(2024, 2, 1), 0.0),  # lost: no revenue
        ("O1", "NA-W", "R1", "open", 6_000.0, d(2024, 5, 1), d(2024, 9, 30), 0.5),
        ("O2", "NA-W", "R1", "open", 4_100.0, d(2024, 5, 2), d(2024, 12, 15), 0.2),
        ("O3", "NA-E", "R2", "open", 500.0, d(2024, 1, 1), d(2024, 3, 31), 0.9),  # overdue at AS_OF
        ("O4", "NA-E", "R2", "open", 2_000.0, d(2024, 6, 1), d(2025, 2, 1), 0.4),  # FY2025 pipeline
        ("O5", "EU-DE", "R3", "open", 1_000.0, d(2024, 6, 1), d(2024, 8, 1), 0.5),
    ]
    # The 2023 history behind the win rates (amounts do not matter to a win rate).
    history = ([("NA-W", "R1", "won")] * 12 + [("NA-W", "R1", "lost")] * 8 + [("NA-E", "R2", "won")]
               + [("NA-E", "R2", "lost")] * 4 + [("EU-DE", "R3", "won")] * 2)
    for i, (territory, rep, status) in enumerate(history):
        rows.append((f"H{i}", territory, rep, status, 1_000.0, d(2023, 5, 1), d(2023, 6 + i % 6, 10),
                     1.0 if status == "won" else 0.0))
    frame = pl.DataFrame(rows, orient="row", schema=[
        "deal_id", "territory_id", "owner_rep_id", "status", "amount", "created_date", "close_date", "probability"])
    return frame.with_columns(pl.col("amount").alias("amount_rc"), pl.lit("USD").alias("currency"),
                              pl.col("deal_id").alias("name"), pl.lit("acc-" ).add(pl.col("territory_id")).alias("account_id"))


def _targets() -> pl.DataFrame:
    months = [date(2024, m, 1) for m in range(1, 13)]
    q2 = {date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)}
    rows = []
    for month in months:
        rows.append(("rep", "R1", month, 1_000.0 if month in q2 else 17_000.0))
        rows.append(("rep", "R2", month, 500.0 if month in q2 else 9_000.0))
        rows.append(("rep", "R3", month, 3_000.0))  # EMEA's own target overrides DACH's sum
        rows.append(("territory", "EU", month, 14_000.0))
        rows.append(("territory", "AP", month, 12_500.0))
        for rep in ("R5", "R6", "R7"):
            rows.append(("rep", rep, month, 10_000.0))
    return pl.DataFrame(rows, orient="row", schema=["scope", "scope_id", "period_start", "amount"])


def fill_seed_company(store: Store) -> None:
    territories = pl.DataFrame({
        "territory_id": ["CO", *REGIONS, "NA-W", "NA-E", "EU-DE"],
        "name": ["Company", "North America", "EMEA", "APAC", "LATAM", "Middle East", "Greater China",
                 "US West", "US East", "DACH"],
        "parent_id": [None, *["CO"] * 6, "NA", "NA", "EU"],
        "level": [0, *[1] * 6, 2, 2, 2],
    })
    reps = pl.DataFrame({"rep_id": [f"R{i}" for i in range(1, 8)],
                         "name": ["Ann Lee", "Ben Ortiz", "Cai Müller", "Dee Tan", "Eva Rossi", "Fay Haddad",
                                  "Gus Wang"]})
    members = pl.DataFrame({"territory_id": ["NA-W", "NA-E", "EU-DE", "AP", "LA", "ME", "CN"],
                            "rep_id": [f"R{i}" for i in range(1, 8)], "role": ["owner"] * 7})
    accounts = pl.DataFrame({
        "account_id": [f"acc-{t}" for t in ("NA-W", "NA-E", "EU-DE", "AP", "LA", "ME", "CN")],
        "name": ["Acme", "Globex", "Siemens Kunde", "Tan Holdings", "Rossi SA", "Haddad LLC", "Wang Ltd"],
        "lat": [37.77, 40.71, 52.52, 1.35, -23.55, 25.2, 31.23],
        "lon": [-122.42, -74.0, 13.4, 103.82, -46.63, 55.27, 121.47],
        "territory_id": ["NA-W", "NA-E", "EU-DE", "AP", "LA", "ME", "CN"],
        "owner_rep_id": [f"R{i}" for i in range(1, 8)],
    })
    with store.transaction() as tx:
        for name, frame in (("territories", territories), ("reps", reps), ("territory_members", members),
                            ("accounts", accounts), ("deals", _deals()), ("targets", _targets())):
            tx.insert_frame(name, frame)


@pytest.fixture
def seed_store(store: Store) -> Store:
    fill_seed_company(store)
    return store
