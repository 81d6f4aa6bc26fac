"""Party loyalty (Voteview), rebellion (Public Whip) and party unity (CQ), per member.

Voteview party loyalty (https://voteview.com, "party loyalty")
    The share of a member's yea/nay votes cast with the majority of their party. Cast codes 1-3
    are yea, 4-6 nay, 7-9 (present, not voting) are dropped. A roll call counts when the party
    majority is defined (a tie in the party, or nobody voting, leaves it undefined) and the
    party had at least ``min_party_size`` members voting yea or nay in it (setting
    ``min_party_size``, default 10). The member is part of the majority they are compared with.
Public Whip rebellion (https://www.publicwhip.org.uk/faq.php#rebellion)
    A vote in the opposite lobby to the majority of the member's party; the rate is
    rebellions / votes attended. A teller counts as voting; voting both ways is attended but is
    never a rebellion; paired and announced votes (not cast on the floor) are not attended.
    There is no party-size limit (a party of one never rebels).
Whip directions and free votes (floorwatch)
    Where a whip direction is recorded for the party on a roll call it replaces the majority
    guess in both measures (no size limit then applies): voting the other way, or voting at all
    against a direction to abstain, is disloyal; abstaining as directed counts as loyal. Free
    votes (roll-call classification ``free vote``, or a whip direction ``free``) are left out of
    both.
CQ party unity (Congressional Quarterly's annual vote studies)
    A party-unity vote is a roll call on which a majority of one major party votes against a
    majority of the other. The major parties are the two with most members voting in that
    chamber and legislative period. A member's party-unity score is the share of party-unity
    votes (yea or nay; as in CQ's current studies, absences do not lower it) on which they voted
    with their party's majority; NULL for members outside the two major parties.

A member who changes party gets one row per party: loyalty is measured against the party they
sat for at each vote.
"""

from __future__ import annotations

import pandas as pd

from floorwatch.metrics._filters import Scope, bucket_sql, resolve_scope, run
from floorwatch.metrics._rollcalls import attended_sql, ballot_ctes, line_ctes, side_sql
from floorwatch.settings import default
from floorwatch.store import Store

__all__ = ["LOYALTY_COLUMNS", "loyalty", "party_unity_votes"]

#: The columns :func:`loyalty` returns, in order.
LOYALTY_COLUMNS = (
    "person_id",
    "name",
    "party_id",
    "party",
    "votes",
    "with_party",
    "loyalty",
    "attended",
    "rebellions",
    "rebellion_rate",
    "unity_votes",
    "unity_with_party",
    "party_unity",
)


def _major_ctes() -> str:
    """CTEs (after ``line``) ending in ``unity``: the two major parties and party-unity votes."""
    return """sizes AS (
    SELECT b.organization_id, coalesce(b.period_id, '') AS pk, b.party_id,
           count(DISTINCT b.person_id) AS n
    FROM ballot b WHERE b.party_id IS NOT NULL AND b.position IN (1, -1)
    GROUP BY b.organization_id, coalesce(b.period_id, ''), b.party_id
),
major AS (
    SELECT organization_id, pk, party_id FROM (
        SELECT sizes.*, row_number() OVER (PARTITION BY organization_id, pk
                                           ORDER BY n DESC, party_id) AS rk
        FROM sizes
    ) x WHERE rk <= 2
),
mline AS (
    SELECT l.vote_event_id, l.party_id, l.majority, l.free
    FROM line l JOIN ve ON ve.vote_event_id = l.vote_event_id
    JOIN major m ON m.organization_id = ve.organization_id
                AND m.pk = coalesce(ve.period_id, '') AND m.party_id = l.party_id
),
unity AS (
    SELECT vote_event_id FROM mline WHERE free = 0
    GROUP BY vote_event_id
    HAVING count(*) = 2 AND min(majority) = -1 AND max(majority) = 1
)"""


def _scope_and_params(store: Store, kwargs: dict) -> tuple[Scope, dict]:
    scope = resolve_scope(store, **kwargs)
    return scope, scope.params()


