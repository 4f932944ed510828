"""Shared key accounts (revenue once, to the lead; overlay credit apart) and the specialist pool."""
from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.metrics.overlay import overlay_credit
from engine.metrics.performance import attainment_table
from engine.metrics.periods import parse_period
from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories import pool
from engine.territories.shares import accounts_for_territories, share_account, shared_accounts, unshare_account
from engine.territories.tree import TerritoryError, retire_territory
from tests.conftest import fill_tiny_company

FY = parse_period("2024")


def test_a_shared_account_is_seen_by_its_supporters_and_credited_apart(tiny_store):
    share_account(tiny_store, "A1", "EU-DE", actor="hq")
    share_account(tiny_store, "A1", "AM-E")
    assert shared_accounts(tiny_store).select("account_id", "lead_territory_id", "supporting_territory_id").rows() == [
        ("A1", "AM-W", "EU-DE"), ("A1", "AM-W", "AM-E")]  # by supporting territory name
    assert accounts_for_territories(tiny_store, ["EU-DE"]).select("account_id", "via").rows() == [
        ("A1", "support"), ("A6", "lead")]
    credit = overlay_credit(tiny_store, FY)
    assert credit.select("territory_id", "account_id", "lead_territory_id", "won").rows() == [
        ("EU-DE", "A1", "AM-W", 4000.0), ("AM-E", "A1", "AM-W", 4000.0)]
    unshare_account(tiny_store, "A1", "AM-E")
    assert tiny_store.count("account_shares") == 1


@pytest.mark.parametrize("account, territory, message", [
    ("A1", "AM-W", "already leads"), ("A1", "NOPE", "no territory"), ("NOPE", "AM-W", "no account"),
])
def test_refused_shares(tiny_store, account, territory, message):
    with pytest.raises((TerritoryError, NotFoundError), match=message):
        share_account(tiny_store, account, territory)


def test_retiring_a_supporting_territory_keeps_one_share_row(tiny_store):
    share_account(tiny_store, "A1", "EU-DE")
    share_account(tiny_store, "A1", "AM-E")
    retire_territory(tiny_store, "EU-DE", to_territory_id="AM-E")
    assert tiny_store.rows("SELECT account_id, territory_id FROM account_shares") == [("A1", "AM-E")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["A1", "A2", "A3", "A4", "A5", "A6"]),
                          st.sampled_from(["CO", "AM", "EU", "AM-W", "AM-E", "EU-DE"])), max_size=10))
def test_no_total_changes_with_shared_accounts(pairs):
    store = Store.open(":memory:")
    fill_tiny_company(store)
    before = {level: attainment_table(store, FY, level).sort("id") for level in ("company", "region", "territory", "rep")}
    for account, territory in pairs:
        try:
            share_account(store, account, territory)
        except TerritoryError:
            pass
    for level, frame in before.items():
        assert attainment_table(store, FY, level).sort("id").equals(frame), level
    store.close()


@pytest.fixture
def pool_company(tiny_store):
    with tiny_store.transaction() as tx:
        tx.insert_frame("reps", pl.DataFrame({"rep_id": ["S1", "S2"], "name": ["Sol Eng", "Tech Sup"],
                                              "role": "specialist", "skills": [["Analytics", "Cloud"], ["Analytics"]],
                                              "capacity": [1, 0]}))
        tx.insert_frame("territory_members", pl.DataFrame({"territory_id": ["EU-DE"], "rep_id": ["S2"],
                                                           "role": ["specialist"]}))
        tx.execute("UPDATE deals SET status = 'open' WHERE deal_id IN ('D2', 'D7')")  # AM-W 3000, 4000
    pool.set_pool_priority(tiny_store, "EU", 1)
    return tiny_store


def test_requests_are_served_by_urgency_region_priority_and_deal_size(pool_company):
    ids = [pool.request_specialist(pool_company, deal, skill, urgency=urgency) for deal, skill, urgency in (
        ("D5", "Analytics", 2), ("D2", "analytics", 2), ("D10", "Analytics", 2), ("D7", "Analytics", 3),
        ("D6", "Cloud", 1))]
    assert ids == ["RQ0001", "RQ0002", "RQ0003", "RQ0004", "RQ0005"]
    # D7 is the most urgent; then EMEA (priority 1) before the Americas (no priority); then by size
    assert pool.queue(pool_company)["request_id"].to_list() == ["RQ0004", "RQ0003", "RQ0002", "RQ0001", "RQ0005"]
    decided = pool.allocate(pool_company, actor="ops")
    # S1 takes 1 at most, S2 up to 3 (no capacity set); the least booked wins, then the one seated in the region
    assert decided.select("request_id", "specialist_rep_id").rows() == [
        ("RQ0004", "S1"), ("RQ0003", "S2"), ("RQ0002", "S2"), ("RQ0001", "S2"), ("RQ0005", None)]
    reason = json.loads(decided["reason"][1])
    assert (reason["region"], reason["region_priority"], reason["same_region"], reason["load"]) == ("EU", 1, True, 0)
    assert pool.reason_text(decided["reason"][4]) == (
        "#5 in the queue (urgency 1, region priority –, deal $1.5K); no free specialist knows Cloud")
    pool.release(pool_company, "RQ0004")
    assert pool.allocate(pool_company)["specialist_rep_id"].to_list() == ["S1"]  # Cloud now free
    booked = pool.requests_table(pool_company, "allocated")
    assert sorted(zip(booked["request_id"], booked["specialist"])) == [
        ("RQ0001", "Tech Sup"), ("RQ0002", "Tech Sup"), ("RQ0003", "Tech Sup"), ("RQ0005", "Sol Eng")]


def test_requests_survive_a_restart(tmp_path):
    path = tmp_path / "pool.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["S1"], "name": ["Sol"], "role": "specialist",
                                             "skills": [["Analytics"]]}))
    pool.request_specialist(store, "D5", "Analytics", urgency=3, actor="ann")
    pool.allocate(store)
    store.close()
    again = Store.open(path)
    assert again.rows("SELECT request_id, status, specialist_rep_id, actor FROM resource_requests") == [
        ("RQ0001", "allocated", "S1", "ann")]
    again.close()


@pytest.mark.parametrize("deal, skill, urgency, message", [
    ("D1", "Analytics", 2, "D1 is won"), ("NOPE", "Analytics", 2, "no deal"), ("D5", " ", 2, "needs the skill"),
    ("D5", "Analytics", 5, "Urgency 5"),
])
def test_refused_requests(tiny_store, deal, skill, urgency, message):
    with pytest.raises((pool.PoolError, NotFoundError), match=message):
        pool.request_specialist(tiny_store, deal, skill, urgency=urgency)
    assert tiny_store.count("resource_requests") == 0
