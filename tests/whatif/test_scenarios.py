"""Scenarios: save, list, load, compare, apply to the live assignment, undo; and the CRM export files."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.planner import crm_export, scenarios
from engine.store.settings import load_settings
from engine.store import Store
from engine.planner.plan import Plan, before_after, build_baseline
from tests.whatif.conftest import AS_OF, fill_planner_company


def live(store: Store) -> pl.DataFrame:
    return store.table("accounts", ["account_id", "territory_id", "owner_rep_id"]).sort("account_id")


def open_deals(store: Store) -> pl.DataFrame:
    return store.table("deals", ["deal_id", "status", "territory_id", "owner_rep_id"]).sort("deal_id")


@pytest.fixture
def berlin_plan(baseline) -> Plan:
    plan = Plan(baseline)
    plan.apply({"unit": "city", "value": "Berlin", "to_territory": "France"})  # A07, A09 → FR / Ana
    plan.apply({"accounts": ["A10"], "to_territory": "UK", "to_rep": "R3"})  # unassigned → UK / Chen
    return plan


def test_save_and_list(planner_store, berlin_plan):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris", author="ops", note="draft 1")
    assert scenario_id == "S0001"
    assert scenarios.save_scenario(planner_store, berlin_plan, "Second") == "S0002"
    listed = scenarios.list_scenarios(planner_store)
    assert listed.select("scenario_id", "name", "author", "accounts", "status").rows() == [
        ("S0002", "Second", "local", 3, "draft"), ("S0001", "Berlin to Paris", "ops", 3, "draft")]
    assert scenarios.scenario_moves(planner_store, "S0001").rows() == [
        ("A07", "FR", "R1"), ("A09", "FR", "R1"), ("A10", "UK", "R3")]


@pytest.mark.parametrize("name, words", [("", "needs a name"), ("berlin to paris", "already exists")])
def test_save_refuses_bad_names(planner_store, berlin_plan, name, words):
    scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    with pytest.raises(scenarios.ScenarioError, match=words):
        scenarios.save_scenario(planner_store, berlin_plan, name)


def test_save_refuses_an_empty_plan(planner_store, baseline):
    with pytest.raises(scenarios.ScenarioError, match="would change nothing"):
        scenarios.save_scenario(planner_store, Plan(baseline), "Nothing")


def test_loaded_scenario_reproduces_the_plan(planner_store, baseline, berlin_plan):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    loaded = scenarios.load_plan(planner_store, baseline, scenario_id)
    assert before_after(loaded).equals(before_after(berlin_plan))
    assert loaded.changes().equals(berlin_plan.changes())


def test_apply_then_undo(planner_store, berlin_plan):
    accounts_before, deals_before = live(planner_store), open_deals(planner_store)
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    assert scenarios.apply_scenario(planner_store, scenario_id, actor="lead") == 3
    accounts = dict(zip(live(planner_store)["account_id"], live(planner_store).select("territory_id", "owner_rep_id").rows()))
    assert (accounts["A07"], accounts["A09"], accounts["A10"], accounts["A08"]) == (
        ("FR", "R1"), ("FR", "R1"), ("UK", "R3"), ("DE", "R3"))
    deals = {row[0]: row[1:] for row in open_deals(planner_store).rows()}
    assert deals["D12"] == ("open", "FR", "R1")  # open deal of A07 follows its account
    assert deals["D11"] == ("won", "DE", "R3")  # closed deals keep the territory they were won in
    assert deals["D14"] == ("open", "UK", "R3")
    log = planner_store.table("assignment_log").sort("account_id")
    assert log.select("account_id", "from_territory", "to_territory", "from_rep", "to_rep", "reason", "actor").rows() == [
        ("A07", "DE", "FR", "R3", "R1", "scenario:S0001", "lead"),
        ("A09", "DE", "FR", "R3", "R1", "scenario:S0001", "lead"),
        ("A10", None, "UK", None, "R3", "scenario:S0001", "lead")]
    assert scenarios.diff_against_live(planner_store, scenario_id).is_empty()
    assert scenarios.list_scenarios(planner_store)["status"].to_list() == ["applied"]
    with pytest.raises(scenarios.ScenarioError, match="already applied"):
        scenarios.apply_scenario(planner_store, scenario_id)

    assert scenarios.undo_scenario(planner_store, scenario_id, actor="lead") == 3
    assert live(planner_store).equals(accounts_before)
    assert open_deals(planner_store).equals(deals_before)
    assert planner_store.count("assignment_log") == 6
    assert scenarios.diff_against_live(planner_store, scenario_id).height == 3
    assert scenarios.list_scenarios(planner_store)["status"].to_list() == ["undone"]


def test_undo_refused_when_an_account_moved_again(planner_store, berlin_plan):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    scenarios.apply_scenario(planner_store, scenario_id)
    planner_store.execute("UPDATE accounts SET territory_id = 'UK' WHERE account_id = 'A07'")
    with pytest.raises(scenarios.ScenarioError, match="A07"):
        scenarios.undo_scenario(planner_store, scenario_id)
    assert live(planner_store).filter(pl.col("account_id") == "A09")["territory_id"].item() == "FR"


def test_apply_refused_when_an_account_is_gone(planner_store, berlin_plan):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    planner_store.execute("DELETE FROM accounts WHERE account_id = 'A10'")
    with pytest.raises(scenarios.ScenarioError, match="no longer exist: A10"):
        scenarios.apply_scenario(planner_store, scenario_id)
    assert planner_store.count("assignment_log") == 0


def test_delete(planner_store, berlin_plan):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    scenarios.delete_scenario(planner_store, scenario_id)
    assert scenarios.list_scenarios(planner_store).is_empty()
    assert planner_store.count("scenario_moves") == 0
    with pytest.raises(scenarios.NotFoundError, match="no scenario 'S0001'"):
        scenarios.delete_scenario(planner_store, scenario_id)


def test_compare_scenarios(planner_store, baseline, berlin_plan):
    first = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    merge = Plan(baseline)
    merge.apply({"merge": "DE", "into": "UK"})
    second = scenarios.save_scenario(planner_store, merge, "No Germany")
    matrix = scenarios.compare_scenarios(planner_store, baseline, [first, second])
    assert matrix.select("scenario_id", "name", "accounts_moved").rows() == [
        (None, "Live assignment", 0), ("S0001", "Berlin to Paris", 3), ("S0002", "No Germany", 3)]
    # accounts per territory: live 3/3/3, Berlin→Paris FR 5 UK 4 DE 1, merge FR 3 UK 6 DE 0
    assert matrix["accounts_max_min_ratio"].to_list() == [1.0, 5.0, float("inf")]
    diff = scenarios.compare_accounts(planner_store, baseline, [first, second])
    assert diff.select("account_id", "live_territory_id", "S0001_territory_id", "S0002_territory_id").rows() == [
        ("A07", "DE", "FR", "UK"), ("A08", "DE", "DE", "UK"), ("A09", "DE", "FR", "UK"), ("A10", None, "UK", None)]


@pytest.mark.parametrize("fmt, expected", [
    ("salesforce", "Id,OwnerId\nA07,R1\nA09,R1\nA10,R3\n"),
    ("zoho", "Record Id,Account Owner,Territories\nA07,ana@example.com,France\nA09,ana@example.com,France\n"
             "A10,chen@example.com,United Kingdom\n"),
    ("hubspot", "Record ID,Company owner\nA07,ana@example.com\nA09,ana@example.com\nA10,chen@example.com\n"),
    ("generic", "account_id,to_territory,to_rep\nA07,FR,R1\nA09,FR,R1\nA10,UK,R3\n"),
])
def test_crm_export_files(planner_store, berlin_plan, fmt, expected):
    scenario_id = scenarios.save_scenario(planner_store, berlin_plan, "Berlin to Paris")
    assert crm_export.export_scenario(planner_store, scenario_id, fmt) == expected.encode()
    assert crm_export.export_plan(berlin_plan, fmt) == expected.encode()


def test_crm_export_uses_the_name_when_the_rep_has_no_email(baseline):
    plan = Plan(baseline)
    plan.apply({"accounts": ["A01"], "to_territory": "UK"})  # Ben has no e-mail
    assert crm_export.export_plan(plan, "hubspot") == b"Record ID,Company owner\nA01,Ben\n"


def test_crm_export_refuses_accounts_without_owner(baseline):
    plan = Plan(baseline)
    plan.apply({"accounts": ["A01"], "to_territory": "FR", "to_rep": "R1"})
    plan.assign(np.array([0]), baseline.territory_index["UK"], baseline.n_reps)  # A01 → UK without rep
    with pytest.raises(crm_export.ExportError, match="no new owner"):
        crm_export.export_plan(plan, "salesforce")
    assert crm_export.export_plan(plan, "generic") == b"account_id,to_territory,to_rep\nA01,UK,\n"
    with pytest.raises(crm_export.ExportError, match="not an export format"):
        crm_export.export_plan(plan, "excel")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sets(st.integers(0, 9), min_size=1), st.integers(0, 3),
                                st.one_of(st.none(), st.integers(0, 2))), min_size=1, max_size=5))
def test_applying_a_scenario_then_diffing_shows_nothing(steps):
    store = Store.open(":memory:")
    fill_planner_company(store)
    original = live(store)
    baseline = build_baseline(store, as_of=AS_OF, settings=load_settings(environ={}))
    plan = Plan(baseline)
    for positions, territory, rep in steps:
        plan.assign(np.array(sorted(positions)), territory, rep)
    if plan.changed_positions().size == 0:
        return
    scenario_id = scenarios.save_scenario(store, plan, "property")
    assert scenarios.apply_scenario(store, scenario_id) == plan.changed_positions().size
    assert scenarios.diff_against_live(store, scenario_id).is_empty()
    rebuilt = Plan(build_baseline(store, as_of=AS_OF, settings=load_settings(environ={})))
    held = lambda frame, when: {row[0]: row[1:] for row in frame.filter(pl.col(f"accounts_{when}") > 0)
                                .select("name", f"accounts_{when}", f"won_{when}", f"pipeline_{when}").rows()}
    assert held(before_after(rebuilt), "before") == held(before_after(plan), "after")
    scenarios.undo_scenario(store, scenario_id)
    assert live(store).equals(original)
