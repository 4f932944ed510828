"""`python -m engine territory ...` and `report duplicates|unowned`: exit codes, output, the changes made."""
from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.store import Store
from tests.conftest import database_file, fill_tiny_company


@pytest.fixture
def db(tmp_path):
    return str(database_file(tmp_path / "t.duckdb", fill_tiny_company))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_move_rename_retire_and_member(db, capsys):
    assert _run(capsys, "territory", "add", "Nordics", "--parent", "EMEA", "--db", db, "--actor", "ops") == (
        0, "added T-NORDICS\n", "")
    assert _run(capsys, "territory", "move", "T-NORDICS", "--parent", "Company", "--db", db)[0] == 0
    assert _run(capsys, "territory", "rename", "T-NORDICS", "Nordics & Baltics", "--db", db)[0] == 0
    code, out, _ = _run(capsys, "territory", "retire", "US West", "--to", "AM-E", "--db", db, "--actor", "ops")
    assert (code, out) == (0, "retired AM-W into AM-E: 3 accounts, 0 open deals, 4 closed deals, 0 targets, 0 rules, "
                              "0 children, 1 members\n")
    assert _run(capsys, "territory", "member", "add", "DACH", "Ada West", "--role", "overlay", "--db", db)[0] == 0
    assert _run(capsys, "territory", "member", "owner", "EU-DE", "R1", "--previous-role", "none", "--db", db)[0] == 0
    code, out, _ = _run(capsys, "territory", "member", "list", "EU-DE", "--db", db, "--format", "json")
    assert json.loads(out) == [{"territory_id": "EU-DE", "territory": "DACH", "rep_id": "R1", "rep": "Ada West",
                                "role": "owner", "lead": True}]
    code, out, _ = _run(capsys, "territory", "list", "--db", db)
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["CO", "AM", "AM-E", "EU", "EU-DE", "T-NORDICS"]
    store = Store.open(db)
    assert store.rows("SELECT action, actor FROM territory_changes ORDER BY ts") == [
        ("add", "ops"), ("move", None), ("rename", None), ("retire", "ops"), ("member", None), ("owner", None)]
    store.close()


@pytest.mark.parametrize("argv, message", [
    (["territory", "move", "AM", "--parent", "AM-W"], "one of its own sub-territories"),
    (["territory", "retire", "AM-W", "--to", "Nowhere"], "no territory with id or name 'Nowhere'"),
    (["territory", "member", "add", "AM-W"], "needs a territory and a rep"),
    (["territory", "give", "A1"], "Choose a rep, a territory or both"),
])
def test_refusals_exit_2_with_the_reason(db, capsys, argv, message):
    code, _, err = _run(capsys, *argv, "--db", db)
    assert code == 2 and message in err


def test_report_duplicates_and_unowned_then_fix_them(db, capsys):
    store = Store.open(db)
    store.execute("UPDATE accounts SET name = 'ACME, Inc.', owner_rep_id = 'R2' WHERE account_id = 'A2'")
    store.execute("UPDATE accounts SET owner_rep_id = NULL, territory_id = NULL WHERE account_id = 'A6'")
    store.close()
    code, out, _ = _run(capsys, "report", "duplicates", "--db", db)
    assert out.splitlines()[1:] == ["A1,A1,Acme,R1,Ada West,AM-W,US West,,name,,2,2,R1",
                                    "A1,A2,\"ACME, Inc.\",R2,Bo East,AM-W,US West,,name,,2,2,R1"]
    code, out, _ = _run(capsys, "report", "unowned", "--db", db, "--format", "json")
    assert [(r["account_id"], r["missing"]) for r in json.loads(out)] == [("A6", "both")]
    assert _run(capsys, "territory", "merge", "A1", "A2", "--db", db)[1] == "merged 2 accounts: 1 changed owner or territory\n"
    assert _run(capsys, "territory", "give", "--unowned", "any", "--rep", "R3", "--territory", "EU-DE", "--db", db)[1] == \
        "assigned 1 accounts\n"
    assert json.loads(_run(capsys, "report", "unowned", "--db", db, "--format", "json")[1]) == []
    assert _run(capsys, "report", "duplicates", "--db", db)[1].count("\n") == 3  # still listed, now one owner


def test_share_and_pool_from_the_command_line(db, capsys):
    assert _run(capsys, "territory", "share", "add", "A1", "DACH", "--db", db)[1] == "EU-DE supports A1\n"
    code, out, _ = _run(capsys, "territory", "share", "list", "--db", db, "--format", "json")
    assert [(r["account_id"], r["lead_territory_id"], r["supporting_territory_id"]) for r in json.loads(out)] == [
        ("A1", "AM-W", "EU-DE")]
    store = Store.open(db)
    store.execute("INSERT INTO reps (rep_id, name, role, skills) VALUES ('S1', 'Sol', 'specialist', ['Analytics'])")
    store.close()
    assert _run(capsys, "territory", "pool", "priority", "EMEA", "--priority", "1", "--db", db)[1] == \
        "EU pool priority 1\n"
    assert _run(capsys, "territory", "pool", "request", "D10", "--skill", "Analytics", "--urgency", "3",
                "--db", db)[1] == "queued RQ0001\n"
    assert _run(capsys, "territory", "pool", "request", "D5", "--skill", "Analytics", "--db", db)[1] == "queued RQ0002\n"
    assert _run(capsys, "territory", "pool", "allocate", "--db", db)[1] == "allocated 2 of 2 queued requests\n"
    code, out, _ = _run(capsys, "territory", "pool", "list", "--db", db, "--format", "json")
    rows = {r["request_id"]: r for r in json.loads(out)}
    assert rows["RQ0001"]["reason"] == ("#1 in the queue (urgency 3, region priority 1, deal $1.3K); knows Analytics, "
                                        "the least booked (0 of 3) from another region.")
    assert _run(capsys, "territory", "pool", "release", "RQ0001", "--db", db)[1] == "released RQ0001\n"
    assert _run(capsys, "territory", "pool", "release", "RQ0001", "--db", db)[0] == 2


def test_suggest_lists_three_candidates_and_confirms_one(db, capsys):
    store = Store.open(db)
    store.execute("UPDATE accounts SET owner_rep_id = NULL, territory_id = NULL WHERE account_id = 'A5'")
    store.close()
    code, out, _ = _run(capsys, "territory", "suggest", "A5", "--db", db)
    assert out.splitlines() == [
        "rank,rep_id,rep,score,territory_id,territory,held,capacity,reasons",
        "1,R1,Ada West,6.42,AM-W,US West,2,50,Sits in US West; Holds 2 accounts in US; Room for 48 more accounts (2 of 50)",
        "2,R2,Bo East,3.42,AM-E,US East,2,50,Holds 2 accounts in US; Room for 48 more accounts (2 of 50)",
        "3,R3,Carla Berlin,1.96,EU-DE,DACH,1,50,Room for 49 more accounts (1 of 50)"]
    assert _run(capsys, "territory", "suggest", "A5", "--confirm", "2", "--db", db, "--actor", "mgr")[1] == \
        "gave A5 to R2 in AM-E\n"
    store = Store.open(db)
    assert store.rows("SELECT to_rep, to_territory, reason, actor FROM assignment_log") == [("R2", "AM-E", "suggestion", "mgr")]
    store.close()
