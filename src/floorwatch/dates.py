"""Dates: the one parser, the one message for a bad date, and the as-of default.

Every layer (importers, metrics, risk, claims, the CLI and the dashboard) reads dates with
:func:`parse_date` and resolves ``as_of`` with :func:`resolve_as_of`:

* A date is ``YYYY-MM-DD`` in ASCII digits (ISO 8601's calendar date, as Popolo writes it);
  where a source may give Popolo's partial dates, ``YYYY`` and ``YYYY-MM`` are widened to the
  first day (or with ``end=True`` the last day) of the period. Anything else raises
  :class:`~floorwatch.errors.InputError` with :func:`date_problem`'s message.
* The as-of default is :func:`record_end`, the latest dated record in the store. A date given
  past it is kept but warned about with :class:`~floorwatch.errors.RecordEndWarning` (nothing
  after the record's end is known, so figures are those of its last day).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from typing import TYPE_CHECKING, overload

import numpy as np

from floorwatch.errors import InputError, RecordEndWarning

if TYPE_CHECKING:
    from floorwatch.store import Store

__all__ = [
    "date_problem",
    "days_before",
    "every",
    "parse_date",
    "partial_date",
    "past_end",
    "record_end",
    "resolve_as_of",
]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A date-time (Popolo allows them where a date is expected): its date part is taken.
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.+\-Z]*")
_YEAR = re.compile(r"[0-9]{4}")
_YEAR_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def date_problem(value: object, *, partial: bool = False) -> str:
    """The message for a bad date, everywhere: ``'2001-02-30' is not a date: ...``."""
    shown = repr(value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…")
    also = " (or YYYY, YYYY-MM)" if partial else ""
    return f"{shown} is not a date: expected a date YYYY-MM-DD{also} but got {shown}"


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


def _parse_text(text: str, *, partial: bool, end: bool, stamp: bool) -> dt.date:
    if partial:
        found = partial_date(text, end=end)
        if found is not None:
            return found
    if _DAY.fullmatch(text) or (stamp and _STAMP.fullmatch(text)):
        return dt.date.fromisoformat(text[:10])
    raise ValueError(text)


def parse_date(
    value: object,
    *,
    name: str | None = None,
    partial: bool = False,
    end: bool = False,
    stamp: bool = False,
    file: str | os.PathLike[str] | None = None,
    line: int | None = None,
    column: str | None = None,
) -> dt.date | None:
    """A :class:`datetime.date` from a date, a datetime, a pandas Timestamp or text.

    None, blank text and missing values (NaT, NaN) give None. ``partial`` also accepts
    Popolo's ``YYYY`` and ``YYYY-MM`` (widened to the first day, with ``end`` the last);
    ``stamp`` also accepts a date-time and keeps its date.

    Raises
    ------
    InputError
        The value is not such a date; the message is :func:`date_problem`'s, after
        ``name:`` when a name (``--as-of``, ``as_of``) is given, and names the ``file``,
        ``line`` and ``column`` when they are given (a cell of an input file).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pandas Timestamps are datetimes (NaT too)
        return None if value != value else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").item()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return _parse_text(text, partial=partial, end=end, stamp=stamp)
        except ValueError:
            pass
    problem = date_problem(value, partial=partial)
    problem = f"{name}: {problem}" if name else problem
    raise InputError(problem, file=file, line=line, column=column)


def record_end(store: Store, *, today: dt.date | None = None) -> dt.date:
    """The latest date the store's record reaches: the default ``as_of`` everywhere.

    The greatest roll-call, event (sitting, meeting, election) or membership start or end
    date that is not after ``today`` (default: today's date); dates in the future (scheduled
    ends of terms, the ``9999-12-31`` of "still in office") do not count. An empty store
    gives ``today``.
    """
    today = today or dt.date.today()
    value = store.scalar(
        """SELECT max(d) FROM (
            SELECT start_date AS d FROM membership UNION ALL
            SELECT end_date FROM membership UNION ALL
            SELECT start_date FROM vote_event UNION ALL
            SELECT start_date FROM event WHERE classification <> 'legislative period') t
        WHERE d <= ?""",
        [today],
    )
    return parse_date(value) or today


@overload
def resolve_as_of(store: Store, value: object = ..., *, name: str = ...) -> dt.date: ...
@overload
def resolve_as_of(
    store: Store, value: object = ..., *, name: str = ..., default: bool
) -> dt.date | None: ...
def resolve_as_of(
    store: Store, value: object = None, *, name: str = "as_of", default: bool = True
) -> dt.date | None:
    """The as-of date of a call: ``value`` parsed, or the store's :func:`record_end`.

    A date past the record's end is kept, with a :class:`~floorwatch.errors.RecordEndWarning`.
    With ``default=False`` no date stays None: the metrics and ideal points then use every
    record, undated ones too (with a date bound, undated records are left out).
    """
    given = parse_date(value, name=name)
    if given is None and not default:
        return None
    end = record_end(store)
    if given is None:
        return end
    if given > end:
        warnings.warn(RecordEndWarning(past_end(given, end, name=name)), stacklevel=2)
    return given


def days_before(day: dt.date, span: dt.timedelta | int) -> dt.date:
    """``day`` minus ``span`` (a timedelta or a number of days), or the first day of year 1
    where that is earlier: a window reaching back before the calendar's start (an as-of day
    in year 1, a window of a million days) starts at its first day instead of failing."""
    try:
        delta = span if isinstance(span, dt.timedelta) else dt.timedelta(days=int(span))
        return day - delta
    except OverflowError:
        return dt.date.min


def past_end(given: dt.date, end: dt.date, *, name: str = "as_of") -> str:
    """The message of a :class:`~floorwatch.errors.RecordEndWarning`."""
    return (
        f"{name} {given} is after the end of the record ({end}): nothing later is known, "
        f"so the figures are those of {end}"
    )


def every(first: dt.date, last: dt.date, step_days: int) -> list[dt.date]:
    """``first``, then every ``step_days`` days while not after ``last`` (none if ``first``
    is after ``last``)."""
    days, day = [], first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=step_days)
    return days
