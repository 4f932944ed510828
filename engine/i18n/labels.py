"""Display labels for a column of values, built without Python callbacks inside polars.

The serving path never hands a lambda to polars (element- or batch-wise Python callbacks): those run on the
polars thread pool and need the GIL, which deadlocked the server under concurrent sessions (issue
12). A chart's labels are formatted in plain Python over the few rows already collected, and a
column of codes is translated with `replace_strict` over the codes it holds — both native.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl

from engine.i18n import t


def formatted(values: pl.Series, fmt: Callable[[object], str], name: str | None = None, *,
              skip_nulls: bool = True) -> pl.Series:
    """`fmt` of each value as a String series (null stays null unless `skip_nulls=False`)."""
    texts = [None if value is None and skip_nulls else fmt(value) for value in values.to_list()]
    return pl.Series(name or values.name, texts, dtype=pl.String)


def translated(column: str | pl.Expr, codes: pl.Series, key: str, lang: str) -> pl.Expr:
    """An expression naming each code of `column` by the message `key.format(code=...)`; `codes`
    are the values the column holds (the expression is built for exactly those)."""
    expr = pl.col(column) if isinstance(column, str) else column
    mapping = {code: t(key.format(code=code), lang) for code in codes.unique().to_list() if code is not None}
    return expr.replace_strict(mapping, default=None, return_dtype=pl.String)


def relabel(values: pl.Series, label: Callable[[object], str]) -> pl.Series:
    """`values` with each non-null value replaced by `label(value)` (nulls stay null): each distinct
    value is labelled once (a month name, a translated category), so a long column costs a lookup."""
    mapping = {value: label(value) for value in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default=None, return_dtype=pl.String)
