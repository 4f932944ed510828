"""`python -m engine import`: summary per file and exit codes 0 / 1 / 2."""
from __future__ import annotations

from engine.cli import main
from engine.store import Store
from tests.importing.conftest import BROKEN, SALESFORCE


def test_import_prints_a_summary_and_exits_0(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    code = main(["import", str(SALESFORCE / "Opportunity.csv"), str(SALESFORCE / "Account.csv"), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Opportunity.csv" in out and "salesforce" in out and "deals" in out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.endswith(" 0")}
    assert lines["Opportunity.csv"] == ["salesforce", "deals", "50", "50", "0"]
    assert lines["Account.csv"] == ["salesforce", "accounts", "22", "22", "0"]
    store = Store.open(db)
    assert store.count("deals") == 50
    store.close()


def test_import_with_problems_exits_1_and_lists_them(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    assert main(["import", str(BROKEN / "unparseable_dates.csv"), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "unparseable_dates.csv, row 3, column 'CloseDate': is not a date (value '31/31/2024')" in err
    assert main(["import", "--skip-invalid", str(BROKEN / "unparseable_dates.csv"), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "unparseable_dates.csv" in out and "2" in out


def test_bad_usage_exits_2(tmp_path, capsys):
    db = str(tmp_path / "t.duckdb")
    assert main(["import", str(tmp_path / "missing.csv"), "--db", db]) == 2
    assert main(["import", str(BROKEN / "unknown_stages.csv"), "--map", "nonsense", "--db", db]) == 2
    assert main(["import", str(BROKEN / "unknown_stages.csv"), "--stage", "Verbal Yes=maybe", "--db", db]) == 2
    assert main(["import", str(BROKEN / "unknown_stages.csv"), "--entity", "deals", "--map", "Name=nope",
                 "--db", db]) == 2


def test_map_stage_and_profile_flags(tmp_path, capsys):
    db = str(tmp_path / "t.duckdb")
    path = tmp_path / "odd.csv"
    path.write_text("Ident,Title,Phase,Value,When\nX1,a,Verbal Yes,10,2024-01-01\n")
    args = ["import", str(path), "--entity", "deals", "--map", "Ident=deal_id", "--map", "Title=name",
            "--map", "Phase=stage", "--map", "Value=amount", "--map", "When=close_date",
            "--stage", "Verbal Yes=won", "--save-profile", "odd", "--db", db]
    assert main(args) == 0
    assert "saved mapping profile 'odd'" in capsys.readouterr().out
    path.write_text("Ident,Title,Phase,Value,When\nX1,a,Verbal Yes,25,2024-01-01\n")
    assert main(["import", str(path), "--profile", "odd", "--stage", "Verbal Yes=won", "--db", db]) == 0
    store = Store.open(db)
    assert store.query("SELECT deal_id, amount, status FROM deals").rows() == [("X1", 25.0, "won")]
    store.close()
