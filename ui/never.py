"""Days since an account's last activity, for a table a reader sorts: an account never contacted
reads "never" (从未), not "–", and sorts as the longest silence — last from the fewest days up,
first from the most — as the health score counts it (no recency points at all).

Streamlit's grid sorts a blank cell before every number, so "never" is carried as an infinite
number of days (sorted after every real count) and only its cells are shown as the word, through
a pandas Styler (the frame is at most the shown rows: ui.row_limit.SHOWN_ROWS).
"""
from __future__ import annotations

import polars as pl
from pandas.io.formats.style import Styler

from engine.i18n import t
from ui.tables import EMPTY

NEVER = float("inf")


def days_or_never(frame: pl.DataFrame, days: str, lang: str,
                  decimals: dict[str, int] | None = None) -> pl.DataFrame | Styler:
    """`frame` (columns already labelled) for st.dataframe: as it is when every row has its days,
    else as a Styler — `days` as whole days with "never" for a blank, the columns of `decimals`
    with that many decimals (a Styler shows what it formats). Streamlit's pass over every cell of
    a Styler costs ~70 ms of CPU per rerun for 1,000 rows × 8 columns, so only rows that need the
    word pay it."""
    if frame[days].null_count() == 0:
        return frame
    shown = frame.with_columns(pl.col(days).cast(pl.Float64).fill_null(NEVER)).to_pandas()
    # every cell is shown as the Styler formats it: blanks as the other tables show them
    styler = shown.style.format(na_rep=EMPTY).format("{:,.0f}", subset=[days])
    for column, places in (decimals or {}).items():
        styler = styler.format(f"{{:,.{places}f}}", subset=[column], na_rep=EMPTY)
    never = shown.index[shown[days] == NEVER]
    return styler.format(t("health.never", lang), subset=(never, [days]))
