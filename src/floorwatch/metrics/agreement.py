"""Agreement with a named group: how often each member votes with the group's majority.

The group is a party, a faction, a breakaway group or a coalition (an organization id,
abbreviation or name), or a listed set of people (person ids, e.g. "the rebels"). For each
member and roll call on which the member voted yea or nay, the group's majority is taken over
the group's *other* members (a member never agrees with themself), and the member agrees when
they voted with it. Roll calls on which the group (without the member) is tied or took no side
do not count.

Who is in an organization group at a vote: members sitting for it (``vote.group_id``), members
sitting for one of its child organizations (a party in a coalition), and people whose
membership of it, or seat held on its behalf, covers the roll call's date. Undated roll calls
use ``vote.group_id`` only.

This is Voteview's and Public Whip's "agreement" between two members generalized to a group;
the trend compares the latest window with the one before (see
:mod:`floorwatch.metrics._windows`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from floorwatch.errors import InputError, NotFoundError
from floorwatch.metrics._filters import (
    DEFAULT_WINDOW,
    Window,
    bucket_sql,
    resolve_scope,
    run,
)
from floorwatch.metrics._rollcalls import ballot_ctes, side_sql, within
from floorwatch.metrics._windows import window_conditions
from floorwatch.store import Store

__all__ = ["AGREEMENT_COLUMNS", "Group", "agreement", "resolve_group"]

#: The columns :func:`agreement` returns, in order.
AGREEMENT_COLUMNS = (
    "person_id",
    "name",
    "party_id",
    "party",
    "in_group",
    "votes",
    "agreed",
    "agreement",
    "window_votes",
    "window_agreement",
    "previous_agreement",
    "trend",
)


class Group:
    """A resolved group: organization ids, or person ids.

    Attributes
    ----------
    kind:
        ``"organization"`` or ``"people"``.
    ids:
        The organization ids or the person ids.
    label:
        A readable name.
    """

    def __init__(self, kind: str, ids: tuple[str, ...], label: str) -> None:
        self.kind = kind
        self.ids = ids
        self.label = label

    def __repr__(self) -> str:
        return f"Group({self.kind!r}, {self.ids!r}, {self.label!r})"


def resolve_group(store: Store, group: str | Sequence[str]) -> Group:
    """Resolve ``group``: an organization (id, abbreviation or name), or person ids.

    A string with commas is a list of person ids; a sequence is a list of person ids.

    Raises
    ------
    NotFoundError
        When the organization or a person is unknown.
    """
    if isinstance(group, str) and "," not in group:
        rows = store.records(
            "SELECT id, name FROM organization WHERE (id = ? OR lower(abbreviation) = lower(?) "
            "OR lower(name) = lower(?)) AND classification NOT IN ('legislature', 'chamber') "
            "ORDER BY id",
            [group, group, group],
        )
        if rows:
            return Group("organization", tuple(r["id"] for r in rows), rows[0]["name"])
        people = [group]
    elif isinstance(group, str):
        people = [p.strip() for p in group.split(",") if p.strip()]
    else:
        people = [str(p).strip() for p in group if str(p).strip()]
    if not people:
        raise InputError("group: expected an organization or at least one person id")
    found = store.query(
        "SELECT id FROM person WHERE id IN (" + ", ".join("?" for _ in people) + ")", people
    )
    missing = sorted(set(people) - set(found["id"]))
    if missing:
        raise NotFoundError(
            f"group: {', '.join(missing)} is neither an organization (id, abbreviation or name) "
            "nor a person id in the store. List parties with `floorwatch info` or people with "
            "`floorwatch export`."
        )
    return Group("people", tuple(dict.fromkeys(people)), ", ".join(people))


def _in_group_sql(group: Group) -> str:
    names = ", ".join(f"$g_{i}" for i in range(len(group.ids)))
    if group.kind == "people":
        return f"b.person_id IN ({names})"
    return f"""(b.party_id IN ({names})
        OR b.party_id IN (SELECT id FROM organization WHERE parent_id IN ({names}))
        OR EXISTS (SELECT 1 FROM membership m
                   WHERE m.person_id = b.person_id
                     AND (m.organization_id IN ({names}) OR m.on_behalf_of_id IN ({names}))
                     AND {within("b.start_date", "m")}))"""


def agreement(
    store: Store,
    group: str | Sequence[str] | Group,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    window: Window = DEFAULT_WINDOW,
    by: str | None = None,
) -> pd.DataFrame:
    """Each member's agreement with the majority of ``group``, overall and in rolling windows.

    Parameters
    ----------
    group:
        An organization id, abbreviation or name; person ids (a sequence, or a string with
        commas); or a :class:`Group`.
    date_from, date_to, as_of, legislature, party:
        The shared filters; ``party`` keeps the members' votes cast while sitting for that
        party (the group's majority always uses all the group's votes).
    window:
        A number of the member's latest counted votes, or a :class:`datetime.timedelta`.
    by:
        ``"month"``: ``votes``, ``agreed`` and ``agreement`` per member and calendar month (a
        ``month`` column ``'YYYY-MM'`` first, then ``person_id, name``; undated roll calls left
        out), ordered by month.

    Returns
    -------
    pandas.DataFrame
        One row per member, highest agreement first, columns :data:`AGREEMENT_COLUMNS`:
        ``in_group`` (1 when the member was in the group at their latest counted vote),
        ``votes`` counted, ``agreed``, ``agreement`` = agreed / votes, ``window_votes``,
        ``window_agreement``, ``previous_agreement`` and ``trend`` = window_agreement -
        previous_agreement.
    """
    g = group if isinstance(group, Group) else resolve_group(store, group)
    scope = resolve_scope(store, date_from, date_to, as_of, legislature, party)
    params = scope.params()
    for i, gid in enumerate(g.ids):
        params[f"g_{i}"] = gid
    side = side_sql("b")
    counted = f"""WITH {ballot_ctes(scope)},
