"""Signals for legislatures recorded only by attendance (sittings and party meetings, no roll
calls): the party committee's own test of "constant absence from crucial meetings".

Absence over the recent window, the crucial-weighted absence, the current run of missed
events (all from :func:`floorwatch.metrics.attendance.attendance`, events basis) and published
claims; the vote-based signals are missing and drop out of the score.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from floorwatch.dates import days_before
from floorwatch.errors import NotFoundError
from floorwatch.metrics.attendance import attendance
from floorwatch.risk.claims_view import claim_counts
from floorwatch.risk.config import VOTE_SIGNALS, RiskConfig
from floorwatch.risk.context import Context
from floorwatch.store import Store

__all__ = ["attendance_legislature", "attendance_signals"]


def attendance_legislature(store: Store, legislature: str | None) -> str | None:
    """The legislature (an event organizer with attendance records) to flag, or None."""
    rows = store.records(
        "SELECT DISTINCT e.organization_id AS org FROM event e "
        "JOIN attendance a ON a.event_id = e.id WHERE e.organization_id IS NOT NULL"
    )
    known = [r["org"] for r in rows]
    if legislature is not None:
        return legislature if legislature in known else None
    if len(known) > 1:
        raise NotFoundError(
            "several bodies hold attendance records ("
            + ", ".join(sorted(known))
            + "); choose one with --legislature"
        )
    return known[0] if known else None


def _start(store: Store, legislature: str, as_of: dt.date) -> dt.date | None:
    period = store.records(
        "SELECT max(start_date) AS s FROM event WHERE organization_id = ? "
        "AND classification = 'legislative period' AND start_date <= ?",
        [legislature, as_of],
    )[0]["s"]
    if period is None:
        period = store.scalar(
            "SELECT min(start_date) FROM event WHERE organization_id = ?", [legislature]
        )
    return None if period is None else pd.Timestamp(period).date()


def attendance_signals(
    store: Store, as_of: dt.date, legislature: str, config: RiskConfig
) -> tuple[pd.DataFrame, Context]:
    """Signals from attendance records only, as of ``as_of`` (records dated <= as_of)."""
    start = _start(store, legislature, as_of)
    if start is None or start > as_of:
        raise NotFoundError(f"no events of {legislature} on or before {as_of}")
    recent_from = max(start, days_before(as_of, config.recent_days))
    att = attendance(
        store,
        basis="events",
        legislature=legislature,
        date_from=start,
        as_of=as_of,
        window=dt.timedelta(days=config.recent_days),
    )
    if att.empty:
        raise NotFoundError(f"no attendance recorded in {legislature} up to {as_of}")
    sig = att[["person_id", "name", "party_id", "party"]].reset_index(drop=True).copy()
    sig["n_votes"] = 0  # no roll calls: the record is the events possible
    sig["n_events"] = att["possible"].to_numpy()
    for name in VOTE_SIGNALS:
        sig[name] = np.nan
    sig["ideal_point"] = np.nan
    sig["absence"] = 1 - att["window_rate"].to_numpy(dtype="float64", na_value=np.nan)
    crucial = att["crucial_rate"].to_numpy(dtype="float64", na_value=np.nan)
    sig["crucial_absence"] = 1 - crucial
    sig["absence_streak"] = att["current_streak"].to_numpy(dtype="float64", na_value=np.nan)
    sig["appearances"] = np.nan
    sig["claims"] = claim_counts(store, sig, as_of)
    missed = store.query(
        """SELECT a.person_id, e.start_date AS date, e.id AS event_id, e.name, e.classification,
                  e.crucial, a.status
        FROM attendance a JOIN event e ON e.id = a.event_id
        WHERE e.organization_id = ? AND e.start_date BETWEEN ? AND ? AND a.status = 'absent'
        ORDER BY e.start_date DESC""",
        [legislature, recent_from, as_of],
    )
    ctx = Context(as_of, legislature, None, start, recent_from, None, None, {}, None)
    ctx.cache["missed_events"] = missed
    return sig, ctx
