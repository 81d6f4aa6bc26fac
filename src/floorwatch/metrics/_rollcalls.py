"""SQL building blocks shared by the roll-call metrics: the ballots in scope, with parties.

:func:`ballot_ctes` returns common table expressions (to follow ``WITH``) ending in ``ballot``:
one row per person per roll call in scope, with the columns

``vote_event_id, person_id, party_id, option, position, cast_code, role, has_vote,
organization_id, period_id, start_date, seq, classification, crucial, k`` where ``k`` numbers
the roll calls in time order (date, undated first, then ``seq``, then id).

A member's party at a vote is ``vote.group_id`` (set at ingest); where that is missing it is
the party spell (:data:`floorwatch.memberships.PARTY_SPELLS_SQL`) covering the roll call's date,
preferring a seat held for a party in that chamber over a direct party membership.

With ``eligible=True`` the rows are every person *eligible* for the roll call: everyone with a
vote row, plus everyone whose seat in the chamber (or its parent legislature) covers the roll
call's date by membership dates, with ``has_vote = 0`` when no vote was recorded. Undated roll
calls can only be matched by vote rows. A CTE ``known`` then lists known absences (an
attendance row with status ``leave``/``excused``/``suspended`` on a sitting of the chamber that
covers the roll call's date).
"""

from __future__ import annotations

from floorwatch.memberships import PARTY_SPELLS_SQL
from floorwatch.metrics._filters import Scope

__all__ = [
    "ATTENDED_OPTIONS",
    "FREE_SQL",
    "attended_sql",
    "ballot_ctes",
    "line_ctes",
    "side_sql",
    "within",
]

#: Options that show a member took part in a division (a teller also takes part).
ATTENDED_OPTIONS = ("yes", "no", "abstain", "present", "both")

#: Voteview cast codes that are recorded but not cast on the floor: paired (2, 5) and
#: announced (3, 4) votes. Attendance counts them as missed, as GovTrack does.
_NOT_ON_FLOOR = "(2, 3, 4, 5)"


def attended_sql(alias: str = "b") -> str:
    """1 when the ballot shows the member voted in the division (a teller counts), else 0."""
    opts = ", ".join(f"'{o}'" for o in ATTENDED_OPTIONS)
    return (
        f"CASE WHEN {alias}.role = 'teller' OR ({alias}.option IN ({opts}) AND "
        f"({alias}.cast_code IS NULL OR {alias}.cast_code NOT IN {_NOT_ON_FLOOR})) "
        "THEN 1 ELSE 0 END"
    )


def side_sql(alias: str = "b") -> str:
    """+1 (yea side), -1 (nay side) or NULL: Voteview's codes 1-3 and 4-6; 'both' has no side."""
    return (
        f"CASE WHEN {alias}.option = 'both' THEN NULL "
        f"WHEN {alias}.position IN (1, -1) THEN {alias}.position END"
    )


#: A boolean over ``ve`` (vote_event) and ``wd`` (whip_direction): the roll call is a free vote.
FREE_SQL = "(coalesce(ve.classification, '') = 'free vote' OR coalesce(wd.direction, '') = 'free')"

_WITHIN = (
    "({d} IS NOT NULL AND ({s}.start_date IS NULL OR {s}.start_date <= {d}) "
    "AND ({s}.end_date IS NULL OR {s}.end_date >= {d}))"
)


def within(date: str, spell: str) -> str:
    """SQL: the dated ``date`` lies in the spell ``spell`` (open ends allowed)."""
    return _WITHIN.format(d=date, s=spell)


