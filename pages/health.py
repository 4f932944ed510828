"""Customer health: tier counts, the risk list with each account's breakdown and next action,
today's top 10 at risk, the alerts (无人问津, no owner, 重复跟进, leads waiting, invoices past due),
the receivables (ageing buckets, DSO per territory), the distribution by territory and rep, and
the weights/thresholds/templates editor. Scores, alerts and receivables come from engine/health."""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.charts.health import tier_distribution, tier_trend
from engine.charts.receivables import past_due_by_territory
from engine.health.alerts import ALERT_KINDS, account_alerts, alert_counts
from engine.health.receivables import BUCKETS, DSO_DAYS, ageing_total, receivables_report
from engine.health.config import FACTORS, TIERS, HealthConfig, load_config, save_config
from engine.health.explain import breakdown, fill_template, with_words
from engine.health.score import at_risk, health_table, tier_counts
from engine.health.views import distribution, in_scope, scope_territories, tier_history
from engine.i18n import fmt_date, fmt_money, fmt_number, t
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store.errors import TerrainError
from ui import context
from ui.charts import show_chart
from ui.downloads import chart_downloads, table_downloads
from ui.never import days_or_never
from ui.row_limit import first_rows
from ui.shared import shared_result
from ui.tables import EMPTY, show

LIST_COLUMNS = ("name", "score", "tier_label", "reason", "next_action", "rep_name", "territory", "days_since_activity")


def labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    return frame.rename({c: t(f"health.col.{c}", lang) for c in frame.columns})


def score_column(lang: str) -> dict:
    """Scores read with one decimal, as the tiles and the breakdown's heading say them (the grid
    showed 16.67, 19.41 and 20 one under the other)."""
    return {t("health.col.score", lang): st.column_config.NumberColumn(format="%.1f")}


def unnamed(frame: pl.DataFrame, by: str, lang: str) -> pl.DataFrame:
    """The engine's "—" row (accounts with no territory / no owner) named in words, as the
    planner names it: a bar labelled "—" said nothing."""
    word = t("tables.unassigned" if by == "territory" else "tables.no_owner", lang)
    return frame.with_columns(pl.col("name").replace("—", word))


def tiles(figures: tuple[dict[str, int], float | None], lang: str) -> None:
    counts, average = figures
    cells = st.columns(4)
    for cell, tier in zip(cells, TIERS):
        cell.metric(t(f"health.tile.{tier}", lang), fmt_number(counts[tier], lang))
    cells[3].metric(t("health.tile.average", lang), "–" if average is None else f"{average:.1f}")


def risk_list(scores: pl.DataFrame, config: HealthConfig, lang: str, memo: dict) -> None:
    left, middle, right = st.columns([2, 2, 3])
    tiers = left.multiselect(t("health.filter.tiers", lang), list(TIERS), default=["yellow", "red"],
                             format_func=lambda k: t(f"health.tier.{k}", lang), key="health_tiers")
    reps = shared_result("health_rep_names", lambda: sorted(scores["rep_name"].drop_nulls().unique().to_list()),
                         **memo)
    rep = middle.selectbox(t("health.filter.rep", lang), [""] + reps, key="health_rep",
                           format_func=lambda r: r or t("health.filter.all_reps", lang))
    search = right.text_input(t("health.filter.search", lang), key="health_search").strip()

    def matching() -> pl.Series:
        wanted = pl.col("tier").is_in(tiers)
        if rep:
            wanted &= pl.col("rep_name") == rep
        if search:
            wanted &= pl.col("name").str.to_lowercase().str.contains(search.lower(), literal=True)
        return scores.select("tier", "name", "rep_name").with_row_index().filter(wanted)["index"]

    # Only the matching rows' positions are kept (the same filters asked again, by this session or
    # the next visitor, are not filtered again); the rows themselves are gathered when shown.
    rows = shared_result("health_risk_rows", matching, tiers=tuple(tiers), rep=rep, search=search, **memo)
    st.caption(t("health.filter.count", lang, shown=fmt_number(rows.len(), lang), total=fmt_number(scores.height, lang)))
    listed = first_rows(scores, lang, rows=rows)
    score = t("health.col.score", lang)
    st.dataframe(days_or_never(labelled(listed.select(LIST_COLUMNS), lang), t("health.col.days_since_activity", lang),
                               lang, {score: 1}),
                 hide_index=True, width="stretch", key="health_list", column_config=score_column(lang),
                 placeholder=EMPTY)
    table_downloads(lambda: scores[rows].drop("tier_label", "reason", "next_action"), "health-risk-list",
                    key="health-list")
    if listed.height:
        account_detail(listed, config, lang)


