"""A wall screen's board link in the app shell (AppTest of app.py, sign-in on): the board alone,
limited to the link's scope, no sidebar, no other page; a revoked or unknown link shows a page
that says so and no figure."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.access.board_links import create_link, list_links, revoke_link
from engine.access.users import UsersFile
from engine.store import Store
from tests.app.conftest import database_for_app
from tests.app.test_board_page import fill_board_company
from tests.conftest import REPO


@pytest.fixture
def signed_board(tmp_path, monkeypatch):
    """The board's tiny company, sign-in on (one admin), a link to EMEA in Chinese and one to the company."""
    db = database_for_app(tmp_path, monkeypatch, fill_board_company, name="board")
    UsersFile(tmp_path / "board.users.json").add("boss", "admin", password="boss-password")
    store = Store.open(db)
    try:
        emea, _ = create_link(store, "Berlin lobby", "EU", "zh", 30)
        company, _ = create_link(store, "HQ", None, "en")
    finally:
        store.close()
    yield db, emea, company
    from ui import context
    context._open_store.clear()


def _open(token: str) -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.query_params["token"] = token
    return app.run()


def test_a_scoped_link_opens_its_board_only(signed_board):
    _, emea, _ = signed_board
    app = _open(emea)
    assert not app.exception, app.exception
    assert app.title[0].value == "销售晨会 — EMEA"
    assert list(app.table[0].value["名称"]) == ["DACH"]       # EMEA's territory, nothing of the Americas
    assert "30 秒后切换" in app.caption[-1].value
    viewer = app.session_state["_access_viewer"]
    assert (viewer.role, viewer.territories) == ("board", ("EU",))
    assert not app.sidebar.selectbox and not app.sidebar.button   # no language picker, no sign-out, no menu
    assert not [t for t in app.title if t.value == "Sign in to Terrain"]


def test_the_link_fixes_the_scope_whatever_the_url_says(signed_board):
    _, emea, _ = signed_board
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.query_params["token"] = emea
    app.query_params["scope"] = "AM"   # the Americas, outside the link
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "销售晨会 — EMEA"
    assert list(app.table[0].value["名称"]) == ["DACH"]


def test_a_company_link_sees_every_region(signed_board):
    _, _, company = signed_board
    app = _open(company)
    assert app.title[0].value == "Morning meeting — whole company"
    assert list(app.table[0].value["Name"]) == ["Americas", "EMEA"]


def test_revoked_and_unknown_links_show_no_data(signed_board):
    db, emea, _ = signed_board
    store = Store.open(db)
    try:
        revoke_link(store, list_links(store).filter(label="Berlin lobby")["link_id"][0])
    finally:
        store.close()
    revoked = _open(emea)
    assert not revoked.exception
    assert [t.value for t in revoked.title] == ["此大屏链接已被撤销"]   # in the link's language
    assert not revoked.table and not revoked.metric and not revoked.dataframe
    unknown = _open("A" * 43)
    assert [t.value for t in unknown.title] == ["This board link is not valid"]
    assert not unknown.table and not unknown.metric


def test_the_users_page_creates_shows_once_and_revokes_a_link(tmp_path, monkeypatch):
    from tests.app.conftest import run_page
    from tests.conftest import fill_tiny_company

    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="users")
    app = run_page("users")
    assert not app.exception, app.exception
    form = [w for w in app.text_input if w.label == "Label (which screen)"][0]
    form.input("Berlin lobby")
    [s for s in app.selectbox if s.label == "Scope"][0].select("EU")
    [s for s in app.selectbox if s.label == "Language"][0].select("zh")
    [b for b in app.button if b.label == "Create board link"][0].click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Board link created for Berlin lobby")
    shown = app.code[0].value
    assert shown.startswith("board?token=")
    listed = app.dataframe[-1].value
    # the scope and language by name, not EU / zh
    assert list(listed["Label"]) == ["Berlin lobby"] and list(listed["Scope"]) == ["EMEA"]
    assert list(listed["Language"]) == ["简体中文"]
    app.run()   # the token is shown once: gone on the next run
    assert not app.code
    [b for b in app.button if b.label == "Revoke"][0].click().run()
    assert "Revoked the board link Berlin lobby." in [s.value for s in app.success]
    from ui import context
    from engine.store.settings import load_settings
    settings = load_settings()
    store = context._open_store(settings.db_path, settings.adopt_database)
    rows = store.rows("SELECT token_sha256, revoked_at IS NOT NULL FROM board_tokens")
    assert len(rows) == 1 and rows[0][1] and shown.split("=", 1)[1] not in rows[0][0]
    context._open_store.clear()


def test_revoking_a_running_screen_blanks_it_on_the_next_rotation(signed_board):
    db, _, company = signed_board
    app = _open(company)
    assert app.table
    from engine.store.settings import load_settings
    from ui import context
    settings = load_settings()
    store = context._open_store(settings.db_path, settings.adopt_database)  # the app's own open store
    revoke_link(store, list_links(store).filter(label="HQ")["link_id"][0])
    app.run()
    assert "This board link was revoked" in [h.value for h in app.header]
    assert not app.table and not app.metric


@pytest.mark.parametrize(("page_url", "expected"), [
    ("http://127.0.0.1:8501/users", "http://127.0.0.1:8501/board?token=abc"),
    ("https://desk.example.com/terrain/users", "https://desk.example.com/terrain/board?token=abc"),  # behind a proxy
    (None, "board?token=abc"),                                   # unknown (AppTest): the link as it is
    ("http://127.0.0.1:8501/", "board?token=abc"),               # not the Users page's URL: not guessed
])
def test_a_new_board_link_is_shown_as_the_whole_address(page_url, expected):
    """The admin copies one address for the wall screen, not a path to prefix with the host."""
    from ui.board_link import absolute

    assert absolute("board?token=abc", page_url) == expected