def ballot_ctes(scope: Scope, *, eligible: bool = False) -> str:
    """CTEs (without the leading ``WITH``) ending in ``ballot``; see the module docstring."""
    parts = [
        f"""ve AS (
    SELECT ve.id AS vote_event_id, ve.organization_id, ve.legislative_period_id AS period_id,
           o.parent_id, ve.start_date, ve.seq, ve.classification, ve.crucial,
           row_number() OVER (ORDER BY ve.start_date ASC NULLS FIRST, ve.seq, ve.id) AS k
    FROM vote_event ve LEFT JOIN organization o ON o.id = ve.organization_id
    WHERE {scope.record_filter("ve")}
)""",
        """vr AS (
    SELECT v.vote_event_id, v.voter_id AS person_id, v.option, v.position, v.cast_code,
           v.group_id, v.role
    FROM vote v JOIN ve ON ve.vote_event_id = v.vote_event_id
)""",
    ]
    if eligible:
        seat_ok = within("ve.start_date", "s")
        parts += [
            """seat AS (
    SELECT m.person_id, m.organization_id, m.start_date, m.end_date
    FROM membership m JOIN organization o ON o.id = m.organization_id
    WHERE o.classification IN ('legislature', 'chamber')
)""",
            f"""seat_elig AS (
    SELECT ve.vote_event_id, s.person_id FROM ve
    JOIN seat s ON s.organization_id = ve.organization_id WHERE {seat_ok}
    UNION
    SELECT ve.vote_event_id, s.person_id FROM ve
    JOIN seat s ON s.organization_id = ve.parent_id WHERE {seat_ok}
)""",
            # One pass over the votes: a full join with the seats (no anti-join, which
            # would read the votes a second time).
            """bal0 AS (
    SELECT coalesce(vr.vote_event_id, e.vote_event_id) AS vote_event_id,
           coalesce(vr.person_id, e.person_id) AS person_id, vr.option, vr.position,
           vr.cast_code, vr.group_id, vr.role,
           CASE WHEN vr.vote_event_id IS NULL THEN 0 ELSE 1 END AS has_vote
    FROM vr FULL OUTER JOIN seat_elig e
      ON e.vote_event_id = vr.vote_event_id AND e.person_id = vr.person_id
)""",
            """known AS (
    SELECT ve.vote_event_id, a.person_id,
           min(CASE WHEN a.status = 'suspended' THEN 'suspended' ELSE 'excused' END)
               AS known_absence
    FROM attendance a JOIN event e ON e.id = a.event_id
    JOIN ve ON (e.organization_id = ve.organization_id OR e.organization_id = ve.parent_id)
    WHERE a.status IN ('leave', 'excused', 'suspended') AND ve.start_date IS NOT NULL
      AND e.start_date IS NOT NULL AND ve.start_date >= e.start_date
      AND ve.start_date <= coalesce(e.end_date, e.start_date)
    GROUP BY ve.vote_event_id, a.person_id
)""",
        ]
    else:
        parts.append(
            """bal0 AS (
    SELECT vote_event_id, person_id, option, position, cast_code, group_id, role,
           1 AS has_vote
    FROM vr
)"""
        )
    spell_ok = (
        "(n.start_date IS NULL OR ((s.start_date IS NULL OR s.start_date <= n.start_date) "
        "AND (s.end_date IS NULL OR s.end_date >= n.start_date)))"
    )
    parts += [
        f"spells AS ({PARTY_SPELLS_SQL})",
        # The party of a vote without a group: the best party spell covering it, picked for
        # that subset and joined back. (A window over every ballot's candidate spells reads
        # the votes once on Spark, but makes DuckDB sort all the ballots: 3-4x slower.)
        """nogroup AS (
    SELECT b.vote_event_id, b.person_id, ve.organization_id, ve.parent_id, ve.start_date
    FROM bal0 b JOIN ve ON ve.vote_event_id = b.vote_event_id WHERE b.group_id IS NULL
)""",
        f"""spell_pick AS (
    SELECT vote_event_id, person_id, party_id FROM (
        SELECT n.vote_event_id, n.person_id, s.party_id,
               row_number() OVER (
                   PARTITION BY n.vote_event_id, n.person_id
                   ORDER BY CASE WHEN s.legislature_id = '' THEN 1 ELSE 0 END,
                            s.start_date DESC NULLS LAST, s.party_id) AS rn
        FROM nogroup n JOIN spells s ON s.person_id = n.person_id
        WHERE (s.legislature_id = n.organization_id OR s.legislature_id = n.parent_id
               OR s.legislature_id = '') AND {spell_ok}
    ) x WHERE rn = 1
)""",
        """ballot AS (
    SELECT b.vote_event_id, b.person_id, coalesce(b.group_id, sp.party_id) AS party_id,
           b.option, b.position, b.cast_code, b.role, b.has_vote,
           ve.organization_id, ve.period_id, ve.start_date, ve.seq, ve.classification,
           ve.crucial, ve.k
    FROM bal0 b JOIN ve ON ve.vote_event_id = b.vote_event_id
    LEFT JOIN spell_pick sp ON sp.vote_event_id = b.vote_event_id
                           AND sp.person_id = b.person_id
)""",
    ]
    return ",\n".join(parts)


def line_ctes() -> str:
    """CTEs (after :func:`ballot_ctes`) ending in ``line``: each party's line per roll call.

    Columns of ``line``: ``vote_event_id, party_id, yes, no, abstain`` (the party's members on
    the yea side, the nay side, and abstaining or present), ``majority`` (+1, -1, or NULL on a
    tie or when nobody took a side), ``whip`` (the whip direction, if any), ``whip_line``
    (+1 yes, -1 no, 0 abstain, NULL none or free) and ``free`` (1 on a free vote).
    """
    return f"""pc AS (
    SELECT b.vote_event_id, b.party_id,
           sum(CASE WHEN {side_sql("b")} = 1 THEN 1 ELSE 0 END) AS yes,
           sum(CASE WHEN {side_sql("b")} = -1 THEN 1 ELSE 0 END) AS no,
           sum(CASE WHEN b.position = 0 AND b.option IN ('abstain', 'present')
                    THEN 1 ELSE 0 END) AS abstain
    FROM ballot b WHERE b.party_id IS NOT NULL AND b.has_vote = 1
    GROUP BY b.vote_event_id, b.party_id
),
line AS (
    SELECT pc.vote_event_id, pc.party_id, CAST(pc.yes AS BIGINT) AS yes,
           CAST(pc.no AS BIGINT) AS no, CAST(pc.abstain AS BIGINT) AS abstain,
           CASE WHEN pc.yes > pc.no THEN 1 WHEN pc.no > pc.yes THEN -1 END AS majority,
           wd.direction AS whip,
           CASE wd.direction WHEN 'yes' THEN 1 WHEN 'no' THEN -1 WHEN 'abstain' THEN 0
           END AS whip_line,
           CASE WHEN {FREE_SQL} THEN 1 ELSE 0 END AS free
    FROM pc JOIN ve ON ve.vote_event_id = pc.vote_event_id
    LEFT JOIN whip_direction wd ON wd.vote_event_id = pc.vote_event_id
                               AND wd.organization_id = pc.party_id
)"""
