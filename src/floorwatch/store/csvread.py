"""Reading CSV files: the one CSV reader every importer uses.

Two ways in, both with each row's file line (the header is line 1):

- :func:`read_csv_typed` (and :func:`read_csv_text`) load a file into a temporary table of the
  store through DuckDB's CSV reader, converting the columns asked for and checking every
  value (big files: Voteview, roll calls, the claims ledger);
- :func:`csv_rows` reads a file's rows as Python lists (small files that need row-by-row
  checks: the CSV templates, the dataset adapters).

Both read plain or gzip files (:mod:`floorwatch.store.files`), any line endings, and raise
:class:`~floorwatch.errors.InputError` naming the file, line and column of the first problem.
"""

from __future__ import annotations

import csv as _csv
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from floorwatch.errors import InputError
from floorwatch.store.files import csv_compression, open_text, read_bytes

if TYPE_CHECKING:
    from floorwatch.store.db import Store

__all__ = [
    "FileShape",
    "check_in_background",
    "csv_header",
    "csv_lines",
    "csv_rows",
    "csv_text",
    "quote_ident",
    "read_csv_text",
    "read_csv_typed",
]


# -- into a temporary table (DuckDB's reader) ---------------------------------------------
def read_csv_text(store: Store, name: str, path: str | os.PathLike[str]) -> list[str]:
    """Load a CSV file into temporary table ``name`` with every column as text.

    The header gives the column names; a first column ``_line`` is added: the file line
    the row came from (the header is line 1). A ragged row or an unterminated quote raises
    :class:`~floorwatch.errors.InputError` naming the line. Returns the column names.
    """
    return read_csv_typed(store, name, path, {}, line=True)


def read_csv_typed(
    store: Store,
    name: str,
    path: str | os.PathLike[str],
    types: dict[str, str],
    *,
    line: bool = True,
    nullstr: Sequence[str] = ("",),
    keep: Sequence[str] | None = None,
    derived: Mapping[str, str] | None = None,
    pending: Future[FileShape] | None = None,
) -> list[str]:
    """Load a CSV into temporary table ``name``, converting the columns named in ``types``.

    With ``keep``, only those of its columns that the file has are loaded (the reader then
    skips parsing the others). ``derived``: more columns, computed as the rows are read
    (name -> SQL over the file's columns, as read).

    Columns not in ``types`` stay text. A value that does not convert raises
    :class:`~floorwatch.errors.InputError` naming the file, line, column and value. With
    ``line=True`` a first column ``_line`` holds each row's file line (header = line 1).
    Returns the column names from the header.

    ``pending``: the file's own check, running (:func:`check_in_background`). Outside a
    transaction DuckDB reads the file while it runs; its error is still the one raised
    first, and a file holding a carriage return is read again from its LF copy only if
    DuckDB's read failed or may differ from that copy's (a CR inside a value). Inside a
    transaction it is waited for before reading (a failed read would abort the transaction).
    """
    con = store._con
    if pending is not None and store._in_tx:
        pending.result()
        pending = None
    header = csv_header(path, pending=pending)
    if pending is None and not str(path).endswith(".fw-lf.csv") and _has_cr(path):
        # Decide before reading: a failed read aborts the caller's transaction, so a
        # retry after DuckDB's error would fail inside an ingest.
        return _read_csv_lf(
            store, name, path, types, line=line, nullstr=nullstr, keep=keep, derived=derived
        )
    columns = {h: types.get(h, "VARCHAR") for h in header}
    # DuckDB rounds a decimal read into an integer column ('0.269' -> 0): read whole-number
    # columns as DOUBLE, check that every value is whole and in range, then convert.
    ints = {
        h: t.upper()
        for h, t in columns.items()
        if t.upper() in _INT_RANGES and (keep is None or h in keep)
    }
    # Its CSV reader also takes '2001-01-24x' as a DATE: read dates as text and check.
    dates = [h for h, t in columns.items() if t.upper() == "DATE" and (keep is None or h in keep)]
    columns = {
        h: ("DOUBLE" if h in ints else "VARCHAR" if h in dates else t) for h, t in columns.items()
    }
    con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
    line_col = "(row_number() OVER () + 1)::INTEGER AS _line, " if line else ""
    wanted = "*"
    if keep is not None:
        present = [c for c in keep if c in columns]
        wanted = ", ".join(quote_ident(c) for c in present) or "*"
    for col, sql in (derived or {}).items():
        wanted += f", {sql} AS {quote_ident(col)}"
    failed = None
    try:
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {line_col}{wanted} FROM read_csv(?, "
            "header = true, columns = ?, delim = ',', quote = '\"', escape = '\"', "
            "auto_detect = false, strict_mode = true, null_padding = false, nullstr = ?, "
            "compression = ?)",
            [str(path), columns, list(nullstr), csv_compression(path)],
        ).fetchall()
    except duckdb.Error as exc:
        failed = _csv_error(path, exc, len(header), whole=set(ints))
    shape = pending.result() if pending is not None else None
    loaded = [c for c in (keep if keep is not None else header) if c in columns]
    if (
        shape is not None
        and shape.cr  # the file holds a CR: is the read as its LF copy would be?
        and (
            failed is not None
            or (shape.quote and _read_differs_from_lf(store, name, {c: columns[c] for c in loaded}))
        )
    ):
        con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
        return _read_csv_lf(
            store, name, path, types, line=line, nullstr=nullstr, keep=keep, derived=derived
        )
    if failed is not None:
        raise failed from None
    try:
        if ints:
            _whole_numbers(store, name, path, ints, line=line)
        if dates:
            _dates(store, name, path, dates, line=line)
    except InputError as exc:
        if line:
            raise
        # Without a _line column the bad row's line is not known (a temporary table's
        # rowids inside a transaction are not row numbers): read again with line numbers,
        # which raises the same error naming the line.
        con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
        read_csv_typed(
            store, name, path, types, line=True, nullstr=nullstr, keep=keep, derived=derived
        )
        raise exc from None
    if ints or dates:
        _convert(store, name, ints, dates)
    return header


