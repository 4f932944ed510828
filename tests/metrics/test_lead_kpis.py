"""Lead, contact and activity-type KPIs of the seed company, checked against numbers worked out by
hand (tests/metrics/lead_seed.py), per level, period, as-of day and viewer."""
from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl
import pytest

from engine.access.viewer_store import as_viewer
from engine.access.visibility import Viewer
from engine.metrics.activity_facts import activity_kind
from engine.metrics.lead_kpis import LEAD_KPI_COLUMNS, lead_kpi_table
from engine.metrics.periods import parse_period
from engine.store.settings import load_settings
from tests.metrics.conftest import AS_OF
from tests.metrics.lead_seed import fill_seed_leads

SETTINGS = load_settings({})
Q1, Q2 = parse_period("2024-Q1"), parse_period("2024-Q2")
COUNTS = ("leads_created", "leads_contacted", "leads_converted", "lead_customers", "new_contacts",
          "calls", "meetings", "visits", "emails", "other_activities")


@pytest.fixture
def leads_store(seed_store):
    fill_seed_leads(seed_store)
    return seed_store


def _rows(table: pl.DataFrame) -> dict[str, tuple]:
    return {r["id"]: tuple(r[c] for c in COUNTS) for r in table.iter_rows(named=True)}


REGION_Q2 = {  # created, contacted, converted, customers, contacts, calls, meetings, visits, emails, other
    "NA": (4, 3, 2, 1, 3, 2, 1, 1, 0, 0),
    "EU": (1, 0, 0, 0, 0, 0, 0, 0, 2, 0),
    "AP": (1, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    "LA": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "ME": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "CN": (0, 0, 0, 0, 0, 1, 0, 1, 0, 0),
}
REP_Q2 = {
    "R1": (3, 2, 1, 1, 2, 2, 0, 0, 0, 0),
    "R2": (1, 1, 1, 0, 1, 0, 1, 1, 0, 0),
    "R3": (1, 0, 0, 0, 0, 0, 0, 0, 2, 0),
    "R4": (1, 0, 0, 0, 1, 0, 0, 0, 0, 1),  # C5 has no account: it counts for its owner only
    "R5": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),  # LA8 has no territory
    "R6": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "R7": (0, 0, 0, 0, 0, 1, 0, 1, 0, 0),
}


