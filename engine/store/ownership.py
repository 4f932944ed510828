"""Whose database this is: Terrain writes only into its own.

Before the first migration runs on a file, the file is looked at. A new or empty DuckDB file
becomes a Terrain database; one that Terrain made (its `meta` table records a schema version) is
used, after a timestamped copy beside it when a migration is about to change it. Anything else is
refused: a file with someone else's tables (unless Terrain is told to set itself up inside it, the
`TERRAIN_ADOPT_DB` setting, and none of its tables clashes with Terrain's), or one written by a newer
Terrain whose schema this code does not know.
"""
from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from engine.store.errors import StoreError
from engine.store.schema import MIGRATIONS

TERRAIN_TABLES = frozenset(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", " ".join(MIGRATIONS))) | {"meta"}


class NotTerrainDatabaseError(StoreError):
    title = "This database is not Terrain's"


class NewerDatabaseError(StoreError):
    title = "This database is from a newer Terrain"


def _objects(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view a user made in the file, as schema.name (main. left off)."""
    rows = connection.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND database_name = current_database() "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database() ORDER BY 1, 2").fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def _terrain_meta(connection: duckdb.DuckDBPyConnection, objects: list[str]) -> bool:
    """Whether the file's `meta` table has the shape of Terrain's (key, value)."""
    if "meta" not in objects:
        return False
    columns = [r[0] for r in connection.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'meta' "
        "AND database_name = current_database() ORDER BY column_index").fetchall()]
    return columns == ["key", "value"]


def _recorded_version(connection: duckdb.DuckDBPyConnection, objects: list[str]) -> int | None:
    """The schema version in Terrain's `meta` table, None when the file has no such record."""
    if not _terrain_meta(connection, objects):
        return None
    value = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return None if value is None else int(value[0])
    except (TypeError, ValueError):
        return None


def claim(connection: duckdb.DuckDBPyConnection, path: str, *, adopt: bool = False) -> tuple[int, bool]:
    """(the schema version the file holds — 0: Terrain may set it up —, whether the file holds data
    a migration would change, so must be backed up first), or a StoreError saying why Terrain will
    not touch it. Reads only; nothing is written."""
    objects = _objects(connection)
    version = _recorded_version(connection, objects)
    known = len(MIGRATIONS)
    if version is not None and version > known:
        raise NewerDatabaseError(
            f"The database {path} has schema version {version}; this Terrain knows versions up to {known}.",
            hint="Run the newer Terrain that wrote it, or point TERRAIN_DB / --db at another file. Nothing was changed.")
    if version is not None and version >= 1:
        return version, True
    ours = {"meta"} if _terrain_meta(connection, objects) else set()
    foreign = [name for name in objects if name not in ours]
    if not foreign:
        return 0, False  # a new file, or one whose first migration never committed
    shown = ", ".join(foreign[:8]) + (f" and {len(foreign) - 8} more" if len(foreign) > 8 else "")
    if not adopt:
        raise NotTerrainDatabaseError(
            f"The database {path} holds tables that are not Terrain's ({shown}); Terrain did not change it.",
            hint="Point TERRAIN_DB / --db at a Terrain database or a new file, or set TERRAIN_ADOPT_DB=1 to set "
                 "Terrain up inside this one.")
    clash = sorted(TERRAIN_TABLES & set(foreign))
    if clash:
        raise NotTerrainDatabaseError(
            f"The database {path} already has its own table(s) {', '.join(clash)}, which Terrain would need; "
            "Terrain did not change it.",
            hint="Use a new file for Terrain (TERRAIN_DB / --db), or rename those tables first.")
    return 0, True  # adopted: someone else's file, copied before Terrain adds its tables


def back_up(connection: duckdb.DuckDBPyConnection, path: str, version: int) -> Path:
    """Copy the file beside itself before a migration changes it: `<file>.v<version>-<time>.bak`
    (v0: a file of someone else's that Terrain was told to set itself up in)."""
    connection.execute("CHECKPOINT")  # everything in the file itself, nothing left in the WAL
    source = Path(path)
    target = source.with_name(f"{source.name}.v{version}-{datetime.now():%Y%m%d-%H%M%S}.bak")
    try:
        shutil.copy2(source, target)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise StoreError(f"The database {path} needs an upgrade, but its backup could not be written: "
                         f"{error.strerror or error}.",
                         hint=f"Free some space beside {source.name} (it needs a copy's worth) and start again. "
                              "Nothing was changed.") from None
    return target
