"""Parsing and checking one mapped table: every problem of every row, collected at once.

`check_table` reads only the mapped columns (projection pushed into the CSV scan), parses each
by its field kind with the vectorised parsers, and turns every failed check into a problem row.
It returns the canonical frame (parsed fields + `_row`) and a problems frame with the columns
`row, column, value, reason` (`column` is the export's own header, so users find the cell).
Nothing here touches the database: cross-file resolution and writing happen in resolve.py/load.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from engine.store.errors import ImportFailed, Problem
from engine.importing import parsing
from engine.importing.fields import FIELDS, ID_FIELD, REQUIRED
from engine.importing.readers import NO_DATA_ROWS, ROW, RawTable, read_failure, structure_problems
from engine.importing.sources import PROBABILITY_SCALE, STAGE_MAPS, STATUS_WORDS, normalise

_RAW = "_raw:"  # the original text of cells the fast parse could not read
_SAMPLE_ROWS = 200  # cells per column that choose its fast form (see parsing.fast_form)
_SLOW_KINDS = ("amount", "number", "integer", "date", "timestamp", "percent")
PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
_KIND_WORDS = {"amount": "an amount", "number": "a number", "integer": "a whole number",
               "date": "a date", "timestamp": "a date/time", "percent": "a percentage",
               "flag": "a yes/no value"}


@dataclass
class CheckedTable:
    frame: pl.DataFrame      # canonical fields of the entity + ROW
    problems: pl.DataFrame   # PROBLEM_SCHEMA
    rows_in: int


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problem_frame(problems: list[Problem]) -> pl.DataFrame:
    """Problems (of one file) as a PROBLEM_SCHEMA frame."""
    return pl.DataFrame([(p.row, p.column, p.value, p.reason) for p in problems], schema=PROBLEM_SCHEMA, orient="row")


def problem_rows(frame: pl.DataFrame, bad: pl.Expr, column: str, value: pl.Expr | None,
                 reason: pl.Expr | str) -> pl.DataFrame:
    """One problem per row of `frame` where `bad` holds."""
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    value_expr = pl.lit(None, pl.String) if value is None else value.cast(pl.String)
    # Lazily, so that only the columns the check names are filtered, not the whole frame.
    return frame.lazy().filter(bad.fill_null(False)).select(
        pl.col(ROW).cast(pl.Int64).alias("row"), pl.lit(column).alias("column"),
        value_expr.alias("value"), reason_expr.cast(pl.String).alias("reason")).collect()


def derived_id(expr: pl.Expr) -> pl.Expr:
    """A stable id from a name, for exports without record ids: 'name:' + the normalised name."""
    return pl.lit("name:") + expr.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")


def missing_columns(entity: str, mapping: dict[str, str]) -> list[tuple[str, ...]]:
    mapped = set(mapping.values())
    return [need for need in REQUIRED[entity] if not mapped.intersection(need)]


def check_table(table: RawTable, entity: str, source: str, mapping: dict[str, str],
                stage_overrides: dict[str, str] | None = None) -> CheckedTable:
    """Parse and check `table` mapped by `mapping` (export header → field)."""
    header_of = {field: header for header, field in mapping.items()}
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
    query = (table.frame.select(pl.col(ROW), *table.structure_columns(), *trimmed).with_columns(blanked)
             .with_columns(parsed).with_columns(trusted).with_columns(kept).drop(list(sources.values())))
    try:
        # One chunk per column: the streaming engine returns hundreds, and every later step that
        # adds a column to a frame of unequal chunks would realign all of them (0.1–0.3 s each at 5M rows).
        frame = query.collect(engine="streaming").rechunk()
        problems: list[pl.DataFrame] = []
        if "_long" in frame.columns:  # delimited text: count the fields of the rows that may be ragged
            suspects = frame.filter(pl.col("_long") | pl.col("_open_end"))[ROW]
            ragged, blank_rows = structure_problems(table, suspects, frame.height)
            frame = frame.drop("_long", "_open_end")
            if blank_rows:  # empty lines are no rows
                frame = frame.filter(~pl.col(ROW).is_in(pl.Series(blank_rows, dtype=pl.Int64).implode()))
            problems.append(problem_frame(ragged))
    except pl.exceptions.ComputeError as error:
        raise ImportFailed(table.file_name, [read_failure(table, error)]) from None
    rows_in = frame.height
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
                                     pl.col(_RAW + field), f"is not {_KIND_WORDS[kind]}"))
        frame = frame.drop(_RAW + field)
    for field in fields:
        if field not in frame.columns:
            frame = frame.with_columns(pl.lit(None, _dtype(fields[field].kind)).alias(field))
    checker = _ENTITY_CHECKS[entity]
    frame, extra = checker(frame, None, header_of, source, stage_overrides or {})
    frame = frame.drop("_symbol_currency", strict=False)
    problems.extend(extra)
    id_field = ID_FIELD.get(entity)
    if id_field:
        problems.append(_duplicates(frame, id_field, header_of.get(id_field, id_field)))
    found = pl.concat([p.cast(PROBLEM_SCHEMA) for p in problems]) if problems else empty_problems()
    # A cell that could not be parsed is also empty afterwards: report it once, as unreadable.
    found = found.unique(["row", "column"], keep="first", maintain_order=True)
    return CheckedTable(frame, found.sort("row", "column", nulls_last=True), rows_in)


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
    return {"amount": pl.Float64, "number": pl.Float64, "integer": pl.Float64, "date": pl.Date,
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
                        pl.format("duplicate record id (first on row {})", pl.col("_first")))


def _required_value(frame: pl.DataFrame, field: str, header: str, when: pl.Expr | None = None) -> pl.DataFrame:
    bad = pl.col(field).is_null() & (pl.lit(True) if when is None else when)
    return problem_rows(frame, bad, header, None, "is empty but required")


def _id_or_name(frame: pl.DataFrame, id_field: str, name_field: str, header_of: dict[str, str]) -> tuple[pl.DataFrame, list]:
    if frame[id_field].null_count():
        frame = frame.with_columns(pl.coalesce(pl.col(id_field), derived_id(pl.col(name_field))).alias(id_field))
    header = header_of.get(name_field) or header_of.get(id_field, name_field)
    return frame, [_required_value(frame, id_field, header)]


def _check_accounts(frame, raw, header_of, source, stages):
    frame, problems = _id_or_name(frame, "account_id", "name", header_of)
    frame = frame.with_columns(pl.coalesce("name", "account_id").alias("name"),
                               pl.col("employees").round(0).cast(pl.Int64))
    return frame, problems


def _words_to_status(values: pl.Series, words: dict[str, str], key) -> pl.Series:
    """Map each distinct value once (a 5M-row column has a handful of stages)."""
    if values.null_count() == len(values):  # the column is not in this export
        return values.cast(pl.String)
    distinct = values.drop_nulls().unique().to_list()
    mapping = {value: words[key(value)] for value in distinct if key(value) in words}
    return values.replace_strict(mapping, default=None, return_dtype=pl.String)


_STATUS_BY_CODE = pl.Series(["open", "lost", "won"])


def deal_status(frame: pl.DataFrame, source: str, overrides: dict[str, str]) -> pl.Series:
    """open/won/lost from (in order) a direct status column, IsClosed/IsWon flags, the stage. A
    later source is read only for the rows the earlier ones leave open (often none)."""
    def from_flags() -> pl.Series | None:
        if frame["is_closed"].null_count() == frame.height:
            return None
        # 0 open, 1 lost, 2 won: picking from three strings is cheaper than building each one.
        code = pl.col("is_closed").cast(pl.UInt8) + (pl.col("is_closed") & pl.col("is_won").fill_null(False)).cast(pl.UInt8)
        return frame.select(pl.lit(_STATUS_BY_CODE).gather(code)).to_series()

    def from_stage() -> pl.Series:
        stage_map = {**STAGE_MAPS[source], **{normalise(k): v for k, v in overrides.items()}}
        return _words_to_status(frame["stage"], stage_map, normalise)

    status = _words_to_status(frame["status"], STATUS_WORDS, lambda v: v.strip().lower())
    for fallback in (from_flags, from_stage):
        if not status.null_count():
            break
        found = fallback()
        if found is not None:
            status = status.fill_null(found) if status.null_count() < len(status) else found
    return status.alias("status")


def _check_deals(frame, raw, header_of, source, stages):
    problems = []
    if frame["deal_id"].null_count():
        frame = frame.with_columns(pl.coalesce(pl.col("deal_id"), derived_id(pl.concat_str(
            [pl.coalesce("account_id", "account_name", pl.lit("")), pl.col("name")], separator="/")))
            .alias("deal_id"))
    frame = frame.with_columns(
        pl.coalesce(pl.col("currency").str.to_uppercase().str.strip_chars(), pl.col("_symbol_currency"))
        .alias("currency"))
    frame = frame.with_columns(pl.coalesce("stage", "status").alias("_stage_text"))
    frame = frame.with_columns(deal_status(frame, source, stages))
    problems.append(_required_value(frame, "deal_id", header_of.get("deal_id") or header_of.get("name", "name")))
    stage_header = header_of.get("stage") or header_of.get("status") or header_of.get("is_closed", "stage")
    problems.append(problem_rows(
        frame, pl.col("status").is_null(), stage_header, pl.col("_stage_text"),
        "is not a known stage: say whether it is open, won or lost "
        "(CLI --stage 'NAME=won', or the stage table on the Import page)"))
    closed = pl.col("status").is_in(["won", "lost"])
    problems.append(_required_value(frame, "amount", header_of["amount"], pl.col("status") == "won"))
    if "close_date" in header_of:
        problems.append(_required_value(frame, "close_date", header_of["close_date"], closed))
    else:
        problems.append(problem_rows(frame, closed, "close_date", None,
                                     "a closed deal needs a close date: map a column to close_date"))
    if "probability" in header_of:
        problems.append(problem_rows(frame, ~pl.col("probability").is_between(0, 1), header_of["probability"],
                                     pl.col("probability") * 100, "is not a probability between 0% and 100%"))
    if "exchange_rate" in header_of:
        problems.append(problem_rows(frame, pl.col("exchange_rate") <= 0, header_of["exchange_rate"],
                                     pl.col("exchange_rate"), "exchange rate must be above 0"))
    return frame.drop("_stage_text"), problems


def _check_reps(frame, raw, header_of, source, stages):
    frame, problems = _id_or_name(frame, "rep_id", "name", header_of)
    frame = frame.with_columns(
        pl.coalesce("name", "rep_id").alias("name"),
        pl.coalesce(pl.col("manager_id"), derived_id(pl.col("manager_name"))).alias("manager_id"),
        pl.col("capacity").round(0).cast(pl.Int64),
        pl.col("skills").str.split_by_regex(r"\s*[;,|、，]\s*") if "skills" in header_of
        else pl.lit(None, pl.List(pl.String)).alias("skills"))
    return frame, problems


def _check_activities(frame, raw, header_of, source, stages):
    # Salesforce's WhatId points at an account (prefix 001) or an opportunity (006).
    related = pl.col("related_id")
    frame = frame.with_columns(
        pl.coalesce("account_id", pl.when(related.str.starts_with("001")).then(related)).alias("account_id"),
        pl.coalesce("deal_id", pl.when(related.str.starts_with("006") | ~related.str.starts_with("001"))
                    .then(related)).alias("deal_id"))
    if not frame["activity_id"].null_count():
        return frame, [_required_value(frame, "ts", header_of["ts"])]
    frame = frame.with_columns(pl.coalesce(
        pl.col("activity_id"),
        pl.lit("activity:") + pl.concat_str([pl.coalesce("rep_id", "owner_name", pl.lit("")),
                                             pl.col("ts").cast(pl.String), pl.coalesce("type", pl.lit("")),
                                             pl.coalesce("account_id", "deal_id", pl.lit("")),
                                             pl.coalesce("subject", pl.lit(""))], separator="|"))
        .alias("activity_id"))
    return frame, [_required_value(frame, "ts", header_of["ts"])]


_SCOPE_WORDS = {"company": "company", "territory": "territory", "rep": "rep", "公司": "company",
                "区域": "territory", "销售": "rep", "region": "territory", "owner": "rep"}


def _check_targets(frame, raw, header_of, source, stages):
    scope = pl.col("scope").str.to_lowercase().str.strip_chars().replace_strict(
        _SCOPE_WORDS, default=None, return_dtype=pl.String)
    implied = (pl.when(pl.col("rep").is_not_null()).then(pl.lit("rep"))
               .when(pl.col("territory").is_not_null()).then(pl.lit("territory"))
               .otherwise(pl.lit("company")))
    frame = frame.with_columns(
        (scope if "scope" in header_of else implied).alias("scope"),
        pl.col("period_start").dt.month_start().alias("period_start"))
    frame = frame.with_columns(pl.coalesce(
        "scope_id", pl.when(pl.col("scope") == "rep").then(pl.col("rep"))
        .when(pl.col("scope") == "territory").then(pl.col("territory"))
        .when(pl.col("scope") == "company").then(pl.lit("company"))).alias("scope_id"))
    problems = [_required_value(frame, "period_start", header_of["period_start"]),
                _required_value(frame, "amount", header_of["amount"])]
    if "scope" in header_of:
        problems.append(problem_rows(frame, pl.col("scope").is_null(), header_of["scope"], None,
                                     "scope must be company, territory or rep"))
    keys = frame.select(ROW, "scope", "scope_id", "period_start").with_columns(
        pl.col(ROW).first().over("scope", "scope_id", "period_start").alias("_first"))
    problems.append(problem_rows(keys, pl.col(ROW) != pl.col("_first"), header_of["period_start"],
                                 pl.col("period_start"),
                                 pl.format("a second target for the same scope and month (first on row {})",
                                           pl.col("_first"))))
    return frame, problems


def _check_territories(frame, raw, header_of, source, stages):
    frame, problems = _id_or_name(frame, "territory_id", "name", header_of)
    frame = frame.with_columns(
        pl.coalesce("name", "territory_id").alias("name"),
        pl.coalesce(pl.col("parent_id"), derived_id(pl.col("parent_name"))).alias("parent_id"),
        pl.col("level").round(0).cast(pl.Int64), pl.coalesce("type", pl.lit("geo")).alias("type"))
    return frame, problems


def _check_fx_rates(frame, raw, header_of, source, stages):
    frame = frame.with_columns(pl.col("currency").str.to_uppercase())
    problems = [_required_value(frame, f, header_of[f]) for f in ("currency", "rate_to_reporting", "valid_from")]
    problems.append(problem_rows(frame, ~pl.col("currency").str.contains(r"^[A-Z]{3}$"), header_of["currency"],
                                 pl.col("currency"), "is not a three-letter currency code such as EUR"))
    problems.append(problem_rows(frame, pl.col("rate_to_reporting") <= 0, header_of["rate_to_reporting"],
                                 pl.col("rate_to_reporting"), "rate must be above 0"))
    keys = frame.with_columns(pl.col(ROW).first().over("currency", "valid_from").alias("_first"))
    problems.append(problem_rows(keys, pl.col(ROW) != pl.col("_first"), header_of["valid_from"],
                                 pl.col("valid_from"), pl.format("a second rate for the same currency and date (first on row {})",
                                                                 pl.col("_first"))))
    return frame, problems


_ENTITY_CHECKS = {"accounts": _check_accounts, "deals": _check_deals, "reps": _check_reps,
                  "activities": _check_activities, "targets": _check_targets,
                  "territories": _check_territories, "fx_rates": _check_fx_rates}
