"""The planner's plan in a session's state: on the current data version, or only its moves.

A `Plan` holds its baseline, every account's figures at one data version (~0.6 GB at a million
accounts). When an import or another committed write moves the data on, a session must not keep
the old one alive: on the session's next run of any page (app.py) its plan is replaced by its
unsaved moves (`engine.planner.rebase`), and the Planner replays them on the new baseline when it
next opens, saying which accounts could not follow. Streamlit keeps a replaced session-state
value in the previous run's state until the next run begins (`SessionState._old_state`), which
is how the old baseline outlived the rerun that re-based it: values are deleted, then set.
"""
from __future__ import annotations

import streamlit as st

from engine.i18n import fmt_number
from engine.planner.baseline import Baseline, is_current
from engine.planner.plan import Plan
from engine.planner.rebase import Dropped, rebase, unsaved_moves
from engine.store.settings import Settings
from ui import context

PLAN, NOTICE, DERIVED = "planner_plan", "planner_rebased", "planner_derived"


def replace(key: str, value: object) -> None:
    """Set a session-state value so that the one it replaces is gone now, not at the next run."""
    if key in st.session_state:
        del st.session_state[key]
    st.session_state[key] = value


def let_old_plan_go(store, settings: Settings) -> None:
    """Keep only the moves of a plan whose baseline is no longer the current one (asked on every
    run of a session that holds a plan; a session without one pays nothing)."""
    held = st.session_state.get(PLAN)
    if isinstance(held, Plan) and not is_current(held.baseline, store, settings):
        replace(PLAN, unsaved_moves(held))
        st.session_state.pop(DERIVED, None)  # figures and charts of the old plan's states


def current_plan(baseline: Baseline) -> Plan:
    """The session's plan on `baseline`: the one it holds, or its moves re-based onto `baseline`
    (a notice for the page when some accounts could not follow)."""
    held = st.session_state.get(PLAN)
    if isinstance(held, Plan) and held.baseline is baseline:
        return held
    rebased = rebase(held, baseline)
    replace(PLAN, rebased.plan)
    st.session_state.pop(DERIVED, None)
    if rebased.dropped:  # what could not follow, without the plan: the notice is shown once
        st.session_state[NOTICE] = {reason: getattr(rebased, reason) for reason in ("gone", "changed", "unreachable")}
    return rebased.plan


def _listed(dropped, lang: str) -> str:
    ids = ("、" if lang == "zh" else ", ").join(dropped.sample)
    more = dropped.count - len(dropped.sample)
    return context.tr("planner.rebased.more", ids=ids, more=fmt_number(more, lang, compact=False)) if more else ids


def rebase_notice(lang: str) -> str | None:
    """The Markdown of the last re-base's notice (once), or None when every account followed."""
    left_out: dict[str, Dropped] | None = st.session_state.pop(NOTICE, None)
    if left_out is None:
        return None
    total = sum(dropped.count for dropped in left_out.values())
    lines = [context.tr_md("planner.rebased.intro", count=fmt_number(total, lang, compact=False))]
    for reason, dropped in left_out.items():
        if dropped.count:
            lines.append("- " + context.tr_md(f"planner.rebased.{reason}",
                                              count=fmt_number(dropped.count, lang, compact=False),
                                              ids=_listed(dropped, lang)))
    return "\n".join(lines)
