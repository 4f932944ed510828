"""Text for a column's values, looked up rather than computed per row.

A label (a month name, a translated category) depends only on the value, and a column has few
distinct values; so each distinct value is labelled once and the column is mapped with
`replace_strict` — no Python function called per row on the serving path.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl


def relabel(values: pl.Series, label: Callable[[object], str]) -> pl.Series:
    """`values` with each non-null value replaced by `label(value)` (nulls stay null)."""
    mapping = {value: label(value) for value in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default=None, return_dtype=pl.String)
