"""Shared filters of every metric: --from, --to, --as-of, --legislature, --party.

A :class:`Scope` turns the filters into SQL fragments with *named bound parameters*
(``$f_from``, ``$f_until``, ``$f_leg``, ``$f_party_0``...), so that no value is ever pasted into
SQL text. The fragments are plain SQL (comparisons, ``IN``, sub-selects), usable on any engine.

Rules every metric shares:

* ``as_of`` means "only what was known on that day": roll calls and events dated after it are
  left out, and so are undated ones (their date cannot be checked). With ``date_to`` as well,
  the earlier of the two wins.
* ``date_from`` / ``date_to`` keep dated records inside the range; as soon as any date bound is
  given, undated records are left out.
* ``legislature`` matches a chamber or legislature organization id (``us-senate``), a parent
  legislature (``us-congress`` matches its chambers) or a legislative period (``us-congress-107``).
* ``party`` is an organization id, abbreviation or name (``us-party-200``, ``R``,
  ``Republican Party``), or several. It keeps a member's records made *while sitting for* that
  party (the party at the vote), so a member who switched is counted for each party apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from floorwatch.dates import parse_date, resolve_as_of
from floorwatch.errors import InputError, NotFoundError
from floorwatch.store import Store

__all__ = [
    "BY_OPTIONS",
    "DEFAULT_WINDOW",
    "Scope",
    "Window",
    "bind",
    "bucket_sql",
    "parse_window",
    "resolve_parties",
    "resolve_scope",
    "run",
]

#: The default rolling window of the attendance and agreement trends.
DEFAULT_WINDOW = dt.timedelta(days=90)
#: The longest window of days (a millennium): longer spans pass the calendar's bounds.
MAX_WINDOW_DAYS = 365_250

#: A rolling window: a number of the member's latest events, or a span of days.
Window = int | dt.timedelta

#: The values of a metric's ``by`` option: one row per member and calendar month.
BY_OPTIONS = ("month",)


def bucket_sql(by: str | None, date: str) -> str:
    """SQL for the time bucket of a record dated ``date``: ``'YYYY-MM'`` with ``by="month"``
    (``''`` for an undated record, which the by-month results leave out), else ``''`` (one
    bucket: the metric over its whole scope). The metrics group by it, so a by-month figure is
    the same SQL as the whole one, grouped finer. Portable: a date cast to text is ISO."""
    if by is None:
        return "''"
    if by not in BY_OPTIONS:
        raise InputError(f"by: expected one of {', '.join(BY_OPTIONS)} but got {by!r}")
    return f"coalesce(substr(CAST({date} AS VARCHAR), 1, 7), '')"


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The named parameters ``sql`` uses (DuckDB rejects unused ones)."""
    used = set(_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in used}


