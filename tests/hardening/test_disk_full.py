"""Disk full during an import (issue 12): a clear error and no traceback, the database as before and
not grown, and a later small import works."""
from __future__ import annotations

import errno
import os
import random
import subprocess
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import duckdb
import polars as pl
import pytest

import engine.store.database as database
from engine.store import space
from engine.cli import main
from engine.store import Store
from engine.store.errors import DiskFullError
from tests.conftest import fill_tiny_company

HEADER = "Id,Name,StageName,Amount,CloseDate,AccountId,Probability\n"


def deals_csv(path, rows: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(rows):
            out.write(f"006{i:012d},Deal {i} {'x' * rng.randint(10, 60)},Closed Won,{rng.randint(100, 99999)},"
                      f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},001{rng.randint(0, 999):012d},100\n")
    return str(path)


def tiny_company_file(path):
    """A closed database file at `path` holding the tiny company."""
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    return path


def counts(path) -> dict[str, int]:
    store = Store.open(path)
    try:
        return {table: store.count(table) for table in ("deals", "accounts", "imports")}
    finally:
        store.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB file system (tmpfs; needs root, as in CI's container) holding the tiny company."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield tiny_company_file(mount / "terrain.duckdb")
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_import_bigger_than_the_disk_is_refused_cleanly(small_disk, tmp_path, capsys):
    before, size = counts(small_disk), os.path.getsize(small_disk)
    big = deals_csv(tmp_path / "Opportunity.csv", 300_000)
    code = main(["import", big, "--entity", "deals", "--source", "salesforce", "--db", str(small_disk)])
    err = capsys.readouterr().err
    assert code == 2
    assert "There is not enough disk space to write into terrain.duckdb" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert counts(small_disk) == before and os.path.getsize(small_disk) == size  # as before, not grown
    small = deals_csv(tmp_path / "small.csv", 2_000)
    assert main(["import", small, "--entity", "deals", "--source", "salesforce", "--db", str(small_disk)]) == 0
    assert counts(small_disk)["deals"] == before["deals"] + 2_000


def test_a_write_that_fills_the_disk_half_way_gives_the_space_back(small_disk, tmp_path, monkeypatch, capsys):
    # The estimate before the write is bypassed (as when another program fills the disk meanwhile):
    # DuckDB really runs out of space in the middle of writing the deals.
    before, size = counts(small_disk), os.path.getsize(small_disk)
    monkeypatch.setattr(space, "check_room", lambda cursor, frame: None)
    big = deals_csv(tmp_path / "Opportunity.csv", 300_000)
    code = main(["import", big, "--entity", "deals", "--source", "salesforce", "--db", str(small_disk)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error: There is not enough disk space to write into terrain.duckdb")
    assert counts(small_disk) == before
    # Without giving back, the file keeps every block of the failed write (the whole 6 MB disk).
    assert os.path.getsize(small_disk) <= size + (1 << 20), (size, os.path.getsize(small_disk))
    assert not (small_disk.parent / "terrain.duckdb.wal").exists() or \
        os.path.getsize(small_disk.parent / "terrain.duckdb.wal") < 64 << 10
    monkeypatch.undo()
    small = deals_csv(tmp_path / "small.csv", 2_000)
    assert main(["import", small, "--entity", "deals", "--source", "salesforce", "--db", str(small_disk)]) == 0
    assert counts(small_disk)["deals"] == before["deals"] + 2_000


@pytest.mark.parametrize("failure", [
    duckdb.IOException('IO Error: Could not write file "x.duckdb": No space left on device'),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_running_out_of_space_mid_write_rolls_everything_back(tmp_path, monkeypatch, capsys, failure):
    path = tiny_company_file(tmp_path / "terrain.duckdb")
    before = counts(path)
    real_upsert = database.Session.upsert_frame

    def upsert_then_fail(self, name, frame, *args, **kwargs):
        real_upsert(self, name, frame, *args, **kwargs)  # the rows are written, then the disk fills
        raise failure

    monkeypatch.setattr(database.Session, "upsert_frame", upsert_then_fail)
    small = deals_csv(tmp_path / "small.csv", 500)
    assert main(["import", small, "--entity", "deals", "--source", "salesforce", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: There is not enough disk space to write into terrain.duckdb") and "Traceback" not in err
    assert counts(path) == before
    monkeypatch.undo()
    assert main(["import", small, "--entity", "deals", "--source", "salesforce", "--db", str(path)]) == 0


def test_a_write_is_checked_against_the_free_space_first(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "terrain.duckdb")
    fill_tiny_company(store)
    monkeypatch.setattr(space.shutil, "disk_usage", lambda path: SimpleNamespace(free=1000))
    frame = pl.DataFrame({"deal_id": [str(uuid.uuid4()) for _ in range(10)], "status": ["won"] * 10})
    with pytest.raises(DiskFullError, match=r"needs about 0\.3 MB, 0\.0 MB are free"):
        store.upsert_frame("deals", frame, ["deal_id"])
    assert store.count("deals") == 10
    memory = Store.open(":memory:")  # no disk, no check
    assert memory.upsert_frame("deals", frame, ["deal_id"]) == 10


@pytest.fixture
def small_temp(tmp_path, monkeypatch):
    """The temporary folder on a 2 MB file system (tmpfs; needs root, as in CI's container)."""
    mount = tmp_path / "temp"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    monkeypatch.setattr(tempfile, "tempdir", str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_temporary_folder_is_said_and_nothing_is_written(small_temp, tmp_path, capsys):
    path = tiny_company_file(tmp_path / "terrain.duckdb")
    before = counts(path)
    # Windows-1252 text is copied to UTF-8 in the temporary folder before it is read: 4 MB do not fit.
    csv = tmp_path / "Opportunity.csv"
    csv.write_bytes(Path(deals_csv(tmp_path / "utf8.csv", 40_000)).read_text(encoding="utf-8")
                    .replace("Deal", "Däl").encode("cp1252"))
    code = main(["import", str(csv), "--entity", "deals", "--source", "salesforce", "--db", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err  # refused like any unreadable file
    assert "Opportunity.csv: the temporary folder ran out of disk space while it was read and checked" in err
    assert "TMPDIR" in err and str(small_temp) not in err
    assert counts(path) == before
    assert not list(small_temp.iterdir())  # the import's folder went with it
