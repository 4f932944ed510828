"""Receivables on a hand-computed case (tests/health/crm.py, as of 20 Jun 2024): which invoices
are open, their ageing buckets at the edges, ageing and DSO per territory, and the score's
receivables factor."""
from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from engine.cli import main
from engine.health.config import HealthConfig
from engine.health.receivables import (account_receivables, ageing_frame, ageing_total, bucket_of, open_invoices,
                                       receivables_report)
from engine.health.score import health_table
from engine.health.views import health_report
from tests.conftest import database_file
from tests.health.crm import INVOICES, fill_crm_company

AS_OF = date(2024, 6, 20)


@pytest.mark.parametrize("days, bucket", [(-5, None), (0, None), (1, "1_30"), (30, "1_30"), (31, "31_60"),
                                          (60, "31_60"), (61, "61_90"), (90, "61_90"), (91, "90_plus"),
                                          (1000, "90_plus")])
def test_bucket_edges(days, bucket):
    assert pl.select(bucket_of(pl.lit(days))).item() == bucket


def test_open_invoices_on_the_day():
    # I1 and I8 (paid by the day, I8 on the day itself) and I7 (issued later) are not open; I3 is
    # partly paid (2,000 − 800); I6's payment comes on 25 Jun, so on 20 Jun it is still owed.
    rows = open_invoices(INVOICES, AS_OF).select("invoice_id", "outstanding", "days_past_due", "bucket").rows()
    assert rows == [("I5", 2750.0, 122, "90_plus"), ("I9", 100.0, 90, "61_90"), ("I3", 1200.0, 81, "61_90"),
                    ("I6", 880.0, 31, "31_60"), ("I2", 3000.0, 20, "1_30"), ("I4", 4000.0, None, None)]
    # after the payments of 25 Jun: I6 is paid, and the later invoice I7 is not due yet
    later = open_invoices(INVOICES, date(2024, 6, 25))["invoice_id"].to_list()
    assert later == ["I5", "I9", "I3", "I2", "I4", "I7"]


def test_ageing_and_dso_per_territory(crm_store):
    ageing = receivables_report(crm_store, AS_OF)
    assert ageing.drop("territory_id", "dso").rows() == [
        # territory, outstanding, not due, 1–30, 31–60, 61–90, 90+, past due, invoiced 23 Mar–20 Jun
        ("DACH", 3630.0, 0.0, 0.0, 880.0, 0.0, 2750.0, 3630.0, 880.0),
        ("US West", 7000.0, 4000.0, 3000.0, 0.0, 0.0, 0.0, 3000.0, 7500.0),  # I2, I4 open; I2, I4, I8 invoiced
        ("US East", 1300.0, 0.0, 0.0, 0.0, 1300.0, 0.0, 1300.0, 0.0)]
    # DSO = outstanding ÷ invoiced in the last 90 days × 90: 3,630 ÷ 880 × 90; 7,000 ÷ 7,500 × 90; none invoiced
    assert ageing["dso"].to_list() == [371.2, 84.0, None]  # 371.25 to one decimal
    total = ageing_total(ageing)
    assert (total["outstanding"], total["past_due"], total["invoiced_recent"]) == (11930.0, 7930.0, 8380.0)
    assert total["dso"] == 128.1  # 11,930 ÷ 8,380 × 90 = 128.13
    assert ageing_frame(INVOICES, pl.DataFrame(schema={"account_id": pl.String, "territory_id": pl.String}),
                        pl.DataFrame(schema={"territory_id": pl.String, "name": pl.String}), AS_OF).is_empty()


def test_dso_window_is_a_parameter(crm_store):
    # 30 days (21 May–20 Jun): only I4 (4,000, US West) was invoiced
    ageing = receivables_report(crm_store, AS_OF, dso_days=30)
    assert dict(zip(ageing["territory"], ageing["dso"])) == {"DACH": None, "US West": 52.5, "US East": None}


def test_scope_and_visibility_cut_the_receivables(crm_store):
    from engine.access.visibility import Viewer
    from engine.access.viewer_store import as_viewer

    assert receivables_report(crm_store, AS_OF, ["AM-E"])["territory"].to_list() == ["US East"]
    carla = as_viewer(crm_store, Viewer("carla", "rep", "R3"))
    assert receivables_report(carla, AS_OF)["territory"].to_list() == ["DACH"]


def test_account_receivables_facts():
    facts = account_receivables(INVOICES, AS_OF).sort("account_id")
    # A4's only invoice is issued after the day: not invoiced yet, so not listed
    assert facts.rows() == [("A1", 20, 3000.0), ("A2", 0, 0.0), ("A3", 90, 1300.0), ("A5", 0, 0.0),
                            ("A6", 122, 3630.0)]


def test_receivables_factor_in_the_score(crm_store):
    scores = {r["account_id"]: r for r in health_table(crm_store, AS_OF).iter_rows(named=True)}
    # weight 20, all lost at 90 days past due; it counts only for invoiced accounts (total 120)
    assert scores["A1"]["points_receivables"] == pytest.approx(20 * (1 - 20 / 90))
    assert scores["A3"]["points_receivables"] == 0.0 and scores["A3"]["lost_receivables"] == 20.0
    assert scores["A6"]["lost_receivables"] == 20.0 and scores["A6"]["days_past_due"] == 122
    assert scores["A2"]["score"] == 87.5        # (85 + 20) ÷ 120
    assert scores["A3"]["score"] == 27.5        # (33 + 0) ÷ 120
    assert scores["A1"]["score"] == pytest.approx(100 * (98.01 + 20 * 70 / 90) / 120, abs=0.01)
    for uninvoiced, before in (("A4", 30.0), ("A7", 30.0), ("A8", 30.0)):  # scored on the other five
        row = scores[uninvoiced]
        assert (row["score"], row["receivables_known"], row["lost_receivables"]) == (before, False, 0.0)
    assert scores["A6"]["main_reason"] == "receivables"  # 20 lost beats every other factor's loss


def test_weight_zero_leaves_receivables_out(crm_store):
    config = HealthConfig().with_(weights={**HealthConfig().weights, "receivables": 0.0})
    scores = dict(health_table(crm_store, AS_OF, config).select("account_id", "score").iter_rows())
    assert (scores["A2"], scores["A3"], scores["A1"]) == (85.0, 33.0, 98.01)


def test_report_receivables_cli(tmp_path, capsys):
    db = str(database_file(tmp_path / "r.duckdb", fill_crm_company))
    assert main(["report", "receivables", "--db", db, "--format", "json", "--as-of", "2024-06-20"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["territory"] for r in rows] == ["DACH", "US West", "US East", "Total"]
    assert rows[-1]["outstanding"] == 11930.0 and rows[-1]["dso"] == 128.1
    assert main(["report", "receivables", "--db", db, "--scope", "AM", "--as-of", "2024-06-25"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("territory_id,territory,outstanding,not_due,due_1_30,due_31_60,due_61_90,due_90_plus,"
                        "past_due,invoiced_recent,dso")
    # 25 Jun: I7 (1,500, A4, US East) is issued and not yet due
    assert lines[1].split(",")[:4] == ["AM-W", "US West", "7000.0", "4000.0"]
    assert lines[2].split(",")[:4] == ["AM-E", "US East", "2800.0", "1500.0"]
    assert health_report  # the CLI goes through views.health_report
