"""An import before it runs: every file read, its source and entity detected, its mapping proposed.

The plan is what the Import page shows and lets the user correct (entity, mapping) and what the
CLI prints; `load.run_import` executes it. Reading is lazy, so planning a 1 GB export costs one
pass for the ragged-row and encoding checks, not a load into memory. Unsupported exports (e.g. a
Salesforce Campaign file) are refused with a message instead of being loaded as accounts by
accident. Files are read side by side, each in the import worker.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from engine.store.errors import Problem, TerrainError
from engine.importing import encodings
from engine.importing.fields import ENTITIES, LOAD_ORDER
from engine.importing.limits import Limits
from engine.importing.mapping import mapping_dict, suggest_mapping
from engine.importing.notes import Note
from engine.importing.raw import RawTable, TempFiles
from engine.importing.readers import read_tables
from engine.importing.sources import SOURCES, detect, normalise
from engine.importing.target_periods import TargetSplit, period_headers
from engine.importing.validate import missing_columns

UNKNOWN = "unknown"
# Exports Terrain does not import: headers that give them away.
# (Leads and contacts were refused here until they became entities of their own.)
_UNSUPPORTED = {
    "cases": ({"casenumber", "origin"}, {"casenumber", "priority"}),
    "campaigns": ({"numberofleads", "numberofcontacts"}, {"numberofleads", "budgetedcost"}),
}


@dataclass
class FilePlan:
    """One table of the import: what it is, and how its columns map."""

    table: RawTable
    source: str
    entity: str
    mapping: pl.DataFrame  # see mapping.suggest_mapping

    @property
    def file_name(self) -> str:
        return self.table.file_name

    @property
    def columns(self) -> dict[str, str]:
        return mapping_dict(self.mapping)

    def blocking_problems(self) -> list[Problem]:
        """Problems that stop this file from loading at all (unreadable, unknown entity, a required
        column not mapped)."""
        name = self.file_name
        problems = [p for p in self.table.problems if self.table.frame is None]
        if problems:
            return problems
        if self.entity == UNKNOWN:
            return [Problem(name, 1, None, None, Note("import.problem.unknown_entity"))]
        return [Problem(name, 1, need[0], None, Note("import.problem.missing_column", fields=" or ".join(need),
                                                     fields_zh="或".join(need), field=need[0]))
                for need in missing_columns(self.entity, self.columns)]


@dataclass
class ImportPlan:
    files: list[FilePlan] = field(default_factory=list)
    temp: TempFiles = field(default_factory=TempFiles)
    target_split: TargetSplit = field(default_factory=TargetSplit)  # quarters/years of target sheets → months
    limits: Limits = field(default_factory=Limits)

    def reread(self, index: int, encoding: str) -> None:
        """Read a delimited file again in `encoding` (the user's choice over the detected one);
        its source, entity and mapping are proposed again from what it now says."""
        current = self.files[index]
        path = current.table.source_path
        if path is None or not current.table.text:
            raise TerrainError(f"{current.file_name} is not a text file: it has no encoding to choose.")
        try:
            encoding = encodings.normalise_name(encoding)
        except ValueError:
            raise TerrainError(f"Unknown encoding '{encoding}'.",
                               hint=f"Use one of {', '.join(encodings.CHOICES)}.") from None
        table = read_tables(path, self.temp, current.file_name, limits=self.limits, encoding=encoding)[0]
        self.files[index] = _plan_table(table, "auto", "auto", None)

    def ordered(self) -> list[FilePlan]:
        """Files in load order: rates, territories, reps, accounts, deals, activities, targets."""
        return sorted(self.files, key=lambda f: LOAD_ORDER.get(f.entity, len(LOAD_ORDER)))

    def remap(self, index: int, *, entity: str | None = None, source: str | None = None,
              overrides: dict[str, str] | None = None) -> None:
        """Change a file's entity/source and/or column overrides; the mapping is proposed again."""
        current = self.files[index]
        entity = entity or current.entity
        source = source or current.source
        if entity == UNKNOWN:
            self.files[index] = replace(current, entity=entity, source=source)
            return
        mapping = suggest_mapping(current.table.headers, source, entity, overrides, sample_of(current.table))
        self.files[index] = replace(current, entity=entity, source=source, mapping=mapping)

    def close(self) -> None:
        self.temp.cleanup()


SAMPLE_ROWS = 200  # first rows whose values the mapping looks at


def sample_of(table: RawTable) -> pl.DataFrame | None:
    """The first rows of a table as text, for the mapping to look at (None when unreadable)."""
    if table.frame is None:
        return None
    try:
        return table.first_rows(table.headers, SAMPLE_ROWS)
    except pl.exceptions.PolarsError:  # the full read reports what is wrong with the file
        return None


def unsupported_kind(headers: list[str]) -> str | None:
    keys = {normalise(h) for h in headers}
    for kind, patterns in _UNSUPPORTED.items():
        if any(pattern <= keys for pattern in patterns):
            return kind
    return None


def plan_files(files: list[Path | tuple[str, Path]], *, source: str = "auto", entity: str = "auto",
               overrides: dict[str, str] | None = None, limits: Limits | None = None,
               encoding: str | None = None, temp: TempFiles | None = None) -> ImportPlan:
    """Read and detect every file. `files` are paths, or (display name, path) pairs for uploads;
    `encoding` forces the encoding of every text file; `temp` is the import's temporary folder
    when the caller already made it (the Import page writes the uploads into it)."""
    if source not in ("auto", *SOURCES):
        raise TerrainError(f"Unknown source '{source}'.", hint=f"Use auto or one of {', '.join(SOURCES)}.")
    if entity not in ("auto", *ENTITIES):
        raise TerrainError(f"Unknown entity '{entity}'.", hint=f"Use auto or one of {', '.join(ENTITIES)}.")
    if encoding:
        try:
            encoding = encodings.normalise_name(encoding)
        except ValueError:
            raise TerrainError(f"Unknown encoding '{encoding}'.",
                               hint=f"Use one of {', '.join(encodings.CHOICES)}.") from None
    named = []
    for item in files:
        name, path = item if isinstance(item, tuple) else (Path(item).name, Path(item))
        _check_name(str(path))
        _check_name(name)
        if not Path(path).is_file():
            raise TerrainError(f"{path} does not exist or is not a file.", hint="Check the path and try again.")
        named.append((name, Path(path)))
    plan = ImportPlan(temp=temp or TempFiles(), limits=limits or Limits())
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="terrain-read") as reading:
            read = list(reading.map(lambda pair: read_tables(pair[1], plan.temp, pair[0], limits=plan.limits,
                                                             encoding=encoding), named))
    except BaseException:
        plan.close()
        raise
    for tables in read:
        for table in tables:
            plan.files.append(_plan_table(table, source, entity, overrides))
    return plan


