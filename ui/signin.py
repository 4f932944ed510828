"""The sign-in gate of the app shell: who is using this session, or the sign-in form.

With no users file the app runs in single-user local mode (the local admin; a banner says sign-in
is off). With one, nothing but the form is drawn until a user signs in — by name and password
(engine.access.signin: throttled, one message for every failure), or by single sign-on through
Streamlit's `st.login` when `.streamlit/secrets.toml` has an `[auth]` section, matched by e-mail to
the users file. A session ends after `TERRAIN_SESSION_IDLE` minutes without a click, or on sign-out.
"""
from __future__ import annotations

import time

import streamlit as st

from engine.access.exposure import is_loopback
from engine.access.signin import SignInFailed, SignInThrottled, expired, sign_in
from engine.access.users import UsersFile, users_path
from engine.access.visibility import LOCAL, Viewer
from engine.i18n import t

_VIEWER, _SEEN = "_access_viewer", "_access_last_seen"
# DESIGN's stable URL paths (and the shell's hidden home): each answers with the form until sign-in.
PAGE_PATHS = ("home", "overview", "reps", "forecast", "targets", "activity", "territories", "planner",
              "health", "board", "import", "users")


def users_file(settings) -> UsersFile:
    return UsersFile(users_path(settings))


def current_viewer(settings) -> Viewer:
    """The signed-in viewer, the local admin when sign-in is off; stops the page with the sign-in
    form when nobody is signed in (so nothing after it runs)."""
    users = users_file(settings)
    if not users.exists():
        st.session_state.pop(_VIEWER, None)
        client = st.context.ip_address  # None when the browser is on this machine (localhost)
        if isinstance(client, str) and not is_loopback(client):  # served to the network by mistake
            st.error(t("access.local_only", st.session_state.get("lang", settings.language)))
            st.stop()
        return LOCAL
    lang = st.session_state.get("lang", settings.language)
    viewer = st.session_state.get(_VIEWER)
    now = time.time()
    if viewer is not None and expired(st.session_state.get(_SEEN), now, settings.session_idle_minutes):
        _forget()
        st.session_state["_access_notice"] = t("access.signin.expired", lang, minutes=settings.session_idle_minutes)
        viewer = None
    if viewer is not None:
        # The users file may have changed (a role, a removal) since the sign-in: follow it.
        user = users.get(viewer.name)
        viewer = Viewer.of(user) if user else None
        if viewer is None:
            _forget()
    if viewer is None:
        viewer = _sso_viewer(users, lang)
    if viewer is None:
        # The form is the only page until someone signs in (so the sidebar lists no page either).
        # A deep link (/reps?period=…) opens the form at its own path, and after signing in the
        # rerun lands on the page it named rather than on "page not found".
        def form() -> None:
            _form(users, lang)

        st.navigation([st.Page(form, title=t("access.signin.title", lang), url_path=path, icon="🔐",
                               default=path == "signin") for path in ("signin", *PAGE_PATHS)],
                      position="hidden").run()
        st.stop()
    st.session_state[_VIEWER], st.session_state[_SEEN] = viewer, now
    return viewer


def _forget() -> None:
    for key in (_VIEWER, _SEEN):
        st.session_state.pop(key, None)


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises rather than answering False
        return False


def _sso_viewer(users: UsersFile, lang: str) -> Viewer | None:
    if not _sso_configured() or not st.user.is_logged_in:
        return None
    user = users.by_email(st.user.get("email"))
    if user is None:
        st.session_state["_access_notice"] = t("access.signin.sso_unknown", lang, email=st.user.get("email"))
        return None
    return Viewer.of(user)


def _form(users: UsersFile, lang: str) -> None:
    notice = st.session_state.pop("_access_notice", None)
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("access.signin.title", lang))
        if notice:
            st.info(notice)
        with st.form("signin", enter_to_submit=True):
            name = st.text_input(t("access.signin.name", lang))
            password = st.text_input(t("access.signin.password", lang), type="password")
            submitted = st.form_submit_button(t("access.signin.submit", lang), type="primary")
        if submitted:
            try:
                user = sign_in(users, name, password, client=st.context.ip_address)
            except SignInThrottled as error:
                st.error(t("access.signin.wait", lang, seconds=int(error.seconds + 0.999)))
            except SignInFailed:
                st.error(t("access.signin.wrong", lang))
            else:
                st.session_state[_VIEWER], st.session_state[_SEEN] = Viewer.of(user), time.time()
                st.rerun()
        if _sso_configured() and st.button(t("access.signin.sso", lang)):
            st.login()  # Streamlit's OIDC flow ([auth] in .streamlit/secrets.toml); back here signed in


def sign_out() -> None:
    """End the session (and the single sign-on cookie when there is one)."""
    _forget()
    st.session_state["_access_notice"] = t("access.signin.signed_out", st.session_state.get("lang", "en"))
    if _sso_configured() and st.user.is_logged_in:
        st.logout()


def sidebar(viewer: Viewer, settings, lang: str) -> None:
    """Who is signed in and the sign-out button; or the banner of local mode."""
    if viewer is LOCAL or not users_file(settings).exists():
        st.sidebar.caption(t("access.local_mode", lang))
        return
    st.sidebar.caption(t("access.signed_in", lang, name=viewer.name, role=t(f"role.{viewer.role}", lang)))
    st.sidebar.button(t("access.signout", lang), on_click=sign_out, key="signout")