sided AS (
    SELECT b.vote_event_id, b.person_id, b.party_id, b.start_date AS d, b.k, {side} AS side,
           CASE WHEN {_in_group_sql(g)} THEN 1 ELSE 0 END AS in_group
    FROM ballot b WHERE {side} IS NOT NULL
),
gc AS (
    SELECT vote_event_id, sum(CASE WHEN side = 1 THEN 1 ELSE 0 END) AS gy,
           sum(CASE WHEN side = -1 THEN 1 ELSE 0 END) AS gn
    FROM sided WHERE in_group = 1 GROUP BY vote_event_id
),
cmp AS (
    SELECT s.*, gc.gy - CASE WHEN s.in_group = 1 AND s.side = 1 THEN 1 ELSE 0 END AS y,
           gc.gn - CASE WHEN s.in_group = 1 AND s.side = -1 THEN 1 ELSE 0 END AS n
    FROM sided s JOIN gc ON gc.vote_event_id = s.vote_event_id
    WHERE {scope.party_filter("s.party_id")}
),
pk AS (
    SELECT person_id, row_number() OVER (ORDER BY person_id) AS pk
    FROM (SELECT DISTINCT person_id FROM cmp) x
),
counted0 AS (
    SELECT c.person_id, c.party_id, c.d, c.in_group, {bucket_sql(by, "c.d")} AS bucket,
           CASE WHEN c.side = CASE WHEN c.y > c.n THEN 1 ELSE -1 END THEN 1 ELSE 0 END AS agree,
           row_number() OVER (ORDER BY pk.pk, c.k) AS rg
    FROM cmp c JOIN pk ON pk.person_id = c.person_id WHERE c.y <> c.n
),
counted AS (
    SELECT c.*, l.last_rg - c.rg + 1 AS rn_desc FROM counted0 c
    JOIN (SELECT person_id, max(rg) AS last_rg FROM counted0 GROUP BY person_id) l
      ON l.person_id = c.person_id
)"""
    if by is not None:  # the counted votes grouped by member and month
        sql = f"""{counted},
monthly AS (
    SELECT person_id, bucket, count(*) AS votes, sum(agree) AS agreed
    FROM counted GROUP BY person_id, bucket
)
SELECT m.bucket AS month, m.person_id, coalesce(p.name, m.person_id) AS name,
       CAST(m.votes AS BIGINT) AS votes, CAST(m.agreed AS BIGINT) AS agreed,
       CAST(m.agreed AS DOUBLE) / m.votes AS agreement
FROM monthly m LEFT JOIN person p ON p.id = m.person_id
WHERE m.bucket <> ''
ORDER BY month, agreement DESC, name, person_id"""
        return run(store, sql, params)
    cur, prev, wp = window_conditions(store, scope, window, table="vote_event")
    params.update(wp)
    sql = f"""{counted},
agg AS (
    SELECT person_id, count(*) AS votes, sum(agree) AS agreed,
           sum(CASE WHEN {cur} THEN 1 ELSE 0 END) AS w_votes,
           sum(CASE WHEN {cur} THEN agree ELSE 0 END) AS w_agreed,
           sum(CASE WHEN {prev} THEN 1 ELSE 0 END) AS p_votes,
           sum(CASE WHEN {prev} THEN agree ELSE 0 END) AS p_agreed,
           max(CASE WHEN rn_desc = 1 THEN in_group END) AS in_group,
           max(CASE WHEN rn_desc = 1 THEN party_id END) AS party_id
    FROM counted GROUP BY person_id
),
out AS (
    SELECT a.person_id, coalesce(p.name, a.person_id) AS name, a.party_id,
           coalesce(o.name, a.party_id) AS party, CAST(a.in_group AS INTEGER) AS in_group,
           CAST(a.votes AS BIGINT) AS votes, CAST(a.agreed AS BIGINT) AS agreed,
           CAST(a.agreed AS DOUBLE) / a.votes AS agreement,
           CAST(a.w_votes AS BIGINT) AS window_votes,
           CASE WHEN a.w_votes > 0 THEN CAST(a.w_agreed AS DOUBLE) / a.w_votes END
               AS window_agreement,
           CASE WHEN a.p_votes > 0 THEN CAST(a.p_agreed AS DOUBLE) / a.p_votes END
               AS previous_agreement
    FROM agg a LEFT JOIN person p ON p.id = a.person_id
    LEFT JOIN organization o ON o.id = a.party_id
)
SELECT out.*, window_agreement - previous_agreement AS trend FROM out
ORDER BY agreement DESC, name, person_id"""
    return run(store, sql, params)[list(AGREEMENT_COLUMNS)]
