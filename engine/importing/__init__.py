"""Importing CRM exports (Salesforce, Zoho CRM, HubSpot, Dynamics 365, generic and Chinese-labelled
sheets) into the store: read → detect → map → check → resolve → one transaction.

Most callers need only `import_files` (headless, the CLI) or `plan_files` + `run_import` (the
Import page, which lets the user correct the plan between the two).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from engine.importing.encodings import CHOICES as ENCODINGS, label as encoding_label
from engine.importing.fields import ENTITIES, FIELDS
from engine.importing.limits import Limits
from engine.importing.load import ImportResult, check_plan, problems_frame, run_import, unknown_stages
from engine.importing.mapping import (list_profiles, load_profile, mapping_dict, parse_overrides,
                                      save_profile, suggest_mapping)
from engine.importing.plan import UNKNOWN, FilePlan, ImportPlan, plan_files
from engine.importing.problems import reasons_in
from engine.importing.raw import TempFiles, sweep_stale
from engine.importing.sources import SOURCES
from engine.importing.worker import warm_workers
from engine.store import Session, Store

__all__ = ["ENCODINGS", "ENTITIES", "FIELDS", "SOURCES", "UNKNOWN", "FilePlan", "ImportPlan", "ImportResult",
           "Limits", "TempFiles", "check_plan", "encoding_label", "import_files", "sweep_stale", "import_history", "import_rejects", "list_profiles",
           "load_profile", "mapping_dict", "parse_overrides", "plan_files", "problems_frame", "reasons_in",
           "run_import", "save_profile", "suggest_mapping", "unknown_stages", "warm_workers"]


def import_files(store: Store, files: Sequence[Path | tuple[str, Path]], *, reporting_currency: str,
                 source: str = "auto", entity: str = "auto", overrides: dict[str, str] | None = None,
                 skip_invalid: bool = False, stage_overrides: dict[str, str] | None = None,
                 progress: Callable[..., None] | None = None,
                 keep_crm_territory: bool = True, limits: Limits | None = None,
                 encoding: str | None = None) -> ImportResult:
    """Plan and run an import of `files` in one go (raises ImportFailed in strict mode)."""
    plan = plan_files(list(files), source=source, entity=entity, overrides=overrides, limits=limits,
                      encoding=encoding)
    try:
        return run_import(store, plan, reporting_currency=reporting_currency, skip_invalid=skip_invalid,
                          stage_overrides=stage_overrides, progress=progress,
                          keep_crm_territory=keep_crm_territory)
    finally:
        plan.close()


def import_history(session: Session, limit: int = 200) -> pl.DataFrame:
    """The latest imports: ts, file_name, source, entity, rows_in, rows_loaded, rows_rejected,
    status, actor (who imported it), import_id (newest first)."""
    frame = session.table("imports")
    return (frame.sort("ts", descending=True).head(limit)
            .select("ts", "file_name", "source", "entity", "rows_in", "rows_loaded", "rows_rejected",
                    "status", "actor", "import_id"))


def import_rejects(session: Session, import_id: str, lang: str = "en") -> pl.DataFrame:
    """The rejected rows of one import: row_number, column, value, reason (in `lang`), record
    (original cells, JSON)."""
    rejects = session.query(
        'SELECT row_number, "column", value, reason, record, reason_key, reason_args FROM import_rejects '
        "WHERE import_id = ? ORDER BY row_number", [import_id])
    return reasons_in(rejects, lang)
