"""Party cohesion: the Rice index per roll call and the Hix-Noury-Roland Agreement Index.

Rice index (Rice 1925, "The Behavior of Legislative Groups", *Political Science Quarterly* 40)
    ``|Y - N| / (Y + N)`` for a party on a roll call: 1 when the party votes as one, 0 when it
    splits evenly. Y and N count the party's members on the yea and nay sides (Voteview cast
    codes 1-3 and 4-6); abstentions are ignored.
Agreement Index (Hix, Noury and Roland 2005, "Power to the Parties", *British Journal of
Political Science* 35(2))
    ``AI = (max(Y, N, A) - 0.5 * ((Y + N + A) - max(Y, N, A))) / (Y + N + A)``, with A the
    members abstaining (or voting present). It runs from 0 (an even three-way split) to 1, and
    unlike Rice it counts abstention as a way of breaking ranks. Over a period it is the mean
    of the per-roll-call values, as in HNR.

Members not voting are not counted. A party's party is the party at the vote (``vote.group_id``).
Free votes are included by default (they are where cohesion is tested); pass
``include_free=False`` to leave them out.
"""

from __future__ import annotations

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.metrics._filters import Scope, resolve_scope, run
from floorwatch.metrics._rollcalls import ballot_ctes, line_ctes
from floorwatch.store import Store

__all__ = ["COHESION_COLUMNS", "RICE_COLUMNS", "cohesion", "rice"]

#: The columns :func:`rice` returns, in order.
RICE_COLUMNS = (
    "vote_event_id",
    "date",
    "seq",
    "party_id",
    "party",
    "yes",
    "no",
    "abstain",
    "rice",
    "agreement_index",
)

#: The columns :func:`cohesion` returns, in order.
COHESION_COLUMNS = (
    "party_id",
    "party",
    "period",
    "roll_calls",
    "rice",
    "agreement_index",
    "first_date",
    "last_date",
)

_MAX3 = (
    "CASE WHEN l.yes >= l.no AND l.yes >= l.abstain THEN l.yes "
    "WHEN l.no >= l.abstain THEN l.no ELSE l.abstain END"
)


def _per_rollcall_sql(scope: Scope, include_free: bool) -> str:
    free = "" if include_free else " AND l.free = 0"
    return f"""WITH {ballot_ctes(scope)},
{line_ctes()},
rc AS (
    SELECT l.vote_event_id, ve.organization_id, ve.period_id, ve.start_date AS date, ve.seq, ve.k,
           l.party_id, l.yes, l.no, l.abstain,
           CASE WHEN l.yes + l.no > 0
                THEN CAST(abs(l.yes - l.no) AS DOUBLE) / (l.yes + l.no) END AS rice,
           CASE WHEN l.yes + l.no + l.abstain > 0
                THEN (CAST({_MAX3} AS DOUBLE) - 0.5 * ((l.yes + l.no + l.abstain) - {_MAX3}))
                     / (l.yes + l.no + l.abstain) END AS agreement_index
    FROM line l JOIN ve ON ve.vote_event_id = l.vote_event_id
    WHERE l.yes + l.no + l.abstain >= $min_size AND {scope.party_filter("l.party_id")}{free}
)"""


def rice(
    store: Store,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    include_free: bool = True,
    min_party_size: int = 1,
) -> pd.DataFrame:
    """The Rice index and the HNR Agreement Index per party per roll call.

    Parameters
    ----------
    min_party_size:
        Leave out a party on a roll call where fewer of its members voted (yea, nay or
        abstain). Default 1: every party that voted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RICE_COLUMNS`, in roll-call order; ``rice`` is NULL when nobody in the
        party took a side.
    """
    scope = resolve_scope(store, date_from, date_to, as_of, legislature, party)
    params = scope.params() | {"min_size": int(min_party_size)}
    sql = (
        _per_rollcall_sql(scope, include_free)
        + """
SELECT rc.vote_event_id, rc.date, rc.seq, rc.party_id, coalesce(o.name, rc.party_id) AS party,
       rc.yes, rc.no, rc.abstain, rc.rice, rc.agreement_index
FROM rc LEFT JOIN organization o ON o.id = rc.party_id
ORDER BY rc.date ASC NULLS FIRST, rc.seq, rc.vote_event_id, rc.party_id"""
    )
    return run(store, sql, params)[list(RICE_COLUMNS)]


def _period_sql(period: str | int) -> str:
    if isinstance(period, int) and not isinstance(period, bool):
        if period < 1:
            raise InputError(f"period: expected a positive number of roll calls but got {period}")
        return (
            "'block ' || CAST(CAST(floor((row_number() OVER (PARTITION BY rc.party_id "
            "ORDER BY rc.k) - 1) / CAST($block AS DOUBLE))"
            " AS INTEGER) + 1 AS VARCHAR)"
        )
    if period == "month":
        return (
            "CASE WHEN rc.date IS NULL THEN 'undated' ELSE "
            "CAST(EXTRACT(YEAR FROM rc.date) AS VARCHAR) || '-' || "
            "CASE WHEN EXTRACT(MONTH FROM rc.date) < 10 THEN '0' ELSE '' END || "
            "CAST(EXTRACT(MONTH FROM rc.date) AS VARCHAR) END"
        )
    if period == "year":
        return (
            "CASE WHEN rc.date IS NULL THEN 'undated' ELSE "
            "CAST(EXTRACT(YEAR FROM rc.date) AS VARCHAR) END"
        )
    if period == "legislature":
        return "coalesce(rc.period_id, rc.organization_id)"
    if period == "all":
        return "'all'"
    raise InputError(
        f"period: expected month, year, legislature, all or a number of roll calls but got "
        f"{period!r}"
    )


def cohesion(
    store: Store,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    period: str | int = "month",
    include_free: bool = True,
    min_party_size: int = 1,
) -> pd.DataFrame:
    """A time series of cohesion per party: mean Rice and mean Agreement Index per period.

    Parameters
    ----------
    period:
        ``"month"``, ``"year"``, ``"legislature"`` (legislative period), ``"all"``, or a whole
        number N: consecutive blocks of N of the party's roll calls (for undated roll calls).
        Undated roll calls fall in the period ``"undated"`` by month or year.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COHESION_COLUMNS`, by party then period.
    """
    scope = resolve_scope(store, date_from, date_to, as_of, legislature, party)
    params = scope.params() | {"min_size": int(min_party_size)}
    if isinstance(period, int) and not isinstance(period, bool):
        params["block"] = int(period)
    sql = (
        _per_rollcall_sql(scope, include_free)
        + f""",
tagged AS (
    SELECT rc.*, {_period_sql(period)} AS period FROM rc
)
SELECT t.party_id, coalesce(o.name, t.party_id) AS party, t.period,
       CAST(count(*) AS BIGINT) AS roll_calls, avg(t.rice) AS rice,
       avg(t.agreement_index) AS agreement_index,
       min(t.date) AS first_date, max(t.date) AS last_date,
       min(coalesce(t.seq, 0)) AS first_seq
FROM tagged t LEFT JOIN organization o ON o.id = t.party_id
GROUP BY t.party_id, coalesce(o.name, t.party_id), t.period
ORDER BY t.party_id, first_date ASC NULLS FIRST, first_seq, t.period"""
    )
    return run(store, sql, params)[list(COHESION_COLUMNS)]
