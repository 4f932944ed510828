"""Reading CRM export files into lazy all-text tables, without loading a big CSV whole.

A file is recognised by its bytes, not its name: XLSX (a zip), Parquet (`PAR1`), else delimited
text (`delimited.py`). Every cell is read as text (`String`), so parsing decides what a value means
and reports what it cannot read. Problems that make a file unreadable (empty, header only, binary,
wrong encoding) are returned on the `RawTable` rather than raised, so that every file's problems
are reported together.
"""
from __future__ import annotations

import hashlib
import mmap
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from engine.importing.delimited import read_delimited
from engine.importing.raw import NO_DATA_ROWS, ROW, SAMPLE_BYTES, Digest, RawTable, TempFiles, unique_headers, unreadable

__all__ = ["RawTable", "TempFiles", "read_tables"]


_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terrain-sha256")


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        if not os.fstat(handle.fileno()).st_size:
            return hashlib.sha256().hexdigest()
        # Hashing the mapped file spares copying it through read buffers (a sixth less CPU at 1 GB).
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()


def read_tables(path: Path, temp: TempFiles, display_name: str | None = None) -> list[RawTable]:
    """All tables of the file at `path`: one for CSV/Parquet, one per non-empty XLSX sheet."""
    name = display_name or path.name
    # hashlib releases the GIL: a gigabyte export is hashed while polars reads and checks it.
    sha = _HASHING.submit(file_sha256, path)
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _read_workbook(path, name, sha)
    if head.startswith(b"PAR1"):
        return [_read_parquet(path, name, sha)]
    return [read_delimited(path, name, sha, head, temp)]


def _read_workbook(path: Path, name: str, sha: Digest) -> list[RawTable]:
    try:
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0,
                               raise_if_empty=False)
    except Exception as error:  # noqa: BLE001 - any reader failure means a broken workbook
        return [unreadable(name, sha, None, None, None,
                            f"is not a readable Excel workbook ({type(error).__name__}); "
                            "open it in Excel and save it again as .xlsx or CSV UTF-8")]
    tables = []
    for sheet, frame in sheets.items():
        if frame.width == 0:
            continue
        sheet_name = f"{name} [{sheet}]" if len(sheets) > 1 else name
        headers = unique_headers(frame.columns)
        frame = frame.rename(dict(zip(frame.columns, headers)))
        if frame.height == 0:
            tables.append(unreadable(sheet_name, sha, 2, None, None,
                                      NO_DATA_ROWS, headers))
            continue
        lazy = frame.lazy().with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        tables.append(RawTable(sheet_name, headers, lazy, sha, encoding="xlsx"))
    if not tables:
        return [unreadable(name, sha, None, None, None, "is an empty workbook (no sheet has data)")]
    return tables


def _read_parquet(path: Path, name: str, sha: Digest) -> RawTable:
    try:
        lazy = pl.scan_parquet(path)
        headers = list(lazy.collect_schema().names())
    except Exception as error:  # noqa: BLE001
        return unreadable(name, sha, None, None, None,
                           f"is not a readable Parquet file ({type(error).__name__})")
    unique = unique_headers(headers)
    lazy = (lazy.rename(dict(zip(headers, unique)))
            .select([pl.col(h).cast(pl.String) for h in unique])
            .with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64)))
    return RawTable(name, unique, lazy, sha, encoding="parquet")
