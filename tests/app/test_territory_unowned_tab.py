"""The Unowned tab: filter, assign in bulk, and confirm a top-3 suggestion — each changes the database."""
from __future__ import annotations

import pytest

from tests.app.conftest import database_for_app
from tests.app.territory_tabs import click, live_store, run_tab
from tests.conftest import fill_tiny_company


def _fill(store):
    fill_tiny_company(store)
    store.execute("UPDATE reps SET skills = ['Software'] WHERE rep_id = 'R2'")
    store.execute("UPDATE accounts SET owner_rep_id = NULL WHERE account_id IN ('A2', 'A6')")
    store.execute("UPDATE accounts SET owner_rep_id = NULL, territory_id = NULL WHERE account_id = 'A5'")


@pytest.fixture
def db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, _fill)



def test_filter_and_assign_in_bulk(db):
    app = run_tab("territory_unowned")
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric} == {"Unowned accounts": "3", "Without owner": "3",
                                                      "Without territory": "1", "Their open pipeline": "$1.3K"}
    app.selectbox(key="tu-country").set_value("US").run()
    assert sorted(app.dataframe[0].value["account_id"]) == ["A2", "A5"]
    app.selectbox(key="tu-rep").set_value("R1")
    app.selectbox(key="tu-territory").set_value("AM-W")
    button = next(b for b in app.button if b.key == "tu-go")
    assert button.label == "Assign 2 accounts"
    button.click().run()
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == ["Assigned 2 accounts."]
    assert {m.label: m.value for m in app.metric}["Unowned accounts"] == "1"
    assert live_store(db).rows("SELECT account_id, owner_rep_id, territory_id FROM accounts "
                           "WHERE account_id IN ('A2', 'A5') ORDER BY 1") == [("A2", "R1", "AM-W"), ("A5", "R1", "AM-W")]


def test_top_three_with_reasons_and_confirm(db):
    app = run_tab("territory_unowned")
    app.selectbox(key="tu-one").set_value("A5").run()
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    # Ada: sits in US West, the home of Californian accounts (3) + 1 US account held (1.5) + 49/50 free (1.96);
    # Bo: knows Software (3) + 2 US accounts (1.5) + 48/50 free (1.92); Carla: an empty book (2).
    assert titles == ["**1. Ada West** · US West · Score 6.46", "**2. Bo East** · US East · Score 6.42",
                      "**3. Carla Berlin** · DACH · Score 2.00"]
    assert [c.value for c in app.caption][:2] == [
        "Sits in US West · Holds 1 account in US · Room for 49 more accounts (1 of 50)",
        "Knows Software · Holds 2 accounts in US · Room for 48 more accounts (2 of 50)"]
    click(app, "tu-confirm-2")
    assert not app.exception, app.exception
    assert live_store(db).rows("SELECT owner_rep_id, territory_id FROM accounts WHERE account_id = 'A5'") == [("R2", "AM-E")]
    assert live_store(db).rows("SELECT reason FROM assignment_log") == [("suggestion",)]
