"""The board's regional map: this quarter's regions (or the scope's children) with their share of
the won revenue and their attainment, as the rows the map draws (engine/charts/board_map.py)."""
from __future__ import annotations

from datetime import date

import polars as pl

from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.periods import period_containing
from engine.store import Store
from engine.store.settings import Settings, load_settings

MAP_COLUMNS = ("id", "level", "name", "won", "share", "target", "attainment", "pipeline")


def region_map_rows(store: Store, scope: list[str] | None, settings: Settings | None = None,
                    as_of: date | None = None) -> pl.DataFrame:
    """This quarter per region (per child territory of a scope): MAP_COLUMNS, share = won ÷ the
    rows' total won (None when nothing was won), biggest first — the same rows and order as the
    regions panel's table (panels.regions)."""
    settings = settings or load_settings()
    as_of = as_of or as_of_date(store)
    period = period_containing(as_of, "quarter", settings.fiscal_year_start_month)
    table = attainment_table(store, period, "region" if scope is None else "children", scope, settings, as_of)
    total = table["won"].sum()
    share = pl.col("won") / total if total else pl.lit(None, pl.Float64)
    return (table.with_columns(share.alias("share")).select(MAP_COLUMNS)
            .sort("won", "name", descending=[True, False]))
