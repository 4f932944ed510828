"""The alerts beyond dormant / no owner on the hand-made CRM company (tests/health/crm.py): leads
waiting for a follow-up, accounts held twice, receivables past due; per rep and territory, scoped,
seen through a viewer, and headless."""
from __future__ import annotations

import json
from datetime import date

import pytest

from engine.access.viewer_store import as_viewer
from engine.access.visibility import Viewer
from engine.cli import main
from engine.health.alerts import account_alerts, alert_counts, leads_waiting
from engine.health.views import health_report
from tests.conftest import database_file
from tests.health.crm import fill_crm_company

AS_OF = date(2024, 6, 20)  # the end of the day, 21 Jun 00:00, is "now"


def test_leads_waiting_after_48_hours(crm_store):
    waiting = leads_waiting(crm_store, AS_OF, 48)
    # L6: its call comes on 25 Jun, after the day; L1: never called; L8: nobody owns it (status
    # empty); L2: 49 h; L10: exactly 48 h. Not: L3 (47 h), L4 (called), L5 (status moved on),
    # L7 (converted), L9 (arrives later).
    assert list(zip(waiting["lead_id"], waiting["waiting_hours"])) == [
        ("L6", 384), ("L1", 255), ("L8", 216), ("L2", 49), ("L10", 48)]
    assert waiting.filter(lead_id="L10")["company"].item() == "Person 10"  # no company: the person
    assert leads_waiting(crm_store, AS_OF, 72)["lead_id"].to_list() == ["L6", "L1", "L8"]
    # a day later L6's call has happened and L3 has waited 71 h
    assert leads_waiting(crm_store, date(2024, 6, 25), 48)["lead_id"].to_list() == ["L1", "L8", "L2", "L10", "L3"]


def test_every_alert_kind(crm_store):
    alerts = account_alerts(crm_store, AS_OF, follow_up_hours=48)
    rows = list(zip(alerts["kind"], alerts["account_id"], alerts["item_id"]))
    assert rows == [
        ("dormant", "A4", None), ("dormant", "A7", None), ("dormant", "A8", None), ("dormant", "A3", None),
        ("no_owner", "A7", None),
        ("duplicate", "A1", rows[5][2]), ("duplicate", "A8", rows[5][2]),  # Acme (Ada) and ACME Inc. (Bo)
        ("lead_no_follow_up", None, "L6"), ("lead_no_follow_up", None, "L1"), ("lead_no_follow_up", None, "L8"),
        ("lead_no_follow_up", None, "L2"), ("lead_no_follow_up", None, "L10"),
        ("receivable_past_due", "A6", "I5"), ("receivable_past_due", "A3", "I9"),
        ("receivable_past_due", "A3", "I3"), ("receivable_past_due", "A6", "I6"),
        ("receivable_past_due", "A1", "I2")]
    late = alerts.filter(kind="receivable_past_due")
    assert list(zip(late["days_past_due"], late["bucket"], late["amount_due"])) == [
        (122, "90_plus", 2750.0), (90, "61_90", 100.0), (81, "61_90", 1200.0), (31, "31_60", 880.0),
        (20, "1_30", 3000.0)]
    leads = alerts.filter(kind="lead_no_follow_up")
    assert list(zip(leads["name"], leads["rep_name"], leads["territory"])) == [
        ("Later Co", "Carla Berlin", "DACH"), ("Old Co", "Ada West", "US West"), ("Queue Co", None, "US West"),
        ("Late Co", "Bo East", "US East"), ("Person 10", "Ada West", "US West")]


def test_alert_counts_per_rep_and_territory(crm_store):
    alerts = account_alerts(crm_store, AS_OF, follow_up_hours=48)
    # name, dormant, no_owner, duplicate, lead_no_follow_up, receivable_past_due, total
    assert alert_counts(alerts, "rep").rows() == [
        ("Bo East", 3, 0, 1, 1, 2, 7), ("Ada West", 0, 0, 1, 2, 1, 4), ("Carla Berlin", 0, 0, 0, 1, 2, 3),
        ("—", 1, 1, 0, 1, 0, 3)]
    assert alert_counts(alerts, "territory").rows() == [
        ("US East", 3, 0, 1, 1, 2, 7), ("DACH", 1, 1, 0, 1, 2, 5), ("US West", 0, 0, 1, 3, 1, 5)]


def test_the_follow_up_setting(crm_store, monkeypatch):
    monkeypatch.setenv("TERRAIN_FOLLOW_UP_HOURS", "250")
    alerts = account_alerts(crm_store, AS_OF)
    assert alerts.filter(kind="lead_no_follow_up")["item_id"].to_list() == ["L6", "L1"]


def test_a_rep_sees_only_their_territory(crm_store):
    carla = as_viewer(crm_store, Viewer("carla", "rep", "R3"))
    alerts = account_alerts(carla, AS_OF, follow_up_hours=48)
    assert list(zip(alerts["kind"], alerts["item_id"].fill_null(alerts["account_id"]))) == [
        ("dormant", "A7"), ("no_owner", "A7"), ("lead_no_follow_up", "L6"), ("receivable_past_due", "I5"),
        ("receivable_past_due", "I6")]


def test_scope_and_report_alerts_cli(crm_store, tmp_path, capsys):
    east = health_report(crm_store, "alerts", ["AM-E"], AS_OF)
    assert sorted(set(east["kind"])) == ["dormant", "duplicate", "lead_no_follow_up", "receivable_past_due"]
    db = str(database_file(tmp_path / "a.duckdb", fill_crm_company))
    assert main(["report", "alerts", "--db", db, "--as-of", "2024-06-20", "--format", "json", "--scope", "EU"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["item_id"] or r["account_id"]) for r in rows] == [
        ("dormant", "A7"), ("no_owner", "A7"), ("lead_no_follow_up", "L6"), ("receivable_past_due", "I5"),
        ("receivable_past_due", "I6")]
    assert rows[3]["bucket"] == "90_plus" and rows[3]["amount_due"] == 2750.0


@pytest.mark.parametrize("status", ["Open - Not Contacted", "NEW", " not contacted ", "未联系", None, ""])
def test_first_statuses_wait(crm_store, status):
    crm_store.execute("UPDATE leads SET status = ? WHERE lead_id = 'L5'", [status])
    assert "L5" in leads_waiting(crm_store, AS_OF, 48)["lead_id"].to_list()


def test_report_alerts_and_receivables_as_a_user(tmp_path, capsys):
    import io
    import sys

    db = str(database_file(tmp_path / "u.duckdb", fill_crm_company))
    for argv in (["boss", "--role", "admin"], ["vic", "--role", "viewer", "--territory", "EU"]):
        old, sys.stdin = sys.stdin, io.StringIO("long-enough-password\n")
        try:
            assert main(["users", "add", *argv, "--password-stdin", "--db", db]) == 0
        finally:
            sys.stdin = old
    capsys.readouterr()
    assert main(["report", "alerts", "--db", db, "--as-of", "2024-06-20", "--as-user", "vic", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["territory"] for r in rows} == {"DACH"}
    assert [r["item_id"] for r in rows if r["kind"] == "lead_no_follow_up"] == ["L6"]
    assert main(["report", "receivables", "--db", db, "--as-of", "2024-06-20", "--as-user", "vic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["DACH", "Total"]
