"""Which export column feeds which field: known headers, suggestions for unknown ones, profiles.

A header the source's map knows is mapped with confidence 1. Any other header is compared
(difflib ratio on normalised text) with every known header and field name of the entity; the best
match is its suggestion and its ratio the confidence. Suggestions at or above `AUTO_ACCEPT` are
used; weaker ones are only shown, so a column is never silently mapped on a weak guess. The user's
overrides (`--map COLUMN=FIELD`, the Import page's table, a saved profile) always win. When two
columns claim one field the stronger claim keeps it (ties: the source map's order).
"""
from __future__ import annotations

import difflib
import json
from datetime import datetime

import polars as pl

from engine.store.errors import NotFoundError, TerrainError
from engine.importing import parsing
from engine.importing.fields import FIELDS, REQUIRED
from engine.importing.sources import column_map, normalise
from engine.importing.target_periods import period_headers
from engine.store import Session

AUTO_ACCEPT = 0.85
SUGGEST_FROM = 0.6
MAPPING_SCHEMA = {"column": pl.String, "field": pl.String, "suggestion": pl.String,
                  "confidence": pl.Float64, "how": pl.String, "note": pl.String}
READABLE_FROM = 0.5  # an optional column whose sample reads less than this is left unmapped


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """['Deal Value=amount', 'Notes='] → {'Deal Value': 'amount', 'Notes': ''} ('' = ignore)."""
    overrides: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise TerrainError(f"--map expects COLUMN=FIELD, got '{pair}'.",
                               hint="Example: --map 'Deal Value=amount'. Leave FIELD empty to ignore a column.")
        column, field = pair.rsplit("=", 1)
        overrides[column.strip()] = field.strip()
    return overrides