def account_detail(shown: pl.DataFrame, config: HealthConfig, lang: str) -> None:
    ids = shown["account_id"].to_list()
    names = dict(zip(ids, shown["name"].to_list()))
    chosen = st.selectbox(t("health.account", lang), ids, format_func=names.get, key="health_account")
    row = shown.filter(account_id=chosen).row(0, named=True)
    st.subheader(t("health.breakdown", lang, name=row["name"], score=f"{row['score']:.1f}", tier=row["tier_label"]))
    # in points of the score, one decimal: the parts add up to the score in the heading
    parts = labelled(pl.DataFrame(breakdown(row, lang)), lang)
    st.dataframe(parts, hide_index=True, key="health_breakdown", placeholder=EMPTY,
                 column_config={name: st.column_config.NumberColumn(format="%.1f") for name in parts.columns[1:]})
    st.markdown(t("health.next", lang, action=row["next_action"]))
    st.code(fill_template(config.templates[row["tier"]], row, row["rep_name"]), language=None, wrap_lines=True)


ALERT_LIST_COLUMNS = ("kind", "name", "rep_name", "territory", "days_since_activity", "waiting_hours",
                      "days_past_due", "bucket", "amount_due")


def alerts(alerts_: pl.DataFrame, lang: str, hours: int, memo: dict) -> None:
    memo = {**memo, "hours": hours}  # the alerts are those of the follow-up hours
    # Once per data version for everyone: counting and listing the alerts of a million accounts
    # cost every visit ≈ 60 ms at 1M accounts.
    counts = shared_result("health_alert_totals", lambda: alert_counts(alerts_, "territory").select(ALERT_KINDS).sum(),
                           **memo)
    for cell, kind in zip(st.columns(len(ALERT_KINDS)), ALERT_KINDS):
        cell.metric(t(f"health.alert.kind.{kind}", lang), fmt_number(int(counts[kind][0] or 0), lang))
    left, middle, right = st.columns([3, 2, 2])
    kinds = left.multiselect(t("health.alert.filter.kinds", lang), list(ALERT_KINDS), default=list(ALERT_KINDS),
                             format_func=lambda k: t(f"health.alert.kind.{k}", lang), key="health_alert_kinds")
    reps, places = shared_result("health_alert_choices", lambda: tuple(
        sorted(alerts_[column].drop_nulls().unique().to_list()) for column in ("rep_name", "territory")), **memo)
    rep = middle.selectbox(t("health.filter.rep", lang), [""] + reps, key="health_alert_rep",
                           format_func=lambda r: r or t("health.filter.all_reps", lang))
    place = right.selectbox(t("health.alert.filter.territory", lang), [""] + places, key="health_alert_territory",
                            format_func=lambda p: p or t("health.alert.filter.all_territories", lang))
    shown = alerts_.filter(pl.col("kind").is_in(kinds))
    if rep:
        shown = shown.filter(rep_name=rep)
    if place:
        shown = shown.filter(territory=place)
    st.caption(t("health.alert.count", lang, shown=fmt_number(shown.height, lang),
                 total=fmt_number(alerts_.height, lang), hours=hours))
    words = {k: t(f"health.alert.kind.{k}", lang) for k in ALERT_KINDS}
    buckets = {b: t(f"receivables.bucket.{b}", lang) for b in BUCKETS}
    # worded after the cut: only the rows shown are worded
    listed = first_rows(shown.select(ALERT_LIST_COLUMNS), lang).with_columns(
        pl.col("kind").replace_strict(words, return_dtype=pl.String),
        pl.col("bucket").replace_strict(buckets, default=None, return_dtype=pl.String))
    show(listed, lambda c: t(f"health.col.{c}", lang), context.settings().reporting_currency, lang=lang,
         key="health_alert_list", money=("amount_due",),
         counts=("days_since_activity", "waiting_hours", "days_past_due"))
    table_downloads(shown, "health-alerts", key="health-alerts")
    left, right = st.columns(2)
    for column, by in ((left, "rep"), (right, "territory")):
        column.markdown(f"**{t(f'health.alert.by_{by}', lang)}**")
        per = shared_result("health_alert_counts", lambda: unnamed(alert_counts(shown, by), by, lang), by=by,
                            kinds=tuple(kinds), rep=rep, place=place, lang=lang, **memo)
        column.dataframe(labelled(per.drop("name"), lang).insert_column(0, per["name"].alias(t(f"health.dist.{by}", lang))),
                         hide_index=True, width="stretch", key=f"health_alerts_by_{by}",
                         placeholder=EMPTY)


