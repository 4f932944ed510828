"""Nothing is lost or stored quietly: a record id in two files of one import, control characters
in cells, a file name that is not UTF-8, and the import's temporary files."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import tomllib

from engine.cli import main
from engine.importing import Limits, TempFiles, import_files, plan_files, sweep_stale
from engine.store import Store
from engine.store.errors import ImportFailed, TerrainError
from engine.store.settings import SETTINGS, load_settings
from tests.conftest import REPO


def _accounts(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("Id,Name\n" + "".join(f"{i},{n}\n" for i, n in rows), encoding="utf-8")
    return path


def test_the_same_record_id_in_two_files_is_a_problem_naming_both(tmp_path):
    first = _accounts(tmp_path / "accounts_a.csv", [("001A", "Acme"), ("001B", "Beta")])
    second = _accounts(tmp_path / "accounts_b.csv", [("001C", "Gamma"), ("001B", "Beta Ltd")])
    store = Store.open(":memory:")
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [first, second], reporting_currency="USD", entity="accounts")
    [problem] = failure.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("accounts_b.csv", 3, "Id", "001B")
    assert "also on row 3 of accounts_a.csv" in problem.reason
    assert store.count("accounts") == 0
    result = import_files(store, [first, second], reporting_currency="USD", entity="accounts", skip_invalid=True)
    summary = {r["file"]: (r["rows_loaded"], r["rows_rejected"], r["status"]) for r in result.files.iter_rows(named=True)}
    assert summary == {"accounts_a.csv": (2, 0, "loaded"), "accounts_b.csv": (1, 1, "partial")}
    assert sorted(store.table("accounts", ["account_id", "name"]).iter_rows()) == [
        ("001A", "Acme"), ("001B", "Beta"), ("001C", "Gamma")]
    store.close()


def test_nul_and_control_characters_are_removed_with_a_note_saying_where(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"Id,Name,BillingCity\n001A,Acme\x00 Corp,Paris\n001B,Beta,Ly\x07on\x1b\n001C,Gamma,Rome\n")
    store = Store.open(":memory:")
    result = import_files(store, [path], reporting_currency="USD", entity="accounts")
    assert sorted(store.table("accounts", ["account_id", "name", "city"]).iter_rows()) == [
        ("001A", "Acme Corp", "Paris"), ("001B", "Beta", "Lyon"), ("001C", "Gamma", "Rome")]
    notes = [w for w in result.warnings if "control characters" in w]
    assert notes == [
        "accounts.csv: removed control characters (such as NUL) from 1 cell of column 'Name', first on row 2; "
        "they are not text",
        "accounts.csv: removed control characters (such as NUL) from 1 cell of column 'BillingCity', first on "
        "row 3; they are not text"]
    store.close()


def test_a_file_name_that_is_not_utf8_gets_a_clear_message(tmp_path, capsys):
    name = os.fsdecode(b"caf\xe9.csv")  # as sys.argv holds it: 'caf\udce9.csv'
    assert main(["import", str(tmp_path / name), "--db", str(tmp_path / "t.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "the file name" in err and "caf\\xe9.csv is not valid UTF-8" in err and "rename the file" in err
    with pytest.raises(TerrainError, match="not valid UTF-8"):
        plan_files([tmp_path / name])


def test_a_file_name_that_is_not_utf8_from_a_real_command_line(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"caf\xe9.csv")
    with open(path, "wb") as out:
        out.write(b"Id,Name\n001A,Acme\n")
    done = subprocess.run([sys.executable, "-m", "engine", "import", path, "--db", str(tmp_path / "t.duckdb")],
                          cwd=REPO, capture_output=True)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr and b"is not valid UTF-8" in done.stderr


def test_an_import_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes("Id,Name\n001A,Müller\n".encode("cp1252"))  # transcoded to a temporary UTF-8 copy
    before = set(Path(tempfile.gettempdir()).glob(f"terrain-{os.getpid()}-*"))
    store = Store.open(":memory:")
    import_files(store, [path], reporting_currency="USD", entity="accounts")
    with pytest.raises(ImportFailed):
        import_files(store, [_accounts(tmp_path / "bad.csv", [("", "")])], reporting_currency="USD",
                     entity="accounts")
    store.close()
    assert set(Path(tempfile.gettempdir()).glob(f"terrain-{os.getpid()}-*")) == before


def test_start_up_sweeps_the_folders_of_processes_that_are_gone(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    stale = tmp_path / f"terrain-{dead_pid}-abc"
    (stale / "upload").mkdir(parents=True)
    (stale / "upload" / "customers.csv").write_text("someone else's data")
    alive = tmp_path / f"terrain-{os.getppid()}-def"  # a live process's import: not ours to remove
    alive.mkdir()
    unrelated = tmp_path / "terrain-notes"
    unrelated.mkdir()
    assert sweep_stale(str(tmp_path)) == 1
    assert not stale.exists() and alive.exists() and unrelated.exists()


def test_a_plan_removes_its_folder_when_closed(tmp_path):
    temp = TempFiles()
    upload = temp.root / "1" / "accounts.csv"
    upload.parent.mkdir()
    _accounts(upload, [("001A", "Acme")])
    plan = plan_files([("accounts.csv", upload)], temp=temp)
    assert plan.files[0].table.frame is not None and temp.root.exists()
    plan.close()
    assert not temp.root.exists()


def test_the_upload_limit_of_the_server_is_the_setting():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    default = next(s.default for s in SETTINGS if s.env == "TERRAIN_MAX_UPLOAD_MB")
    assert config["server"]["maxUploadSize"] == default


def test_on_the_command_line_a_big_text_file_is_checked_in_process_with_the_same_result(tmp_path):
    path = tmp_path / "accounts.csv"
    rows = [(f"00{n:06d}", f"Account {n}") for n in range(60_000)] + [("00000005", "Again")]
    _accounts(path, rows)  # ~1.2 MB
    outcomes = []
    for limits in (Limits(), Limits(in_process_mb=1)):
        plan = plan_files([path], entity="accounts", limits=limits)
        assert plan.files[0].table.in_process == bool(limits.in_process_mb)
        plan.close()
        store = Store.open(":memory:")
        with pytest.raises(ImportFailed) as failure:
            import_files(store, [path], reporting_currency="USD", entity="accounts", limits=limits)
        outcomes.append(failure.value.problems)
        store.close()
    assert outcomes[0] == outcomes[1] and [(p.row, p.column) for p in outcomes[0]] == [(60_002, "Id")]
    assert Limits.from_settings(load_settings({}), command_line=True).in_process_mb == 16
    assert Limits.from_settings(load_settings({})).in_process_mb == 0  # the app: always the worker
