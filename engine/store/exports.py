"""Every table that leaves Terrain as a file goes through here: CSV with formula-safe text, XLSX with
strings kept strings.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: an account named `=HYPERLINK("http://evil", "Open")` or
`+cmd|' /C calc'!A0` becomes a live link or command on the reader's desk. Following OWASP's
CSV-injection guidance, such text cells get a leading single quote, which spreadsheets show as
text. Only text columns are touched: a numeric column stays numeric (a negative amount stays
`-1500.0`), while `-2+3` in a text column is neutralised. The full-width forms (＝＋－＠), which
some East Asian spreadsheet locales also read as formula starts, are treated the same.
XLSX cells are typed, so strings stay strings there, written with formula and URL conversion off.
"""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl

# Characters that make a spreadsheet read a cell as a formula (OWASP), plus their full-width forms.
FORMULA_STARTS = "=+-@\t\r＝＋－＠"
_STARTS_LIKE_A_FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS) + "]"
_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that starts like a formula prefixed by `'`; other columns as they are."""
    guarded = []
    for name, dtype in frame.schema.items():
        if not isinstance(dtype, _TEXT_TYPES):
            continue
        text = pl.col(name).cast(pl.String)
        guarded.append(pl.when(text.str.contains(_STARTS_LIKE_A_FORMULA))
                       .then(pl.lit("'") + text).otherwise(text).alias(name))
    return frame.with_columns(guarded) if guarded else frame


def csv_text(frame: pl.DataFrame) -> str:
    """The CSV text of `frame`, formula-safe (see the module docstring)."""
    return neutralised(frame).write_csv()


def csv_bytes(frame: pl.DataFrame, *, bom: bool = False) -> bytes:
    """UTF-8 CSV bytes, with a byte-order mark when `bom` (Excel then reads UTF-8 right)."""
    return ("\ufeff" if bom else "").encode("utf-8") + csv_text(frame).encode("utf-8")


def write_csv_file(frame: pl.DataFrame, path: str | Path) -> None:
    """Write the formula-safe CSV of `frame` to `path`."""
    neutralised(frame).write_csv(path)


def xlsx_bytes(frame: pl.DataFrame) -> bytes:
    """An .xlsx workbook of `frame` whose text cells are strings, never formulas or hyperlinks."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                 "nan_inf_to_errors": True, "default_date_format": "yyyy-mm-dd;@"})
    with workbook:
        frame.write_excel(workbook, autofit=True)
    return buffer.getvalue()
