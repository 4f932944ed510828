"""The Tree tab: the hierarchy, and adding, moving and retiring through the UI changes the database."""
from __future__ import annotations

import re

import pytest

from tests.app.conftest import database_for_app
from tests.app.territory_tabs import click, live_store, run_tab
from tests.conftest import fill_tiny_company


@pytest.fixture
def db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)




def test_the_tree_is_listed_in_order(db):
    app = run_tab("territory_tree")
    assert not app.exception, app.exception
    tiles = {m.label: m.value for m in app.metric}
    assert tiles == {"Territories": "6", "Levels": "3", "Seats": "3", "Accounts without territory": "0"}
    table = app.dataframe[0].value
    assert list(table["territory_id"]) == ["CO", "AM", "AM-E", "AM-W", "EU", "EU-DE"]
    assert list(table["accounts"]) == [0, 0, 2, 3, 0, 1]


def test_retiring_through_the_ui_moves_the_accounts(db):
    app = run_tab("territory_tree")
    app.selectbox(key="tt-ret-id").set_value("AM-W").run()
    app.selectbox(key="tt-ret-to").set_value("AM-E").run()
    assert "US West holds 3 accounts, 0 open deals, 0 target months and 0 sub-territories; they go to US East" in \
        " ".join(c.value for c in app.caption)
    click(app, "tt-ret-go")
    assert not app.exception, app.exception
    assert "Retired US West: 3 accounts and 0 open deals went to US East." in [s.value for s in app.success]
    assert list(app.dataframe[0].value["territory_id"]) == ["CO", "AM", "AM-E", "EU", "EU-DE"]
    assert list(app.dataframe[0].value["accounts"]) == [0, 0, 5, 0, 1]
    store = live_store(db)
    assert store.rows("SELECT DISTINCT territory_id FROM accounts WHERE account_id IN ('A1', 'A2', 'A5')") == [("AM-E",)]


def test_adding_and_a_refused_move(db):
    app = run_tab("territory_tree", lang="zh")
    app.text_input(key="tt-add-name").input("北欧")
    app.selectbox(key="tt-add-parent").set_value("EU")
    click(app, "tt-add-go")
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("已新增 北欧")
    assert live_store(db).rows("SELECT territory_id, parent_id, level FROM territories WHERE name = '北欧'") == [
        ("T-NEW", "EU", 2)]  # a name with no Latin letters gets a generic id
    assert list(app.dataframe[0].value["territory_id"])[-1] == "T-NEW"
    app.selectbox(key="tt-mv-id").set_value("AM").run()
    app.selectbox(key="tt-mv-parent").set_value("AM-W").run()
    click(app, "tt-mv-go")
    assert "one of its own sub-territories" in shown(app.error[0].value)  # Markdown-escaped data
    assert list(app.dataframe[-1].value["action"]) == ["新增"]  # the change log, in Chinese; the refused move left none
    assert live_store(db).scalar("SELECT parent_id FROM territories WHERE territory_id = 'AM'") == "CO"


def shown(markdown: str) -> str:
    """What a reader sees of Markdown whose data was escaped (ui/markup.py)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_a_hostile_territory_name_renders_as_text(db):
    """A name typed as a Markdown link or image (issue 12) reaches the page's notes escaped."""
    app = run_tab("territory_tree")
    app.text_input(key="tt-add-name").input("[Sign in again](http://evil.example) ![x](http://evil.example/x.png)")
    app.selectbox(key="tt-add-parent").set_value("EU")
    click(app, "tt-add-go")
    assert not app.exception, app.exception
    note = app.success[0].value
    assert "](http" not in note and "\\[Sign in again\\]" in note and "\\!\\[x\\]" in note
    # what the reader sees is the text itself (a word joiner keeps the URL from becoming a link)
    assert "[Sign in again](http:\u2060//evil.example)" in shown(note)
