"""Forecast: where the period will land — won plus weighted pipeline against target, both methods,
forecast categories and the accuracy of past forecasts per territory."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from engine.charts.forecast import accuracy_bars, categories_funnel, methods_side_by_side, path_to_target
from engine.errors import TerrainError
from engine.forecast import (accuracy_summary, forecast_accuracy, forecast_categories, forecast_table,
                             monthly_forecast)
from engine.i18n import fmt_money, fmt_pct, t
from ui import context
from ui.downloads import chart_downloads, table_downloads

LEVELS = ("region", "territory", "rep")
MONEY = ("won", "pipeline", "weighted_forecast", "probability_forecast", "projected", "target", "amount",
         "cumulative", "forecast", "actual", "error")
FRACTIONS = ("win_rate", "projected_attainment", "ape", "mape", "bias")


def columns(frame, lang):
    """Column labels in the session's language; money localized, fractions as percentages."""
    config = {}
    for name in frame.columns:
        label = t(f"fk.col.{name}", lang)
        if name in MONEY:
            config[name] = st.column_config.NumberColumn(label, format="localized")
        elif name in FRACTIONS:
            config[name] = st.column_config.NumberColumn(label, format="percent")
        elif name in ("id", "period_start", "derived", "probability_projected", "win_rate_source"):
            config[name] = None
        else:
            config[name] = label
    return config


def empty_state(lang: str) -> None:
    """Teach what to import, with a link to the Import page when the app has one."""
    st.info(t("fk.empty", lang))
    if (Path(__file__).parent / "import.py").exists():
        st.page_link("pages/import.py", label=t("fk.to_import", lang), icon="📥")


def tiles(now: dict, before: dict, lang: str, currency: str) -> None:
    def delta(key):
        if now.get(key) is None or before.get(key) is None:
            return None
        return fmt_money(now[key] - before[key], lang, currency)

    cells = st.columns(5)
    cells[0].metric(t("forecast.tile.won", lang), fmt_money(now["won"], lang, currency), delta("won"))
    cells[1].metric(t("forecast.tile.pipeline", lang), fmt_money(now["pipeline"], lang, currency), delta("pipeline"))
    cells[2].metric(t("forecast.tile.weighted", lang), fmt_money(now["weighted_forecast"], lang, currency),
                    delta("weighted_forecast"))
    cells[3].metric(t("forecast.tile.probability", lang), fmt_money(now["probability_forecast"], lang, currency),
                    delta("probability_forecast"))
    change = (None if now.get("projected_attainment") is None or before.get("projected_attainment") is None
              else fmt_pct(now["projected_attainment"] - before["projected_attainment"], lang, signed=True))
    cells[4].metric(t("forecast.tile.projected_attainment", lang), fmt_pct(now["projected_attainment"], lang), change)


def main() -> None:
    lang, settings, store = context.lang(), context.settings(), context.store()
    currency = settings.reporting_currency
    period = context.period()
    scope = getattr(context, "scope", lambda: None)()
    st.title(t("forecast.title", lang, period=period.label(lang)))
    st.caption(t("forecast.caption", lang))
    if store.count("deals") == 0:
        empty_state(lang)
        return

    company = forecast_table(store, period, "company", settings, scope).row(0, named=True)
    previous = forecast_table(store, period.previous(), "company", settings, scope).row(0, named=True)
    tiles(company, previous, lang, currency)
    st.caption(t("fk.vs_previous", lang) + f" ({period.previous().label(lang)})")

    monthly = monthly_forecast(store, period, settings, scope)
    chart = path_to_target(monthly, lang, currency)
    st.altair_chart(chart, width="stretch")
    chart_downloads(chart, f"forecast-{period.code}", key="fc-path")

    level = st.segmented_control(t("fk.level", lang), LEVELS, default=st.query_params.get("level", "region")
                                 if st.query_params.get("level") in LEVELS else "region",
                                 format_func=lambda k: t(f"fk.level.{k}", lang), key="forecast_level") or "region"
    st.query_params["level"] = level
    methods, categories_tab, accuracy_tab, months_tab = st.tabs([
        t("forecast.tab.methods", lang), t("forecast.tab.categories", lang), t("forecast.tab.accuracy", lang),
        t("forecast.tab.months", lang)])

    with methods:
        table = forecast_table(store, period, level, settings, scope)
        chart = methods_side_by_side(table, lang, currency)
        st.altair_chart(chart, width="stretch")
        chart_downloads(chart, f"forecast-methods-{period.code}", key="fc-methods")
        st.dataframe(table, column_config=columns(table, lang), hide_index=True, width="stretch")
        table_downloads(table, f"forecast-{level}-{period.code}", key="fc-table")

    with categories_tab:
        categories = forecast_categories(store, period, settings, scope)
        chart = categories_funnel(categories, lang, currency)
        st.altair_chart(chart, width="stretch")
        chart_downloads(chart, f"forecast-categories-{period.code}", key="fc-cat")
        st.caption(t("forecast.categories.help", lang, derived=int(categories["derived"].sum())))
        shown = categories.with_columns(categories["category"].map_elements(
            lambda c: t(f"forecast.cat.{c}", lang), return_dtype=str))
        st.dataframe(shown, column_config=columns(shown, lang), hide_index=True, width="stretch")
        table_downloads(categories, f"forecast-categories-{period.code}", key="fc-cat-table")

    with accuracy_tab:
        accuracy = forecast_accuracy(store, period, "rep" if level == "rep" else level, settings, scope)
        st.caption(t("forecast.accuracy.help", lang))
        if accuracy.is_empty():
            st.info(t("forecast.accuracy.none", lang))
        else:
            summary = accuracy_summary(accuracy)
            chart = accuracy_bars(summary, lang)
            st.altair_chart(chart, width="stretch")
            chart_downloads(chart, f"forecast-accuracy-{period.code}", key="fc-acc")
            st.dataframe(summary, column_config=columns(summary, lang), hide_index=True, width="stretch")
            table_downloads(summary, f"forecast-accuracy-{level}-{period.code}", key="fc-acc-summary")
            with st.expander(t("fk.col.period", lang)):
                st.dataframe(accuracy, column_config=columns(accuracy, lang), hide_index=True, width="stretch")
                table_downloads(accuracy, f"forecast-accuracy-periods-{period.code}", key="fc-acc-periods")

    with months_tab:
        st.dataframe(monthly, column_config=columns(monthly, lang), hide_index=True, width="stretch")
        table_downloads(monthly, f"forecast-months-{period.code}", key="fc-months")


try:
    main()
except TerrainError as error:
    context.show_error(error)
