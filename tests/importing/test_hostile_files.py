"""Uploads cannot hurt the server: hostile workbooks, huge cells, wide or big files, and a worker
that aborts, is killed, hangs or runs out of memory. Each is refused with the file's name and what
to do, and this (test) process — standing in for the server — carries on unharmed."""
from __future__ import annotations

import os
import resource
import zipfile

import pytest

from engine.importing import Limits, import_files, plan_files, sheet_scan
from engine.importing.worker import WorkerFailed, run_in_worker
from engine.store import Store
from engine.store.errors import ImportFailed
from tests.importing import hostile


def _refusal(path, limits: Limits | None = None) -> str:
    plan = plan_files([path], limits=limits)
    try:
        [file_plan] = plan.files
        assert file_plan.table.frame is None, "the file was read"
        [problem] = file_plan.blocking_problems()
        assert problem.file == path.name
        return problem.reason
    finally:
        plan.close()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_workbook_declaring_a_sheet_to_xfd1048576_is_refused_before_reading(tmp_path):
    path = hostile.far_corner_workbook(tmp_path / "corner.xlsx")
    assert path.stat().st_size < 14_000
    reason = _refusal(path)
    assert "declares 16,384 columns on sheet1 (A1:XFD1048576)" in reason and "TERRAIN_MAX_COLUMNS" in reason
    wide_allowed = _refusal(path, Limits(max_columns=20_000))
    assert "declares 17,179,869,184 cells" in wide_allowed and "TERRAIN_MAX_SHEET_CELLS" in wide_allowed


def test_a_workbook_that_hides_or_lies_about_its_far_corner_is_measured_and_refused(tmp_path):
    for path in (hostile.far_corner_workbook(tmp_path / "corner.xlsx", declare=False),
                 hostile.lying_workbook(tmp_path / "lying.xlsx")):
        reason = _refusal(path)
        assert reason.startswith("has cells in 16,384 columns on sheet1 (as far as XFD1048576)")
        assert "TERRAIN_MAX_COLUMNS" in reason
        reason = _refusal(path, Limits(max_columns=20_000))
        assert "places cells as far as XFD1048576 on sheet1 (1,048,576 rows × 16,384 columns" in reason
        assert "TERRAIN_MAX_SHEET_CELLS" in reason


def test_cells_without_references_are_counted_in_place(tmp_path):
    wide = hostile.unreferenced_workbook(tmp_path / "wide.xlsx", rows=3, columns=2_500)
    assert _refusal(wide).startswith("has cells in 2,500 columns on sheet1 (as far as CRD3)")
    tall = hostile.unreferenced_workbook(tmp_path / "tall.xlsx", rows=120, columns=10)
    assert "(120 rows × 10 columns = 1,200 cells), more than the 1,000" in _refusal(tall, Limits(max_sheet_cells=1_000))
    plan = plan_files([tall], limits=Limits())  # within the limits it is read as written
    try:
        assert plan.files[0].table.frame is not None and len(plan.files[0].table.headers) == 10
    finally:
        plan.close()


def test_a_shared_string_bomb_is_refused_before_reading(tmp_path):
    path = hostile.shared_string_bomb(tmp_path / "strings.xlsx", 12)
    assert path.stat().st_size < 100_000
    reason = _refusal(path)
    assert reason.startswith("holds a text of 12.0 MB in one cell (among its 2 shared strings)")
    assert "TERRAIN_MAX_CELL_CHARS" in reason


def test_the_streamed_measure_stops_at_its_byte_budget(tmp_path):
    path = hostile.inflating_workbook(tmp_path / "bomb.xlsx", 3)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        with pytest.raises(sheet_scan.OverBudget):
            sheet_scan.measure_sheet(archive, sheet, 2 << 20)
        size = sheet_scan.measure_sheet(archive, sheet, 4 << 20)
    assert (size.columns, size.inflated) == (2, sheet.file_size) and size.cells == 2 * size.rows


def test_a_workbook_that_aborts_its_reader_kills_only_the_worker(tmp_path):
    # Limits high enough to let it through: the Excel reader asks for 512 GiB and aborts — in the worker.
    path = hostile.far_corner_workbook(tmp_path / "corner.xlsx", declare=False)
    before = _peak_mb()
    reason = _refusal(path, Limits(worker_memory_mb=1024, max_columns=20_000, max_sheet_cells=1 << 40))
    assert "the reader stopped (SIGABRT" in reason and "TERRAIN_IMPORT_WORKER_MB" in reason
    assert _peak_mb() - before < 200  # nothing of it reached this process


