"""The People tab: seat a rep in a second territory and see both target parts and their sum."""
from __future__ import annotations

import pytest

from engine.metrics.periods import parse_period
from tests.app.conftest import database_for_app
from tests.app.territory_tabs import click, live_store, run_tab
from tests.conftest import fill_tiny_company


@pytest.fixture
def db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)



def test_seating_a_rep_as_second_owner_shows_both_target_parts(db):
    app = run_tab("territory_people", period=parse_period("2024"))
    assert not app.exception, app.exception
    assert "No rep carries a target in more than one territory in FY2024." in [c.value for c in app.caption]
    app.selectbox(key="tp-territory").set_value("EU-DE").run()
    assert list(app.dataframe[0].value["rep_id"]) == ["R3"]
    app.selectbox(key="tp-add-rep").set_value("R1")
    app.selectbox(key="tp-add-role").set_value("owner")
    click(app, "tp-add-go")
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == ["Ada West now sits in DACH as Owner."]
    assert list(app.dataframe[0].value["rep_id"]) == ["R1", "R3"]
    parts = app.dataframe[1].value
    assert list(parts["territory"]) == ["DACH", "US West", "Total"]
    assert list(parts["target"]) == [6000.0, 6000.0, 12000.0] and list(parts["won"]) == [0.0, 8000.0, 8000.0]


def test_changing_the_owner(db):
    app = run_tab("territory_people", lang="zh", period=parse_period("2024"))
    app.selectbox(key="tp-territory").set_value("AM-W").run()
    app.selectbox(key="tp-own-rep").set_value("R2")
    app.selectbox(key="tp-own-prev").set_value("specialist")
    click(app, "tp-own-go")
    assert not app.exception, app.exception
    assert app.success[0].value == "Bo East 现在负责 US West。"
    assert list(app.dataframe[0].value["rep_id"]) == ["R2", "R1"]
    store = live_store(db)
    assert store.rows("SELECT rep_id, role FROM territory_members WHERE territory_id = 'AM-W' ORDER BY 1") == [
        ("R1", "specialist"), ("R2", "owner")]
    assert store.scalar("SELECT owner_rep_id FROM territories WHERE territory_id = 'AM-W'") == "R2"
