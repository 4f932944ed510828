"""A deal's status: its own status column first, then the IsClosed/IsWon flags, then its stage."""
from __future__ import annotations

import polars as pl

from engine.importing.entity_checks import deal_status


def test_status_comes_from_the_status_column_then_the_flags_then_the_stage():
    frame = pl.DataFrame({
        "status": ["Won", None, None, None, None, None],
        "is_closed": [False, True, True, False, None, None],
        "is_won": [False, True, False, True, None, None],
        "stage": ["Prospecting", "Prospecting", "Closed Won", "Closed Won", "Closed Lost", "Dreaming"],
    }, schema_overrides={"status": pl.String})
    assert deal_status(frame, "salesforce", {}).to_list() == ["won", "won", "lost", "open", "lost", None]
    assert deal_status(frame, "salesforce", {"Dreaming": "open"}).to_list()[-1] == "open"


def test_without_flags_every_row_is_read_from_its_stage():
    frame = pl.DataFrame({"status": [None, None], "is_closed": [None, None], "is_won": [None, None],
                          "stage": ["Closed Won", "Negotiation/Review"]},
                         schema_overrides={"status": pl.String, "is_closed": pl.Boolean, "is_won": pl.Boolean})
    assert deal_status(frame, "salesforce", {}).to_list() == ["won", "open"]
