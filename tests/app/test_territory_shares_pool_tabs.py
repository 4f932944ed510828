"""The Shared accounts and Specialist pool tabs: share an account, request, allocate and release."""
from __future__ import annotations

import polars as pl
import pytest

from engine.metrics.periods import parse_period
from tests.app.conftest import database_for_app
from tests.app.territory_tabs import click, live_store, run_tab
from tests.conftest import fill_tiny_company


def _fill(store):
    fill_tiny_company(store)
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["S1"], "name": ["Sol Eng"], "role": "specialist",
                                             "skills": [["Analytics"]]}))


@pytest.fixture
def db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, _fill)




def test_sharing_an_account_shows_the_overlay_credit_apart(db):
    app = run_tab("territory_shares", period=parse_period("2024"))
    assert not app.exception, app.exception
    assert app.info[0].value == "No account is shared yet."
    app.text_input(key="ts-find").input("acme").run()
    app.selectbox(key="ts-territory").set_value("EU-DE")
    click(app, "ts-add")
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == ["Company › EMEA › DACH now supports Acme."]
    assert list(app.dataframe[0].value["lead_territory"]) == ["US West"]
    credit = app.dataframe[1].value
    assert list(credit["supporting_territory"]) == ["DACH"] and list(credit["won"]) == [4000.0]
    assert live_store(db).rows("SELECT account_id, territory_id FROM account_shares") == [("A1", "EU-DE")]


def test_request_allocate_release(db):
    app = run_tab("territory_pool")
    assert not app.exception, app.exception
    assert app.caption[-1].value == "No requests yet."
    assert app.selectbox(key="tpl-deal").options == ["D6 (D6)", "D10 (D10)", "D5 (D5)"]  # open deals, largest first
    app.selectbox(key="tpl-deal").set_value("D10")
    app.selectbox(key="tpl-skill").set_value("Analytics")
    app.selectbox(key="tpl-urgency").set_value(3)
    click(app, "tpl-go")
    assert [s.value for s in app.success] == ["Queued RQ0001."]
    click(app, "tpl-allocate")
    assert [s.value for s in app.success] == ["Allocated 1 of 1 queued requests."]
    table = app.dataframe[0].value
    assert list(table["specialist"]) == ["Sol Eng"] and list(table["status"]) == ["Allocated"]
    assert list(table["reason"]) == ["#1 in the queue (urgency 3, region priority –, deal $1.3K); knows Analytics, "
                                     "the least booked (0 of 3) from another region."]
    click(app, "tpl-release")
    assert live_store(db).rows("SELECT status FROM resource_requests") == [("released",)]
