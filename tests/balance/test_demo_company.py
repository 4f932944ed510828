"""Auto-balance on the demo company: every open territory ends within tolerance of the mean."""
from __future__ import annotations

import polars as pl
import pytest

from engine.planner.balance.auto import BalanceRequest
from engine.planner.balance.auto import InfeasibleBalance
from engine.planner.balance.plan import apply_result, balance_plan, scope_territories
from engine.planner.plan import Plan, before_after


@pytest.mark.parametrize("within, metric, unit, contiguous", [
    ("Americas", "won", "postal_code", False),
    ("US East", "accounts", "postal_code", False),
    ("US East", "potential", "city", True),
])
def test_every_territory_ends_within_tolerance_of_the_mean(demo_baseline, within, metric, unit, contiguous):
    plan = Plan(demo_baseline)
    scope = scope_territories(demo_baseline, within)
    result = balance_plan(plan, BalanceRequest(metrics=(metric,), tolerance=0.05, unit=unit,
                                               contiguous=contiguous, territories=scope))
    assert set(result.loads["territory_id"]) == scope
    assert result.max_deviation_before > 0.05
    assert apply_result(plan, result) == result.accounts_moved > 0
    # checked independently of the optimizer, on the planner's own before/after
    rows = before_after(plan).filter(pl.col("plannable") & pl.col("territory_id").is_in(result.loads["territory_id"].implode()))
    after = rows[f"{metric}_after"].cast(pl.Float64)
    mean = after.mean()
    assert ((after / mean - 1).abs() <= 0.05 + 1e-9).all()
    if contiguous:
        assert all(result.components_after[t] <= result.components_before[t] for t in result.components_before)


def test_locked_territory_keeps_exactly_its_accounts(demo_baseline):
    plan = Plan(demo_baseline)
    locked = "T-AMER-HLS"
    result = balance_plan(plan, BalanceRequest(metrics=("won",), tolerance=0.1, locked_territories=frozenset({locked}),
                                               territories=scope_territories(demo_baseline, "Americas")))
    assert result.accounts_moved > 0
    apply_result(plan, result)
    changes = plan.changes()
    assert changes.filter((pl.col("from_territory_id") == locked) | (pl.col("to_territory_id") == locked)).is_empty()


def test_an_island_territory_is_named_when_no_plan_exists(demo_baseline):
    # Middle East & Africa touches no other EMEA territory's units: it cannot be filled up to ±5%
    with pytest.raises(InfeasibleBalance, match="T-EMEA-MEA"):
        balance_plan(Plan(demo_baseline), BalanceRequest(metrics=("accounts",), territories=scope_territories(
            demo_baseline, "EMEA")))
