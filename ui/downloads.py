"""Download buttons under every table (CSV, Excel) and chart (PNG, SVG).

Exports carry full precision: what a table shows rounded for reading, its download keeps exact.
Both go through engine.store.exports, so text that looks like a formula never runs in a spreadsheet.
"""
from __future__ import annotations

from collections.abc import Callable

import altair as alt
import polars as pl
import streamlit as st

from engine.store.exports import csv_bytes, xlsx_bytes
from ui.context import tr


def table_downloads(frame: "pl.DataFrame | Callable[[], pl.DataFrame]", name: str, *, key: str | None = None) -> None:
    """CSV and XLSX buttons for `frame` (or for what `frame()` returns, built only when clicked),
    files named `<name>.csv` / `<name>.xlsx`. Both files are written when clicked, not on every
    rerun: the CSV of a million-row list costs a second."""
    key = key or name
    table = frame if callable(frame) else (lambda: frame)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(tr("common.download_csv"), lambda: csv_bytes(table(), bom=True),
                         f"{name}.csv", "text/csv", key=f"{key}-csv", width="stretch", on_click="ignore")
    right.download_button(
        tr("common.download_xlsx"), lambda: xlsx_bytes(table()), f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx", on_click="ignore",
        width="stretch")


def chart_downloads(chart: alt.TopLevelMixin, name: str, *, key: str | None = None) -> None:
    """PNG and SVG buttons for an Altair chart, rendered offline by vl-convert on click.

    The chart's spec is written only then too: validating and serialising it costs 10–40 ms a
    chart, which every rerun of every page paid for buttons that are rarely clicked."""
    import vl_convert as vlc

    key = key or name
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("PNG", lambda: vlc.vegalite_to_png(chart.to_json(), scale=2), f"{name}.png", "image/png",
                         key=f"{key}-png", width="stretch", on_click="ignore")
    right.download_button("SVG", lambda: vlc.vegalite_to_svg(chart.to_json()).encode("utf-8"), f"{name}.svg",
                          "image/svg+xml", key=f"{key}-svg", width="stretch", on_click="ignore")
