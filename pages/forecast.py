"""Forecast: where the period will land — won plus weighted pipeline against target, both methods,
forecast categories and the accuracy of past forecasts per territory."""
from __future__ import annotations


import polars as pl
import streamlit as st

from engine.charts.forecast import accuracy_bars, categories_funnel, methods_side_by_side, path_to_target
from engine.i18n.labels import relabel
from engine.store.errors import TerrainError
from engine.metrics.forecast import (accuracy_summary, forecast_accuracy, forecast_categories, forecast_detail,
                                     forecast_table, monthly_forecast)
from engine.i18n import fmt_date, fmt_money, fmt_month, fmt_pct, t
from engine.metrics.performance import as_of_date, monthly_trend
from engine.metrics.period_to_date import to_date_windows, won_between
from ui import context
from ui.charts import show_chart
from ui.downloads import chart_downloads, table_downloads
from ui.shared import shared_chart
from ui.tables import EMPTY, readable

LEVELS = ("region", "territory", "rep")
MONEY = ("won", "pipeline", "weighted_forecast", "probability_forecast", "projected", "target", "amount",
         "cumulative", "forecast", "actual", "error", "method_gap", "probability_projected",
         "cumulative_won", "cumulative_projected", "cumulative_target")
FRACTIONS = ("win_rate", "projected_attainment", "ape", "mape", "bias")
COUNTS = ("deals", "periods")


def show_table(frame: pl.DataFrame, lang: str, currency: str) -> None:
    """Show `frame` for reading: money compact with the currency, percentages with one decimal."""
    extra = {name: None for name in ("id", "period_start", "derived") if name in frame.columns}
    if "win_rate_source" in frame.columns:
        extra["win_rate_source"] = st.column_config.TextColumn(t("fk.col.win_rate_source", lang),
                                                               help=t("fk.col.win_rate_source.help", lang))
    if "month" in frame.columns:
        frame = frame.with_columns(relabel(frame["month"], lambda d: fmt_month(d, lang)))
    shown, config = readable(frame, lambda name: t(f"fk.col.{name}", lang), currency, lang=lang, money=MONEY,
                             fractions=FRACTIONS, counts=COUNTS, extra=extra)
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", placeholder=EMPTY)


def tiles(now: dict, before: dict, trend: list[float], labels: dict, lang: str, currency: str) -> None:
    """Five tiles, each with the comparison that means something for it: won against the previous
    period (with the monthly trend), the pipeline against the gap, the forecasts against target and
    against each other, projected attainment against where the previous period ended."""
    money = lambda v: fmt_money(v, lang, currency)  # noqa: E731
    cells = st.columns(5)
    cells[0].metric(t("forecast.tile.won", lang), money(now["won"]),
                    None if before.get("won") is None else money(now["won"] - before["won"]),
                    delta_description=labels["previous"], chart_data=trend, chart_type="bar")
    gap = (now["target"] or 0) - now["won"] if now.get("target") is not None else None
    coverage = now["pipeline"] / gap if gap and gap > 0 else None
    cells[1].metric(t("forecast.tile.pipeline", lang), money(now["pipeline"]),
                    None if coverage is None else t("forecast.tile.coverage", lang, coverage=f"{coverage:.1f}"),
                    delta_color="off", delta_arrow="off")
    projected_gap = None if now.get("target") is None or now.get("projected") is None else now["projected"] - now["target"]
    cells[2].metric(t("forecast.tile.weighted", lang), money(now["weighted_forecast"]),
                    None if projected_gap is None else money(projected_gap),
                    delta_description=t("forecast.tile.vs_target", lang))
    difference = (None if now.get("weighted_forecast") is None
                  else now["probability_forecast"] - now["weighted_forecast"])
    cells[3].metric(t("forecast.tile.probability", lang), money(now["probability_forecast"]),
                    None if not difference else money(difference), delta_color="off",
                    delta_description=t("forecast.tile.vs_win_rate", lang))
    change = (None if now.get("projected_attainment") is None or before.get("projected_attainment") is None
              else t("fk.pp", lang, value=f"{(now['projected_attainment'] - before['projected_attainment']) * 100:+.1f}"))
    cells[4].metric(t("forecast.tile.projected_attainment", lang), fmt_pct(now["projected_attainment"], lang), change,
                    delta_description=labels["previous"])


