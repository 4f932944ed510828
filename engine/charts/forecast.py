"""Forecast charts: the period's cumulative path to target, both methods per row, forecast
categories and forecast accuracy. Pure builders returning Altair charts whose titles state the finding."""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.i18n.labels import relabel
from engine.charts.axes import money_axis, month_axis, name_axis
from engine.charts.theme import base, themed
from engine.i18n import fmt_money, fmt_month, fmt_pct, t
from engine.charts.palette import AMBER, CATEGORICAL, GREEN, GREY, RED


def _money(value: float | None, lang: str, currency: str) -> str:
    return fmt_money(value, lang, currency)


def path_to_target(monthly: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """Cumulative won, projected and target through the period's months (from `monthly_forecast`)."""
    projected = monthly["cumulative_projected"][-1] if monthly.height else None
    target = monthly["cumulative_target"][-1] if monthly.height else None
    if projected is None:
        projected = monthly["cumulative_won"][-1] if monthly.height else 0.0
    if not target:
        title = t("chart.forecast.title_no_target", lang, projected=_money(projected, lang, currency))
    elif projected >= target:
        title = t("chart.forecast.title_ahead", lang, projected=_money(projected, lang, currency),
                  target=_money(target, lang, currency), attainment=fmt_pct(projected / target, lang))
    else:
        title = t("chart.forecast.title_behind", lang, projected=_money(projected, lang, currency),
                  gap=_money(target - projected, lang, currency), target=_money(target, lang, currency))
    series = {"cumulative_won": t("chart.forecast.series.won", lang),
              "cumulative_projected": t("chart.forecast.series.projected", lang),
              "cumulative_target": t("chart.forecast.series.target", lang)}
    labels = relabel(monthly["month"], lambda d: fmt_month(d, lang))
    long = (monthly.select(labels.alias("label"), "month", *series)
            .unpivot(index=["label", "month"], variable_name="series", value_name="amount")
            .with_columns(pl.col("series").replace_strict(series)))
    order = labels.to_list()
    colours = alt.Scale(domain=list(series.values()), range=[CATEGORICAL[0], GREEN, GREY])
    x = alt.X("label:N", sort=order, title=None, axis=month_axis())
    won = base(long.filter(pl.col("series") == series["cumulative_won"])).mark_bar(opacity=0.8).encode(
        x=x, y=alt.Y("amount:Q", title=None, axis=money_axis(lang, currency)),
        color=alt.Color("series:N", scale=colours, title=None),
        tooltip=["label:N", "series:N", alt.Tooltip("amount:Q", format=",.2f")])
    lines = base(long.filter(pl.col("series") != series["cumulative_won"])).mark_line(point=True).encode(
        x=x, y="amount:Q", color=alt.Color("series:N", scale=colours, title=None),
        strokeDash=alt.condition(alt.datum.series == series["cumulative_target"], alt.value([6, 4]), alt.value([1, 0])),
        tooltip=["label:N", "series:N", alt.Tooltip("amount:Q", format=",.2f")])
    return themed(alt.layer(won, lines).properties(title=title, height=320))


def methods_side_by_side(table: pl.DataFrame, lang: str = "en", currency: str = "USD", *,
                         totals: dict | None = None) -> alt.TopLevelMixin:
    """Per row, the win-rate forecast beside the CRM-probability forecast (from `forecast_table`).

    The title compares the two methods' totals — `totals` (the company row, as the tiles show it)
    when given, else the sum of the rows — and says whether reps are more optimistic than history.
    """
    totals = totals or {}
    weighted = totals.get("weighted_forecast")
    weighted = table["weighted_forecast"].fill_null(0.0).sum() if weighted is None else weighted
    probability = totals.get("probability_forecast")
    probability = table["probability_forecast"].fill_null(0.0).sum() if probability is None else probability
    names = {"weighted_forecast": t("fk.col.weighted_forecast", lang),
             "probability_forecast": t("fk.col.probability_forecast", lang)}
    long = (table.select("name", *names).unpivot(index="name", variable_name="method", value_name="amount")
            .with_columns(pl.col("method").replace_strict(names)))
    chart = base(long).mark_bar().encode(
        y=alt.Y("name:N", sort=table["name"].to_list(), title=None, axis=name_axis()),
        yOffset=alt.YOffset("method:N"),
        x=alt.X("amount:Q", title=None, axis=money_axis(lang, currency)),
        color=alt.Color("method:N", title=t("chart.methods.method", lang),
                        scale=alt.Scale(domain=list(names.values()), range=[CATEGORICAL[0], CATEGORICAL[1]])),
        tooltip=["name:N", "method:N", alt.Tooltip("amount:Q", format=",.2f")])
    values = {"weighted": _money(weighted, lang, currency), "probability": _money(probability, lang, currency)}
    if weighted and probability > weighted * 1.1:
        title = t("chart.methods.title_optimistic", lang, ratio=f"{probability / weighted:.1f}", **values)
    elif weighted and probability < weighted * 0.9:
        title = t("chart.methods.title_cautious", lang, **values)
    else:
        title = t("chart.methods.title", lang, **values)
    return themed(chart.properties(title=title, height={"step": 22}))


CATEGORY_COLOURS = {"Closed": GREEN, "Commit": CATEGORICAL[0], "Best Case": AMBER, "Pipeline": CATEGORICAL[4],
                    "Omitted": GREY}


def categories_funnel(categories: pl.DataFrame, lang: str = "en", currency: str = "USD") -> alt.TopLevelMixin:
    """Amount per forecast category (from `forecast_categories`), Closed → Omitted."""
    cumulative = dict(zip(categories["category"], categories["cumulative"]))
    frame = categories.with_columns(
        relabel(categories["category"], lambda c: t(f"forecast.cat.{c}", lang)).alias("label"))
    chart = base(frame).mark_bar().encode(
        y=alt.Y("label:N", sort=frame["label"].to_list(), title=None),
        x=alt.X("amount:Q", title=None, axis=money_axis(lang, currency)),
        color=alt.Color("label:N", legend=None, scale=alt.Scale(
            domain=frame["label"].to_list(), range=[CATEGORY_COLOURS[c] for c in categories["category"]])),
        tooltip=["label:N", "deals:Q", alt.Tooltip("amount:Q", format=",.2f"),
                 alt.Tooltip("cumulative:Q", format=",.2f")])
    title = t("chart.categories.title", lang, commit=_money(cumulative.get("Commit"), lang, currency),
              best=_money(cumulative.get("Best Case"), lang, currency))
    return themed(chart.properties(title=title, height={"step": 34}))


def accuracy_bars(summary: pl.DataFrame, lang: str = "en") -> alt.TopLevelMixin:
    """MAPE per row (from `accuracy_summary`), most reliable first, coloured red/amber/green."""
    rated = summary.filter(pl.col("mape").is_not_null())
    if rated.height:
        best = rated.row(0, named=True)
        title = t("chart.accuracy.title", lang, name=best["name"], mape=fmt_pct(best["mape"], lang))
    else:
        title = t("chart.accuracy.title_none", lang)
    chart = base(rated).mark_bar().encode(
        y=alt.Y("name:N", sort=rated["name"].to_list(), title=None, axis=name_axis()),
        x=alt.X("mape:Q", title=t("fk.col.mape", lang), axis=alt.Axis(format="%", tickCount=6)),
        color=alt.Color("mape:Q", legend=None, scale=alt.Scale(
            type="threshold", domain=[0.15, 0.35], range=[GREEN, AMBER, RED])),
        tooltip=["name:N", alt.Tooltip("mape:Q", format=".1%"), alt.Tooltip("bias:Q", format="+.1%"), "periods:Q"])
    return themed(chart.properties(title=title, height={"step": 26}))
