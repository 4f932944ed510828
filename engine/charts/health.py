"""Customer-health charts: accounts per tier by territory or rep, in the red/amber/green of
engine/charts/palette.py (the same colours as attainment)."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.axes import name_axis
from engine.charts.palette import AMBER, GREEN, RED
from engine.charts.theme import base, themed
from engine.health.config import TIERS
from engine.i18n import t

TIER_COLOURS = {"green": GREEN, "yellow": AMBER, "red": RED}


def tier_distribution(counts: pl.DataFrame, by: str, lang: str = "en", *, dark: bool = False) -> alt.TopLevelMixin:
    """Stacked bars of accounts per tier (`engine.health.views.distribution`), most red first."""
    labels = {tier: t(f"health.tier.{tier}", lang) for tier in TIERS}
    frame = counts.with_columns(pl.col("tier").replace_strict(labels, return_dtype=pl.String).alias("tier_label"),
                                pl.col("tier").replace_strict({k: i for i, k in enumerate(TIERS)},
                                                              return_dtype=pl.Int8).alias("order"))
    red = frame.filter(tier="red").select("name", pl.col("accounts").alias("red"))
    order = (frame.group_by("name").agg(pl.col("accounts").sum().alias("total")).join(red, on="name", how="left")
             .sort(pl.col("red").fill_null(0), "total", descending=True)["name"].to_list())
    chart = base(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None, axis=name_axis()),
        x=alt.X("accounts:Q", title=t("chart.health.accounts", lang), stack="zero"),
        color=alt.Color("tier_label:N", title=None,
                        scale=alt.Scale(domain=[labels[k] for k in TIERS], range=[TIER_COLOURS[k] for k in TIERS]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("order:Q"),
        tooltip=["name:N", "tier_label:N", "accounts:Q"])
    title = t("chart.health.title", lang, by=t(f"health.dist.{by}", lang).lower() if lang == "en" else t(f"health.dist.{by}", lang))
    return themed(chart.properties(title=title, height={"step": 26}), dark=dark)


def tier_trend(history: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Accounts per tier at each month end (`engine.health.views.tier_history`), stacked."""
    labels = {tier: t(f"health.tier.{tier}", lang) for tier in TIERS}
    frame = history.with_columns(pl.col("tier").replace_strict(labels, return_dtype=pl.String).alias("tier_label"),
                                 pl.col("tier").replace_strict({k: i for i, k in enumerate(TIERS)},
                                                               return_dtype=pl.Int8).alias("order"),
                                 pl.col("day").cast(pl.String).alias("when"))
    chart = base(frame).mark_bar().encode(
        x=alt.X("when:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("accounts:Q", title=t("chart.health.accounts", lang), stack="zero"),
        color=alt.Color("tier_label:N", title=None,
                        scale=alt.Scale(domain=[labels[k] for k in TIERS], range=[TIER_COLOURS[k] for k in TIERS]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("order:Q"), tooltip=["when:O", "tier_label:N", "accounts:Q"])
    return themed(chart.properties(title=t("chart.health.trend", lang), height=260))
