"""The Targets page: split, check, edit by hand, save, pacing."""
from __future__ import annotations

import polars as pl

from tests.app.test_forecast_page import app  # noqa: F401  (the fixture)


def test_targets_page_splits_checks_and_saves(app):
    at = app("pages/targets.py")
    assert at.title[0].value == "Targets — FY2024"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Saved company target"] == "$22.8K"   # the tiny company's rep targets: (1,000 + 500 + 400) × 12
    assert tiles["Sum check"] == "Adds up"
    at.number_input(key="tg-total-2024").set_value(1_000_000.0).run()
    at.selectbox(key="tg-method").set_value("even").run()
    plan = at.dataframe[0].value
    amounts = dict(zip(plan["node_id"], plan["amount"]))
    assert (amounts["AM"], amounts["EU"], amounts["AM-W"], amounts["AM-W/R1"]) == (500_000, 500_000, 250_000, 250_000)
    assert at.success[0].value.startswith("Every parent equals the sum of its children")
    at.button(key="tg-save").click().run()
    assert not at.exception
    assert any("Saved" in s.value for s in at.success)
    from ui import context
    stored = context.store().query("SELECT scope, round(sum(amount), 2) AS amount FROM targets GROUP BY scope ORDER BY scope")
    assert stored.rows() == [("company", 1_000_000.0), ("rep", 1_000_000.0), ("territory", 2_000_000.0)]
    assert {m.label: m.value for m in at.metric}["Saved company target"] == "$1M"
    parts = context.store().query("SELECT rep_id, territory_id, round(sum(amount), 2) FROM target_parts GROUP BY ALL ORDER BY 1")
    assert parts.rows() == [("R1", "AM-W", 250_000.0), ("R2", "AM-E", 250_000.0), ("R3", "EU-DE", 500_000.0)]


def test_targets_manual_edit_is_checked_before_saving(app):
    at = app("pages/targets.py")
    at.number_input(key="tg-total-2024").set_value(1000.0).run()
    at.selectbox(key="tg-method").set_value("manual").run()
    at.selectbox(key="tg-start-from").set_value("even").run()
    editor = at.data_editor[0]
    frame = editor.value if isinstance(editor.value, pl.DataFrame) else pl.from_pandas(editor.value)
    row = frame["node_id"].to_list().index("AM-W/R1")
    assert frame["amount"][row] == 250.0
    at.session_state[editor.key] = {"edited_rows": {row: {"amount": 400.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Sum check"] == "1 off"
    assert "US West" in at.error[0].value
    assert at.button(key="tg-save").disabled


def test_targets_page_shows_pacing_for_the_as_of_month(app):
    at = app("pages/targets.py")
    # As of 1 Jun 2024 (the last closed deal): June's targets stand, nothing is due before day 10.
    assert any(sub.value.startswith("Pacing for Jun 2024") for sub in at.subheader)
    pacing = at.dataframe[-1].value
    assert list(pacing["name"])[:1] == ["Company"]
    assert list(pacing["target"])[:1] == [1900.0]
    assert list(pacing["expected_now"])[:1] == [0.0]


def test_targets_page_plans_the_territory_in_the_url(app):
    at = app("pages/targets.py")
    at.query_params["scope"] = "AM"  # as the Overview's drill-down links it
    at.run()
    assert not at.exception
    assert at.title[0].value == "Targets — Americas, FY2024"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Saved target"] == "$18K"  # Ada West 1,000 + Bo East 500 a month
    assert tiles["Territories below"] == "2"
    at.number_input(key="tg-total-2024-AM").set_value(12_000.0).run()
    at.selectbox(key="tg-method").set_value("even").run()
    plan = at.dataframe[0].value
    assert dict(zip(plan["node_id"], plan["amount"])) == {"AM": 12_000, "AM-W": 6_000, "AM-E": 6_000,
                                                          "AM-W/R1": 6_000, "AM-E/R2": 6_000}
    assert "levels above keep their saved targets" in at.warning[0].value
    at.button(key="tg-save").click().run()
    assert not at.exception
    from ui import context
    stored = dict(context.store().query("SELECT scope_id, round(sum(amount), 2) FROM targets GROUP BY scope_id").rows())
    assert (stored["AM"], stored["R1"], stored["R2"], stored["R3"]) == (12_000.0, 6_000.0, 6_000.0, 4_800.0)


def test_a_rep_in_two_territories_shows_both_parts_and_the_sum(app):
    from engine.territories.members import add_member

    at = app("pages/targets.py", prepare=lambda store: add_member(store, "EU-DE", "R1", "owner"))
    split = next(d.value for d in at.dataframe if "territory" in d.value.columns and "rep" in d.value.columns)
    assert list(split["territory"]) == ["DACH", "US West", "Total"]
    assert list(split["target"]) == [6000.0, 6000.0, 12000.0]
