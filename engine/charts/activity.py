"""Activity & KPI charts: revenue and sales cycle by row, and the month × region seasonality heatmap."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.theme import base, themed
from engine.i18n import fmt_money, fmt_pct, t
from engine.palette import CATEGORICAL, territory_colour

MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "zh": tuple(f"{m}月" for m in range(1, 13))}


def _colours(ids: list[str | None]) -> alt.Scale:
    return alt.Scale(domain=[i or "" for i in ids], range=[territory_colour(i) for i in ids])


def revenue_by_row(kpis: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """Won revenue per row (from `engine.kpis.kpi_table`), biggest first."""
    frame = kpis.sort("won", "name", descending=[True, False]).with_columns(pl.col("id").fill_null(""))
    total = frame["won"].sum()
    if total:
        top = frame.row(0, named=True)
        title = t("chart.revenue.title", lang, name=top["name"], won=fmt_money(top["won"], lang, currency),
                  share=fmt_pct(top["won"] / total, lang))
    else:
        title = t("chart.revenue.title_none", lang)
    chart = base(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=frame["name"].to_list(), title=None),
        x=alt.X("won:Q", title=currency, axis=alt.Axis(format="~s")),
        color=alt.Color("id:N", legend=None, scale=_colours(frame["id"].to_list())),
        tooltip=["name:N", alt.Tooltip("won:Q", format=",.2f"), "won_count:Q",
                 alt.Tooltip("avg_deal_size:Q", format=",.2f"), alt.Tooltip("win_rate:Q", format=".1%")])
    return themed(chart.properties(title=title, height={"step": 26}))


def cycle_by_row(kpis: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Median sales cycle in days per row, fastest first."""
    frame = kpis.filter(pl.col("sales_cycle_days").is_not_null()).sort("sales_cycle_days", "name")
    if frame.height:
        top = frame.row(0, named=True)
        title = t("chart.cycle.title", lang, name=top["name"], days=f"{top['sales_cycle_days']:.0f}")
    else:
        title = t("chart.cycle.title_none", lang)
    chart = base(frame).mark_bar(color=CATEGORICAL[2]).encode(
        y=alt.Y("name:N", sort=frame["name"].to_list(), title=None),
        x=alt.X("sales_cycle_days:Q", title=t("activity.col.sales_cycle_days", lang)),
        tooltip=["name:N", alt.Tooltip("sales_cycle_days:Q", format=",.0f"), "won_count:Q"])
    return themed(chart.properties(title=title, height={"step": 26}))


def seasonality_heatmap(matrix: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Share of each region's won revenue per calendar month (from `engine.kpis.seasonality_matrix`)."""
    names = MONTHS["zh" if lang == "zh" else "en"]
    frame = matrix.with_columns(pl.col("month").map_elements(lambda m: names[m - 1], return_dtype=pl.String)
                                .alias("month_name"))
    peak = frame.filter(pl.col("won") > 0).sort("won", descending=True)
    title = (t("chart.heatmap.title", lang, region=peak["region"][0], month=peak["month_name"][0])
             if peak.height else t("chart.heatmap.title_none", lang))
    chart = base(frame).mark_rect().encode(
        x=alt.X("month_name:N", sort=list(names), title=t("chart.heatmap.month", lang)),
        y=alt.Y("region:N", title=t("chart.heatmap.region", lang)),
        color=alt.Color("share:Q", title=t("chart.heatmap.share", lang), scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format="%")),
        tooltip=["region:N", "month_name:N", alt.Tooltip("won:Q", format=",.2f"), alt.Tooltip("share:Q", format=".1%")])
    return themed(chart.properties(title=title, height={"step": 34}))