def loyalty(
    store: Store,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    min_party_size: int | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Voteview loyalty, Public Whip rebellion and CQ party unity per member and party.

    Parameters
    ----------
    store:
        An open store.
    date_from, date_to, as_of, legislature, party:
        The shared filters; ``party`` keeps the votes cast while sitting for that party.
    min_party_size:
        Voteview's rule: party majorities of fewer yea/nay voters are not used for loyalty
        (default: the ``min_party_size`` setting, 10).
    by:
        ``"month"``: one row per member, party and calendar month of the roll calls (a
        ``month`` column ``'YYYY-MM'`` first; undated roll calls left out), ordered by month.
        The party-unity votes and major parties are those of the whole scope, as CQ takes
        them per chamber and period.

    Returns
    -------
    pandas.DataFrame
        One row per member and party, lowest loyalty first, columns :data:`LOYALTY_COLUMNS`:
        ``votes`` counted for loyalty, ``with_party``, ``loyalty`` = with_party / votes;
        ``attended`` divisions, ``rebellions``, ``rebellion_rate`` = rebellions / attended;
        ``unity_votes`` (party-unity votes the member voted yea or nay on),
        ``unity_with_party`` and ``party_unity`` = unity_with_party / unity_votes.
    """
    scope, params = _scope_and_params(
        store,
        dict(
            date_from=date_from,
            date_to=date_to,
            as_of=as_of,
            legislature=legislature,
            party=party,
        ),
    )
    params["min_size"] = int(
        min_party_size if min_party_size is not None else default("min_party_size")
    )
    side = side_sql("b")
    sql = f"""WITH {ballot_ctes(scope)},
{line_ctes()},
{_major_ctes()},
scored AS (
    SELECT b.person_id, b.party_id, b.option, {side} AS side, {attended_sql("b")} AS att,
           l.majority, l.free,
           CASE WHEN l.free = 1 THEN NULL WHEN l.whip_line IS NOT NULL THEN l.whip_line
                WHEN l.yes + l.no >= $min_size THEN l.majority END AS vv_line,
           CASE WHEN l.free = 1 THEN NULL WHEN l.whip_line IS NOT NULL THEN l.whip_line
                ELSE l.majority END AS pw_line,
           CASE WHEN u.vote_event_id IS NOT NULL AND mj.party_id IS NOT NULL
                THEN 1 ELSE 0 END AS unity,
           {bucket_sql(by, "b.start_date")} AS bucket
    FROM ballot b
    JOIN line l ON l.vote_event_id = b.vote_event_id AND l.party_id = b.party_id
    LEFT JOIN unity u ON u.vote_event_id = b.vote_event_id
    LEFT JOIN major mj ON mj.organization_id = b.organization_id
                      AND mj.pk = coalesce(b.period_id, '') AND mj.party_id = b.party_id
    WHERE {scope.party_filter("b.party_id")}
),
agg AS (
    SELECT person_id, party_id, bucket,
           sum(CASE WHEN vv_line IS NOT NULL AND (side IS NOT NULL OR
                    (vv_line = 0 AND option IN ('abstain', 'present'))) THEN 1 ELSE 0 END)
               AS votes,
           sum(CASE WHEN vv_line IS NOT NULL AND (side = vv_line OR
                    (vv_line = 0 AND side IS NULL AND option IN ('abstain', 'present')))
                    THEN 1 ELSE 0 END) AS with_party,
           sum(CASE WHEN free = 0 AND att = 1 THEN 1 ELSE 0 END) AS attended,
           sum(CASE WHEN free = 0 AND att = 1 AND side IS NOT NULL AND pw_line IS NOT NULL
                     AND (pw_line = 0 OR side = -pw_line) THEN 1 ELSE 0 END) AS rebellions,
           sum(CASE WHEN unity = 1 AND att = 1 AND side IS NOT NULL THEN 1 ELSE 0 END)
               AS unity_votes,
           sum(CASE WHEN unity = 1 AND att = 1 AND side = majority THEN 1 ELSE 0 END)
               AS unity_with_party,
           max(unity) AS in_major
    FROM scored GROUP BY person_id, party_id, bucket
)
SELECT a.bucket AS month, a.person_id, coalesce(p.name, a.person_id) AS name, a.party_id,
       coalesce(o.name, a.party_id) AS party,
       CAST(a.votes AS BIGINT) AS votes, CAST(a.with_party AS BIGINT) AS with_party,
       CASE WHEN a.votes > 0 THEN CAST(a.with_party AS DOUBLE) / a.votes END AS loyalty,
       CAST(a.attended AS BIGINT) AS attended, CAST(a.rebellions AS BIGINT) AS rebellions,
       CASE WHEN a.attended > 0 THEN CAST(a.rebellions AS DOUBLE) / a.attended END
           AS rebellion_rate,
       CAST(a.unity_votes AS BIGINT) AS unity_votes,
       CAST(a.unity_with_party AS BIGINT) AS unity_with_party,
       CASE WHEN a.unity_votes > 0 THEN CAST(a.unity_with_party AS DOUBLE) / a.unity_votes END
           AS party_unity
FROM agg a
LEFT JOIN person p ON p.id = a.person_id
LEFT JOIN organization o ON o.id = a.party_id
{"WHERE a.bucket <> ''" if by is not None else ""}
ORDER BY month, loyalty ASC NULLS LAST, rebellion_rate DESC NULLS LAST, name, person_id,
         party_id"""
    frame = run(store, sql, params)
    return frame[(["month"] if by is not None else []) + list(LOYALTY_COLUMNS)]


def party_unity_votes(
    store: Store,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
) -> pd.DataFrame:
    """The roll calls that are CQ party-unity votes, with the two major parties' majorities.

    Returns
    -------
    pandas.DataFrame
        One row per party-unity vote, in order: ``vote_event_id, date, seq, question,
        party_a, majority_a, party_b, majority_b`` (majorities as ``yes``/``no``; ``party_a``
        is the one voting yes).
    """
    scope, params = _scope_and_params(
        store,
        dict(date_from=date_from, date_to=date_to, as_of=as_of, legislature=legislature),
    )
    sql = f"""WITH {ballot_ctes(scope)},
{line_ctes()},
{_major_ctes()}
SELECT ve.id AS vote_event_id, ve.start_date AS date, ve.seq,
       coalesce(ve.question, ve.motion_text) AS question,
       max(CASE WHEN ml.majority = 1 THEN ml.party_id END) AS party_a, 'yes' AS majority_a,
       max(CASE WHEN ml.majority = -1 THEN ml.party_id END) AS party_b, 'no' AS majority_b
FROM unity u JOIN mline ml ON ml.vote_event_id = u.vote_event_id
JOIN vote_event ve ON ve.id = u.vote_event_id
GROUP BY ve.id, ve.start_date, ve.seq, coalesce(ve.question, ve.motion_text)
ORDER BY ve.start_date ASC NULLS FIRST, ve.seq, ve.id"""
    return run(store, sql, params)
