"""The wall screen's way in while sign-in is on: `board?token=…` (engine/access/board_links.py).

app.py calls `gate()` first. Without a token it does nothing. With one, this session becomes the
link's read-only board viewer and its navigation holds the board alone (no sidebar, no other page:
any other path of the app shows the board too); a revoked or unknown link gets a page that says so
and shows no data. The board re-checks the link on every rotation (`still_valid`), so revoking a
link blanks a screen that is already running (the panel gives way to the refusal; a reload
shows the refusal page).
"""
from __future__ import annotations

import streamlit as st

from engine.access.board_links import BoardLinkError, BoardLinkRevoked, board_viewer, verify
from engine.i18n import LANGUAGES, t
from engine.store.errors import TerrainError
from ui import context
from ui.signin import PAGE_PATHS

LINK_KEY, REFUSAL_KEY = "_board_link", "_board_refusal"
OTHER_PATHS = tuple(path for path in PAGE_PATHS if path != "board")


def _lang(link_lang: str | None) -> str:
    wanted = link_lang or st.query_params.get("lang")
    return wanted if wanted in LANGUAGES else context.settings().language


def _refusal(key: str, lang: str) -> None:
    """The board's own page, at every path, drawing only the refusal (`refusal()` tells the page):
    the same file page as the board, so the browser finds the path it asked for."""
    st.session_state[REFUSAL_KEY] = (key, lang)
    _board_everywhere(lang)


def _board_everywhere(lang: str) -> None:
    # Not the default page: Streamlit gives the default page the root path and would answer
    # `/board` with "Page not found". The root is a page of its own that moves on to the board.
    title = t("boardlink.page", lang)
    board = st.Page("pages/board.py", title=title, url_path="board")

    def to_board() -> None:
        st.switch_page(board, query_params=st.query_params.to_dict())

    # the root and every other path of the app move on to the board: a board link opens nothing else
    root = st.Page(to_board, title=title, url_path="wall-screen", default=True)
    st.navigation([root, board, *(st.Page(to_board, title=title, url_path=path) for path in OTHER_PATHS)],
                  position="hidden").run()
    st.stop()


def refusal() -> bool:
    """Draw the refusal of a revoked or unknown link, if this run is one; True when it was."""
    chosen = st.session_state.get(REFUSAL_KEY)
    if not chosen:
        return False
    key, lang = chosen
    st.html(REFUSAL_CSS)
    st.title(t(f"boardlink.{key}.title", lang))
    st.markdown(t(f"boardlink.{key}.body", lang))
    return True


# Static CSS, no data: the refusal page is as dark and bare as the board it replaces.
REFUSAL_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], footer {display: none !important;}
.stApp {background: #0E1117; color: #F5F7FA;} .stApp h1 {font-size: 56px; color: #F5F7FA;}
.stApp p {font-size: 30px; color: #E4E7EB;}
</style>"""


def gate() -> None:
    """With `?token=` in the URL: run the board as the link's viewer, or the refusal page; stop."""
    token = st.query_params.get("token")
    st.session_state.pop(REFUSAL_KEY, None)
    if not token:
        return
    st.session_state.pop("_access_viewer", None)
    try:
        link = verify(context.base_store(), token)
    except BoardLinkRevoked as revoked:
        st.session_state.pop(LINK_KEY, None)
        _refusal("revoked", _lang(revoked.link.lang if revoked.link else None))
    except BoardLinkError:
        st.session_state.pop(LINK_KEY, None)
        _refusal("invalid", _lang(None))
    except TerrainError as error:  # the database is busy or broken: say so, show nothing else
        context.show_error(error)
        st.stop()
    lang = _lang(link.lang)
    st.session_state["lang"] = lang
    st.session_state[LINK_KEY] = {"token": token, "scope": link.scope, "rotate": link.rotate_seconds}
    st.session_state["_access_viewer"] = board_viewer(link)
    _board_everywhere(lang)


def show_revoked(lang: str) -> None:
    """What a running screen shows once its link is revoked: the refusal, in place of the panel."""
    st.header(t("boardlink.revoked.title", lang))
    st.markdown(t("boardlink.revoked.body", lang))


def current_link() -> dict | None:
    """The board link this session runs under (token, scope, rotate), or None."""
    return st.session_state.get(LINK_KEY)


def still_valid() -> bool:
    """Whether the session's board link still opens the board (False once revoked)."""
    link = current_link()
    if link is None:
        return True
    try:
        verify(context.base_store(), link["token"])
    except BoardLinkError:
        return False
    return True


def absolute(link: str, page_url: str | None, page: str = "users") -> str:
    """`board?token=…` as the whole address a wall screen opens, from the URL of the page the admin
    is on (`st.context.url`, e.g. http://host:8501/users or …/terrain/users behind a proxy); the
    link as it is when that URL is unknown or is not the page's."""
    suffix = f"/{page}"
    if not page_url or not page_url.endswith(suffix):
        return link
    return f"{page_url[: -len(suffix)]}/{link}"