def test_a_small_workbook_that_inflates_to_many_megabytes_is_refused(tmp_path):
    path = hostile.inflating_workbook(tmp_path / "bomb.xlsx", 40)
    assert path.stat().st_size < 300_000
    reason = _refusal(path)
    assert "compressed" in reason and "to 1" in reason and "zip bomb" in reason and "TERRAIN_MAX_ZIP_RATIO" in reason
    reason = _refusal(path, Limits(max_zip_ratio=10_000, max_workbook_mb=32))
    assert "inflates to 40 MB" in reason and "32 MB" in reason and "TERRAIN_MAX_WORKBOOK_MB" in reason


def test_a_well_formed_workbook_still_imports(tmp_path):
    path = hostile.small_workbook(tmp_path / "accounts.xlsx")
    store = Store.open(":memory:")
    result = import_files(store, [path], reporting_currency="USD", entity="accounts")
    assert result.files["rows_loaded"].to_list() == [2]
    assert sorted(store.table("accounts", ["name"])["name"]) == ["Acme", "Beta"]
    store.close()


def test_a_60_mb_cell_is_a_problem_naming_its_row_and_column(tmp_path):
    path = tmp_path / "accounts.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("Id,Name,Description\n001A,Acme,short\n001B,Beta,")
        out.write("x" * (60 << 20))
        out.write("\n001C,Gamma,fine\n")
    store = Store.open(":memory:")
    overrides = {"Description": "industry"}
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [path], reporting_currency="USD", entity="accounts", overrides=overrides)
    [problem] = failure.value.problems
    assert (problem.file, problem.row, problem.column) == ("accounts.csv", 3, "Description")
    assert "is 62,914,560 characters long, more than the 131,072" in problem.reason
    assert "TERRAIN_MAX_CELL_CHARS" in problem.reason
    result = import_files(store, [path], reporting_currency="USD", entity="accounts", overrides=overrides,
                          skip_invalid=True)
    assert result.files["rows_loaded"].to_list() == [2] and store.count("accounts") == 2
    record = store.query("SELECT max(length(record)) AS n FROM import_rejects")["n"][0]
    assert record < 40_000  # the rejected row is kept cut to a spreadsheet cell, not 60 MB
    store.close()


def test_a_cell_limit_counts_characters_not_bytes(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("Id,Name\n001A," + "北" * 40 + "\n001B," + "北" * 41 + "\n", encoding="utf-8")
    store = Store.open(":memory:")
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [path], reporting_currency="USD", entity="accounts", limits=Limits(max_cell_chars=40))
    assert [(p.row, p.column) for p in failure.value.problems] == [(3, "Name")]
    assert "is 41 characters long, more than the 40" in failure.value.problems[0].reason
    store.close()


def test_too_many_columns_and_too_big_a_file_are_refused_by_name(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(30)) + "\n" + ",".join("1" * 30) + "\n")
    assert "has 30 columns, more than the 20" in _refusal(wide, Limits(max_columns=20))
    big = tmp_path / "big.csv"
    big.write_text("Id,Name\n" + "001A,Acme\n" * 300_000)
    reason = _refusal(big, Limits(max_file_mb=1))
    assert "is 3 MB, more than the 1 MB an import accepts (TERRAIN_MAX_UPLOAD_MB)" in reason


@pytest.mark.parametrize(("task", "args", "limits", "expected"), [
    (hostile.abort, (), Limits(), "the reader stopped (SIGABRT"),
    (hostile.kill_itself, (), Limits(), "the reader stopped (SIGKILL"),
    (hostile.hang, (), Limits(worker_seconds=1), "took longer than 1 s, so it was stopped"),
    (hostile.allocate, (2048,), Limits(worker_memory_mb=512), "needs more than the 512 MB an import may use"),
], ids=["SIGABRT", "SIGKILL", "hang", "MemoryError"])
def test_the_server_survives_whatever_the_worker_does(task, args, limits, expected):
    with pytest.raises(WorkerFailed) as failure:
        run_in_worker(task, args, file_name="deals.csv", limits=limits)
    assert str(failure.value).startswith("deals.csv: ") and expected in str(failure.value)
    assert failure.value.hint
    # The next file gets a healthy worker, and it is another process than this one.
    assert run_in_worker(hostile.pid, (), file_name="next.csv", limits=Limits()) != os.getpid()
