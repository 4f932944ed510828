"""Targets: split the company target down the territory tree to reps and months, check that every
level adds up to the cent, save it, and see where this month should stand by day 10 and day 20."""
from __future__ import annotations


import polars as pl
import streamlit as st

from engine.charts.targets import month_split, region_split
from engine.i18n.labels import relabel
from engine.store.errors import TerrainError
from engine.i18n import CURRENCY_SYMBOLS, fmt_date, fmt_money, fmt_month, t
from engine.metrics.performance import as_of_date, attainment_table
from engine.metrics.periods import fiscal_year, period_containing
from engine.metrics.seasonality import month_weights, pacing_curve, pacing_milestones
from engine.metrics.saved_targets import save_scoped_targets, save_targets
from engine.metrics.target_parts import monthly_target_parts, rep_attainment_parts
from engine.metrics.targets import METHODS, check_sums, decompose, load_tree, monthly_targets
from ui import context
from ui.charts import show_chart
from ui.markup import t_md
from ui.downloads import chart_downloads, table_downloads
from ui.shared import shared_chart
from ui.tables import EMPTY, PERCENT_FORMAT, readable
from ui.territory_common import target_parts_table


def _money(value: float | None, lang: str, currency: str) -> str:
    """Targets read to two decimals of their unit ($993.82M, 9.94亿): a planner compares plans
    that differ by far less than the one decimal of fmt_money."""
    if value is None:
        return "–"
    units = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for limit, suffix in units:
        if abs(value) >= limit:
            number = f"{abs(value) / limit:,.2f}".rstrip("0").rstrip(".")
            return f"{'-' if value < 0 else ''}{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{number}{suffix}"
    return fmt_money(value, lang, currency, compact=False)


def _saved_target(store, year, settings, scope: str | None = None) -> float | None:
    """The target of the company (or of the scope's territory) for the year as every page reads it
    (saved rows of its own, else the sum of the levels below)."""
    target = attainment_table(store, year, "company", None if scope is None else [scope], settings)["target"][0]
    return None if target is None else round(target, 2)  # a sum of cents, without float dust


def _default_total(store, year, settings, scope: str | None = None) -> float:
    """The saved target, else last year's won revenue rounded to thousands, else a round million."""
    saved = _saved_target(store, year, settings, scope)
    if saved:
        return float(saved)
    won = attainment_table(store, year.last_year(), "company", None if scope is None else [scope], settings)["won"][0]
    return float(round(won, -3)) if won else 1_000_000.0


def _url_scope(store, lang: str) -> tuple[str | None, str | None]:
    """(territory id, name) from ?scope= as the Overview's drill-down sets it; (None, None) for the
    company. Someone who does not see the whole company plans their own top territory."""
    scope = context.scope_id() or context.own_scope()
    if scope is None:
        return None, None
    names = load_tree(store).names
    if scope not in names:
        st.warning(t_md("fk.unknown_scope", lang, scope=scope))
        return None, None
    return scope, names[scope]


def _whole_company() -> None:
    st.query_params.pop("scope", None)


def _editor_frame(nodes: pl.DataFrame, lang: str) -> pl.DataFrame:
    return nodes.select(
        "node_id",
        relabel(nodes["kind"], lambda k: t(f"targets.kind.{k}", lang)).alias("level"),
        pl.Series("name", ["\u3000" * d + n for d, n in zip(nodes["depth"], nodes["name"])], dtype=pl.String),
        "weight", "share", "amount")


def _show_plan(nodes: pl.DataFrame, method: str, lang: str, currency: str) -> None:
    """The plan's tree, indented, for reading: amounts compact, shares with one decimal, the
    method's evidence named after what it is (last year's won, accounts' revenue …)."""
    # The top of the plan has no evidence of its own (its weight is a placeholder 1).
    frame = _editor_frame(nodes.with_columns(pl.when(pl.col("depth") > 0).then(pl.col("weight")).alias("weight")), lang)
    money_weight = method in ("last_year", "trailing_12", "potential")

    def label(name: str) -> str:
        if name == "weight" and method != "even":
            return t(f"targets.col.weight.{method}", lang)
        return t(f"targets.col.{name}" if name in ("level", "share") else f"fk.col.{name}", lang)
    # money evidence is counted like the amounts (万/亿 in Chinese, with the unit in the header)
    shown, config = readable(
        frame, label, currency, lang=lang, money=("amount",) + (("weight",) if money_weight else ()),
        fractions=("share",), hidden=("node_id",) + (("weight",) if method == "even" else ()),
        extra={} if method == "even" or money_weight else {"weight": st.column_config.NumberColumn(
            f"{t(f'targets.col.weight.{method}', lang)} ({currency})", format="compact")})
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", placeholder=EMPTY)


