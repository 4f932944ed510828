"""The planner's Auto-balance tab: the form, a progress bar with counts while the optimizer runs,
the trade-off curve or the one plan found — and, when there is none, who stays outside by name
and one thing to try that differs from what was chosen (engine.planner.balance.advice).

Defaults are chosen to answer within the 10 s budget on the demo company: one tolerance (the
curve is opt-in: it solves seven times), postal-code units, within the largest region.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from engine.charts.planner import TRADEOFF_SELECTION, tradeoff_chart
from engine.i18n import fmt_number, fmt_pct
from engine.planner.balance.advice import NoPlanAdvice, no_plan_advice
from engine.planner.balance.auto import METRICS, BalanceRequest, InfeasibleBalance
from engine.planner.balance.plan import apply_result, balance_plan, default_scope, plan_tradeoff, scope_territories
from engine.planner.balance.units import UNIT_KINDS
from engine.planner.baseline import Baseline
from engine.planner.plan import Plan
from engine.store.errors import TerrainError
from ui import context
from ui.charts import show_chart

CURVE_TOLERANCES = (0.02, 0.03, 0.05, 0.10, 0.15, 0.20, 0.30)
FOUND, NO_PLAN = "planner_balance_found", "planner_balance_none"


def balance_tab(plan: Plan, baseline: Baseline, plannable: list[str], names: dict[str, str], lang: str,
                flash: Callable[[str], None]) -> None:
    tr = context.tr
    parents = [t for t in baseline.territories["territory_id"].to_list() if t not in plannable]
    scopes = [None, *parents]
    region = default_scope(baseline)
    with st.form("planner_balance"):
        row = st.columns(3)
        metrics = row[0].multiselect(tr("planner.balance.metrics"), list(METRICS), default=["accounts"], placeholder=tr("common.choose"),
                                     format_func=lambda m: tr(f"planner.figure.{m}"))
        tolerance = row[1].slider(tr("planner.balance.tolerance"), 1, 30, 5, format="±%d%%")
        within = row[2].selectbox(tr("planner.balance.within"), scopes, index=scopes.index(region),
                                  format_func=lambda t: tr("planner.balance.everywhere") if t is None else names.get(t, t))
        row = st.columns(3)
        unit = row[0].selectbox(tr("planner.balance.unit"), UNIT_KINDS, index=1,
                                format_func=lambda u: tr(f"planner.unit.{u}"))
        locked_territories = row[1].multiselect(tr("planner.balance.lock_territories"), plannable, placeholder=tr("common.choose"),
                                                format_func=lambda t: names.get(t, t))
        travel_weight = row[2].number_input(tr("planner.balance.travel_weight"), 0.0, 10.0, 1.0, 0.5)
        row = st.columns(3)
        locked_accounts = row[0].text_area(tr("planner.balance.lock_accounts"), height=80)
        contiguous = row[1].checkbox(tr("planner.balance.contiguous"))
        curve_wanted = row[2].checkbox(tr("planner.balance.curve"), value=False,
                                       help=tr("planner.balance.curve_help", count=len(CURVE_TOLERANCES)))
        run = st.form_submit_button(tr("planner.balance.run"), type="primary")
    if run:
        request = BalanceRequest(
            metrics=tuple(metrics) or ("accounts",), tolerance=tolerance / 100, contiguous=contiguous, unit=unit,
            locked_territories=frozenset(locked_territories), travel_weight=travel_weight,
            locked_accounts=frozenset(line.strip() for line in locked_accounts.splitlines() if line.strip()),
            territories=scope_territories(baseline, within) if within else None)
        _run(plan, baseline, request, curve_wanted, names, lang, within, region)
    if NO_PLAN in st.session_state:
        _show_no_plan(st.session_state[NO_PLAN], lang)
    found = st.session_state.get(FOUND)
    if found:
        _show_found(plan, found, lang, flash)


def _accounts_within(plan: Plan, request: BalanceRequest) -> int:
    """The accounts the optimizer redraws: those the plan has in the chosen territories (all when
    it redraws everywhere), not the company's whole count."""
    if request.territories is None:
        return plan.baseline.n_accounts
    index = plan.baseline.territory_index
    codes = [index[territory] for territory in request.territories if territory in index]
    return int(np.isin(plan.territory_code, codes).sum())


