"""Running an import plan: check everything, then write everything in one transaction, or nothing.

All files of one import are checked first (problems of every file and row collected), then
resolved against each other and the database in load order. Strict (the default): any problem
raises `ImportFailed` listing all of them and the database is not touched. With `skip_invalid`
the valid rows load, each rejected row is kept in `import_rejects` with its original cells (JSON),
and a file that cannot be read at all loads nothing. Each file is read and checked in the import
worker (`worker.py`), which hands the checked table back as an Arrow IPC file (`handoff.py`),
memory-mapped rather than copied (and without the columns no row fills). A record id that two files of one import both bring is
a problem of the later file's row (naming the other file and row), never a row lost quietly. Writes upsert by record id (a re-import
replaces rows, never doubles them) through `Session.upsert_frame`; into an empty table that is a
plain bulk INSERT, which is what makes a first 5-million-deal import fast. Each file gets a row in `imports` (sha256, source,
entity, rows in / loaded / rejected).
"""
from __future__ import annotations

import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from engine.store.errors import ImportFailed, Problem, TerrainError
from engine.access.permissions import PermissionDenied, require
from engine.access.viewer_store import actor_of, viewer_of
from engine.importing import resolve
from engine.importing.crm_resolve import CRM_RESOLVERS
from engine.importing.notes import Note
from engine.importing.cross_file import repeated_across_files
from engine.importing.handoff import read_checked, write_checked
from engine.importing.limits import Limits
from engine.importing.plan import FilePlan, ImportPlan
from engine.importing.raw import BEYOND, ROW, TempFiles
from engine.importing.problems import as_problems, empty_problems, problem_frame
from engine.importing.entity_checks import UNKNOWN_STAGE
from engine.importing.target_periods import TargetSplit, split_note
from engine.importing.validate import CheckedTable, check_table
from engine.importing.worker import WorkerFailed, run_in_worker
from engine.store import Session, Store
from engine.territories.publish import route_accounts
from engine.territories.rules import RulesRefused

# progress(fraction, step, **values): step "file" (file, position, files), "writing" (rows) or
# "done" (rows) — words left to the caller, who knows the user's language.
Progress = Callable[..., None]
MAX_LISTED_PROBLEMS = 1000
# Reads and checks the files of an import side by side (see check_plan).
_CHECKING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="terrain-check")
_KEYS = {"accounts": ["account_id"], "deals": ["deal_id"], "reps": ["rep_id"], "activities": ["activity_id"],
         "territories": ["territory_id"], "territory_members": ["territory_id", "rep_id"],
         "targets": ["scope", "scope_id", "period_start"], "fx_rates": ["currency", "valid_from"],
         "leads": ["lead_id"], "contacts": ["contact_id"], "invoices": ["invoice_id"]}
_RECORD_CELL_CHARS = 32_767  # Excel's limit for one cell
_WRITE_ORDER = ("fx_rates", "territories", "reps", "territory_members", "accounts", "deals", "leads", "contacts",
                "invoices", "activities", "targets")


@dataclass
class ImportResult:
    """`files`: file, source, entity, rows_in, rows_loaded, rows_rejected, status, import_id.
    `problems`: file, row, column, value, reason. `warnings`: sentences worth showing.
    `target_splits`: (file, rows) of the target rows given for a quarter or year, spread over their
    months by `split_method` (even / seasonal); `notes` says so in a sentence per file."""

    files: pl.DataFrame
    problems: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    target_splits: list[tuple[str, int]] = field(default_factory=list)
    split_method: str = "even"
    routed: int = 0  # accounts the active assignment rules gave a territory after the import
    orphans: int = 0  # imported accounts no rule matched (see engine.territories)

    @property
    def notes(self) -> list[str]:
        return [f"{file}: {split_note(rows, self.split_method)}" for file, rows in self.target_splits]

    @property
    def rejected(self) -> int:
        return int(self.files["rows_rejected"].sum() or 0)


@dataclass
class _Outcome:
    plan: FilePlan
    rows_in: int = 0
    frame: pl.DataFrame | None = None
    problems: pl.DataFrame = field(default_factory=empty_problems)
    split_rows: int = 0  # target rows of a quarter or year spread over their months


