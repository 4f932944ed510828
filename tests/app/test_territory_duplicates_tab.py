"""The Duplicates tab on the demo: the planted copies are listed with their holders and merged in one click."""
from __future__ import annotations

import pytest

from engine.demo.company import build_demo
from tests.app.conftest import database_for_app
from tests.app.territory_tabs import click, live_store, run_tab


@pytest.fixture
def db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, lambda store: build_demo(store, scale=0.02))


def test_the_planted_duplicates_are_listed_and_merged(db):
    app = run_tab("territory_duplicates")
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric} == {"Customers held twice": "3", "Account copies": "6",
                                                      "Held by several reps": "3"}
    table = app.dataframe[0].value
    assert list(table["account_id"]) == ["ACC-000501", "ACC-000090", "ACC-000502", "ACC-000239", "ACC-000268",
                                         "ACC-000503"]
    assert list(table["owner"])[:2] == ["Lars Lindqvist", "Pieter Virtanen"]
    app.selectbox(key="td-group").set_value("ACC-000239").run()
    assert app.selectbox(key="td-rep").value == "REP-070"  # the copy held first
    click(app, "td-go")
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == ["Merged: 1 account changed owner."]
    assert {m.label: m.value for m in app.metric}["Held by several reps"] == "2"
    assert "ACC-000239" not in list(app.dataframe[0].value["account_id"])
    store = live_store(db)
    assert store.rows("SELECT account_id, to_rep, reason FROM assignment_log") == [
        ("ACC-000239", "REP-070", "duplicate-merge:ACC-000502")]
