"""The limits of what one import reads, from the settings (docs/importing-limits.md).

Every file is read and checked in a worker process held to `worker_memory_mb` and
`worker_seconds` — except, on the command line, text and Parquet files of `in_process_mb` or more,
which are checked in the command's own process (a crash there ends only the command, and copying
millions of checked rows between processes would cost a fifth of the import); before that, a file above `max_file_mb`, a workbook that would inflate past
`max_workbook_mb` (or looks like a zip bomb) or declares more than `max_sheet_cells` cells, a
table wider than `max_columns` and a cell longer than `max_cell_chars` are refused by name.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.store.settings import SETTINGS, Settings

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
# Setting behind each limit, so that a refusal can say which one to raise.
SETTING_OF = {"max_file_mb": "max_upload_mb", "max_workbook_mb": "max_workbook_mb",
              "max_zip_ratio": "max_zip_ratio", "max_sheet_cells": "max_sheet_cells",
              "max_columns": "max_columns", "max_cell_chars": "max_cell_chars",
              "worker_memory_mb": "import_worker_mb", "worker_seconds": "import_worker_seconds"}
ENV_OF = {limit: next(s.env for s in SETTINGS if s.name == name) for limit, name in SETTING_OF.items()}


@dataclass(frozen=True)
class Limits:
    max_file_mb: int = _DEFAULTS["max_upload_mb"]
    max_workbook_mb: int = _DEFAULTS["max_workbook_mb"]
    max_zip_ratio: int = _DEFAULTS["max_zip_ratio"]
    max_sheet_cells: int = _DEFAULTS["max_sheet_cells"]
    max_columns: int = _DEFAULTS["max_columns"]
    max_cell_chars: int = _DEFAULTS["max_cell_chars"]
    worker_memory_mb: int = _DEFAULTS["import_worker_mb"]
    worker_seconds: float = _DEFAULTS["import_worker_seconds"]
    in_process_mb: int = 0  # 0: every file in the worker (the app); the CLI sets it from its setting

    @classmethod
    def from_settings(cls, settings: Settings, *, command_line: bool = False) -> "Limits":
        limits = {limit: getattr(settings, name) for limit, name in SETTING_OF.items()}
        return cls(**limits, in_process_mb=settings.import_in_process_mb if command_line else 0)

    def in_process(self, size: int, head: bytes) -> bool:
        """Whether a file of `size` bytes starting with `head` is read and checked in this process."""
        return bool(self.in_process_mb) and size >= self.in_process_mb << 20 and not head.startswith(b"PK\x03\x04")
