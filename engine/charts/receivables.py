"""The receivables chart: past-due amounts per territory, stacked by ageing bucket, the oldest
money darkest (amber to red of engine/charts/palette.py)."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.axes import money_axis, name_axis
from engine.charts.theme import base, themed
from engine.health.receivables import BUCKETS
from engine.i18n import t

BUCKET_COLOURS = ("#F2C14E", "#E8833A", "#D1495B", "#8C1C3A")  # 1–30 … 90+: later is redder


def past_due_by_territory(ageing: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """Stacked bars from an ageing table (engine.health.receivables.AGEING_COLUMNS), most past due
    first; territories with nothing past due are left out."""
    labels = {b: t(f"receivables.bucket.{b}", lang) for b in BUCKETS}
    shown = ageing.filter(pl.col("past_due") > 0)
    long = (shown.unpivot(index="territory", on=[f"due_{b}" for b in BUCKETS], variable_name="bucket",
                          value_name="amount")
            .with_columns(pl.col("bucket").str.strip_prefix("due_"))
            .with_columns(pl.col("bucket").replace_strict(labels, return_dtype=pl.String).alias("age"),
                          pl.col("bucket").replace_strict({b: i for i, b in enumerate(BUCKETS)},
                                                          return_dtype=pl.Int8).alias("order")))
    worst = shown["territory"][0] if shown.height else "—"
    chart = base(long).mark_bar().encode(
        y=alt.Y("territory:N", sort=shown["territory"].to_list(), title=None, axis=name_axis()),
        x=alt.X("amount:Q", stack="zero", axis=money_axis(lang, currency, t("chart.receivables.amount", lang))),
        color=alt.Color("age:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[labels[b] for b in BUCKETS], range=list(BUCKET_COLOURS))),
        order=alt.Order("order:Q"), tooltip=["territory:N", "age:N", alt.Tooltip("amount:Q", format=",.0f")])
    return themed(chart.properties(title=t("chart.receivables.title", lang, worst=worst), height={"step": 26}))
