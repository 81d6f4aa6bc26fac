"""Party history: who sat for which party when, and every change of party.

A *party spell* is a stretch of time in which a person belonged to a party: either a seat in a
legislature held ``on_behalf_of`` a party (Popolo), or a direct membership of a party
organization (a party's own register). A *switch* is a change of group of one person, of one
of these kinds:

* two consecutive seat spells in one legislature under different parties (a floor-crossing or
  a change of whip: kind = the membership's end or start reason, e.g. ``changed party``; or
  ``between terms`` for a change at an election);
* a direct membership of a party, faction or breakaway group begun while, or after, the person
  belonged to another party (a seat for it or a membership of it): kind ``expelled`` when the
  old membership ended so, ``resigned seat`` when the person's last seat before it ended with
  ``resigned``, ``joined breakaway group`` / ``joined faction`` by the new group's
  classification, else the old membership's switch reason (``changed party``...) or
  ``joined other party``;
* an expulsion (a seat or membership ended ``expelled``) not followed by another group: kind
  ``expelled``, with no new party.

A membership of a party held on behalf of another organisation (an EP group membership on
behalf of a national party) is a second level, not a party spell. A change of spell ended
``party renamed`` (a rename or merger) is listed only with ``include_renames``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from floorwatch.store import Store
from floorwatch.store.schema import SWITCH_REASONS

__all__ = ["GROUP_CLASSIFICATIONS", "PARTY_SPELLS_SQL", "party_at", "party_spells", "switches"]

_REASONS = ", ".join(f"'{r}'" for r in SWITCH_REASONS)

#: Portable SQL for party spells (columns: person_id, legislature_id, party_id, start_date,
#: end_date, start_reason, end_reason, membership_id).
PARTY_SPELLS_SQL = """
SELECT m.person_id, m.organization_id AS legislature_id, m.on_behalf_of_id AS party_id,
       m.start_date, m.end_date, m.start_reason, m.end_reason, m.id AS membership_id
FROM membership m JOIN organization o ON o.id = m.organization_id
WHERE o.classification IN ('legislature', 'chamber') AND m.on_behalf_of_id IS NOT NULL
UNION ALL
SELECT m.person_id, '' AS legislature_id, m.organization_id AS party_id,
       m.start_date, m.end_date, m.start_reason, m.end_reason, m.id AS membership_id
