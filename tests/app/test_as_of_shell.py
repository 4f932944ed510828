"""The sidebar's as-of day: the pages' figures as they stood that day, mirrored in the URL."""
from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from tests.app.conftest import database_for_app
from tests.conftest import REPO, fill_tiny_company


def _shell(**query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_a_linked_as_of_day_rebuilds_the_overview(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch, fill_tiny_company)
    at = _shell(as_of="2024-04-30")
    assert not at.exception
    assert at.session_state["as_of_day"] == date(2024, 4, 30)
    assert at.session_state["period"].code == "2024-Q2"  # the quarter containing the as-of day
    assert at.query_params["as_of"] == "2024-04-30"
    tiles = {m.label: m.value for m in at.metric}
    # tests/metrics/test_as_of.py: won D8 only, pipeline D4 + D7 + D9, win rate 2 of 3
    assert (tiles["Won"], tiles["Open pipeline"], tiles["Weighted forecast"]) == ("$2.8K", "$6.9K", "$4.6K")
    assert "Figures as they stood on 30 Apr 2024" in [c.value for c in at.sidebar.caption]


def test_now_is_the_default_and_stays_out_of_the_url(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch, fill_tiny_company)
    at = _shell()
    assert not at.exception
    assert at.session_state["as_of"] == date(2024, 6, 1)  # the tiny company's last closed deal
    assert at.session_state["as_of_day"] is None and "as_of" not in at.query_params
    assert {m.label: m.value for m in at.metric}["Won"] == "$8.8K"
    # a day after "now", or no date at all, is "now"
    assert _shell(as_of="2031-01-01").session_state["as_of_day"] is None
    assert _shell(as_of="yesterday").session_state["as_of_day"] is None
