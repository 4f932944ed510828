"""Reps: the leaderboard, star performers and those who need help, and one rep's page.

Reads the shared period and the `scope`/`rep` query parameters, asks the engine for the
leaderboard and the chosen rep's trend, deals and accounts, and renders them. Clicking a bar or
picking a rep in the select box opens the rep's detail; `?rep=ID` in the URL opens it directly.
"""
from __future__ import annotations

import streamlit as st

from engine.charts.overview import trend_chart
from engine.charts.reps import SELECTION, attainment_chart
from engine.store.errors import TerrainError
from engine.i18n import fmt_money, fmt_pct
from engine.metrics.performance import as_of_date, monthly_trend
from engine.metrics.reps import leaderboard, rep_accounts, rep_deals, stars_and_strugglers
from ui import context
from ui.charts import show_chart
from ui.downloads import chart_downloads, table_downloads
from ui.shared import shared_chart
from ui.tables import show

tr, lang, settings, store = context.tr, context.lang(), context.settings(), context.store()
currency = settings.reporting_currency
red, green = settings.attainment_red_below, settings.attainment_green_from

st.title(tr("reps.title"))
if store.is_empty():
    context.empty_state()
    st.stop()

try:
    period = context.period()
    scope_id = context.scope_id()  # only a territory the signed-in user sees (else a warning)
    scope = [scope_id] if scope_id else None
    as_of = as_of_date(store)
    board = leaderboard(store, period, scope, settings, as_of)
    stars, need_help = stars_and_strugglers(board, settings)
except TerrainError as error:
    context.show_error(error)
    st.stop()

if board.is_empty():
    st.info(tr("reps.no_reps"))
    st.stop()


def _money(value) -> str:
    return fmt_money(value, lang, currency)


def _line(row: dict, key: str) -> str:
    return context.tr_md(key, name=row["name"], territories=row["territories"] or "–", won=_money(row["won"]),
              target=_money(row["target"]), attainment=fmt_pct(row["attainment"], lang),
              gap=_money(row["gap"]), pipeline=_money(row["pipeline"]))


left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.markdown(f"#### ⭐ {tr('reps.stars')}")
    for row in stars.iter_rows(named=True):
        st.markdown(_line(row, "reps.star_line"))
    if stars.is_empty():
        st.caption(tr("reps.no_stars"))
with right, st.container(border=True):
    st.markdown(f"#### 🛟 {tr('reps.need_help')}")
    for row in need_help.iter_rows(named=True):
        st.markdown(_line(row, "reps.help_line"))
    if need_help.is_empty():
        st.caption(tr("reps.no_help", red=fmt_pct(red, lang)))

st.subheader(tr("reps.leaderboard"))
reached = board.filter(board["attainment"] >= green).height
# one chart per period, scope, day and language for everyone (ui/shared.py): built and checked once
chart = shared_chart("reps-attainment", lambda: attainment_chart(
    board, lang, currency, red_below=red, green_from=green,
    title=tr("reps.chart_title", count=reached, total=board.filter(board["attainment"].is_not_null()).height)),
    period=period, scope=scope, lang=lang, as_of=as_of, settings=settings)
picked = show_chart(chart, on_select="rerun", selection_mode=SELECTION, key="reps-chart")
chart_downloads(chart, f"rep-attainment-{period.code}", key="dl-reps-chart")

# every rep, scrolling past the first screenful (the chart above shows them all too)
show(board, lambda c: tr(f"metrics.col.{c}"), currency, lang=lang, money=("target", "won", "gap", "pipeline", "projected"),
     fractions=("projected_attainment", "attainment"), hidden=("id",), height=min(36 + 35 * board.height, 720), extra={
         "attainment": st.column_config.ProgressColumn(tr("metrics.col.attainment"), format="%.1f%%",
                                                       min_value=0.0, max_value=150.0),
         "coverage": st.column_config.NumberColumn(tr("metrics.col.coverage"), format="%.2f×"),
         "rank": st.column_config.NumberColumn(tr("metrics.col.rank"), width="small"),
         "name": st.column_config.TextColumn(tr("metrics.col.name"), pinned=True)})
table_downloads(board, f"rep-leaderboard-{period.code}", key="dl-reps-table")

# --- one rep --------------------------------------------------------------------------------------
st.subheader(tr("reps.detail"))
ids, names = board["id"].to_list(), dict(zip(board["id"].to_list(), board["name"].to_list()))
clicked = [p.get("id") for p in (picked.selection.get(SELECTION) or []) if p.get("id") in names]
wanted = clicked[0] if clicked else st.query_params.get("rep")
if wanted and wanted not in names and "reps_pick" not in st.session_state:
    st.warning(context.tr_md("link.unknown_rep", value=wanted, shown=names[ids[0]]))
if wanted in names and st.session_state.get("reps_pick") != wanted and (clicked or "reps_pick" not in st.session_state):
    st.session_state["reps_pick"] = wanted
rep_id = st.selectbox(tr("reps.pick"), ids, format_func=lambda i: names.get(i) or "–", key="reps_pick")
if rep_id is None:
    st.stop()
st.query_params["rep"] = rep_id
rep = board.filter(board["id"] == rep_id).row(0, named=True)
tiles = st.columns(5)
tiles[0].metric(tr("metrics.col.won"), _money(rep["won"]), border=True)
tiles[1].metric(tr("metrics.col.target"), _money(rep["target"]), border=True)
tiles[2].metric(tr("metrics.col.attainment"), fmt_pct(rep["attainment"], lang), border=True)
tiles[3].metric(tr("metrics.col.gap"), _money(rep["gap"]), border=True)
tiles[4].metric(tr("metrics.col.pipeline"), _money(rep["pipeline"]), border=True)

trend = monthly_trend(store, period, scope, rep_id=rep_id, settings=settings)
trend_view = shared_chart("reps-trend", lambda: trend_chart(trend, lang, currency, title=tr("reps.trend_title", name=rep["name"])),
                          period=period, scope=scope, lang=lang, rep=rep_id, as_of=as_of, settings=settings)
show_chart(trend_view)
chart_downloads(trend_view, f"rep-trend-{rep_id}", key="dl-rep-trend")

deals_tab, accounts_tab = st.tabs([tr("reps.deals", period=period.label(lang)), tr("reps.accounts")])
with deals_tab:
    deals = rep_deals(store, rep_id, period, settings, as_of)
    shown = deals.with_columns(deals["status"].replace_strict(
        {s: tr(f"metrics.status.{s}") for s in ("won", "lost", "open")}, default=deals["status"]))
    show(shown, lambda c: tr(f"metrics.col.{c}"), currency, lang=lang, money=("amount",), fractions=("probability",),
         hidden=("deal_id",), extra={"close_date": st.column_config.DateColumn(tr("metrics.col.close_date")),
                                     "overdue": st.column_config.CheckboxColumn(tr("metrics.col.overdue"))})
    table_downloads(deals, f"rep-deals-{rep_id}-{period.code}", key="dl-rep-deals")
with accounts_tab:
    accounts = rep_accounts(store, rep_id, period, settings)
    show(accounts, lambda c: tr("metrics.col.account" if c == "name" else f"metrics.col.{c}"), currency, lang=lang,
         money=("won",), counts=("deals_won",), hidden=("account_id",))
    table_downloads(accounts, f"rep-accounts-{rep_id}", key="dl-rep-accounts")
