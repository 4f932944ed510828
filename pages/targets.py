"""Targets: split the company target down the territory tree to reps and months, check that every
level adds up to the cent, save it, and see where this month should stand by day 10 and day 20."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from engine.charts.targets import month_split, region_split
from engine.errors import TerrainError
from engine.i18n import fmt_date, fmt_money, fmt_month, t
from engine.metrics import as_of_date, attainment_table
from engine.periods import fiscal_year, period_containing
from engine.seasonality import month_weights, pacing_curve, pacing_milestones
from engine.targets import METHODS, check_sums, decompose, monthly_targets, save_targets
from ui import context
from ui.downloads import chart_downloads, table_downloads


def _saved_target(store, year, settings) -> float | None:
    """The company's target for the year as every page reads it (saved company rows, else the sum
    of the levels below)."""
    target = attainment_table(store, year, "company", None, settings)["target"][0]
    return None if target is None else round(target, 2)  # a sum of cents, without float dust


def _default_total(store, year, settings) -> float:
    """The saved target, else last year's won revenue rounded to thousands, else a round million."""
    saved = _saved_target(store, year, settings)
    if saved:
        return float(saved)
    won = attainment_table(store, year.last_year(), "company", None, settings)["won"][0]
    return float(round(won, -3)) if won else 1_000_000.0


def _editor_frame(nodes: pl.DataFrame, lang: str) -> pl.DataFrame:
    return nodes.select(
        "node_id",
        pl.col("kind").map_elements(lambda k: t(f"targets.kind.{k}", lang), return_dtype=pl.String).alias("level"),
        pl.Series("name", ["\u3000" * d + n for d, n in zip(nodes["depth"], nodes["name"])], dtype=pl.String),
        "weight", "share", "amount")


def _editor_config(lang: str, editable: bool) -> dict:
    return {
        "node_id": None,
        "level": t("targets.col.level", lang), "name": t("fk.col.name", lang),
        "weight": st.column_config.NumberColumn(t("targets.col.weight", lang), format="localized", disabled=True),
        "share": st.column_config.NumberColumn(t("targets.col.share", lang), format="percent", disabled=True),
        "amount": st.column_config.NumberColumn(t("fk.col.amount", lang), format="localized", min_value=0.0,
                                                disabled=not editable),
    }


def _check_messages(check: pl.DataFrame, lang: str, currency: str) -> None:
    wrong = check.filter(~pl.col("ok"))
    if wrong.is_empty():
        st.success(t("targets.check.all_ok", lang))
        return
    st.error("\n".join("- " + t("targets.check.mismatch", lang, name=row["name"],
                                amount=fmt_money(row["amount"], lang, currency, compact=False),
                                children=fmt_money(row["children_sum"], lang, currency, compact=False),
                                difference=f"{row['difference']:,.2f}")
                       for row in wrong.iter_rows(named=True)))


def _pacing(store, settings, lang: str, currency: str) -> None:
    as_of = as_of_date(store)
    month = period_containing(as_of, "month", settings.fiscal_year_start_month)
    st.subheader(t("targets.pacing", lang, month=fmt_month(month.start, lang)))
    figures = pl.concat([attainment_table(store, month, level, None, settings).select("name", "target", "won")
                         for level in ("company", "region")]).filter(pl.col("target").is_not_null())
    if figures.is_empty():
        st.info(t("targets.pacing.none", lang, month=fmt_month(month.start, lang)))
        return
    curve = pacing_curve(store, as_of)
    basis = t(f"targets.pacing.basis.{curve['basis'][0]}", lang)
    st.caption(t("targets.pacing.help", lang, basis=basis, as_of=fmt_date(as_of, lang)))
    pacing = pacing_milestones(figures, curve, as_of)
    money = ("target", "won", "by_day_10", "by_day_20", "expected_now")
    st.dataframe(pacing.with_columns(pl.col(c).round(0) for c in money), hide_index=True, width="stretch", column_config={
        "name": t("fk.col.name", lang), "won": st.column_config.NumberColumn(t("fk.col.won", lang), format="localized"),
        "target": st.column_config.NumberColumn(t("fk.col.target", lang), format="localized"),
        **{c: st.column_config.NumberColumn(t(f"targets.col.{c}", lang), format="localized")
           for c in ("by_day_10", "by_day_20", "expected_now")},
        "pace": st.column_config.NumberColumn(t("targets.col.pace", lang), format="percent")})
    table_downloads(pacing, f"pacing-{month.code}", key="tg-pacing")


