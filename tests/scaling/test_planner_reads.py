"""The planner's baseline reads no big table a second time: deals from the shared SalesData frames,
activities counted per account inside DuckDB (`activities_per_account`), checked on the what-if
company of tests/whatif/conftest.py, whose figures are on paper there."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine.planner.baseline import VISIT_TYPES, build_baseline
from engine.store.activity_reads import activities_per_account
from tests.whatif.conftest import AS_OF, fill_planner_company


@pytest.fixture
def planner_store(store):
    fill_planner_company(store)
    return store


@pytest.mark.parametrize(("start", "end", "expected"), [
    # [2024-01-01, 2025-01-01): A01 meeting + call, A04 Visit + visit, A08 a meeting at 23:00 on 31 Dec
    (datetime(2024, 1, 1), datetime(2025, 1, 1), {"A01": (2, 1), "A04": (2, 2), "A08": (1, 1)}),
    # the end is exclusive, the start inclusive: 2024-02-02 09:00 is in, 2024-05-02 10:00 is out
    (datetime(2024, 2, 2, 9), datetime(2024, 5, 2, 10), {"A01": (1, 1), "A04": (2, 2)}),
    (datetime(2023, 1, 1), datetime(2023, 1, 2), {"A04": (1, 0)}),  # an e-mail is workload, not a visit
    (datetime(2026, 1, 1), datetime(2027, 1, 1), {}),
])
def test_activities_per_account(planner_store, start, end, expected):
    found = activities_per_account(planner_store, start, end, VISIT_TYPES)
    assert {row["account_id"]: (row["activities"], row["visits"]) for row in found.iter_rows(named=True)} == expected


def test_the_baseline_reads_neither_deals_nor_activities_as_tables(planner_store, monkeypatch):
    from engine.metrics.sales_data import sales_data

    sales_data(planner_store)  # what every page holds already, once per data version
    read: list[str] = []
    original = type(planner_store).table

    def table(self, name, columns=None):
        read.append(name)
        return original(self, name, columns)

    monkeypatch.setattr(type(planner_store), "table", table)
    baseline = build_baseline(planner_store, as_of=AS_OF)
    assert not {"deals", "activities"} & set(read), read
    by_account = dict(zip(baseline.accounts["account_id"], baseline.accounts["activities"]))
    assert (by_account["A01"], by_account["A04"], by_account["A08"], by_account["A02"]) == (2.0, 2.0, 1.0, 0.0)
    visits = dict(zip(baseline.accounts["account_id"], baseline.accounts["visit_hours"]))
    assert visits["A04"] == 2 * baseline.visit_hours_per_visit
    won = dict(zip(baseline.accounts["account_id"], baseline.accounts["won"]))
    assert (won["A01"], won["A07"], won["A05"]) == (1000.0, 7000.0, 0.0)  # amount_rc; 2025-01-01 is after


def test_a_plans_state_changes_with_every_move_undo_redo_and_reset(planner_store):
    from engine.planner.plan import Plan

    baseline = build_baseline(planner_store, as_of=AS_OF)
    plan, other = Plan(baseline), Plan(baseline)
    opened = plan.state
    assert plan.state == opened and other.state != opened  # a rerun that moved nothing: the same
    plan.apply({"accounts": ["A01"], "to_territory": "UK"})
    moved = plan.state
    assert moved != opened
    plan.undo()
    undone = plan.state
    assert undone not in (moved,) and undone[2] == 0
    plan.redo()
    assert plan.state not in (opened, undone)
    plan.reset()
    assert plan.state[2] == 0


def test_the_planner_page_builds_its_chart_once_per_plan_state(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from engine.charts import planner as charts
    from tests.app.conftest import database_for_app
    from tests.conftest import REPO, fill_tiny_company

    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    built: list[str] = []
    original = charts.change_bars
    monkeypatch.setattr(charts, "change_bars", lambda *a, **k: built.append(a[1]) or original(*a, **k))
    app = AppTest.from_file(str(REPO / "pages" / "planner.py"), default_timeout=120)
    app.session_state["lang"], app.session_state["_shell"] = "en", True
    app.run()
    app.run()  # a rerun that moved nothing
    assert built == ["accounts"]
    app.selectbox(key="planner_figure").set_value("won").run()
    assert built == ["accounts", "won"]
    moved = app.session_state["planner_plan"].apply({"accounts": ["A1", "A2"], "to_territory": "EU-DE"})
    app.run()
    assert not app.exception, app.exception
    assert built == ["accounts", "won", "won"]  # the move: a new state, one new chart
    assert {m.label: m.value for m in app.metric}["Accounts moved"] == str(moved) == "2"
