"""Hostile files built in the test (none is committed): workbooks written with zipfile, and the
misbehaving tasks the worker tests run in the import worker (module-level, so they can be sent)."""
from __future__ import annotations

import os
import signal
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Accounts" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_workbook(path: Path, sheet_parts: Iterator[str], string_parts: Iterator[str] | None = None) -> Path:
    """An .xlsx whose only sheet's XML is the concatenation of `sheet_parts` (streamed, deflated),
    with a shared strings part of `string_parts` when given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
        if string_parts is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
                for part in string_parts:
                    strings.write(part.encode())
    return path


def _sheet(path: Path, dimension: str, rows: list[tuple[int, list[tuple[str, str]]]]) -> Path:
    """A workbook of one sheet: `dimension` ('' for none), then rows of (number, [(cell, text)])."""
    return write_workbook(path, iter([
        _SHEET_HEAD, dimension, "<sheetData>",
        *(f'<row r="{number}">' + "".join(_cell(ref, text) for ref, text in cells) + "</row>" for number, cells in rows),
        "</sheetData></worksheet>"]))


def lying_workbook(path: Path) -> Path:
    """Declares A1:B2 but has a cell at XFD1048576."""
    return _sheet(path, '<dimension ref="A1:B2"/>', [(1, [("A1", "Id"), ("B1", "Name")]),
                                                    (2, [("A2", "001A"), ("B2", "Acme")]),
                                                    (1048576, [("XFD1048576", "x")])])


def unreferenced_workbook(path: Path, rows: int, columns: int) -> Path:
    """No dimension and no `r` on rows or cells: `rows` rows of `columns` cells, placed in order."""
    row = "<row>" + '<c t="inlineStr"><is><t>v</t></is></c>' * columns + "</row>"
    return write_workbook(path, iter([_SHEET_HEAD, "<sheetData>", *([row] * rows), "</sheetData></worksheet>"]))


def shared_string_bomb(path: Path, megabytes: int) -> Path:
    """A small workbook whose one shared string inflates to `megabytes` MB (below the size a zip
    ratio is judged at, so only the string's own size gives it away)."""
    block = "x" * (1 << 20)
    strings = iter(['<?xml version="1.0" encoding="UTF-8"?><sst count="2" uniqueCount="2">',
                    "<si><t>Id</t></si><si><t>", *([block] * megabytes), "</t></si></sst>"])
    return write_workbook(path, iter([
        _SHEET_HEAD, '<dimension ref="A1:A2"/><sheetData>',
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>',
        "</sheetData></worksheet>"]), strings)


def small_workbook(path: Path) -> Path:
    """A well-formed accounts sheet (two rows)."""
    return _sheet(path, '<dimension ref="A1:C3"/>', [(1, [("A1", "Id"), ("B1", "Name"), ("C1", "BillingCity")]),
                                                    (2, [("A2", "001A"), ("B2", "Acme"), ("C2", "Paris")]),
                                                    (3, [("A3", "001B"), ("B3", "Beta"), ("C3", "Lyon")])])


def far_corner_workbook(path: Path, declare: bool = True) -> Path:
    """A tiny workbook with cells at A1 and XFD1048576: the Excel reader would allocate 17 billion cells."""
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare else ""
    return _sheet(path, dimension, [(1, [("A1", "Id")]), (1048576, [("XFD1048576", "x")])])


def inflating_workbook(path: Path, megabytes: int) -> Path:
    """A small file whose sheet XML inflates to `megabytes` MB (one row repeated: compresses ~1000:1)."""
    row = f'<row>{_cell("A2", "001A")}{_cell("B2", "Acme")}</row>'
    block = row * ((1 << 20) // len(row))

    def parts() -> Iterator[str]:
        yield _SHEET_HEAD + '<dimension ref="A1:B2"/><sheetData>'
        yield f'<row r="1">{_cell("A1", "Id")}{_cell("B1", "Name")}</row>'
        for _ in range(megabytes):
            yield block
        yield "</sheetData></worksheet>"
    return write_workbook(path, parts())


# Tasks the worker tests send to the import worker.
def abort() -> None:
    os.kill(os.getpid(), signal.SIGABRT)


def kill_itself() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def hang() -> None:
    time.sleep(3600)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def pid() -> int:
    return os.getpid()
