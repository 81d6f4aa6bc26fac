"""Attendance per member: from attendance records (sittings, meetings) or from roll calls.

Two bases, never mixed in one rate:

``"events"``
    Explicit attendance records (``attendance`` rows on ``event`` s such as plenary sittings or
    party meetings). ``present`` is attended; ``absent`` is missed; ``leave`` and ``excused``
    are known absences and ``suspended`` a barred member: all three are reported apart and
    left out of the rate. An eligible member with no record for an event is counted missed
    (and also reported as ``unrecorded``, since it may be a gap in the source).
``"votes"``
    Roll calls, as GovTrack's *missed votes* and Public Whip's *attendance* ("divisions voted
    in / divisions possible while a member"). A member attended a division when they voted
    yes, no, abstain, present or both ways, or were a teller. Not voting, absent, paired and
    Voteview's *announced* votes (cast codes 2-5: not cast on the floor) are missed, unless an
    attendance record shows leave, excused or suspended that day.

Eligibility: a member is eligible for an event or roll call when they have a record for it, or
when a membership of the body covers its date (seat dates from the memberships; a party
meeting's members are the party's members). Undated records count only through their own rows.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.memberships import PARTY_SPELLS_SQL
from floorwatch.metrics._filters import (
    DEFAULT_WINDOW,
    Scope,
    Window,
    bind,
    bucket_sql,
    resolve_scope,
    run,
)
from floorwatch.metrics._rollcalls import attended_sql, ballot_ctes, within
from floorwatch.metrics._windows import window_conditions
from floorwatch.store import Store

__all__ = ["ATTENDANCE_COLUMNS", "attendance"]

#: The columns :func:`attendance` returns, in order.
ATTENDANCE_COLUMNS = (
    "person_id",
    "name",
    "party_id",
    "party",
    "possible",
    "attended",
    "missed",
    "unrecorded",
    "excused",
    "suspended",
    "rate",
    "crucial_rate",
    "current_streak",
    "longest_streak",
    "window_possible",
    "window_rate",
    "previous_rate",
    "window_change",
)

#: Event classifications that are not sittings or meetings and never count.
_NOT_SITTINGS = "('legislative period', 'election')"


def _rollcall_records(scope: Scope) -> str:
    """CTEs ending in ``rec``: one row per eligible person per roll call."""
    return f"""{ballot_ctes(scope, eligible=True)},
