"""Import: upload CRM exports, check the detected source/entity and the column mapping, see every
problem, say what unknown stages mean, confirm, and read the summary and the import history.

The page only holds widgets: planning, checking and loading are engine.importing's (each file is
read and checked in the import worker, so no upload can hurt the server). Uploads are written in
chunks to the import's temporary folder (ui/uploads.py) because the importer streams files from
disk; the folder goes when the import is done or the upload set changes.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from engine.store.errors import ImportFailed, TerrainError
from engine.importing import (ENCODINGS, ENTITIES, SOURCES, UNKNOWN, Limits, TempFiles, check_plan,
                              encoding_label, import_history, import_rejects, list_profiles, load_profile,
                              plan_files, problems_frame, reasons_in, run_import, save_profile, suggest_mapping,
                              unknown_stages, warm_workers)
from engine.importing.fields import FIELDS
from engine.i18n import t
from ui import context, uploads as uploaded
from ui.tables import EMPTY
from engine.store.exports import csv_bytes
from engine.importing.plan import sample_of
from engine.importing.target_periods import SPLITS
from engine.metrics.seasonality import target_split
from engine.importing.notes import said
from ui.markup import plain

tr = context.tr
STATE = "import_state"
REFUSED_SHOWN = 1000  # problems listed when strict mode refuses an import (the engine keeps them all)
HOW = ("known", "suggested", "override", "weak", "unknown", "duplicate", "month", "unreadable")


def _state() -> dict:
    return st.session_state.setdefault(STATE, {"signature": None, "plan": None, "base": {}, "stages": {},
                                               "result": None, "generation": 0})


def _plan_uploads(uploads) -> None:
    """Plan the uploaded files once per distinct upload set (re-planning only when it changes)."""
    state = _state()
    signature = tuple((u.name, u.size, u.file_id) for u in uploads)
    if state["signature"] == signature:
        return
    _drop_plan()
    temp = TempFiles()
    try:
        files = uploaded.save_uploads(uploads, temp)
        plan = plan_files(files, temp=temp, limits=Limits.from_settings(context.settings()))
    except BaseException:
        temp.cleanup()
        raise
    state.update(signature=signature, plan=plan, stages={}, result=None,
                 base={i: (f.source, f.entity, f.mapping) for i, f in enumerate(plan.files)})


def _drop_plan() -> None:
    """Close the session's plan: its temporary folder (the uploads with it) is deleted."""
    state = _state()
    if state["plan"] is not None:
        state["plan"].close()
    state.update(plan=None, signature=None, check_key=None)


def _encoding_choice(index: int, file_plan, key: str) -> None:
    """The detected text encoding of a delimited file, and the user's way to choose another."""
    table = file_plan.table
    if not table.text:
        return
    detected = table.encoding or None  # None: no encoding reads it (the problem below says where)
    options = [*([detected] if detected else []), *[e for e in ENCODINGS if e != detected]]
    # The options are codec names; their labels are said in this run's language, bound here: a
    # choice is formatted again after the run (and after a switch of language the old label would
    # name no option), so the key holds the language and a switch starts from the file's encoding.
    lang = context.lang()
    chosen = st.selectbox(tr("import.encoding"), options, index=0 if detected else None,
                          key=f"{key}-encoding-{lang}", help=tr("import.encoding_help"),
                          format_func=lambda e: t("import.encoding_detected", lang, encoding=encoding_label(e, lang))
                          if e == detected else encoding_label(e, lang))
    for note in table.notes:
        st.info(plain(said(note, context.lang())))
    if chosen and chosen != detected:
        state = _state()
        state["plan"].reread(index, chosen)
        fresh = state["plan"].files[index]
        state["base"][index] = (fresh.source, fresh.entity, fresh.mapping)
        state["check_key"] = None
        st.rerun()


