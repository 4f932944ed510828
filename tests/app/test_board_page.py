"""The morning-meeting board on the tiny company with activities and two deals won this week:
every panel in turn (each rerun of the fragment is one rotation), the URL's scope and language."""
from __future__ import annotations

import re

from datetime import date

import polars as pl
import pytest

from streamlit.proto.Metric_pb2 import Metric as MetricProto

from engine.board.panels import PANELS, leaderboard, pacing, won_deals
from tests.app.conftest import database_for_app, run_page
from tests.health.conftest import fill_health_company


def fill_board_company(store) -> None:
    fill_health_company(store)
    store.insert_frame("deals", pl.DataFrame({
        "deal_id": ["D11", "D12"], "account_id": ["A2", "A6"], "amount": [900.0, 300.0],
        "currency": ["USD", "USD"], "amount_rc": [900.0, 300.0], "status": ["won", "won"],
        "created_date": [date(2024, 5, 1), date(2024, 5, 2)],
        "close_date": [date(2024, 6, 19), date(2024, 6, 17)],  # yesterday (Wed); Monday of the week
        "owner_rep_id": ["R1", "R3"], "territory_id": ["AM-W", "EU-DE"]}))


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = database_for_app(tmp_path, monkeypatch, fill_board_company, name="board")
    yield path
    from ui import context
    context._open_store.clear()


def test_panels_by_hand(store):
    fill_board_company(store)
    won = won_deals(store, None)
    assert won.select("when", "account", "rep", "amount").rows() == [
        ("yesterday", "Globex", "Ada West", 900.0), ("week", "Siemens Kunde", "Carla Berlin", 300.0)]
    assert won_deals(store, ["AM"])["account"].to_list() == ["Globex"]
    pace = pacing(store, None)
    # June: won 4,000 (D7) + 900 + 300; target 1,000 + 500 + 400; 20 of 30 days gone
    assert (pace["won"], pace["target"], pace["days_left"]) == (5200.0, 1900.0, 10)
    assert pace["expected"] == pytest.approx(1900 * 20 / 30) and pace["pace"] == pytest.approx(5200 / (1900 * 20 / 30))
    top, bottom = leaderboard(store, None, n=2)
    # Q2: Carla 2,750 + 300 of 1,200; Ada 4,000 + 900 of 3,000; Bo 2,000 of 1,500
    assert top["name"].to_list() == ["Carla Berlin", "Ada West"] and bottom["name"].to_list() == ["Bo East"]


def test_the_leaderboard_ranks_only_people_who_own_deals(store):
    """An overlay specialist with the company's whole target and no deals of her own is not a rep
    who "needs help": the board listed the demo's specialists at $0 of $77M, the Reps page did not."""
    fill_board_company(store)
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R9"], "name": ["Sam Overlay"]}))
    store.insert_frame("territory_members", pl.DataFrame({"territory_id": ["AM-W", "EU-DE"], "rep_id": ["R9", "R9"],
                                                          "role": ["specialist", "specialist"]}))
    months = [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]
    store.insert_frame("targets", pl.DataFrame({"scope": ["rep"] * 3, "scope_id": ["R9"] * 3, "period_start": months,
                                                "amount": [5_700.0] * 3}))
    top, bottom = leaderboard(store, None, n=2)
    assert top["name"].to_list() == ["Carla Berlin", "Ada West"] and bottom["name"].to_list() == ["Bo East"]


def headers(at) -> list[str]:
    return [h.value for h in at.header]


def test_board_rotates_through_every_panel(db):
    at = run_page("board", rotate="20")
    assert not at.exception, at.exception
    assert at.title[0].value == "Morning meeting — whole company"
    seen = [headers(at)[0]]
    tables = {PANELS[0]: [t.value for t in at.table]}
    for panel in PANELS[1:]:
        at.run()
        assert not at.exception, at.exception
        seen.append(headers(at)[0])
        tables[panel] = [t.value for t in at.table]
        if panel == "leaderboard":  # three reps all fit the top five: the other column says so, not blank
            assert "All 3 reps are in the top list." in [m.value for m in at.markdown]
        if panel == "won":  # the count of deals, worded, without a change arrow
            assert {m.label: (m.value, m.delta) for m in at.metric} == {
                "yesterday": ("$900", "1 deal won"), "this week": ("$1.2K", "2 deals won")}
            assert {m.proto.direction for m in at.metric} == {MetricProto.NONE}   # no up/down arrow
        if panel == "pacing":
            assert {m.label: m.value for m in at.metric} == {
                "Won": "$5.2K", "Target": "$1.9K", "Expected by today": "$1.3K", "Pace": "410.5%"}
        if panel == "alerts":
            assert {m.label: m.value for m in at.metric} == {
                "No activity for 90 days (无人问津)": "3", "Accounts with no owner": "1", "Held twice (重复跟进)": "0"}
        if panel == "follow_ups":
            assert {m.label: m.value for m in at.metric} == {"Waiting over 48 h": "0"}
            assert "Every new lead has been followed up." in [m.value for m in at.markdown]
        if panel == "receivables":
            assert {m.label: m.value for m in at.metric} == {
                "1–30 days": "$0", "31–60 days": "$0", "61–90 days": "$0", "90+ days": "$0", "DSO (days)": "–"}
    assert seen == ["This quarter by region: share and attainment", "Rep leaderboard this quarter",
                    "Won yesterday and this week", "Jun 2024: pacing against target", "Top 10 customers at risk",
                    "Nobody forgotten", "New leads waiting for follow-up", "Overdue receivables"]
    assert list(tables["regions"][0]["Name"]) == ["Americas", "EMEA"]
    assert list(tables["leaderboard"][0]["Name"]) == ["Carla Berlin", "Ada West", "Bo East"]
    assert list(tables["won"][0]["Account"]) == ["Globex", "Siemens Kunde"]
    assert list(tables["at_risk"][0]["Name"]) == ["Umbrella", "Nobody Ltd", "Initech", "Hooli"]
    at.run()
    assert headers(at)[0] == seen[0]   # and round again
    assert "panel 1 of 8 · next in 20 s" in at.caption[-1].value


def test_board_scope_and_chinese(db):
    at = run_page("board", rotate="30", scope="EU", lang="zh")
    assert not at.exception, at.exception
    assert at.title[0].value == "销售晨会 — EMEA"
    assert headers(at)[0] == "本季度各大区：占比与达成率"
    assert list(at.table[0].value["名称"]) == ["DACH"]
    assert "30 秒后切换" in at.caption[-1].value


def test_board_unknown_scope_is_said(db):
    at = run_page("board", scope="XX")
    assert "There is no territory 'XX'" in re.sub(r"\\(.)", r"\1", at.error[0].value)  # Markdown-escaped data
