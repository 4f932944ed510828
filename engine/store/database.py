"""The only module that talks to DuckDB.

One connection per process (DuckDB locks the file per process); every query runs on a cursor of
its own and is fetched completely, so Streamlit's threads never share an open result. SQL text is
written here or passed by callers as constants; values always travel as bound parameters, and the
few identifiers that vary (table and column names) go through `quote_ident`.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from engine.store.errors import DatabaseBusyError, ReadOnlyError, StoreError
from engine.store import space
from engine.store.memory import give_back
from engine.store.ownership import back_up, claim
from engine.store.schema import DATA_TABLES, MIGRATIONS, UNINDEXED_KEYS

Params = Sequence[Any] | dict[str, Any] | None
BATCH_ROWS = 1 << 20  # rows per batch of `query_in_batches`: ~1M, a few tens of MB of Arrow at a time


def _hand_strings_as_views(connection: duckdb.DuckDBPyConnection) -> None:
    """Results reach polars with their strings as Arrow string views, which polars takes without
    a copy. With DuckDB's default (offsets + bytes) polars builds views of its own and keeps the
    original buffers alive beside them: 6M deals then held 1.35 GB instead of 0.9 GB (docs/scaling.md)."""
    connection.execute("SET GLOBAL arrow_output_version = '1.5'")
    connection.execute("SET GLOBAL produce_arrow_string_view = true")


def quote_ident(name: str) -> str:
    """Quote a table or column name for SQL text (the one place identifiers enter SQL)."""
    return '"' + name.replace('"', '""') + '"'


class Session:
    """Query methods over one DuckDB cursor; a `Store` and a transaction both offer them."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._bound_cursor = cursor

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._bound_cursor

    def query(self, sql: str, params: Params = None) -> pl.DataFrame:
        """Run a SELECT and return the whole result as a polars frame."""
        frame = self._cursor().sql(sql, params=params).pl()
        give_back()  # the query's hash tables and sorts are freed now: hand their pages back
        return frame

    def execute(self, sql: str, params: Params = None) -> None:
        self._cursor().execute(sql, params)

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self._cursor().execute(sql, params).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: Params = None) -> list[tuple]:
        rows = self._cursor().execute(sql, params).fetchall()
        give_back()
        return rows

    def query_in_batches(self, sql: str, params: Params = None, batch_rows: int = BATCH_ROWS) -> pl.DataFrame:
        """As `query`, for results of millions of rows: read `batch_rows` at a time, so neither
        DuckDB's materialised result nor a whole Arrow copy of it ever exists beside the frame
        (6M deals: docs/scaling.md, **Memory**). The frame comes in chunks of `batch_rows`."""
        cursor = self._cursor()  # kept while the reader runs: it reads through this cursor
        reader = cursor.sql(sql, params=params).to_arrow_reader(batch_rows)
        chunks = [pl.from_arrow(batch) for batch in reader]
        give_back()
        if not chunks:  # no rows: the reader's schema still gives the columns and their types
            return pl.from_arrow(reader.schema.empty_table())
        return pl.concat(chunks, rechunk=False) if len(chunks) > 1 else chunks[0]

    def table(self, name: str, columns: Sequence[str] | None = None, *, in_batches: bool = False) -> pl.DataFrame:
        cols = "*" if not columns else ", ".join(quote_ident(c) for c in columns)
        sql = f"SELECT {cols} FROM {quote_ident(name)}"
        return self.query_in_batches(sql) if in_batches else self.query(sql)

    def count(self, name: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {quote_ident(name)}"))

    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [name])]

    def insert_frame(self, name: str, frame: pl.DataFrame, *, upsert: bool = False) -> int:
        """Insert `frame` into table `name` by column name; with `upsert`, rows whose primary key
        exists replace the stored row's given columns. Returns the number of rows written."""
        if frame.is_empty():
            return 0
        if upsert and name in UNINDEXED_KEYS:  # no PK index to replace by: upsert on the id instead
            return self.upsert_frame(name, frame, UNINDEXED_KEYS[name])
        table_cols = set(self.columns(name))
        unknown = [c for c in frame.columns if c not in table_cols]
        if unknown:
            raise StoreError(f"Table {name} has no column(s) {', '.join(unknown)}.")
        view = f"_terrain_frame_{threading.get_ident()}"
        cols = ", ".join(quote_ident(c) for c in frame.columns)
        cursor = self._cursor()
        space.check_room(cursor, frame)
        cursor.register(view, frame)
        try:
            verb = "INSERT OR REPLACE" if upsert else "INSERT"
            cursor.execute(
                f"{verb} INTO {quote_ident(name)} ({cols}) SELECT {cols} FROM {quote_ident(view)}")
        finally:
            cursor.unregister(view)
        return frame.height

    def upsert_frame(self, name: str, frame: pl.DataFrame, key_columns: Sequence[str], *,
                     keys_checked: bool = False) -> int:
        """Write `frame` into table `name`, replacing the stored rows whose `key_columns` match.

        For tables without a PRIMARY KEY (accounts, deals, activities: a key index made bulk loads
        slow), so it does not rely on one: into an empty table a plain INSERT; when the frame has
        every column of the table, a DELETE of the matching keys then an INSERT; otherwise the
        given columns of matching rows are UPDATEd (the others keep their values, as INSERT OR
        REPLACE does) and the new keys INSERTed. Keys must be unique within `frame` (checked,
        StoreError otherwise, unless the caller has checked them: `keys_checked`, as the importer
        does); call inside a transaction so the delete and insert commit together.
        Returns the number of rows written."""
        if frame.is_empty():
            return 0
        keys = list(key_columns)
        table_cols = self.columns(name)
        unknown = [c for c in frame.columns if c not in table_cols] + [k for k in keys if k not in frame.columns]
        if unknown or not keys:
            raise StoreError(f"Table {name} cannot take column(s) {', '.join(unknown) or '(no key)'} "
                             f"for an upsert by {', '.join(keys) or 'nothing'}.")
        key_expr = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
        # Distinct 64-bit hashes prove distinct keys (fast); only a hash clash needs the exact test.
        if (not keys_checked and frame.select(key_expr.hash().n_unique()).item() < frame.height
                and frame.select(key_expr.is_duplicated().any()).item()):
            raise StoreError(f"The rows written to {name} repeat a key ({', '.join(keys)}).",
                             hint="Each record id may appear once per import.")
        view = f"_terrain_upsert_{threading.get_ident()}"
        target = quote_ident(name)
        cols = ", ".join(quote_ident(c) for c in frame.columns)
        match = " AND ".join(f"{target}.{quote_ident(k)} = {quote_ident(view)}.{quote_ident(k)}" for k in keys)
        cursor = self._cursor()
        space.check_room(cursor, frame)
        # String views travel to DuckDB without a copy (the default export copies every string).
        cursor.register(view, frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            insert = f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {quote_ident(view)}"
            if cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {target} LIMIT 1)").fetchone()[0]:
                if set(frame.columns) == set(table_cols):
                    cursor.execute(f"DELETE FROM {target} USING {quote_ident(view)} WHERE {match}")
                else:
                    given = [c for c in frame.columns if c not in keys]
                    if given:
                        sets = ", ".join(f"{quote_ident(c)} = {quote_ident(view)}.{quote_ident(c)}" for c in given)
                        cursor.execute(f"UPDATE {target} SET {sets} FROM {quote_ident(view)} WHERE {match}")
                    insert += f" WHERE NOT EXISTS (SELECT 1 FROM {target} WHERE {match})"
            cursor.execute(insert)
        finally:
            # After a failed statement the transaction is aborted and unregistering would raise,
            # hiding the real error; the cursor goes with the transaction anyway.
            with suppress(duckdb.Error):
                cursor.unregister(view)
        return frame.height


