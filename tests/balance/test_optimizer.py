"""Auto-balance on cases small enough to know the answer exactly."""
from __future__ import annotations

import polars as pl
import pytest

from engine.planner.balance.auto import BalanceError, BalanceInput, BalanceRequest, InfeasibleBalance, auto_balance, tradeoff_curve
from engine.planner.balance.synthetic import synthetic_company
from tests.balance.helpers import line_company


def loads(result) -> dict[str, float]:
    return dict(zip(result.loads["territory_id"], result.loads["after"]))


def grid_company(left_columns: int = 7, size: int = 10) -> BalanceInput:
    """A size×size grid of postal codes, one account each; T1 holds the left columns, T2 the rest."""
    rows = []
    for x in range(size):
        for y in range(size):
            rows.append({"account_id": f"G{x}{y}", "territory_id": "T1" if x < left_columns else "T2",
                         "lat": 40 + y * 0.1, "lon": -100 + x * 0.1, "country": "US", "state": "KS",
                         "city": f"C{x}{y}", "postal_code": f"6{x}{y}00", "won": 1.0, "pipeline": 0.0,
                         "potential": 1.0, "activities": 1.0, "visit_hours": 0.0})
    homes = pl.DataFrame({"territory_id": ["T1", "T2"], "home_lat": [40.45, 40.45],
                          "home_lon": [-100 + 0.1 * (left_columns / 2), -100 + 0.1 * (left_columns + size) / 2]})
    return BalanceInput(pl.DataFrame(rows), homes)


def test_ten_and_two_accounts_become_six_and_six_moving_exactly_four():
    result = auto_balance(line_company({"T1": 10, "T2": 2}), BalanceRequest(unit="account"))
    assert loads(result) == {"T1": 6.0, "T2": 6.0}
    assert result.accounts_moved == 4
    # the four accounts nearest to T2's home base go, so travel grows least
    assert result.moves["account_id"].to_list() == ["A006", "A007", "A008", "A009"]
    assert set(result.moves["from_territory_id"]) == {"T1"} and set(result.moves["to_territory_id"]) == {"T2"}
    assert result.max_deviation_before == pytest.approx(4 / 6)
    assert result.max_deviation_after == 0.0


@pytest.mark.parametrize("tolerance, moved", [(0.05, 18), (0.10, 15), (0.20, 10), (0.40, 0)])
def test_grid_moves_the_fewest_accounts_the_tolerance_allows(tolerance, moved):
    # 70 vs 30 around a mean of 50: T1 may keep at most 50 × (1 + tolerance) accounts
    result = auto_balance(grid_company(), BalanceRequest(unit="postal_code", tolerance=tolerance, travel_weight=0))
    assert result.accounts_moved == moved
    assert loads(result)["T1"] == 70 - moved


def test_locked_accounts_never_move():
    request = BalanceRequest(unit="account", locked_accounts=frozenset({"A009", "A008"}))
    result = auto_balance(line_company({"T1": 10, "T2": 2}), request)
    assert result.accounts_moved == 4
    assert not set(result.moves["account_id"]) & {"A008", "A009"}
    assert result.moves["account_id"].to_list() == ["A004", "A005", "A006", "A007"]


def test_locked_territories_neither_give_nor_take_and_are_left_out_of_the_mean():
    data = line_company({"T1": 10, "T2": 2, "T3": 30})
    result = auto_balance(data, BalanceRequest(unit="account", locked_territories=frozenset({"T3"})))
    assert loads(result) == {"T1": 6.0, "T2": 6.0, "T3": 30.0}
    assert "T3" not in set(result.moves["from_territory_id"]) | set(result.moves["to_territory_id"])
    locked_row = result.loads.filter(pl.col("territory_id") == "T3").row(0, named=True)
    assert locked_row["locked"] is True and locked_row["target"] is None


def test_contiguity_keeps_every_territory_in_one_piece():
    result = auto_balance(grid_company(), BalanceRequest(unit="postal_code", contiguous=True, travel_weight=0))
    assert result.components_before == {"T1": 1, "T2": 1}
    assert result.components_after == {"T1": 1, "T2": 1}
    assert 18 <= result.accounts_moved <= 24
    assert result.max_deviation_after <= 0.05 + 1e-9


