"""Excel workbooks (.xlsx) inspected before they are read, then read sheet by sheet.

An .xlsx file is a zip of XML parts. Before the Excel reader sees it, the zip's directory says how
big each part inflates to and how hard it is compressed, and the head of each sheet's XML declares
its dimension (`<dimension ref="A1:XFD1048576"/>`); then, since a dimension may be missing or lie,
each sheet's XML is streamed to measure where its cells really are, and the shared strings for
their largest (`sheet_scan.py`). A workbook that would inflate past the limit, looks like a zip
bomb, declares or places more cells or columns than allowed, or holds a cell text bigger than a
cell may be, is refused with its name and the setting to raise — reading it would need more memory
than the limits allow. The sheets of an
accepted workbook are read by calamine (in the import worker) and written as Arrow IPC files.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from engine.importing import sheet_scan
from engine.importing.limits import ENV_OF, Limits
from engine.importing.notes import Note
from engine.importing.raw import NO_DATA_ROWS, ROW, Digest, RawTable, TempFiles, unique_headers, unreadable

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_HEAD_BYTES = 1 << 16  # the dimension element comes right after the sheet's properties
_BIG_MEMBER = 16 << 20  # below this, any compression ratio is harmless


def column_number(letters: str) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def inspect(path: Path, limits: Limits) -> str | None:
    """Why the workbook at `path` must not be read (one sentence with what to do), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            inflated = sum(member.file_size for member in members)
            if inflated > limits.max_workbook_mb << 20:
                return _inflates(limits, f"{inflated / (1 << 20):,.0f} MB")
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > _BIG_MEMBER and ratio > limits.max_zip_ratio:
                    return Note("import.workbook.zip_bomb", part=member.filename, ratio=f"{ratio:,.0f}",
                                limit=limits.max_zip_ratio, env=ENV_OF["max_zip_ratio"])
            sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
            for member in sheets:
                with archive.open(member) as stream:
                    head = stream.read(_HEAD_BYTES)
                refused = _dimension_refusal(member.filename, head, limits)
                if refused:
                    return refused
            # The declared dimension may be missing or lie: measure what the XML really places.
            budget = limits.max_workbook_mb << 20
            for member in sheets:
                size = sheet_scan.measure_sheet(archive, member, budget)
                budget -= size.inflated
                refused = _extent_refusal(member.filename, size, limits)
                if refused:
                    return refused
            for member in members:
                if member.filename.lower() == "xl/sharedstrings.xml":
                    refused = _strings_refusal(*sheet_scan.largest_string(archive, member, budget), limits)
                    if refused:
                        return refused
    except sheet_scan.OverBudget:
        return _inflates(limits, "past")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
        return Note("import.workbook.unreadable", error=type(error).__name__)
    return None


def _inflates(limits: Limits, amount: str) -> str:
    # "past" the limit: the scan stopped there, so the size is not known
    key = "import.workbook.inflates_past" if amount == "past" else "import.workbook.inflates"
    return Note(key, amount=amount, limit=f"{limits.max_workbook_mb:,}", env=ENV_OF["max_workbook_mb"])


def _extent_refusal(member: str, size: sheet_scan.SheetSize, limits: Limits) -> str | None:
    sheet = Path(member).stem
    corner = f"{_letters(size.columns)}{size.rows}"
    if size.columns > limits.max_columns:
        return Note("import.workbook.wide_cells", columns=f"{size.columns:,}", sheet=sheet, corner=corner,
                    limit=f"{limits.max_columns:,}", env=ENV_OF["max_columns"])
    if size.rows * size.columns > limits.max_sheet_cells:
        return Note("import.workbook.far_cells", corner=corner, sheet=sheet, rows=f"{size.rows:,}",
                    columns=f"{size.columns:,}", cells=f"{size.rows * size.columns:,}",
                    limit=f"{limits.max_sheet_cells:,}", env=ENV_OF["max_sheet_cells"])
    return None


def _strings_refusal(strings: int, largest: int, limits: Limits) -> str | None:
    # UTF-8 takes at most 4 bytes a character; the markup of a rich-text cell gets 64 KB more.
    if largest <= 4 * limits.max_cell_chars + (64 << 10):
        return None
    return Note("import.workbook.huge_string", size=f"{largest / (1 << 20):,.1f}", strings=f"{strings:,}",
                limit=f"{limits.max_cell_chars:,}", env=ENV_OF["max_cell_chars"])


def _letters(number: int) -> str:
    """1 → 'A', 27 → 'AA', 16384 → 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _dimension_refusal(member: str, head: bytes, limits: Limits) -> str | None:
    match = _DIMENSION.search(head)
    if not match:
        return None
    first_column, first_row, last_column, last_row = match.groups()
    last_column, last_row = last_column or first_column, last_row or first_row
    columns = column_number(last_column.decode()) - column_number(first_column.decode()) + 1
    rows = int(last_row) - int(first_row) + 1
    sheet = Path(member).stem
    span = f"{first_column.decode()}{int(first_row)}:{last_column.decode()}{int(last_row)}"
    if columns > limits.max_columns:
        return Note("import.workbook.declares_columns", columns=f"{columns:,}", sheet=sheet, span=span,
                    limit=f"{limits.max_columns:,}", env=ENV_OF["max_columns"])
    if rows * columns > limits.max_sheet_cells:
        return Note("import.workbook.declares_cells", cells=f"{rows * columns:,}", sheet=sheet, span=span,
                    rows=f"{rows:,}", columns=f"{columns:,}", limit=f"{limits.max_sheet_cells:,}",
                    env=ENV_OF["max_sheet_cells"])
    return None


def read_workbook(path: Path, name: str, sha: Digest, temp: TempFiles, limits: Limits) -> list[RawTable]:
    """Every sheet with data as a table written to an IPC file (run in the import worker)."""
    refused = inspect(path, limits)
    if refused:
        return [unreadable(name, sha, None, None, None, refused)]
    try:
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0,
                               raise_if_empty=False)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any reader failure means a broken workbook
        return [unreadable(name, sha, None, None, None,
                           Note("import.workbook.unreadable", error=type(error).__name__))]
    tables = []
    for sheet, frame in sheets.items():
        if frame.width == 0:
            continue
        sheet_name = f"{name} [{sheet}]" if len(sheets) > 1 else name
        if frame.width > limits.max_columns:
            tables.append(unreadable(sheet_name, sha, 1, None, None, _too_wide(frame.width, limits)))
            continue
        headers = unique_headers(frame.columns)
        frame = frame.rename(dict(zip(frame.columns, headers)))
        if frame.height == 0:
            tables.append(unreadable(sheet_name, sha, 2, None, None, NO_DATA_ROWS, headers))
            continue
        data_path = temp.new_path(".arrow")
        (frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
         .write_ipc(data_path, compression="uncompressed"))
        sample = frame.head(200)
        tables.append(RawTable(sheet_name, headers, None, sha, encoding="xlsx", kind="ipc",
                               data_path=data_path, source_path=path, sample=sample))
    if not tables:
        return [unreadable(name, sha, None, None, None, Note("import.problem.empty_workbook"))]
    return tables


def _too_wide(width: int, limits: Limits) -> str:
    return Note("import.problem.too_wide_sheet", columns=f"{width:,}", limit=f"{limits.max_columns:,}",
                env=ENV_OF["max_columns"])