def main() -> None:
    lang, settings, store = context.lang(), context.settings(), context.store()
    currency = settings.reporting_currency
    period = context.period()
    scope = context.url_scope()
    st.title(t("forecast.title", lang, period=period.label(lang)))
    st.caption(t("forecast.caption", lang))
    if store.count("deals") == 0:
        context.empty_state("fk.empty")
        return

    company = forecast_table(store, period, "company", settings, scope).row(0, named=True)
    previous = forecast_table(store, period.previous(), "company", settings, scope).row(0, named=True)
    as_of = as_of_date(store)
    # While the period runs, its won so far is compared with the same first days of the one before,
    # as on the Overview: against the whole previous quarter it read "−$105.9M" on day 54 of 92.
    windows = to_date_windows(period, as_of)
    if windows is not None:
        previous = {**previous, "won": won_between(store, *windows.previous, scope, settings)}
    trend = monthly_trend(store, period, scope, months=12, settings=settings)["won"].to_list()
    tiles(company, previous, trend, {"previous": t("fk.vs_previous_short", lang)}, lang, currency)
    before = period.previous().label(lang)
    st.caption(t("fk.compared_with", lang, period=before) if windows is None else
               t("fk.to_date", lang, as_of=fmt_date(as_of, lang)) + " "
               + t("fk.compared_to_date", lang, period=before, days=windows.days))

    monthly = monthly_forecast(store, period, settings, scope)
    chart = shared_chart("forecast-path", lambda: path_to_target(monthly, lang, currency), period=period,
                         scope=scope, lang=lang)
    show_chart(chart, width="stretch")
    chart_downloads(chart, f"forecast-{period.code}", key="fc-path")

    level = st.segmented_control(t("fk.level", lang), LEVELS, default=st.query_params.get("level", "region")
                                 if st.query_params.get("level") in LEVELS else "region",
                                 format_func=lambda k: t(f"fk.level.{k}", lang), key="forecast_level") or "region"
    st.query_params["level"] = level
    methods, categories_tab, accuracy_tab, months_tab = st.tabs([
        t("forecast.tab.methods", lang), t("forecast.tab.categories", lang), t("forecast.tab.accuracy", lang),
        t("forecast.tab.months", lang)])

    with methods:
        table = forecast_detail(store, period, level, settings, scope)
        chart = shared_chart("forecast-methods", lambda: methods_side_by_side(table, lang, currency, totals=company),
                             period=period, scope=scope, lang=lang, level=level)
        show_chart(chart, width="stretch")
        chart_downloads(chart, f"forecast-methods-{period.code}", key="fc-methods")
        shown = table.with_columns(relabel(table["win_rate_source"], lambda source: t(f"fk.source.{source}", lang)))
        show_table(shown, lang, currency)
        table_downloads(table, f"forecast-{level}-{period.code}", key="fc-table")

    with categories_tab:
        categories = forecast_categories(store, period, settings, scope)
        chart = shared_chart("forecast-categories", lambda: categories_funnel(categories, lang, currency),
                             period=period, scope=scope, lang=lang)
        show_chart(chart, width="stretch")
        chart_downloads(chart, f"forecast-categories-{period.code}", key="fc-cat")
        st.caption(t("forecast.categories.help", lang, derived=int(categories["derived"].sum())))
        shown = categories.with_columns(relabel(categories["category"], lambda c: t(f"forecast.cat.{c}", lang)))
        show_table(shown, lang, currency)
        table_downloads(categories, f"forecast-categories-{period.code}", key="fc-cat-table")

    with accuracy_tab:
        accuracy = forecast_accuracy(store, period, "rep" if level == "rep" else level, settings, scope)
        st.caption(t("forecast.accuracy.help", lang))
        if accuracy.is_empty():
            st.info(t("forecast.accuracy.none", lang))
        else:
            summary = accuracy_summary(accuracy)
            chart = shared_chart("forecast-accuracy", lambda: accuracy_bars(summary, lang), period=period,
                                 scope=scope, lang=lang, level=level)
            show_chart(chart, width="stretch")
            chart_downloads(chart, f"forecast-accuracy-{period.code}", key="fc-acc")
            show_table(summary, lang, currency)
            table_downloads(summary, f"forecast-accuracy-{level}-{period.code}", key="fc-acc-summary")
            with st.expander(t("forecast.accuracy.periods", lang)):
                show_table(accuracy, lang, currency)
                table_downloads(accuracy, f"forecast-accuracy-periods-{period.code}", key="fc-acc-periods")

    with months_tab:
        show_table(monthly, lang, currency)
        table_downloads(monthly, f"forecast-months-{period.code}", key="fc-months")


try:
    main()
except TerrainError as error:
    context.show_error(error)
