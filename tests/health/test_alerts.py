"""Scores, alerts and `report health|alerts` on the tiny company with activities."""
from __future__ import annotations

import json
from datetime import date

import pytest

from engine.cli import main
from engine.health.alerts import account_alerts, alert_counts
from engine.health.score import health_table, tier_counts
from engine.health.views import ScopeError, distribution, health_report
from engine.metrics.performance import as_of_date
from tests.conftest import database_file
from tests.health.conftest import fill_health_company

# By hand, as recency + trend + overdue deals + won deals + pipeline (windows: recent from 23 Mar,
# before from 24 Dec 2023; pipeline "then" is 22 Mar):
SCORES = {
    "A1": 98.01,  # 30 (2 days) + 25 (2 recent, 1 before) + 20 + 13.01 (97 days, 2 wins: 7.5·268/365 + 7.5) + 10
    "A2": 85.0,   # 30 + 25 (1 recent, none before) + 20 + 0 (no win) + 10 (nothing open then): green at the edge
    "A3": 33.0,   # 0 (140 days) + 0 (none recent) + 20 + 10.41 (41 days, 1 win) + 2.59 (700 of 2,700 left)
    "A4": 30.0,   # no activity, no win; its open deal closes in October; nothing was open then
    "A5": 59.81,  # 3.95 (80 days: 30·10/76) + 25 + 20 + 10.86 (19 days, 1 win) + 0 (the 4,000 was won)
    "A6": 88.63,  # 30 + 25 (1 and 1) + 20 + 10.00 (61 days, 1 win) + 3.64 (1,320 of 3,630 left)
    "A7": 30.0,   # no owner, nothing at all: overdue 20 + pipeline 10
}


def test_scores_of_the_tiny_company(health_store):
    assert as_of_date(health_store) == date(2024, 6, 20)
    scores = health_table(health_store)
    assert dict(zip(scores["account_id"], scores["score"])) == SCORES
    assert tier_counts(scores) == {"green": 3, "yellow": 0, "red": 4}


def test_alerts_dormant_and_ownerless(health_store):
    alerts = account_alerts(health_store)
    assert list(zip(alerts["kind"], alerts["account_id"], alerts["days_since_activity"])) == [
        ("dormant", "A4", None), ("dormant", "A7", None), ("dormant", "A3", 140), ("no_owner", "A7", None)]
    assert alerts.filter(account_id="A3")["rep_name"].to_list() == ["Bo East"]
    by_rep = alert_counts(alerts, "rep")
    assert by_rep.rows() == [("Bo East", 2, 0, 0, 0, 0, 2), ("—", 1, 1, 0, 0, 0, 2)]
    by_territory = alert_counts(alerts, "territory")
    assert by_territory.rows() == [("DACH", 1, 1, 0, 0, 0, 2), ("US East", 2, 0, 0, 0, 0, 2)]


def test_distribution_and_scope(health_store):
    scores = health_table(health_store)
    assert distribution(scores, health_store, "territory").rows() == [
        ("DACH", "green", 1), ("DACH", "red", 1), ("US East", "red", 2), ("US West", "green", 2),
        ("US West", "red", 1)]
    assert health_report(health_store, "health", ["EU"])["account_id"].to_list() == ["A7", "A6"]
    assert health_report(health_store, "alerts", ["AM-E"])["account_id"].to_list() == ["A4", "A3"]
    with pytest.raises(ScopeError, match="no territory 'XX'"):
        health_report(health_store, "health", ["XX"])


def test_report_health_and_alerts_cli(tmp_path, capsys):
    db = str(database_file(tmp_path / "h.duckdb", fill_health_company))
    assert main(["report", "health", "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["account_id"]: r["score"] for r in rows} == SCORES
    assert rows[0]["main_reason"] == "recency" and rows[0]["receivables_known"] is False
    assert main(["report", "alerts", "--db", db, "--scope", "EU"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kind,account_id,name,owner_rep_id,rep_name,territory_id,territory")
    assert [line.split(",")[:2] for line in lines[1:]] == [["dormant", "A7"], ["no_owner", "A7"]]


def test_tier_history_month_ends(health_store):
    from engine.health.config import load_config
    from engine.health.views import history_days, tier_history

    assert history_days(date(2024, 6, 20), 3) == [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 20)]
    history = tier_history(health_store, None, date(2024, 6, 20), load_config(health_store), months=3)
    assert history.filter(day=date(2024, 6, 20))["accounts"].to_list() == [3, 0, 4]
    # 30 Apr, scored with what was known then: A1's activity on 1 May and A5's win of 1 Jun are not
    # yet known, so the counts differ from today's, and match scoring that day directly
    april = health_table(health_store, date(2024, 4, 30))
    assert history.filter(day=date(2024, 4, 30))["accounts"].to_list() == list(tier_counts(april).values())
    assert history["accounts"].sum() == 7 * 3
