"""Activity & KPIs: win rate, deal size, sales cycle, new customers, activity and lead response per
region, territory and rep; star performers; leads, contacts and activity by type; and when each
region sells (seasonality heatmap)."""
from __future__ import annotations


import polars as pl
import streamlit as st

from engine.charts.activity import cycle_by_row, revenue_by_row, seasonality_heatmap
from engine.charts.lead_activity import activity_by_type
from engine.store.errors import TerrainError
from engine.i18n import fmt_date, fmt_money, fmt_number, fmt_pct, t
from engine.metrics.kpis import kpi_table, lead_response, seasonality_matrix, star_performers
from engine.metrics.lead_kpis import lead_kpi_table
from engine.metrics.performance import as_of_date
from ui import context
from ui.charts import show_chart
from ui.downloads import chart_downloads, table_downloads
from ui.shared import shared_chart
from ui.tables import EMPTY, readable

LEVELS = ("region", "territory", "rep")
MONEY = ("won", "avg_deal_size", "target")
FRACTIONS = ("win_rate", "attainment", "responded_within_24h", "share", "lead_conversion_rate", "lead_to_customer_rate")
COUNTS = ("won_count", "lost_count", "new_customers", "activities", "leads", "responded", "unanswered", "rank",
          "leads_created", "leads_contacted", "leads_converted", "lead_customers", "new_contacts", "calls",
          "meetings", "visits", "emails", "other_activities")
DECIMALS = ("sales_cycle_days", "activities_per_rep", "median_response_hours", "new_contacts_per_rep")


def label(name: str, lang: str) -> str:
    return t(f"fk.col.{name}" if name in ("name", "won", "win_rate", "target") else f"activity.col.{name}", lang)


def show_table(frame: pl.DataFrame, lang: str, currency: str) -> None:
    """Show `frame` for reading: money compact with the currency, percentages with one decimal."""
    shown, config = readable(frame, lambda name: label(name, lang), currency, lang=lang, money=MONEY, fractions=FRACTIONS,
                             counts=COUNTS, decimals=DECIMALS, hidden=("id", "region_id", "years"))
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", placeholder=EMPTY)


def tiles(now: dict, before: dict, response_now, response_before, lang: str, currency: str) -> None:
    def change(key, formatter):
        if now.get(key) is None or before.get(key) is None:
            return None
        return formatter(now[key] - before[key])

    # two rows of three: in one row of six at 1280 px, "110.3 小时" and "线索响应（中位数）" were cut
    cells = [*st.columns(3), *st.columns(3)]
    cells[0].metric(t("activity.tile.win_rate", lang), fmt_pct(now["win_rate"], lang),
                    change("win_rate", lambda d: t("fk.pp", lang, value=f"{d * 100:+.1f}")))
    cells[1].metric(t("activity.tile.avg_deal", lang), fmt_money(now["avg_deal_size"], lang, currency),
                    change("avg_deal_size", lambda d: fmt_money(d, lang, currency)))
    days = now["sales_cycle_days"]
    cells[2].metric(t("activity.tile.cycle", lang), "–" if days is None else t("activity.days", lang, days=f"{days:.0f}"),
                    change("sales_cycle_days", lambda d: t("activity.days", lang, days=f"{d:+.0f}")),
                    delta_color="inverse")
    cells[3].metric(t("activity.tile.new_customers", lang), fmt_number(now["new_customers"], lang),
                    change("new_customers", lambda d: f"{d:+,.0f}"))
    per_rep = now["activities_per_rep"]
    cells[4].metric(t("activity.tile.activities_per_rep", lang), "–" if per_rep is None else f"{per_rep:,.1f}",
                    change("activities_per_rep", lambda d: f"{d:+,.1f}"))
    hours = "–" if response_now is None else t("activity.hours", lang, hours=f"{response_now:,.1f}")
    delta = (None if response_now is None or response_before is None
             else t("activity.hours", lang, hours=f"{response_now - response_before:+,.1f}"))
    cells[5].metric(t("activity.tile.response", lang), hours, delta, delta_color="inverse")


def lead_tiles(now: dict, before: dict, lang: str) -> None:
    """Leads created and contacted, conversion, lead → customer and new contacts per rep, each
    against the previous period."""
    def change(key, formatter):
        if now.get(key) is None or before.get(key) is None:
            return None
        return formatter(now[key] - before[key])

    def rate(key):
        return "–" if now[key] is None else fmt_pct(now[key], lang)

    points = lambda d: t("fk.pp", lang, value=f"{d * 100:+.1f}")  # noqa: E731
    cells = st.columns(5)
    cells[0].metric(t("activity.leads.tile.created", lang), fmt_number(now["leads_created"], lang),
                    change("leads_created", lambda d: f"{d:+,.0f}"))
    cells[1].metric(t("activity.leads.tile.contacted", lang), fmt_number(now["leads_contacted"], lang),
                    change("leads_contacted", lambda d: f"{d:+,.0f}"))
    cells[2].metric(t("activity.leads.tile.conversion", lang), rate("lead_conversion_rate"),
                    change("lead_conversion_rate", points))
    cells[3].metric(t("activity.leads.tile.customer_rate", lang), rate("lead_to_customer_rate"),
                    change("lead_to_customer_rate", points))
    per_rep = now["new_contacts_per_rep"]
    cells[4].metric(t("activity.leads.tile.contacts_per_rep", lang), "–" if per_rep is None else f"{per_rep:,.1f}",
                    change("new_contacts_per_rep", lambda d: f"{d:+,.1f}"))


