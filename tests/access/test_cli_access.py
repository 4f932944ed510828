"""`python -m engine users ...` and `--as-user`: what a user would see, and refused writes exit 2."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from engine.cli import main
from tests.conftest import REPO, database_file, fill_tiny_company

ACCOUNTS = "account_id,name,territory_id,owner_rep_id\nA9,Newco,AM-W,R1\n"


@pytest.fixture
def db(tmp_path):
    path = database_file(tmp_path / "tiny.duckdb", fill_tiny_company)
    for argv, password in ((["boss", "--role", "admin"], "boss-password"),
                           (["ada", "--role", "rep", "--rep", "R1"], "ada-password"),
                           (["vic", "--role", "viewer", "--territory", "EU"], "vic-password"),
                           (["ops", "--role", "sales_ops"], "ops-password")):
        _with_stdin(password + "\n", ["users", "add", *argv, "--password-stdin", "--db", str(path)])
    return path


def _with_stdin(text: str, argv: list[str]) -> int:
    old = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        return main(argv)
    finally:
        sys.stdin = old


def test_users_add_list_passwd_remove(db, capsys):
    capsys.readouterr()
    assert main(["users", "list", "--format", "json", "--db", str(db)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["rep_id"], u["territories"], u["password"]) for u in listed] == [
        ("boss", "admin", None, "", "set"), ("ada", "rep", "R1", "", "set"), ("vic", "viewer", None, "EU", "set"),
        ("ops", "sales_ops", None, "", "set")]
    text = (db.parent / "tiny.users.json").read_text()
    assert "ada-password" not in text and "boss-password" not in text
    assert _with_stdin("a-new-password\n", ["users", "passwd", "ada", "--password-stdin", "--db", str(db)]) == 0
    assert main(["users", "remove", "vic", "--db", str(db)]) == 0
    assert "Removed vic." in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["users", "add", "eve", "--role", "rep", "--rep", "R7", "--password-stdin"], "There is no rep 'R7'"),
    (["users", "add", "eve", "--role", "viewer", "--territory", "MARS", "--password-stdin"], "There is no territory MARS"),
    (["users", "add", "ada", "--role", "rep", "--rep", "R1", "--password-stdin"], "There is already a user 'ada'."),
    (["users", "remove", "nobody"], "There is no user 'nobody'."),
    (["users", "add", "eve", "--role", "admin", "--password-stdin", "--as-user", "ops"], "ops (sales_ops) may not manage users"),
    (["report", "shares", "--as-user", "nobody"], "There is no user 'nobody'"),
])
def test_bad_user_commands_exit_2_with_a_reason(db, capsys, argv, message):
    assert _with_stdin("long-enough-pw\n", [*argv, "--db", str(db)]) == 2
    assert message in capsys.readouterr().err


def test_report_as_a_user_is_what_they_would_see(db, capsys):
    capsys.readouterr()
    assert main(["report", "attainment", "--by", "territory", "--period", "2024", "--format", "json", "--db", str(db)]) == 0
    everyone = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert main(["report", "attainment", "--by", "territory", "--period", "2024", "--format", "json",
                 "--as-user", "ada", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == [everyone["US West"]]
    assert main(["report", "shares", "--by", "company", "--period", "2024", "--as-user", "vic", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == ["name,won,share", f"Company,{everyone['DACH']['won']},1.0"]
    assert main(["report", "shares", "--by", "territory", "--period", "2024", "--scope", "EU-DE",
                 "--as-user", "ada", "--db", str(db)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[1:] == [f"US West,{everyone['US West']['won']},1.0"]
    assert "ada does not see EU-DE; showing their own territories instead." in out.err


def test_a_forbidden_write_is_refused_with_exit_2_and_a_permitted_one_is_recorded(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(ACCOUNTS)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    refused = subprocess.run([sys.executable, "-m", "engine", "import", str(path), "--entity", "accounts",
                              "--db", str(db), "--as-user", "vic"], cwd=REPO, capture_output=True, text=True, env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("error: vic (viewer) may not import data. "
                                      "Ask an admin or sales ops to do it, or to change your role.")
    for argv in (["demo", "--force"], ["scenario", "delete", "S0001"]):
        assert main([*argv, "--db", str(db), "--as-user", "ada"]) == 2
    assert main(["import", str(path), "--entity", "accounts", "--db", str(db), "--as-user", "ops"]) == 0
    from engine.store import Store

    store = Store.open(db)
    try:
        assert store.rows("SELECT file_name, actor FROM imports") == [("accounts.csv", "ops")]
    finally:
        store.close()
