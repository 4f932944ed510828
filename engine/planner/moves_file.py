"""Read a moves CSV (DESIGN's interface) into planner moves, reporting every bad cell at once.

Rows are either `account_id, to_territory[, to_rep]` or `unit, value, to_territory[, to_rep]`
(unit = postal_code, city, state or country); both kinds may share one file. Territories and reps
may be given by id or name (reps also by e-mail). Consecutive account rows with the same target
become one move, so a file of 50,000 accounts is a handful of moves, not 50,000.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from engine.store.errors import ImportFailed, NotFoundError, ProblemList, TerrainError
from engine.planner.baseline import Baseline
from engine.planner.moves import UNITS, Move, rep_code_of, select_unit, territory_code_of


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise TerrainError(f"The moves file {path} does not exist.", hint="Check the path given to --moves.")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TerrainError(f"The moves file {path} is not text.")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t|") if text.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    return headers, rows


def read_moves(path: str | Path, baseline: Baseline) -> list[Move]:
    """The moves of a CSV file, in file order. Raises ImportFailed listing every problem (file,
    row — the header is row 1 — column, value, reason) when any cell is not understood."""
    path = Path(path)
    headers, rows = _read_rows(path)
    problems = ProblemList()
    name = path.name
    if "to_territory" not in headers and "to_rep" not in headers:
        problems.add(name, 1, "to_territory", None, "the file needs a to_territory or a to_rep column")
    if "account_id" not in headers and not {"unit", "value"} <= set(headers):
        problems.add(name, 1, "account_id", None, "the file needs an account_id column, or unit and value columns")
    if problems:
        raise ImportFailed(f"The moves file {name} has the wrong columns: {', '.join(headers) or 'none'}.",
                           problems.items, hint="Columns: account_id, to_territory[, to_rep] or unit, value, to_territory[, to_rep].")
    moves: list[Move] = []
    batch: list[str] = []
    batch_target: tuple | None = None
    seen: dict[str, int] = {}

    def flush() -> None:
        nonlocal batch, batch_target
        if batch:
            moves.append(Move(accounts=tuple(batch), to_territory=batch_target[0], to_rep=batch_target[1]))
        batch, batch_target = [], None

    account_ids = [row.get("account_id", "") for row in rows if row.get("account_id")]
    _, unknown = baseline.indices_of(account_ids)
    unknown_ids = set(unknown)
    for number, row in enumerate(rows, start=2):
        to_territory = row.get("to_territory") or None
        to_rep = row.get("to_rep") or None
        ok = True
        if to_territory is None and to_rep is None:
            problems.add(name, number, "to_territory", "", "give a territory, a rep, or both")
            ok = False
        for column, value, lookup in (("to_territory", to_territory, territory_code_of), ("to_rep", to_rep, rep_code_of)):
            if value is not None:
                try:
                    lookup(baseline, value)
                except NotFoundError as error:
                    problems.add(name, number, column, value, error.message)
                    ok = False
        account_id = row.get("account_id", "")
        if account_id:
            if account_id in unknown_ids:
                problems.add(name, number, "account_id", account_id, "no account has this id")
                ok = False
            elif account_id in seen:
                problems.add(name, number, "account_id", account_id, f"the account is moved twice (also row {seen[account_id]})")
                ok = False
            seen.setdefault(account_id, number)
            if ok:
                if (to_territory, to_rep) != batch_target:
                    flush()
                    batch_target = (to_territory, to_rep)
                batch.append(account_id)
            continue
        unit, value = row.get("unit", "").lower(), row.get("value", "")
        if unit not in UNITS:
            problems.add(name, number, "unit", unit, f"use one of {', '.join(UNITS)} (or give an account_id)")
            continue
        if not value:
            problems.add(name, number, "value", value, f"give the {unit} to move")
            continue
        if select_unit(baseline, unit, value).size == 0:
            problems.add(name, number, "value", value, f"no account has {unit} '{value}'")
            continue
        if ok:
            flush()
            moves.append(Move(unit=unit, value=value, to_territory=to_territory, to_rep=to_rep))
    flush()
    if problems:
        raise ImportFailed(f"The moves file {name} has {len(problems)} problem(s); nothing was computed.",
                           problems.items, hint="Fix the rows listed and run again.")
    return moves