rec AS (
    SELECT b.vote_event_id AS item_id, b.person_id, b.party_id, b.start_date AS d, b.k,
           b.crucial,
           CASE WHEN {attended_sql("b")} = 1 THEN 'attended'
                WHEN k.known_absence IS NOT NULL THEN k.known_absence
                ELSE 'missed' END AS status,
           b.has_vote AS recorded
    FROM ballot b
    LEFT JOIN known k ON k.vote_event_id = b.vote_event_id AND k.person_id = b.person_id
    WHERE {scope.party_filter("b.party_id")}
)"""


def _event_records(scope: Scope, classifications: tuple[str, ...] | None) -> str:
    """CTEs ending in ``rec``: one row per eligible person per sitting or meeting."""
    cls = ""
    if classifications:
        names = ", ".join(f"$cls_{i}" for i in range(len(classifications)))
        cls = f" AND e.classification IN ({names})"
    return f"""ev AS (
    SELECT e.id, e.organization_id, e.start_date, e.crucial,
           row_number() OVER (ORDER BY e.start_date ASC NULLS FIRST, e.id) AS k
    FROM event e
    WHERE e.classification NOT IN {_NOT_SITTINGS} AND {scope.record_filter("e")}{cls}
),
arow AS (
    SELECT a.event_id, a.person_id, a.status FROM attendance a JOIN ev ON ev.id = a.event_id
),
spells AS ({PARTY_SPELLS_SQL}),
elig AS (
    SELECT event_id, person_id FROM arow
    UNION
    SELECT ev.id, m.person_id FROM ev JOIN membership m ON m.organization_id = ev.organization_id
    WHERE {within("ev.start_date", "m")}
    UNION
    SELECT ev.id, s.person_id FROM ev JOIN spells s ON s.party_id = ev.organization_id
    WHERE {within("ev.start_date", "s")}
),
party_pick AS (
    SELECT event_id, person_id, party_id FROM (
        SELECT el.event_id, el.person_id, s.party_id,
               row_number() OVER (
                   PARTITION BY el.event_id, el.person_id
                   ORDER BY CASE WHEN s.party_id = ev.organization_id THEN 0
                                 WHEN s.legislature_id = '' THEN 2 ELSE 1 END,
                            s.start_date DESC NULLS LAST, s.party_id) AS rn
        FROM elig el JOIN ev ON ev.id = el.event_id
        JOIN spells s ON s.person_id = el.person_id
        WHERE (s.legislature_id = ev.organization_id OR s.legislature_id = ''
               OR s.party_id = ev.organization_id)
          AND (ev.start_date IS NULL OR {within("ev.start_date", "s")})
    ) x WHERE rn = 1
),
rec AS (
    SELECT el.event_id AS item_id, el.person_id, pp.party_id, ev.start_date AS d, ev.k,
           ev.crucial,
           CASE a.status WHEN 'present' THEN 'attended' WHEN 'leave' THEN 'excused'
                WHEN 'excused' THEN 'excused' WHEN 'suspended' THEN 'suspended'
                ELSE 'missed' END AS status,
           CASE WHEN a.person_id IS NULL THEN 0 ELSE 1 END AS recorded
    FROM elig el JOIN ev ON ev.id = el.event_id
    LEFT JOIN arow a ON a.event_id = el.event_id AND a.person_id = el.person_id
    LEFT JOIN party_pick pp ON pp.event_id = el.event_id AND pp.person_id = el.person_id
    WHERE {scope.party_filter("pp.party_id")}
)"""


def _totals(by: str | None) -> str:
    """The CTE ``totals`` over ``r``: per member, and per bucket (``r.bucket``) with ``by``."""
    key = "person_id, bucket" if by is not None else "person_id"
    return f"""totals AS (
    SELECT {key}, sum(pos) AS possible, sum(att) AS attended,
           sum(pos) - sum(att) AS missed,
           sum(CASE WHEN status = 'missed' AND recorded = 0 THEN 1 ELSE 0 END) AS unrecorded,
           sum(CASE WHEN status = 'excused' THEN 1 ELSE 0 END) AS excused,
           sum(CASE WHEN status = 'suspended' THEN 1 ELSE 0 END) AS suspended,
           sum(CASE WHEN pos = 1 THEN crucial ELSE 0 END) AS crucial_possible,
           sum(CASE WHEN att = 1 THEN crucial ELSE 0 END) AS crucial_attended,
           arg_max(party_id, CASE WHEN party_id IS NOT NULL THEN k END) AS party_id
    FROM r GROUP BY {key}
)"""


#: The output columns computed from ``totals t`` (joined to ``person p``, ``organization o``).
_TOTAL_COLUMNS = """t.person_id, coalesce(p.name, t.person_id) AS name, t.party_id,
           coalesce(o.name, t.party_id) AS party,
           CAST(t.possible AS BIGINT) AS possible, CAST(t.attended AS BIGINT) AS attended,
           CAST(t.missed AS BIGINT) AS missed, CAST(t.unrecorded AS BIGINT) AS unrecorded,
           CAST(t.excused AS BIGINT) AS excused,
           CAST(t.suspended AS BIGINT) AS suspended,
           CASE WHEN t.possible > 0 THEN CAST(t.attended AS DOUBLE) / t.possible END AS rate,
           CASE WHEN t.crucial_possible > 0
                THEN CAST(t.crucial_attended AS DOUBLE) / t.crucial_possible END AS crucial_rate"""


def _flagged(by: str | None = None) -> str:
    """The CTE ``r``: ``rec`` with ``att`` (attended) and ``pos`` (possible) flags, and the
    record's ``bucket`` with ``by`` (see :func:`~floorwatch.metrics._filters.bucket_sql`)."""
    bucket = f",\n           {bucket_sql(by, 'd')} AS bucket" if by is not None else ""
    return f"""r AS (
    SELECT rec.*, CASE WHEN status = 'attended' THEN 1 ELSE 0 END AS att,
           CASE WHEN status IN ('attended', 'missed') THEN 1 ELSE 0 END AS pos{bucket}
    FROM rec
)"""


