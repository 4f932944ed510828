"""`python -m engine assign` and `report orphans|conflicts`: output, exit codes, rule errors."""
from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.store import Store
from engine.territories.rules import save_rules
from tests.conftest import database_file
from tests.territories.conftest import RULES, fill_rules_company


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path) -> str:
    def fill(store):
        fill_rules_company(store)
        save_rules(store, RULES, actor="ops")
    return str(database_file(tmp_path / "rules.duckdb", fill))


@pytest.fixture
def rules_file(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "rules.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_assign_prints_the_territories_and_exits_1_while_orphans_remain(capsys, db):
    code, out, err = run(capsys, "assign", "--db", db, "--as-of", "2025-01-01")
    assert code == 1
    assert out.splitlines() == [
        "name,accounts_before,accounts_after,won_before,won_after,territory_id",
        "DACH,1,1,2750.0,2750.0,EU-DE", "US East,2,3,2000.0,6000.0,AM-E", "US West,4,3,8000.0,4000.0,AM-W",
        "Unassigned,1,1,0.0,0.0,"]
    assert "1 account(s) change territory or owner" in err and "2 orphan(s), 1 tie(s), 1 dead rule(s)" in err
    with _open(db) as store:
        assert store.count("assignment_log") == 0  # a simulation writes nothing


class _open:
    def __init__(self, path):
        self.store = Store.open(path)

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def test_assign_json_has_the_contract_lists(capsys, db):
    code, out, _ = run(capsys, "assign", "--db", db, "--format", "json", "--as-of", "2025-01-01")
    assert code == 1
    data = json.loads(out)
    assert data["territories"][1] == {"name": "US East", "accounts_before": 2, "accounts_after": 3,
                                      "won_before": 2000.0, "won_after": 6000.0, "territory_id": "AM-E"}
    assert [o["account_id"] for o in data["orphans"]] == ["A7", "A8"]
    assert data["orphans"][1]["field"] == "state" and data["orphans"][1]["reason"] == "unexpected"
    assert data["ties"] == [{"account_id": "A2", "name": "Globex", "rule_ids": "R1, R7", "territory_ids": "AM-W, AM-E",
                             "winner_rule_id": "R1"}]
    assert [r["rule_id"] for r in data["dead_rules"]] == ["R5"]
    assert [(c["account_id"], c["to_territory"], c["rule_id"]) for c in data["changes"]] == [("A5", "AM-E", "R4")]
    assert [d["deal_id"] for d in data["deal_moves"]] == ["D10"] and data["applied"] is None


def test_apply_then_undo(capsys, db):
    code, _, err = run(capsys, "assign", "--db", db, "--apply", "--actor", "ana")
    assert code == 1 and "applied as run A00001: 1 account(s), 1 deal(s)" in err
    code, out, _ = run(capsys, "assign", "--db", db, "--format", "json")
    assert json.loads(out)["changes"] == []
    code, _, err = run(capsys, "assign", "--db", db, "--undo")
    assert code == 0 and "undid run A00001" in err
    code, _, err = run(capsys, "assign", "--db", db, "--undo")
    assert code == 2 and "No rule run is left to undo" in err


def test_a_rules_file_without_orphans_or_ties_exits_0_and_is_stored_on_apply(capsys, db, rules_file):
    path = rules_file('territory,priority,expression\nUS West,10,"country == ""US"" and state in [""CA"", ""TX""]"\n'
                      'US East,10,state == "NY"\nDACH,10,country == "DE"\nUS West,20,country is empty\n')
    code, _, err = run(capsys, "assign", "--db", db, "--rules", path)
    assert code == 0 and "0 orphan(s), 0 tie(s)" in err
    code, _, _ = run(capsys, "assign", "--db", db, "--rules", path, "--apply")
    assert code == 0
    with _open(db) as store:
        assert store.count("territory_rules") == 4
        assert store.scalar("SELECT territory_id FROM accounts WHERE account_id = 'A7'") == "AM-W"


def test_a_rule_error_exits_2_with_its_position(capsys, db, rules_file):
    path = rules_file('territory,priority,expression\nUS West,10,country == "US" and stat == "CA"\n')
    code, out, err = run(capsys, "assign", "--db", db, "--rules", path)
    assert code == 2 and out == ""
    assert "rules.csv row 2: There is no field 'stat' (column 21)" in err
    assert '  country == "US" and stat == "CA"\n                      ^' in err
    assert "Did you mean 'state'?" in err and "Valid fields: account_id (text)" in err


def test_bad_usage_exits_2(capsys, db):
    with pytest.raises(SystemExit) as exited:
        main(["assign", "--db", db, "--apply", "--undo"])
    assert exited.value.code == 2
    code, _, err = run(capsys, "assign", "--db", db, "--rules", "/nonexistent/rules.csv")
    assert code == 2 and "could not be read" in err


def test_report_orphans_and_conflicts(capsys, db):
    code, out, _ = run(capsys, "report", "orphans", "--db", db)
    assert code == 0
    assert out.splitlines() == ["account_id,name,territory_id,field,value,reason", "A7,Nowhere Ltd,,country,,empty",
                                "A8,Lone Star LLC,AM-W,state,TX,unexpected"]
    code, out, _ = run(capsys, "report", "conflicts", "--db", db, "--format", "json")
    assert json.loads(out) == [{"account_id": "A2", "name": "Globex", "rule_ids": "R1, R7",
                                "territory_ids": "AM-W, AM-E", "winner_rule_id": "R1"}]