def receivables(store, scope, as_of, lang: str, memo: dict) -> None:
    ageing = shared_result("health_receivables", lambda: receivables_report(store, as_of, scope), **memo)
    if ageing.is_empty():
        st.info(t("health.recv.none", lang))
        return
    currency = context.settings().reporting_currency
    st.caption(t("health.recv.caption", lang, as_of=fmt_date(as_of, lang), days=DSO_DAYS))
    total = ageing_total(ageing)
    cells = st.columns(3)
    cells[0].metric(t("health.recv.outstanding", lang), fmt_money(total["outstanding"], lang, currency))
    cells[1].metric(t("health.recv.past_due", lang), fmt_money(total["past_due"], lang, currency))
    cells[2].metric(t("health.recv.dso", lang), "–" if total["dso"] is None else f"{total['dso']:.1f}")
    chart = shared_result("health_receivables_chart", lambda: past_due_by_territory(ageing, lang, currency),
                          lang=lang, currency=currency, **memo)
    show_chart(chart, width="stretch")
    chart_downloads(chart, "receivables-by-territory", key="health-recv-chart")
    show(ageing, lambda c: t(f"health.col.{c}", lang), currency, lang=lang, key="health_receivables",
         money=[c for c in ageing.columns if c not in ("territory_id", "territory", "dso")], decimals=("dso",),
         hidden=("territory_id",))
    table_downloads(ageing, f"receivables-{as_of}", key="health-recv")