def csv_lines(
    store: Store,
    path: str | os.PathLike[str],
    types: dict[str, str],
    where: str,
    *,
    limit: int = 1,
) -> list[int]:
    """File lines of the first rows of a CSV matching ``where`` (alias ``v``; re-reads)."""
    read_csv_typed(store, "_fw_lines", path, types, line=True)
    try:
        rows = store.rows(
            f"SELECT _line FROM _fw_lines v WHERE {where} ORDER BY _line LIMIT {int(limit)}"
        )
    finally:
        store.drop_temp("_fw_lines")
    return [int(r[0]) for r in rows]


def _convert(store: Store, name: str, ints: dict[str, str], dates: list[str]) -> None:
    """Convert checked DOUBLE columns to their whole-number types and checked text
    columns to DATE, in one statement."""
    casts = [f"CAST({quote_ident(c)} AS {t}) AS {quote_ident(c)}" for c, t in ints.items()]
    casts += [f"CAST(trim({quote_ident(c)}) AS DATE) AS {quote_ident(c)}" for c in dates]
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * REPLACE ({', '.join(casts)}) FROM {name}"
    )


def _dates(
    store: Store, name: str, path: str | os.PathLike[str], dates: list[str], *, line: bool
) -> None:
    """Check that the text columns ``dates`` of ``name`` hold dates written YYYY-MM-DD."""
    bad = {
        c: f"trim({quote_ident(c)}) NOT SIMILAR TO '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' "
        f"OR TRY_CAST(trim({quote_ident(c)}) AS DATE) IS NULL"
        for c in dates
    }
    _first_bad(store, name, path, bad, "expected a date YYYY-MM-DD", line=line)


def _whole_numbers(
    store: Store, name: str, path: str | os.PathLike[str], ints: dict[str, str], *, line: bool
) -> None:
    """Check that the DOUBLE columns ``ints`` of ``name`` hold whole numbers in the range
    of their type."""
    bad = {}
    for col, typ in ints.items():
        lo, hi = _INT_RANGES[typ]
        q = quote_ident(col)
        bad[col] = f"isnan({q}) OR isinf({q}) OR {q} <> trunc({q}) OR {q} < {lo} OR {q} > {hi}"
    _first_bad(store, name, path, bad, "expected a whole number", line=line)


