"""The Territories page's Rules & simulation tab on the tiny company with the rules of
tests/territories: simulate, read the figures, see a rule error with its caret, apply, undo."""
from __future__ import annotations

import json
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from engine.territories.rules import save_rules
from tests.app.conftest import database_for_app
from tests.conftest import REPO
from tests.territories.conftest import RULES, fill_rules_company

PAGE = str(REPO / "pages" / "territories.py")


@pytest.fixture
def rules_db(tmp_path, monkeypatch):
    def fill(store):
        fill_rules_company(store)
        save_rules(store, RULES, actor="ops")
    return database_for_app(tmp_path, monkeypatch, fill, name="rules")


def _run(lang: str = "en", draft: pl.DataFrame | None = None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True
    if draft is not None:
        app.session_state["rules_draft"] = draft
    return app.run()


def _click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click()
    return app.run()


def test_simulate_shows_tiles_territories_and_orphans(rules_db):
    app = _run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Territories"
    assert [t.label for t in app.tabs][0] == "Rules & simulation"
    assert any("Press Simulate" in i.value for i in app.info)
    app = _click(app, "Simulate")
    assert not app.exception, app.exception
    tiles = {m.label: m.value for m in app.tabs[0].metric}  # the rules tab; the others have tiles of their own
    assert tiles == {"Active rules": "7", "Accounts that move": "1", "Orphans": "2", "Ties": "1", "Dead rules": "1",
                     "Deals re-routed": "1"}
    assert list(app.dataframe[0].value["rule_id"]) == ["R4", "R1", "R2", "R3", "R7", "R5", "R6"]  # the editor
    assert json.loads(app.dataframe[0].proto.columns)["kind"]["width"] == "medium"  # "override (named)" fits
    per_territory = app.dataframe[1].value
    assert list(per_territory["name"]) == ["DACH", "US East", "US West", "Unassigned"]
    assert list(per_territory["delta"]) == [0, 1, -1, 0]
    orphans = app.dataframe[2].value
    assert list(orphans["account_id"]) == ["A7", "A8"]
    assert list(orphans["why"]) == ["country is empty", "no rule accepts this state"]
    # read like every other table (ui/tables): names, not ids; "–", never "None"; a signed change
    assert list(orphans["territory"]) == ["–", "US West"] and list(orphans["value"]) == ["–", "TX"]
    assert '"format": "%+,d"' in app.dataframe[1].proto.columns
    shown = [app.dataframe[i].value.astype(str) for i in range(1, len(app.dataframe))]
    assert not any((frame == "None").any().any() for frame in shown)
    dead = next(d.value for d in app.dataframe if "expression" in d.value.columns and "rule_id" in d.value.columns
                and "kind" in d.value.columns and d is not app.dataframe[0])
    assert "territory_id" not in dead.columns and set(dead["territory"]) <= {"DACH", "US East", "US West"}


def test_a_rule_error_is_shown_with_its_caret_and_nothing_is_saved(rules_db):
    bad = RULES.with_columns(pl.when(pl.col("rule_id") == "R2").then(pl.lit('country == "US" and stat == "NY"'))
                             .otherwise("expression").alias("expression"))
    app = _run(draft=bad)
    app = _click(app, "Save rules")
    assert not app.exception, app.exception
    assert any("1 problem in the rules" in e.value for e in app.error)
    assert any("There is no field 'stat' (column 21)" in re.sub(r"\\(.)", r"\1", m.value)  # escaped data
               for m in app.markdown)
    assert any(c.value == 'country == "US" and stat == "NY"\n                    ^' for c in app.code)
    assert any("Valid fields: account_id (text)" in c.value for c in app.caption)


def test_apply_then_undo(rules_db):
    app = _run()
    app = _click(app, "Save & apply")
    assert not app.exception, app.exception
    assert any("Applied as run A00001: 1 account and 1 open deal" in s.value for s in app.success)
    tiles = {m.label: m.value for m in app.tabs[0].metric}  # the rules tab; the others have tiles of their own
    assert tiles["Accounts that move"] == "0" and tiles["Orphans"] == "2"
    assert any("Last apply: run A00001" in c.value for c in app.caption)
    app = _click(app, "Undo last apply")
    assert any("Run A00001 undone: 1 account and 1 deal put back." in s.value for s in app.success)


def test_chinese(rules_db):
    app = _run("zh")
    app = _click(app, "模拟")
    assert not app.exception, app.exception
    assert app.title[0].value == "区域管理"
    assert {m.label for m in app.metric} >= {"无规则命中", "规则冲突"}


def test_the_changes_tab_names_the_new_rep(rules_db):
    """The account that moves shows its new rep by name (the id stays in the download)."""
    from engine.store import Store
    from engine.territories.publish import simulate_live

    store = Store.open(rules_db)
    change = simulate_live(store).changes.row(0, named=True)
    rep_name = store.scalar("SELECT name FROM reps WHERE rep_id = ?", [change["to_rep"]])
    store.close()
    assert change["to_rep"] and rep_name and rep_name != change["to_rep"]
    app = _click(_run(), "Simulate")
    changes = next(d.value for d in app.dataframe if "to_rep" in d.value.columns)
    assert list(changes["account_id"]) == [change["account_id"]] and list(changes["to_rep"]) == [rep_name]