def _save(store, monthly: pl.DataFrame, label: str, lang: str) -> None:
    """Button callback: runs before the rerun, so the tiles already show the saved target."""
    rows = save_targets(store, monthly, replace_months=True)
    st.session_state["tg-saved"] = t("targets.saved", lang, rows=rows, period=label)


def main() -> None:
    lang, settings, store = context.lang(), context.settings(), context.store()
    currency = settings.reporting_currency
    year = fiscal_year(context.period().fiscal_year, settings.fiscal_year_start_month)
    st.title(t("targets.title", lang, period=year.label(lang)))
    st.caption(t("targets.caption", lang))
    if store.count("territories") == 0:
        st.info(t("targets.no_territories", lang))
        if (Path(__file__).parent / "import.py").exists():
            st.page_link("pages/import.py", label=t("fk.to_import", lang), icon="📥")
        return

    as_of = as_of_date(store)
    left, right = st.columns([2, 3])
    total = left.number_input(t("targets.total", lang, period=year.label(lang)), min_value=0.0, step=1000.0,
                              value=_default_total(store, year, settings), format="%.2f", key=f"tg-total-{year.code}")
    method = right.selectbox(t("targets.method", lang), METHODS, index=METHODS.index("last_year"),
                             format_func=lambda m: t(f"targets.method.{m}", lang), key="tg-method")
    editable = method == "manual"
    if editable:
        start_from = right.selectbox(t("targets.start_from", lang), METHODS[:-1], index=1, key="tg-start-from",
                                     format_func=lambda m: t(f"targets.method.{m}", lang))
        seed = decompose(store, total, year, start_from, as_of=as_of)
        st.caption(t("targets.editor.help", lang))
        edited = st.data_editor(_editor_frame(seed, lang), column_config=_editor_config(lang, True), hide_index=True,
                                width="stretch", disabled=["level", "name"], num_rows="fixed",
                                key=f"tg-editor-{year.code}-{start_from}-{total}")
        edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
        nodes = decompose(store, total, year, "manual", as_of=as_of, manual=edited.select("node_id", "amount"))
    else:
        nodes = decompose(store, total, year, method, as_of=as_of)
    weights = month_weights(store, year)
    monthly = monthly_targets(nodes, weights)
    check = check_sums(nodes)
    wrong = int((~check["ok"]).sum())

    cells = st.columns(5)
    saved = _saved_target(store, year, settings)
    plan_total = nodes["amount"][0]
    cells[0].metric(t("targets.tile.saved", lang), fmt_money(saved, lang, currency))
    change = None if saved is None or round(plan_total - saved, 2) == 0 else fmt_money(plan_total - saved, lang, currency)
    cells[1].metric(t("targets.tile.plan", lang), fmt_money(plan_total, lang, currency), change,
                    delta_description=t("targets.tile.vs_saved", lang) if change else None)
    cells[2].metric(t("targets.tile.regions", lang), int((nodes["kind"] == "region").sum()))
    cells[3].metric(t("targets.tile.reps", lang), nodes.filter(pl.col("kind") == "rep")["scope_id"].n_unique())
    cells[4].metric(t("targets.tile.check", lang),
                    t("targets.check.ok", lang) if not wrong else t("targets.check.bad", lang, count=wrong))

    chart = region_split(nodes, lang, currency)
    st.altair_chart(chart, width="stretch")
    chart_downloads(chart, f"target-split-{year.code}", key="tg-split")
    fallbacks = nodes.filter(pl.col("fallback"))["parent_node"].n_unique()
    if fallbacks:
        st.warning(t("targets.fallback", lang, count=fallbacks))
    if not editable:
        st.dataframe(_editor_frame(nodes, lang), column_config=_editor_config(lang, False), hide_index=True,
                     width="stretch")
    table_downloads(nodes, f"target-plan-{year.code}", key="tg-plan")
    _check_messages(check, lang, currency)

    years = int(weights["years_used"][0]) if weights.height else 0
    st.subheader(t("targets.seasonality", lang, years=years) if years else t("targets.seasonality.none", lang))
    chart = month_split(weights, lang)
    st.altair_chart(chart, width="stretch")
    chart_downloads(chart, f"target-months-{year.code}", key="tg-months")
    table_downloads(monthly, f"targets-monthly-{year.code}", key="tg-monthly")

    st.button(t("targets.save", lang), type="primary", disabled=bool(wrong), key="tg-save",
              on_click=_save, args=(store, monthly, year.label(lang), lang))
    if "tg-saved" in st.session_state:
        st.success(st.session_state.pop("tg-saved"))
    if wrong:
        st.caption(t("targets.save_blocked", lang))
    _pacing(store, settings, lang, currency)


try:
    main()
except TerrainError as error:
    context.show_error(error)
