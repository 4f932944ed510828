"""A table of an export as read, before anything is parsed: lazy text columns numbered as a
spreadsheet user counts rows (the header is row 1), the problems that made it unreadable, and the
temporary files a read leaves until the import is finished.

A table crosses from the import worker (which reads the file) to the server process as its
description only — kind, path, headers, delimiter — and its lazy frame is opened again on arrival
(`open_frame`), so no rows are pickled between processes.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
import weakref
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from engine.store.errors import Problem
from engine.importing.notes import Note

ROW = "_row"  # the spreadsheet row number column every raw table carries
SAMPLE_BYTES = 1 << 16
CHUNK_BYTES = 1 << 22
DELIMITERS = (",", ";", "\t", "|")
LINE_SEPARATOR = "\x1f"  # a byte that does not occur in text exports: reads each line whole
Digest = str | Future[str]  # a file's sha256, or its computation under way
BEYOND = "_beyond"  # the first field past the header's last column, in delimited text
NO_DATA_ROWS = Note("import.problem.no_rows")
TEMP_PREFIX = "terrain-"  # every temporary folder Terrain makes: terrain-<pid>-<random>
SHARED_MEMORY = Path("/dev/shm")  # tmpfs on Linux: what is written there is never written to the disk
_SHARED_MARGIN = 64 << 20


@dataclass
class RawTable:
    """One table of an export (a CSV file, or one sheet of a workbook) as lazy text columns."""

    file_name: str
    headers: list[str]
    frame: pl.LazyFrame | None  # columns = headers (deduplicated) + ROW; None when unreadable
    digest: Digest  # the file's sha256, computed beside the reading (see read_tables)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    text_path: Path | None = None  # delimited text (as UTF-8): its rows' fields are counted on check
    sample: pl.DataFrame | None = None  # the first records as text, when they came with the sniffing
    kind: str = ""  # how `frame` is opened again: "delimited" (text_path), "ipc" or "parquet" (data_path)
    data_path: Path | None = None
    source_path: Path | None = None  # the file as given (to read it again in another encoding)
    notes: list[str] = field(default_factory=list)  # sentences worth showing (e.g. an uncertain encoding)
    encodings: list[str] = field(default_factory=list)  # other encodings that would read it, best first
    text: bool = False  # delimited text (readable or not): its encoding may be chosen
    in_process: bool = False  # read (and so checked) in this process, not the worker (see Limits.in_process)

    def first_rows(self, headers: list[str], rows: int) -> pl.DataFrame:
        """Up to `rows` first records of the columns `headers`, as text (to choose parsers by)."""
        if self.sample is not None:
            return self.sample.select(headers).head(rows)
        return self.frame.select(headers).head(rows).collect() if self.frame is not None else pl.DataFrame()

    @property
    def sha256(self) -> str:
        return self.digest if isinstance(self.digest, str) else self.digest.result()

    def structure_columns(self) -> list[pl.Expr]:
        """For delimited text: `_long` (a field past the header's last) and `_open_end` (the last
        column empty: the row may have fewer fields). Only such rows need their fields counted."""
        if self.text_path is None:
            return []
        return [pl.col(BEYOND).is_not_null().alias("_long"), pl.col(self.headers[-1]).is_null().alias("_open_end")]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["frame"] = None  # opened again from `kind` and its path on arrival
        state["digest"] = self.digest if isinstance(self.digest, str) else ""
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.kind:
            self.frame = open_frame(self)


def open_frame(table: RawTable) -> pl.LazyFrame:
    """The lazy text columns of `table` from the file its description names."""
    if table.kind == "delimited":
        # One column more than the header catches the rows with too many fields (see structure_problems).
        schema = {h: pl.String for h in table.headers} | {BEYOND: pl.String}
        lazy = pl.scan_csv(table.text_path, has_header=False, skip_rows=1, separator=table.delimiter,
                           schema=schema, missing_columns="insert", extra_columns="ignore",
                           truncate_ragged_lines=True, encoding="utf8", raise_if_empty=False)
    elif table.kind == "ipc":
        lazy = pl.scan_ipc(table.data_path)
    elif table.kind == "parquet":
        lazy = pl.scan_parquet(table.data_path)
        names = lazy.collect_schema().names()
        lazy = (lazy.rename(dict(zip(names, table.headers)))
                .select([pl.col(h).cast(pl.String) for h in table.headers]))
    else:
        raise ValueError(f"unknown table kind {table.kind!r}")
    if table.kind == "ipc":  # written with its row numbers
        return lazy
    return lazy.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))


class TempFiles:
    """The temporary folder of one import: uploads, UTF-8 copies of transcoded files, sheets and
    checked tables written by the worker. Removed when the import is finished (or its plan is
    dropped), and at start-up when the process that made it is gone (`sweep_stale`). A copy sent
    to the worker writes into the same folder but never removes it."""

    def __init__(self, root: str | None = None) -> None:
        self._directory = None if root else tempfile.TemporaryDirectory(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=temp_root())
        self.root = Path(root or self._directory.name)
        # Its twin in shared memory (see handoff_path) is made here, never by a worker (one still
        # checking a file of an import that has ended would make it again, and fill it), and goes
        # with it, also when the plan is only dropped: TemporaryDirectory removes its own then too.
        self._shared = None
        if not root:
            with suppress(OSError):  # no shared memory here (not Linux), or not ours to write in
                (SHARED_MEMORY / self.root.name).mkdir(mode=0o700)
            self._shared = weakref.finalize(self, shutil.rmtree, SHARED_MEMORY / self.root.name, ignore_errors=True)

    def new_path(self, suffix: str = ".csv") -> Path:
        return self.root / f"{uuid.uuid4().hex}{suffix}"

    def handoff_path(self, size: int) -> Path:
        """Where the worker writes a checked table of about `size` bytes for the server: in shared
        memory when it has room for it twice over, else in the import's folder. A 5M-deal table is
        1.2 GB, which the kernel would otherwise write to the disk while the server reads it."""
        shared = SHARED_MEMORY / self.root.name
        with suppress(OSError):
            if shared.is_dir() and shutil.disk_usage(SHARED_MEMORY).free > 2 * size + _SHARED_MARGIN:
                return shared / f"{uuid.uuid4().hex}.arrow"
        return self.new_path(".arrow")

    def cleanup(self) -> None:
        if self._directory is not None:
            self._shared()
            self._directory.cleanup()

    def __reduce__(self):
        return (TempFiles, (str(self.root),))


def temp_root() -> str:
    """The folder Terrain's temporary folders live in (the system's temp folder, `TMPDIR`)."""
    return tempfile.gettempdir()


_STARTED = time.time()


def sweep_stale(root: str | None = None) -> int:
    """Remove Terrain temporary folders left by processes that are gone (a crash, a kill), and
    this process's own from before it started. Folders of other live processes are left alone.
    Returns how many were removed."""
    removed = 0
    folders = [*Path(root or temp_root()).glob(f"{TEMP_PREFIX}*"),
               *(SHARED_MEMORY.glob(f"{TEMP_PREFIX}*") if root is None else ())]
    for folder in folders:
        pid_text = folder.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if not folder.is_dir() or not pid_text.isdigit():
            continue
        pid = int(pid_text)
        try:
            stale = not _alive(pid) or (pid == os.getpid() and folder.stat().st_mtime < _STARTED - 1)
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def unreadable(name: str, sha: Digest, row: int | None, column: str | None, value: str | None,
                reason: str, headers: list[str] | None = None) -> RawTable:
    return RawTable(name, headers or [], None, sha, [Problem(name, row, column, value, reason)])


def unique_headers(headers: list[str]) -> list[str]:
    """Header names made unique (a repeated 'Amount' becomes 'Amount (2)') and never empty."""
    seen: dict[str, int] = {}
    result = []
    for index, header in enumerate(headers):
        header = (header or "").replace("\ufeff", "").strip() or f"column {index + 1}"
        seen[header] = seen.get(header, 0) + 1
        result.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return result
