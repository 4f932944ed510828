"""Customer health: tier counts, the risk list with each account's breakdown and next action,
today's top 10 at risk, the alerts (无人问津, no owner), the distribution by territory and rep, and
the weights/thresholds/templates editor. Scores come from engine/health."""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.charts.health import tier_distribution, tier_trend
from engine.health.alerts import alert_counts, alerts_frame, pending_alerts
from engine.health.config import FACTORS, TIERS, HealthConfig, load_config, save_config
from engine.health.explain import breakdown, fill_template, with_words
from engine.health.score import at_risk, health_table, tier_counts
from engine.health.views import distribution, in_scope, scope_territories, tier_history
from engine.i18n import fmt_date, fmt_number, t
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store.errors import TerrainError
from ui import context
from ui.downloads import chart_downloads, table_downloads

LIST_COLUMNS = ("name", "score", "tier_label", "reason", "next_action", "rep_name", "territory", "days_since_activity")


def labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    return frame.rename({c: t(f"health.col.{c}", lang) for c in frame.columns})


def tiles(scores: pl.DataFrame, lang: str) -> None:
    counts = tier_counts(scores)
    cells = st.columns(4)
    for cell, tier in zip(cells, TIERS):
        cell.metric(t(f"health.tile.{tier}", lang), fmt_number(counts[tier], lang))
    average = scores["score"].mean()
    cells[3].metric(t("health.tile.average", lang), "–" if average is None else f"{average:.1f}")


def risk_list(scores: pl.DataFrame, config: HealthConfig, lang: str) -> None:
    left, middle, right = st.columns([2, 2, 3])
    tiers = left.multiselect(t("health.filter.tiers", lang), list(TIERS), default=["yellow", "red"],
                             format_func=lambda k: t(f"health.tier.{k}", lang), key="health_tiers")
    reps = sorted(scores["rep_name"].drop_nulls().unique().to_list())
    rep = middle.selectbox(t("health.filter.rep", lang), [""] + reps, key="health_rep",
                           format_func=lambda r: r or t("health.filter.all_reps", lang))
    search = right.text_input(t("health.filter.search", lang), key="health_search").strip()
    shown = scores.filter(pl.col("tier").is_in(tiers))
    if rep:
        shown = shown.filter(rep_name=rep)
    if search:
        shown = shown.filter(pl.col("name").str.to_lowercase().str.contains(search.lower(), literal=True))
    st.caption(t("health.filter.count", lang, shown=fmt_number(shown.height, lang), total=fmt_number(scores.height, lang)))
    st.dataframe(labelled(shown.select(LIST_COLUMNS), lang), hide_index=True, width="stretch", key="health_list")
    table_downloads(shown.drop("tier_label", "reason", "next_action"), "health-risk-list", key="health-list")
    if shown.height:
        account_detail(shown, config, lang)


def account_detail(shown: pl.DataFrame, config: HealthConfig, lang: str) -> None:
    ids = shown["account_id"].to_list()
    names = dict(zip(ids, shown["name"].to_list()))
    chosen = st.selectbox(t("health.account", lang), ids, format_func=names.get, key="health_account")
    row = shown.filter(account_id=chosen).row(0, named=True)
    st.subheader(t("health.breakdown", lang, name=row["name"], score=f"{row['score']:.1f}", tier=row["tier_label"]))
    st.dataframe(labelled(pl.DataFrame(breakdown(row, config.weights, lang)), lang), hide_index=True,
                 key="health_breakdown")
    st.markdown(t("health.next", lang, action=row["next_action"]))
    st.code(fill_template(config.templates[row["tier"]], row, row["rep_name"]), language=None, wrap_lines=True)


def alerts(alerts_: pl.DataFrame, config: HealthConfig, lang: str) -> None:
    pending = ", ".join(t(f"health.alert.kind.{k}", lang) for k in pending_alerts())
    st.info(t("health.alert.pending", lang, kinds=pending))
    shown = alerts_.select("kind", "name", "rep_name", "territory", "days_since_activity", "score")
    for kind, title in (("dormant", t("health.alert.dormant", lang, days=config.dormant_days)),
                        ("no_owner", t("health.alert.no_owner", lang))):
        rows = shown.filter(kind=kind).drop("kind")
        st.subheader(f"{title}: {fmt_number(rows.height, lang)}")
        if rows.height:
            st.dataframe(labelled(rows, lang), hide_index=True, width="stretch", key=f"health_alert_{kind}")
    table_downloads(alerts_, "health-alerts", key="health-alerts")
    left, right = st.columns(2)
    for column, by in ((left, "rep"), (right, "territory")):
        column.markdown(f"**{t(f'health.alert.by_{by}', lang)}**")
        counts = alert_counts(alerts_, by)
        shown = labelled(counts.drop("name"), lang).insert_column(0, counts["name"].alias(t(f"health.dist.{by}", lang)))
        column.dataframe(shown, hide_index=True, width="stretch", key=f"health_alerts_by_{by}")