def settings_editor(store, config: HealthConfig, lang: str) -> None:
    with st.form("health_settings"):
        st.markdown(f"**{t('health.settings.weights', lang)}**")
        cells = st.columns(len(FACTORS))
        weights = {f: cell.number_input(t(f"health.factor.{f}", lang), 0.0, 100.0, float(config.weights[f]), 1.0,
                                        key=f"health_w_{f}") for cell, f in zip(cells, FACTORS)}
        cells = st.columns(5)
        green = cells[0].number_input(t("health.settings.green_from", lang), 0.0, 100.0, config.green_from, 1.0,
                                      key="health_green")
        yellow = cells[1].number_input(t("health.settings.yellow_from", lang), 0.0, 100.0, config.yellow_from, 1.0,
                                       key="health_yellow")
        dormant = cells[2].number_input(t("health.settings.dormant_days", lang), 1, 3650, config.dormant_days,
                                        key="health_dormant")
        zero = cells[3].number_input(t("health.settings.recency_zero_days", lang), 2, 3650, config.recency_zero_days,
                                     key="health_recency_zero")
        receivables = cells[4].number_input(t("health.settings.receivables_zero_days", lang), 1, 3650,
                                            config.receivables_zero_days, key="health_receivables_zero")
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
                recency_zero_days=int(zero), receivables_zero_days=int(receivables), templates=templates)
            save_config(store, new)
        except TerrainError as error:
            context.show_error(error)
        else:
            # the form's widgets keep what was typed: drop them so they show what was saved (the
            # defaults after a reset)
            for key in [f"health_w_{f}" for f in FACTORS] + [f"health_template_{tier}" for tier in TIERS] + [
                    "health_green", "health_yellow", "health_dormant", "health_recency_zero",
                    "health_receivables_zero"]:
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
    # Everything below is derived once per data version, as-of day, configuration and scope (and
    # language, where words are part of it) and shared by every session: a rerun only looks it up.
    memo = {"scope": scope, "as_of": as_of, "config": repr(config)}
    everyone = health_table(store, as_of, config)  # itself memoised per data version, day and configuration
    scores = everyone if scope is None else shared_result("health_scores", lambda: in_scope(everyone, scope), **memo)

    def words() -> pl.DataFrame:
        """The words and names beside the scores, row for row: only these columns are kept, and put
        beside the scores' own (shared, not copied) in every run."""
        reps = dict(zip(data.reps["rep_id"], data.reps["name"]))
        names = dict(zip(data.tree.nodes["territory_id"], data.tree.nodes["name"]))
        return with_words(scores, lang).select(
            "reason", "tier_label", "next_action",
            pl.col("owner_rep_id").replace_strict(reps, default=None, return_dtype=pl.String).alias("rep_name"),
            pl.col("territory_id").replace_strict(names, default=None, return_dtype=pl.String).alias("territory"))

    worded = pl.concat([scores, shared_result("health_words", words, lang=lang, **memo)], how="horizontal")
    tiles(shared_result("health_tiles", lambda: (tier_counts(scores), scores["score"].mean()), **memo), lang)
    risk_tab, top_tab, alerts_tab, receivables_tab, dist_tab, settings_tab = st.tabs([
        t("health.tab.risk", lang), t("health.tab.top", lang), t("health.tab.alerts", lang),
        t("health.tab.receivables", lang), t("health.tab.distribution", lang), t("health.tab.settings", lang)])
    with risk_tab:
        risk_list(worded, config, lang, {**memo, "lang": lang})
    with top_tab:
        top = shared_result("health_top", lambda: at_risk(worded), lang=lang, **memo)
        if top.is_empty():
            st.info(t("health.top.none", lang))
        else:
            st.dataframe(labelled(top.select("name", "score", "tier_label", "reason", "next_action", "rep_name"), lang),
                         hide_index=True, width="stretch", key="health_top", column_config=score_column(lang),
                         placeholder=EMPTY)
            table_downloads(top.drop("tier_label", "reason", "next_action"), f"health-top10-{as_of}", key="health-top")
    with alerts_tab:
        hours = context.settings().lead_follow_up_hours
        found = shared_result("health_alerts", lambda: in_scope(account_alerts(store, as_of, config, hours), scope),
                              hours=hours, **memo)
        alerts(found, lang, hours, memo)
    with receivables_tab:
        receivables(store, scope, as_of, lang, memo)
    with dist_tab:
        by = st.segmented_control(t("fk.level", lang), ("territory", "rep"), default="territory",
                                  format_func=lambda k: t(f"health.dist.{k}", lang), key="health_by") or "territory"
        chart = shared_result("health_distribution",
                              lambda: tier_distribution(unnamed(distribution(scores, store, by), by, lang), by, lang),
                              by=by, lang=lang, **memo)
        show_chart(chart, width="stretch")
        chart_downloads(chart, f"health-by-{by}", key="health-dist")
        # off by default: six scorings of every account cost six times one (≈ 3 s each at 1M accounts)
        if st.toggle(t("health.trend.show", lang), key="health_trend"):
            history = tier_history(store, scope, as_of, config)
            trend = shared_result("health_trend", lambda: tier_trend(history, lang), lang=lang, **memo)
            show_chart(trend, width="stretch")
            chart_downloads(trend, "health-trend", key="health-trend")
            table_downloads(history, "health-trend", key="health-trend-table")
    with settings_tab:
        settings_editor(store, config, lang)


try:
    main()
except TerrainError as error:
    context.show_error(error)
