"""Unsaved planner moves when an import changes the data under them (ui/planner_state.py): the
next run re-bases them onto the new data version, says which accounts could not follow, and the
old version's baseline is gone from memory — on the Planner and when the session is elsewhere."""
from __future__ import annotations

import gc
import weakref

from streamlit.testing.v1 import AppTest

from engine.importing import import_files
from engine.planner.baseline import shared_baseline
from engine.planner.plan import Plan
from engine.planner.rebase import UnsavedMoves
from engine.store.settings import load_settings
from tests.app.conftest import database_for_app, run_page
from tests.conftest import REPO, fill_tiny_company

LEFT_OUT = {
    "en": ("1 account could not follow and was left out", "1 changed territory meanwhile (A1)"),
    "zh": ("有 1 个客户无法迁移", "1 个客户期间已更换区域（A1）"),
}


def _import_reassigning_a1(tmp_path):
    """An accounts export that moves A1 from AM-W to AM-E (as a CRM's reassignment would)."""
    from ui import context

    export = tmp_path / "accounts.csv"
    export.write_text("account_id,account_name,territory_id,owner_rep_id\nA1,Acme,AM-E,R2\n")
    import_files(context.process_store(load_settings()), [export], reporting_currency="USD", entity="accounts")


def _import_and_run(app: AppTest, plan: Plan, tmp_path) -> weakref.ref:
    """The import, then the session's next run; a weak reference to the baseline `plan` was on."""
    old = weakref.ref(plan.baseline)
    _import_reassigning_a1(tmp_path)
    app.run()
    assert not app.exception, app.exception
    return old


def _moved(plan: Plan) -> dict[str, str]:
    return dict(plan.changes().select("account_id", "to_territory_id").iter_rows())


def test_an_import_re_bases_the_moves_and_lets_the_old_baseline_go(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    app = run_page("planner")
    plan = app.session_state["planner_plan"]
    plan.apply({"accounts": ["A1", "A2"], "to_territory": "EU-DE"})
    plan.apply({"accounts": ["A5"], "to_territory": "AM-E"})
    app.run()
    assert not app.exception, app.exception
    old = _import_and_run(app, plan, tmp_path)
    del plan
    renewed = app.session_state["planner_plan"]
    assert renewed.baseline is not old() and _moved(renewed) == {"A2": "EU-DE", "A5": "AM-E"}
    notice = " ".join(w.value for w in app.warning)
    assert all(part in notice for part in LEFT_OUT["en"]), notice
    assert {m.label: m.value for m in app.metric}["Accounts moved"] == "2"
    del renewed
    gc.collect()
    assert old() is None, "the session still holds the old data version's baseline"

    app.run()  # the notice is said once; the moves stay, one undo step each
    assert not app.warning and _moved(app.session_state["planner_plan"]) == {"A2": "EU-DE", "A5": "AM-E"}
    assert app.session_state["planner_plan"].undo() and app.session_state["planner_plan"].undo()


def test_the_notice_speaks_chinese(tmp_path, monkeypatch):
    from ui import context
    from ui.first_paint import painted_key

    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    settings = load_settings()
    plan = Plan(shared_baseline(context.process_store(settings), settings))
    plan.apply({"accounts": ["A1", "A2"], "to_territory": "EU-DE"})
    _import_reassigning_a1(tmp_path)
    # one run only: AppTest formats a rerun's widget values outside the script, in English
    app = AppTest.from_file(str(REPO / "pages" / "planner.py"), default_timeout=60)
    for key, value in {painted_key("planner"): True, "lang": "zh", "_shell": True, "planner_plan": plan}.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, app.exception
    notice = " ".join(w.value for w in app.warning)
    assert all(part in notice for part in LEFT_OUT["zh"]), notice
    assert {m.label: m.value for m in app.metric}["已移动客户"] == "1"


def test_a_session_on_another_page_keeps_only_the_moves(tmp_path, monkeypatch):
    from ui import context

    monkeypatch.setenv("TERRAIN_WARM_START", "0")
    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    shell = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)  # the Overview, through app.py
    shell.run()
    assert not shell.exception, shell.exception
    settings = load_settings()
    plan = Plan(shared_baseline(context.process_store(settings), settings))
    plan.apply({"accounts": ["A2"], "to_territory": "EU-DE"})
    shell.session_state["planner_plan"] = plan  # moves made on the Planner earlier in the session
    shell.run()
    assert shell.session_state["planner_plan"] is plan  # the data did not change: the plan stays
    old = _import_and_run(shell, plan, tmp_path)
    del plan
    held = shell.session_state["planner_plan"]
    assert isinstance(held, UnsavedMoves) and held.steps[0].accounts.to_list() == ["A2"]
    gc.collect()
    assert old() is None, "a session away from the Planner still holds the old baseline"
