"""Where the worker writes a checked table for the server: in shared memory when it has room for it
twice over (a big table is then never written to the disk while the server reads it), else in the
import's own folder — also when shared memory fills up during the write; the shared-memory folder
goes with the import, and a crashed server's is swept at start-up."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import namedtuple

import pytest
from polars.testing import assert_frame_equal

from engine.importing import Limits, TempFiles, handoff, plan_files, raw, sweep_stale
from engine.importing import load as load_module
from engine.importing.validate import check_table

Usage = namedtuple("Usage", "total used free")
CSV = ("Id,Name,StageName,Amount,CloseDate,AccountId\n"
       + "".join(f"006A{i},Deal {i},Closed Won,{i}00,2024-03-01,001A\n" for i in range(50)))


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A stand-in for /dev/shm with as much room as the test says."""
    folder = tmp_path / "shm"
    folder.mkdir()
    room = {"free": 1 << 40}
    monkeypatch.setattr(raw, "SHARED_MEMORY", folder)
    monkeypatch.setattr(raw.shutil, "disk_usage", lambda path: Usage(1 << 41, 0, room["free"]))
    return folder, room


def _plan(tmp_path):
    path = tmp_path / "Opportunity.csv"
    path.write_text(CSV, encoding="utf-8")
    return plan_files([path], limits=Limits())


@pytest.mark.parametrize(("free", "in_shared"), [(1 << 40, True), (2 * 1000 + (64 << 20) + 1, True),
                                                 (2 * 1000 + (64 << 20), False), (0, False)])
def test_a_table_goes_to_shared_memory_only_with_room_for_it_twice_over(shared, free, in_shared):
    folder, room = shared
    room["free"] = free
    temp = TempFiles()
    try:
        path = temp.handoff_path(1000)
        assert (path.parent == folder / temp.root.name) is in_shared
        assert (path.parent == temp.root) is not in_shared
    finally:
        temp.cleanup()
    assert not (folder / temp.root.name).exists()


def test_the_hand_off_is_read_back_the_same_from_shared_memory_and_goes_with_the_import(tmp_path, shared):
    folder, _ = shared
    plan = _plan(tmp_path)
    try:
        file_plan = plan.files[0]
        frame_path, *_ = answer = load_module.check_to_files(file_plan, None, None, plan.temp, plan.limits)
        assert frame_path.parent == folder / plan.temp.root.name
        handed = handoff.mapped(frame_path)
        own = check_table(file_plan.table, file_plan.entity, file_plan.source, file_plan.columns).frame
        assert_frame_equal(handed, own.select(handed.columns))
        assert answer[5] == own.columns
    finally:
        plan.close()
    assert list(folder.iterdir()) == []


def test_shared_memory_filling_up_during_the_write_falls_back_to_the_import_folder(tmp_path, shared, monkeypatch):
    folder, _ = shared
    plan = _plan(tmp_path)
    real_write = handoff.write_table

    def full_in_shared_memory(frame, path):
        if str(path).startswith(str(folder)):
            open(path, "wb").write(b"partial")
            raise OSError(28, "No space left on device")
        return real_write(frame, path)

    monkeypatch.setattr(handoff, "write_table", full_in_shared_memory)
    try:
        frame_path, *_ = load_module.check_to_files(plan.files[0], None, None, plan.temp, plan.limits)
        assert frame_path.parent == plan.temp.root
        assert handoff.mapped(frame_path).height == 50
        assert list((folder / plan.temp.root.name).iterdir()) == []  # the partial file is gone
    finally:
        plan.close()


def test_the_shared_memory_folder_of_a_server_that_is_gone_is_swept(shared):
    folder, _ = shared
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = folder / f"{raw.TEMP_PREFIX}{int(gone.stdout)}-abc"
    stale.mkdir()
    (stale / "table.arrow").write_bytes(b"x")
    live = folder / f"{raw.TEMP_PREFIX}{os.getppid()}-def"
    live.mkdir()
    assert sweep_stale() >= 1
    assert not stale.exists() and live.exists()


def test_a_plan_dropped_without_closing_takes_its_shared_memory_folder_along(shared):
    import gc

    folder, _ = shared
    temp = TempFiles()
    name = temp.root.name
    assert (folder / name).is_dir()
    del temp
    gc.collect()
    assert not (folder / name).exists()


def test_a_worker_never_makes_the_shared_memory_folder_of_an_import_that_has_ended(shared):
    folder, _ = shared
    temp = TempFiles()
    copy = TempFiles(str(temp.root))  # as the worker holds it
    temp.cleanup()
    assert copy.handoff_path(1000).parent == temp.root  # not in shared memory: the write then fails
    assert list(folder.iterdir()) == []
