"""Rolling windows shared by attendance and agreement: the latest window and the one before.

A window is either a number of the member's own latest records (``50``: the last 50 roll
calls the member was eligible for) or a span of days (``timedelta(days=90)``) ending on the
reference day: ``as_of``, else ``date_to``, else the last dated record in scope. With undated
records only a count window can be computed; a day window then yields no rate (NULL).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from floorwatch.dates import days_before
from floorwatch.metrics._filters import Scope, Window, bind
from floorwatch.store import Store

__all__ = ["window_conditions"]


def _last_date(store: Store, scope: Scope, table: str) -> dt.date | None:
    if table == "vote_event":
        sql = f"SELECT max(ve.start_date) FROM vote_event ve WHERE {scope.record_filter('ve')}"
    else:
        sql = (
            "SELECT max(e.start_date) FROM event e WHERE e.classification NOT IN "
            f"('legislative period', 'election') AND {scope.record_filter('e')}"
        )
    value = store.scalar(sql, bind(sql, scope.params()))
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def window_conditions(
    store: Store, scope: Scope, window: Window, *, table: str = "vote_event"
) -> tuple[str, str, dict[str, Any]]:
    """SQL conditions for "in the latest window" and "in the previous window", and their params.

    The conditions refer to columns ``d`` (the record's date) and ``rn_desc`` (the member's
    records numbered from the latest, 1-based).
    """
    if isinstance(window, int) and not isinstance(window, bool):
        return (
            "rn_desc <= $w_n",
            "rn_desc > $w_n AND rn_desc <= 2 * $w_n",
            {"w_n": int(window)},
        )
    end = scope.until or _last_date(store, scope, table)
    if end is None:
        return "1 = 0", "1 = 0", {}
    start = days_before(end, window)
    prev = days_before(start, window)
    return (
        "d IS NOT NULL AND d > $w_start AND d <= $w_end",
        "d IS NOT NULL AND d > $w_prev AND d <= $w_start",
        {"w_end": end, "w_start": start, "w_prev": prev},
    )
