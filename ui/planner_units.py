"""The planner's "move whole units" controls: a geographic unit (postal code, city, state, country)
to a territory and/or rep, one territory merged into another, or a territory split by the filter.

Rendering only: the buttons hand the engine move (`engine.planner.moves.Move.from_dict` form) to
the page's callback, which applies it like any other move (one undo step).
The unit's value list depends on the unit type, so these are live widgets, not a form.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine.i18n import fmt_number
from engine.charts.planner_map import unit_values
from engine.planner.plan import Plan
from engine.planner.moves import UNITS
from ui import context

KINDS = ("unit", "merge", "split")


def _spec(kind: str, rule: dict) -> dict | None:
    """The move the controls of `kind` describe now, read from their widgets' session state (in a
    callback: a value changed just before the click counts)."""
    state = st.session_state
    if kind == "unit":
        unit = state.get("planner_unit_type")
        value = state.get(f"planner_unit_value_{unit}")
        where = {"to_territory": state.get("planner_unit_territory"), "to_rep": state.get("planner_unit_rep")}
        if value is None or not any(where.values()):
            return None
        return {"unit": unit, "value": value, **where, "label": f"{unit} {value}"}
    if kind == "merge":
        source, into = state.get("planner_merge_from"), state.get("planner_merge_into")
        if source is None or into is None or source == into:
            return None
        return {"merge": source, "into": into, "label": f"merge {source} into {into}"}
    source, target = state.get("planner_split_from"), state.get("planner_split_territory")
    if not rule or source is None or target is None:
        return None
    return {"filters": {**rule, "territory": source}, "to_territory": target,
            "to_rep": state.get("planner_split_rep"), "label": f"split {source}"}


def _press(kind: str, rule: dict, on_move: Callable[[dict], None]) -> None:
    spec = _spec(kind, rule)
    if spec is not None:
        on_move(spec)


def _describe(filters: dict, names: dict, rep_names: dict) -> str:
    """The filter as the planner set it, in words: 'State: CA, NY · Postal code starts with: 9'."""
    tr = context.tr
    labels = {"state": "planner.filter.state", "postal_prefix": "planner.filter.postal_prefix",
              "industry": "planner.filter.industry", "size_band": "planner.filter.size_band",
              "rep": "planner.filter.rep", "territory": "planner.filter.territory"}
    shown = {"size_band": lambda b: tr(f"planner.size.{b}"), "rep": lambda r: rep_names.get(r, r),
             "territory": lambda t: names.get(t, t)}
    parts = []
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        parts.append(f"{tr(labels[key])}: {', '.join(shown.get(key, str)(v) for v in values)}")
    return " · ".join(parts)


def whole_unit_controls(plan: Plan, filters: dict, territories: list[str], reps: list[str], names: dict,
                        rep_names: dict, *, on_move: Callable[[dict], None]) -> None:
    """Draw the whole-unit controls; their buttons call `on_move(move dict)` (a callback, so the
    move is applied before the page is drawn again).

    `territories` are the plannable territory ids, `reps` the rep ids, `names`/`rep_names` their
    display names, `filters` the page's current filter (the rule a split uses)."""
    tr = context.tr
    st.markdown(f"**{tr('planner.whole.title')}**")
    kind = st.radio(tr("planner.whole.kind"), KINDS, horizontal=True, key="planner_whole_kind",
                    format_func=lambda k: tr(f"planner.whole.{k}"), label_visibility="collapsed")
    territory_name = lambda t: names.get(t, t)  # noqa: E731
    keep = lambda t: tr("planner.move.keep") if t is None else names.get(t, t)  # noqa: E731
    owner = lambda r: tr("planner.move.rep_owner") if r is None else rep_names.get(r, r)  # noqa: E731
    row = st.columns([2, 3, 3, 3, 2], vertical_alignment="bottom")
    if kind == "unit":
        unit = row[0].selectbox(tr("planner.whole.unit_type"), UNITS, index=2, key="planner_unit_type",
                                format_func=lambda u: tr(f"planner.unit.{u}"))
        values = unit_values(plan, unit)
        value = row[1].selectbox(tr("planner.whole.value", count=fmt_number(len(values), context.lang(),
                                                                              compact=False)),
                                 values, key=f"planner_unit_value_{unit}", index=None,
                                 placeholder=tr("planner.whole.value_pick"))
        to_territory = row[2].selectbox(tr("planner.move.territory"), [None, *territories], format_func=keep,
                                        key="planner_unit_territory")
        to_rep = row[3].selectbox(tr("planner.move.rep"), [None, *reps], format_func=owner, key="planner_unit_rep")
        row[4].button(tr("planner.whole.unit_button"), type="primary", key="planner_unit_move",
                      disabled=value is None or (to_territory is None and to_rep is None), width="stretch",
                      on_click=_press, args=("unit", {}, on_move))
    elif kind == "merge":
        source = row[0].selectbox(tr("planner.whole.merge_from"), territories, format_func=territory_name,
                                  key="planner_merge_from")
        into = row[1].selectbox(tr("planner.whole.merge_into"), [t for t in territories if t != source],
                                format_func=territory_name, key="planner_merge_into")
        row[4].button(tr("planner.whole.merge_button"), type="primary", key="planner_merge",
                      disabled=source is None or into is None, width="stretch", on_click=_press,
                      args=("merge", {}, on_move))
    else:
        rule = {k: v for k, v in filters.items() if k != "territory"}
        source = row[0].selectbox(tr("planner.whole.split_from"), territories, format_func=territory_name,
                                  key="planner_split_from")
        row[1].caption(context.tr_md("planner.whole.split_rule", rule=_describe(rule, names, rep_names)) if rule
                       else tr("planner.whole.split_none"))
        to_territory = row[2].selectbox(tr("planner.move.territory"), [t for t in territories if t != source],
                                        format_func=territory_name, key="planner_split_territory")
        to_rep = row[3].selectbox(tr("planner.move.rep"), [None, *reps], format_func=owner, key="planner_split_rep")
        row[4].button(tr("planner.whole.split_button"), type="primary", key="planner_split",
                      disabled=not rule or to_territory is None, width="stretch", on_click=_press,
                      args=("split", rule, on_move))
