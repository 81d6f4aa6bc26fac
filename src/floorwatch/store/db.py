"""A DuckDB-backed store with versioned migrations and one-transaction writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from floorwatch.errors import StoreError
from floorwatch.store import votes as _votes
from floorwatch.store.files import file_sha256
from floorwatch.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES, VOTE_STORAGE

__all__ = ["DEFAULT_LOCK_TIMEOUT", "Store", "open_store"]

#: Seconds to wait for another process's lock on the store file before giving up.
DEFAULT_LOCK_TIMEOUT = 60.0


def _wrap_open_error(path: Path, exc: Exception) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(
            f"{path}: the store is locked by another process ({text.splitlines()[0]}). "
            "Wait for the other floorwatch command to finish, or use another --db."
        )
    if "read-only" in text.lower() or "permission" in text.lower():
        return StoreError(f"{path}: cannot write the store: {text.splitlines()[0]}")
    return StoreError(f"{path}: cannot open the store: {text.splitlines()[0]}")


class Store:
    """An open floorwatch store.

    Use :func:`floorwatch.open` rather than the constructor. This is the store's whole
    interface: the layers above hand it SQL text (with bound parameters) and get back a pandas
    DataFrame (:meth:`query`), an Arrow table (:meth:`arrow`), NumPy columns (:meth:`numpy`),
    dicts (:meth:`records`), tuples (:meth:`rows`) or one value (:meth:`scalar`); they make a
    DataFrame or Arrow table visible to SQL with :meth:`register`, and write with
    :meth:`execute` inside :meth:`transaction`, so that an ingest is all or nothing. The
    DuckDB connection is private; CSV files are read by :mod:`floorwatch.store.csvread`.

    Parameters
    ----------
    path:
        The DuckDB file, or ``":memory:"``.
    read_only:
        Open without write access (the web dashboard does). A read-only store must already
        exist at the current schema version.
    lock_timeout:
        Seconds to wait while another process holds the file before failing.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.read_only = read_only
        if read_only and str(path) != ":memory:" and not self.path.exists():
            raise StoreError(
                f"{self.path}: no store there. Create one with `floorwatch ingest ...` or "
                "`floorwatch demo`, or point --db / FLOORWATCH_DB at an existing file."
            )
        if not read_only and str(path) != ":memory:":
            parent = self.path.parent
            if not parent.exists():
                raise StoreError(f"{self.path}: the folder {parent} does not exist.")
        self._con = self._connect(str(path), read_only, lock_timeout)
        self._in_tx = False
        self._migrate()

    def _connect(
        self, path: str, read_only: bool, lock_timeout: float
    ) -> duckdb.DuckDBPyConnection:
        """Connect, waiting up to ``lock_timeout`` seconds while another process holds the
        file (the dashboard briefly, while it builds a page)."""
        import time

        deadline = time.monotonic() + lock_timeout
        delay = 0.05
        while True:
            try:
                return duckdb.connect(path, read_only=read_only)
            except duckdb.Error as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    raise _wrap_open_error(self.path, exc) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    # -- schema -------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        try:
            row = self._con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store has schema version {version}, newer than this "
                f"floorwatch understands ({SCHEMA_VERSION}). Upgrade floorwatch."
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(
                f"{self.path}: the store has schema version {version}, older than "
                f"{SCHEMA_VERSION}. Open it once for writing (any `floorwatch ingest` or "
                "`floorwatch info`) to migrate it."
            )
        try:
            self._con.execute("BEGIN TRANSACTION")
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
            )
            for number, description, sql in MIGRATIONS:
                if number <= version:
                    continue
                self._con.execute(sql)
                self._con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [number, description, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )
            self._con.execute("COMMIT")
        except duckdb.Error as exc:
            self._con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: migration failed: {exc}") from exc

    # -- reading ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read query and return a pandas DataFrame."""
        return self._con.execute(sql, params or []).df()

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        """Run a read query and return an Arrow table."""
        relation = self._con.sql(sql, params=params) if params else self._con.sql(sql)
        # ``to_arrow_table`` since DuckDB 1.4 (which may give a batch reader), ``arrow`` before.
        name = "to_arrow_table" if hasattr(relation, "to_arrow_table") else "arrow"
        table = getattr(relation, name)()
        if isinstance(table, pa.RecordBatchReader):
            table = table.read_all()
        return table

    def numpy(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run a read query and return its columns as NumPy arrays (fast for big results)."""
        return self._con.execute(sql, params or []).fetchnumpy()

    def records(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict]:
        """Run a read query and return a list of dicts (column name -> value)."""
        cur = self._con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def rows(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a read query and return its rows as tuples (column order of the query)."""
        return self._con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run a read query and return the first column of its first row (None if no row)."""
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def column_types(self, table: str) -> dict[str, str]:
        """Column name -> SQL type name (e.g. ``VARCHAR``, ``DATE``) of a table, in the
        table's column order."""
        return {r[0]: r[1] for r in self.rows(f"DESCRIBE {table}")}

    def counts(self) -> dict[str, int]:
        """Rows per data table, in :data:`TABLES` order."""
        out = {}
        for table in (*TABLES, *self.extra_tables()):
            out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
        return out

    def scoped(self, legislature: str) -> Store:
        """The store as seen by work on one legislature: the file itself (DuckDB reads one
        legislature's votes by the statement's own filter)."""
        return self

    def extra_tables(self) -> list[str]:
        """Tables in the file beyond :data:`TABLES` and the store's bookkeeping (none in a
        store that only floorwatch has written)."""
        names = self.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        skip = {*TABLES, *VOTE_STORAGE, "schema_version", "ingest_log"}
        return [n for (n,) in names if n not in skip and not n.startswith("_")]

    # -- writing ------------------------------------------------------------------------
    def require_writable(self) -> None:
        """Raise :class:`StoreError` if the store is open read-only (an importer that reads
        its files before its transaction asks first)."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only.")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside the block commit together, or not at all."""
        self.require_writable()
        if self._in_tx:  # nested: join the outer transaction
            yield self
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            with contextlib.suppress(duckdb.Error):
                self._con.execute("ROLLBACK")
            raise
        try:
            self._con.execute("COMMIT")
        except duckdb.Error as exc:
            self._in_tx = False
            with contextlib.suppress(duckdb.Error):
                self._con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: could not commit: {exc}") from exc
        self._in_tx = False

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        """Run a statement that returns nothing (a write, a temporary table)."""
        self._con.execute(sql, params or []).fetchall()

    # Votes are written through these (the ``vote`` view is read-only): see store/votes.py.
    def insert_votes(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        _votes.insert_votes(self, sql, params)

    def delete_votes(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        _votes.delete_votes(self, sql, params)

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None:
        """Make a DataFrame or Arrow table visible to SQL as ``name`` (a temporary view)."""
        self._con.register(name, frame)

    def unregister(self, name: str) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.unregister(name)

    def drop_temp(self, *names: str) -> None:
        """Drop temporary tables (those that exist)."""
        for name in names:
            self._con.execute(f"DROP TABLE IF EXISTS {name}")

    def log_ingest(self, kind: str, file: str | os.PathLike[str], rows: int) -> None:
        """Record in ``ingest_log`` that ``rows`` rows of ``file`` (with its SHA-256) were
        loaded as ``kind``."""
        digest = file_sha256(file)
        self._con.execute(
            "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?)",
            [kind, str(file), digest, rows, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )

    def raw_connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself: for tests and tools that check the engine below
        the store's interface (a cursor of their own, ``PRAGMA`` settings). floorwatch's
        own code outside ``floorwatch.store`` never uses it: it speaks through the methods
        above, so that another engine can stand behind them."""
        return self._con

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<floorwatch.Store {self.path} schema={self.schema_version}>"


def open_store(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    engine: str | None = None,
) -> Store:
    """Open (creating and migrating if needed) the store at ``path``.

    ``path`` defaults to ``$FLOORWATCH_DB`` or ``./floorwatch.duckdb``. While another process
    holds the file, wait up to ``lock_timeout`` seconds for it. A folder written by ``export
    --format parquet``, or any ``engine`` but ``duckdb`` (``spark``), opens a read-only
    :class:`~floorwatch.store.engine.EngineStore` instead (see :mod:`floorwatch.store.engine`).
    """
    from floorwatch.settings import resolve_db_path

    target = resolve_db_path(path) if path != ":memory:" else ":memory:"
    if engine not in (None, "duckdb") or (target != ":memory:" and Path(target).is_dir()):
        from floorwatch.store.engine import open_engine_store

        return open_engine_store(target, engine or "duckdb")  # type: ignore[return-value]
    return Store(target, read_only=read_only, lock_timeout=lock_timeout)