def run(store: Store, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run ``sql`` with the named parameters it uses; DATE columns come back as
    :class:`datetime.date` values (None where missing), as :func:`floorwatch.switches` gives."""
    frame = store.query(sql, bind(sql, params))
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            values = frame[col]
            frame[col] = values.dt.date.astype(object).where(values.notna(), None)
    return frame


def parse_window(text: str | int | dt.timedelta | None) -> Window:
    """A rolling window from ``"90d"`` (days), ``"12w"`` (weeks) or ``"50"`` (latest events)."""
    if text is None:
        return DEFAULT_WINDOW
    if isinstance(text, dt.timedelta | int):
        if isinstance(text, int) and text < 1:
            raise InputError(f"window: expected a positive number of events but got {text}")
        return text
    t = text.strip().lower()
    m = re.fullmatch(r"(\d+)\s*([dw]?)", t)
    if not m or int(m.group(1)) < 1:
        raise InputError(
            f"window: expected a number of events (50), of days (90d) or of weeks (12w) "
            f"but got {text!r}"
        )
    n, unit = int(m.group(1)), m.group(2)
    if unit and n * (7 if unit == "w" else 1) > MAX_WINDOW_DAYS:
        raise InputError(
            f"window: expected at most {MAX_WINDOW_DAYS:,} days (a millennium) but got {text!r}"
        )
    if unit == "d":
        return dt.timedelta(days=n)
    if unit == "w":
        return dt.timedelta(weeks=n)
    return n


def resolve_parties(store: Store, party: str | Sequence[str]) -> tuple[str, ...]:
    """Organization ids for party ids, abbreviations or names (case-insensitive).

    Raises
    ------
    NotFoundError
        When a name matches no organization; the message lists the parties the store knows.
    """
    wanted = [party] if isinstance(party, str) else list(party)
    out: list[str] = []
    for item in wanted:
        rows = store.records(
            "SELECT id FROM organization WHERE id = ? OR lower(abbreviation) = lower(?) "
            "OR lower(name) = lower(?) ORDER BY id",
            [item, item, item],
        )
        if not rows:
            known = store.records(
                "SELECT id, coalesce(abbreviation, name) AS label FROM organization "
                "WHERE classification IN ('party', 'faction', 'breakaway group', 'coalition') "
                "ORDER BY id LIMIT 20"
            )
            listing = ", ".join(f"{r['id']} ({r['label']})" for r in known) or "none"
            raise NotFoundError(
                f"party {item!r}: no party has that id, abbreviation or name. Known: {listing}"
            )
        out.extend(r["id"] for r in rows)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Scope:
    """The filters of one metric call, resolved and checked (see the module docstring)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    as_of: dt.date | None = None
    legislature: str | None = None
    parties: tuple[str, ...] | None = None

    @property
    def until(self) -> dt.date | None:
        """The last day whose records count: the earlier of ``date_to`` and ``as_of``."""
        ends = [d for d in (self.date_to, self.as_of) if d is not None]
        return min(ends) if ends else None

    @property
    def dated(self) -> bool:
        """True when a date bound is set (undated records are then left out)."""
        return self.date_from is not None or self.until is not None

    def params(self) -> dict[str, Any]:
        """The named parameters the fragments use."""
        p: dict[str, Any] = {"f_from": self.date_from, "f_until": self.until}
        p["f_leg"] = self.legislature
        for i, party in enumerate(self.parties or ()):
            p[f"f_party_{i}"] = party
        return p

    def _dates(self, column: str) -> list[str]:
        out = []
        if self.dated:
            out.append(f"{column} IS NOT NULL")
        if self.date_from is not None:
            out.append(f"{column} >= $f_from")
        if self.until is not None:
            out.append(f"{column} <= $f_until")
        return out

    def record_filter(self, alias: str) -> str:
        """A boolean SQL expression keeping the dated records in scope: roll calls
        (``vote_event``) or events (sittings, meetings), which share ``start_date``,
        ``organization_id`` and ``legislative_period_id``."""
        parts = self._dates(f"{alias}.start_date")
        if self.legislature is not None:
            parts.append(
                f"({alias}.organization_id = $f_leg OR {alias}.legislative_period_id = $f_leg "
                f"OR {alias}.organization_id IN (SELECT id FROM organization "
                "WHERE parent_id = $f_leg))"
            )
        return " AND ".join(parts) or "1 = 1"

    def party_filter(self, column: str) -> str:
        """A boolean SQL expression keeping rows whose ``column`` is one of the parties."""
        if not self.parties:
            return "1 = 1"
        names = ", ".join(f"$f_party_{i}" for i in range(len(self.parties)))
        return f"{column} IN ({names})"


def resolve_scope(
    store: Store,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | Sequence[str] | None = None,
) -> Scope:
    """Check the filters and resolve names to ids.

    Raises
    ------
    InputError
        A date is malformed, or ``date_from`` is after the end.
    NotFoundError
        The legislature or party is unknown to the store.
    """
    d_from = parse_date(date_from, name="date_from")
    d_to = parse_date(date_to, name="date_to")
    d_as = resolve_as_of(store, as_of, default=False)
    scope = Scope(d_from, d_to, d_as, legislature or None, None)
    if d_from is not None and scope.until is not None and d_from > scope.until:
        raise InputError(
            f"date_from {d_from} is after the end of the range {scope.until}: swap them or "
            "widen the range."
        )
    if legislature:
        found = store.scalar(
            "SELECT count(*) FROM (SELECT id FROM organization WHERE id = ? "
            "UNION ALL SELECT id FROM event WHERE id = ?) x",
            [legislature, legislature],
        )
        if not found:
            known = store.records(
                "SELECT id FROM organization WHERE classification IN ('legislature', 'chamber') "
                "UNION SELECT id FROM event WHERE classification = 'legislative period' "
                "ORDER BY id LIMIT 20"
            )
            listing = ", ".join(r["id"] for r in known) or "none"
            raise NotFoundError(
                f"legislature {legislature!r}: no chamber, legislature or legislative period "
                f"has that id. Known: {listing}"
            )
    parties = resolve_parties(store, party) if party else None
    return Scope(d_from, d_to, d_as, legislature or None, parties)
