"""The Activity page's activity-by-type chart: calls, meetings, visits, e-mails and other per row,
stacked, the busiest row first (from `engine.metrics.lead_kpis.lead_kpi_table`)."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.axes import name_axis
from engine.charts.palette import CATEGORICAL, GREY
from engine.charts.theme import base, themed
from engine.i18n import fmt_number, fmt_pct, t

KINDS = ("calls", "meetings", "visits", "emails", "other_activities")
# Far apart in the colour-blind-safe palette (neighbours in it are near in hue), other in grey.
KIND_COLOURS = (CATEGORICAL[0], CATEGORICAL[4], CATEGORICAL[6], CATEGORICAL[3], GREY)


def activity_by_type(table: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """Stacked bars of each row's activities by type; the title names the most frequent type."""
    totals = table.select("name", pl.sum_horizontal(*KINDS).alias("total"))
    order = totals.sort("total", "name", descending=[True, False])["name"].to_list()
    labels = {kind: t(f"activity.kind.{kind}", lang) for kind in KINDS}
    long = (table.select("name", *KINDS).unpivot(index="name", on=list(KINDS), variable_name="kind",
                                                value_name="activities")
            .with_columns(pl.col("kind").replace_strict(labels).alias("type")))
    by_kind = long.group_by("kind").agg(pl.col("activities").sum()).sort("activities", "kind", descending=[True, False])
    total = int(by_kind["activities"].sum() or 0)
    if total:
        top = by_kind.row(0, named=True)
        title = t("activity.leads.chart_title", lang, top=labels[top["kind"]],
                  share=fmt_pct(top["activities"] / total, lang), total=fmt_number(total, lang))
    else:
        title = t("activity.leads.chart_empty", lang)
    domain = [labels[k] for k in KINDS]
    chart = base(long).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None, axis=name_axis()),
        x=alt.X("sum(activities):Q", title=t("activity.kind.axis", lang), axis=alt.Axis(format=",d", tickCount=6)),
        color=alt.Color("type:N", title=t("activity.kind.type", lang),
                        scale=alt.Scale(domain=domain, range=list(KIND_COLOURS)),
                        sort=domain),
        order=alt.Order("kind_order:Q"),
        tooltip=[alt.Tooltip("name:N", title=""), alt.Tooltip("type:N", title=t("activity.kind.type", lang)),
                 alt.Tooltip("activities:Q", title=t("activity.kind.axis", lang), format=",d")],
    ).transform_calculate(kind_order=f"indexof({domain!r}, datum.type)")
    return themed(chart.properties(title=title, height={"step": 26}))
