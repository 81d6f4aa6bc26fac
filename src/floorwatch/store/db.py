"""A DuckDB-backed store with versioned migrations and one-transaction writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from floorwatch.errors import StoreError
from floorwatch.store import votes as _votes
from floorwatch.store.files import csv_compression, open_text, read_bytes
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

    Use :func:`floorwatch.open` rather than the constructor. Queries return pandas DataFrames
    (:meth:`query`) or Arrow tables (:meth:`arrow`); writes go through :meth:`transaction`,
    so that an ingest is all or nothing.

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
        self.con = self._connect(str(path), read_only, lock_timeout)
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
            row = self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
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
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
            )
            for number, description, sql in MIGRATIONS:
                if number <= version:
                    continue
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [number, description, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: migration failed: {exc}") from exc

    # -- reading ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read query and return a pandas DataFrame."""
        return self.con.execute(sql, params or []).df()

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        """Run a read query and return an Arrow table."""
        relation = self.con.sql(sql, params=params) if params else self.con.sql(sql)
        table = relation.to_arrow_table()
        if isinstance(table, pa.RecordBatchReader):
            table = table.read_all()
        return table

    def numpy(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run a read query and return its columns as NumPy arrays (fast for big results)."""
        return self.con.execute(sql, params or []).fetchnumpy()

    def records(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict]:
        """Run a read query and return a list of dicts (column name -> value)."""
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        """Rows per data table, in :data:`TABLES` order."""
        out = {}
        for table in (*TABLES, *self.extra_tables()):
            out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
        return out

    def extra_tables(self) -> list[str]:
        """Data tables added by later migrations (e.g. claims), beyond :data:`TABLES`."""
        names = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        skip = {*TABLES, *VOTE_STORAGE, "schema_version", "ingest_log"}
        return [n for (n,) in names if n not in skip and not n.startswith("_")]

    # -- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside the block commit together, or not at all."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only.")
        if self._in_tx:  # nested: join the outer transaction
            yield self
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        try:
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self._in_tx = False
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: could not commit: {exc}") from exc
        self._in_tx = False

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        self.con.execute(sql, params or []).fetchall()

    # Votes are written through these (the ``vote`` view is read-only): see store/votes.py.
    def insert_votes(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        _votes.insert_votes(self, sql, params)

    def delete_votes(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        _votes.delete_votes(self, sql, params)

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None:
        """Make a DataFrame or Arrow table visible to SQL as ``name`` (a temporary view)."""
        self.con.register(name, frame)

    def unregister(self, name: str) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.unregister(name)

    def read_csv_text(self, name: str, path: str | os.PathLike[str]) -> list[str]:
        """Load a CSV file into temporary table ``name`` with every column as text.

        The header gives the column names; a first column ``_line`` is added: the file line
        the row came from (the header is line 1). A ragged row or an unterminated quote raises
        :class:`~floorwatch.errors.InputError` naming the line. Returns the column names.
        """
        return self.read_csv_typed(name, path, {}, line=True)

    def read_csv_typed(
        self,
        name: str,
        path: str | os.PathLike[str],
        types: dict[str, str],
        *,
        line: bool = True,
        nullstr: Sequence[str] = ("",),
        keep: Sequence[str] | None = None,
    ) -> list[str]:
        """Load a CSV into temporary table ``name``, converting the columns named in ``types``.

        With ``keep``, only those of its columns that the file has are loaded (the reader then
        skips parsing the others).

        Columns not in ``types`` stay text. A value that does not convert raises
        :class:`~floorwatch.errors.InputError` naming the file, line, column and value. With
        ``line=True`` a first column ``_line`` holds each row's file line (header = line 1).
        Returns the column names from the header.
        """
        header = csv_header(path)
        if not str(path).endswith(".fw-lf.csv") and _has_cr(path):
            # Decide before reading: a failed read aborts the caller's transaction, so a
            # retry after DuckDB's error would fail inside an ingest.
            return self._read_csv_lf(name, path, types, line=line, nullstr=nullstr)
        columns = {h: types.get(h, "VARCHAR") for h in header}
        # DuckDB rounds a decimal read into an integer column ('0.269' -> 0): read whole-number
        # columns as DOUBLE, check that every value is whole and in range, then convert.
        ints = {
            h: t.upper()
            for h, t in columns.items()
            if t.upper() in _INT_RANGES and (keep is None or h in keep)
        }
        # Its CSV reader also takes '2001-01-24x' as a DATE: read dates as text and check.
        dates = [
            h for h, t in columns.items() if t.upper() == "DATE" and (keep is None or h in keep)
        ]
        columns = {
            h: ("DOUBLE" if h in ints else "VARCHAR" if h in dates else t)
            for h, t in columns.items()
        }
        self.con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
        line_col = "(row_number() OVER () + 1)::INTEGER AS _line, " if line else ""
        wanted = "*"
        if keep is not None:
            present = [c for c in keep if c in columns]
            wanted = ", ".join(_ident(c) for c in present) or "*"
        try:
            self.con.execute(
                f"CREATE TEMP TABLE {name} AS SELECT {line_col}{wanted} FROM read_csv(?, "
                "header = true, columns = ?, delim = ',', quote = '\"', escape = '\"', "
                "auto_detect = false, strict_mode = true, null_padding = false, nullstr = ?, "
                "compression = ?)",
                [str(path), columns, list(nullstr), csv_compression(path)],
            ).fetchall()
        except duckdb.Error as exc:
            raise _csv_error(path, exc, len(header), whole=set(ints)) from None
        from floorwatch.errors import InputError

        try:
            if ints:
                self._whole_numbers(name, path, ints, line=line)
            if dates:
                self._dates(name, path, dates, line=line)
        except InputError as exc:
            if line:
                raise
            # Without a _line column the bad row's line is not known (a temporary table's
            # rowids inside a transaction are not row numbers): read again with line numbers,
            # which raises the same error naming the line.
            self.con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
            self.read_csv_typed(name, path, types, line=True, nullstr=nullstr, keep=keep)
            raise exc from None
        if ints or dates:
            self._convert(name, ints, dates)
        return header

    def _convert(self, name: str, ints: dict[str, str], dates: list[str]) -> None:
        """Convert checked DOUBLE columns to their whole-number types and checked text
        columns to DATE, in one statement."""
        casts = [f"CAST({_ident(c)} AS {t}) AS {_ident(c)}" for c, t in ints.items()]
        casts += [f"CAST(trim({_ident(c)}) AS DATE) AS {_ident(c)}" for c in dates]
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * REPLACE ({', '.join(casts)}) "
            f"FROM {name}"
        ).fetchall()

    def _dates(
        self, name: str, path: str | os.PathLike[str], dates: list[str], *, line: bool
    ) -> None:
        """Check that the text columns ``dates`` of ``name`` hold dates written YYYY-MM-DD."""
        bad = {
            c: f"trim({_ident(c)}) NOT SIMILAR TO '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' "
            f"OR TRY_CAST(trim({_ident(c)}) AS DATE) IS NULL"
            for c in dates
        }
        self._first_bad(name, path, bad, "expected a date YYYY-MM-DD", line=line)

    def _whole_numbers(
        self, name: str, path: str | os.PathLike[str], ints: dict[str, str], *, line: bool
    ) -> None:
        """Check that the DOUBLE columns ``ints`` of ``name`` hold whole numbers in the range
        of their type."""
        bad = {}
        for col, typ in ints.items():
            lo, hi = _INT_RANGES[typ]
            q = _ident(col)
            bad[col] = f"isnan({q}) OR isinf({q}) OR {q} <> trunc({q}) OR {q} < {lo} OR {q} > {hi}"
        self._first_bad(name, path, bad, "expected a whole number", line=line)

    def _first_bad(
        self,
        name: str,
        path: str | os.PathLike[str],
        bad: dict[str, str],
        expected: str,
        *,
        line: bool,
    ) -> None:
        """Raise InputError for the first row of ``name`` (in file order) where a column's
        non-null value meets its condition in ``bad`` (column -> SQL); the error names the
        line only with ``line`` (else rowids order the rows but are not line numbers)."""
        from floorwatch.errors import InputError

        where = "_line" if line else "rowid"
        checks = [
            f"SELECT {where} AS l, ? AS c, {_ident(c)} AS v FROM {name} "
            f"WHERE {_ident(c)} IS NOT NULL AND ({cond})"
            for c, cond in bad.items()
        ]
        first = self.con.execute(
            "SELECT l, c, v FROM (" + " UNION ALL ".join(checks) + ") ORDER BY l LIMIT 1",
            list(bad),
        ).fetchall()
        if first:
            ln, col, value = first[0]
            raise InputError(
                f"{expected} but got {value!r}",
                file=path,
                line=int(ln) if line else None,
                column=col,
            )

    def _read_csv_lf(
        self,
        name: str,
        path: str | os.PathLike[str],
        types: dict[str, str],
        *,
        line: bool,
        nullstr: Sequence[str],
        keep: Sequence[str] | None = None,
    ) -> list[str]:
        """Mixed line endings (a stray CRLF among LF lines) stop DuckDB's CSV reader: read a
        copy with CRLF made LF instead (line numbers do not change). Every file holding a CR
        is read this way."""
        import tempfile

        from floorwatch.errors import InputError

        data = read_bytes(path).replace(b"\r\n", b"\n")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / (Path(path).stem + ".fw-lf.csv")
            copy.write_bytes(data)
            try:
                return self.read_csv_typed(name, copy, types, line=line, nullstr=nullstr, keep=keep)
            except InputError as exc:
                raise InputError(exc.problem, file=path, line=exc.line, column=exc.column) from None

    def csv_lines(
        self, path: str | os.PathLike[str], types: dict[str, str], where: str, *, limit: int = 1
    ) -> list[int]:
        """File lines of the first rows of a CSV matching ``where`` (alias ``v``; re-reads)."""
        self.read_csv_typed("_fw_lines", path, types, line=True)
        try:
            rows = self.con.execute(
                f"SELECT _line FROM _fw_lines v WHERE {where} ORDER BY _line LIMIT {int(limit)}"
            ).fetchall()
        finally:
            self.con.execute("DROP TABLE IF EXISTS _fw_lines").fetchall()
        return [int(r[0]) for r in rows]

    def drop_temp(self, *names: str) -> None:
        for name in names:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def log_ingest(self, kind: str, file: str | os.PathLike[str], rows: int) -> None:
        digest = file_sha256(file)
        self.con.execute(
            "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?)",
            [kind, str(file), digest, rows, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<floorwatch.Store {self.path} schema={self.schema_version}>"


def _ident(column: str) -> str:
    """``column`` quoted as an SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


#: Whole-number SQL types and their ranges (checked on CSV reads; DuckDB would round).
_INT_RANGES = {
    "TINYINT": (-127, 127),
    "SMALLINT": (-32767, 32767),
    "INTEGER": (-2147483647, 2147483647),
    "BIGINT": (-(2**53), 2**53),
}


def _has_cr(path: str | os.PathLike[str]) -> bool:
    """Whether the file holds a carriage return (CRLF or CR line endings)."""
    if csv_compression(path) == "gzip":
        return b"\r" in read_bytes(path)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if b"\r" in chunk:
                return True
    return False


def csv_header(path: str | os.PathLike[str]) -> list[str]:
    """The column names in a CSV file's first line (checked: present, named, distinct)."""
    import csv

    from floorwatch.errors import InputError

    if csv_compression(path) == "gzip":
        read_bytes(path)  # a damaged gzip file: one clear error before any reading
    with open_text(path) as fh:
        try:
            header = next(csv.reader(fh), None)
        except csv.Error as exc:  # e.g. a header field longer than csv's field size limit
            raise InputError(f"malformed CSV header: {exc}", file=path, line=1) from None
    if not header or not any(h.strip() for h in header):
        raise InputError("the file has no header row", file=path, line=1)
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for h in header:
        if not h:
            raise InputError("a column in the header has no name", file=path, line=1)
        if h in seen:
            raise InputError(f"column {h!r} appears twice in the header", file=path, line=1)
        seen.add(h)
    return header


_SQL_TYPE_WORDS = {
    "INTEGER": "a whole number",
    "BIGINT": "a whole number",
    "SMALLINT": "a whole number",
    "DOUBLE": "a number",
    "DATE": "a date YYYY-MM-DD",
    "BOOLEAN": "true or false",
}


def _csv_error(
    path: str | os.PathLike[str], exc: Exception, ncols: int, *, whole: set[str] = frozenset()
) -> Exception:
    import re

    from floorwatch.errors import InputError

    text = str(exc)
    m = re.search(r"Line: (\d+)", text)
    line = int(m.group(1)) if m else None
    conv = re.search(
        r'converting column "([^"]*)"\. Could not convert string "([^"]*)" to \'(\w+)\'', text
    )
    if conv:
        col, value, typ = conv.groups()
        what = "a whole number" if col in whole else _SQL_TYPE_WORDS.get(typ.upper(), typ)
        return InputError(f"expected {what} but got {value!r}", file=path, line=line, column=col)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        problem = f"expected {found.group(1)} fields but found {found.group(2)}"
    elif "unterminated quote" in text:
        problem = "a quoted value is never closed (unterminated quote)"
    elif "unicode" in text.lower() or "utf-8" in text.lower():
        problem = "not valid UTF-8; save the file as UTF-8"
    else:
        problem = "cannot read the CSV: " + text.splitlines()[0]
    return InputError(problem, file=path, line=line)


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _file_key(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    st = os.stat(path)
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns)


def remember_sha256(path: str | os.PathLike[str], data: bytes) -> str:
    """Hash ``data`` (the whole content of ``path``, already read) and remember it, so that
    :func:`file_sha256` need not read the file again."""
    digest = hashlib.sha256(data).hexdigest()
    _DIGESTS[_file_key(path)] = digest
    return digest


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's content (remembered while the file is unchanged)."""
    key = _file_key(path)
    if key in _DIGESTS:
        return _DIGESTS[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def open_store(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Store:
    """Open (creating and migrating if needed) the store at ``path``.

    ``path`` defaults to ``$FLOORWATCH_DB`` or ``./floorwatch.duckdb``. While another process
    holds the file, wait up to ``lock_timeout`` seconds for it.
    """
    from floorwatch.settings import resolve_db_path

    target = resolve_db_path(path) if path != ":memory:" else ":memory:"
    return Store(target, read_only=read_only, lock_timeout=lock_timeout)
