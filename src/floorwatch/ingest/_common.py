"""Shared checks for importers: encoding, required columns, first bad row."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from floorwatch.errors import EncodingError, InputError
from floorwatch.store import Store
from floorwatch.store.db import remember_sha256
from floorwatch.store.files import read_bytes

__all__ = [
    "check_utf8",
    "fail_on_first",
    "parse_date",
    "partial_date",
    "require_columns",
    "require_file",
]


#: ASCII YYYY and YYYY-MM (the partial dates Popolo allows).
_YEAR = re.compile(r"[0-9]{4}")
_YEAR_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def partial_date(text: str, *, end: bool = False) -> dt.date | None:
    """Popolo's partial dates: ``YYYY`` or ``YYYY-MM`` (ASCII digits) as the first day of the
    period, or with ``end=True`` its last day; None for text of any other length. Raises
    ValueError for text of those lengths that is not such a date."""
    if len(text) == 4:
        if not _YEAR.fullmatch(text):  # int() would take "+001" or Arabic-Indic digits
            raise ValueError(text)
        y = int(text)
        return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
    if len(text) == 7:
        if not _YEAR_MONTH.fullmatch(text):
            raise ValueError(text)
        y, m = int(text[:4]), int(text[5:7])
        if end:
            return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(y, m, 1)
    return None


def require_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", file=p)
    if p.is_dir():
        raise InputError("is a folder, expected a file", file=p)
    if p.stat().st_size == 0:
        raise InputError("the file is empty", file=p)
    return p


def check_utf8(path: str | os.PathLike[str]) -> None:
    """Raise :class:`EncodingError` naming the line and byte if ``path`` is not UTF-8."""
    raw = Path(path).read_bytes()
    remember_sha256(path, raw)  # the ingest log wants it: hash while the bytes are here
    data = read_bytes(path, raw)  # gzip is decompressed
    try:
        data.decode("utf-8")  # ~2 ms per MB
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise EncodingError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at character "
            f"{exc.start - line_start + 1} of the line). Save the file as UTF-8 and try again.",
            file=path,
            line=line,
        ) from None


def require_columns(path: str | os.PathLike[str], have: Iterable[str], need: Iterable[str]) -> None:
    have_set = set(have)
    missing = [c for c in need if c not in have_set]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the file has {', '.join(have) or 'none'}",
            file=path,
            line=1,
        )


def fail_on_first(
    store: Store,
    table: str,
    where: str,
    *,
    file: str | os.PathLike[str],
    column: str | None,
    problem: str,
    value_sql: str | None = None,
) -> None:
    """Raise :class:`InputError` for the first row of ``table`` matching ``where``.

    ``problem`` may contain ``{value}``, filled from ``value_sql`` (default: the column).
    """
    value_expr = value_sql or (f'"{column}"' if column else "NULL")
    row = store.con.execute(
        f"SELECT _line, {value_expr} FROM {table} WHERE {where} ORDER BY _line LIMIT 1"
    ).fetchall()
    row = row[0] if row else None
    if row is not None:
        raise InputError(problem.format(value=row[1]), file=file, line=int(row[0]), column=column)


def parse_date(
    text: str | None,
    *,
    file: str | os.PathLike[str],
    line: int | None,
    column: str,
    end: bool = False,
) -> dt.date | None:
    """Parse an ISO date (``YYYY-MM-DD``; Popolo's ``YYYY`` and ``YYYY-MM`` are widened to the
    first day, or with ``end=True`` the last day, of the period)."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    try:
        partial = partial_date(text, end=end)
        if partial is not None:
            return partial
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(
            f"{text!r} is not a date; expected YYYY-MM-DD", file=file, line=line, column=column
        ) from None