def _editor_config(lang: str) -> dict:
    return {
        "node_id": None,
        "level": t("targets.col.level", lang), "name": t("fk.col.name", lang),
        "weight": st.column_config.NumberColumn(t("targets.col.weight", lang), format="localized", disabled=True),
        "share": st.column_config.NumberColumn(t("targets.col.share", lang), format=PERCENT_FORMAT, disabled=True),
        "amount": st.column_config.NumberColumn(t("fk.col.amount", lang), format="localized", min_value=0.0),
    }


def _check_messages(check: pl.DataFrame, lang: str, currency: str) -> None:
    wrong = check.filter(~pl.col("ok"))
    if wrong.is_empty():
        st.success(t("targets.check.all_ok", lang))
        return
    st.error("\n".join("- " + t_md("targets.check.mismatch", lang, name=row["name"],
                                amount=fmt_money(row["amount"], lang, currency, compact=False),
                                children=fmt_money(row["children_sum"], lang, currency, compact=False),
                                difference=f"{row['difference']:,.2f}")
                       for row in wrong.iter_rows(named=True)))


def _pacing(store, settings, lang: str, currency: str, scope: str | None = None, scope_name: str | None = None) -> None:
    """This month's milestones for the plan's top (company or the scope's territory) and the level below."""
    as_of = as_of_date(store)
    month = period_containing(as_of, "month", settings.fiscal_year_start_month)
    st.subheader(t("targets.pacing", lang, month=fmt_month(month.start, lang)))
    scoped = None if scope is None else [scope]
    top = attainment_table(store, month, "company", scoped, settings).select("name", "target", "won")
    if scope is not None:
        top = top.with_columns(pl.lit(scope_name).alias("name"))
    below = attainment_table(store, month, "region" if scope is None else "children", scoped, settings)
    figures = pl.concat([top, below.select("name", "target", "won")]).filter(pl.col("target").is_not_null())
    if figures.is_empty():
        st.info(t("targets.pacing.none", lang, month=fmt_month(month.start, lang)))
        return
    curve = pacing_curve(store, as_of)
    basis = t(f"targets.pacing.basis.{curve['basis'][0]}", lang)
    st.caption(t("targets.pacing.help", lang, basis=basis, as_of=fmt_date(as_of, lang)))
    pacing = pacing_milestones(figures, curve, as_of)
    shown, config = readable(
        pacing, lambda c: t(f"fk.col.{c}" if c in ("name", "won", "target") else f"targets.col.{c}", lang), currency,
        lang=lang, money=("target", "won", "by_day_10", "by_day_20", "expected_now"), fractions=("pace",))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, placeholder=EMPTY)
    table_downloads(pacing, f"pacing-{month.code}", key="tg-pacing")


def _save(store, monthly: pl.DataFrame, parts: pl.DataFrame, label: str, lang: str, scope: str | None) -> None:
    """Button callback: runs before the rerun, so the tiles already show the saved target. A
    territory's plan replaces only that territory's part of the targets; a rep's part in each
    territory is kept beside their total."""
    rows = (save_targets(store, monthly, replace_months=True, parts=parts) if scope is None
            else save_scoped_targets(store, monthly, scope, parts=parts))
    st.session_state["tg-saved"] = t("targets.saved", lang, rows=rows, period=label)