def suggest_mapping(headers: list[str], source: str, entity: str,
                    overrides: dict[str, str] | None = None, sample: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per export column: `column`, `field` (used; null = ignored), `suggestion` (best
    guess even when too weak to use), `confidence` 0..1, `how` (known / suggested / override /
    weak / unknown / duplicate / month: one of a wide target sheet's month columns / year: a
    column of four-digit years moved to the entity's year field / unreadable: an optional column
    whose values cannot be read, left out) and `note` (why, for year and unreadable).

    With a `sample` (the first rows as text) the mapping looks at the values, not only the
    headers: see `_by_values`. The user's overrides are never second-guessed."""
    overrides = overrides or {}
    fields = FIELDS[entity]
    unknown_fields = {f for f in overrides.values() if f and f not in fields}
    if unknown_fields:
        raise TerrainError(
            f"{', '.join(sorted(unknown_fields))} is not a field of {entity}.",
            hint=f"Fields of {entity}: {', '.join(fields)}.")
    known = column_map(source, entity)
    order = {header: index for index, header in enumerate(known)}
    vocabulary = {**{normalise(f): f for f in fields}, **known}
    # A wide target sheet: every month (or quarter) column holds an amount (see target_periods).
    months = period_headers(headers) if entity == "targets" else {}
    rows = []
    for header in headers:
        key = normalise(header)
        if header in overrides:
            field = overrides[header] or None
            rows.append((header, field, field, 1.0, "override", -1))
        elif header in months:
            rows.append((header, "amount", "amount", 1.0, "month", -1))
        elif key in known:
            rows.append((header, known[key], known[key], 1.0, "known", order[key]))
        else:
            best, score = None, 0.0
            for word, field in vocabulary.items():
                ratio = difflib.SequenceMatcher(None, key, word).ratio() if key else 0.0
                if ratio > score:
                    best, score = field, ratio
            if score >= AUTO_ACCEPT:
                rows.append((header, best, best, round(score, 2), "suggested", len(order)))
            elif score >= SUGGEST_FROM:
                rows.append((header, None, best, round(score, 2), "weak", len(order)))
            else:
                rows.append((header, None, None, 0.0, "unknown", len(order)))
    # One column per field: the strongest claim (then the map's order) keeps it.
    ranked = sorted(range(len(rows)), key=lambda i: (-rows[i][3], rows[i][5], i))
    taken: set[str] = set()
    for index in ranked:
        header, field, suggestion, confidence, how, rank = rows[index]
        if field is None or how == "month":
            continue
        if field in taken:
            rows[index] = (header, None, suggestion, confidence, "duplicate", rank)
        taken.add(field)
    notes = _by_values(rows, sample, entity) if sample is not None else {}
    out = []
    for header, field, suggestion, confidence, how, _ in rows:
        if header in notes:
            field, how, note = notes[header]
            out.append((header, field, suggestion if field is None else field, confidence, how, note))
        else:
            out.append((header, field, suggestion, confidence, how, None))
    return pl.DataFrame(out, schema=MAPPING_SCHEMA, orient="row")


def _by_values(rows: list[tuple], sample: pl.DataFrame, entity: str) -> dict[str, tuple[str | None, str, str]]:
    """Mapped columns whose values contradict their field: header → (field, how, note).

    A column of four-digit years mapped to a date goes to the entity's year field (accounts:
    founded_year) when it has one. An optional column most of whose sampled cells its field's
    parser cannot read is left unmapped with the reason, instead of rejecting every row over a
    column the import does not need; a required one stays mapped, so its rows are reported."""
    fields = FIELDS[entity]
    required = {field for need in REQUIRED[entity] for field in need}
    taken = {row[1] for row in rows if row[1]}
    year_fields = [name for name, spec in fields.items() if spec.kind == "year"]
    changes: dict[str, tuple[str | None, str, str]] = {}
    for header, field, _, _, how, _ in rows:
        if not field or how in ("override", "month") or header not in sample.columns:
            continue
        kind, cells = fields[field].kind, sample[header]
        if kind in ("date", "timestamp") and parsing.looks_like_years(cells):
            free = [name for name in year_fields if name not in taken]
            if free:
                taken.add(free[0])
                changes[header] = (free[0], "year", f"holds years such as {_first(cells)}, not dates")
                continue
            if field not in required:
                changes[header] = (None, "unreadable", f"holds years such as {_first(cells)}, not dates: "
                                                       f"left out (map it with --map '{header}=FIELD')")
                continue
        if field in required:
            continue
        share = parsing.readable_share(kind, cells)
        if share < READABLE_FROM:
            changes[header] = (None, "unreadable",
                               f"only {share:.0%} of its first cells read as {field} ({kind}), e.g. "
                               f"'{_first(cells)}': left out (map it with --map '{header}={field}' to see every row)")
    return changes


def _first(cells: pl.Series) -> str:
    text = cells.cast(pl.String).str.strip_chars().drop_nulls()
    text = text.filter(text != "")
    return text[0] if text.len() else ""


def mapping_dict(frame: pl.DataFrame) -> dict[str, str]:
    """export column → field for the rows of a mapping frame whose `field` is set."""
    return {c: f for c, f in frame.select("column", "field").iter_rows() if f}


def save_profile(session: Session, name: str, source: str, entity: str, mapping: dict[str, str]) -> None:
    """Store `mapping` (export column → field) as the named profile (replacing one of that name)."""
    if not name.strip():
        raise TerrainError("A mapping profile needs a name.")
    frame = pl.DataFrame({"name": [name.strip()], "source": [source], "entity": [entity],
                          "mapping": [json.dumps(mapping, ensure_ascii=False, sort_keys=True)],
                          "created_at": [datetime.now()]})
    session.insert_frame("mapping_profiles", frame, upsert=True)


def load_profile(session: Session, name: str) -> tuple[str, str, dict[str, str]]:
    """(source, entity, mapping) of the named profile."""
    rows = session.rows("SELECT source, entity, mapping FROM mapping_profiles WHERE name = ?", [name])
    if not rows:
        known = ", ".join(list_profiles(session)["name"].to_list()) or "none saved yet"
        raise NotFoundError(f"There is no mapping profile called '{name}'.", hint=f"Profiles: {known}.")
    source, entity, mapping = rows[0]
    return source, entity, json.loads(mapping)


def list_profiles(session: Session) -> pl.DataFrame:
    """Saved profiles: name, source, entity, columns (how many are mapped), created_at."""
    frame = session.table("mapping_profiles")
    # Counted in Python over the few saved profiles: no Python callback inside the polars pool.
    columns = pl.Series("columns", [len(json.loads(text)) for text in frame["mapping"].to_list()], dtype=pl.Int64)
    return frame.select("name", "source", "entity", columns, "created_at").sort("name")