def settings_editor(store, config: HealthConfig, lang: str) -> None:
    with st.form("health_settings"):
        st.markdown(f"**{t('health.settings.weights', lang)}**")
        cells = st.columns(len(FACTORS))
        weights = {f: cell.number_input(t(f"health.factor.{f}", lang), 0.0, 100.0, float(config.weights[f]), 1.0,
                                        key=f"health_w_{f}") for cell, f in zip(cells, FACTORS)}
        cells = st.columns(4)
        green = cells[0].number_input(t("health.settings.green_from", lang), 0.0, 100.0, config.green_from, 1.0,
                                      key="health_green")
        yellow = cells[1].number_input(t("health.settings.yellow_from", lang), 0.0, 100.0, config.yellow_from, 1.0,
                                       key="health_yellow")
        dormant = cells[2].number_input(t("health.settings.dormant_days", lang), 1, 3650, config.dormant_days,
                                        key="health_dormant")
        zero = cells[3].number_input(t("health.settings.recency_zero_days", lang), 2, 3650, config.recency_zero_days,
                                     key="health_recency_zero")
        st.markdown(f"**{t('health.settings.templates', lang)}**")
        templates = {tier: st.text_area(t("health.template", lang, tier=t(f"health.tier.{tier}", lang)),
                                        config.templates[tier], key=f"health_template_{tier}") for tier in TIERS}
        save, reset = st.columns([1, 5])
        saved = save.form_submit_button(t("health.settings.save", lang), type="primary")
        back = reset.form_submit_button(t("health.settings.reset", lang))
    if saved or back:
        try:
            new = HealthConfig() if back else config.with_(
                weights=weights, green_from=float(green), yellow_from=float(yellow), dormant_days=int(dormant),
                recency_zero_days=int(zero), templates=templates)
            save_config(store, new)
        except TerrainError as error:
            context.show_error(error)
        else:
            # the form's widgets keep what was typed: drop them so they show what was saved (the
            # defaults after a reset)
            for key in [f"health_w_{f}" for f in FACTORS] + [f"health_template_{tier}" for tier in TIERS] + [
                    "health_green", "health_yellow", "health_dormant", "health_recency_zero"]:
                st.session_state.pop(key, None)
            st.session_state["health_saved"] = True
            st.rerun()


def main() -> None:
    lang, store = context.lang(), context.store()
    config = load_config(store)
    st.title(t("health.title", lang))
    if st.session_state.pop("health_saved", False):
        st.success(t("health.settings.saved", lang))
    if store.count("accounts") == 0:
        context.empty_state("health.empty")
        return
    as_of = as_of_date(store)
    st.caption(t("health.caption", lang, as_of=fmt_date(as_of, lang), green=f"{config.green_from:g}",
                 yellow=f"{config.yellow_from:g}"))
    scope = scope_territories(store, context.url_scope())
    data = sales_data(store)
    reps = data.reps.select(pl.col("rep_id").alias("owner_rep_id"), pl.col("name").alias("rep_name"))
    names = data.tree.nodes.select("territory_id", pl.col("name").alias("territory"))
    scores = in_scope(health_table(store, as_of, config), scope)
    worded = (with_words(scores, lang).join(reps, on="owner_rep_id", how="left", maintain_order="left")
              .join(names, on="territory_id", how="left", maintain_order="left"))
    tiles(scores, lang)
    risk_tab, top_tab, alerts_tab, dist_tab, settings_tab = st.tabs([
        t("health.tab.risk", lang), t("health.tab.top", lang), t("health.tab.alerts", lang),
        t("health.tab.distribution", lang), t("health.tab.settings", lang)])
    with risk_tab:
        risk_list(worded, config, lang)
    with top_tab:
        top = at_risk(worded)
        if top.is_empty():
            st.info(t("health.top.none", lang))
        else:
            st.dataframe(labelled(top.select("name", "score", "tier_label", "reason", "next_action", "rep_name"), lang),
                         hide_index=True, width="stretch", key="health_top")
            table_downloads(top.drop("tier_label", "reason", "next_action"), f"health-top10-{as_of}", key="health-top")
    with alerts_tab:
        alerts(alerts_frame(scores, data.reps.select("rep_id", "name"), data.tree.nodes.select("territory_id", "name"),
                            config), config, lang)
    with dist_tab:
        by = st.segmented_control(t("fk.level", lang), ("territory", "rep"), default="territory",
                                  format_func=lambda k: t(f"health.dist.{k}", lang), key="health_by") or "territory"
        chart = tier_distribution(distribution(scores, store, by), by, lang)
        st.altair_chart(chart, width="stretch")
        chart_downloads(chart, f"health-by-{by}", key="health-dist")
        # off by default: six scorings of every account cost six times one (≈ 3 s each at 1M accounts)
        if st.toggle(t("health.trend.show", lang), key="health_trend"):
            history = tier_history(store, scope, as_of, config)
            trend = tier_trend(history, lang)
            st.altair_chart(trend, width="stretch")
            chart_downloads(trend, "health-trend", key="health-trend")
            table_downloads(history, "health-trend", key="health-trend-table")
    with settings_tab:
        settings_editor(store, config, lang)


try:
    main()
except TerrainError as error:
    context.show_error(error)
