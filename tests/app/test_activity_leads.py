"""The Activity page's Leads & contacts tab on the seed company with its leads (tests/metrics/
lead_seed.py), in English and Chinese: tiles against the previous quarter, translated headers."""
from __future__ import annotations

import json

import pytest

from tests.app.conftest import database_for_app, run_page
from tests.metrics.conftest import fill_seed_company
from tests.metrics.lead_seed import fill_seed_leads


def _fill(store) -> None:
    fill_seed_company(store)
    fill_seed_leads(store)


def _lead_table(at):
    (table,) = [d.value for d in at.dataframe if "leads_created" in d.value.columns]
    return table


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch, _fill, name="seed-leads")


def test_leads_tab_in_english(seeded):
    # The seed's data ends on 2025-01-01 (its last close), so Q2 is seen as of that day: Globex's
    # August win makes LA4 a customer and LA5's July e-mail makes it contacted.
    at = run_page("activity", period="2024-Q2")
    assert not at.exception and not at.error
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    assert tiles["Leads created"] == ("6", "+5")          # Q1 had LA6 only
    assert tiles["Leads contacted"] == ("4", "+4")
    assert tiles["Lead conversion"] == ("33.3%", "+33.3 pp")  # 2 of 6
    assert tiles["Lead → customer"] == ("33.3%", "+33.3 pp")
    assert tiles["New contacts per rep"] == ("0.4", "+0.4")   # 3 contacts ÷ 7 member reps
    table = _lead_table(at)
    rows = {r["name"]: r for r in table.to_dict("records")}
    assert (rows["North America"]["leads_created"], rows["North America"]["lead_customers"]) == (4, 2)
    assert rows["North America"]["lead_to_customer_rate"] == pytest.approx(50.0)  # shown in percent
    assert (rows["EMEA"]["emails"], rows["Greater China"]["visits"], rows["Greater China"]["calls"]) == (2, 1, 1)
    assert "Leads & contacts" in [tab.label for tab in at.tabs]


def test_leads_tab_in_chinese(seeded):
    at = run_page("activity", period="2024-Q2", lang="zh")
    assert not at.exception and not at.error
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["新建线索"], tiles["已跟进线索"], tiles["线索转化率"], tiles["线索成交率"]) == ("6", "4", "33.3%", "33.3%")
    assert "线索与联系人" in [tab.label for tab in at.tabs]
    (frame,) = [d for d in at.dataframe if "leads_created" in d.value.columns]
    config = json.loads(frame.proto.columns)
    labels = {name: config[name]["label"] for name in ("leads_created", "leads_contacted", "lead_to_customer_rate",
                                                        "new_contacts_per_rep", "calls", "meetings", "visits", "emails")}
    assert labels == {"leads_created": "新建线索", "leads_contacted": "已跟进", "lead_to_customer_rate": "线索成交率",
                      "new_contacts_per_rep": "人均新增联系人", "calls": "电话", "meetings": "会议", "visits": "拜访",
                      "emails": "邮件"}
