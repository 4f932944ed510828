"""What the planner is told when the auto-balance finds no plan, and where it balances by default."""
from __future__ import annotations

import pytest

from engine.planner.balance.advice import no_plan_advice
from engine.planner.balance.auto import BalanceRequest, InfeasibleBalance
from engine.planner.balance.plan import default_scope
from engine.planner.plan import build_baseline

NAMES = {"MEA": "Middle East & Africa", "BR": "Brazil", "UK": "UK & Ireland", "DE": "DACH", "FR": "France",
         "EMEA": "EMEA", "AMER": "Americas"}


def _error(best: float, *outside: tuple[str, float]) -> InfeasibleBalance:
    return InfeasibleBalance("no plan", best_deviation=best, outside=outside)


@pytest.mark.parametrize(("request_", "error", "within", "suggestion", "value"), [
    # a few far-off stragglers among many territories: lock them by name
    (BalanceRequest(tolerance=0.05), _error(0.45, ("MEA", -0.45), ("BR", -0.35), ("UK", 0.06)), None,
     "lock", ("Middle East & Africa", "Brazil")),
    # already locked: balance within a region instead
    (BalanceRequest(tolerance=0.05, locked_territories=frozenset({"MEA"})), _error(0.45, ("MEA", -0.45)), None,
     "within", "Americas"),
    # limited to a region and everyone a little out: the tolerance the best plan reaches
    (BalanceRequest(tolerance=0.05, territories=frozenset({"UK", "DE"})), _error(0.2, ("UK", 0.2), ("DE", -0.2)),
     "EMEA", "tolerance", 0.2),
    (BalanceRequest(tolerance=0.05, territories=frozenset({"UK", "DE"})), _error(0.071, ("UK", 0.071)),
     "EMEA", "tolerance", 0.08),
    # too far off to call it balance: smaller units, then no contiguity
    (BalanceRequest(tolerance=0.05, unit="city", territories=frozenset({"UK", "DE"})),
     _error(0.6, ("UK", 0.6), ("DE", -0.6)), "EMEA", "unit", "postal_code"),
    (BalanceRequest(tolerance=0.05, unit="account", contiguous=True, territories=frozenset({"UK", "DE"})),
     _error(0.6, ("UK", 0.6), ("DE", -0.6)), "EMEA", "contiguity", None),
])
def test_no_plan_advice_names_territories_and_suggests_something_new(request_, error, within, suggestion, value):
    advice = no_plan_advice(request_, error, NAMES, region="AMER", within=within)
    assert (advice.suggestion, advice.value) == (suggestion, value)
    assert advice.outside[0][0] == NAMES[error.outside[0][0]]
    # never what is already chosen
    if suggestion == "tolerance":
        assert value > request_.tolerance
    if suggestion == "unit":
        assert value != request_.unit
    if suggestion == "within":
        assert within is None


def test_default_scope_is_the_largest_region_with_two_territories(tiny_store):
    # Americas holds US West (3 accounts) and US East (2); EMEA only DACH
    assert default_scope(build_baseline(tiny_store)) == "AM"
