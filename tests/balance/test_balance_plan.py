"""Auto-balance on the planner's Plan, and the `balance` command."""
from __future__ import annotations

import polars as pl
import pytest

from engine.planner.balance.auto import BalanceRequest
from engine.planner.balance.plan import apply_result, balance_input, balance_plan, resolve_locks
from engine.cli import main
from engine.store.errors import NotFoundError
from engine.store import Store
from engine.planner.plan import Plan, before_after, build_baseline
from tests.conftest import fill_tiny_company


def test_balance_input_anchors_territories_at_their_owner_reps(tiny_store):
    data = balance_input(Plan(build_baseline(tiny_store)))
    assert data.homes.rows() == [("AM-E", 40.71, -74.01), ("AM-W", 37.77, -122.42), ("EU-DE", 52.52, 13.40)]
    assert data.accounts.height == 6


def test_balance_applies_as_one_undoable_step(tiny_store):
    plan = Plan(build_baseline(tiny_store))
    result = balance_plan(plan, BalanceRequest(unit="account", locked_accounts=frozenset({"A1"})))
    # with A1 locked, A2 is the West account whose move to Berlin adds the least travel
    assert result.moves.rows() == [("A2", "AM-W", "EU-DE")]
    assert apply_result(plan, result) == 1
    after = dict(before_after(plan).select("territory_id", "accounts_after").iter_rows())
    assert after["AM-W"] == after["AM-E"] == after["EU-DE"] == 2
    assert plan.changes().select("account_id", "to_territory_id", "to_rep_id").rows() == [("A2", "EU-DE", "R3")]
    assert plan.undo()
    assert plan.changes().is_empty()


def test_locks_are_territories_by_id_or_name_else_accounts(tiny_store):
    baseline = build_baseline(tiny_store)
    assert resolve_locks(baseline, ["US West", "EU-DE", "A3"]) == (frozenset({"AM-W", "EU-DE"}), frozenset({"A3"}))
    with pytest.raises(NotFoundError, match="neither a territory nor an account"):
        resolve_locks(baseline, ["Atlantis"])


@pytest.fixture
def tiny_db(tmp_path):
    path = tmp_path / "tiny.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    return str(path)


def test_balance_command_prints_figures_writes_moves_and_saves_a_scenario(tiny_db, tmp_path, capsys):
    out = tmp_path / "moves.csv"
    code = main(["balance", "--db", tiny_db, "--metric", "accounts", "--unit", "account", "--lock", "A1",
                 "--out", str(out), "--name", "Even split"])
    assert code == 0
    printed = capsys.readouterr()
    assert printed.out.splitlines()[0].startswith("name,accounts_before,accounts_after,won_before")
    assert "figure,cv_before,cv_after" in printed.out
    assert "Saved scenario S0001 'Even split'" in printed.err
    moves = pl.read_csv(out)
    assert moves.columns == ["account_id", "to_territory", "to_rep"]
    assert moves.height == 1 and moves["to_territory"][0] == "EU-DE"
    store = Store.open(tiny_db)
    assert store.query("SELECT name FROM scenarios")["name"].to_list() == ["Even split"]
    assert store.count("scenario_moves") == 1
    store.close()


def test_balance_command_refuses_an_impossible_tolerance(tiny_db, capsys):
    code = main(["balance", "--db", tiny_db, "--metric", "won", "--tolerance", "0.01", "--unit", "state"])
    assert code == 2
    assert "No plan keeps every open territory within ±1.0%" in capsys.readouterr().err


def test_a_rebase_replays_the_moves_on_a_new_baseline(tiny_store):
    from engine.planner.rebase import rebase

    plan = Plan(build_baseline(tiny_store))
    plan.apply({"accounts": ["A1", "A2"], "to_territory": "AM-E"})
    plan.apply({"unit": "state", "value": "NY", "to_territory": "EU-DE"})
    renewed = rebase(plan, build_baseline(tiny_store)).plan
    assert renewed.changes().equals(plan.changes())
    assert renewed.undo() and renewed.undo() and not renewed.undo()
    assert rebase(None, plan.baseline).plan.changes().is_empty()