def test_contiguity_never_adds_pieces_on_a_larger_map():
    result = auto_balance(synthetic_company(units=300, territories=8, seed=3),
                          BalanceRequest(metrics=("won",), tolerance=0.1, contiguous=True))
    assert result.max_deviation_after <= 0.1 + 1e-9
    for territory, pieces in result.components_after.items():
        assert pieces <= result.components_before[territory]


def test_same_input_gives_the_same_plan():
    data = synthetic_company(units=400, territories=10, seed=11)
    request = BalanceRequest(metrics=("won",), tolerance=0.05)
    first, second = auto_balance(data, request), auto_balance(data, request)
    assert first.moves.equals(second.moves)
    assert first.method == second.method
    assert first.accounts_moved > 0


def test_several_metrics_are_balanced_at_once():
    data = synthetic_company(units=400, territories=6, seed=5)
    result = auto_balance(data, BalanceRequest(metrics=("accounts", "won"), tolerance=0.1))
    assert set(result.loads["metric"]) == {"accounts", "won"}
    assert result.loads["deviation_after"].abs().max() <= 0.1 + 1e-9
    assert result.loads["deviation_before"].abs().max() > 0.1


def test_company_total_is_unchanged_by_a_balance():
    result = auto_balance(synthetic_company(units=300, territories=5, seed=2),
                          BalanceRequest(metrics=("pipeline",), tolerance=0.1))
    assert result.loads["after"].sum() == pytest.approx(result.loads["before"].sum())


def test_an_impossible_tolerance_is_a_clear_error():
    # 3 accounts over 4 territories: a mean of 0.75 cannot be met within ±5% by whole accounts
    with pytest.raises(InfeasibleBalance) as caught:
        auto_balance(line_company({"T1": 2, "T2": 1, "T3": 0, "T4": 0}), BalanceRequest(unit="account"))
    assert "±5.0%" in str(caught.value) and "Raise the tolerance" in str(caught.value)
    assert caught.value.best_deviation > 0.05


def test_a_unit_bigger_than_the_band_cannot_be_split():
    # every account is in state CA: one unit, which no territory can share
    with pytest.raises(InfeasibleBalance):
        auto_balance(line_company({"T1": 10, "T2": 2}), BalanceRequest(unit="state"))


@pytest.mark.parametrize("request_, message", [
    (BalanceRequest(metrics=("revenue",)), "Unknown metric"),
    (BalanceRequest(tolerance=0.0), "tolerance"),
    (BalanceRequest(tolerance=1.5), "tolerance"),
    (BalanceRequest(unit="galaxy"), "unit"),
    (BalanceRequest(locked_territories=frozenset({"T1"})), "Fewer than two"),
    (BalanceRequest(metrics=("visit_hours",)), "nothing to balance"),
])
def test_bad_requests_say_what_to_do(request_, message):
    data = line_company({"T1": 3, "T2": 1})
    data = BalanceInput(data.accounts.with_columns(visit_hours=pl.lit(0.0)), data.homes)
    with pytest.raises(BalanceError, match=message):
        auto_balance(data, request_)


def test_tradeoff_curve_moves_fewer_accounts_as_the_tolerance_grows():
    curve, plans = tradeoff_curve(synthetic_company(units=300, territories=6, seed=9),
                                  BalanceRequest(metrics=("won",)), tolerances=(0.3, 0.15, 0.05))
    assert curve["tolerance"].to_list() == [0.3, 0.15, 0.05]
    feasible = curve.filter(pl.col("feasible"))
    assert feasible.height == 3
    moved = feasible["accounts_moved"].to_list()
    assert moved == sorted(moved)
    for tolerance, plan in plans.items():
        assert plan.max_deviation_after <= tolerance + 1e-9
        assert plan.accounts_moved == curve.filter(pl.col("tolerance") == tolerance)["accounts_moved"][0]