def _mapping_editor(index: int, file_plan, key: str) -> None:
    """Source/entity choice and the editable mapping table of one file; edits go into the plan."""
    state = _state()
    plan = state["plan"]
    left, right = st.columns(2)
    source = left.selectbox(tr("import.source"), SOURCES, index=SOURCES.index(file_plan.source),
                            key=f"{key}-source")
    entities = [*ENTITIES, UNKNOWN]
    lang = context.lang()  # bound: see _encoding_choice
    entity = right.selectbox(tr("import.entity"), entities, index=entities.index(file_plan.entity),
                             key=f"{key}-entity-{lang}", format_func=lambda e: t(f"import.entity.{e}", lang))
    if entity == UNKNOWN:
        plan.remap(index, entity=UNKNOWN, source=source)
        return
    base_source, base_entity, base = state["base"][index]
    if (base_source, base_entity) != (source, entity):
        base = suggest_mapping(file_plan.table.headers, source, entity, sample=sample_of(file_plan.table))
        state["base"][index] = (source, entity, base)
    profiles = list_profiles(context.store())
    names = profiles.filter(pl.col("entity") == entity)["name"].to_list()
    chosen = st.selectbox(tr("import.profile_apply"), [None, *names], key=f"{key}-{entity}-profile",
                          format_func=lambda n: t("import.profile_none", lang) if n is None else n)
    if chosen:
        _, _, profile = load_profile(context.store(), chosen)
        base = suggest_mapping(file_plan.table.headers, source, entity,
                               {c: f for c, f in profile.items() if c in file_plan.table.headers})
    st.caption(f"**{tr('import.mapping')}** — {tr('import.mapping_help')}")
    shown = base.with_columns(pl.col("how").replace_strict({h: tr(f"import.how.{h}") for h in HOW}, default=None),
                              pl.col("note").fill_null(""))  # no "None" in a cell
    edited = st.data_editor(
        shown, key=f"{key}-{source}-{entity}-{chosen}-map", hide_index=True,
        disabled=("column", "suggestion", "confidence", "how", "note"),
        column_config={
            "column": tr("import.col.column"),
            "field": st.column_config.SelectboxColumn(tr("import.col.field"), options=list(FIELDS[entity])),
            "suggestion": tr("import.col.suggestion"),
            "confidence": st.column_config.ProgressColumn(tr("import.col.confidence"), min_value=0, max_value=1,
                                                          format="percent"),
            "how": tr("import.col.how"), "note": tr("import.col.note")})
    edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    overrides = {c: (f or "") for c, f in edited.select("column", "field").iter_rows()}
    plan.remap(index, source=source, entity=entity, overrides=overrides)
    name_col, button_col = st.columns([3, 1])
    profile_name = name_col.text_input(tr("import.profile_name"), key=f"{key}-profile-name")
    if button_col.button(tr("import.profile_save"), key=f"{key}-profile-save", disabled=not profile_name):
        save_profile(context.store(), profile_name, source, entity, plan.files[index].columns)
        st.toast(context.tr_md("import.profile_saved", name=profile_name))


def _stage_editor(stages: list[str]) -> None:
    state = _state()
    known = sorted(set(stages) | set(state["stages"]))
    if not known:
        return
    st.subheader(tr("import.stages"))
    frame = pl.DataFrame({"stage": known, "status": [state["stages"].get(s) for s in known]},
                         schema={"stage": pl.String, "status": pl.String})
    edited = st.data_editor(frame, key=f"import-stages-{'|'.join(known)}", hide_index=True, disabled=("stage",),
                            placeholder=EMPTY,
                            column_config={"stage": tr("import.col.stage"),
                                           "status": st.column_config.SelectboxColumn(
                                               tr("import.col.status"), options=["open", "won", "lost"])})
    edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    chosen = {s: v for s, v in edited.iter_rows() if v}
    if chosen != state["stages"]:
        state["stages"] = chosen
        st.rerun()


def _problem_table(problems: pl.DataFrame) -> None:
    # The reasons in the page's language (the English, the key and its values stay in the engine).
    st.dataframe(reasons_in(problems, context.lang()), hide_index=True, column_config={
        "file": tr("import.col.file"), "row": tr("import.col.row"), "column": tr("import.col.column"),
        "value": tr("import.col.value"), "reason": tr("import.col.reason")}, placeholder=EMPTY)


