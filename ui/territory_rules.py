"""The Territories page's "Rules & simulation" tab: edit the rules, see every problem with a caret
under its column, simulate, read before → after, orphans, ties, dead rules and the diff, then
save, apply or undo; rules travel as CSV and copy from one region to another.

The draft rules live in the session until saved; the last simulation is kept with the draft it
ran on, so an edit after it says "simulate again" instead of showing stale figures.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.i18n import fmt_number
from engine.store.errors import TerrainError
from engine.territories.members import rep_names
from engine.territories.publish import apply_rules, last_run, simulate_live, territory_names, undo_last
from engine.territories.rules import KINDS, RulesRefused, load_rules, normalise, save_rules, with_ids
from engine.territories.rules_file import copy_rules, read_rules_csv, rules_csv
from ui import context
from ui.downloads import table_downloads
from ui.markup import plain
from ui.tables import show

DRAFT, SIMULATION, FLASH, EDITOR = "rules_draft", "rules_simulation", "rules_flash", "rules_editor_version"
EDITED = ("rule_id", "kind", "territory_id", "priority", "expression", "active", "name")


def render(store, settings) -> None:
    tr, lang = context.tr, context.lang()
    territories = territory_names(store)
    if DRAFT not in st.session_state:
        st.session_state[DRAFT] = load_rules(store)
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)

    st.markdown(f"#### {tr('rules.editor')}")
    st.caption(tr("rules.editor_help"))
    draft = _editor(st.session_state[DRAFT], territories)
    left, middle, right, undo_col, reset_col = st.columns(5)
    simulate = left.button(tr("rules.simulate"), type="primary", width="stretch")
    save = middle.button(tr("rules.save"), width="stretch")
    apply = right.button(tr("rules.apply"), width="stretch")
    run = last_run(store)
    undo = undo_col.button(tr("rules.undo"), width="stretch", disabled=run is None)
    if reset_col.button(tr("rules.reset"), width="stretch"):
        _reset(store)
    if run:
        st.caption(tr("rules.last_run", run=run["run_id"], when=f"{run['ts']:%Y-%m-%d %H:%M}",
                      actor=run["actor"] or "–", accounts=f"{run['accounts_changed']:,}"))
    try:
        if simulate:
            with st.spinner(tr("rules.simulate")):
                st.session_state[SIMULATION] = (draft, simulate_live(store, draft))
        if save or apply:
            stored = save_rules(store, draft, actor="app")
            st.session_state[DRAFT] = stored
            message = tr("rules.saved", count=stored.height)
            if apply:
                done = apply_rules(store, actor="app")
                message = tr("rules.applied", run=done.run_id, accounts=f"{done.accounts_changed:,}",
                             deals=f"{done.deals_changed:,}") if done.run_id else tr("rules.applied_nothing")
                st.session_state[SIMULATION] = (stored, simulate_live(store))
            _done(message)
        if undo:
            undone = undo_last(store, actor="app")
            st.session_state.pop(SIMULATION, None)
            _done(tr("rules.undone", run=undone.run_id, accounts=f"{undone.accounts_changed:,}",
                     deals=f"{undone.deals_changed:,}"))
    except RulesRefused as refused:
        _problems(refused)
    except TerrainError as error:
        context.show_error(error)

    _files(store, draft, territories)
    _results(draft, lang)


def _editor(draft: pl.DataFrame, territories: pl.DataFrame) -> pl.DataFrame:
    tr = context.tr
    names = dict(zip(territories["territory_id"], territories["name"]))
    shown = normalise(draft).select(EDITED)
    config = {
        "rule_id": st.column_config.TextColumn(tr("rules.col.rule_id"), disabled=True, width="small"),
        # wide enough for "override (named)" / 覆盖（指名客户）, cut to "override (n" at the default width
        "kind": st.column_config.SelectboxColumn(tr("rules.col.kind"), options=list(KINDS), default="account",
                                                 required=True, format_func=lambda k: tr(f"rules.kind.{k}"),
                                                 width="medium"),
        "territory_id": st.column_config.SelectboxColumn(
            tr("rules.col.territory"), options=list(names), required=True,
            format_func=lambda t: f"{names.get(t, t)} · {t}"),
        "priority": st.column_config.NumberColumn(tr("rules.col.priority"), min_value=0, step=1, default=100,
                                                  required=True, width="small"),
        "expression": st.column_config.TextColumn(tr("rules.col.expression"), required=True, width="large"),
        "active": st.column_config.CheckboxColumn(tr("rules.col.active"), default=True, width="small"),
        "name": st.column_config.TextColumn(tr("rules.col.name")),
    }
    edited = st.data_editor(shown, column_config=config, num_rows="dynamic", hide_index=True, width="stretch",
                            key=f"rules-editor-{st.session_state.get(EDITOR, 0)}")
    edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    kept = draft.select("rule_id", "created_by", "created_at") if "created_by" in draft.columns else None
    out = normalise(edited.with_columns(pl.col("priority").cast(pl.Int64, strict=False)))
    if kept is not None and not kept.is_empty():
        out = out.drop("created_by", "created_at").join(kept, on="rule_id", how="left", maintain_order="left")
    return with_ids(normalise(out))


def _problems(refused: RulesRefused) -> None:
    tr = context.tr
    st.error(tr("rules.problems", count=len(refused.problems)))
    for problem in refused.problems:
        if problem.error is not None:
            error = problem.error
            st.markdown(f"**{plain(problem.where)}** — {plain(error.reason)} (column {error.column}). {plain(error.hint)}")
            st.code(f"{error.text}\n{' ' * (error.column - 1)}^", language=None)
        else:
            st.markdown(f"**{plain(problem.where)}**, {plain(problem.column)} — {plain(problem.message)}")
    fields = next((p.error.field_list() for p in refused.problems if p.error is not None), "")
    if fields:
        st.caption(fields)


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.session_state[EDITOR] = st.session_state.get(EDITOR, 0) + 1
    st.cache_data.clear()
    st.rerun()


def _reset(store) -> None:
    st.session_state[DRAFT] = load_rules(store)
    st.session_state.pop(SIMULATION, None)
    st.session_state[EDITOR] = st.session_state.get(EDITOR, 0) + 1
    st.rerun()


def _files(store, draft: pl.DataFrame, territories: pl.DataFrame) -> None:
    tr = context.tr
    with st.expander(tr("rules.csv")):
        st.download_button(tr("rules.download"), rules_csv(draft, territories).encode("utf-8-sig"), "rules.csv",
                           "text/csv", on_click="ignore")
        upload = st.file_uploader(tr("rules.upload"), type=["csv"], key="rules-upload")
        if upload is not None and st.session_state.get("rules_uploaded") != upload.file_id:
            try:
                loaded = read_rules_csv(upload.getvalue(), territories, file_name=upload.name)
            except RulesRefused as refused:
                _problems(refused)
            else:
                st.session_state["rules_uploaded"] = upload.file_id
                st.session_state[DRAFT] = loaded
                _done(tr("rules.uploaded", count=loaded.height, file=upload.name))
    with st.expander(tr("rules.copy")):
        regions = territories.filter(pl.col("is_region"))
        labels = dict(zip(regions["territory_id"], regions["name"]))
        left, right, go = st.columns([2, 2, 1])
        source = left.selectbox(tr("rules.copy_from"), list(labels), format_func=labels.get, key="rules-copy-from")
        target = right.selectbox(tr("rules.copy_to"), list(labels), format_func=labels.get, key="rules-copy-to",
                                 index=min(1, len(labels) - 1))
        if go.button(tr("rules.copy_go"), width="stretch", disabled=not labels):
            try:
                copied = copy_rules(draft, territories, source, target)
            except TerrainError as error:
                context.show_error(error)
            else:
                st.session_state[DRAFT] = copied
                _done(tr("rules.copied", count=copied.height - draft.height))


def _results(draft: pl.DataFrame, lang: str) -> None:
    tr = context.tr
    kept = st.session_state.get(SIMULATION)
    if kept is None:
        st.info(tr("rules.not_simulated"))
        return
    simulated_on, run = kept
    if not normalise(simulated_on).select(EDITED).equals(normalise(draft).select(EDITED)):
        st.warning(tr("rules.stale"))
    tiles = (("rules.tile.rules", int(normalise(simulated_on)["active"].sum())),
             ("rules.tile.changes", run.changes.height), ("rules.tile.orphans", run.orphans.height),
             ("rules.tile.ties", run.ties.height), ("rules.tile.dead", run.dead_rules.height),
             ("rules.tile.deals", run.deal_moves.height))
    for column, (key, value) in zip(st.columns(len(tiles)), tiles):
        column.metric(tr(key), fmt_number(value, lang, compact=False), border=True)

    st.markdown(f"#### {tr('rules.section.territories')}")
    per = run.territories.with_columns(
        (pl.col("accounts_after") - pl.col("accounts_before")).alias("delta"))
    headers = {"account_id": tr("rules.col.account"), "name": tr("rules.col.name_"), "field": tr("rules.col.field"),
               "value": tr("rules.col.value"), "why": tr("rules.col.why"), "territory": tr("rules.col.current"),
               "rule_ids": tr("rules.col.rules"), "territory_ids": tr("rules.col.territories"),
               "winner_rule_id": tr("rules.col.winner"), "from_name": tr("rules.col.from"),
               "to_name": tr("rules.col.to"), "to_rep": tr("rules.col.to_rep"), "rule_id": tr("rules.col.rule_id"),
               "won": tr("rules.col.won"), "deal_id": tr("rules.col.deal"), "amount": tr("rules.col.amount"),
               "territory_before": tr("rules.col.from"), "territory_after": tr("rules.col.to"),
               "kind": tr("rules.col.kind"), "priority": tr("rules.col.priority"),
               "expression": tr("rules.col.expression"), "accounts_before": tr("rules.col.accounts_before"),
               "accounts_after": tr("rules.col.accounts_after"), "delta": tr("rules.col.delta"),
               "won_before": tr("rules.col.won_before"), "won_after": tr("rules.col.won_after")}
    currency = context.settings().reporting_currency
    kinds = {"money": ("won", "amount", "won_before", "won_after"), "counts": ("accounts_before", "accounts_after",
                                                                              "delta", "priority")}
    show(per.drop("territory_id"), headers.get, currency, lang=lang, signed=("delta",), **kinds)
    table_downloads(per, "assignment-territories", key="rules-territories")

    names = territory_names(context.store())
    named = dict(zip(names["territory_id"].to_list(), names["name"].to_list()))
    reps = rep_names(context.store())
    sections = (("orphans", _orphans_table(run.orphans)), ("ties", run.ties.select(
        pl.col("account_id"), "name", pl.col("rule_ids"), "territory_ids", "winner_rule_id")),
                ("dead", run.dead_rules), ("changes", run.changes.select(
                    "account_id", "name", "from_name", "to_name", "to_rep", "rule_id", "won")),
                ("deals", run.deal_moves.select("deal_id", "name", "amount", "territory_before", "territory_after",
                                                "rule_id")))
    tabs = st.tabs([f"{tr('rules.section.' + key)} ({frame.height:,})" for key, frame in sections])
    for tab, (key, frame) in zip(tabs, sections):
        with tab:
            if frame.is_empty():
                st.caption(tr(f"rules.none.{key}"))
                continue
            # territory names instead of ids, and no "None" in a cell: ids stay in the download
            shown = frame.head(2000).with_columns(
                pl.col(c).replace_strict(named, default=pl.col(c)).alias("territory" if c == "territory_id" else c)
                for c in ("territory_id", "territory_before", "territory_after") if c in frame.columns)
            shown = shown.drop("territory_id") if "territory_id" in shown.columns else shown
            if "to_rep" in shown.columns:  # the new rep by name, as the territories are
                shown = shown.with_columns(pl.col("to_rep").replace_strict(reps, default=pl.col("to_rep")))
            # a dead rule's territory is the rule's, an orphan's the one it has now
            words = {**headers, "territory": tr("rules.col.territory")} if key == "dead" else headers
            show(shown, lambda c, words=words: words.get(c, c), currency, lang=lang, **kinds)
            table_downloads(frame, f"assignment-{key}", key=f"rules-{key}")


def _orphans_table(orphans: pl.DataFrame) -> pl.DataFrame:
    """The orphans with their reason in words (the language of the session)."""
    tr = context.tr
    reasons = [tr(f"rules.why.{reason.replace(' ', '_')}", field=field or "")
               for field, reason in orphans.select("field", "reason").iter_rows()]
    return orphans.with_columns(pl.Series("why", reasons, dtype=pl.String)).select(
        "account_id", "name", "territory_id", "field", "value", "why")