def problems_frame(outcomes: list[_Outcome]) -> pl.DataFrame:
    """All problems with their file: file, row, column, value, reason."""
    frames = [o.problems.select(pl.lit(o.plan.file_name).alias("file"), pl.all()) for o in outcomes]
    return pl.concat(frames) if frames else empty_problems().select(pl.lit("").alias("file"), pl.all())


def unknown_stages(problems: pl.DataFrame) -> list[str]:
    """The distinct stage names the problems call unknown (the Import page asks what each means)."""
    stages = problems.filter(pl.col("reason_key") == UNKNOWN_STAGE)["value"]
    return sorted(stages.drop_nulls().unique().to_list())


def check_plan(store: Store, plan: ImportPlan, *, reporting_currency: str,
               stage_overrides: dict[str, str] | None = None, skip_invalid: bool = False,
               progress: Progress | None = None) -> tuple[list[_Outcome], resolve.Context]:
    """Check and resolve every file; nothing is written."""
    progress = progress or (lambda fraction, step, **values: None)
    ordered = plan.ordered()
    context = resolve.Context.from_store(store, reporting_currency)
    # The files are read and checked side by side (polars releases the GIL, and one file's
    # single-threaded steps fill the other's gaps); they are resolved in load order after.
    checks = [_CHECKING.submit(_check_file, file_plan, stage_overrides, plan.target_split, plan.temp, plan.limits)
              for file_plan in ordered]
    try:
        outcomes = _resolve_checked(ordered, checks, context, skip_invalid, progress)
    finally:
        for check in checks:  # after a failure, the files not yet started are not read for nothing
            check.cancel()
    for file_plan in ordered:
        context.warnings.extend(file_plan.table.notes)
    repeated_across_files(outcomes, _KEYS)
    return outcomes, context


def _resolve_checked(ordered: list[FilePlan], checks: list[Future], context: resolve.Context,
                     skip_invalid: bool, progress: Progress) -> list[_Outcome]:
    outcomes = []
    for position, (file_plan, check) in enumerate(zip(ordered, checks)):
        progress(position / max(len(ordered), 1) * 0.8, "file", file=file_plan.file_name, position=position + 1,
                 files=len(ordered))
        outcome = _Outcome(file_plan)
        outcomes.append(outcome)
        checked = check.result()
        if isinstance(checked, pl.DataFrame):  # the file could not be read: its problems
            outcome.problems = checked
            continue
        outcome.rows_in = checked.rows_in
        outcome.split_rows = checked.split_rows
        context.warnings.extend(checked.notes)
        problems = checked.problems
        frame = checked.frame.filter(~pl.col(ROW).is_in(problems["row"].drop_nulls().implode())) \
            if skip_invalid else checked.frame
        frame, more = _resolve(file_plan, frame, context)
        outcome.frame = frame
        outcome.problems = pl.concat([problems, more]).sort("row", nulls_last=True)
    return outcomes



def _check_file(file_plan: FilePlan, stage_overrides: dict[str, str] | None, target_split: TargetSplit | None,
                temp: TempFiles, limits: Limits) -> CheckedTable | pl.DataFrame:
    """The checked table of one file, or the problems that keep it from being read."""
    blocking = file_plan.blocking_problems()
    if blocking:
        return problem_frame(blocking)
    if file_plan.table.in_process:
        try:
            return check_table(file_plan.table, file_plan.entity, file_plan.source, file_plan.columns,
                               stage_overrides, target_split, limits)
        except ImportFailed as unreadable:
            return problem_frame(unreadable.problems)
    try:
        answer = run_in_worker(check_to_files, (file_plan, stage_overrides, target_split, temp, limits),
                               file_name=file_plan.file_name, limits=limits)
    except WorkerFailed as failed:
        return problem_frame([Problem(file_plan.file_name, None, None, None, failed.sentence())])
    if isinstance(answer, pl.DataFrame):
        return answer
    return read_checked(answer)


def check_to_files(file_plan: FilePlan, stage_overrides: dict[str, str] | None, target_split: TargetSplit | None,
                   temp: TempFiles, limits: Limits) -> tuple | pl.DataFrame:
    """In the worker: check one file and write its checked table and problems as IPC files
    (handoff.write_checked says what the answer holds), or the problems that keep it from being read."""
    try:
        checked = check_table(file_plan.table, file_plan.entity, file_plan.source, file_plan.columns,
                              stage_overrides, target_split, limits)
    except ImportFailed as unreadable:
        return problem_frame(unreadable.problems)
    return write_checked(checked, temp)


