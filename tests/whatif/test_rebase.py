"""Unsaved moves carried onto a new data version (engine.planner.rebase): replayed by account id,
and the accounts that cannot follow — gone, reassigned meanwhile, or bound for a territory or rep
that no longer exists — left out and counted (tests/whatif/conftest.py: the planner company)."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from engine.planner.plan import Plan, build_baseline
from engine.planner.rebase import Dropped, rebase, unsaved_moves
from engine.store.settings import load_settings
from tests.whatif.conftest import AS_OF

MOVES = {
    "to_uk": {"accounts": ["A01", "A02"], "to_territory": "UK"},
    "eng_to_de": {"unit": "state", "value": "ENG", "to_territory": "DE"},
    "a01_to_de": {"accounts": ["A01"], "to_territory": "DE"},
    "a01_to_ben": {"accounts": ["A01"], "to_rep": "R2"},
}

BEN_LEAVES = ["DELETE FROM reps WHERE rep_id = 'R2'",  # and nothing refers to him any more
              "UPDATE accounts SET owner_rep_id = 'R1' WHERE owner_rep_id = 'R2'",
              "UPDATE territories SET owner_rep_id = 'R1' WHERE owner_rep_id = 'R2'"]

CASES = [  # name, moves, the data change, where the accounts end (territory, rep), gone / changed / unreachable,
    # undo steps left (a step none of whose accounts could follow is no step)
    ("nothing changed", ["to_uk", "eng_to_de"], [],
     {"A01": ("UK", "R2"), "A02": ("UK", "R2"), "A04": ("DE", "R3"), "A05": ("DE", "R3"), "A06": ("DE", "R3")},
     (), (), (), 2),
    ("an account deleted", ["to_uk"], ["DELETE FROM accounts WHERE account_id = 'A02'"],
     {"A01": ("UK", "R2")}, ("A02",), (), (), 1),
    ("an account reassigned by the import", ["to_uk"],
     ["UPDATE accounts SET territory_id = 'DE', owner_rep_id = 'R3' WHERE account_id = 'A01'"],
     {"A02": ("UK", "R2")}, (), ("A01",), (), 1),
    ("a chain whose first step cannot follow", ["to_uk", "a01_to_de"],
     ["UPDATE accounts SET territory_id = 'DE', owner_rep_id = 'R3' WHERE account_id = 'A01'"],
     {"A02": ("UK", "R2")}, (), ("A01",), (), 1),
    ("a chain replayed whole", ["to_uk", "a01_to_de"], [],
     {"A01": ("DE", "R3"), "A02": ("UK", "R2")}, (), (), (), 2),
    ("the destination rep is gone", ["a01_to_ben", "eng_to_de"], BEN_LEAVES,
     {"A04": ("DE", "R3"), "A05": ("DE", "R3"), "A06": ("DE", "R3")}, (), (), ("A01",), 1),
    ("an owner change elsewhere does not matter", ["to_uk"],
     ["UPDATE accounts SET owner_rep_id = 'R3' WHERE account_id = 'A03'"],
     {"A01": ("UK", "R2"), "A02": ("UK", "R2")}, (), (), (), 1),
]


def _where(plan: Plan) -> dict[str, tuple[str, str]]:
    changes = plan.changes()
    return {a: (t, r) for a, t, r in changes.select("account_id", "to_territory_id", "to_rep_id").iter_rows()}


@pytest.mark.parametrize(("name", "moves", "change", "where", "gone", "changed", "unreachable", "steps_left"), CASES,
                         ids=[case[0] for case in CASES])
def test_the_moves_follow_the_data(planner_store, baseline, name, moves, change, where, gone, changed, unreachable,
                                   steps_left):
    plan = Plan(baseline)
    for move in moves:
        plan.apply(MOVES[move])
    unsaved = unsaved_moves(plan)
    with planner_store.transaction() as tx:
        for statement in change:
            tx.execute(statement)
    renewed = build_baseline(planner_store, as_of=AS_OF, settings=load_settings(environ={}))
    result = rebase(unsaved, renewed)
    assert result.plan.baseline is renewed and result.steps == len(moves)
    assert _where(result.plan) == where
    assert result.gone == Dropped(len(gone), gone)
    assert result.changed == Dropped(len(changed), changed)
    assert result.unreachable == Dropped(len(unreachable), unreachable)
    assert result.dropped == len(gone) + len(changed) + len(unreachable)
    undone = 0
    while result.plan.undo():
        undone += 1
    assert undone == steps_left
    assert result.plan.changes().is_empty()


def test_unsaved_moves_hold_no_baseline(baseline):
    plan = Plan(baseline)
    plan.apply(MOVES["to_uk"])
    unsaved = unsaved_moves(plan)
    step = unsaved.steps[0]
    assert step.accounts.to_list() == ["A01", "A02"] and step.from_territory.to_list() == ["FR", "FR"]
    assert step.to_territory.to_list() == ["UK", "UK"] and step.to_rep.to_list() == ["R2", "R2"]
    assert all(isinstance(value, pl.Series) for value in vars(step).values())


def test_no_moves_and_no_plan_rebase_to_a_fresh_plan(baseline):
    for moves in (None, Plan(baseline)):
        result = rebase(moves, baseline)
        assert result.steps == 0 and result.dropped == 0 and result.plan.changes().is_empty()


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sets(st.sampled_from([f"A{i:02d}" for i in range(1, 11)]), min_size=1),
                          st.sampled_from(["FR", "UK", "DE"])), min_size=1, max_size=5))
def test_on_unchanged_data_a_rebase_is_the_same_plan(baseline, moves):
    plan = Plan(baseline)
    for accounts, territory in moves:
        plan.apply({"accounts": sorted(accounts), "to_territory": territory})
    result = rebase(plan, baseline)
    assert result.dropped == 0
    assert result.plan.changes().equals(plan.changes())
    assert [before_after.sum() for before_after in result.plan.territory_totals()[2].T] == \
        [before_after.sum() for before_after in plan.territory_totals()[2].T]
