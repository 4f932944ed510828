"""Disk space around a write: refused before it starts when the disk has no room, and given back
after a write that ran out of it half-way.

DuckDB writes the rows of a big insert into the database file before the commit (optimistic
writing). When the disk fills in the middle, the transaction rolls back but the file keeps every
block it grew by, and a checkpoint on the same connection does not give them back (it finds no
change to write). Reopening the file reads its own count of used blocks; the next checkpoint that
writes then truncates the free tail. With the disk full there is no room for a WAL record either,
so that write commits straight into the file's free blocks (`checkpoint_threshold` 0).
"""
from __future__ import annotations

import errno
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from engine.store.errors import DiskFullError

# What a write may need beyond its frame's in-memory size (DuckDB compresses, so the size itself is a
# generous estimate): one block for the metadata and the WAL record.
SPACE_MARGIN = 256 * 1024
# A file larger than the database's own blocks by more than this after a failed write is shrunk.
_SLACK = 1 << 20


def out_of_space(error: BaseException) -> bool:
    """Whether `error` says the disk (or the file size limit of the process) ran out."""
    text = str(error)
    return (any(words in text for words in ("No space left on device", "File too large", "os error 28", "os error 27"))
            or getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG))


def disk_full(path: str | None, need: int | None = None, free: int | None = None) -> DiskFullError:
    where = Path(path).name if path else "the database"
    size = f" (it needs about {need / 1e6:,.1f} MB, {free / 1e6:,.1f} MB are free)" if need is not None else ""
    return DiskFullError(f"There is not enough disk space to write into {where}{size}; nothing was written.",
                         hint="Free some space on that disk (or the temporary folder) and try again; the database "
                              "is as it was before.")


def database_path(cursor: duckdb.DuckDBPyConnection) -> str | None:
    rows = cursor.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def check_room(cursor: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    """Refuse a write the database's disk has no room for, before a byte of it is written."""
    path = database_path(cursor)
    if not path:
        return  # in memory
    need = frame.estimated_size() + SPACE_MARGIN
    free = shutil.disk_usage(Path(path).resolve().parent).free
    if need > free:
        raise disk_full(path, need, free)


def used_bytes(connection: duckdb.DuckDBPyConnection) -> int:
    """The bytes of the database's used blocks (what the file needs, headers aside)."""
    row = connection.execute("SELECT block_size * total_blocks FROM pragma_database_size() "
                             "WHERE database_name = current_database()").fetchone()
    return int(row[0]) if row else 0


def shrink(connection: duckdb.DuckDBPyConnection, path: str) -> None:
    """On a freshly opened `connection`: truncate the free tail a failed write left in `path`."""
    if Path(path).stat().st_size <= used_bytes(connection) + _SLACK:
        return
    cursor = connection.cursor()
    try:
        cursor.execute("SET checkpoint_threshold = '0b'")  # commit checkpoints at once: no WAL to grow
        cursor.execute("INSERT OR REPLACE INTO meta VALUES ('space_reclaimed_at', ?)",
                       [datetime.now(timezone.utc).isoformat(timespec="seconds")])
        cursor.execute("CHECKPOINT")
    finally:
        cursor.execute("RESET checkpoint_threshold")
        cursor.close()
