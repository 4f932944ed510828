"""How every page shows a table, in one style: money compact with the currency in the header (1.2M
in English; in Chinese the column is counted in 万 or 亿, as Chinese reads money), percentages with
one decimal, counts with thousands separators, changes with their sign and coloured (green up, red
down: `engine.charts.palette.DELTA_UP / DELTA_DOWN`), names instead of ids, no "None" in a text cell. Only the display changes — the frame handed to
`ui.downloads.table_downloads` keeps full precision, fractions as fractions and the ids.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import polars as pl
import streamlit as st

from engine.charts.palette import DELTA_DOWN, DELTA_UP

PERCENT_FORMAT = "%.1f%%"  # applied to fraction × 100, so 0.32087 shows 32.1%
EMPTY = "–"  # what a blank text cell shows


def money_unit(values: pl.Series, lang: str) -> tuple[float, str]:
    """(divisor, unit word) the money of a table is counted in. Chinese: 万 once the largest amount
    reaches 10,000, 亿 only when every column's largest amount does (so one table never mixes
    1.2亿 with 5394.1万); English keeps the amount (the grid compacts it to 1.2M)."""
    if lang != "zh":
        return 1.0, ""
    magnitudes = values.abs().drop_nulls()
    if not magnitudes.len() or magnitudes.max() < 1e4:
        return 1.0, ""
    return (1e8, "亿") if magnitudes.min() >= 1e8 else (1e4, "万")


def signed_money_unit(values: pl.Series) -> tuple[float, str]:
    """(divisor, unit word) of an English change in money: the grid's compact format drops the
    "+" of a rise, so a signed column is counted in K, M or B by its largest change instead."""
    largest = values.abs().max() if values.len() else None
    for size, word in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if largest is not None and largest >= size:
            return size, word
    return 1.0, ""


def readable(frame: pl.DataFrame, label: Callable[[str], str], currency: str, *,
             money: Iterable[str] = (), fractions: Iterable[str] = (), counts: Iterable[str] = (),
             decimals: Iterable[str] = (), hidden: Iterable[str] = (), signed: Iterable[str] = (),
             extra: dict | None = None, lang: str = "en") -> tuple[pl.DataFrame, dict]:
    """(display frame, column_config) for `st.dataframe`.

    `label(column)` gives a column's header. Money columns show 1.2M with "(USD)" in the header
    (in Chinese: the column in 万 or 亿, "(万 USD)"), fraction columns are multiplied by 100 and
    shown with one decimal, counts as 1,234, `decimals` with one decimal; `signed` columns (of any
    of those kinds) carry their sign (+1.2 / −3.4), for changes; `hidden` columns are not shown;
    text cells that are empty show "–"; `extra` overrides any column's config.
    """
    money, fractions, counts, decimals, hidden, signed = (set(c) & set(frame.columns) for c in
                                                          (money, fractions, counts, decimals, hidden, signed))
    # one unit for the whole table, judged by each money column's largest amount
    largest = pl.Series([frame[name].abs().max() for name in money], dtype=pl.Float64)
    unit = money_unit(largest, lang)
    units = {name: unit for name in money}
    if lang != "zh":
        units.update({name: signed_money_unit(frame[name].cast(pl.Float64)) for name in money & signed})
    shown = frame.with_columns(
        *(pl.col(c) * 100 for c in fractions),
        *(pl.col(c) / units[c][0] for c in money if units[c][0] != 1.0),
        *(pl.col(c).fill_null(EMPTY) for c, dtype in frame.schema.items() if dtype == pl.String and c not in hidden))
    config: dict = {}
    for name in frame.columns:
        sign = "+" if name in signed else ""
        if name in hidden:
            config[name] = None
        elif name in money:
            size, word = units[name]
            header = f"{label(name)} ({word} {currency})" if word else f"{label(name)} ({currency})"
            if lang == "zh" or sign:
                digits = {"亿": 2, "万": 1, "B": 2, "M": 1, "K": 1}.get(word, 0)
                # digits grouped as the tiles group them: 5,394.1 (万 USD), never 5394.1
                config[name] = st.column_config.NumberColumn(header, format=f"%{sign},.{digits}f")
            else:
                config[name] = st.column_config.NumberColumn(header, format="compact")
        elif name in fractions:
            config[name] = st.column_config.NumberColumn(label(name), format=f"%{sign}.1f%%")
        elif name in counts:
            config[name] = st.column_config.NumberColumn(label(name), format=f"%{sign},d" if sign else "localized")
        elif name in decimals:
            config[name] = st.column_config.NumberColumn(label(name), format=f"%{sign},.1f")
        else:
            config[name] = label(name)
    config.update(extra or {})
    return shown, config


def before_after_columns(figures: Iterable[str], columns: Iterable[str]) -> list[str]:
    """`<figure>_before, <figure>_after, <figure>_delta` of each figure, in that order, that exist."""
    present = set(columns)
    return [f"{figure}_{when}" for figure in figures for when in ("before", "after", "delta")
            if f"{figure}_{when}" in present]


def tones(frame: pl.DataFrame, columns: Iterable[str]) -> dict[str, pl.Series]:
    """The direction of each change in `columns` of a display frame (`readable`'s): 1 up, -1 down,
    0 or null unchanged — judged at one decimal of what the cell shows, so a change that reads
    "+0.0" is not coloured."""
    return {c: frame[c].cast(pl.Float64).round(1).sign() for c in columns if c in frame.columns}


def styled(shown: pl.DataFrame, directions: dict[str, pl.Series]):
    """`shown` as a pandas Styler whose cells in `directions` are green (up) or red (down). The
    values stay numbers (sortable; the column config still formats them): only the colour is added."""
    frame = shown.to_pandas()
    css = {c: ["" for _ in range(shown.height)] for c in shown.columns}
    for column, direction in directions.items():
        css[column] = [f"color: {DELTA_UP}; font-weight: 600" if d is not None and d > 0 else
                       f"color: {DELTA_DOWN}; font-weight: 600" if d is not None and d < 0 else ""
                       for d in direction.to_list()]

    styles = pd.DataFrame(css, index=frame.index, columns=frame.columns)
    # pandas, on a display table of a few hundred rows, on this thread (never the polars pool)
    return frame.style.apply(_given_css, axis=None, styles=styles)


def _given_css(_: "pd.DataFrame", styles: "pd.DataFrame") -> "pd.DataFrame":
    """Styler.apply's hook: the CSS worked out above, cell for cell."""
    return styles


def show(frame: pl.DataFrame, label: Callable[[str], str], currency: str, *, lang: str = "en",
         key: str | None = None, height: int | str = "auto", directions: dict[str, pl.Series] | None = None,
         **kinds) -> None:
    """`readable` + `st.dataframe`: the one call a page makes to show a table. Signed columns (and
    any in `directions`, e.g. a scenario against the live assignment) are coloured by direction."""
    shown, config = readable(frame, label, currency, lang=lang, **kinds)
    # Only columns with a change to colour: a pandas Styler costs Streamlit a Python pass over every
    # cell on every rerun (the planner's two tables before any move: 60% of its run at 1M accounts)
    coloured = {c: d for c, d in {**tones(shown, kinds.get("signed", ())), **(directions or {})}.items()
                if (d.fill_null(0) != 0).any()}
    data = styled(shown, coloured) if coloured and shown.height else shown
    st.dataframe(data, column_config=config, hide_index=True, key=key, height=height, width="stretch",
                 placeholder=EMPTY)
