"""Read-only board links: created by an admin, stored as a hash only, verified, limited to their
scope through the engine's visibility, revocable, and never allowed a write."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest

from engine.access.board_links import (BoardLinkError, BoardLinkRevoked, board_viewer, create_link, list_links,
                                       revoke_link, verify)
from engine.access.permissions import ACTIONS, PermissionDenied, may
from engine.access.viewer_store import as_viewer
from engine.access.visibility import Viewer, visibility
from engine.board.panels import regions
from engine.metrics.sales_data import sales_data
from tests.conftest import fill_tiny_company

NOON = datetime(2024, 6, 20, 12, 0)


@pytest.fixture
def tiny(store):
    fill_tiny_company(store)
    return store


def test_create_stores_only_the_hash_and_verify_finds_the_link(tiny):
    token, link = create_link(tiny, "Lobby", "EU", "zh", 20, now=NOON)
    assert len(token) >= 40
    stored = tiny.rows("SELECT * FROM board_tokens")
    assert len(stored) == 1
    assert token not in repr(stored)                      # the token itself is nowhere in the table
    assert stored[0][0] == hashlib.sha256(token.encode()).hexdigest()
    found = verify(tiny, token, now=NOON)
    assert (found.label, found.scope, found.lang, found.rotate_seconds, found.created_by) == \
        ("Lobby", "EU", "zh", 20, "local")
    listed = list_links(tiny)
    assert listed["link_id"].to_list() == [link.link_id] and len(link.link_id) == 12
    assert stored[0][0] not in repr(listed.rows())         # the list shows an id, not the full hash


def test_last_seen_is_written_at_most_once_a_minute(tiny):
    token, _ = create_link(tiny, "Lobby", now=NOON)
    version = tiny.data_version()
    verify(tiny, token, now=NOON)
    verify(tiny, token, now=NOON + timedelta(seconds=30))
    assert tiny.scalar("SELECT last_seen_at FROM board_tokens") == NOON
    verify(tiny, token, now=NOON + timedelta(minutes=2))
    assert tiny.scalar("SELECT last_seen_at FROM board_tokens") == NOON + timedelta(minutes=2)
    assert tiny.data_version() == version                  # bookkeeping: no cached figure reloads


@pytest.mark.parametrize("token", [None, "", "short", "x" * 43, "bad token with spaces and more chars", "é" * 30])
def test_unknown_or_malformed_tokens_are_refused(tiny, token):
    create_link(tiny, "Lobby")
    with pytest.raises(BoardLinkError, match="not valid"):
        verify(tiny, token)


def test_revoked_link_is_refused_and_stays_listed(tiny):
    token, link = create_link(tiny, "Lobby", now=NOON)
    revoked = revoke_link(tiny, link.link_id, now=NOON + timedelta(hours=1))
    assert (revoked.revoked_at, revoked.revoked_by) == (NOON + timedelta(hours=1), "local")
    with pytest.raises(BoardLinkRevoked, match="revoked"):
        verify(tiny, token)
    again = revoke_link(tiny, link.link_id, now=NOON + timedelta(hours=2))   # the first revocation stays
    assert again.revoked_at == NOON + timedelta(hours=1)
    assert list_links(tiny)["revoked_by"].to_list() == ["local"]


@pytest.mark.parametrize("kwargs, message", [
    ({"label": ""}, "label"), ({"label": "x" * 81}, "label"),
    ({"label": "L", "scope": "MARS"}, "no territory 'MARS'"),
    ({"label": "L", "lang": "fr"}, "'fr' is not a language"),
    ({"label": "L", "rotate_seconds": 2}, "out of range"), ({"label": "L", "rotate_seconds": 601}, "out of range"),
])
def test_bad_values_are_refused_and_nothing_is_written(tiny, kwargs, message):
    with pytest.raises(BoardLinkError, match=message):
        create_link(tiny, **kwargs)
    assert tiny.count("board_tokens") == 0


@pytest.mark.parametrize("link_id, message", [("zz", "not a board link id"), ("0" * 12, "No board link")])
def test_revoke_names_a_missing_id(tiny, link_id, message):
    with pytest.raises(BoardLinkError, match=message):
        revoke_link(tiny, link_id)


@pytest.mark.parametrize("role", ["sales_ops", "manager", "rep", "viewer", "board"])
def test_only_an_admin_manages_board_links(tiny, role):
    _, link = create_link(tiny, "Lobby")
    someone = as_viewer(tiny, Viewer("x", role, None, ("EU",)))
    for call in (lambda: create_link(someone, "Other"), lambda: list_links(someone),
                 lambda: revoke_link(someone, link.link_id)):
        with pytest.raises(PermissionDenied):
            call()


def test_a_board_viewer_sees_its_scope_only_and_may_write_nothing(tiny):
    _, europe = create_link(tiny, "Berlin", "EU")
    _, company = create_link(tiny, "HQ")
    eu_viewer, all_viewer = board_viewer(europe), board_viewer(company)
    assert not any(may(v, action) for v in (eu_viewer, all_viewer) for action in ACTIONS)
    assert visibility(tiny, eu_viewer).territories == {"EU", "EU-DE"}
    assert visibility(tiny, all_viewer).everything
    seen = sales_data(as_viewer(tiny, eu_viewer))
    assert set(seen.accounts["territory_id"].drop_nulls()) <= {"EU", "EU-DE"}
    assert seen.accounts.height < sales_data(tiny).accounts.height
    # the board's own figures through that store hold Europe only, even asked for the company
    day = date(2024, 6, 20)
    assert regions(as_viewer(tiny, eu_viewer), None, as_of=day)["name"].to_list() == ["EMEA"]
    assert regions(tiny, None, as_of=day).height == 2


def test_a_board_link_to_a_retired_territory_sees_nothing(tiny):
    _, link = create_link(tiny, "Berlin", "EU-DE")
    with tiny.transaction() as tx:
        tx.execute("DELETE FROM territories WHERE territory_id = 'EU-DE'")
    assert visibility(tiny, board_viewer(link)).territories == frozenset()
