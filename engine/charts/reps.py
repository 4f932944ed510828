"""The Reps page's chart: attainment per rep on the shared red/amber/green scale, target at 100%."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.theme import attainment_scale, base, themed
from engine.i18n import fmt_money, fmt_pct, t
from engine.i18n.labels import formatted

SELECTION = "rep"


def attainment_chart(board: pl.DataFrame, lang: str = "en", currency: str = "USD", *, title: str = "",
                     red_below: float = 0.7, green_from: float = 1.0, limit: int | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of attainment for every rep of a leaderboard with a target (or the top
    `limit`; columns name, attainment, won, target, gap, id), a rule at 100%, selectable by rep id
    (selection `rep`). The bars keep their height: a long team makes a taller chart, never a cut one."""
    ranked = board.filter(pl.col("attainment").is_not_null())
    frame = ranked if limit is None else ranked.head(limit)
    frame = frame.with_columns(
        formatted(frame["attainment"], lambda v: fmt_pct(v, lang), "attainment_text"),
        formatted(frame["won"], lambda v: fmt_money(v, lang, currency), "won_text"),
        formatted(frame["gap"], lambda v: fmt_money(v, lang, currency), "gap_text"))
    order = frame["name"].to_list()
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    chart = base(frame)
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=160))
    bars = chart.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("attainment:Q", title=t("metrics.col.attainment", lang), axis=alt.Axis(format="%")),
        y=y, color=alt.Color("attainment:Q", scale=attainment_scale(red_below, green_from), legend=None),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
        tooltip=[alt.Tooltip("name:N", title=t("metrics.col.name", lang)),
                 alt.Tooltip("attainment_text:N", title=t("metrics.col.attainment", lang)),
                 alt.Tooltip("won_text:N", title=t("metrics.col.won", lang)),
                 alt.Tooltip("gap_text:N", title=t("metrics.col.gap", lang))]).add_params(pick)
    labels = chart.mark_text(align="left", dx=4, fontSize=12, color="#3E4C59").encode(
        x="attainment:Q", y=y, text="attainment_text:N")
    goal = alt.Chart(pl.DataFrame({"x": [1.0]}).to_arrow()).mark_rule(color="#1F2933", strokeDash=[4, 3]).encode(x="x:Q")
    return themed(alt.layer(bars, labels, goal).properties(title=title, height=max(120, 26 * frame.height),
                                                           width="container"))
