"""Activity & KPI charts: revenue and sales cycle by row, and the month × region seasonality heatmap."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.axes import money_axis, month_axis, name_axis
from engine.charts.theme import base, themed
from engine.i18n import fmt_money, fmt_pct, t
from engine.charts.palette import territory_colour

MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "zh": tuple(f"{m}月" for m in range(1, 13))}


def _colours(ids: list[str | None]) -> alt.Scale:
    return alt.Scale(domain=[i or "" for i in ids], range=[territory_colour(i) for i in ids])


def revenue_by_row(kpis: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """Won revenue per row (from `engine.metrics.kpis.kpi_table`), biggest first."""
    frame = kpis.sort("won", "name", descending=[True, False]).with_columns(pl.col("id").fill_null(""))
    total = frame["won"].sum()
    if total:
        top = frame.row(0, named=True)
        title = t("chart.revenue.title", lang, name=top["name"], won=fmt_money(top["won"], lang, currency),
                  share=fmt_pct(top["won"] / total, lang))
    else:
        title = t("chart.revenue.title_none", lang)
    chart = base(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=frame["name"].to_list(), title=None, axis=name_axis()),
        x=alt.X("won:Q", title=None, axis=money_axis(lang, currency)),
        color=alt.Color("id:N", legend=None, scale=_colours(frame["id"].to_list())),
        tooltip=["name:N", alt.Tooltip("won:Q", format=",.2f"), "won_count:Q",
                 alt.Tooltip("avg_deal_size:Q", format=",.2f"), alt.Tooltip("win_rate:Q", format=".1%")])
    return themed(chart.properties(title=title, height={"step": 26}))


def cycle_by_row(kpis: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Median sales cycle in days per row, fastest first."""
    frame = (kpis.filter(pl.col("sales_cycle_days").is_not_null()).sort("sales_cycle_days", "name")
             .with_columns(pl.col("id").fill_null("")))
    if frame.height:
        top = frame.row(0, named=True)
        title = t("chart.cycle.title", lang, name=top["name"], days=f"{top['sales_cycle_days']:.0f}")
    else:
        title = t("chart.cycle.title_none", lang)
    # Each row in its territory's colour, as in the revenue chart beside it (one colour for every
    # bar read as "all LATAM", whose colour it happened to be).
    chart = base(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=frame["name"].to_list(), title=None, axis=name_axis()),
        color=alt.Color("id:N", legend=None, scale=_colours(frame["id"].to_list())),
        x=alt.X("sales_cycle_days:Q", title=t("activity.col.sales_cycle_days", lang), axis=alt.Axis(tickCount=8)),
        tooltip=["name:N", alt.Tooltip("sales_cycle_days:Q", format=",.0f"), "won_count:Q"])
    return themed(chart.properties(title=title, height={"step": 26}))


def _heatmap_title(frame: pl.DataFrame, lang: str) -> str:
    """The finding: the month most regions peak in (by share of their own year)."""
    sold = frame.filter(pl.col("won") > 0)
    if sold.is_empty():
        return t("chart.heatmap.title_none", lang)
    peaks = sold.sort("share", "month", descending=[True, False]).unique("region", keep="first", maintain_order=True)
    if peaks.height == 1:
        return t("chart.heatmap.title", lang, region=peaks["region"][0], month=peaks["month_name"][0])
    common = peaks.group_by("month", "month_name").len().sort("len", "month", descending=[True, False]).row(0, named=True)
    if common["len"] == peaks.height:
        return t("chart.heatmap.title_all", lang, month=common["month_name"])
    return t("chart.heatmap.title_most", lang, month=common["month_name"], count=common["len"], total=peaks.height)


HEATMAP_CAP_QUANTILE = 0.95


def heatmap_cap(shares: pl.Series, quantile: float = HEATMAP_CAP_QUANTILE) -> float | None:
    """Where the heatmap's colours stop: the `quantile` of the cells that sold anything, when one
    or a few cells (a region with a single big deal: 100% in one month) lie above it; None when
    the largest cell is that quantile anyway (nothing to wash out) or there are too few cells."""
    sold = shares.drop_nulls().filter(shares.drop_nulls() > 0)
    if sold.len() < 10:
        return None
    cap = float(sold.quantile(quantile, "nearest"))
    return cap if 0 < cap < float(sold.max()) else None


def seasonality_heatmap(matrix: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Share of each region's won revenue per calendar month (from `engine.metrics.kpis.seasonality_matrix`).
    The colour scale stops at `heatmap_cap` (darker cells are at or above it, and the subtitle says so)."""
    names = MONTHS["zh" if lang == "zh" else "en"]
    frame = matrix.with_columns(pl.col("month").replace_strict(dict(enumerate(names, start=1)), default=None,
                                                               return_dtype=pl.String).alias("month_name"))
    title = _heatmap_title(frame, lang)
    cap = heatmap_cap(frame["share"]) if frame.height else None
    scale = alt.Scale(scheme="blues", domain=[0, cap], clamp=True) if cap else alt.Scale(scheme="blues")
    if cap:
        title = alt.Title(title, subtitle=t("chart.heatmap.capped", lang, cap=fmt_pct(cap, lang),
                                            quantile=round(HEATMAP_CAP_QUANTILE * 100)))
    chart = base(frame).mark_rect().encode(
        x=alt.X("month_name:N", sort=list(names), title=None, axis=month_axis(orient="top")),
        y=alt.Y("region:N", title=None, axis=name_axis()),
        color=alt.Color("share:Q", title=t("chart.heatmap.share", lang), scale=scale,
                        legend=alt.Legend(format="%")),
        tooltip=["region:N", "month_name:N", alt.Tooltip("won:Q", format=",.2f"), alt.Tooltip("share:Q", format=".1%")])
    return themed(chart.properties(title=title, height={"step": 34}))
