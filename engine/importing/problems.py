"""Problems as rows: the `row, column, value, reason, reason_key, reason_args` frame every check of
an import returns.

`column` is the export's own header and `row` the spreadsheet row, so users find the cell. `reason`
is the English sentence (what the command line prints and tests compare); `reason_key` is its
catalog key and `reason_args` its values as a JSON object, so the Import page says the same
sentence in the reader's language (`reasons_in`). Problems can be millions of rows: a sentence is
filled in by polars, from the template of each distinct key, never by Python per row.
"""
from __future__ import annotations

import json
from string import Formatter

import polars as pl

from engine.i18n import template
from engine.store.errors import Problem
from engine.importing.raw import ROW

VALUE_CHARS = 200  # a problem shows the start of the value, not a whole 60 MB cell
PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String,
                  "reason_key": pl.String, "reason_args": pl.String}
PROBLEM_COLUMNS = ("row", "column", "value", "reason")  # what a Problem holds (and the CLI shows)
# A ragged row's cells past the header have no column name: the problem names "(field N)".
EXTRA_FIELD = "import.problem.extra_field"


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def _arguments(params: dict) -> str | None:
    return json.dumps({name: str(value) for name, value in params.items()}, ensure_ascii=False) if params else None


def problem_frame(problems: list[Problem]) -> pl.DataFrame:
    """Problems (of one file) as a PROBLEM_SCHEMA frame; a reason that is a Note keeps its key."""
    return pl.DataFrame([(p.row, p.column, p.value, str(p.reason), getattr(p.reason, "key", None),
                          _arguments(getattr(p.reason, "params", {}))) for p in problems],
                        schema=PROBLEM_SCHEMA, orient="row")


def problem_rows(frame: pl.DataFrame, bad: pl.Expr, column: str, value: pl.Expr | None,
                 key: str | pl.Expr, **args: str | pl.Expr) -> pl.DataFrame:
    """One problem per row of `frame` where `bad` holds: the reason is the catalog message `key`
    (text, or an expression choosing one per row) filled with `args` (text, or per-row expressions)."""
    value_expr = pl.lit(None, pl.String) if value is None else value.cast(pl.String).str.slice(0, VALUE_CHARS)
    key_expr = pl.lit(key, pl.String) if isinstance(key, str) else key.cast(pl.String)
    args_expr = pl.struct([(v if isinstance(v, pl.Expr) else pl.lit(v)).cast(pl.String).alias(name)
                           for name, v in args.items()]).struct.json_encode() if args else pl.lit(None, pl.String)
    # Lazily, so that only the columns the check names are filtered, not the whole frame.
    found = frame.lazy().filter(bad.fill_null(False)).select(
        pl.col(ROW).cast(pl.Int64).alias("row"), pl.lit(column, pl.String).alias("column"),
        value_expr.alias("value"), pl.lit(None, pl.String).alias("reason"), key_expr.alias("reason_key"),
        args_expr.alias("reason_args")).collect()
    return found.with_columns(reason_text(found, "en").alias("reason")).select(list(PROBLEM_SCHEMA))


def reason_text(problems: pl.DataFrame, lang: str) -> pl.Expr:
    """The reason of each problem in `lang`: its key's template filled with its arguments (a
    problem without a key keeps its `reason`). Python runs once per distinct key, not per row."""
    keys = problems["reason_key"].drop_nulls().unique().to_list() if problems.height else []
    templates = {key: template(key, lang) for key in keys}
    names = sorted({name for text in templates.values() for _, name, _, _ in Formatter().parse(text) if name})
    text = pl.col("reason_key").replace_strict(templates, default=None, return_dtype=pl.String)
    for name in names:
        text = text.str.replace_all("{" + name + "}", pl.col("reason_args").str.json_path_match(f"$.{name}")
                                    .fill_null(""), literal=True)
    return pl.coalesce(text, pl.col("reason"))


def reasons_in(problems: pl.DataFrame, lang: str) -> pl.DataFrame:
    """`problems` with `reason` in `lang` and without the key and arguments (what a reader sees)."""
    if "reason_key" not in problems.columns:
        return problems
    return problems.with_columns(reason_text(problems, lang).alias("reason"), column_text(lang).alias("column")) \
        .drop("reason_key", "reason_args")


def column_text(lang: str) -> pl.Expr:
    """`column` in `lang`: "(field N)", the name of a ragged row's extra cells, is said in `lang`;
    every other column is the export's own header and stays as it is."""
    before, after = template(EXTRA_FIELD, "en").split("{number}")  # the English the engine wrote
    number = pl.col("column").str.strip_prefix(before).str.strip_suffix(after)
    extra = (pl.col("reason_key") == "import.problem.ragged_more") & number.str.contains(r"^\d+$")
    said_before, said_after = template(EXTRA_FIELD, lang).split("{number}")
    said = pl.concat_str([pl.lit(said_before), number, pl.lit(said_after)])
    return pl.when(extra.fill_null(False)).then(said).otherwise(pl.col("column"))


def as_problems(frame: pl.DataFrame) -> list[Problem]:
    """Rows of a problems frame with its `file` as Problem objects (English reasons)."""
    return [Problem(*row) for row in frame.select("file", *PROBLEM_COLUMNS).iter_rows()]