def leads_tab(store, period, level: str, settings, scope, lang: str, currency: str, as_of) -> None:
    now = lead_kpi_table(store, period, "company", settings, scope).row(0, named=True)
    before = lead_kpi_table(store, period.previous(), "company", settings, scope).row(0, named=True)
    lead_tiles(now, before, lang)
    st.caption(t("activity.leads.caption", lang, as_of=fmt_date(as_of, lang)))
    table = lead_kpi_table(store, period, level, settings, scope)
    if not now["leads_created"] and not now["new_contacts"]:
        st.info(t("activity.leads.none", lang))
    chart = shared_chart("activity-types", lambda: activity_by_type(table, lang), period=period, scope=scope,
                         lang=lang, level=level)
    show_chart(chart, width="stretch")
    chart_downloads(chart, f"activity-by-type-{level}-{period.code}", key="ac-types")
    show_table(table, lang, currency)
    table_downloads(table, f"lead-kpis-{level}-{period.code}", key="ac-lead-kpis")


def main() -> None:
    lang, settings, store = context.lang(), context.settings(), context.store()
    currency = settings.reporting_currency
    period = context.period()
    scope = context.url_scope()
    st.title(t("activity.title", lang, period=period.label(lang)))
    st.caption(t("activity.caption", lang))
    if store.count("deals") == 0:
        context.empty_state("fk.empty")
        return

    now = kpi_table(store, period, "company", settings, scope).row(0, named=True)
    before = kpi_table(store, period.previous(), "company", settings, scope).row(0, named=True)
    response = [lead_response(store, p, "company", settings, scope)["median_response_hours"][0]
                for p in (period, period.previous())]
    tiles(now, before, response[0], response[1], lang, currency)
    as_of = as_of_date(store)
    partial = t("fk.to_date", lang, as_of=fmt_date(as_of, lang)) + " " if period.start <= as_of < period.end else ""
    st.caption(partial + t("fk.compared_with", lang, period=period.previous().label(lang)))

    wanted = st.query_params.get("level")
    level = st.segmented_control(t("fk.level", lang), LEVELS, default=wanted if wanted in LEVELS else "region",
                                 format_func=lambda k: t(f"fk.level.{k}", lang), key="activity_level") or "region"
    st.query_params["level"] = level
    kpis = kpi_table(store, period, level, settings, scope)
    chart = shared_chart("activity-revenue", lambda: revenue_by_row(kpis, lang, currency), period=period,
                         scope=scope, lang=lang, level=level)
    show_chart(chart, width="stretch")
    chart_downloads(chart, f"revenue-{level}-{period.code}", key="ac-revenue")

    kpi_tab, stars_tab, cycle_tab, response_tab, leads_tab_, season_tab = st.tabs([
        t("activity.tab.kpis", lang), t("activity.tab.stars", lang), t("activity.tab.cycle", lang),
        t("activity.tab.response", lang), t("activity.tab.leads", lang), t("activity.tab.seasonality", lang)])
    with kpi_tab:
        show_table(kpis, lang, currency)
        table_downloads(kpis, f"kpis-{level}-{period.code}", key="ac-kpis")
    with stars_tab:
        stars = star_performers(store, period, settings, scope, top=10)
        if stars.is_empty():
            st.info(t("activity.stars.none", lang))
        else:
            show_table(stars, lang, currency)
            table_downloads(stars, f"star-performers-{period.code}", key="ac-stars")
    with cycle_tab:
        by_territory = kpis if level == "territory" else kpi_table(store, period, "territory", settings, scope)
        chart = shared_chart("activity-cycle", lambda: cycle_by_row(by_territory, lang), period=period,
                             scope=scope, lang=lang)
        show_chart(chart, width="stretch")
        chart_downloads(chart, f"sales-cycle-{period.code}", key="ac-cycle")
        table_downloads(by_territory.select("name", "sales_cycle_days", "won_count", "won"),
                        f"sales-cycle-{period.code}", key="ac-cycle-table")
    with response_tab:
        st.caption(t("activity.response.help", lang))
        leads = lead_response(store, period, level, settings, scope)
        show_table(leads, lang, currency)
        table_downloads(leads, f"lead-response-{level}-{period.code}", key="ac-leads")
    with leads_tab_:
        leads_tab(store, period, level, settings, scope, lang, currency, as_of)
    with season_tab:
        matrix = seasonality_matrix(store, settings, scope)
        chart = shared_chart("activity-seasonality", lambda: seasonality_heatmap(matrix, lang), scope=scope,
                             lang=lang, as_of=as_of)
        show_chart(chart, width="stretch")
        chart_downloads(chart, "seasonality", key="ac-season")
        table_downloads(matrix, "seasonality", key="ac-season-table")


try:
    main()
except TerrainError as error:
    context.show_error(error)
