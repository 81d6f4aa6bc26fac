"""Relational checks and writes shared by the Popolo, CSV-template and adapter importers.

The importers stage their rows in a temporary table (or a registered DataFrame) that carries
``_line``: where the row came from (a CSV line, or the line of a JSON object). The checks here
are set-oriented SQL over that staging table and the store, and fail on the first bad row:

* :func:`check_overlaps`: two memberships of one person in one organization (with the same
  role) whose date ranges overlap, within the file or against rows already stored;
* :func:`upsert`: write a frame into a table, updating rows whose key already exists (so that
  re-ingesting a file changes nothing and a newer file updates in place).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import weakref
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from floorwatch.errors import InputError
from floorwatch.store import Store

__all__ = [
    "REASON_ALIASES",
    "check_overlaps",
    "normalize_reason",
    "slug",
    "stage",
    "table_types",
    "upsert",
]

#: Spellings of membership start/end reasons met in public data, mapped to
#: :data:`floorwatch.store.schema.END_REASONS`. ``None`` means "no end" (still in office).
REASON_ALIASES: dict[str, str | None] = {
    "changed_party": "changed party",
    "changed party": "changed party",
    "general_election": "election",
    "general_election_standing": "election",
    "general_election_not_standing": "election",
    "general election": "election",
    "by_election": "by-election",
    "by election": "by-election",
    "whip_removed": "whip removed",
    "whip_restored": "whip restored",
    "term_ended": "term ended",
    "still_in_office": None,
    "still in office": None,
    "declared_void": "disqualified",
    "became_peer": "left",
    "reinstated": "unknown",
}


def normalize_reason(value: str | None) -> str | None:
    """Map a source's start/end reason to floorwatch's vocabulary (unknown ones kept as given).

    >>> normalize_reason("changed_party")
    'changed party'
    >>> normalize_reason("still_in_office") is None
    True
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    key = text.lower()
    if key in REASON_ALIASES:
        return REASON_ALIASES[key]
    return key.replace("_", " ")


def slug(text: str) -> str:
    """A lower-case ASCII-ish id fragment: ``'Lab/Co-op'`` -> ``'lab-co-op'``."""
    out = re.sub(r"[^0-9a-z]+", "-", str(text).strip().lower()).strip("-")
    return out or "x"


def stage(store: Store, name: str, frame: pd.DataFrame) -> None:
    """Make ``frame`` visible to SQL as ``name``: as an Arrow table where it converts (DuckDB
    scans Arrow several times faster than pandas' object and string columns; the values and
    their SQL types are the same), else the frame itself (a column mixing types, a header
    naming two columns alike)."""
    table: pd.DataFrame | pa.Table = frame
    if all(isinstance(c, str) for c in frame.columns):
        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (ValueError, pa.ArrowException):  # e.g. two columns of one name
            table = frame
    store.register(name, table)


#: Per open store, column types per table (a store's schema is fixed once it is open).
_TYPES: weakref.WeakKeyDictionary[Store, dict[str, dict[str, str]]] = weakref.WeakKeyDictionary()


def table_types(store: Store, table: str) -> dict[str, str]:
    """Column name -> SQL type of a store table."""
    known = _TYPES.setdefault(store, {})
    if table not in known:
        known[table] = store.column_types(table)
    return dict(known[table])


#: Python types that stand for themselves in a column of each SQL type (what DuckDB returns).
_PLAIN: dict[str, type | tuple[type, ...]] = {
    "VARCHAR": str,
    "DATE": dt.date,
    "INTEGER": int,
    "BIGINT": int,
    "SMALLINT": int,
    "TINYINT": int,
    "DOUBLE": float,
    "BOOLEAN": bool,
}


def _plain(value: object, sql_type: str) -> bool:
    """Whether ``value`` is written as is into a column of ``sql_type`` (no cast)."""
    want = _PLAIN.get(sql_type.upper())
    if value is None:
        return True
    if want is None or not isinstance(value, want):
        return False
    if want is int and isinstance(value, bool):
        return False
    if want is dt.date and isinstance(value, dt.datetime):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)  # 0.0 vs -0.0
    return type(a) is type(b) and a == b


