"""Unowned accounts (无人问津): listed, filtered, assigned in bulk with a log row each."""
from __future__ import annotations

import pytest

from engine.store.errors import NotFoundError
from engine.territories.unowned import UnownedError, assign_accounts, unowned_accounts, unowned_summary


@pytest.fixture
def gaps(tiny_store):
    tiny_store.execute("UPDATE accounts SET owner_rep_id = NULL WHERE account_id IN ('A2', 'A6')")
    tiny_store.execute("UPDATE accounts SET territory_id = NULL WHERE account_id IN ('A4', 'A6')")
    tiny_store.execute("UPDATE accounts SET owner_rep_id = 'GONE' WHERE account_id = 'A5'")
    return tiny_store


@pytest.mark.parametrize("filters, ids", [
    ({}, ["A2", "A4", "A5", "A6"]), ({"missing": "owner"}, ["A2", "A5", "A6"]),
    ({"missing": "territory"}, ["A4", "A6"]), ({"missing": "both"}, ["A6"]),
    ({"country": "US"}, ["A2", "A4", "A5"]), ({"industry": "Software"}, ["A5"]),
    ({"search": "oak"}, ["A2"]), ({"search": "HOOLI"}, ["A5"]),
])
def test_unowned_lists_and_filters(gaps, filters, ids):
    assert sorted(unowned_accounts(gaps, **filters)["account_id"]) == ids


def test_the_summary_and_open_pipeline(gaps):
    frame = unowned_accounts(gaps)
    assert unowned_summary(frame) == {"accounts": 4, "no_owner": 3, "no_territory": 2, "open_pipeline": 2820.0}
    assert dict(frame.select("account_id", "missing").rows()) == {"A2": "owner", "A4": "territory", "A5": "owner",
                                                                   "A6": "both"}


def test_bulk_assignment_sets_only_what_is_given_and_logs_each_change(gaps):
    assert assign_accounts(gaps, ["A2", "A5", "A6"], rep_id="R3", actor="ops") == 3
    assert assign_accounts(gaps, ["A4", "A6"], territory_id="EU-DE", actor="ops") == 2
    assert unowned_accounts(gaps).is_empty()
    assert gaps.rows("SELECT account_id, from_territory, to_territory, from_rep, to_rep, reason, actor "
                     "FROM assignment_log ORDER BY ts, account_id") == [
        ("A2", "AM-W", "AM-W", None, "R3", "manual", "ops"), ("A5", "AM-W", "AM-W", "GONE", "R3", "manual", "ops"),
        ("A6", None, None, None, "R3", "manual", "ops"),
        ("A4", None, "EU-DE", "R2", "R2", "manual", "ops"), ("A6", None, "EU-DE", "R3", "R3", "manual", "ops")]
    assert gaps.rows("SELECT owner_rep_id, territory_id FROM deals WHERE deal_id = 'D10'") == [("R3", "EU-DE")]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"account_ids": []}, UnownedError, "No accounts were chosen"),
    ({"account_ids": ["A2"]}, UnownedError, "Choose a rep, a territory or both"),
    ({"account_ids": ["A2"], "rep_id": "R9"}, NotFoundError, "no rep with id 'R9'"),
    ({"account_ids": ["A2"], "territory_id": "X"}, NotFoundError, "no territory with id 'X'"),
    ({"account_ids": ["A2", "NOPE"], "rep_id": "R1"}, UnownedError, "1 of the chosen accounts no longer exist"),
])
def test_refused_assignments_write_nothing(gaps, kwargs, error, message):
    with pytest.raises(error, match=message):
        assign_accounts(gaps, **kwargs)
    assert gaps.count("assignment_log") == 0


def test_the_demo_orphans_are_unowned(small_demo):
    frame = unowned_accounts(small_demo)
    assert unowned_summary(frame) == {"accounts": 5, "no_owner": 5, "no_territory": 5, "open_pipeline": 0.0}
