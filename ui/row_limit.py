"""Big lists shown as their first rows: a browser grid of 500,000 rows costs the server a second
per rerun (Arrow serialisation, hashing, the websocket) and nobody reads past the first screens.

The page filters and sorts the whole list, shows the first `SHOWN_ROWS` with a caption saying how
many of how many, and its download button keeps every row.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import fmt_number, t

SHOWN_ROWS = 1000


def first_rows(frame: pl.DataFrame, lang: str, limit: int | None = None, *, rows: pl.Series | None = None) -> pl.DataFrame:
    """`frame` (or its `rows`, positions in it) cut to the first `limit` (SHOWN_ROWS), with a caption when cut."""
    limit = SHOWN_ROWS if limit is None else limit
    total = frame.height if rows is None else rows.len()
    if total > limit:
        st.caption(t("scale.rows_shown", lang, shown=fmt_number(limit, lang, compact=False),
                     total=fmt_number(total, lang, compact=False)))
    return frame.head(limit) if rows is None else frame[rows.head(limit)]