_known_versions: dict[str, int] = {}


class Store(Session):
    """The Terrain database. Create it with `Store.open(path)`; `":memory:"` for tests."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: str, *, read_only: bool = False) -> None:
        self._connection = connection
        self.path = path
        self.read_only = read_only
        self._write_lock = threading.RLock()
        # Stores of one file in this process share the database (and its version); an in-memory
        # database is its own.
        self._version_key = str(Path(path).resolve()) if path != ":memory:" else f"memory-{id(self)}"
        _known_versions.pop(self._version_key, None)
        _hand_strings_as_views(connection)
        super().__init__(connection)
        self._migrate()

    @classmethod
    def open(cls, path: str | Path, *, adopt: bool = False, read_only: bool = False) -> "Store":
        """Open (or create) the Terrain database at `path`. A file that is not Terrain's, or is from
        a newer Terrain, is refused untouched (engine/store/ownership.py; `adopt` sets Terrain up in
        a file of someone else's); before a migration changes an existing file it is copied beside.
        `read_only` opens an existing, current file for reading only (docs/scaling.md: any number of
        serving processes may read one snapshot; every write then fails with a ReadOnlyError)."""
        path = str(path)
        if read_only and (path == ":memory:" or not Path(path).is_file()):
            raise ReadOnlyError(f"The database {path} does not exist, so it cannot be opened read-only.",
                                hint="Point TERRAIN_DB at a Terrain database the writer has published, "
                                     "or unset TERRAIN_READ_ONLY.")
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            connection = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise DatabaseBusyError(
                    f"The database {path} is open in another process (is the app running?).",
                    hint="Stop that process, or point TERRAIN_DB / --db at another file.") from None
            raise StoreError(f"The database {path} could not be opened: {error}",
                             hint="Check the path and that the file is a Terrain DuckDB database.") from None
        except duckdb.Error as error:
            raise StoreError(f"The database {path} could not be opened: {error}",
                             hint="Check that the file is a Terrain DuckDB database.") from None
        except OSError as error:
            raise StoreError(f"The database {path} could not be opened: {error.strerror or error}.",
                             hint="Check the path, and that Terrain may write in its folder.") from None
        try:
            version, holds_data = claim(connection, path, adopt=adopt and not read_only)
            if read_only and version != len(MIGRATIONS):
                raise ReadOnlyError(
                    f"The database {path} has schema version {version}; this Terrain needs {len(MIGRATIONS)}, "
                    "and a read-only server cannot upgrade it.",
                    hint="Open it once with the writer (without TERRAIN_READ_ONLY), then publish it again.")
            if path != ":memory:" and holds_data and version < len(MIGRATIONS):
                back_up(connection, path, version)
            return cls(connection, path, read_only=read_only)
        except BaseException as error:
            connection.close()
            if isinstance(error, duckdb.Error):
                raise StoreError(f"The database {path} could not be prepared: {error}",
                                 hint="Check that the disk has space and the file is a Terrain database; "
                                      "a failed upgrade leaves the file as it was.") from None
            raise

    # Each call gets a fresh cursor: DuckDB 2.0 refuses concurrent calls on one connection.
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    @contextmanager
    def transaction(self, *, data_changed: bool = True) -> Iterator[Session]:
        """All-or-nothing writes: everything done on the yielded session commits together or not at all.

        `data_changed=False` marks bookkeeping (saving a scenario, a mapping profile) that leaves the
        sales data as it was, so caches keyed on `data_version()` stay valid.
        """
        if self.read_only:
            raise ReadOnlyError(
                f"This Terrain server reads {Path(self.path).name} read-only (TERRAIN_READ_ONLY), so nothing "
                "can be imported, applied or saved here.",
                hint="Make the change on the writing server (or with `python -m engine` against the database "
                     "itself); the readers see it once the writer publishes the new snapshot.")
        with self._write_lock:
            cursor = self._connection.cursor()
            cursor.begin()
            full = False
            try:
                yield Session(cursor)
                # Every committed write moves the data version on, so readers' caches know to reload.
                if data_changed:
                    cursor.execute(
                        "INSERT OR REPLACE INTO meta SELECT 'data_version', "
                        "CAST(coalesce(max(CAST(value AS BIGINT)), 0) + 1 AS VARCHAR) FROM meta WHERE key = 'data_version'")
                cursor.commit()
                if data_changed:
                    _known_versions.pop(self._version_key, None)
            except BaseException as error:
                with suppress(duckdb.Error):  # a failed commit has rolled back already
                    cursor.rollback()
                full = isinstance(error, (duckdb.Error, OSError)) and space.out_of_space(error)
                if not full:
                    raise
            finally:
                cursor.close()
                give_back()  # an import's staging and index work is done: its pages go back
            if full:
                self._give_back_space()
                raise space.disk_full(self.path) from None

    def _give_back_space(self) -> None:
        """After a write that ran out of disk space half-way: reopen the file and let a checkpoint
        truncate the blocks the rolled-back write left (engine/store/space.py). While another thread
        is mid-query DuckDB refuses to close the connection: the new one then shares the open
        database, nothing is given back this time, and no reader is cut off."""
        if self.path == ":memory:":
            return
        with suppress(duckdb.Error):
            self._connection.close()
        try:
            self._connection = duckdb.connect(self.path)
            _hand_strings_as_views(self._connection)
        except duckdb.Error as error:
            raise StoreError(f"The database {self.path} could not be opened again after the disk filled: {error}",
                             hint="Free some space on that disk and start Terrain again; the database is as "
                                  "it was before the failed write.") from None
        with suppress(duckdb.Error, OSError):  # still no room: the file stays as large until the next try
            space.shrink(self._connection, self.path)

    def insert_frame(self, name: str, frame: pl.DataFrame, *, upsert: bool = False) -> int:
        """As Session.insert_frame, in a transaction of its own (so the data version moves on)."""
        with self.transaction() as tx:
            return tx.insert_frame(name, frame, upsert=upsert)

    def upsert_frame(self, name: str, frame: pl.DataFrame, key_columns: Sequence[str]) -> int:
        """As Session.upsert_frame, in a transaction of its own (delete and insert commit together)."""
        with self.transaction() as tx:
            return tx.upsert_frame(name, frame, key_columns)

    def data_version(self) -> int:
        """A number that grows with every committed write: the key for caches of derived data.

        Asked for on every page's every cache lookup, so it is kept in memory: DuckDB lets only one
        process open the file for writing, so every write to it goes through a Store of this
        process, whose commit (`transaction`) forgets the kept number."""
        known = _known_versions.get(self._version_key)
        if known is None:
            known = _known_versions[self._version_key] = int(
                self.scalar("SELECT value FROM meta WHERE key = 'data_version'") or 0)
        return known

    def schema_version(self) -> int:
        return int(self.scalar("SELECT value FROM meta WHERE key = 'schema_version'") or 0)

    def _migrate(self) -> None:
        if self.read_only:
            return  # Store.open checked that the file is current
        self.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        current = self.schema_version()
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.transaction() as tx:
                for statement in filter(str.strip, script.split(";")):
                    tx.execute(statement)
                tx.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])

    def is_empty(self) -> bool:
        """True when no accounts, deals or reps were ever loaded (the app then builds the demo)."""
        return all(self.count(t) == 0 for t in ("accounts", "deals", "reps"))

    def clear_data(self, tx: Session) -> None:
        for table in reversed(DATA_TABLES):
            tx.execute(f"DELETE FROM {quote_ident(table)}")

    def get_meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", [key])

    def set_meta(self, key: str, value: str, tx: Session | None = None) -> None:
        (tx or self).execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
        _known_versions.pop(self._version_key, None)
        self._connection.close()
