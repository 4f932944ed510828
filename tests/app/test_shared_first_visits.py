"""A page's first run in a new session costs what a rerun costs: what every visitor sees alike is
built once for all sessions — the planner's figures and charts of a plan with no move, the Health
alerts' totals and pickers, the Territories tree tab's retire preview — and a session's own moves
are still its own."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import engine.planner.plan as plan_module
from engine.territories import tree
from tests.app.conftest import database_for_app
from tests.app.territory_tabs import run_tab
from tests.app.test_shared_page_results import counting
from tests.conftest import REPO, fill_tiny_company
from tests.health.conftest import fill_health_company

PLANNER = str(REPO / "pages" / "planner.py")


def _planner() -> AppTest:
    app = AppTest.from_file(PLANNER, default_timeout=120)
    app.session_state["lang"] = "en"
    app.session_state["_shell"] = True
    return app.run()


def _moved(app: AppTest) -> str:
    return {m.label: m.value for m in app.metric}["Accounts moved"]


def _accounts_after(app: AppTest) -> list[int]:
    return list(app.dataframe[1].value["accounts_after"])  # after the move tab's selection table


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    yield database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    from ui import context
    context._open_store.clear()


@pytest.fixture
def health_db(tmp_path, monkeypatch):
    yield database_for_app(tmp_path, monkeypatch, fill_health_company, name="health")
    from ui import context
    context._open_store.clear()


def test_planner_sessions_without_moves_share_one_build_and_a_move_stays_its_own(tiny_db, monkeypatch):
    calls = counting(monkeypatch, plan_module, "before_after")
    first = _planner()
    built = len(calls)
    second = _planner()
    assert not first.exception and not second.exception, (first.exception, second.exception)
    assert built >= 1 and len(calls) == built  # the second visitor's first run built no before/after table
    assert _accounts_after(first) == _accounts_after(second) == [2, 3, 1]

    next(m for m in first.multiselect if m.label == "State").set_value(["NY"])
    next(b for b in first.button if b.label == "Apply filter").click()
    first.run()
    first.checkbox(key="planner_whole_filter").check()
    first.run()
    next(s for s in first.selectbox if s.label == "Move to territory").set_value("EU-DE")
    next(b for b in first.button if b.label == "Move selection").click()
    first.run()
    assert _moved(first) == "2" and _accounts_after(first) == [0, 3, 3]
    moved = len(calls)
    assert moved > built  # the moved plan's own figures
    second.run()
    assert _moved(second) == "0" and _accounts_after(second) == [2, 3, 1]  # not the other's move
    assert len(calls) == moved

    next(b for b in first.button if b.label == "Undo").click()
    first.run()
    assert _moved(first) == "0" and _accounts_after(first) == [2, 3, 1]
    assert len(calls) == moved  # back at the baseline: the shared build again


def test_health_alert_totals_and_pickers_once_for_every_session(health_db, monkeypatch):
    from tests.app.conftest import run_page
    from engine.health import alerts

    calls = counting(monkeypatch, alerts, "alert_counts")
    first = run_page("health")
    made = len(calls)
    second = run_page("health")
    assert not first.exception and not second.exception
    assert made >= 1 and len(calls) == made  # a second session counted nothing again
    assert [m.value for m in first.metric] == [m.value for m in second.metric]


def test_the_retire_preview_is_read_once_per_data_version(tiny_db, monkeypatch):
    calls = counting(monkeypatch, tree, "retire_preview")
    first = run_tab("territory_tree")
    second = run_tab("territory_tree")
    assert not first.exception and not second.exception
    assert len(calls) == 1
    preview = [c.value for c in first.caption if " holds " in c.value]
    assert len(preview) == 1 and " accounts, " in preview[0]
    assert [c.value for c in second.caption if " holds " in c.value] == preview