def _run(plan: Plan, baseline: Baseline, request: BalanceRequest, curve_wanted: bool, names: dict[str, str],
         lang: str, within: str | None, region: str | None) -> None:
    tr = context.tr
    st.session_state.pop(FOUND, None)
    st.session_state.pop(NO_PLAN, None)
    territories = len(request.territories) if request.territories is not None else \
        int(baseline.territories["plannable"].sum())
    label = tr("planner.balance.status", count=fmt_number(_accounts_within(plan, request), lang, compact=False),
               territories=territories)
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text=tr("planner.balance.stage.units"))

        def on_step(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0),
                         text=tr(f"planner.balance.stage.{stage}", done=done + 1, total=total,
                                 tolerance=fmt_pct(request.tolerance, lang)))
        try:
            if curve_wanted:
                tolerances = tuple(sorted({request.tolerance, *CURVE_TOLERANCES}))
                curve, plans = plan_tradeoff(plan, request, tolerances, on_step, raise_when_none=True)
            else:
                curve, plans = None, {request.tolerance: balance_plan(plan, request, on_step)}
        except InfeasibleBalance as error:
            status.update(label=tr("planner.balance.no_plan_status"), state="error", expanded=False)
            st.session_state[NO_PLAN] = no_plan_advice(request, error, names, region=region, within=within)
            return
        except TerrainError as error:
            status.update(label=tr("planner.balance.no_plan_status"), state="error", expanded=False)
            context.show_error(error)
            return
        bar.progress(1.0)
        status.update(label=tr("planner.balance.done", plans=len(plans)), state="complete", expanded=False)
    st.session_state[FOUND] = {"curve": curve, "plans": plans, "tolerance": request.tolerance}


def no_plan_text(advice: NoPlanAdvice, lang: str) -> tuple[str, str]:
    """(what happened, what to try) in words, territories by name."""
    tr = context.tr
    outside = ", ".join(f"{name} ({deviation * 100:+.0f}%)" for name, deviation in advice.outside[:5])
    more = len(advice.outside) - 5
    if more > 0:
        outside += " " + tr("planner.balance.none_more", count=more)
    said = tr("planner.balance.none", tolerance=fmt_pct(advice.tolerance, lang),
              best=fmt_pct(advice.best_deviation, lang), outside=outside)
    value = advice.value
    if advice.suggestion == "lock":
        value = ", ".join(value)
    elif advice.suggestion == "tolerance":
        value = fmt_pct(value, lang)
    elif advice.suggestion == "unit":
        value = tr(f"planner.unit.{value}")
    return said, tr(f"planner.balance.try.{advice.suggestion}", value=value)


def _show_no_plan(advice: NoPlanAdvice, lang: str) -> None:
    said, suggestion = no_plan_text(advice, lang)
    st.warning(f"**{said}**\n\n{suggestion}", icon="⚖️")


def _show_found(plan: Plan, found: dict, lang: str, flash: Callable[[str], None]) -> None:
    tr = context.tr
    chosen = found["tolerance"]
    if found["curve"] is not None:
        st.caption(tr("planner.balance.pick"))
        # kept with the curve it draws, so a rerun sends the same chart object (ui/charts.py)
        marked, charts = chosen if chosen in found["plans"] else None, found.setdefault("charts", {})
        if (context.lang(), marked) not in charts:
            charts[context.lang(), marked] = tradeoff_chart(
                found["curve"], title=tr("planner.curve.title"), x_title=tr("planner.curve.x"),
                y_title=tr("planner.curve.y"), chosen=marked)
        chart = charts[context.lang(), marked]
        picked = show_chart(chart, on_select="rerun", key="planner_curve", width="stretch")
        points = (picked.selection.get(TRADEOFF_SELECTION) or []) if picked else []
        if points and points[0].get("tolerance") in found["plans"]:
            chosen = points[0]["tolerance"]
    result = found["plans"].get(chosen)
    if result is None and found["plans"]:
        chosen = min(found["plans"])
        result = found["plans"][chosen]
    if result is None:
        return
    st.markdown(tr("planner.curve.chosen", tolerance=fmt_pct(chosen, lang)) + " — " + tr(
        "planner.balance.result", accounts=fmt_number(result.accounts_moved, lang, compact=False),
        units=fmt_number(result.units_moved, lang, compact=False),
        before=fmt_pct(result.max_deviation_before, lang), after=fmt_pct(result.max_deviation_after, lang),
        method=result.method, seconds=f"{result.seconds:.1f}"))
    if st.button(tr("planner.balance.apply"), type="primary", key="planner_balance_apply"):
        count = apply_result(plan, result)
        st.session_state.pop(FOUND, None)
        flash(tr("planner.balance.applied", count=count))
        st.rerun()
