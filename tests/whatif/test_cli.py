"""`python -m engine whatif` and `python -m engine scenario ...`: output, exit codes, error messages."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.cli import main
from tests.conftest import REPO
from tests.whatif.conftest import LONDON, LYON
from tests.whatif.test_engine import great_circle

CONTRACT = ("name,accounts_before,accounts_after,won_before,won_after,pipeline_before,pipeline_after,"
            "travel_km_before,travel_km_after")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def moves_file(tmp_path):
    def write(text: str, name: str = "moves.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_whatif_prints_the_contract_columns(capsys, planner_db, moves_file):
    path = moves_file("account_id,to_territory\nA07,France\nA09,FR\n")
    code, out, _ = run(capsys, "whatif", "--db", planner_db, "--moves", path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == CONTRACT
    rows = {line.split(",")[0]: line.split(",")[1:7] for line in lines[1:]}
    assert rows["Germany"] == ["3", "1", "7900.0", "0.0", "100.0", "0.0"]
    assert rows["France"] == ["3", "5", "3000.0", "10900.0", "1000.0", "1100.0"]
    assert rows["Unassigned"] == ["1", "1", "0.0", "0.0", "50.0", "50.0"]


def test_whatif_units_reps_and_json(capsys, planner_db, moves_file):
    path = moves_file("unit,value,to_territory,to_rep\nstate,ENG,DE,\ncity,Lyon,,Ben\n")
    code, out, _ = run(capsys, "whatif", "--db", planner_db, "--moves", path, "--format", "json",
                       "--as-of", "2025-01-01")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert (rows["Germany"]["accounts_after"], rows["Germany"]["won_after"]) == (6, 12500.0)
    assert rows["United Kingdom"]["accounts_after"] == 0 and rows["United Kingdom"]["travel_km_after"] is None
    assert rows["France"]["accounts_after"] == 3  # Lyon changes rep, not territory
    # Lyon is now measured from Ben's home in London; Paris accounts stay 0 km from Ana's.
    assert rows["France"]["travel_km_after"] == pytest.approx(great_circle(LONDON, LYON) / 3, abs=0.05)


def test_whatif_default_as_of_is_the_day_after_the_last_won_deal(capsys, planner_db, moves_file):
    # The data ends in 2025 (> a year before today): the window is [2024-01-02, 2025-01-02), so
    # D07 (won 2024-01-01) drops out and D08 (won 2025-01-01) comes in: UK 600 + 5,000.
    code, out, _ = run(capsys, "whatif", "--db", planner_db, "--moves", moves_file("account_id,to_rep\nA01,R1\n"))
    assert code == 0 and "United Kingdom,3,3,5600.0,5600.0," in out


def test_whatif_bad_file_names_every_problem(capsys, planner_db, moves_file):
    path = moves_file("account_id,to_territory,to_rep\nA01,Atlantis,\nB99,FR,\nA02,FR,Zed\nA02,UK,\n,,\n",
                      name="plan.csv")
    code, out, err = run(capsys, "whatif", "--db", planner_db, "--moves", path)
    assert code == 1 and out == ""
    assert "plan.csv, row 2, column 'to_territory': There is no territory 'Atlantis'." in err
    assert "plan.csv, row 3, column 'account_id': no account has this id (value 'B99')" in err
    assert "plan.csv, row 4, column 'to_rep': There is no rep 'Zed'." in err
    assert "plan.csv, row 5, column 'account_id': the account is moved twice (also row 4)" in err
    assert "plan.csv, row 6, column 'to_territory': give a territory, a rep, or both" in err


@pytest.mark.parametrize("text, words", [
    ("account,territory\nA01,FR\n", "column 'to_territory': the file needs a to_territory or a to_rep column"),
    ("unit,value,to_territory\ngalaxy,x,FR\n", "row 2, column 'unit': use one of postal_code, city, state, country"),
    ("unit,value,to_territory\ncity,Atlantis,FR\n", "row 2, column 'value': no account has city 'Atlantis'"),
])
def test_whatif_file_shape_problems(capsys, planner_db, moves_file, text, words):
    code, _, err = run(capsys, "whatif", "--db", planner_db, "--moves", moves_file(text))
    assert code == 1 and words in err


def test_whatif_missing_file_is_usage_error(capsys, planner_db, tmp_path):
    code, _, err = run(capsys, "whatif", "--db", planner_db, "--moves", str(tmp_path / "none.csv"))
    assert code == 2 and "does not exist" in err


def test_scenario_lifecycle(capsys, planner_db, moves_file, tmp_path):
    path = moves_file("account_id,to_territory\nA07,France\nA09,FR\n")
    code, _, err = run(capsys, "whatif", "--db", planner_db, "--moves", path, "--save", "Berlin", "--author", "ops")
    assert code == 0 and "Saved scenario S0001 'Berlin': 2 account(s)." in err
    code, out, _ = run(capsys, "scenario", "list", "--db", planner_db, "--format", "json")
    assert [(s["scenario_id"], s["name"], s["author"], s["accounts"], s["status"]) for s in json.loads(out)] == [
        ("S0001", "Berlin", "ops", 2, "draft")]
    code, out, _ = run(capsys, "scenario", "show", "S0001", "--db", planner_db, "--accounts")
    assert out == "account_id,to_territory_id,to_rep_id\nA07,FR,R1\nA09,FR,R1\n"
    code, out, _ = run(capsys, "scenario", "show", "S0001", "--db", planner_db)
    assert out.splitlines()[0] == CONTRACT and "France,3,5,3000.0,10900.0" in out
    code, out, _ = run(capsys, "scenario", "compare", "S0001", "--db", planner_db)
    assert code == 0 and out.splitlines()[2].startswith("S0001,Berlin,2,")
    target = tmp_path / "sf.csv"
    code, _, _ = run(capsys, "scenario", "export", "S0001", "--crm", "salesforce", "--out", str(target), "--db", planner_db)
    assert code == 0 and target.read_bytes() == b"Id,OwnerId\nA07,R1\nA09,R1\n"
    code, out, _ = run(capsys, "scenario", "apply", "S0001", "--actor", "lead", "--db", planner_db)
    assert (code, out) == (0, "Applied scenario S0001: 2 account(s) reassigned.\n")
    code, _, err = run(capsys, "scenario", "apply", "S0001", "--db", planner_db)
    assert code == 2 and "already applied" in err
    code, out, _ = run(capsys, "scenario", "undo", "S0001", "--db", planner_db)
    assert (code, out) == (0, "Undid scenario S0001: 2 account(s) restored.\n")
    code, out, _ = run(capsys, "scenario", "delete", "S0001", "--db", planner_db)
    assert (code, out) == (0, "Deleted scenario S0001.\n")
    code, _, err = run(capsys, "scenario", "show", "S0001", "--db", planner_db)
    assert code == 2 and "There is no scenario 'S0001'" in err


def test_cli_runs_as_a_module(planner_db, moves_file):
    path = moves_file("account_id,to_territory\nA01,UK\n")
    done = subprocess.run([sys.executable, "-m", "engine", "whatif", "--db", planner_db, "--moves", path],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == CONTRACT
