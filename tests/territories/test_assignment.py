"""Simulating, applying and undoing the rules on the tiny company, with every figure by hand."""
from __future__ import annotations

import polars as pl
import pytest

from engine.territories.publish import AssignmentError, apply_rules, last_run, simulate_live, undo_last
from engine.territories.rules import RulesRefused, load_rules, save_rules
from tests.territories.conftest import AS_OF, RULES


@pytest.fixture
def simulation(rules_store):
    return simulate_live(rules_store, RULES, as_of=AS_OF)


def test_before_and_after_per_territory(simulation):
    # A5 moves West → East by the override; A7 and A8 are orphans and keep what they have.
    assert simulation.territories.rows() == [
        ("EU-DE", "DACH", 1, 1, 2750.0, 2750.0),
        ("AM-E", "US East", 2, 3, 2000.0, 6000.0),
        ("AM-W", "US West", 4, 3, 8000.0, 4000.0),
        (None, "Unassigned", 1, 1, 0.0, 0.0),
    ]


def test_account_level_diff_names_the_rule_and_the_new_owner(simulation):
    assert simulation.changes.select("account_id", "from_territory", "to_territory", "from_rep", "to_rep",
                                     "rule_id", "won").rows() == [("A5", "AM-W", "AM-E", "R1", "R2", "R4", 4000.0)]
    decided = dict(simulation.accounts.select("account_id", "rule_id").rows())
    assert decided == {"A1": "R1", "A2": "R1", "A3": "R2", "A4": "R2", "A5": "R4", "A6": "R3", "A7": None, "A8": None}


def test_orphans_say_which_field_was_empty_or_unexpected(simulation):
    assert simulation.orphans.rows() == [
        ("A7", "Nowhere Ltd", None, "country", None, "empty"),
        ("A8", "Lone Star LLC", "AM-W", "state", "TX", "unexpected"),
    ]


def test_ties_once_per_account_and_dead_rules(simulation):
    assert simulation.ties.rows() == [("A2", "Globex", "R1, R7", "AM-W, AM-E", "R1")]
    assert simulation.dead_rules.rows() == [("R5", "account", "EU-DE", 50, 'industry == "Nothing"')]
    counts = {r: (m, d) for r, _, m, d in simulation.rule_counts.rows()}
    assert counts == {"R1": (3, 2), "R2": (2, 2), "R3": (1, 1), "R4": (1, 1), "R5": (0, 0), "R7": (1, 0),
                      "R6": (1, 1)}


def test_deal_rule_sends_a_big_open_deal_to_the_region(simulation):
    assert simulation.deal_moves.select("deal_id", "territory_before", "territory_after", "rep_after",
                                        "rule_id").rows() == [("D10", "EU-DE", "EU", "R3", "R6")]
    # D5 and D6 (open, US East) stay with their accounts; A5's only deal is won: history stays.
    assert simulation.deals["deal_id"].to_list() == ["D10"]


def test_apply_logs_each_changed_account_then_resimulating_changes_nothing(rules_store):
    save_rules(rules_store, RULES, actor="planner")
    applied = apply_rules(rules_store, actor="planner")
    assert (applied.accounts_changed, applied.deals_changed, applied.orphans, applied.ties) == (1, 1, 2, 1)
    log = rules_store.table("assignment_log").drop("ts")
    assert log.rows() == [("A5", "AM-W", "AM-E", "R1", "R2", "rule:R4", "planner")]
    assert rules_store.rows("SELECT territory_id, owner_rep_id FROM deals WHERE deal_id = 'D10'") == [("EU", "R3")]
    again = simulate_live(rules_store, as_of=AS_OF)
    assert again.changes.is_empty() and again.deals.is_empty()
    assert apply_rules(rules_store, actor="planner").run_id is None  # nothing left to do: no empty run


def test_undo_puts_back_the_last_run(rules_store):
    before = rules_store.table("accounts", ["account_id", "territory_id", "owner_rep_id"]).sort("account_id")
    deals_before = rules_store.table("deals", ["deal_id", "territory_id", "owner_rep_id"]).sort("deal_id")
    save_rules(rules_store, RULES)
    run_id = apply_rules(rules_store, actor="planner").run_id
    assert last_run(rules_store)["run_id"] == run_id
    undone = undo_last(rules_store, actor="lead")
    assert (undone.run_id, undone.accounts_changed, undone.deals_changed) == (run_id, 1, 1)
    assert rules_store.table("accounts", ["account_id", "territory_id", "owner_rep_id"]).sort("account_id").equals(before)
    assert rules_store.table("deals", ["deal_id", "territory_id", "owner_rep_id"]).sort("deal_id").equals(deals_before)
    assert rules_store.rows("SELECT reason, actor FROM assignment_log ORDER BY ts") == [
        ("rule:R4", "planner"), ("undo rule:R4", "lead")]
    with pytest.raises(AssignmentError, match="No rule run is left to undo"):
        undo_last(rules_store)


def test_undo_is_refused_when_an_account_was_reassigned_since(rules_store):
    save_rules(rules_store, RULES)
    apply_rules(rules_store)
    rules_store.execute("UPDATE accounts SET territory_id = 'EU-DE' WHERE account_id = 'A5'")
    with pytest.raises(AssignmentError, match=r"1 account\(s\) and 0 deal\(s\) were reassigned after run A00001"):
        undo_last(rules_store)
    assert rules_store.scalar("SELECT territory_id FROM accounts WHERE account_id = 'A5'") == "EU-DE"


def test_saving_rules_checks_all_of_them_and_writes_nothing_when_one_is_wrong(rules_store):
    save_rules(rules_store, RULES)
    bad = RULES.with_columns(pl.Series("expression", ['contry == "US"'] + RULES["expression"][1:].to_list()))
    bad = bad.with_columns(pl.when(pl.col("rule_id") == "R3").then(pl.lit("NOPE")).otherwise("territory_id")
                           .alias("territory_id"))
    with pytest.raises(RulesRefused) as refused:
        save_rules(rules_store, bad)
    assert [(p.where, p.column) for p in refused.value.problems] == [("rule R1", "expression"), ("rule R3", "territory")]
    assert "rule R1: There is no field 'contry' (column 1)" in str(refused.value)
    assert sorted(load_rules(rules_store)["expression"].to_list()) == sorted(RULES["expression"].to_list())


def test_inactive_rules_do_not_match_and_new_rules_get_ids(rules_store):
    rules = RULES.with_columns(pl.col("rule_id").replace("R4", None), active=pl.col("rule_id") != "R7")
    stored = save_rules(rules_store, rules)
    assert sorted(stored["rule_id"].to_list()) == ["R0008", "R1", "R2", "R3", "R5", "R6", "R7"]
    simulation = simulate_live(rules_store, as_of=AS_OF)
    assert simulation.ties.is_empty()
    assert simulation.changes.select("account_id", "rule_id").rows() == [("A5", "R0008")]
