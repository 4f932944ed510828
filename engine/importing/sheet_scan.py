"""A workbook's sheets and shared strings measured by streaming their XML, before any reader sees them.

The `<dimension>` a sheet declares may be missing or lie, and the Excel reader sizes its grid by the
farthest cell it finds (a single cell at XFD1048576 asks for 17 billion cells) and holds every
shared string at once. So each part is inflated a chunk at a time (never whole) within a byte
budget, and its tags are counted by regular expressions over the bytes: the farthest row and column
(from the `r` attributes, or by counting rows and the cells of a row where a writer left them out),
the cells, and the largest shared string. What is counted is an upper bound of what the reader
builds, so a refusal never depends on markup the reader would skip.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

_CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d{1,12})\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
# Any attribute r="A1" counts, in a cell or not: counting too much only makes the bound safer.
_CELL_REF = re.compile(rb"\sr=\"\$?([A-Z]{1,7})\$?(\d{1,12})\"")
_PREFIXED = re.compile(rb"<\w+:worksheet[\s>]")
_STRING_END = re.compile(rb"</(?:\w+:)?si>")


@dataclass
class SheetSize:
    rows: int = 0      # the farthest row a cell or row is placed in
    columns: int = 0   # the farthest column
    cells: int = 0     # cells written
    inflated: int = 0  # bytes of XML


class OverBudget(Exception):
    """The part inflates past the byte budget (the caller says which limit)."""


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int):
    """The part's XML in chunks cut after a '>' (so no tag is split), at most `budget` bytes."""
    carry, total = b"", 0
    with archive.open(member) as stream:
        while block := stream.read(_CHUNK):
            total += len(block)
            if total > budget:
                raise OverBudget(total)
            block = carry + block
            cut = block.rfind(b">") + 1
            carry = block[cut:]
            yield block[:cut], total
        if carry:
            yield carry, total


def _largest(numbers: list[bytes]) -> int:
    """The largest of decimal numbers given as bytes, compared without converting each."""
    return int(max((n.lstrip(b"0") or b"0" for n in set(numbers)), key=lambda n: (len(n), n)))


def measure_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> SheetSize:
    """The extent of a sheet as its XML places the cells (raises OverBudget past `budget` bytes)."""
    size = SheetSize()
    row_count, cells_in_row, prefixed = 0, 0, None
    for chunk, size.inflated in _chunks(archive, member, budget):
        if prefixed is None:
            prefixed = bool(_PREFIXED.search(chunk))
        if prefixed:  # <x:c …>: only the regular expressions see through the prefix
            cells, rows = len(_CELL.findall(chunk)), len(_ROW.findall(chunk))
        else:  # three times faster than the expressions, for the same count
            cells = sum(chunk.count(tag) for tag in (b"<c ", b"<c>", b"<c/>", b"<c\n", b"<c\t", b"<c\r"))
            rows = sum(chunk.count(tag) for tag in (b"<row ", b"<row>", b"<row/>", b"<row\n", b"<row\t", b"<row\r"))
        references = _CELL_REF.findall(chunk)
        numbers = _ROW_NUMBER.findall(chunk)
        size.cells += cells
        row_count += rows
        if numbers:
            size.rows = max(size.rows, _largest(numbers))
        if references:
            size.rows = max(size.rows, _largest([row for _, row in references]))
            size.columns = max(size.columns, max(map(_column, {column for column, _ in references})))
        if len(references) < cells:  # cells without a reference: placed one after another in their row
            segments = _ROW.split(chunk)
            cells_in_row += len(_CELL.findall(segments[0]))
            for segment in segments[1:]:
                size.columns = max(size.columns, cells_in_row)
                cells_in_row = len(_CELL.findall(segment))
            size.columns = max(size.columns, cells_in_row)
        elif rows:
            cells_in_row = 0  # the referenced cells of the current row count by their references
    size.rows = max(size.rows, row_count)
    return size


def largest_string(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> tuple[int, int]:
    """(strings, bytes of the largest with its markup) of the shared strings part (raises
    OverBudget past `budget` bytes)."""
    strings, largest, open_bytes = 0, 0, 0
    for chunk, _total in _chunks(archive, member, budget):
        parts = _STRING_END.split(chunk)
        if len(parts) > 1:
            strings += len(parts) - 1
            largest = max(largest, open_bytes + len(parts[0]), max(map(len, parts[1:-1]), default=0))
            open_bytes = len(parts[-1])
        else:
            open_bytes += len(parts[0])  # a string still open, spanning chunks
    return strings, max(largest, open_bytes)