def main() -> None:
    lang, settings, store = context.lang(), context.settings(), context.store()
    currency = settings.reporting_currency
    year = fiscal_year(context.period().fiscal_year, settings.fiscal_year_start_month)
    if store.count("territories") == 0:
        st.title(t("targets.title", lang, period=year.label(lang)))
        context.empty_state("targets.no_territories")
        return
    scope, scope_name = _url_scope(store, lang)
    if scope is None:
        st.title(t("targets.title", lang, period=year.label(lang)))
        st.caption(t("targets.caption", lang))
    else:
        st.title(t_md("targets.title_scope", lang, name=scope_name, period=year.label(lang)))
        st.caption(t_md("targets.scope.caption", lang, name=scope_name))
        if context.viewer().sees_everything:
            st.button(t("targets.scope.whole_company", lang), key="tg-whole-company", on_click=_whole_company,
                      icon=":material/arrow_upward:")

    as_of = as_of_date(store)
    left, right = st.columns([2, 3])
    total_key = f"tg-total-{year.code}" if scope is None else f"tg-total-{year.code}-{scope}"
    label = (t("targets.total", lang, period=year.label(lang)) if scope is None
             else t_md("targets.total_scope", lang, name=scope_name, period=year.label(lang)))
    total = left.number_input(label, min_value=0.0, step=1000.0, value=_default_total(store, year, settings, scope),
                              format="%.0f", key=total_key)
    left.caption(fmt_money(total, lang, currency, compact=False))  # the input has no thousands separators
    method = right.selectbox(t("targets.method", lang), METHODS, index=METHODS.index("last_year"),
                             format_func=lambda m: t(f"targets.method.{m}", lang), key="tg-method")
    editable = method == "manual"
    if editable:
        start_from = right.selectbox(t("targets.start_from", lang), METHODS[:-1], index=1, key="tg-start-from",
                                     format_func=lambda m: t(f"targets.method.{m}", lang))
        seed = decompose(store, total, year, start_from, as_of=as_of, root=scope)
        st.caption(t("targets.editor.help", lang))
        edited = st.data_editor(_editor_frame(seed, lang).with_columns(pl.col("share") * 100),
                                column_config=_editor_config(lang), hide_index=True,
                                width="stretch", disabled=["level", "name"], num_rows="fixed",
                                key=f"tg-editor-{year.code}-{scope}-{start_from}-{total}")
        edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
        nodes = decompose(store, total, year, "manual", as_of=as_of, manual=edited.select("node_id", "amount"),
                          root=scope)
    else:
        nodes = decompose(store, total, year, method, as_of=as_of, root=scope)
    weights = month_weights(store, year)
    monthly = monthly_targets(nodes, weights)
    check = check_sums(nodes)
    wrong = int((~check["ok"]).sum())

    cells = st.columns(5)
    saved = _saved_target(store, year, settings, scope)
    plan_total = nodes["amount"][0]
    cells[0].metric(t("targets.tile.saved" if scope is None else "targets.tile.saved_scope", lang),
                    _money(saved, lang, currency))
    change = None if saved is None or round(plan_total - saved, 2) == 0 else _money(plan_total - saved, lang, currency)
    cells[1].metric(t("targets.tile.plan", lang), _money(plan_total, lang, currency), change,
                    delta_description=t("targets.tile.vs_saved", lang) if change else None)
    cells[2].metric(t("targets.tile.regions" if scope is None else "targets.tile.children", lang),
                    int((nodes["depth"] == 1).sum()))
    cells[3].metric(t("targets.tile.reps", lang), nodes.filter(pl.col("kind") == "rep")["scope_id"].n_unique())
    cells[4].metric(t("targets.tile.check", lang),
                    t("targets.check.ok", lang) if not wrong else t("targets.check.bad", lang, count=wrong))
    if scope is not None and change:
        st.warning(t_md("targets.scope.parent_changes", lang, name=scope_name))

    # a plan typed in the editor is drawn afresh; the methods' plans are one chart per view (ui/shared.py)
    chart = (region_split(nodes, lang, currency) if editable else shared_chart(
        "targets-split", lambda: region_split(nodes, lang, currency), period=year, scope=scope and [scope],
        lang=lang, total=total, method=method, as_of=as_of))
    show_chart(chart, width="stretch")
    code = year.code if scope is None else f"{year.code}-{scope}"
    chart_downloads(chart, f"target-split-{code}", key="tg-split")
    fallbacks = nodes.filter(pl.col("fallback"))["parent_node"].n_unique()
    if fallbacks:
        st.warning(t("targets.fallback", lang, count=fallbacks))
    if not editable:
        _show_plan(nodes, method, lang, currency)
    table_downloads(nodes, f"target-plan-{code}", key="tg-plan")
    _check_messages(check, lang, currency)

    years = int(weights["years_used"][0]) if weights.height else 0
    st.subheader(t("targets.seasonality", lang, years=years) if years else t("targets.seasonality.none", lang))
    chart = shared_chart("targets-months", lambda: month_split(weights, lang), period=year, lang=lang)
    show_chart(chart, width="stretch")
    chart_downloads(chart, f"target-months-{code}", key="tg-months")
    st.caption(t("targets.monthly.download", lang))
    table_downloads(monthly, f"targets-monthly-{code}", key="tg-monthly")

    if context.may("targets"):
        st.button(t("targets.save", lang) if scope is None else t_md("targets.save_scope", lang, name=scope_name),
                  type="primary", disabled=bool(wrong), key="tg-save",
                  on_click=_save, args=(store, monthly, monthly_target_parts(nodes, weights), year.label(lang), lang, scope))
    else:
        st.caption(t("access.read_only", lang, role=t(f"role.{context.viewer().role}", lang)))
    if "tg-saved" in st.session_state:
        st.success(st.session_state.pop("tg-saved"))
    if wrong:
        st.caption(t("targets.save_blocked", lang))
    _split_reps(store, settings, lang, currency, year)
    _pacing(store, settings, lang, currency, scope, scope_name)


def _split_reps(store, settings, lang: str, currency: str, year) -> None:
    """Reps who carry a target in several territories: each part, then their sum."""
    parts = rep_attainment_parts(store, year, settings=settings, only_split=True)
    if parts.is_empty():
        return
    with st.expander(t("tadmin.people.split", lang)):
        target_parts_table(parts, lang, currency, "tg-split-reps")


try:
    main()
except TerrainError as error:
    context.show_error(error)