def _words(frame: pl.DataFrame) -> pl.DataFrame:
    """Entity and status values in the page's language (the download keeps the codes)."""
    return frame.with_columns(
        pl.col("entity").replace_strict({e: tr(f"import.entity.{e}") for e in (*ENTITIES, UNKNOWN)},
                                        default=pl.col("entity")),
        pl.col("status").replace_strict({s: tr(f"import.status.{s}") for s in ("loaded", "partial", "rejected")},
                                        default=pl.col("status")))


def _summary(result) -> None:
    files = result.files
    st.success(tr("import.done", loaded=f"{int(files['rows_loaded'].sum()):,}", files=files.height,
                  rejected=f"{int(files['rows_rejected'].sum()):,}"))
    st.dataframe(_words(files.drop("import_id")), hide_index=True, column_config={
        "file": tr("import.col.file"), "source": tr("import.col.source"), "entity": tr("import.col.entity"),
        "rows_in": tr("import.col.rows_in"), "rows_loaded": tr("import.col.rows_loaded"),
        "rows_rejected": tr("import.col.rows_rejected"), "status": tr("import.col.status_")}, placeholder=EMPTY)
    if result.routed or result.orphans:
        st.info(tr("rules.import_routed", routed=f"{result.routed:,}", orphans=f"{result.orphans:,}"))
    for warning in result.warnings:
        st.info(plain(said(warning, context.lang())))
    for file, rows in result.target_splits:
        st.info(context.tr_md("import.split_note", file=file, rows=f"{rows:,}", how=tr(f"import.split.{result.split_method}")))
    store = context.store()
    for file, import_id in files.filter(pl.col("status") != "loaded").select("file", "import_id").iter_rows():
        rejects = import_rejects(store, import_id, context.lang())
        st.download_button(context.tr_md("import.rejects_download", file=file), csv_bytes(rejects, bom=True),
                           f"{Path(file).stem}-rejected.csv", "text/csv", key=f"rejects-{import_id}",
                           on_click="ignore")


def _refused(failure: ImportFailed) -> None:
    """Strict mode refused the import (the rows changed after the check): why, in the page's
    language, with the problems found as the check shows them."""
    problems = getattr(failure, "problems_frame", None)
    if problems is None:  # refused before any row was checked (an unreadable file): the engine's words
        context.show_error(failure)
        return
    st.error(context.tr_md("import.refused", count=f"{problems.height:,}", files=problems["file"].n_unique()))
    if problems.height > REFUSED_SHOWN:
        st.caption(tr("import.refused_more", shown=f"{REFUSED_SHOWN:,}", count=f"{problems.height:,}"))
    _problem_table(problems.head(REFUSED_SHOWN))


