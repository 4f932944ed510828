"""The limits of what one import reads, from the settings (docs/importing-limits.md).

Every file is read and checked in a worker process held to `worker_memory_mb` and
`worker_seconds`; before that, a file above `max_file_mb`, a workbook that would inflate past
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

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(**{limit: getattr(settings, name) for limit, name in SETTING_OF.items()})
