"""Every setting of Terrain, declared once with its help text.

A setting's value comes from its environment variable when set, else its default. The README's
settings table is checked against this list by a test, so a new setting cannot go undocumented.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from engine.store.errors import SettingsError

KM_PER_MILE = 1.609344


def boolean(raw: Any) -> bool:
    """true/false, yes/no, 1/0 (any case) as a bool; anything else is a ValueError."""
    if isinstance(raw, bool):
        return raw
    folded = str(raw).strip().lower()
    if folded in ("true", "yes", "1", "on"):
        return True
    if folded in ("false", "no", "0", "off"):
        return False
    raise ValueError(raw)


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    kind: type = str
    choices: tuple = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("db_path", "TERRAIN_DB", "terrain.duckdb",
            "Path of the DuckDB database file. Built with the demo company when it does not exist or is empty."),
    Setting("read_only", "TERRAIN_READ_ONLY", False,
            "1: open the database read-only, as one of several serving processes reading a published snapshot "
            "(docs/scaling.md); imports, applies and saves then say so instead of writing.", bool),
    Setting("adopt_database", "TERRAIN_ADOPT_DB", False,
            "1 = set Terrain up inside a DuckDB file that holds other tables (never one with a table of Terrain's "
            "names); 0 = refuse any file that is not Terrain's.", bool),
    Setting("reporting_currency", "TERRAIN_CURRENCY", "USD",
            "ISO code of the currency every amount is converted to and shown in."),
    Setting("fiscal_year_start_month", "TERRAIN_FISCAL_START", 1,
            "Month (1-12) in which the fiscal year starts; FY2025 is the fiscal year that ends in 2025.", int),
    Setting("language", "TERRAIN_LANG", "en", "Default UI language: en or zh.", str, ("en", "zh")),
    Setting("attainment_red_below", "TERRAIN_RED_BELOW", 0.7,
            "Attainment below this fraction is shown red.", float),
    Setting("attainment_green_from", "TERRAIN_GREEN_FROM", 1.0,
            "Attainment from this fraction up is shown green (amber in between).", float),
    Setting("win_rate_min_closed", "TERRAIN_WIN_RATE_MIN", 20,
            "A territory with fewer closed deals in the trailing 12 months borrows its parent's win rate.", int),
    Setting("board_rotate_seconds", "TERRAIN_BOARD_ROTATE", 20,
            "Seconds each panel of the morning-meeting board stays on screen.", int),
    Setting("lead_follow_up_hours", "TERRAIN_FOLLOW_UP_HOURS", 48,
            "Hours a new lead may wait for a first follow-up (an activity on the lead, or its status moved on) "
            "before the Health page and the board raise it as an alert.", int),
    Setting("basemap_url", "TERRAIN_BASEMAP", "",
            "Optional map style URL drawn under the maps when reachable; empty = offline shapes only."),
    Setting("distance_unit", "TERRAIN_DISTANCE_UNIT", "mi",
            "Unit of travel distances and of the mileage rate: mi (miles) or km.", str, ("mi", "km")),
    Setting("mileage_rate", "TERRAIN_MILEAGE_RATE", 0.67,
            "Travel cost per distance unit used by the planner, in the reporting currency; the default is "
            "the IRS 2024 business rate of 0.67 per mile.", float),
    Setting("visit_hours", "TERRAIN_VISIT_HOURS", 1.5,
            "Hours of a rep's time one visit takes, for the planner's workload (visits × hours).", float),
    Setting("warm_start", "TERRAIN_WARM_START", 1,
            "1: when the server starts, compute the default period's figures in the background, so the "
            "first visitor does not wait for them; 0: compute them on first use.", int, (0, 1)),
    Setting("memo_idle_minutes", "TERRAIN_MEMO_IDLE_MINUTES", 10,
            "Minutes after which a shared result nobody asked for is let go (the server's memory comes back "
            "down after a busy hour; results that took over a second to compute are kept); 0 = never.", int),
    Setting("run_log", "TERRAIN_RUN_LOG", "",
            "A file the app appends one line to per page run (time, page, wall ms, CPU ms of the script's "
            "thread), the server's own view of page time for bench/bench_load.py; empty = off.", str),
    Setting("keep_crm_territory", "TERRAIN_KEEP_CRM_TERRITORY", True,
            "After an import, keep the territory the CRM export gives an account; false = the assignment "
            "rules route every imported account (accounts without a territory are routed either way).", boolean),
    Setting("users_file", "TERRAIN_USERS", "",
            "Path of the users file (roles, territories, password hashes); empty = <database>.users.json "
            "beside the database. While it does not exist, sign-in is off (single-user local mode)."),
    Setting("session_idle_minutes", "TERRAIN_SESSION_IDLE", 30,
            "Minutes without any click after which a signed-in session ends (0 = never).", int),
    # Limits of what an import reads (docs/importing-limits.md); each refusal names the file and the setting.
    Setting("max_upload_mb", "TERRAIN_MAX_UPLOAD_MB", 2048,
            "Largest file an import accepts, in MB (the Import page's upload limit; keep "
            ".streamlit/config.toml server.maxUploadSize equal).", int),
    Setting("max_workbook_mb", "TERRAIN_MAX_WORKBOOK_MB", 1024,
            "Most an .xlsx workbook may inflate to (all its sheets and shared strings unzipped), in MB.", int),
    Setting("max_zip_ratio", "TERRAIN_MAX_ZIP_RATIO", 200,
            "Largest compression ratio of a big (over 16 MB unzipped) workbook member; more looks like a zip bomb.",
            int),
    Setting("max_sheet_cells", "TERRAIN_MAX_SHEET_CELLS", 50_000_000,
            "Most cells a workbook sheet may declare (its dimension, rows × columns), checked before reading.", int),
    Setting("max_columns", "TERRAIN_MAX_COLUMNS", 2000, "Most columns a file or sheet may have.", int),
    Setting("max_cell_chars", "TERRAIN_MAX_CELL_CHARS", 131_072,
            "Longest cell an import accepts, in characters (Salesforce's long text area holds 131,072).", int),
    Setting("import_worker_mb", "TERRAIN_IMPORT_WORKER_MB", 8192,
            "Memory limit of the worker process that reads and checks each imported file, in MB.", int),
    Setting("import_worker_seconds", "TERRAIN_IMPORT_WORKER_SECONDS", 1800,
            "Time limit of the worker process that reads and checks each imported file, in seconds.", int),
    Setting("import_in_process_mb", "TERRAIN_IMPORT_IN_PROCESS_MB", 16,
            "On the command line, CSV and Parquet files of at least this many MB are checked in the command's own "
            "process, not the worker (saves copying their rows between processes); 0 = always the worker. "
            "The app always uses the worker.", int),
)


@dataclass(frozen=True)
class Settings:
    db_path: str
    read_only: bool
    adopt_database: bool
    reporting_currency: str
    fiscal_year_start_month: int
    language: str
    attainment_red_below: float
    attainment_green_from: float
    win_rate_min_closed: int
    board_rotate_seconds: int
    lead_follow_up_hours: int
    basemap_url: str
    distance_unit: str
    mileage_rate: float
    visit_hours: float
    warm_start: int
    memo_idle_minutes: int
    run_log: str
    keep_crm_territory: bool
    users_file: str
    session_idle_minutes: int
    max_upload_mb: int
    max_workbook_mb: int
    max_zip_ratio: int
    max_sheet_cells: int
    max_columns: int
    max_cell_chars: int
    import_worker_mb: int
    import_worker_seconds: int
    import_in_process_mb: int

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def mileage_rate_per_km(self) -> float:
        """The mileage rate per km, whatever unit it is set in (distances are computed in km)."""
        return self.mileage_rate / KM_PER_MILE if self.distance_unit == "mi" else self.mileage_rate


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _convert(setting: Setting, raw: Any) -> Any:
    if setting.kind is bool and not isinstance(raw, bool):  # bool("0") would be True
        text = str(raw).strip().lower()
        if text not in _TRUE + _FALSE:
            raise SettingsError(f"Setting {setting.env}={raw!r} must be 1 or 0.", hint=setting.help)
        return text in _TRUE
    try:
        value = setting.kind(raw)
    except (TypeError, ValueError):
        raise SettingsError(
            f"Setting {setting.env}={raw!r} is not a valid {setting.kind.__name__}.",
            hint=f"{setting.help} Default: {setting.default!r}.",
        ) from None
    if setting.choices and value not in setting.choices:
        raise SettingsError(f"Setting {setting.env}={raw!r} must be one of {', '.join(setting.choices)}.")
    if setting.name == "fiscal_year_start_month" and not 1 <= value <= 12:
        raise SettingsError(f"Setting {setting.env}={raw!r} must be a month number from 1 to 12.")
    if setting.name == "reporting_currency":
        value = value.strip().upper()
    return value


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the environment (or `environ`), then explicit overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = overrides.get(setting.name)
        if raw is None:
            raw = environ.get(setting.env, setting.default)
        values[setting.name] = _convert(setting, raw)
    return Settings(**values)


assert {f.name for f in fields(Settings)} == {s.name for s in SETTINGS}