def _summary_by(by: str) -> str:
    """CTEs and the final SELECT over ``rec``: the totals per member and bucket (no streaks
    or windows: those are the member's over the whole scope)."""
    return f""",
{_flagged(by)},
{_totals(by)}
SELECT t.bucket AS month, {_TOTAL_COLUMNS}
FROM totals t
LEFT JOIN person p ON p.id = t.person_id
LEFT JOIN organization o ON o.id = t.party_id
WHERE t.bucket <> ''
ORDER BY month, rate ASC NULLS LAST, name, person_id"""


def _summary(cur: str, prev: str) -> str:
    """CTEs and the final SELECT over ``rec`` (item_id, person_id, party_id, d, k, crucial,
    status, recorded); ``k`` orders the records in time.

    The totals are one GROUP BY over ``rec``; the streaks and rolling windows number the
    possible records (only the columns they need) by windows partitioned by the member, and
    the missed ones again, so that a run of misses is an "island"; no window spans every
    record. Row numbers over a narrow projection, not running sums over whole records:
    DuckDB sorts every column a window carries, and a framed running sum costs more again.
    """
    return f""",
{_flagged()},
g AS (
    SELECT person_id, att, d, k,
           row_number() OVER (PARTITION BY person_id ORDER BY k) AS rg,
           count(*) OVER (PARTITION BY person_id) AS last_rg
    FROM r WHERE pos = 1
),
ordered AS (SELECT g.*, last_rg - rg + 1 AS rn_desc FROM g),
islands AS (
    SELECT person_id, count(*) AS run_len, max(rg) AS run_end, max(last_rg) AS last_rg
    FROM (
        SELECT person_id, rg, last_rg,
               rg - row_number() OVER (PARTITION BY person_id ORDER BY k) AS island
        FROM g WHERE att = 0
    ) m GROUP BY person_id, island
),
streaks AS (
    SELECT person_id, max(run_len) AS longest_streak,
           max(CASE WHEN run_end = last_rg THEN run_len ELSE 0 END) AS current_streak
    FROM islands GROUP BY person_id
),
win AS (
    SELECT person_id,
           sum(CASE WHEN {cur} THEN 1 ELSE 0 END) AS w_pos,
           sum(CASE WHEN {cur} THEN att ELSE 0 END) AS w_att,
           sum(CASE WHEN {prev} THEN 1 ELSE 0 END) AS p_pos,
           sum(CASE WHEN {prev} THEN att ELSE 0 END) AS p_att
    FROM ordered GROUP BY person_id
),
{_totals(None)},
out AS (
    SELECT {_TOTAL_COLUMNS},
           CAST(coalesce(s.current_streak, 0) AS BIGINT) AS current_streak,
           CAST(coalesce(s.longest_streak, 0) AS BIGINT) AS longest_streak,
           CAST(coalesce(w.w_pos, 0) AS BIGINT) AS window_possible,
           CASE WHEN w.w_pos > 0 THEN CAST(w.w_att AS DOUBLE) / w.w_pos END AS window_rate,
           CASE WHEN w.p_pos > 0 THEN CAST(w.p_att AS DOUBLE) / w.p_pos END AS previous_rate
    FROM totals t
    LEFT JOIN person p ON p.id = t.person_id
    LEFT JOIN organization o ON o.id = t.party_id
    LEFT JOIN streaks s ON s.person_id = t.person_id
    LEFT JOIN win w ON w.person_id = t.person_id
)
SELECT out.*, window_rate - previous_rate AS window_change FROM out
ORDER BY rate ASC NULLS LAST, name, person_id"""


