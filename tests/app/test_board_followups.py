"""The board's panels for leads waiting and overdue receivables on the CRM company
(tests/health/crm.py), by hand as of 20 Jun 2024 and as the page shows them in its rotation."""
from __future__ import annotations

from datetime import date

import pytest

from engine.board.followups import overdue_receivables, waiting_leads
from engine.board.panels import PANELS
from engine.store.settings import load_settings
from tests.app.conftest import database_for_app, run_page
from tests.health.crm import fill_crm_company

AS_OF = date(2024, 6, 20)


def test_waiting_leads_panel(store):
    fill_crm_company(store)
    leads = waiting_leads(store, None, rows=3, settings=load_settings(), as_of=AS_OF)
    assert (leads["count"], leads["hours"]) == (5, 48)
    assert leads["per_rep"].rows() == [("Ada West", 2), ("Bo East", 1), ("Carla Berlin", 1)]
    assert leads["oldest"].rows() == [("Later Co", "Carla Berlin", 384), ("Old Co", "Ada West", 255),
                                      ("Queue Co", "—", 216)]
    assert waiting_leads(store, ["EU"], settings=load_settings(), as_of=AS_OF)["count"] == 1


def test_overdue_receivables_panel(store):
    fill_crm_company(store)
    owed = overdue_receivables(store, None, as_of=AS_OF)
    assert owed["buckets"] == {"1_30": 3000.0, "31_60": 880.0, "61_90": 1300.0, "90_plus": 2750.0}
    assert (owed["past_due"], owed["dso"]) == (7930.0, 128.1)
    assert owed["accounts"].rows() == [("Siemens Kunde", "Carla Berlin", 122, 3630.0),
                                       ("Initech", "Bo East", 90, 1300.0), ("Acme", "Ada West", 20, 3000.0)]
    east = overdue_receivables(store, ["AM-E"], as_of=AS_OF)
    assert east["past_due"] == 1300.0 and east["dso"] is None


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = database_for_app(tmp_path, monkeypatch, fill_crm_company, name="crm-board")
    yield path
    from ui import context
    context._open_store.clear()


def test_the_board_shows_both_panels(db):
    at = run_page("board", rotate="20", lang="zh")
    shown = {}
    for panel in PANELS:
        assert not at.exception, at.exception
        shown[panel] = ({m.label: m.value for m in at.metric}, [t.value for t in at.table])
        at.run()
    metrics, tables = shown["follow_ups"]
    # as of 25 Jun, the data's last day: L1, L8, L2, L10, L3 wait
    assert metrics == {"超过 48 小时未跟进": "5"}
    assert list(tables[1]["公司"]) == ["Old Co", "Queue Co", "Late Co", "Person 10", "Fresh Co"]
    assert list(tables[1]["已等待"])[0] == "15 天 15 小时"
    metrics, tables = shown["receivables"]
    assert metrics["90 天以上"] == "$2,850" and metrics["DSO（天）"] == "114"
    assert list(tables[0]["客户"]) == ["Siemens Kunde", "Initech", "Acme"]
