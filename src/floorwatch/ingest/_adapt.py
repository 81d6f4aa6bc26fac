"""Helpers shared by the dataset adapters (Singapore, Malaysia, UK parlparse)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from floorwatch.dates import date_problem
from floorwatch.errors import InputError
from floorwatch.ingest._checks import check_overlaps, stage, upsert
from floorwatch.ingest._common import check_utf8, fail_on_first, require_columns, require_file
from floorwatch.store import Store
from floorwatch.store.csvread import csv_rows

__all__ = [
    "AdapterResult",
    "check_and_write",
    "count_frames",
    "dataset_files",
    "group_rows",
    "load_csv",
    "observed_spells",
    "ordinal",
    "org_frame",
]


@dataclass
class AdapterResult:
    """What an adapter wrote, and what it skipped."""

    persons: int = 0
    organizations: int = 0
    memberships: int = 0
    events: int = 0
    attendance: int = 0
    skipped_blank_rows: int = 0
    duplicate_rows: int = 0
    unmatched_rows: int = 0
    predecessor_rows: int = 0


def _plain_or_gz(path: Path) -> Path:
    gz = path.with_name(path.name + ".gz")
    return gz if not path.exists() and gz.exists() else path


def dataset_files(path: str | os.PathLike[str], *names: str) -> list[Path]:
    folder = Path(path)
    if not folder.is_dir():
        raise InputError("expected the dataset's folder", file=folder)
    # Each file may also be gzip-compressed beside its plain name (``sittings.csv.gz``).
    files = [_plain_or_gz(folder / n) for n in names]
    for f in files:
        require_file(f)
        check_utf8(f)
    return files


#: The most columns an adapter reads (the datasets have fewer than 20).
MAX_COLUMNS = 200

#: A SIMILAR TO pattern for YYYY-MM-DD.
_ISO_DATE = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'"


def load_csv(
    store: Store,
    name: str,
    path: Path,
    required: tuple[str, ...],
    dates: tuple[str, ...] = (),
    *,
    header: bool = True,
) -> pd.DataFrame:
    """Read a CSV as text (any line endings; a BOM is dropped) with each row's file line in
    ``_line``, register it as ``name``, and check the required and date columns."""
    read = csv_rows(path)
    rows, lines = [r for _, r in read], [ln for ln, _ in read]
    if not rows:
        raise InputError("the file is empty", file=path, line=1)
    if len(rows[0]) > MAX_COLUMNS:  # a hostile file would otherwise take minutes
        raise InputError(
            f"the first line has {len(rows[0])} fields; the datasets have at most "
            f"{MAX_COLUMNS} columns",
            file=path,
            line=lines[0],
        )
    cols = [c.strip() for c in rows[0]] if header else [str(i) for i in range(len(rows[0]))]
    body, body_lines = (rows[1:], lines[1:]) if header else (rows, lines)
    if not body:
        raise InputError("the file has a header but no rows", file=path, line=2)
    for row, line in zip(body, body_lines, strict=True):
        if len(row) != len(cols):
            raise InputError(
                f"expected {len(cols)} fields but found {len(row)}", file=path, line=line
            )
    require_columns(path, cols, required)
    frame = pd.DataFrame(body, columns=cols, dtype=object)
    frame.insert(0, "_line", body_lines)
    stage(store, name, frame)
    for col in dates:
        q = f'"{col}"'
        fail_on_first(
            store,
            name,
            # YYYY-MM-DD (SIMILAR TO is standard SQL): a cast alone would also take
            # '-2023-03-01' (a year BC) or '02023-03-01', which Python cannot hold.
            f"TRY_CAST({q} AS DATE) IS NULL OR trim({q}) < '0001' OR trim({q}) NOT SIMILAR TO "
            + _ISO_DATE,
            file=path,
            column=col,
            problem=date_problem,
        )
    return frame


def org_frame(rows: list[tuple[str, str, str, str | None, str | None]], src: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": i,
                "name": n,
                "classification": c,
                "parent_id": parent,
                "abbreviation": abbr,
                "source": src,
            }
            for i, n, c, parent, abbr in rows
        ],
        dtype=object,
    )


def check_and_write(
    store: Store, file: Path, frames: dict[str, pd.DataFrame], line_column: str | None = None
) -> None:
    """Check overlaps, then write every frame (in the caller's transaction).

    With ``line_column`` the membership frame carries ``_line`` (the file line of each row)
    and an overlap is reported at that line and column.
    """
    ms = frames["membership"].copy()
    if "_line" not in ms:
        ms["_line"] = range(1, len(ms) + 1)
    stage(store, "_ad_ms", ms)
    try:
        check_overlaps(
            store,
            "_ad_ms",
            file=file,
            where=(lambda i: (int(i), line_column))
            if line_column
            else (
                lambda i: (None, f"membership of {ms.loc[ms['_line'] == i, 'person_id'].iat[0]}")
            ),
        )
    finally:
        store.unregister("_ad_ms")
    keys = {
        "organization": ["id"],
        "person": ["id"],
        "identifier": ["scheme", "identifier"],
        "other_name": ["person_id", "name", "lang"],
        "event": ["id"],
        "membership": ["id"],
        "attendance": ["event_id", "person_id"],
    }
    for table, key in keys.items():
        if table in frames:
            upsert(store, table, frames[table], key)


def observed_spells(att: pd.DataFrame, group: list[str], last_day: dt.date) -> pd.DataFrame:
    """First and last listed sitting per group; the end is open if listed at the last one."""
    # A loop over the rows: pandas' groupby costs ~20 ms on the few hundred rows of a file.
    # Like groupby: groups sorted by key, a group with a missing key dropped.
    first: dict[tuple, dt.date] = {}
    last: dict[tuple, dt.date] = {}
    for *key, day in zip(*(att[g].tolist() for g in group), att["date"].tolist(), strict=True):
        k = tuple(key)
        if any(pd.isna(v) for v in k):
            continue
        if k in first:
            first[k], last[k] = min(first[k], day), max(last[k], day)
        else:
            first[k] = last[k] = day
    order = sorted(first)
    spans = pd.DataFrame(
        {g: pd.Series([k[i] for k in order], dtype=att[g].dtype) for i, g in enumerate(group)}
    )
    spans["start_date"] = pd.Series([first[k] for k in order], dtype=object)
    spans["end_date"] = pd.Series(
        [None if last[k] == last_day else last[k] for k in order], dtype=object
    )
    return spans


def group_rows(frame: pd.DataFrame, by: str, **aggs: tuple[str, str]) -> pd.DataFrame:
    """``frame.groupby(by, as_index=False).agg(**aggs)`` for ``first``, ``min`` and ``max``, by
    a loop over the rows (pandas' groupby costs ~10 ms on the few hundred rows of a file); the
    same frame, column types and order. A missing key or value: pandas does it."""
    keys = frame[by].tolist()
    values = {out: frame[col].tolist() for out, (col, _) in aggs.items()}
    if any(pd.isna(v) for v in keys) or any(pd.isna(v) for vs in values.values() for v in vs):
        return frame.groupby(by, as_index=False).agg(**aggs)
    acc: dict[object, dict[str, object]] = {}
    for i, k in enumerate(keys):
        if k not in acc:
            acc[k] = {out: vs[i] for out, vs in values.items()}
            continue
        got = acc[k]
        for out, (_, how) in aggs.items():
            v = values[out][i]
            if how == "min":
                got[out] = min(got[out], v)
            elif how == "max":
                got[out] = max(got[out], v)
            elif how != "first":
                raise ValueError(how)
    order = sorted(acc)
    out = pd.DataFrame({by: pd.Series(order, dtype=frame[by].dtype)})
    for name, (col, _) in aggs.items():
        out[name] = pd.Series([acc[k][name] for k in order], dtype=frame[col].dtype)
    return out


def count_frames(result: AdapterResult, frames: dict[str, pd.DataFrame]) -> None:
    result.persons = len(frames["person"])
    result.organizations = len(frames["organization"])
    result.memberships = len(frames["membership"])
    result.events = len(frames["event"])
    result.attendance = len(frames.get("attendance", ()))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
