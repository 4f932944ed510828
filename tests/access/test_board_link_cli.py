"""`python -m engine users board-link create|list|revoke`: the token printed once, the list
without it, a revoked link refused, bad values and non-admins refused with exit 2."""
from __future__ import annotations

import json

import pytest

from engine.access.board_links import BoardLinkRevoked, verify
from engine.cli import main
from engine.store import Store
from tests.access.test_cli_access import db  # noqa: F401  (the tiny company with four users)


def _token(output: str) -> str:
    line = next(line for line in output.splitlines() if "board?token=" in line)
    return line.split("board?token=", 1)[1]


def test_create_list_revoke(db, capsys):  # noqa: F811
    capsys.readouterr()
    assert main(["users", "board-link", "create", "--label", "Berlin lobby", "--scope", "EU", "--lang", "zh",
                 "--rotate", "30", "--base-url", "http://wall:8501/", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "http://wall:8501/board?token=" in out and "shown only now" in out
    token = _token(out)
    assert main(["users", "board-link", "list", "--format", "json", "--db", str(db)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["label"], r["scope"], r["lang"], r["rotate_seconds"], r["revoked_at"]) for r in listed] == \
        [("Berlin lobby", "EU", "zh", 30, None)]
    assert token not in json.dumps(listed)
    store = Store.open(db)
    try:
        assert verify(store, token).scope == "EU"
    finally:
        store.close()
    assert main(["users", "board-link", "revoke", listed[0]["link_id"], "--db", str(db)]) == 0
    assert "Revoked board link" in capsys.readouterr().out
    store = Store.open(db)
    try:
        with pytest.raises(BoardLinkRevoked):
            verify(store, token)
    finally:
        store.close()


@pytest.mark.parametrize("argv, message", [
    (["create", "--label", "X", "--scope", "MARS"], "no territory 'MARS'"),
    (["create", "--label", "X", "--rotate", "1"], "out of range"),
    (["create", "--label", "X", "--as-user", "ops"], "may not manage users"),
    (["list", "--as-user", "vic"], "may not manage users"),
    (["revoke", "abcdefabcdef"], "No board link"),
])
def test_refusals_exit_2_with_the_reason(db, capsys, argv, message):  # noqa: F811
    capsys.readouterr()
    assert main(["users", "board-link", *argv, "--db", str(db)]) == 2
    assert message in capsys.readouterr().err