def _has_attendance(store: Store, scope: Scope) -> bool:
    sql = (
        "SELECT count(*) FROM attendance a JOIN event e ON e.id = a.event_id "
        f"WHERE e.classification NOT IN {_NOT_SITTINGS} AND {scope.record_filter('e')}"
    )
    return bool(store.scalar(sql, bind(sql, scope.params())))


def attendance(
    store: Store,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    basis: Literal["events", "votes"] | None = None,
    classification: str | list[str] | None = None,
    window: Window = DEFAULT_WINDOW,
    by: str | None = None,
) -> pd.DataFrame:
    """Attendance per member, worst first.

    Parameters
    ----------
    store:
        An open store.
    date_from, date_to, as_of, legislature, party:
        The shared filters (see :mod:`floorwatch.metrics._filters`): ``as_of`` uses only
        records dated on or before that day.
    basis:
        ``"events"`` (attendance records) or ``"votes"`` (roll calls). By default, events when
        the store holds attendance records in scope, else votes.
    classification:
        With ``basis="events"``, only events of these classifications (e.g. ``"plenary
        sitting"``, ``"party meeting"``).
    window:
        The rolling window: a number of the member's latest eligible records, or a
        :class:`datetime.timedelta` ending on the reference day (default 90 days).
    by:
        ``"month"``: the totals (``possible`` to ``crucial_rate``) per member and calendar
        month, a ``month`` column ``'YYYY-MM'`` first, ordered by month (undated records left
        out; no streak or window columns). The basis is chosen once for the whole scope.

    Returns
    -------
    pandas.DataFrame
        One row per member, columns :data:`ATTENDANCE_COLUMNS`: ``possible`` eligible records
        less known absences, ``attended``, ``missed`` (of which ``unrecorded``: eligible by
        membership dates but with no record at all), ``excused`` (leave or excused),
        ``suspended``, ``rate`` = attended / possible, ``crucial_rate`` (records weighted by
        their ``crucial`` weight; NULL when none is crucial), ``current_streak`` and
        ``longest_streak`` (consecutive missed records; known absences neither break nor
        extend a streak), ``window_possible``, ``window_rate``, ``previous_rate`` (the window
        before) and ``window_change`` = window_rate - previous_rate. ``party`` is the party at
        the member's latest record.
    """
    scope = resolve_scope(store, date_from, date_to, as_of, legislature, party)
    if basis is None:
        basis = "events" if _has_attendance(store, scope) else "votes"
    if basis not in ("events", "votes"):
        raise InputError(f"basis: expected 'events' or 'votes' but got {basis!r}")
    params = scope.params()
    if basis == "votes":
        head = _rollcall_records(scope)
    else:
        cls = (classification,) if isinstance(classification, str) else classification
        cls = tuple(cls) if cls else None
        head = _event_records(scope, cls)
        for i, c in enumerate(cls or ()):
            params[f"cls_{i}"] = c
    if by is None:
        table = "vote_event" if basis == "votes" else "event"
        cur, prev, wp = window_conditions(store, scope, window, table=table)
        params.update(wp)
        tail = _summary(cur, prev)
    else:
        tail = _summary_by(by)
    frame = run(store, "WITH " + head + tail, params)
    if by is not None:
        return frame[["month", *ATTENDANCE_COLUMNS[: ATTENDANCE_COLUMNS.index("crucial_rate") + 1]]]
    return frame[list(ATTENDANCE_COLUMNS)]
