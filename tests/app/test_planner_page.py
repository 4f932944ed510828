"""The What-if planner page on the tiny company: tiles, filter → select → move, undo/redo,
auto-balance with its curve, scenarios saved, compared and applied."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.store import Store
from tests.conftest import REPO, fill_tiny_company

PAGE = str(REPO / "pages" / "planner.py")


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    path = tmp_path / "tiny.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    monkeypatch.setenv("TERRAIN_DB", str(path))
    return path


def _run(lang: str = "en") -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True  # as if opened through app.py
    return app.run()


def _tiles(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_page_opens_with_tiles_chart_and_tables(tiny_db):
    app = _run()
    assert not app.exception, app.exception
    assert app.title[0].value == "What-if planner"
    tiles = _tiles(app)
    assert tiles["Accounts moved"] == "0"
    assert tiles["Spread (CV)"] == "0.41"  # accounts 3/2/1: σ 0.816 ÷ mean 2
    assert tiles["Max / min"] == "3.00"
    territory_table = app.dataframe[1].value  # after the selection table of the move tab
    assert list(territory_table["name"]) == ["US East", "US West", "DACH"]
    assert list(territory_table["accounts_before"]) == [2, 3, 1]


def test_filter_select_all_and_move_updates_before_after_and_undo_restores(tiny_db):
    app = _run()
    state = next(m for m in app.multiselect if m.label == "State")
    state.set_value(["NY"])
    next(b for b in app.button if b.label == "Apply filter").click()
    app.run()
    assert any("2 accounts match" in c.value for c in app.caption)
    app.checkbox(key="planner_whole_filter").check()
    app.run()
    assert any("2 accounts selected" in m.value for m in app.markdown)
    target = next(s for s in app.selectbox if s.label == "Move to territory")
    target.set_value("EU-DE")
    _button(app, "Move selection").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Moved 2 accounts." in s.value for s in app.success)
    assert _tiles(app)["Accounts moved"] == "2"
    assert _tiles(app)["Max / min"] == "∞"  # West 3, East 0, DACH 3: an empty territory
    _button(app, "Undo").click()
    app.run()
    assert _tiles(app)["Accounts moved"] == "0"
    _button(app, "Redo").click()
    app.run()
    assert _tiles(app)["Accounts moved"] == "2"


def test_auto_balance_shows_the_curve_and_applies_a_plan(tiny_db):
    app = _run()
    select = next(s for s in app.selectbox if s.label == "Move whole")
    select.set_value("account")
    next(b for b in app.button if b.label == "Find a balanced plan").click()
    app.run()
    assert not app.exception, app.exception
    summary = next(m.value for m in app.markdown if "accounts in" in m.value and "move" in m.value)
    assert "Chosen: ±5.0%" in summary and "1 accounts in 1 units move" in summary
    _button(app, "Apply this plan to the planner").click()
    app.run()
    assert any("Applied: 1 accounts moved." in s.value for s in app.success)
    assert _tiles(app)["Spread (CV)"] == "0.00"


def test_scenarios_are_saved_compared_and_applied(tiny_db):
    app = _run()
    next(s for s in app.selectbox if s.label == "Move whole").set_value("account")
    next(b for b in app.button if b.label == "Find a balanced plan").click()
    app.run()
    _button(app, "Apply this plan to the planner").click()
    app.run()
    next(t for t in app.text_input if t.label == "Name").input("Even")
    next(b for b in app.button if b.label == "Save the plan as a scenario").click()
    app.run()
    assert any("Saved scenario S0001 “Even”." in s.value for s in app.success), [s.value for s in app.success]
    _button(app, "Undo").click()
    app.run()
    state = next(m for m in app.multiselect if m.label == "State")
    state.set_value(["CA"])
    next(b for b in app.button if b.label == "Apply filter").click()
    app.run()
    app.checkbox(key="planner_whole_filter").check()
    app.run()
    next(s for s in app.selectbox if s.label == "Move to territory").set_value("AM-E")
    _button(app, "Move selection").click()
    app.run()
    next(t for t in app.text_input if t.label == "Name").input("All east")
    next(b for b in app.button if b.label == "Save the plan as a scenario").click()
    app.run()
    assert not app.exception, app.exception
    store = Store.open(tiny_db)
    names = store.query("SELECT scenario_id, name FROM scenarios ORDER BY 1").rows()
    store.close()
    assert names == [("S0001", "Even"), ("S0002", "All east")]


def test_page_speaks_chinese(tiny_db):
    app = _run("zh")
    assert not app.exception, app.exception
    assert app.title[0].value == "假设规划"
    assert "已移动客户" in _tiles(app)
