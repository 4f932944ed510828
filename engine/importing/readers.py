"""Reading CRM export files into lazy all-text tables, without loading a big CSV whole.

A file is recognised by its bytes, not its name: XLSX (a zip, `workbook.py`), Parquet (`PAR1`),
else delimited text (`delimited.py`). Every cell is read as text (`String`), so parsing decides what
a value means and reports what it cannot read. Problems that make a file unreadable (empty, header
only, binary, wrong encoding, over a limit, a reader that crashed) are returned on the `RawTable`
rather than raised, so that every file's problems are reported together. The reading itself runs
in the import worker (`worker.py`); only the tables' descriptions come back.
"""
from __future__ import annotations

import hashlib
import mmap
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from engine.importing.delimited import read_delimited
from engine.importing.limits import ENV_OF, Limits
from engine.importing.notes import Note
from engine.importing.raw import SAMPLE_BYTES, Digest, RawTable, TempFiles, unique_headers, unreadable
from engine.importing.workbook import read_workbook
from engine.importing.worker import WorkerFailed, run_in_worker

__all__ = ["RawTable", "TempFiles", "read_tables"]


_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terrain-sha256")


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        if not os.fstat(handle.fileno()).st_size:
            return hashlib.sha256().hexdigest()
        # Hashing the mapped file spares copying it through read buffers (a sixth less CPU at 1 GB).
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()


def read_tables(path: Path, temp: TempFiles, display_name: str | None = None, *, limits: Limits | None = None,
                encoding: str | None = None) -> list[RawTable]:
    """All tables of the file at `path`: one for CSV/Parquet, one per non-empty XLSX sheet.
    `encoding` forces the text encoding of delimited text (else it is detected)."""
    limits = limits or Limits()
    name = display_name or path.name
    size = path.stat().st_size
    if size > limits.max_file_mb << 20:
        return [unreadable(name, "", None, None, None,
                           Note("import.problem.too_big", size=f"{size / (1 << 20):,.0f}",
                                limit=f"{limits.max_file_mb:,}", env=ENV_OF["max_file_mb"]))]
    # hashlib releases the GIL: a gigabyte export is hashed while the worker reads it.
    sha = _HASHING.submit(file_sha256, path)
    with open(path, "rb") as handle:
        head = handle.read(4)
    if limits.in_process(size, head):
        tables = read_file(path, name, temp, limits, encoding)
        for table in tables:
            table.in_process = True
    else:
        try:
            tables = run_in_worker(read_file, (path, name, temp, limits, encoding), file_name=name, limits=limits)
        except WorkerFailed as failed:
            return [unreadable(name, sha, None, None, None, failed.sentence())]
    for table in tables:
        table.digest = sha
    return tables


def read_file(path: Path, name: str, temp: TempFiles, limits: Limits, encoding: str | None) -> list[RawTable]:
    """The tables of one file, read in the import worker (digests are filled in by the caller)."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return read_workbook(path, name, "", temp, limits)
    if head.startswith(b"PAR1"):
        return [_read_parquet(path, name, "", limits)]
    table = read_delimited(path, name, "", head, temp, limits, encoding)
    table.text, table.source_path = True, path
    return [table]


def _read_parquet(path: Path, name: str, sha: Digest, limits: Limits) -> RawTable:
    try:
        headers = list(pl.scan_parquet(path).collect_schema().names())
    except Exception as error:  # noqa: BLE001
        return unreadable(name, sha, None, None, None,
                          Note("import.problem.parquet", error=type(error).__name__))
    if len(headers) > limits.max_columns:
        return unreadable(name, sha, 1, None, None,
                          Note("import.problem.too_wide", columns=f"{len(headers):,}", limit=f"{limits.max_columns:,}",
                               env=ENV_OF["max_columns"]))
    return RawTable(name, unique_headers(headers), None, sha, encoding="parquet", kind="parquet",
                    data_path=path, source_path=path)