FROM membership m JOIN organization o ON o.id = m.organization_id
WHERE o.classification = 'party' AND m.on_behalf_of_id IS NULL
"""

#: CTEs (after ``spells``) ending in ``seat_sw``: changes of the party a seat is held for. Kept
#: in the one WITH of :data:`_SWITCHES_SQL` (no nested WITH: Spark rejects the repeated name
#: once SQLGlot hoists it).
_SEAT_SWITCHES_CTES = f"""
ordered AS (
    SELECT *,
        lag(party_id) OVER w AS prev_party,
        lag(end_date) OVER w AS prev_end,
        lag(end_reason) OVER w AS prev_end_reason,
        lag(membership_id) OVER w AS prev_membership_id
    FROM spells
    WINDOW w AS (PARTITION BY person_id, legislature_id
                 ORDER BY start_date NULLS FIRST,
                          CASE WHEN start_reason IN ({_REASONS}) THEN 1 ELSE 0 END,
                          end_date)
),
seat_sw AS (
SELECT o.person_id, p.name, o.legislature_id AS legislature,
       o.prev_party AS from_party_id, fp.name AS from_party,
       o.party_id AS to_party_id, tp.name AS to_party,
       CASE WHEN o.prev_end <= o.start_date THEN o.prev_end ELSE o.start_date END AS date_from,
       CASE WHEN o.prev_end <= o.start_date THEN o.start_date ELSE o.prev_end END AS date_to,
       CASE WHEN o.prev_end_reason IN ({_REASONS}) THEN o.prev_end_reason
            WHEN o.start_reason IN ({_REASONS}) THEN o.start_reason
            WHEN o.prev_end_reason = 'party renamed' THEN 'party renamed'
            ELSE 'between terms' END AS kind,
       o.prev_membership_id AS from_membership_id, o.membership_id AS to_membership_id
FROM ordered o
JOIN person p ON p.id = o.person_id
LEFT JOIN organization fp ON fp.id = o.prev_party
LEFT JOIN organization tp ON tp.id = o.party_id
WHERE o.prev_party IS NOT NULL AND o.prev_party <> o.party_id AND o.legislature_id <> ''
)"""

#: Groups a person can leave a party for (a direct membership of one is a possible switch).
GROUP_CLASSIFICATIONS = ("party", "faction", "breakaway group")
_GROUPS = ", ".join(f"'{c}'" for c in GROUP_CLASSIFICATIONS)

_SWITCHES_SQL = f"""
WITH spells AS ({PARTY_SPELLS_SQL}),
{_SEAT_SWITCHES_CTES},
grp AS (
    SELECT m.person_id, m.organization_id AS party_id, o.classification, m.start_date,
           m.end_date, m.start_reason, m.end_reason, m.id AS membership_id
    FROM membership m JOIN organization o ON o.id = m.organization_id
    WHERE o.classification IN ({_GROUPS}) AND m.on_behalf_of_id IS NULL
),
aff AS (
    SELECT person_id, legislature_id, party_id, start_date, end_date, end_reason, membership_id
    FROM spells
    UNION ALL
    SELECT person_id, '', party_id, start_date, end_date, end_reason, membership_id
    FROM grp WHERE classification <> 'party'
),
cand AS (
    SELECT g.person_id, g.party_id AS to_party_id, g.classification AS to_class,
           g.start_date, g.start_reason, g.membership_id AS to_membership_id,
           a.party_id AS from_party_id, a.legislature_id, a.end_date AS prev_end,
           a.end_reason AS prev_end_reason, a.membership_id AS from_membership_id,
           row_number() OVER (PARTITION BY g.membership_id
                              ORDER BY a.start_date DESC NULLS LAST, a.end_date DESC NULLS FIRST,
                                       a.membership_id) AS rn
    FROM grp g JOIN aff a ON a.person_id = g.person_id AND a.party_id <> g.party_id
    WHERE g.start_date IS NOT NULL AND (a.start_date IS NULL OR a.start_date < g.start_date)
),
last_seat AS (
    SELECT c.to_membership_id, s.end_reason,
           row_number() OVER (PARTITION BY c.to_membership_id
                              ORDER BY s.end_date DESC, s.membership_id) AS rn
    FROM cand c JOIN spells s ON s.person_id = c.person_id AND s.legislature_id <> ''
    WHERE c.rn = 1 AND s.end_date IS NOT NULL AND s.end_date <= c.start_date
),
grp_sw AS (
    SELECT c.person_id, p.name, c.legislature_id AS legislature,
           c.from_party_id, fp.name AS from_party, c.to_party_id, tp.name AS to_party,
           CASE WHEN c.prev_end IS NOT NULL AND c.prev_end < c.start_date THEN c.prev_end
                ELSE c.start_date END AS date_from,
           c.start_date AS date_to,
           CASE WHEN c.prev_end_reason = 'expelled' THEN 'expelled'
                WHEN ls.end_reason = 'resigned' THEN 'resigned seat'
                WHEN c.to_class = 'breakaway group' THEN 'joined breakaway group'
                WHEN c.to_class = 'faction' THEN 'joined faction'
                WHEN c.prev_end_reason IN ({_REASONS}) THEN c.prev_end_reason
                WHEN c.start_reason IN ({_REASONS}) THEN c.start_reason
                ELSE 'joined other party' END AS kind,
           c.from_membership_id, c.to_membership_id
    FROM cand c
    JOIN person p ON p.id = c.person_id
    LEFT JOIN last_seat ls ON ls.to_membership_id = c.to_membership_id AND ls.rn = 1
    LEFT JOIN organization fp ON fp.id = c.from_party_id
    LEFT JOIN organization tp ON tp.id = c.to_party_id
    WHERE c.rn = 1 AND NOT EXISTS (
        SELECT 1 FROM seat_sw w WHERE w.person_id = c.person_id
        AND w.to_party_id = c.to_party_id AND w.date_to = c.start_date)
),
expelled AS (
    SELECT a.person_id, p.name, a.legislature_id AS legislature,
           a.party_id AS from_party_id, fp.name AS from_party,
           CAST(NULL AS VARCHAR) AS to_party_id, CAST(NULL AS VARCHAR) AS to_party,
           a.end_date AS date_from, a.end_date AS date_to, 'expelled' AS kind,
           a.membership_id AS from_membership_id, CAST(NULL AS VARCHAR) AS to_membership_id
    FROM aff a JOIN person p ON p.id = a.person_id
    LEFT JOIN organization fp ON fp.id = a.party_id
    WHERE a.end_reason = 'expelled' AND a.end_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM seat_sw w WHERE w.from_membership_id = a.membership_id)
      AND NOT EXISTS (SELECT 1 FROM grp_sw w WHERE w.from_membership_id = a.membership_id)
)
SELECT * FROM seat_sw UNION ALL SELECT * FROM grp_sw UNION ALL SELECT * FROM expelled
"""


def party_spells(store: Store, *, person: str | None = None) -> pd.DataFrame:
    """Every party spell in the store (see :data:`PARTY_SPELLS_SQL`), or one person's."""
    if person is None:
        return store.query(PARTY_SPELLS_SQL + " ORDER BY person_id, start_date")
    return store.query(
        f"SELECT * FROM ({PARTY_SPELLS_SQL}) s WHERE person_id = ? ORDER BY start_date", [person]
    )


