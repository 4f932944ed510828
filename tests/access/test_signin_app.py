"""The sign-in gate and role-hidden controls, as AppTests of the shell and of single pages."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.access.signin import THROTTLE
from engine.access.users import UsersFile
from engine.access.visibility import Viewer
from tests.app.conftest import database_for_app, run_page
from tests.conftest import REPO, fill_tiny_company

WRONG = "The user name or the password is not right."


@pytest.fixture
def signed_db(tmp_path, monkeypatch):
    """The tiny company with a users file beside it: an admin, a rep of US West, a viewer of EMEA."""
    db = database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    users = UsersFile(tmp_path / "tiny.users.json")
    users.add("boss", "admin", password="boss-password")
    users.add("ada", "rep", password="ada-password", rep_id="R1")
    users.add("vic", "viewer", password="vic-password", territories=("EU",))
    THROTTLE._failures.clear(), THROTTLE._until.clear()
    return db


def _shell() -> AppTest:
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=60)


def _sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    return app.button[0].click().run()


def test_without_a_users_file_sign_in_is_off_and_says_so(tmp_path, monkeypatch):
    database_for_app(tmp_path, monkeypatch, fill_tiny_company, name="tiny")
    app = _shell().run()
    assert not app.exception
    assert any("Sign-in is off" in c.value for c in app.sidebar.caption)
    assert not [t for t in app.title if t.value == "Sign in to Terrain"]


def test_with_a_users_file_only_the_form_is_drawn_until_someone_signs_in(signed_db):
    app = _shell().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Sign in to Terrain"]
    assert not app.metric  # no figure of any page before signing in
    assert "_access_viewer" not in app.session_state


def test_a_wrong_user_and_a_wrong_password_get_the_same_sentence(signed_db):
    wrong_password = _sign_in(_shell().run(), "ada", "not-her-password")
    no_such_user = _sign_in(_shell().run(), "nobody", "ada-password")
    assert [e.value for e in wrong_password.error] == [e.value for e in no_such_user.error] == [WRONG]
    assert "_access_viewer" not in wrong_password.session_state


def test_signing_in_opens_the_app_as_that_user(signed_db):
    app = _sign_in(_shell().run(), "ada", "ada-password")
    assert not app.exception
    assert app.session_state["_access_viewer"] == Viewer("ada", "rep", "R1", ())
    assert any("Signed in as **ada**" in c.value for c in app.sidebar.caption)


def test_repeated_failures_are_slowed_down(signed_db):
    app = _shell().run()
    for _ in range(4):
        app = _sign_in(app, "ada", "guess")
    assert [e.value for e in app.error] == [WRONG]
    app = _sign_in(app, "ada", "ada-password")  # even the right password waits now
    assert app.error[0].value.startswith("Too many failed attempts; wait ")
    assert "_access_viewer" not in app.session_state




def _as(page: str, viewer: Viewer | None, period: str = "2024", **query: str) -> AppTest:
    """pages/<page>.py alone, as the shell would run it for `viewer` (signed in)."""
    from engine.metrics.periods import parse_period
    from ui.first_paint import painted_key

    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    app.session_state[painted_key(page)] = True
    app.session_state["period"] = parse_period(period)
    app.session_state["lang"] = "en"
    app.session_state["_shell"] = True
    if viewer is not None:
        app.session_state["_access_viewer"] = viewer
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


ADA = Viewer("ada", "rep", "R1", ())
VIC = Viewer("vic", "viewer", None, ("EU",))


def test_a_rep_sees_their_territory_only_and_a_link_elsewhere_is_refused(signed_db):
    everyone = _as("overview", None, scope="AM")
    assert dict(zip(everyone.dataframe[0].value["name"], everyone.dataframe[0].value["won"]))["US West"] == 8000.0
    ada = _as("overview", ADA, scope="EU-DE")
    assert not ada.exception
    # the territory id came from the URL: it reaches Markdown escaped (ui/markup.py)
    assert [w.value for w in ada.warning] == ["You do not see EU\\-DE; showing your own territories."]
    assert ada.dataframe[0].value["name"].tolist() == ["Americas"]  # only the region holding US West
    assert ada.dataframe[0].value["won"].tolist() == [8000.0]       # …with US West's figures only
    assert [m.value for m in ada.metric][:2] == ["$8K", "$12K"]     # the company tiles: what she sees
    reps = _as("reps", ADA)
    assert reps.dataframe[0].value["name"].tolist() == ["Ada West"]


def test_targets_hide_saving_from_a_viewer_and_plan_their_own_territory(signed_db):
    admin = _as("targets", None)
    assert [b for b in admin.button if b.key == "tg-save"]
    vic = _as("targets", VIC)
    assert not vic.exception
    assert not [b for b in vic.button if b.key in ("tg-save", "tg-whole-company")]
    assert vic.title[0].value == "Targets — EMEA, FY2024"
    assert any("can look but not change" in c.value for c in vic.caption)


def test_the_planner_hides_saving_and_applying_scenarios_from_a_rep(signed_db):
    admin = _as("planner", None)
    assert [b for b in admin.button if "Save" in b.label]
    ada = _as("planner", ADA)
    assert not ada.exception
    assert not [b for b in ada.button if "Save" in b.label or b.key in ("planner_apply", "planner_delete")]


def test_an_idle_session_ends_and_sign_out_forgets_the_user(signed_db):
    app = _sign_in(_shell().run(), "ada", "ada-password")
    assert app.session_state["_access_viewer"].name == "ada"
    app.session_state["_access_last_seen"] = 0.0  # idle since 1970: far beyond TERRAIN_SESSION_IDLE
    app.run()
    assert "_access_viewer" not in app.session_state
    assert [i.value for i in app.info] == [
        "Your session ended after 30 minutes without activity; sign in again."]
    app = _sign_in(app, "ada", "ada-password")
    assert app.session_state["_access_viewer"].name == "ada"  # signed in again


def test_a_removed_user_is_signed_out_at_their_next_click(signed_db, tmp_path):
    app = _sign_in(_shell().run(), "vic", "vic-password")
    assert app.session_state["_access_viewer"].name == "vic"
    UsersFile(tmp_path / "tiny.users.json").remove("vic")
    app.run()
    assert "_access_viewer" not in app.session_state
    assert [t.value for t in app.title] == ["Sign in to Terrain"]


def test_the_admin_adds_a_user_on_the_users_page_and_others_are_refused(signed_db, tmp_path):
    boss = _as("users", Viewer("boss", "admin"))
    assert not boss.exception
    listed = boss.dataframe[0].value  # headers, roles, the rep and the territories in words, not ids
    assert listed["Name"].tolist() == ["boss", "ada", "vic"]
    assert listed["Role"].tolist() == ["admin", "rep", "viewer"]
    assert listed["Rep"].tolist()[1] == "Ada West" and listed["Territories"].isna().tolist() == [True, True, False] and listed["Territories"][2] == "EMEA"
    assert listed["Password"].tolist() == ["set"] * 3
    form = boss.text_input
    form[0].input("bo")
    boss.selectbox[0].select("rep")
    boss.selectbox[1].select("R2")
    form[2].input("bo-password-1")
    boss = next(b for b in boss.button if b.label == "Add a user").click().run()
    assert [s.value for s in boss.success] == ["Added bo."]
    added = UsersFile(tmp_path / "tiny.users.json").get("bo")
    assert (added.role, added.rep_id, added.password_hash[:9]) == ("rep", "R2", "$argon2id")
    assert "bo-password-1" not in (tmp_path / "tiny.users.json").read_text()
    refused = _as("users", ADA)
    assert [e.value for e in refused.error] == [
        "**Not allowed** — ada \\(rep\\) may not manage users\\. Ask an admin or sales ops to do it, or to change your "
        "role\\."]  # the message is data to Markdown: escaped, shown as written
    assert not refused.dataframe


def test_the_import_page_stops_for_a_role_that_may_not_import(signed_db):
    vic = _as("import", VIC)
    assert not vic.exception
    assert [i.value for i in vic.info] == ["Your role (viewer) can look but not change this."]
    assert not vic.get("file_uploader")
