"""Parsing and checking one mapped table: every problem of every row, collected at once.

`check_table` reads only the mapped columns (projection pushed into the CSV scan), parses each
by its field kind with the vectorised parsers, and turns every failed check into a problem row.
It returns the canonical frame (parsed fields + `_row`) and a problems frame with the columns
`row, column, value, reason` (`column` is the export's own header, so users find the cell).
A cell longer than the limit is a problem; control characters (NUL and the like, never meant as
text) are removed from text cells with a note naming where. Nothing here touches the database:
cross-file resolution and writing happen in resolve.py/load.py.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field as dataclass_field

import polars as pl

from engine.store.errors import ImportFailed, Problem
from engine.importing import parsing
from engine.importing.fields import FIELDS, ID_FIELD, REQUIRED
from engine.importing.delimited import has_control_bytes, read_failure, structure_problems
from engine.importing.raw import NO_DATA_ROWS, ROW, RawTable
from engine.importing.sources import PROBABILITY_SCALE
from engine.importing.entity_checks import ENTITY_CHECKS
from engine.importing.crm_checks import CRM_CHECKS
from engine.importing.target_periods import TargetSplit, expand_targets, unpivot_wide
from engine.importing.limits import ENV_OF, Limits
from engine.importing.notes import Note
from engine.importing.problems import PROBLEM_SCHEMA, empty_problems, problem_frame, problem_rows

_RAW = "_raw:"  # the original text of cells the fast parse could not read
_SAMPLE_ROWS = 200  # cells per column that choose its fast form (see parsing.fast_form)
_SLOW_KINDS = ("amount", "number", "integer", "year", "date", "timestamp", "percent")
# Control characters: C0 except tab, line feed and carriage return (which quoted cells may hold), and DEL.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Looks through delimited text for control bytes while the query runs (see check_table).
_SCANNING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terrain-controls")


@dataclass
class CheckedTable:
    frame: pl.DataFrame      # canonical fields of the entity + ROW
    problems: pl.DataFrame   # PROBLEM_SCHEMA
    rows_in: int
    split_rows: int = 0  # target rows of a quarter or year spread over their months
    notes: list[str] = dataclass_field(default_factory=list)  # what was changed on the way (control characters removed)


def missing_columns(entity: str, mapping: dict[str, str]) -> list[tuple[str, ...]]:
    mapped = set(mapping.values())
    if entity == "targets" and list(mapping.values()).count("amount") > 1:
        mapped.add("period_start")  # a wide sheet: the month columns' headers are the periods
    return [need for need in REQUIRED[entity] if not mapped.intersection(need)]


def check_table(table: RawTable, entity: str, source: str, mapping: dict[str, str],
                stage_overrides: dict[str, str] | None = None,
                target_split: TargetSplit | None = None, limits: Limits | None = None) -> CheckedTable:
    """Parse and check `table` mapped by `mapping` (export header → field). Targets for quarters
    and years are spread over their months as `target_split` says (default: evenly, calendar
    fiscal year), and a wide target sheet is read one month column at a time."""
    limits = limits or Limits()
    source_frame = table.frame.with_columns(table.structure_columns())
    structure = ["_long", "_open_end"] if table.text_path is not None else []
    wide_label = ""
    if entity == "targets":
        source_frame, mapping, wide_label = unpivot_wide(source_frame, mapping, [ROW, *structure])
    header_of = {field: header for header, field in mapping.items()}
    if wide_label:
        header_of["amount"] = header_of["period_start"] = wide_label
    fields = FIELDS[entity]
    # Source columns get internal names first (a header may equal a field name). Each step below
    # reads the previous one's columns, so a cell is parsed once; the text of the cells the fast
    # parse could not read is kept for the slow parsers. Text and flags are trimmed (blank → null)
    # first; numbers and dates are not: a padded one fails the fast parse and the slow parsers trim.
    sources = {header: f"_src:{index}" for index, header in enumerate(mapping)}
    padded = {sources[h] for h, f in mapping.items() if fields[f].kind not in _SLOW_KINDS}
    trimmed = [pl.col(h).str.strip_chars().alias(s) if s in padded else pl.col(h).alias(s) for h, s in sources.items()]
    blanked = [pl.when(pl.col(source) != "").then(pl.col(source)).alias(source) for source in padded]
    forms = _fast_forms(table, {header: fields[field].kind for header, field in mapping.items()})
    parsed, trusted, kept = [], [], []
    # Byte length bounds character length from above, and costs nothing per cell (it is stored).
    too_long = pl.any_horizontal([pl.col(s).str.len_bytes() > limits.max_cell_chars for s in sources.values()]
                                 ).alias("_too_long") if sources else pl.lit(False).alias("_too_long")
    texts = [f for f in mapping.values() if fields[f].kind not in _SLOW_KINDS and fields[f].kind != "flag"]
    controls = (pl.any_horizontal([pl.col(f).str.contains(CONTROL_CHARACTERS) for f in texts])
                if texts else pl.lit(False)).alias("_controls")
    for header, field in mapping.items():
        kind, text, form = fields[field].kind, pl.col(sources[header]), forms.get(header)
        if kind in _SLOW_KINDS:
            parsed.append(parsing.fast_expression(kind, text, form).alias(field))
            trusted.append(pl.when(parsing.fast_is_valid(kind, pl.col(field), text, form)).then(pl.col(field))
                           .alias(field))
        elif kind == "flag":
            parsed.append(parsing.flag_expression(text).alias(field))
        else:
            parsed.append(text.alias(field))
        if kind in _SLOW_KINDS or kind == "flag":
            kept.append(pl.when(pl.col(field).is_null()).then(text).alias(_RAW + field))
    # Delimited text without a control byte has none in any cell: the file is looked through beside
    # the query (the scan holds the GIL, the query lets it go), and the cells only when it has one.
    scan = _SCANNING.submit(has_control_bytes, table.text_path) if texts and table.text_path is not None else None
    in_query = controls if scan is None else pl.lit(False).alias("_controls")
    query = (source_frame.select(pl.col(ROW), *structure, *trimmed).with_columns(*blanked, too_long)
             .with_columns(parsed).with_columns(*trusted, in_query).with_columns(kept).drop(list(sources.values())))
    try:
        # One chunk per column: the streaming engine returns hundreds, and every later step that
        # adds a column to a frame of unequal chunks would realign all of them (0.1–0.3 s each at 5M rows).
        frame = query.collect(engine="streaming").rechunk()
        if scan is not None and scan.result():
            frame = frame.with_columns(controls)
        problems: list[pl.DataFrame] = []
        if "_long" in frame.columns:  # delimited text: count the fields of the rows that may be ragged
            suspects = frame.filter(pl.col("_long") | pl.col("_open_end"))[ROW].unique(maintain_order=True)
            ragged, blank_rows = structure_problems(table, suspects, frame.height)
            frame = frame.drop("_long", "_open_end")
            if blank_rows:  # empty lines are no rows
                frame = frame.filter(~pl.col(ROW).is_in(pl.Series(blank_rows, dtype=pl.Int64).implode()))
            problems.append(problem_frame(ragged))
    except pl.exceptions.ComputeError as error:
        raise ImportFailed(table.file_name, [read_failure(table, error)]) from None
    problems.append(_long_cells(table, frame, mapping, limits))
    frame, notes = _without_controls(table.file_name, frame, texts, header_of)
    frame = frame.drop("_too_long")
    rows_in = frame[ROW].n_unique() if wide_label else frame.height  # sheet rows, not month cells
    # A blank cell is no unreadable value; trimming only the few cells kept is cheaper than every cell.
    frame = frame.with_columns(pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c)
                               for field in set(mapping.values()) if fields[field].kind in _SLOW_KINDS
                               for c in [_RAW + field])
    if not rows_in:
        raise ImportFailed(table.file_name, [Problem(table.file_name, 2, None, None, NO_DATA_ROWS)])
    if "amount" in header_of:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("_symbol_currency"))
    for field, header in header_of.items():
        kind = fields[field].kind
        if _RAW + field not in frame.columns:
            continue
        raw_cells = frame[_RAW + field]
        needs = raw_cells.is_not_null()
        if needs.any():
            slow = parsing.slow_parse(kind, raw_cells.filter(needs))
            positions = needs.arg_true()
            frame = frame.with_columns(frame[field].scatter(positions, slow["value"].cast(frame[field].dtype)))
            if field == "amount":
                frame = frame.with_columns(frame["_symbol_currency"].scatter(positions, slow["currency"]))
        if kind == "percent":
            frame = frame.with_columns(_scaled(frame[field], raw_cells, PROBABILITY_SCALE.get(source, "auto")))
        problems.append(problem_rows(frame, pl.col(_RAW + field).is_not_null() & pl.col(field).is_null(), header,
                                     pl.col(_RAW + field), f"import.problem.not.{kind}"))
        frame = frame.drop(_RAW + field)
    for field in fields:
        if field not in frame.columns:
            frame = frame.with_columns(pl.lit(None, _dtype(fields[field].kind)).alias(field))
    split_rows = 0
    if entity == "targets":
        frame, period_problems, split_rows = expand_targets(frame, target_split or TargetSplit(),
                                                       header_of.get("period_start", "period_start"))
        problems.extend(period_problems)
    checker = ENTITY_CHECKS.get(entity) or CRM_CHECKS[entity]
    frame, extra = checker(frame, None, header_of, source, stage_overrides or {})
    frame = frame.drop("_symbol_currency", strict=False)
    problems.extend(extra)
    id_field = ID_FIELD.get(entity)
    if id_field:
        problems.append(_duplicates(frame, id_field, header_of.get(id_field, id_field)))
    found = pl.concat([p.cast(PROBLEM_SCHEMA) for p in problems]) if problems else empty_problems()
    # A cell that could not be parsed is also empty afterwards: report it once, as unreadable.
    found = found.unique(["row", "column"], keep="first", maintain_order=True)
    return CheckedTable(frame, found.sort("row", "column", nulls_last=True), rows_in, split_rows, notes)


def _long_cells(table: RawTable, frame: pl.DataFrame, mapping: dict[str, str], limits: Limits) -> pl.DataFrame:
    """A problem for each mapped cell longer than the limit (read again from the file: they are few)."""
    rows = frame.filter(pl.col("_too_long"))[ROW]
    headers = [h for h in mapping if h in table.headers]  # a wide target sheet's months are unpivoted
    if rows.is_empty():
        return empty_problems()
    cells = (table.frame.filter(pl.col(ROW).is_in(rows.implode()))
             .select(ROW, *[pl.col(h).str.len_chars().alias(h) for h in headers]).collect())
    found = []
    for header in headers:
        for row, length in cells.filter(pl.col(header) > limits.max_cell_chars).select(ROW, header).iter_rows():
            found.append(Problem(table.file_name, row, header, None, Note(
                "import.problem.long_cell", length=f"{length:,}", limit=f"{limits.max_cell_chars:,}",
                env=ENV_OF["max_cell_chars"])))
    return problem_frame(found)


def _without_controls(name: str, frame: pl.DataFrame, texts: list[str],
                      header_of: dict[str, str]) -> tuple[pl.DataFrame, list[str]]:
    """Text cells with control characters removed, and a note per column saying where they were."""
    affected = frame.filter(pl.col("_controls")) if frame["_controls"].any() else None
    frame = frame.drop("_controls")
    if affected is None:
        return frame, []
    notes, stripped = [], []
    for field in texts:
        hits = affected.filter(pl.col(field).str.contains(CONTROL_CHARACTERS))[ROW]
        if hits.len():
            stripped.append(pl.col(field).str.replace_all(CONTROL_CHARACTERS, ""))
            notes.append(Note("import.note.controls", file=name, count=f"{hits.len():,}",
                              column=header_of.get(field, field), row=hits.min()))
    return frame.with_columns(stripped), notes


def _fast_forms(table: RawTable, kinds: dict[str, str]) -> dict[str, str | None]:
    """For each date and timestamp column, the fast form that reads most of its first cells."""
    headers = [header for header, kind in kinds.items() if kind in parsing.FAST_FORMS]
    if not headers or table.frame is None:
        return {}
    try:
        sample = table.first_rows(headers, _SAMPLE_ROWS)
    except pl.exceptions.PolarsError:  # the full read reports what is wrong with the file
        return {}
    return {header: parsing.fast_form(kinds[header], sample[header]) for header in headers}


def _scaled(values: pl.Series, raw_cells: pl.Series, scale: str) -> pl.Series:
    """Probabilities as fractions: 'auto' reads a column as percent when any value exceeds 1 or
    any cell carries a % sign (CRMs export whole columns of one kind)."""
    if scale == "auto":
        scale = "percent" if (values.max() or 0) > 1 or raw_cells.str.contains("%").any() else "fraction"
    return values / 100 if scale == "percent" else values


def _dtype(kind: str) -> pl.DataType:
    return {"amount": pl.Float64, "number": pl.Float64, "integer": pl.Float64, "year": pl.Float64, "date": pl.Date,
            "timestamp": pl.Datetime("us"), "percent": pl.Float64, "flag": pl.Boolean}.get(kind, pl.String)


def _duplicates(frame: pl.DataFrame, id_field: str, header: str) -> pl.DataFrame:
    """Every row after the first that repeats a record id (the first keeps it)."""
    ids = frame[id_field]
    # Distinct 64-bit hashes prove distinct ids at a tenth of the cost of is_duplicated on 5M strings.
    if ids.hash().n_unique() == ids.len():
        return empty_problems()
    repeated = ids.is_duplicated() & ids.is_not_null()
    if not repeated.any():
        return empty_problems()
    ids = frame.filter(repeated).select(ROW, id_field).with_columns(
        pl.col(ROW).first().over(id_field).alias("_first"))
    return problem_rows(ids, pl.col(id_field).is_not_null() & (pl.col(ROW) != pl.col("_first")),
                        header, pl.col(id_field),
                        "import.problem.duplicate_id", row=pl.col("_first"))