def switches(
    store: Store,
    *,
    include_elections: bool = False,
    include_renames: bool = False,
    legislature: str | None = None,
    person: str | None = None,
) -> pd.DataFrame:
    """Every change of party found in the membership history.

    Columns: person_id, name, legislature, from_party_id, from_party, to_party_id, to_party,
    date_from (last day known under the old party), date_to (first day under the new one),
    kind (the membership's end reason, e.g. ``changed party``, ``whip removed``; ``resigned
    seat``, ``joined breakaway group``, ``joined faction``, ``joined other party`` or
    ``expelled`` (no new party) for direct memberships, see the module docstring; or
    ``between terms`` for a change of seat party at an election, listed only with
    ``include_elections``; ``party renamed`` for a rename or merger, listed only with
    ``include_renames``).
    """
    where, params = [], []
    if not include_elections:
        where.append("kind <> 'between terms'")
    if not include_renames:
        where.append("kind <> 'party renamed'")
    if legislature:
        where.append("legislature = ?")
        params.append(legislature)
    if person:
        where.append("person_id = ?")
        params.append(person)
    sql = f"SELECT * FROM ({_SWITCHES_SQL}) s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    frame = store.query(
        sql + " ORDER BY date_to, name, person_id, from_party_id, to_party_id, legislature", params
    )
    for col in ("date_from", "date_to"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def party_at(
    store: Store, person_id: str, when: dt.date, legislature: str | None = None
) -> str | None:
    """The party ``person_id`` sat for on ``when``, or None."""
    sql = (
        f"SELECT party_id FROM ({PARTY_SPELLS_SQL}) s WHERE person_id = ? "
        "AND (start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date >= ?)"
    )
    params: list = [person_id, when, when]
    if legislature:
        sql += " AND legislature_id = ?"
        params.append(legislature)
    rows = store.records(sql + " ORDER BY start_date DESC LIMIT 1", params)
    return rows[0]["party_id"] if rows else None
