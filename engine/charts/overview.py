"""The Overview's charts: who brings the revenue and who is behind, stated in the title.

`share_chart` draws won revenue per row (region, territory or rep) as bars in each row's stable
colour, a tick at its target, and the share as a label; its title is the finding (`headline`).
The bars carry a point selection named `pick` on the row id, so the page can drill down on click.
"""
from __future__ import annotations

import json

import altair as alt
import polars as pl

from engine.charts.axes import money_axis, month_axis
from engine.charts.theme import base, themed
from engine.i18n import fmt_money, fmt_month, fmt_pct, t
from engine.i18n.labels import formatted, relabel
from engine.charts.palette import territory_colour

SELECTION = "pick"


def headline(table: pl.DataFrame, lang: str = "en", currency: str = "USD") -> str:
    """The sentence a chart title should say: the row furthest behind target, else the leader."""
    if table.is_empty() or not table["won"].sum() and not table["target"].drop_nulls().len():
        return t("metrics.headline.empty", lang)
    behind = table.filter(pl.col("attainment").is_not_null() & (pl.col("attainment") < 1)).sort("attainment")
    if behind.height:
        worst = behind.row(0, named=True)
        return t("metrics.headline.behind", lang, name=worst["name"], pct=fmt_pct(1 - worst["attainment"], lang),
                 gap=fmt_money(worst["gap"], lang, currency))
    total = table["won"].sum()
    leader = table.sort("won", descending=True).row(0, named=True)
    share = fmt_pct(leader["won"] / total, lang) if total else "–"
    if table["attainment"].drop_nulls().len():
        return t("metrics.headline.all_ahead", lang, name=leader["name"], share=share)
    return t("metrics.headline.leader", lang, name=leader["name"], share=share)


def share_chart(table: pl.DataFrame, lang: str = "en", currency: str = "USD", *, title: str | None = None,
                selectable: bool = True) -> alt.TopLevelMixin:
    """Horizontal bars of won revenue per row, target ticks, share labels; title = headline."""
    total = table["won"].sum() or 0
    frame = table.select(
        "id", "name", "won", "target", "attainment",
        (pl.col("won") / total if total else pl.lit(None, pl.Float64)).alias("share"),
    )
    frame = frame.with_columns(
        formatted(frame["share"], lambda v: fmt_pct(v, lang), "share_text"),
        formatted(frame["won"], lambda v: fmt_money(v, lang, currency), "won_text"),
        formatted(frame["target"], lambda v: fmt_money(v, lang, currency), "target_text", skip_nulls=False),
        formatted(frame["attainment"], lambda v: fmt_pct(v, lang), "attainment_text", skip_nulls=False),
    ).with_columns(pl.col("id").fill_null("—"))
    ids = frame["id"].to_list()
    order = frame.sort("won", descending=True)["name"].to_list()
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=180))
    # $20M / $2,000万 ticks, as the bars' labels and every other money axis read
    axis = money_axis(lang, currency, title=t("metrics.col.won", lang), tickCount=4, labelOverlap="greedy")
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    tooltip = [alt.Tooltip("name:N", title=t("metrics.col.name", lang)),
               alt.Tooltip("won_text:N", title=t("metrics.col.won", lang)),
               alt.Tooltip("target_text:N", title=t("metrics.col.target", lang)),
               alt.Tooltip("attainment_text:N", title=t("metrics.col.attainment", lang)),
               alt.Tooltip("share_text:N", title=t("metrics.col.share", lang))]
    chart = base(frame)
    bars = chart.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("won:Q", axis=axis), y=y,
        color=alt.Color("id:N", scale=alt.Scale(domain=ids, range=[territory_colour(i) for i in ids]), legend=None),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)) if selectable else alt.value(1.0),
        tooltip=tooltip)
    if selectable:
        bars = bars.add_params(pick)
    ticks = chart.mark_tick(color="#1F2933", thickness=2, size=22).encode(
        x="target:Q", y=y, tooltip=tooltip)
    # the label says what it measures ("38.7% of won"), in the language's word order
    before, _, after = t("chart.share.label", lang).partition("{share}")
    labels = chart.transform_calculate(label=f"{json.dumps(before, ensure_ascii=False)} + datum.share_text + "
                                          f"{json.dumps(after, ensure_ascii=False)}") \
        .mark_text(align="left", dx=4, color="#3E4C59", fontSize=12).encode(x="won:Q", y=y, text="label:N")
    layered = alt.layer(bars, ticks, labels).properties(
        title=title or headline(table, lang, currency), height=alt.Step(34), width="container")
    return themed(layered)


def trend_chart(trend: pl.DataFrame, lang: str = "en", currency: str = "USD", *, title: str = "") -> alt.TopLevelMixin:
    """Monthly won revenue as bars (columns month, won), for a rep or a scope. Months are named as
    everywhere else (Jan 2026 / 2026年1月) on a band axis: on a time axis they read "Jan 26" and
    each month's bar was a hairline."""
    frame = trend.with_columns(
        formatted(trend["won"], lambda v: fmt_money(v, lang, currency), "won_text"),
        relabel(trend["month"], lambda month: fmt_month(month, lang)).alias("label"))
    chart = base(frame).mark_bar(color="#0072B2").encode(
        x=alt.X("label:N", sort=frame["label"].to_list(), title=None, axis=month_axis()),
        y=alt.Y("won:Q", axis=money_axis(lang, currency, title=t("metrics.col.won", lang))),
        tooltip=[alt.Tooltip("label:N", title=t("metrics.col.month", lang)),
                 alt.Tooltip("won_text:N", title=t("metrics.col.won", lang))])
    return themed(chart.properties(title=title, height=220, width="container"))