def _check_name(name: str) -> None:
    """A file name the system gave as bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise TerrainError(f"The file name '{shown}' is not valid UTF-8 text, so it cannot be read or recorded.",
                           hint="Rename the file with plain letters (e.g. 'cafe.csv') and import it again.") from None


def _plan_table(table: RawTable, source: str, entity: str, overrides: dict[str, str] | None) -> FilePlan:
    if table.frame is None:
        empty = suggest_mapping([], "generic", "accounts")
        return FilePlan(table, source if source != "auto" else "generic", UNKNOWN, empty)
    detection = detect(table.headers, source, entity)
    chosen = detection.entity
    if entity == "auto" and detection.score < 3 and len(period_headers(table.headers)) >= 3:
        # one column per month beside a territory or rep: a wide target sheet
        detection = replace(detection, entity="targets", score=3)
        chosen = "targets"
    if entity == "auto" and (unsupported_kind(table.headers) or detection.score < 2):
        chosen = UNKNOWN
    mapping_entity = chosen if chosen != UNKNOWN else detection.entity
    mapping = suggest_mapping(table.headers, detection.source, mapping_entity,
                              {k: v for k, v in (overrides or {}).items() if k in table.headers}, sample_of(table))
    return FilePlan(table, detection.source, chosen, mapping)
