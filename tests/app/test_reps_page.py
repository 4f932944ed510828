"""The Reps page on the seed company: stars, need help, leaderboard and one rep's detail."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import database_for_app, run_page
from tests.metrics.conftest import fill_seed_company

@pytest.fixture
def seed_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_seed_company)


def _run(period="2024-Q2", rep=None, lang="en") -> AppTest:
    return run_page("reps", period=period, lang=lang, rep=rep)


def test_stars_and_reps_who_need_help_are_the_seed(seed_db):
    app = _run()
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    # Values are Markdown-escaped (ui/markup.py): `\$` also keeps two amounts from reading as $math$
    assert r"**Ann Lee** (US West) — \$4K against \$3K: **133\.3%**" in text
    assert r"**Ben Ortiz** (US East) — \$700 against \$1\.5K: gap **\$800**" in text
    board = app.dataframe[0].value
    assert list(board["name"])[:2] == ["Ann Lee", "Ben Ortiz"] and list(board["rank"])[:2] == [1, 2]


def test_rep_in_the_url_opens_their_detail(seed_db):
    app = _run(period="2024", rep="R2")
    assert not app.exception, app.exception
    assert app.selectbox[0].value == "R2"
    assert {m.label: m.value for m in app.metric}["Won"] == "$91.7K"
    deals = app.dataframe[1].value
    assert sorted(deals["deal_id"]) == ["W3", "W4"]  # as of 2025-01-01 FY2024 is past: no open pipeline left
    accounts = app.dataframe[2].value
    assert list(accounts["name"]) == ["Globex"] and list(accounts["won"]) == [91_700]


def test_picking_another_rep_updates_the_url(seed_db):
    app = _run()
    app.selectbox[0].set_value("R3").run()
    assert not app.exception
    assert app.query_params["rep"] == ["R3"] or app.query_params["rep"] == "R3"
    assert {m.label: m.value for m in app.metric}["Target"] == "$9K"


def test_chinese_labels(seed_db):
    app = _run(lang="zh")
    assert not app.exception
    assert any("明星销售" in m.value for m in app.markdown)
