"""Party history: who sat for which party when, and every change of party.

A *party spell* is a stretch of time in which a person belonged to a party: either a seat in a
legislature held ``on_behalf_of`` a party (Popolo), or a direct membership of a party
organization (a party's own register). A *switch* is two consecutive spells of one person in
one legislature under different parties. A membership of a party held on behalf of another
organisation (an EP group membership on behalf of a national party) is a second level, not a
party spell. A change of spell ended ``party renamed`` (a rename or merger) is listed only
with ``include_renames``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from floorwatch.store import Store
from floorwatch.store.schema import SWITCH_REASONS

__all__ = ["PARTY_SPELLS_SQL", "party_at", "party_spells", "switches"]

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

_SWITCHES_SQL = f"""
WITH spells AS ({PARTY_SPELLS_SQL}),
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
)
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
WHERE o.prev_party IS NOT NULL AND o.prev_party <> o.party_id
"""


def party_spells(store: Store) -> pd.DataFrame:
    """Every party spell in the store (see :data:`PARTY_SPELLS_SQL`)."""
    return store.query(PARTY_SPELLS_SQL + " ORDER BY person_id, start_date")


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
    kind (the membership's end reason, e.g. ``changed party``, ``whip removed``; or
    ``between terms`` for a change at an election, listed only with ``include_elections``;
    ``party renamed`` for a rename or merger, listed only with ``include_renames``).
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
    frame = store.query(sql + " ORDER BY date_to, name", params)
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
