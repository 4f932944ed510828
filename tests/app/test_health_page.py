"""The Health page on the tiny company with activities (tests/health/conftest.py): 3 green, 0
yellow, 4 red as of 20 Jun 2024; the filters, the breakdown, the alerts and the settings editor."""
from __future__ import annotations

import json

import pytest

from engine.health.config import load_config
from engine.store import Store
from tests.app.conftest import database_for_app, run_page
from tests.health.conftest import fill_health_company


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = database_for_app(tmp_path, monkeypatch, fill_health_company, name="health")
    yield path
    from ui import context
    context._open_store.clear()


# AppTest's dataframes carry no key: the page draws them in this order (each alert kind non-empty here)
TABLES = ("health_list", "health_breakdown", "health_top", "health_alert_list", "health_alerts_by_rep",
          "health_alerts_by_territory")


def frame(at, key):
    return at.dataframe[TABLES.index(key)].value


def test_tiles_risk_list_and_breakdown(db):
    at = run_page("health")
    assert not at.exception, at.exception
    assert at.title[0].value == "Customer health"
    assert {m.label: m.value for m in at.metric} == {
        "Green accounts": "3", "Yellow accounts": "0", "Red accounts": "4", "Average score": "60.6",  # 424.45 ÷ 7
        "No activity": "3", "No owner": "1", "Held twice": "0", "Leads waiting": "0", "Invoices past due": "0"}
    risk = frame(at, "health_list")
    assert list(risk["Account"]) == ["Umbrella", "Nobody Ltd", "Initech", "Hooli"]
    assert list(risk["Score"]) == [30.0, 30.0, 33.0, 59.81]
    assert list(risk["Main reason"])[2] == "140 days without activity (−30.0)"
    assert set(risk["Next action"]) == {"hold the renewal quote until sign-off"}
    # the breakdown of the first account in the list explains every lost point
    breakdown = frame(at, "health_breakdown")
    assert list(breakdown["Points lost"]) == [30.0, 25.0, 0.0, 15.0, 0.0, 0.0, 70.0]
    # in points of the score: the weights add up to 100 and the points to the score in the heading
    assert list(breakdown["Weight (of 100)"]) == [30.0, 25.0, 20.0, 15.0, 10.0, 0.0, 100.0]
    assert list(breakdown["Points"])[-1] == 30.0 and list(breakdown["Factor"])[-1] == "Total = the score"
    assert at.subheader[0].value.startswith("Where Umbrella's points went: 30.0 of 100")
    top = frame(at, "health_top")
    assert len(top) == 4 and list(top["Score"]) == [30.0, 30.0, 33.0, 59.81]
    # shown with one decimal (59.8, 30.0), as the tiles and the breakdown heading say a score
    for key in ("health_list", "health_top"):
        assert json.loads(at.dataframe[TABLES.index(key)].proto.columns)["Score"]["type_config"]["format"] == "%.1f"


def shown_cells(at, key) -> list[list[str]]:
    """The cells of a table as the grid shows them (a Styler's display values)."""
    import pyarrow as pa

    styler = at.dataframe[TABLES.index(key)].proto.arrow_data.styler
    return pa.ipc.open_stream(styler.display_values).read_all().to_pandas().values.tolist()


@pytest.mark.parametrize("lang, never, column", [("en", "never", "Days since activity"), ("zh", "从未", "距上次活动天数")])
def test_accounts_never_contacted_read_never_and_sort_as_the_longest_silence(db, lang, never, column):
    """Umbrella and Nobody Ltd were never contacted: the grid says so, and their days sort after
    every real count (the grid sorts by the values: a blank would come first)."""
    at = run_page("health", lang=lang)
    risk = frame(at, "health_list")
    assert [row[-1] for row in shown_cells(at, "health_list")] == [never, never, "140", "80"]
    assert list(risk[column]) == [float("inf"), float("inf"), 140.0, 80.0]
    assert list(risk.sort_values(column)[column])[-2:] == [float("inf")] * 2
    assert [row[1] for row in shown_cells(at, "health_list")] == ["30.0", "30.0", "33.0", "59.8"]
    # every green account was contacted: a plain table, without the Styler's pass over every cell
    at.multiselect(key="health_tiers").set_value(["green"]).run()
    assert not at.dataframe[TABLES.index("health_list")].proto.arrow_data.HasField("styler")
    assert list(frame(at, "health_list")[column]) == [0, 10, 2]


