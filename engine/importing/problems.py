"""Problems as rows: the `row, column, value, reason` frame every check of an import returns.

`column` is the export's own header and `row` the spreadsheet row, so users find the cell.
"""
from __future__ import annotations

import polars as pl

from engine.store.errors import Problem
from engine.importing.raw import ROW

VALUE_CHARS = 200  # a problem shows the start of the value, not a whole 60 MB cell
PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problem_frame(problems: list[Problem]) -> pl.DataFrame:
    """Problems (of one file) as a PROBLEM_SCHEMA frame."""
    return pl.DataFrame([(p.row, p.column, p.value, p.reason) for p in problems], schema=PROBLEM_SCHEMA, orient="row")


def problem_rows(frame: pl.DataFrame, bad: pl.Expr, column: str, value: pl.Expr | None,
                 reason: pl.Expr | str) -> pl.DataFrame:
    """One problem per row of `frame` where `bad` holds."""
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    value_expr = pl.lit(None, pl.String) if value is None else value.cast(pl.String).str.slice(0, VALUE_CHARS)
    # Lazily, so that only the columns the check names are filtered, not the whole frame.
    return frame.lazy().filter(bad.fill_null(False)).select(
        pl.col(ROW).cast(pl.Int64).alias("row"), pl.lit(column).alias("column"),
        value_expr.alias("value"), reason_expr.cast(pl.String).alias("reason")).collect()
