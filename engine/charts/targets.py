"""Target planner charts: how the company target splits over regions, and over the months."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.i18n.labels import relabel
from engine.charts.axes import money_axis, month_axis, name_axis
from engine.charts.theme import base, themed
from engine.i18n import fmt_month, fmt_pct, t
from engine.charts.palette import CATEGORICAL, territory_colour


def region_split(nodes: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """The regions' share of the company target (from `engine.metrics.targets.decompose`), in the regions'
    own colours."""
    regions = nodes.filter(pl.col("depth") == 1).sort("amount", "name", descending=[True, False])
    if regions.height and regions["amount"].sum() > 0:
        top = regions.row(0, named=True)
        title = t("chart.split.title", lang, name=top["name"], share=fmt_pct(top["share"], lang))
    else:
        title = t("targets.tile.plan", lang)
    chart = base(regions).mark_bar().encode(
        y=alt.Y("name:N", sort=regions["name"].to_list(), title=None, axis=name_axis()),
        x=alt.X("amount:Q", title=None, axis=money_axis(lang, currency)),
        color=alt.Color("scope_id:N", legend=None, scale=alt.Scale(
            domain=regions["scope_id"].to_list(), range=[territory_colour(r) for r in regions["scope_id"]])),
        tooltip=["name:N", alt.Tooltip("amount:Q", format=",.2f"), alt.Tooltip("share:Q", format=".1%")])
    return themed(chart.properties(title=title, height={"step": 30}))


def month_split(weights: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Each month's share of the year (from `engine.metrics.seasonality.month_weights`)."""
    frame = weights.with_columns(
        relabel(weights["period_start"], lambda d: fmt_month(d, lang)).alias("label"))
    if frame.height:
        top = frame.sort("share", descending=True).row(0, named=True)
        title = t("chart.seasonality.title", lang, month=top["label"], share=fmt_pct(top["share"], lang))
    else:
        title = t("targets.months", lang)
    chart = base(frame).mark_bar(color=CATEGORICAL[0]).encode(
        x=alt.X("label:N", sort=frame["label"].to_list(), title=None, axis=month_axis()),
        y=alt.Y("share:Q", title=t("chart.seasonality.share", lang), axis=alt.Axis(format="%")),
        tooltip=["label:N", alt.Tooltip("share:Q", format=".1%")])
    return themed(chart.properties(title=title, height=240))
