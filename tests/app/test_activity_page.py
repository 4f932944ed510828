"""The Activity & KPIs page on the tiny company with a few activities."""
from __future__ import annotations

from datetime import datetime

import polars as pl

from tests.app.test_forecast_page import app  # noqa: F401  (the fixture)


def add_activities(store) -> None:
    store.insert_frame("activities", pl.DataFrame({
        "activity_id": ["X1", "X2", "X3", "X4"],
        "account_id": ["A1", "A3", "A6", "A5"], "deal_id": ["D2", "D4", None, "D7"],
        "rep_id": ["R1", "R2", "R3", "R1"], "type": ["call", "meeting", "email", "call"],
        # D2 created 5 Jan → first activity 6 Jan 12:00 (36 h); D4 created 1 Feb → 1 Feb 06:00 (6 h).
        "ts": [datetime(2024, 1, 6, 12), datetime(2024, 2, 1, 6), datetime(2024, 3, 1, 9), datetime(2024, 1, 15, 10)],
    }))


def test_activity_page_tiles_and_tables(app):
    at = app("pages/activity.py", prepare=add_activities)
    assert at.title[0].value == "Activity & KPIs — FY2024"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Win rate"] == "71.4%"             # 5 won of 7 closed in FY2024
    assert tiles["Average deal size"] == "$2.5K"    # 12,750 ÷ 5
    assert tiles["Sales cycle (median)"] == "80 days"  # cycles 70, 70, 80, 99, 138 days
    assert tiles["New customers"] == "4"            # A1, A3, A5, A6 first won in FY2024
    assert tiles["Activities per rep"] == "1.3"     # 4 activities ÷ 3 reps
    kpis = at.dataframe[0].value
    assert list(kpis["name"]) == ["Americas", "EMEA"]
    assert list(kpis["activities"]) == [3, 1]
    assert not at.error


def test_activity_page_rep_level_in_chinese(app):
    at = app("pages/activity.py", lang="zh", prepare=add_activities)
    at.segmented_control(key="activity_level").set_value("rep").run()
    assert not at.exception
    assert at.title[0].value == "活动与指标 — 2024财年"
    kpis = at.dataframe[0].value
    assert dict(zip(kpis["name"], kpis["activities"])) == {"Ada West": 2, "Carla Berlin": 1, "Bo East": 1}
    stars = at.dataframe[1].value
    assert list(stars["name"]) == ["Ada West", "Carla Berlin", "Bo East"]


def no_deals(store) -> None:
    store.execute("DELETE FROM deals")


def test_pages_without_deals_teach_what_to_import(app):
    for page in ("pages/activity.py", "pages/forecast.py"):
        at = app(page, prepare=no_deals)
        assert "Import your CRM's deals" in at.info[0].value
        assert not at.metric
    at = app("pages/targets.py", prepare=no_deals)  # territories and reps alone are enough to plan
    assert not at.exception and {m.label: m.value for m in at.metric}["Sum check"] == "Adds up"