def _first_bad(
    store: Store,
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
    where = "_line" if line else "rowid"
    checks = [
        f"SELECT {where} AS l, ? AS c, {quote_ident(c)} AS v FROM {name} "
        f"WHERE {quote_ident(c)} IS NOT NULL AND ({cond})"
        for c, cond in bad.items()
    ]
    first = store.rows(
        "SELECT l, c, v FROM (" + " UNION ALL ".join(checks) + ") ORDER BY l LIMIT 1",
        list(bad),
    )
    if first:
        ln, col, value = first[0]
        raise InputError(
            f"{expected} but got {value!r}",
            file=path,
            line=int(ln) if line else None,
            column=col,
        )


def _read_differs_from_lf(store: Store, name: str, loaded: dict[str, str]) -> bool:
    """Whether table ``name``, read from a file holding a CR and a quote, might differ from a
    read of its LF copy (:func:`_read_csv_lf`). DuckDB read it, so its lines end alike (all
    CRLF or all CR; mixed endings and a CR in an unquoted value stop the reader), and the two
    reads differ only where a quoted value holds a CR: in a text column, or a column of a
    type whose text is not checked here (numbers are not: DuckDB trims CR and LF around
    them)."""
    if any(t.upper() not in ("VARCHAR", "DOUBLE") for t in loaded.values()):
        return True
    text = [c for c, t in loaded.items() if t.upper() == "VARCHAR"]
    if not text:
        return False
    where = " OR ".join(f"contains({quote_ident(c)}, chr(13))" for c in text)
    return bool(store.rows(f"SELECT 1 FROM {name} WHERE {where} LIMIT 1"))


def _read_csv_lf(
    store: Store,
    name: str,
    path: str | os.PathLike[str],
    types: dict[str, str],
    *,
    line: bool,
    nullstr: Sequence[str],
    keep: Sequence[str] | None = None,
    derived: Mapping[str, str] | None = None,
) -> list[str]:
    """Mixed line endings (a stray CRLF among LF lines) stop DuckDB's CSV reader: read a
    copy with CRLF made LF instead (line numbers do not change). Every file holding a CR
    is read this way, except one read while its check ran (``pending``) that DuckDB read
    as this copy would be read (:func:`_read_differs_from_lf`)."""
    data = read_bytes(path).replace(b"\r\n", b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / (Path(path).stem + ".fw-lf.csv")
        copy.write_bytes(data)
        try:
            return read_csv_typed(
                store, name, copy, types, line=line, nullstr=nullstr, keep=keep, derived=derived
            )
        except InputError as exc:
            raise InputError(exc.problem, file=path, line=exc.line, column=exc.column) from None


def quote_ident(column: str) -> str:
    """``column`` quoted as an SQL identifier (a double quote doubled)."""
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


# -- in Python --------------------------------------------------------------------------
class FileShape(NamedTuple):
    """What :func:`check_in_background` found in a file besides ``check``'s verdict."""

    cr: bool  #: it holds a carriage return
    quote: bool  #: it holds a double quote (a value may then hold a CR or LF)


def check_in_background(
    path: str | os.PathLike[str], check: Callable[[str | os.PathLike[str]], object]
) -> Future[FileShape]:
    """Run ``check(path)`` (a check of the whole file, e.g. that it is UTF-8) in a thread,
    then look for carriage returns and quotes in the file; the future's result is a
    :class:`FileShape`, or ``check``'s error. Hand it to :func:`csv_header` and
    :func:`read_csv_typed`, which read the file meanwhile (DuckDB, zlib and hashlib leave
    the interpreter free while they work)."""
    future: Future[FileShape] = Future()

    def run() -> None:
        try:
            check(path)
            data = read_bytes(path)  # the check's gunzip, kept by read_bytes
            future.set_result(FileShape(b"\r" in data, b'"' in data))
        except BaseException as exc:  # handed to whoever waits for the result
            future.set_exception(exc)

    threading.Thread(target=run, name="floorwatch-file-check", daemon=True).start()
    return future


def csv_header(
    path: str | os.PathLike[str], *, pending: Future[FileShape] | None = None
) -> list[str]:
    """The column names in a CSV file's first line (checked: present, named, distinct).

    ``pending``: the file's own check, running (:func:`check_in_background`): the header
    is read without it, and any error waits for it and raises its error first."""
    if pending is not None:
        try:
            return _csv_header(path)
        except BaseException:
            pending.result()
            raise
    if csv_compression(path) == "gzip":
        read_bytes(path)  # a damaged gzip file: one clear error before any reading
    return _csv_header(path)


def _csv_header(path: str | os.PathLike[str]) -> list[str]:
    with open_text(path) as fh:
        try:
            header = next(_csv.reader(fh), None)
        except _csv.Error as exc:  # e.g. a header field longer than csv's field size limit
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


def csv_text(path: str | os.PathLike[str]) -> str:
    """A CSV file's text: gzip decompressed, a BOM dropped, line endings kept as they are."""
    # Not read_text(): its universal newlines would turn a quoted cell's CRLF or CR into LF.
    return read_bytes(path).decode("utf-8-sig")


def csv_rows(path: str | os.PathLike[str], text: str | None = None) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file, each with the file line it starts on (header = line 1).

    Lines with no fields at all are left out; any line endings (CR, LF, CRLF) are read, and a
    quoted cell may hold them. ``text``: the file's :func:`csv_text`, if read already. A
    malformed row (e.g. a quote closed mid-cell) raises :class:`InputError` naming its line.
    """
    if text is None:
        text = csv_text(path)
    reader = _csv.reader(io.StringIO(text, newline=""), strict=True)  # CR, LF, CRLF only
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if row:
                rows.append((line, row))
    except _csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=path, line=reader.line_num) from None
    return rows