def _check_and_confirm() -> None:
    state = _state()
    plan, store, settings = state["plan"], context.store(), context.settings()
    skip_invalid = st.checkbox(tr("import.skip_invalid"), key="import-skip-invalid")
    split = "even"
    if any(f.entity == "targets" for f in plan.files):
        lang = context.lang()  # bound: see _encoding_choice
        split = st.radio(tr("import.split_targets"), SPLITS, format_func=lambda s: t(f"import.split.{s}", lang),
                         index=SPLITS.index(state.get("split", "even")), horizontal=True,
                         key=f"import-split-targets-{lang}", help=tr("import.split_targets_help"))
        state["split"] = split  # a switch of language keeps the choice
    plan.target_split = target_split(store, settings, split)
    # Widgets rerun the page on every click: check again only when something that matters changed.
    check_key = (state["signature"], skip_invalid, split, tuple(sorted(state["stages"].items())),
                 tuple((f.source, f.entity, tuple(sorted(f.columns.items()))) for f in plan.files))
    if state.get("check_key") != check_key:
        outcomes, _ = check_plan(store, plan, reporting_currency=settings.reporting_currency,
                                 stage_overrides=state["stages"], skip_invalid=skip_invalid)
        state.update(check_key=check_key, problems=problems_frame(outcomes),
                     rows=sum(o.rows_in for o in outcomes))
    problems = state["problems"]
    _stage_editor(unknown_stages(problems))
    if problems.height:
        st.warning(tr("import.problems", count=f"{problems.height:,}"))
        _problem_table(problems)
    else:
        st.success(tr("import.no_problems", rows=f"{state['rows']:,}"))
    if not st.button(tr("import.confirm"), type="primary", disabled=bool(problems.height) and not skip_invalid):
        return
    bar = st.progress(0.0, text=tr("import.step.start"))

    def step(fraction: float, name: str, **values) -> None:
        if "rows" in values:
            values["rows"] = f"{values['rows']:,}"
        bar.progress(min(fraction, 1.0), text=context.tr_md(f"import.step.{name}", **values))

    try:
        result = run_import(store, plan, reporting_currency=settings.reporting_currency, skip_invalid=skip_invalid,
                            stage_overrides=state["stages"], keep_crm_territory=settings.keep_crm_territory,
                            progress=step)
    except ImportFailed as failure:
        _refused(failure)
        return
    _drop_plan()  # the import is done: its uploads and temporary files go now
    state.update(result=result, generation=state["generation"] + 1)  # a fresh, empty uploader
    st.cache_data.clear()
    st.rerun()


def main() -> None:
    st.title(tr("import.title"))
    if not context.may("import"):  # app.py offers the page only to those who may; a direct run stops here
        st.info(tr("access.read_only", role=tr(f"role.{context.viewer().role}")))
        return
    st.caption(tr("import.caption"))
    uploaded.sweep_once()
    warm_workers(Limits.from_settings(context.settings()))  # started while the user picks the files
    state = _state()
    uploads = st.file_uploader(tr("import.upload"), accept_multiple_files=True,
                               key=f"import-uploads-{state['generation']}",
                               type=["csv", "txt", "tsv", "xlsx", "xls", "parquet"], help=tr("import.upload_help"))
    # Streamlit 1.67 draws its uploader's own words ("Drag and drop files here", "Limit … per
    # file", "Browse files") in English and offers no parameter for them: say it in ours below.
    st.caption(tr("import.uploader_hint", size=f"{st.get_option('server.maxUploadSize'):,} MB"))
    try:
        if uploads:
            _plan_uploads(uploads)
            st.caption(tr("import.files", count=len(state["plan"].files)))
            for index, file_plan in enumerate(state["plan"].files):
                label = context.tr_md("import.file_header", file=file_plan.file_name, source=file_plan.source,
                           entity=tr(f"import.entity.{file_plan.entity}"), rows=len(file_plan.table.headers))
                with st.expander(label, expanded=len(state["plan"].files) <= 3):
                    key = f"import-{index}-{state['signature'][min(index, len(state['signature']) - 1)][2]}"
                    _encoding_choice(index, file_plan, key)
                    if file_plan.table.frame is None:
                        problem = file_plan.table.problems[0]
                        reason = t("import.note.of_file", context.lang(), file=problem.file,
                                   note=said(problem.reason, context.lang()))
                        st.error(context.tr_md("import.unreadable", reason=reason))
                    else:
                        _mapping_editor(index, file_plan, key)
            _check_and_confirm()
        if state["result"] is not None:
            _summary(state["result"])
    except TerrainError as error:
        context.show_error(error)
    st.subheader(tr("import.history"))
    history = import_history(context.store())
    if history.height:
        st.dataframe(_words(history.drop("import_id")), hide_index=True, column_config={
            "ts": tr("import.col.ts"), "file_name": tr("import.col.file"), "source": tr("import.col.source"),
            "entity": tr("import.col.entity"), "rows_in": tr("import.col.rows_in"),
            "rows_loaded": tr("import.col.rows_loaded"), "rows_rejected": tr("import.col.rows_rejected"),
            "status": tr("import.col.status_"), "actor": tr("access.col.actor")}, placeholder=EMPTY)
    else:
        st.caption(tr("import.history_empty"))


main()