def test_filters_narrow_the_list(db):
    at = run_page("health")
    at.multiselect(key="health_tiers").set_value(["green"]).run()
    assert list(frame(at, "health_list")["Score"]) == [85.0, 88.63, 98.01]
    at.selectbox(key="health_rep").set_value("Ada West").run()
    assert list(frame(at, "health_list")["Score"]) == [85.0, 98.01]
    at.text_input(key="health_search").set_value("acm").run()
    assert list(frame(at, "health_list")["Account"]) == ["Acme"]
    assert "Next action: send a case study" in [m.value for m in at.markdown]
    assert at.code[0].value.startswith("Hello …, thank you for a good year together. Here is how a company like Acme")


def test_alerts_tab(db):
    at = run_page("health")
    alerts = frame(at, "health_alert_list")  # shown with their own column names, labelled by config
    assert list(zip(alerts["kind"], alerts["name"])) == [
        ("No activity", "Umbrella"), ("No activity", "Nobody Ltd"), ("No activity", "Initech"),
        ("No owner", "Nobody Ltd")]
    by_rep = frame(at, "health_alerts_by_rep")
    assert list(by_rep["Rep"]) == ["Bo East", "No owner"] and list(by_rep["Alerts"]) == [2, 2]  # not "—"
    at.multiselect(key="health_alert_kinds").set_value(["no_owner"]).run()
    assert list(frame(at, "health_alert_list")["name"]) == ["Nobody Ltd"]
    assert list(frame(at, "health_alerts_by_rep")["Alerts"]) == [1]
    assert any("No invoices yet" in i.value for i in at.info)
    at.segmented_control(key="health_by").set_value("rep").run()  # the tiers per rep name Nobody Ltd's "No owner"
    import pyarrow as pa

    chart = at.get("vega_lite_chart")[0].proto
    names = set(pa.ipc.open_stream(chart.datasets[0].data.data).read_all().column("name").to_pylist())
    assert "No owner" in names and "—" not in names


def test_alerts_and_receivables_of_the_crm_company(tmp_path, monkeypatch):
    from tests.health.crm import fill_crm_company
    from ui import context

    database_for_app(tmp_path, monkeypatch, fill_crm_company, name="crm")
    try:
        at = run_page("health")
        assert not at.exception, at.exception
        tiles = {m.label: m.value for m in at.metric}
        # as of 25 Jun (L6's call is the data's last day): L1, L8, L2, L10, L3 wait; I6 is paid
        assert (tiles["Held twice"], tiles["Leads waiting"], tiles["Invoices past due"]) == ("2", "5", "4")
        # open: I5 2,750 + I9 100 + I3 1,200 + I2 3,000 (past due: 7,050) + I4 4,000 + I7 1,500 = 12,550;
        # invoiced 28 Mar–25 Jun: I2, I4, I6, I8, I7 = 9,880; DSO = 12,550 ÷ 9,880 × 90 = 114.3
        assert (tiles["Outstanding"], tiles["Past due"], tiles["DSO (days)"]) == ("$12.6K", "$7K", "114.3")
        at.multiselect(key="health_alert_kinds").set_value(["lead_no_follow_up"]).run()
        at.selectbox(key="health_alert_territory").set_value("US West").run()
        leads = at.dataframe[3].value
        assert list(leads["name"]) == ["Old Co", "Queue Co", "Person 10", "Fresh Co"]
        assert list(leads["waiting_hours"]) == [375, 336, 168, 167]
        ageing = at.dataframe[6].value  # after the two per-rep / per-territory tables
        assert list(ageing["territory"]) == ["US West", "DACH", "US East"]
        assert list(ageing["past_due"]) == [3000.0, 2750.0, 1300.0]
        assert list(ageing["due_90_plus"]) == [0.0, 2750.0, 100.0]
    finally:
        context._open_store.clear()


