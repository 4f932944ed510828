"""A table of an export as read, before anything is parsed: lazy text columns numbered as a
spreadsheet user counts rows (the header is row 1), the problems that made it unreadable, and the
temporary files a read leaves until the import is finished.
"""
from __future__ import annotations

import tempfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from engine.store.errors import Problem

ROW = "_row"  # the spreadsheet row number column every raw table carries
SAMPLE_BYTES = 1 << 16
CHUNK_BYTES = 1 << 22
DELIMITERS = (",", ";", "\t", "|")
LINE_SEPARATOR = "\x1f"  # a byte that does not occur in text exports: reads each line whole
Digest = str | Future[str]  # a file's sha256, or its computation under way
BEYOND = "_beyond"  # the first field past the header's last column, in delimited text
NO_DATA_ROWS = "has a header row but no data rows"


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


class TempFiles:
    """Temporary UTF-8 copies of transcoded files, removed when the import is finished."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="terrain-import-")
        self._count = 0

    def new_path(self, suffix: str = ".csv") -> Path:
        self._count += 1
        return Path(self._directory.name) / f"{self._count}{suffix}"

    def cleanup(self) -> None:
        self._directory.cleanup()


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
