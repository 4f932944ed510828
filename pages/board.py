"""The morning-meeting board (销售晨会大屏): a read-only wall screen that rotates its panels.

Set up once by URL — `board?rotate=20&scope=EMEA&lang=zh` — and left running: the panels rotate
inside `st.fragment(run_every=…)`, so only the panel reruns, never the page, and each rotation
reads the store again (cached per data version), so new data shows up on its own. Dark, no
sidebar or menus, large type. Panels come from engine/board/panels.py.
"""
from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from engine.board.followups import overdue_receivables, waiting_leads
from engine.board.map_panel import region_map_rows
from engine.board.panels import (PANELS, alert_summary, customers_at_risk, leaderboard, pacing, regions, scope_of,
                                 won_deals)
from engine.charts.board_map import BOARD_MAP_PX, board_map
from engine.health.config import load_config
from engine.health.explain import with_words
from engine.i18n import fmt_date, fmt_money, fmt_number, fmt_pct, t
from engine.metrics.performance import as_of_date
from engine.metrics.sales_data import sales_data
from engine.store.errors import TerrainError
from ui import board_link, context
from ui.shared import shared_chart

# Static CSS, no data in it: the dark kiosk look, sidebar/header/menus hidden, type for 3 m.
KIOSK_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0E1117; color: #F5F7FA;}
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.5rem; max-width: 100%;}
.stApp h1 {font-size: 56px; color: #F5F7FA;} .stApp h2, .stApp h3 {font-size: 42px; color: #F5F7FA;}
.stApp p, .stApp li, .stApp td, .stApp th, [data-testid="stCaptionContainer"] {font-size: 28px !important; color: #E4E7EB;}
[data-testid="stMetricLabel"] p {font-size: 30px !important;} .stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] * {font-size: 64px !important; color: #F5F7FA;}
[data-testid="stMetricDelta"] {background: transparent !important;} .stApp [data-testid="stMetricDelta"] * {font-size: 28px !important; color: #E4E7EB !important;}
[data-testid="stTable"] table {background: #0E1117;} [data-testid="stTable"] td, [data-testid="stTable"] th {font-size: 28px !important; padding: 6px 14px;}
html {overflow: hidden;}
</style>"""
DEFAULT_ROTATE = 20


def rotate_seconds(link: dict | None, lang: str) -> int:
    """The board link's rotation, else ?rotate=N (5 to 600 seconds), else the TERRAIN_BOARD_ROTATE
    setting; a ?rotate= that is not a number is said, not silently replaced."""
    raw = str(link["rotate"]) if link and link["rotate"] else st.query_params.get("rotate")
    seconds = context.settings().board_rotate_seconds
    if raw:
        try:
            seconds = int(raw)
        except ValueError:
            st.caption(t("board.bad_rotate", lang, value=raw[:20], seconds=seconds))
    return min(max(seconds, 5), 600)


def table(frame: pl.DataFrame, lang: str) -> None:
    st.table(frame.rename({c: t(f"board.col.{c}", lang) for c in frame.columns}), hide_index=True)


def money(frame: pl.DataFrame, columns: tuple[str, ...], lang: str, currency: str) -> pl.DataFrame:
    """Money and fractions as display text (the board is read, never exported)."""
    out = frame
    for name in columns:
        if name in out.columns:
            values = [fmt_money(v, lang, currency) if v is not None else "–" for v in out[name].to_list()]
            out = out.with_columns(pl.Series(name, values))
    for name in ("share", "attainment"):
        if name in out.columns:
            out = out.with_columns(pl.Series(name, [fmt_pct(v, lang) if v is not None else "–"
                                                    for v in out[name].to_list()]))
    return out


def panel_regions(store, scope, lang, currency) -> None:
    settings = context.settings()
    rows = region_map_rows(store, scope, settings)
    left, right = st.columns([3, 2])
    with left:
        # every wall screen and desk of the same view shares one map (ui/shared.py): shapes, labels, layers
        deck, _ = shared_chart("board-map", lambda: board_map(
            sales_data(store), rows, scope, lang, red_below=settings.attainment_red_below,
            green_from=settings.attainment_green_from), scope=scope, lang=lang, as_of=as_of_date(store),
            settings=settings)
        st.pydeck_chart(deck, height=BOARD_MAP_PX[1], key="board_map")
    with right:
        table(money(rows.select("name", "share", "attainment"), (), lang, currency), lang)
        st.caption(t("board.map.legend", lang, red=fmt_pct(settings.attainment_red_below, lang),
                     green=fmt_pct(settings.attainment_green_from, lang)))


def panel_leaderboard(store, scope, lang, currency) -> None:
    top, bottom = leaderboard(store, scope)
    left, right = st.columns(2)
    with left:
        st.subheader(t("board.top", lang))
        table(money(top, ("won", "target"), lang, currency), lang)
    with right:
        st.subheader(t("board.bottom", lang))
        if bottom.height:
            table(money(bottom, ("won", "target"), lang, currency), lang)
        else:  # a team of five or fewer is all in the top list: say so, not an empty column
            st.markdown(t("board.bottom_none", lang, count=top.height))


def panel_won(store, scope, lang, currency) -> None:
    won = won_deals(store, scope)
    if won.is_empty():
        st.markdown(t("board.none_won", lang))
        return
    cells = st.columns(2)
    for cell, when in zip(cells, ("yesterday", "week")):
        part = won.filter(pl.col("when") == when) if when == "yesterday" else won
        cell.metric(t(f"board.{when}", lang), fmt_money(part["amount"].sum(), lang, currency),
                    t("board.won_count", lang, count=fmt_number(part.height, lang)),
                    delta_color="off", delta_arrow="off")  # a count, not a change: no arrow
    shown = won.head(8).with_columns(pl.col("when").replace_strict({w: t(f"board.{w}", lang) for w in ("yesterday", "week")}),
                                     pl.col("close_date").cast(pl.String))
    table(money(shown.drop("close_date"), ("amount",), lang, currency), lang)


def panel_pacing(store, scope, lang, currency) -> dict:
    pace = pacing(store, scope)
    cells = st.columns(4)
    cells[0].metric(t("board.won", lang), fmt_money(pace["won"], lang, currency))
    cells[1].metric(t("board.target", lang), fmt_money(pace["target"], lang, currency) if pace["target"] else t("board.no_target", lang))
    cells[2].metric(t("board.expected", lang), fmt_money(pace["expected"], lang, currency) if pace["expected"] else "–")
    cells[3].metric(t("board.pace", lang), fmt_pct(pace["pace"], lang) if pace["pace"] is not None else "–",
                    t("board.days_left", lang) + f": {pace['days_left']}", delta_color="off")
    return pace


def panel_at_risk(store, scope, lang, currency) -> None:
    risky = customers_at_risk(store, scope)
    if risky.is_empty():
        st.markdown(t("board.no_risk", lang))
        return
    worded = with_words(risky, lang).select("name", pl.col("score").round(1).cast(pl.String), "reason")
    table(worded, lang)


def panel_alerts(store, scope, lang, currency) -> None:
    counts = alert_summary(store, scope)
    cells = st.columns(3)
    cells[0].metric(t("board.dormant", lang, days=load_config(store).dormant_days), fmt_number(counts["dormant"], lang))
    cells[1].metric(t("board.no_owner", lang), fmt_number(counts["no_owner"], lang))
    cells[2].metric(t("board.duplicate", lang), fmt_number(counts["duplicate"], lang))


def panel_follow_ups(store, scope, lang, currency) -> None:
    leads = waiting_leads(store, scope, rows=5, settings=context.settings())
    st.metric(t("board.leads_waiting", lang, hours=leads["hours"]), fmt_number(leads["count"], lang))
    if not leads["count"]:
        st.markdown(t("board.no_leads_waiting", lang))
        return
    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("board.per_rep", lang))
        table(leads["per_rep"], lang)
    with right:
        st.subheader(t("board.oldest", lang))
        waited = [t("board.waited", lang, days=h // 24, hours=h % 24) for h in leads["oldest"]["waiting_hours"]]
        table(leads["oldest"].with_columns(pl.Series("waiting_hours", waited)), lang)


def panel_receivables(store, scope, lang, currency) -> None:
    owed = overdue_receivables(store, scope, rows=5)
    cells = st.columns(len(owed["buckets"]) + 1)
    for cell, (bucket, amount) in zip(cells, owed["buckets"].items()):
        cell.metric(t(f"receivables.bucket.{bucket}", lang), fmt_money(amount, lang, currency))
    cells[-1].metric(t("board.dso", lang), "–" if owed["dso"] is None else f"{owed['dso']:.0f}")
    if owed["accounts"].is_empty():
        st.markdown(t("board.no_overdue", lang))
        return
    table(money(owed["accounts"].with_columns(pl.col("days_past_due").cast(pl.String)), ("amount_due",), lang,
                currency), lang)


DRAW = {"regions": panel_regions, "leaderboard": panel_leaderboard, "won": panel_won, "pacing": panel_pacing,
        "at_risk": panel_at_risk, "alerts": panel_alerts, "follow_ups": panel_follow_ups,
        "receivables": panel_receivables}


def main() -> None:
    if board_link.refusal():  # a revoked or unknown board link: the reason, no data
        return
    st.html(KIOSK_CSS)
    lang, store = context.lang(), context.store()
    currency = context.settings().reporting_currency
    link = board_link.current_link()
    # a board link's scope is fixed by the link; ?scope= is for a board opened without one
    scope = scope_of(store, link["scope"] if link else st.query_params.get("scope"))
    tree = sales_data(store).tree
    name = t("board.company", lang) if scope is None else tree.name_of(tree.node_of(scope[0]))
    st.title(t("board.title", lang, scope=name))
    seconds = rotate_seconds(link, lang)

    @st.fragment(run_every=timedelta(seconds=seconds))
    def rotating() -> None:
        if not board_link.still_valid():  # revoked while the screen runs: no more data, and why
            board_link.show_revoked(lang)
            return
        index = st.session_state.get("board_panel", 0) % len(PANELS)
        st.session_state["board_panel"] = index + 1
        panel = PANELS[index]
        month = pacing(store, scope)["month"].label(lang) if panel == "pacing" else ""
        st.header(t(f"board.panel.{panel}", lang, month=month))
        DRAW[panel](store, scope, lang, currency)
        st.caption(t("board.as_of", lang, as_of=fmt_date(as_of_date(store), lang), index=index + 1,
                     count=len(PANELS), seconds=seconds))

    rotating()


try:
    main()
except TerrainError as error:
    context.show_error(error)
