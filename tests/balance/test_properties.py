"""Invariants of auto-balance on random small companies (hypothesis)."""
from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.planner.balance.auto import BalanceRequest, InfeasibleBalance, auto_balance
from tests.balance.helpers import line_company

companies = st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=4).filter(lambda c: sum(c) >= 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=companies, data=st.data())
def test_a_plan_is_within_tolerance_keeps_locks_and_totals(counts, data):
    company = line_company({f"T{i}": n for i, n in enumerate(counts)},
                           values=data.draw(st.lists(st.sampled_from([1.0, 2.0, 5.0, 10.0]),
                                                     min_size=sum(counts), max_size=sum(counts))))
    ids = company.accounts["account_id"].to_list()
    locked = frozenset(data.draw(st.lists(st.sampled_from(ids), max_size=3)))
    tolerance = data.draw(st.sampled_from([0.1, 0.25, 0.5]))
    request = BalanceRequest(metrics=("won",), tolerance=tolerance, unit="account", locked_accounts=locked,
                             contiguous=data.draw(st.booleans()))
    try:
        result = auto_balance(company, request)
    except InfeasibleBalance as error:
        assert error.best_deviation is None or error.best_deviation > tolerance - 1e-9
        return
    assert result.loads["deviation_after"].abs().max() <= tolerance + 1e-7
    assert not set(result.moves["account_id"]) & locked
    assert abs(result.loads["after"].sum() - company.accounts["won"].sum()) < 1e-6
    live = dict(zip(company.accounts["account_id"], company.accounts["territory_id"]))
    assert all(live[a] == f for a, f in zip(result.moves["account_id"], result.moves["from_territory_id"]))
    assert (result.moves["from_territory_id"] != result.moves["to_territory_id"]).all()
    assert result.accounts_moved == result.moves.height == result.moves["account_id"].n_unique()
    if request.contiguous:
        assert all(result.components_after[t] <= result.components_before[t] for t in result.components_before)


@settings(max_examples=15, deadline=None)
@given(counts=companies)
def test_a_company_already_within_tolerance_moves_nothing(counts):
    even = line_company({f"T{i}": 5 for i in range(len(counts))})
    result = auto_balance(even, BalanceRequest(unit="account"))
    assert result.accounts_moved == 0 and result.moves.is_empty()
    assert isinstance(result.loads, pl.DataFrame)