def _resolve(file_plan: FilePlan, frame: pl.DataFrame, context: resolve.Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    entity, source = file_plan.entity, file_plan.source
    header_of = {f: h for h, f in file_plan.columns.items()}
    if entity == "fx_rates":
        context.rates = pl.concat([context.rates, frame.select("currency", "rate_to_reporting", "valid_from")])
        return frame, empty_problems()
    if entity == "territories":
        return resolve.resolve_territory_table(frame, context, source), empty_problems()
    if entity == "reps":
        return resolve.resolve_reps_table(frame, context, source), empty_problems()
    if entity == "accounts":
        return resolve.resolve_accounts(frame, context, source), empty_problems()
    if entity == "deals":
        return resolve.resolve_deals(frame, context, source, file_plan.file_name, header_of.get("account_id", "account_id"))
    if entity == "activities":
        return resolve.resolve_activities(frame, context, source), empty_problems()
    if entity in CRM_RESOLVERS:  # leads, contacts, invoices
        return CRM_RESOLVERS[entity](frame, context, source, header_of)
    header = header_of.get("scope_id") or header_of.get("territory") or header_of.get("rep") or "scope_id"
    return resolve.resolve_targets(frame, context, header)


def run_import(store: Store, plan: ImportPlan, *, reporting_currency: str, skip_invalid: bool = False,
               stage_overrides: dict[str, str] | None = None, progress: Progress | None = None,
               keep_crm_territory: bool = True) -> ImportResult:
    """Check, then load the plan in one transaction. Raises ImportFailed (strict mode) with every problem.

    Then the imported accounts are routed by the active assignment rules (a second transaction):
    those the export gave no territory, or with `keep_crm_territory=False` all of them."""
    require(viewer_of(store), "import")
    progress = progress or (lambda fraction, step, **values: None)
    outcomes, context = check_plan(store, plan, reporting_currency=reporting_currency,
                                   stage_overrides=stage_overrides, skip_invalid=skip_invalid, progress=progress)
    problems = problems_frame(outcomes)
    if problems.height and not skip_invalid:
        listed = as_problems(problems.head(MAX_LISTED_PROBLEMS))
        if problems.height > MAX_LISTED_PROBLEMS:
            listed.append(Problem(problems["file"][0], None, None, None,
                                  f"… and {problems.height - MAX_LISTED_PROBLEMS:,} more problems"))
        error = ImportFailed(
            f"Nothing was imported: {problems.height:,} problem(s) in "
            f"{problems['file'].n_unique()} file(s). First: {listed[0]}",
            listed, hint="Fix the rows listed, or import again with --skip-invalid "
                         "(the 'skip invalid rows' box) to load the valid rows and keep the rest aside.")
        error.problems_frame = problems  # type: ignore[attr-defined]
        raise error
    rows = sum(o.frame.height for o in outcomes if o.frame is not None)
    imported = [o.frame.select("account_id") for o in outcomes if o.frame is not None and o.plan.entity == "accounts"]
    imported += [f.select("account_id") for f in context.created.get("accounts", [])]
    progress(0.85, "writing", rows=rows)
    summary = _write(store, outcomes, context)
    splits = [(o.plan.file_name, o.split_rows) for o in outcomes if o.split_rows]
    result = ImportResult(summary, problems, context.warnings, splits, plan.target_split.method)
    if imported:
        progress(0.95, "routing")
        try:
            routed = route_accounts(store, pl.concat(imported)["account_id"],
                                    keep_crm_territory=keep_crm_territory)
            result.routed, result.orphans = routed.routed, routed.orphans
        except TerrainError as error:  # the import stands; the rules need fixing before they route
            result.warnings.append(Note("import.note.not_routed", reason=_why_not_routed(error)))
    progress(1.0, "done", rows=int(summary["rows_loaded"].sum()))
    return result


def _why_not_routed(error: TerrainError) -> Note | str:
    """What kept the rules from routing, as a Note the Import page says in the reader's language
    (an error Terrain has no words for is quoted as it is)."""
    if isinstance(error, RulesRefused) and error.problems:
        first = error.problems[0]
        return Note("import.note.rules_refused", count=len(error.problems), rule=first.where.removeprefix("rule "),
                    column=Note(f"rules.col.{first.column}"))
    if isinstance(error, PermissionDenied):
        return Note("import.note.routing_not_allowed")
    return error.message.splitlines()[0]


def _write(store: Store, outcomes: list[_Outcome], context: resolve.Context) -> pl.DataFrame:
    tables: dict[str, list[pl.DataFrame]] = {}
    loaded: dict[int, int] = {}
    for position, outcome in enumerate(outcomes):
        if outcome.frame is None:
            continue
        frame = outcome.frame
        if outcome.problems.height:
            frame = frame.filter(~pl.col(ROW).is_in(outcome.problems["row"].drop_nulls().implode()))
        # sheet rows: a target row for a quarter or a wide row of months loads as several months
        loaded[position] = frame[ROW].n_unique() if outcome.plan.entity == "targets" else frame.height
        outcome.frame = None  # the only reference left is in `tables`, released once written
        tables.setdefault(outcome.plan.entity, []).append(frame)
    for table, frames in context.created.items():
        tables.setdefault(table, []).extend(frames)  # after imported rows: imported rows win a clash
    now = datetime.now()
    log = []
    with store.transaction() as tx:
        for table in _WRITE_ORDER:
            if table in tables:
                _write_table(tx, table, tables.pop(table))
        for position, outcome in enumerate(outcomes):
            import_id = uuid.uuid4().hex
            rows = loaded.get(position, 0)
            rejected = outcome.rows_in if position not in loaded else outcome.problems["row"].drop_nulls().n_unique()
            status = "loaded" if not outcome.problems.height else ("partial" if rows else "rejected")
            plan = outcome.plan
            log.append((import_id, now, plan.file_name, plan.table.sha256, plan.source, plan.entity,
                        outcome.rows_in, rows, rejected, status, actor_of(store)))
            if outcome.problems.height:
                tx.insert_frame("import_rejects", _rejects(import_id, outcome))
        frame = pl.DataFrame(log, orient="row", schema={
            "import_id": pl.String, "ts": pl.Datetime("us"), "file_name": pl.String, "sha256": pl.String,
            "source": pl.String, "entity": pl.String, "rows_in": pl.Int64, "rows_loaded": pl.Int64,
            "rows_rejected": pl.Int64, "status": pl.String, "actor": pl.String})
        tx.insert_frame("imports", frame)
    return frame.select(pl.col("file_name").alias("file"), "source", "entity", "rows_in", "rows_loaded",
                        "rows_rejected", "status", "import_id")


def _write_table(tx: Session, table: str, frames: list[pl.DataFrame]) -> None:
    columns = set(tx.columns(table))
    frames = [f.select([c for c in f.columns if c in columns]) for f in frames if f.height]
    if not frames:
        return
    frame = frames[0]
    if len(frames) > 1:  # several files or created rows: the first row of a key wins
        frame = pl.concat(frames, how="diagonal_relaxed").unique(_KEYS[table], keep="first", maintain_order=True)
    # One statement for the whole table: the frame's strings reach DuckDB as views (no copy), and
    # the big tables have no key index to maintain, so a first import is a plain bulk INSERT.
    tx.upsert_frame(table, frame, _KEYS[table], keys_checked=True)  # validate: no repeated id in a file


def _rejects(import_id: str, outcome: _Outcome) -> pl.DataFrame:
    """The problems of a file with the original cells of each rejected row as JSON."""
    problems = outcome.problems
    records = pl.DataFrame(schema={"row": pl.Int64, "record": pl.String})
    table = outcome.plan.table
    rows = problems["row"].drop_nulls().unique()
    if table.frame is not None and rows.len():
        try:
            original = table.frame.filter(pl.col(ROW).is_in(rows.implode())).collect()
        except pl.exceptions.ComputeError:  # a row the reader cannot give back (bytes of no encoding):
            original = None                 # its problem is kept, without the original cells
        if original is not None:
            # Cells are cut to what a spreadsheet cell holds: the download opens in Excel.
            records = original.select(pl.col(ROW).alias("row"), pl.struct(
                pl.exclude(ROW, BEYOND).str.slice(0, _RECORD_CELL_CHARS)).struct.json_encode().alias("record"))
    return (problems.join(records, on="row", how="left")
            .select(pl.lit(import_id).alias("import_id"), pl.col("row").alias("row_number"), "column", "value",
                    "reason", "record", "reason_key", "reason_args"))
