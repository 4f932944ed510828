"""One error hierarchy for Terrain.

Every failure a user can cause is a `TerrainError` whose message says what happened, where
(file, row, column when there is one) and what to do. Pages show `str(error)` with `st.error`,
the CLI prints it and exits non-zero; neither ever shows a traceback for these.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class TerrainError(Exception):
    """Base class: `title` is a short headline, `hint` says what to do about it."""

    title = "Terrain could not do that"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class SettingsError(TerrainError):
    title = "A setting is invalid"


class StoreError(TerrainError):
    title = "The database could not be used"


class DatabaseBusyError(StoreError):
    title = "The database is in use"


class ReadOnlyError(StoreError):
    title = "This server only reads"


class DiskFullError(StoreError):
    title = "The disk is full"


class PeriodError(TerrainError):
    title = "The period is not understood"


class NotFoundError(TerrainError):
    title = "Not found"


@dataclass(frozen=True)
class Problem:
    """One invalid cell or row of an import: where it is and why it was refused."""

    file: str
    row: int | None  # 1-based data row number as a spreadsheet user counts it (header = row 1)
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value '{self.value}')"
        return f"{', '.join(where)}: {self.reason}{shown}"


class ImportFailed(TerrainError):
    """An import was refused; `problems` lists every problem found, not just the first."""

    title = "The import was refused"

    def __init__(self, message: str, problems: list[Problem] | None = None, *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems: list[Problem] = list(problems or [])


@dataclass
class ProblemList:
    """Accumulates problems during validation so that all of them are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str | None, value: object, reason: str) -> None:
        shown = None if value is None else str(value)[:200]
        self.items.append(Problem(file, row, column, shown, reason))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)
