"""The Overview page on the seed company: tiles, chart, map, table, drill-down and empty state."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import database_for_app, run_page
from tests.metrics.conftest import fill_seed_company

@pytest.fixture
def seed_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_seed_company)


def _run(period="2024", scope=None, lang="en") -> AppTest:
    return run_page("overview", period=period, lang=lang, scope=scope)


def test_company_view_shows_tiles_regions_and_map(seed_db):
    app = _run()
    assert not app.exception, app.exception
    tiles = {m.label: m.value for m in app.metric}
    assert tiles["Won"] == "$1M" and tiles["Target"] == "$916.5K" and tiles["Attainment"] == "109.1%"
    table = app.dataframe[0].value
    assert list(table["name"]) == ["North America", "APAC", "EMEA", "Greater China", "LATAM", "Middle East"]
    assert list(table["won"]) == [291_700, 166_700, 166_700, 125_000, 125_000, 125_000]
    assert len(app.get("vega_lite_chart")) == 1 and len(app.get("deck_gl_json_chart")) == 1


def test_first_draw_sends_the_tiles_alone_and_the_paint_report_brings_the_rest(seed_db):
    from ui.first_paint import painted_key

    app = run_page("overview", period="2024", first_draw=True)
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric}["Won"] == "$1M"
    assert len(app.get("skeleton")) == 3  # the chart's, the map's and the table's space held
    assert not app.dataframe and not app.get("vega_lite_chart") and not app.get("deck_gl_json_chart")
    probe = app.get("bidi_component")  # the browser-side probe that reports the paint
    assert [p.key for p in probe] == ["first-paint-overview"]

    app.session_state[painted_key("overview")] = True  # what the probe's report sets, then reruns
    app.run()
    assert not app.get("skeleton") and not app.get("bidi_component")
    assert len(app.dataframe[0].value) == 6 and len(app.get("vega_lite_chart")) == 1


def test_scope_in_the_url_drills_into_a_region_and_breadcrumb_goes_back(seed_db):
    app = _run(scope="NA")
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["name"]) == ["US West", "US East"]
    assert {m.label: m.value for m in app.metric}["Won"] == "$291.7K"
    back = [b for b in app.button if b.label == "Company"]
    back[0].click().run()
    assert "scope" not in app.query_params
    assert len(app.dataframe[0].value) == 6


def test_leaf_territory_lists_its_reps_in_chinese(seed_db):
    app = _run(scope="NA-W", lang="zh")
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["name"]) == ["Ann Lee"]
    assert "已赢单" in {m.label for m in app.metric}  # "Won" as the Forecast and the board say it (已成交 is "Closed")


def test_unknown_scope_warns_and_shows_the_company(seed_db):
    app = _run(scope="GONE")
    assert not app.exception
    assert "GONE" in app.warning[0].value and len(app.dataframe[0].value) == 6


def test_empty_database_teaches_where_to_import(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch)
    app = run_page("overview")
    assert not app.exception
    assert "Import" in app.info[0].value


def test_a_running_period_is_compared_period_to_date_and_says_so(seed_db):
    # the seed data ends on 1 Jan 2025: FY2025 Q1 has run one day, won 9,999 (W10) against nothing
    # on 1 Oct 2024 (W2 of FY2024 Q4 closed on 10 Oct)
    app = _run(period="2025-Q1")
    assert not app.exception, app.exception
    captions = [c.value for c in app.caption]
    assert any("FY2025 Q1 is running: won, attainment and gap are compared with the same first 1 day" in c
               for c in captions), captions
    won = next(m for m in app.metric if m.label == "Won")
    assert won.value == "$10K" and won.delta == "+$10K"


def test_a_leaf_territory_lists_the_people_who_own_deals_not_its_overlay_specialist(seed_db):
    """A specialist sitting in US West with a rep target of the whole region and no deals is not
    one of US West's reps to rank: the demo's DACH opened on "Emily Smith is 100.0% behind target
    ($86.1M to go)" for EMEA's overlay specialist."""
    from datetime import date

    import polars as pl

    from engine.store import Store

    store = Store.open(seed_db)
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R-SPEC"], "name": ["Sam Overlay"]}))
    store.insert_frame("territory_members", pl.DataFrame({"territory_id": ["NA-W"], "rep_id": ["R-SPEC"],
                                                          "role": ["specialist"]}))
    store.insert_frame("targets", pl.DataFrame({"scope": ["rep"], "scope_id": ["R-SPEC"],
                                                "period_start": [date(2024, 3, 1)], "amount": [900_000.0]}))
    store.close()
    app = _run(scope="NA-W")
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["name"]) == ["Ann Lee"]
