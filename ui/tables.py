"""How the desk pages show a table: money compact with the currency in the header, percentages with
one decimal, counts with thousands separators. Only the display changes — the frame handed to
`ui.downloads.table_downloads` keeps full precision and fractions as fractions.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl
import streamlit as st

PERCENT_FORMAT = "%.1f%%"  # applied to fraction × 100, so 0.32087 shows 32.1%


def readable(frame: pl.DataFrame, label: Callable[[str], str], currency: str, *,
             money: Iterable[str] = (), fractions: Iterable[str] = (), counts: Iterable[str] = (),
             decimals: Iterable[str] = (), hidden: Iterable[str] = (),
             extra: dict | None = None) -> tuple[pl.DataFrame, dict]:
    """(display frame, column_config) for `st.dataframe`.

    `label(column)` gives a column's header. Money columns show 1.2M with "(USD)" in the header,
    fraction columns are multiplied by 100 and shown with one decimal, counts as 1,234, `decimals`
    with one decimal; `hidden` columns are not shown; `extra` overrides any column's config.
    """
    money, fractions, counts, decimals, hidden = (set(c) & set(frame.columns) for c in
                                                  (money, fractions, counts, decimals, hidden))
    shown = frame.with_columns(pl.col(c) * 100 for c in fractions)
    config: dict = {}
    for name in frame.columns:
        if name in hidden:
            config[name] = None
        elif name in money:
            config[name] = st.column_config.NumberColumn(f"{label(name)} ({currency})", format="compact")
        elif name in fractions:
            config[name] = st.column_config.NumberColumn(label(name), format=PERCENT_FORMAT)
        elif name in counts:
            config[name] = st.column_config.NumberColumn(label(name), format="localized")
        elif name in decimals:
            config[name] = st.column_config.NumberColumn(label(name), format="%.1f")
        else:
            config[name] = label(name)
    config.update(extra or {})
    return shown, config