@pytest.mark.parametrize(("level", "period", "as_of", "expected"), [
    ("region", Q2, AS_OF, REGION_Q2),
    ("rep", Q2, AS_OF, REP_Q2),
    ("territory", Q2, AS_OF, {"NA-W": (3, 2, 1, 1, 2, 2, 0, 0, 0, 0), "NA-E": (1, 1, 1, 0, 1, 0, 1, 1, 0, 0),
                              "EU-DE": (1, 0, 0, 0, 0, 0, 0, 0, 2, 0), "AP": (1, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                              "LA": (0,) * 10, "ME": (0,) * 10, "CN": (0, 0, 0, 0, 0, 1, 0, 1, 0, 0)}),
    ("company", Q2, AS_OF, {"CO": (6, 3, 2, 1, 3, 3, 1, 2, 2, 1)}),
    # As of August: Globex's W4 (08-01) makes LA4 a customer; LA5's 07-02 e-mail makes it contacted.
    ("region", Q2, date(2024, 8, 31), {**REGION_Q2, "NA": (4, 3, 2, 2, 3, 2, 1, 1, 0, 0),
                                        "EU": (1, 1, 0, 0, 0, 0, 0, 0, 2, 0)}),
    # As of May 31: the June leads and contacts have not come in yet (activities count per month).
    ("region", Q2, date(2024, 5, 31), {**REGION_Q2, "EU": (0, 0, 0, 0, 0, 0, 0, 0, 2, 0),
                                        "AP": (0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                                        "NA": (4, 3, 2, 1, 2, 2, 1, 1, 0, 0)}),
    ("region", Q1, AS_OF, {**{k: (0,) * 10 for k in REGION_Q2}, "NA": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0)}),
])
def test_counts(leads_store, level, period, as_of, expected):
    table = lead_kpi_table(leads_store, period, level, SETTINGS, as_of=as_of)
    assert table.columns == [*LEAD_KPI_COLUMNS, "id"]
    assert _rows(table) == expected


def test_rates_and_contacts_per_rep(leads_store):
    table = lead_kpi_table(leads_store, Q2, "region", SETTINGS, as_of=AS_OF)
    rates = {r["id"]: (r["lead_conversion_rate"], r["lead_to_customer_rate"], r["new_contacts_per_rep"])
             for r in table.iter_rows(named=True)}
    assert rates["NA"] == (0.5, 0.25, 1.5)  # 2 of 4 converted, 1 of 4 a customer; 3 contacts ÷ Ann and Ben
    assert rates["EU"] == (0.0, 0.0, 0.0)
    assert rates["LA"] == (None, None, 0.0)  # no leads: no rate
    reps = lead_kpi_table(leads_store, Q2, "rep", SETTINGS, as_of=AS_OF)
    assert dict(zip(reps["id"], reps["new_contacts_per_rep"])) == {
        "R1": 2.0, "R2": 1.0, "R3": 0.0, "R4": 1.0, "R5": 0.0, "R6": 0.0, "R7": 0.0}
    assert dict(zip(reps["id"], reps["name"]))["R1"] == "Ann Lee"


def test_a_rep_sees_only_his_own(leads_store):
    ann = as_viewer(leads_store, Viewer("ann", "rep", "R1"))
    regions = lead_kpi_table(ann, Q2, "region", SETTINGS, as_of=AS_OF)
    assert _rows(regions) == {"NA": (3, 2, 1, 1, 2, 2, 0, 0, 0, 0)}  # US West's, not US East's
    assert lead_kpi_table(ann, Q2, "rep", SETTINGS, as_of=AS_OF)["id"].to_list() == ["R1"]


def test_a_new_import_moves_the_figures(leads_store):
    before = lead_kpi_table(leads_store, Q2, "company", SETTINGS, as_of=AS_OF)["leads_created"][0]
    with leads_store.transaction() as tx:
        tx.insert_frame("leads", pl.DataFrame({"lead_id": ["LA9"], "territory_id": ["ME"], "owner_rep_id": ["R6"],
                                               "created_at": [datetime(2024, 6, 1)]}))
    assert lead_kpi_table(leads_store, Q2, "company", SETTINGS, as_of=AS_OF)["leads_created"][0] == before + 1


@pytest.mark.parametrize(("words", "kind"), [
    ("Call", "calls"), ("Phone Call", "calls"), ("outbound call", "calls"), ("电话", "calls"), ("通话", "calls"),
    ("Meeting", "meetings"), ("meeting", "meetings"), ("会议", "meetings"), ("Appointment", "meetings"),
    ("Site Visit", "visits"), ("visit", "visits"), ("拜访", "visits"), ("On-site", "visits"),
    ("Email", "emails"), ("e-mail", "emails"), ("邮件", "emails"),
    ("Prep", "other_activities"), ("Task", "other_activities"), ("", "other_activities"),
])
def test_activity_kinds(words, kind):
    assert activity_kind(pl.Series([words.lower()])).to_list() == [kind]


def test_report_kpis_carries_the_lead_columns(tmp_path, capsys):
    from engine.cli import main
    from engine.store import Store
    from tests.metrics.conftest import fill_seed_company

    path = tmp_path / "seed.duckdb"
    store = Store.open(path)
    fill_seed_company(store)
    fill_seed_leads(store)
    store.close()
    assert main(["report", "kpis", "--db", str(path), "--period", "2024-Q2", "--as-of", "2024-06-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(",activities_per_rep,leads_created,leads_contacted,leads_converted,lead_conversion_rate,"
                             "lead_customers,lead_to_customer_rate,new_contacts,new_contacts_per_rep,calls,meetings,"
                             "visits,emails,other_activities")
    assert lines[1] == "North America,4700.0,2,0,1.0,2350.0,47.0,0,4,2.0,4,3,2,0.5,1,0.25,3,1.5,2,1,1,0,0"
    assert main(["report", "kpis", "--db", str(path), "--period", "2024-Q2", "--as-of", "2024-06-30",
                 "--by", "company", "--format", "json"]) == 0
    [company] = json.loads(capsys.readouterr().out)
    assert (company["leads_created"], company["lead_conversion_rate"], company["lead_to_customer_rate"]) == (
        6, 0.3333, 0.1667)
    assert company["calls"] + company["meetings"] + company["visits"] + company["emails"] + \
        company["other_activities"] == company["activities"] == 9
