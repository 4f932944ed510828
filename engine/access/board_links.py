"""Read-only board links: how a wall screen shows the board while sign-in is on.

An admin creates a link (`board?token=…`) with a label, a scope (a territory and everything below
it, or the whole company), a language and a rotation. The token is shown once; only its sha256 is
stored (`board_tokens`, migration 10), so a copy of the database cannot be turned into a working
link. Verifying a token gives the link, and `board_viewer` the viewer it acts as: role `board`,
seeing exactly the link's scope through the same visibility rules as any viewer (engine.access
.visibility) and allowed no write at all (engine.access.permissions names no `board` role). A
revoked link stays listed, with who revoked it and when, and opens nothing.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from engine.access.permissions import require
from engine.access.viewer_store import base_store, viewer_of
from engine.access.visibility import BOARD_ROLE, Viewer
from engine.i18n import LANGUAGES
from engine.store.errors import TerrainError

ROTATE_RANGE = (5, 600)  # seconds a panel stays, as the board's ?rotate= allows
LINK_COLUMNS = ("link_id", "label", "scope", "lang", "rotate_seconds", "created_by", "created_at",
                "revoked_at", "revoked_by", "last_seen_at")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per link


class BoardLinkError(TerrainError):
    title = "The board link cannot be used"


class BoardLinkRevoked(BoardLinkError):
    title = "This board link was revoked"
    link: "BoardLink | None" = None  # which link, so the screen can say so in the link's language


@dataclass(frozen=True)
class BoardLink:
    """One stored link; `link_id` (the first 12 hex digits of the hash) names it in lists."""

    token_sha256: str
    label: str
    scope: str | None
    lang: str | None
    rotate_seconds: int | None
    created_by: str | None
    created_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    last_seen_at: datetime | None = None

    @property
    def link_id(self) -> str:
        return self.token_sha256[:12]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def board_viewer(link: BoardLink) -> Viewer:
    """Who a board link acts as: read-only, seeing the link's scope (or the company)."""
    return Viewer(f"board:{link.label}", BOARD_ROLE, None, (link.scope,) if link.scope else ())


def _row(store, sql: str, params: list) -> BoardLink | None:
    rows = store.rows(f"SELECT {', '.join(BoardLink.__dataclass_fields__)} FROM board_tokens {sql}", params)
    return BoardLink(*rows[0]) if rows else None


def create_link(store, label: str, scope: str | None = None, lang: str | None = None,
                rotate_seconds: int | None = None, now: datetime | None = None) -> tuple[str, BoardLink]:
    """A new link: (the token, shown once and never stored; the stored link). Admins only; every
    value is checked first and the whole link is refused with the reason."""
    actor = viewer_of(store)
    require(actor, "users")
    label = (label or "").strip()
    if not label or len(label) > 80:
        raise BoardLinkError("A board link needs a label of 1 to 80 characters.",
                             hint="Name the screen, e.g. 'Shanghai office lobby'.")
    scope = (scope or "").strip() or None
    known = base_store(store)
    if scope and not known.scalar("SELECT count(*) FROM territories WHERE territory_id = ?", [scope]):
        raise BoardLinkError(f"There is no territory '{scope}'.",
                             hint="Give a territory_id of the territories table, or no scope for the company.")
    if lang is not None and lang not in LANGUAGES:
        raise BoardLinkError(f"'{lang}' is not a language of Terrain.", hint=f"Use one of: {', '.join(LANGUAGES)}.")
    if rotate_seconds is not None and not ROTATE_RANGE[0] <= int(rotate_seconds) <= ROTATE_RANGE[1]:
        raise BoardLinkError(f"A rotation of {rotate_seconds} seconds is out of range.",
                             hint=f"Use {ROTATE_RANGE[0]} to {ROTATE_RANGE[1]} seconds.")
    token = secrets.token_urlsafe(32)
    link = BoardLink(token_hash(token), label, scope, lang, None if rotate_seconds is None else int(rotate_seconds),
                     actor.name, now or datetime.now())
    frame = pl.DataFrame([{name: getattr(link, name) for name in BoardLink.__dataclass_fields__}],
                         schema={"token_sha256": pl.String, "label": pl.String, "scope": pl.String,
                                 "lang": pl.String, "rotate_seconds": pl.Int32, "created_by": pl.String,
                                 "created_at": pl.Datetime("us"), "revoked_at": pl.Datetime("us"),
                                 "revoked_by": pl.String, "last_seen_at": pl.Datetime("us")})
    # Not a data change: a new link must not make every cached figure reload.
    with known.transaction(data_changed=False) as tx:
        tx.insert_frame("board_tokens", frame)
    return token, link


def list_links(store) -> pl.DataFrame:
    """Every link, newest first: LINK_COLUMNS (never a token, nor its full hash). Admins only."""
    require(viewer_of(store), "users")
    frame = base_store(store).query(
        "SELECT substr(token_sha256, 1, 12) AS link_id, label, scope, lang, rotate_seconds, created_by, "
        "created_at, revoked_at, revoked_by, last_seen_at FROM board_tokens ORDER BY created_at DESC, label")
    return frame.select(LINK_COLUMNS)


def revoke_link(store, link_id: str, now: datetime | None = None) -> BoardLink:
    """Revoke the link whose id (LINK_COLUMNS' `link_id`, or a longer prefix of its hash) is
    `link_id`. Admins only; revoking twice keeps the first revocation."""
    actor = viewer_of(store)
    require(actor, "users")
    wanted = (link_id or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{12,64}", wanted):
        raise BoardLinkError(f"'{link_id}' is not a board link id.",
                             hint="Give the 12-character id that `users board-link list` shows.")
    known = base_store(store)
    matches = known.rows("SELECT token_sha256 FROM board_tokens WHERE starts_with(token_sha256, ?)", [wanted])
    if len(matches) != 1:
        raise BoardLinkError(f"{'No' if not matches else 'More than one'} board link has the id '{link_id}'.",
                             hint="`users board-link list` shows the ids.")
    with known.transaction(data_changed=False) as tx:
        tx.execute("UPDATE board_tokens SET revoked_at = ?, revoked_by = ? WHERE token_sha256 = ? "
                   "AND revoked_at IS NULL", [now or datetime.now(), actor.name, matches[0][0]])
    return _row(known, "WHERE token_sha256 = ?", [matches[0][0]])


def verify(store, token: str | None, now: datetime | None = None) -> BoardLink:
    """The link of `token`; BoardLinkRevoked for a revoked one, BoardLinkError for anything else
    (malformed, unknown). Notes when the link was last seen, at most once a minute."""
    if not token or not _TOKEN.fullmatch(token):
        raise BoardLinkError("This board link is not valid.", hint="Ask an admin for a new board link.")
    known = base_store(store)
    link = _row(known, "WHERE token_sha256 = ?", [token_hash(token)])
    if link is None:
        raise BoardLinkError("This board link is not valid.", hint="Ask an admin for a new board link.")
    if link.revoked:
        error = BoardLinkRevoked("This board link was revoked.", hint="Ask an admin for a new board link.")
        error.link = link
        raise error
    now = now or datetime.now()
    if link.last_seen_at is None or now - link.last_seen_at >= _SEEN_EVERY:
        with known.transaction(data_changed=False) as tx:
            tx.execute("UPDATE board_tokens SET last_seen_at = ? WHERE token_sha256 = ?", [now, link.token_sha256])
    return link
