"""Charts of the what-if planner: the change per territory and the auto-balance trade-off curve.

Pure builders (no st.*): they take engine frames and translated labels and return Altair charts.
"""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.theme import base, territory_scale, themed
from engine.charts.palette import territory_colour

TRADEOFF_SELECTION = "tradeoff_point"


def change_bars(before_after: pl.DataFrame, figure: str, *, title: str, before_label: str, after_label: str,
                axis_title: str) -> alt.TopLevelMixin:
    """Per territory, the figure before (grey tick) and after (bar in the territory's colour), from a
    `engine.planner.plan.before_after` frame; territories whose figure changed carry a ▲/▼ label."""
    frame = before_after.filter(pl.col("plannable") | (pl.col(f"{figure}_before") != 0)
                                | (pl.col(f"{figure}_after") != 0)).select(
        pl.col("territory_id").fill_null(""), pl.col("name").fill_null("–"),
        pl.col(f"{figure}_before").cast(pl.Float64).alias("before"),
        pl.col(f"{figure}_after").cast(pl.Float64).alias("after"),
        pl.col(f"{figure}_delta").cast(pl.Float64).alias("delta"),
    ).with_columns(
        change=pl.when(pl.col("delta") > 0).then(pl.lit("▲")).when(pl.col("delta") < 0).then(pl.lit("▼"))
        .otherwise(pl.lit("")),
        before_label=pl.lit(before_label), after_label=pl.lit(after_label))
    frame = frame.sort(["after", "name"], descending=[True, False])
    ids = frame["territory_id"].to_list()
    colours = [territory_colour(t or None) for t in ids]
    chart = base(frame)
    # an explicit order (biggest after first) and a fixed step per row keep every label readable
    y = alt.Y("name:N", sort=frame["name"].to_list(), title=None, axis=alt.Axis(labelLimit=180))
    bars = chart.mark_bar(height=14).encode(
        y=y, x=alt.X("after:Q", title=axis_title, axis=alt.Axis(tickCount=6, tickMinStep=1)),
        color=alt.Color("territory_id:N", scale=territory_scale(ids, colours), legend=None),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("before:Q", format=",.0f", title=before_label),
                 alt.Tooltip("after:Q", format=",.0f", title=after_label),
                 alt.Tooltip("delta:Q", format="+,.0f", title="Δ")])
    ticks = chart.mark_tick(color="#1F2933", thickness=2, size=20).encode(y=y, x="before:Q")
    labels = chart.mark_text(align="left", dx=6, fontSize=12, color="#3E4C59").encode(
        y=y, x=alt.X("after:Q"), text="change:N")
    return themed((bars + ticks + labels).properties(title=title, height=alt.Step(24), width="container"))


def tradeoff_chart(curve: pl.DataFrame, *, title: str, x_title: str, y_title: str,
                   chosen: float | None = None) -> alt.TopLevelMixin:
    """Accounts moved (x) against the largest deviation from the mean reached (y), one point per
    tolerance tried, from `engine.planner.balance.auto.tradeoff_curve`. A point selection named
    TRADEOFF_SELECTION (on the `tolerance` field) lets the planner pick a plan; `chosen` is ringed."""
    frame = curve.filter(pl.col("feasible")).with_columns(
        label=(pl.col("tolerance") * 100).round(1).cast(pl.String) + "%",
        chosen=pl.col("tolerance") == (chosen if chosen is not None else -1.0))
    pick = alt.selection_point(name=TRADEOFF_SELECTION, fields=["tolerance"], on="click")
    chart = base(frame)
    x = alt.X("accounts_moved:Q", title=x_title)
    y = alt.Y("max_deviation:Q", title=y_title, axis=alt.Axis(format=".0%"))
    line = chart.mark_line(color="#9AA5B1", point=False).encode(x=x, y=y, order="accounts_moved:Q")
    points = chart.mark_circle(size=140, color="#0072B2").encode(
        x=x, y=y, opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip("label:N", title="±"), alt.Tooltip("accounts_moved:Q", format=","),
                 alt.Tooltip("max_deviation:Q", format=".1%"),
                 alt.Tooltip("added_travel_km:Q", format=",.0f")]).add_params(pick)
    ring = chart.transform_filter(alt.datum.chosen).mark_circle(size=420, fill=None, stroke="#D55E00",
                                                                strokeWidth=2.5).encode(x=x, y=y)
    text = chart.mark_text(dy=-14, fontSize=11, color="#3E4C59").encode(x=x, y=y, text="label:N")
    return themed((line + points + ring + text).properties(title=title, height=260, width="container"))
