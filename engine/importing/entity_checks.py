"""What each entity needs beyond its fields' kinds: ids derived from names where the export has
none, required values, a deal's status from its status column, flags or stage, and so on.

Each `check_<entity>(frame, raw, header_of, source, stages)` returns the completed frame and a list
of problem frames; `ENTITY_CHECKS` maps an entity to its check.
"""
from __future__ import annotations

import polars as pl

from engine.importing.problems import problem_rows
from engine.importing.raw import ROW
from engine.importing.sources import STAGE_MAPS, STATUS_WORDS, normalise

UNKNOWN_STAGE = "import.problem.unknown_stage"  # the Import page asks what each such stage means


def derived_id(expr: pl.Expr) -> pl.Expr:
    """A stable id from a name, for exports without record ids: 'name:' + the normalised name."""
    return pl.lit("name:") + expr.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")


def _required_value(frame: pl.DataFrame, field: str, header: str, when: pl.Expr | None = None) -> pl.DataFrame:
    bad = pl.col(field).is_null() & (pl.lit(True) if when is None else when)
    return problem_rows(frame, bad, header, None, "import.problem.required")


def _id_or_name(frame: pl.DataFrame, id_field: str, name_field: str, header_of: dict[str, str]) -> tuple[pl.DataFrame, list]:
    if frame[id_field].null_count():
        frame = frame.with_columns(pl.coalesce(pl.col(id_field), derived_id(pl.col(name_field))).alias(id_field))
    header = header_of.get(name_field) or header_of.get(id_field, name_field)
    return frame, [_required_value(frame, id_field, header)]


def _check_accounts(frame, raw, header_of, source, stages):
    frame, problems = _id_or_name(frame, "account_id", "name", header_of)
    frame = frame.with_columns(pl.coalesce("name", "account_id").alias("name"),
                               pl.col("employees").round(0).cast(pl.Int64), pl.col("founded_year").cast(pl.Int32))
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
        UNKNOWN_STAGE))
    closed = pl.col("status").is_in(["won", "lost"])
    problems.append(_required_value(frame, "amount", header_of["amount"], pl.col("status") == "won"))
    if "close_date" in header_of:
        problems.append(_required_value(frame, "close_date", header_of["close_date"], closed))
    else:
        problems.append(problem_rows(frame, closed, "close_date", None,
                                     "import.problem.close_date_unmapped"))
    if "probability" in header_of:
        problems.append(problem_rows(frame, ~pl.col("probability").is_between(0, 1), header_of["probability"],
                                     pl.col("probability") * 100, "import.problem.probability"))
    if "exchange_rate" in header_of:
        problems.append(problem_rows(frame, pl.col("exchange_rate") <= 0, header_of["exchange_rate"],
                                     pl.col("exchange_rate"), "import.problem.exchange_rate"))
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
    # Salesforce's WhatId points at an account (prefix 001) or an opportunity (006); its WhoId at a
    # contact (003) or a lead (00Q): the follow-up of a lead.
    related = pl.col("related_id")
    frame = frame.with_columns(
        pl.coalesce("lead_id", pl.when(pl.col("who_id").str.starts_with("00Q")).then(pl.col("who_id"))).alias("lead_id"),
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
                                     "import.problem.scope"))
    keys = frame.select(ROW, "scope", "scope_id", "period_start").with_columns(
        pl.col(ROW).first().over("scope", "scope_id", "period_start").alias("_first"))
    problems.append(problem_rows(keys, pl.col(ROW) != pl.col("_first"), header_of["period_start"],
                                 pl.col("period_start"),
                                 "import.problem.target_twice", row=pl.col("_first")))
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
                                 pl.col("currency"), "import.problem.currency_code"))
    problems.append(problem_rows(frame, pl.col("rate_to_reporting") <= 0, header_of["rate_to_reporting"],
                                 pl.col("rate_to_reporting"), "import.problem.rate"))
    keys = frame.with_columns(pl.col(ROW).first().over("currency", "valid_from").alias("_first"))
    problems.append(problem_rows(keys, pl.col(ROW) != pl.col("_first"), header_of["valid_from"],
                                 pl.col("valid_from"), "import.problem.rate_twice",
                                 row=pl.col("_first")))
    return frame, problems


ENTITY_CHECKS = {"accounts": _check_accounts, "deals": _check_deals, "reps": _check_reps,
                  "activities": _check_activities, "targets": _check_targets,
                  "territories": _check_territories, "fx_rates": _check_fx_rates}