def _stored_already(
    store: Store,
    table: str,
    frame: pd.DataFrame,
    key: Sequence[str],
    upd: list[str],
    types: dict[str, str],
) -> bool:
    """Whether upserting ``frame`` into ``table`` would change nothing: each row's key is stored
    once, with the same values in the columns ``upd``, and every value is a plain Python value
    of its column's type (so no cast is involved). An upsert costs several times this check,
    and re-ingesting a file mostly writes what is stored."""
    cols = [*key, *upd]
    if not key or any(k not in frame.columns for k in key) or len(frame) > 10_000:
        return False
    rows = {}
    for row in zip(*(frame[c].tolist() for c in cols), strict=True):
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in row)
        if not all(_plain(v, types[c]) for v, c in zip(values, cols, strict=True)):
            return False
        k = values[: len(key)]
        if k in rows or None in k:
            return False
        rows[k] = values
    q = ", ".join(f'"{c}"' for c in cols)
    stored = store.rows(
        f'SELECT {q} FROM {table} WHERE "{key[0]}" IN (SELECT unnest(?))',
        [sorted({k[0] for k in rows})],
    )
    have = {r[: len(key)]: r for r in stored}
    for k, values in rows.items():
        got = have.get(k)
        if got is None or not all(_same(a, b) for a, b in zip(values, got, strict=True)):
            return False
    return True


def upsert(
    store: Store,
    table: str,
    frame: pd.DataFrame,
    key: Sequence[str],
    *,
    update: Sequence[str] | None = None,
) -> int:
    """Insert the rows of ``frame`` into ``table``; rows whose ``key`` exists are updated.

    Only the columns of ``frame`` are written, so columns a file does not carry keep their
    stored values. ``update`` limits the columns overwritten on conflict (default: every
    non-key column of the frame). Uses standard ``INSERT ... ON CONFLICT DO UPDATE``.
    Returns the number of rows in ``frame``.
    """
    if frame.empty:
        return 0
    types = table_types(store, table)
    cols = [c for c in frame.columns if c in types]
    upd = [c for c in (update if update is not None else cols) if c in cols and c not in key]
    if _stored_already(store, table, frame, key, upd, types):
        return len(frame)
    name = f"_up_{table}"
    stage(store, name, frame[cols])
    try:
        select = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in cols)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {name}"
        if upd:
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in upd)
            sql += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
        else:
            sql += f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
        store.execute(sql)
    finally:
        store.unregister(name)
    return len(frame)


def check_overlaps(
    store: Store,
    staged: str,
    *,
    file: str | os.PathLike[str],
    where: Callable[[int], tuple[int | None, str | None]] | None = None,
) -> None:
    """Fail if two memberships of one person in one organization overlap in time.

    ``staged`` is a table or view with columns ``_line, id, person_id, organization_id, role,
    start_date, end_date`` (DATE, NULL meaning open); a NULL role counts as ``member``, and
    memberships with different roles (e.g. ``member`` and ``chair`` of a committee) may overlap.
    Dates are closed intervals: a membership
    that ends on 10 May and one that starts on 10 May overlap (end the first on 9 May). Rows
    already in the store with the same ``id`` as a staged row are being replaced and are not
    compared. ``where`` maps a ``_line`` to the (line, column) to report; by default the line
    is ``_line`` and the column ``start_date``.
    """
    sql = f"""
    WITH s AS (
        SELECT _line, id, person_id, organization_id, coalesce(role, 'member') AS role,
               start_date, end_date FROM {staged}),
    other AS (
        SELECT _line, id, person_id, organization_id, role, start_date, end_date FROM s
        UNION ALL
        SELECT NULL, id, person_id, organization_id, coalesce(role, 'member'), start_date, end_date
        FROM membership WHERE id NOT IN (SELECT id FROM s))
    SELECT a._line, b._line, b.id, a.person_id, a.organization_id, a.start_date, a.end_date,
           b.start_date, b.end_date
    FROM s a JOIN other b
      ON a.person_id = b.person_id AND a.organization_id = b.organization_id
     AND a.role = b.role AND a.id <> b.id
     AND (a.start_date IS NULL OR b.end_date IS NULL OR a.start_date <= b.end_date)
     AND (b.start_date IS NULL OR a.end_date IS NULL OR b.start_date <= a.end_date)
    WHERE b._line IS NULL OR b._line < a._line
       OR (b._line = a._line AND b.id < a.id)
    ORDER BY a._line, b._line LIMIT 1
    """
    rows = store.rows(sql)
    if not rows:
        return
    line, other_line, other_id, person, org, s1, e1, s2, e2 = rows[0]
    other = (
        f"membership {other_id!r} already in the store"
        if other_line is None
        else f"the membership at {_where_text(where, other_line)}"
    )
    out_line, column = where(line) if where else (line, "start_date")
    raise InputError(
        f"overlapping memberships: {person!r} in {org!r} from {_d(s1)} to {_d(e1)} overlaps "
        f"{other} (from {_d(s2)} to {_d(e2)}). One person holds one membership of an "
        "organization at a time: end the earlier one before the later one starts.",
        file=file,
        line=out_line,
        column=column,
    )


def _where_text(where: Callable[[int], tuple[int | None, str | None]] | None, line: int) -> str:
    if where is None:
        return f"line {line}"
    out_line, column = where(line)
    return f"line {out_line} ({column})" if column else f"line {out_line}"


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "(open)"