def test_settings_are_saved_and_rescore(db):
    at = run_page("health")
    at.number_input(key="health_green").set_value(90.0)
    at.number_input(key="health_yellow").set_value(30.0)
    at.button(key="FormSubmitter:health_settings-Save").click().run()
    assert not at.exception, at.exception
    # yellow from 30 up to 90: 85, 88.63, 59.81, 33 and the two 30s
    assert {m.label: m.value for m in at.metric}["Yellow accounts"] == "6"
    store = Store.open(db)
    try:
        assert (load_config(store).green_from, load_config(store).yellow_from) == (90.0, 30.0)
    finally:
        store.close()


def test_thresholds_out_of_order_are_refused(db):
    at = run_page("health")
    at.number_input(key="health_yellow").set_value(95.0)
    at.button(key="FormSubmitter:health_settings-Save").click().run()
    assert "out of order" in at.error[0].value
    assert {m.label: m.value for m in at.metric}["Green accounts"] == "3"


def test_chinese(db):
    at = run_page("health", lang="zh")
    assert not at.exception, at.exception
    assert at.title[0].value == "客户健康度"
    assert {m.label: m.value for m in at.metric}["红色客户"] == "4"
    assert "天无活动" in list(frame(at, "health_list")["主要原因"])[2]


def test_trend_over_the_last_months(db):
    at = run_page("health")
    assert len(at.get("vega_lite_chart")) == 1    # the distribution; the trend waits for the toggle
    at.toggle(key="health_trend").set_value(True).run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 2


def test_message_templates_are_edited_saved_and_used(db):
    at = run_page("health")
    assert [a.label for a in at.text_area] == ["Message (Green)", "Message (Yellow)", "Message (Red)"]
    at.text_area(key="health_template_red").input("Internal: hold the quote for {account}; {owner} to sign off.")
    at.button(key="FormSubmitter:health_settings-Save").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Saved. Scores use the new settings."
    # the account shown first in the risk list (Umbrella, red) gets the new red message, filled in
    assert at.code[0].value == "Internal: hold the quote for Umbrella; Bo East to sign off."
    again = run_page("health")      # a new session reads the saved templates
    assert again.text_area(key="health_template_red").value.startswith("Internal: hold the quote for {account}")
    store = Store.open(db)
    try:
        assert load_config(store).templates["red"].endswith("{owner} to sign off.")
    finally:
        store.close()
    again.button(key="FormSubmitter:health_settings-Back to the defaults").click().run()
    assert again.text_area(key="health_template_red").value.startswith("Internal: the renewal quote for {account}")


def test_a_template_naming_an_unknown_field_is_refused_and_nothing_saved(db):
    at = run_page("health")
    at.text_area(key="health_template_yellow").input("Hello {customer}")
    at.button(key="FormSubmitter:health_settings-Save").click().run()
    assert "names {customer}" in at.error[0].value.replace("\\", "")
    store = Store.open(db)
    try:
        assert load_config(store).templates["yellow"].startswith("Hello {contact}")
    finally:
        store.close()


@pytest.mark.parametrize("lang, label", [("en", "All receivables points lost at (days past due)"),
                                         ("zh", "逾期多少天则回款项零分")])
def test_the_receivables_age_is_on_the_settings_form_saved_and_reset(db, lang, label):
    at = run_page("health", lang=lang)
    box = at.number_input(key="health_receivables_zero")
    assert (box.label, box.value) == (label, 90)
    box.set_value(45)
    save, reset = ("Save", "Back to the defaults") if lang == "en" else ("保存", "恢复默认")
    at.button(key=f"FormSubmitter:health_settings-{save}").click().run()
    assert not at.exception, at.exception
    assert at.number_input(key="health_receivables_zero").value == 45   # the form shows what was saved
    store = Store.open(db)
    try:
        assert load_config(store).receivables_zero_days == 45 and load_config(store).recency_zero_days == 90
    finally:
        store.close()
    at.button(key=f"FormSubmitter:health_settings-{reset}").click().run()
    assert at.number_input(key="health_receivables_zero").value == 90
