"""Rules travel as CSV, and copy from one region to another.

The file has the columns `territory, priority, expression` (DESIGN.md's contract), the territory
given by id or by name, and may add `kind` (account, override, deal), `active` (true/false),
`rule_id`, `name` and `territory_name` (written on export for people, ignored on import). Every
problem is reported at once with its row (as a spreadsheet counts it, the header being row 1)
and column; a file with any problem loads nothing.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from engine.store.errors import TerrainError
from engine.territories.hierarchy import build_hierarchy
from engine.territories.rules import RULE_SCHEMA, RuleProblem, RulesRefused, check_rules, normalise, with_ids
from engine.store.exports import csv_text

REQUIRED = ("territory", "priority", "expression")
OPTIONAL = ("kind", "active", "rule_id", "name", "territory_name")
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


class RulesFileError(RulesRefused):
    title = "The rules file was refused"


def read_rules_csv(source: str | Path | bytes, territories: pl.DataFrame, *, file_name: str | None = None
                   ) -> pl.DataFrame:
    """The rules of a CSV file (path or bytes), checked: RulesFileError lists every problem."""
    name = file_name or (Path(source).name if not isinstance(source, bytes) else "rules.csv")
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RulesFileError([RuleProblem(name, "-", f"could not be read as UTF-8 CSV ({error})")],
                             hint="Save the rules as CSV (UTF-8) with the columns territory, priority, expression.") \
            from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise RulesFileError([RuleProblem(name, "-", "the file is empty")],
                             hint="The first line names the columns: territory, priority, expression.")
    header, body = rows[0], rows[1:]
    ragged = [RuleProblem(f"{name} row {n + 2}", "-", f"has {len(r)} cells but the header has {len(header)}: put an "
                          "expression that contains commas in double quotes") for n, r in enumerate(body)
              if len(r) != len(header)]
    if ragged:
        raise RulesFileError(ragged)
    frame = pl.DataFrame({h: [r[i] for r in body] for i, h in enumerate(header)}, schema={h: pl.String for h in header})
    frame = frame.rename({c: c.strip().lower() for c in frame.columns}).with_columns(  # blank cells are empty
        pl.when(pl.all().str.strip_chars() == "").then(None).otherwise(pl.all()).name.keep())
    missing = [c for c in REQUIRED if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        problems = [RuleProblem(name, c, "this column is missing") for c in missing]
        problems += [RuleProblem(name, c, f"unknown column (allowed: {', '.join(REQUIRED + OPTIONAL)})")
                     for c in unknown]
        raise RulesFileError(problems)
    problems: list[RuleProblem] = []
    ids, active = [], []
    resolve = territory_resolver(territories)
    for row, (territory, flag) in enumerate(zip(frame["territory"], frame["active"] if "active" in frame.columns
                                                else [None] * frame.height)):
        where = f"{name} row {row + 2}"
        resolved, message = resolve(territory)
        if message:
            problems.append(RuleProblem(where, "territory", message, row=row))
        ids.append(resolved)
        folded = (flag or "true").strip().lower()
        if folded not in _TRUE | _FALSE:
            problems.append(RuleProblem(where, "active", f"active must be true or false, got '{flag}'", row=row))
        active.append(folded in _TRUE)
    priorities = frame["priority"].str.strip_chars().cast(pl.Float64, strict=False)
    rules = normalise(frame.drop("territory", "active", "priority", "territory_name", strict=False).with_columns(
        pl.Series("territory_id", ids, dtype=pl.String), pl.Series("active", active),
        pl.when(priorities == priorities.round()).then(priorities).cast(pl.Int64).alias("priority")))
    for problem in check_rules(rules, territories, where=name):
        if problem.column == "territory":
            continue  # already told, with the name as written
        row = problem.row
        where = f"{name} row {row + 2}" if row is not None else problem.where
        if problem.column == "priority":
            problem = RuleProblem(where, "priority", f"priority must be a whole number, got "
                                                     f"'{frame['priority'][row]}'", row=row)
        else:
            problem = RuleProblem(where, problem.column, problem.message,
                                  problem.error.located(where) if problem.error else None, row)
        problems.append(problem)
    if problems:
        raise RulesFileError(sorted(problems, key=lambda p: (p.row is None, p.row or 0)))
    return with_ids(rules)


def territory_resolver(territories: pl.DataFrame):
    """territory id or name (case-insensitive) → (id, None), or (None, what is wrong)."""
    ids = set(territories["territory_id"].to_list())
    by_name: dict[str, list[str]] = {}
    for territory_id, territory_name in territories.select("territory_id", "name").iter_rows():
        by_name.setdefault((territory_name or "").strip().lower(), []).append(territory_id)

    def resolve(value: str | None) -> tuple[str | None, str | None]:
        value = (value or "").strip()
        if value in ids:
            return value, None
        found = by_name.get(value.lower(), [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, f"several territories are named '{value}' ({', '.join(sorted(found))}): give the id"
        return None, f"there is no territory with the id or name '{value}'"
    return resolve


def rules_csv(rules: pl.DataFrame, territories: pl.DataFrame) -> str:
    """The rules as CSV (`territory` = the id, plus `territory_name` for people)."""
    names = territories.select("territory_id", pl.col("name").alias("territory_name"))
    frame = normalise(rules).join(names, on="territory_id", how="left", maintain_order="left")
    # through the one safe writer: a territory or rule name typed as =HYPERLINK(…) stays text in Excel
    return csv_text(frame.select(pl.col("territory_id").alias("territory"), "priority", "expression", "kind", "active",
                                 "rule_id", "name", "territory_name"))


def copy_rules(rules: pl.DataFrame, territories: pl.DataFrame, source: str, target: str) -> pl.DataFrame:
    """`rules` plus a copy of every rule of the `source` region's subtree for the `target` region:
    a rule on `source` goes to `target`, a rule on a territory below `source` to the territory at
    the same path of names below `target`. Copies get new ids; their expressions are unchanged, to
    be edited (e.g. the country). Refused, listing them, when some territory has no counterpart."""
    tree = build_hierarchy(territories)
    for region in (source, target):
        tree.node_of(region)  # NotFoundError names an unknown region
    if tree.is_below(tree.node_of(target), tree.node_of(source)) or tree.is_below(tree.node_of(source),
                                                                                   tree.node_of(target)):
        raise TerrainError("Rules can only be copied between two separate parts of the tree.",
                           hint="Pick a target region that is neither inside nor above the source.")
    counterpart: dict[str, str] = {}
    source_node, target_node = tree.node_of(source), tree.node_of(target)
    below = tree.subtree(source_node)
    for node in below:
        here = target_node
        for step in tree.path(node)[len(tree.path(source_node)):]:
            wanted = tree.name_of(step).strip().lower()
            here = next((c for c in tree.children(here) if tree.name_of(c).strip().lower() == wanted), None)
            if here is None:
                break
        if here is not None:
            counterpart[tree.id_of(node)] = tree.id_of(here)
    rules = with_ids(normalise(rules))
    copies = rules.filter(pl.col("territory_id").is_in([tree.id_of(n) for n in below]))
    if copies.is_empty():
        raise TerrainError(f"The region {source} has no rules to copy.", hint="Write its rules first.")
    lacking = sorted({tree.name_of(tree.node_of(t)) for t in copies["territory_id"] if t not in counterpart})
    if lacking:
        raise TerrainError(f"No counterpart below {target} for: {', '.join(lacking)}.",
                           hint="Add territories with the same names there first, or copy rule by rule.")
    copied = copies.with_columns(pl.col("territory_id").replace_strict(counterpart, return_dtype=pl.String),
                                 pl.lit(None, dtype=pl.String).alias("rule_id"),
                                 pl.lit(None, dtype=RULE_SCHEMA["created_at"]).alias("created_at"))
    return with_ids(pl.concat([rules, copied]))
