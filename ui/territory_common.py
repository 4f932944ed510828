"""What the territory management tabs share: the note a change leaves for the next run, KPI tiles,
the tree's labels for pickers, the table of a rep's target parts, and `remembered`: every tab's
engine reads kept once per data version for all sessions (every write of these tabs moves the
version on), so a rerun of the page draws seven tabs without recomputing one."""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.store import Store
from engine.store.errors import TerrainError
from engine.territories.tree import territory_table
from ui.tables import EMPTY, readable
from ui.shared import shared_result
from ui.markup import plain


def show_note(key: str) -> None:
    """The outcome of the last change made through a tab (set by its button callback)."""
    note = st.session_state.pop(f"{key}-note", None)
    if note:
        (st.success if note[0] else st.error)(note[1])


def done(key: str, message: str) -> None:
    st.session_state[f"{key}-note"] = (True, message)


def failed(key: str, error: TerrainError) -> None:
    st.session_state[f"{key}-note"] = (False, f"**{plain(error.title)}** — {plain(error)}")


def tiles(values: list[tuple[str, object]]) -> None:
    """One row of KPI tiles: (label, value) pairs; counts get thousands separators."""
    for cell, (label, value) in zip(st.columns(len(values)), values):
        cell.metric(label, f"{value:,}" if isinstance(value, int) else value)


def remembered(name: str, build, **parts):
    """`build()` once per data version, viewer and `parts` (ui.shared.shared_result)."""
    return shared_result(("territories", name), build, **parts)


def tree_labels(store: Store) -> tuple[pl.DataFrame, dict, dict]:
    """(the tree table, id → name, id → path) for pickers that name territories."""
    def build():
        table = territory_table(store)
        return (table, dict(zip(table["territory_id"], table["name"])),
                dict(zip(table["territory_id"], table["path"])))
    return remembered("tree_labels", build)


def opened_tree(store: Store, lang: str, key: str) -> tuple[pl.DataFrame, dict, dict] | None:
    """How the tree-based tabs open: the last change's note, then `tree_labels`, or the empty
    state and None when there is no territory yet."""
    show_note(key)
    labels = tree_labels(store)
    if labels[0].is_empty():
        st.info(t("common.no_data", lang))
        return None
    return labels


def target_parts_table(parts: pl.DataFrame, lang: str, currency: str, key: str) -> None:
    """Reps' target parts (engine.metrics.target_parts.rep_attainment_parts): a row per territory,
    then the rep's total."""
    shown = parts.with_columns(
        pl.when(pl.col("row") == "total").then(pl.lit(t("tadmin.part.total", lang)))
        .otherwise(pl.coalesce("territory", pl.lit(t("tadmin.part.elsewhere", lang)))).alias("territory"))
    view, config = readable(shown.select("rep", "territory", "target", "won", "attainment", "gap"),
                            lambda c: t(f"tadmin.col.{c}", lang), currency, money=("target", "won", "gap"),
                            fractions=("attainment",))
    st.dataframe(view, hide_index=True, width="stretch", column_config=config, key=key, placeholder=EMPTY)
