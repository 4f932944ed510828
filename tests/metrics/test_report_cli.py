"""`python -m engine report`: the contract columns, rounding, formats and errors, on the seed company."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.cli import main
from engine.store import Store
from tests.conftest import REPO
from tests.metrics.conftest import fill_seed_company


@pytest.fixture
def seed_db(tmp_path):
    path = tmp_path / "seed.duckdb"
    store = Store.open(path)
    fill_seed_company(store)
    store.close()
    return str(path)


def test_shares_csv_is_the_seed(seed_db, capsys):
    assert main(["report", "shares", "--db", seed_db, "--period", "2024"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "name,won,share", "North America,291700.0,0.2917", "APAC,166700.0,0.1667", "EMEA,166700.0,0.1667",
        "Greater China,125000.0,0.125", "LATAM,125000.0,0.125", "Middle East,125000.0,0.125"]


def test_attainment_json_by_rep_has_the_contract_columns(seed_db, capsys):
    assert main(["report", "attainment", "--db", seed_db, "--period", "2024-Q2", "--by", "rep", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert list(rows["Ann Lee"]) == ["name", "target", "won", "attainment", "gap", "pipeline", "win_rate",
                                     "weighted_forecast", "projected", "coverage"]
    assert (rows["Ann Lee"]["attainment"], rows["Ben Ortiz"]["gap"]) == (1.3333, 800.0)


def test_territory_report_and_scope(seed_db, capsys):
    assert main(["report", "attainment", "--db", seed_db, "--period", "2024", "--by", "territory",
                 "--scope", "NA"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["US West", "US East"]
    assert lines[1].split(",")[1:3] == ["156000.0", "200000.0"]


def test_bad_period_is_refused_with_a_hint(seed_db, capsys):
    assert main(["report", "shares", "--db", seed_db, "--period", "2024-13"]) == 2
    assert "Months run from 01 to 12" in capsys.readouterr().err


def test_the_module_entry_point_prints_a_report(seed_db):
    done = subprocess.run([sys.executable, "-m", "engine", "report", "shares", "--db", seed_db, "--period", "2024-Q1"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == ["name,won,share", "EMEA,166700.0,0.5715", "LATAM,125000.0,0.4285"]


def test_cli_and_app_open_on_the_same_default_period(tmp_path, capsys):
    """Without --period, `report` prints the fiscal quarter containing "now" (the data's last day),
    which is also what the app's sidebar opens on (tests/app/test_shell.py): one engine function."""
    from engine.metrics.performance import default_period
    from tests.conftest import fill_tiny_company

    path = tmp_path / "tiny.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    assert default_period(store).code == "2024-Q2"  # the tiny company's last closed deal: 1 Jun 2024
    store.close()
    assert main(["report", "attainment", "--db", str(path), "--by", "company"]) == 0
    default = capsys.readouterr().out
    assert main(["report", "attainment", "--db", str(path), "--by", "company", "--period", "2024-Q2"]) == 0
    assert default == capsys.readouterr().out
    # Q2 2024: won D4 (2,000) + D7 (4,000) + D8 (2,750); targets 3 × (1,000 + 500 + 400)
    assert default.splitlines()[1].startswith("Company,5700.0,8750.0,1.5351")
