"""Resolve claims against the membership history.

The rules (``docs/claims.md`` has them with a worked example):

* The evidence is the list of party changes from :func:`floorwatch.memberships.switches`,
  including changes between terms (a member who resigns and comes back for another party at a
  by-election did join it). A switch is dated by ``date_to``, the first day under the new party.
* A switch *matches* a person claim when it is the subject's, its ``date_to`` lies in
  ``[made_on, deadline]`` and on or before ``as_of``, and: ``joins X`` -> ``to_party_id = X``;
  ``leaves Y`` / ``stays in Y`` -> ``from_party_id = Y`` (any switch when no Y is given);
  ``expelled`` -> kind ``expelled`` or ``whip removed`` (and from Y when given).
* For each subject the predicted event has *occurred* (a matching switch), *not occurred*
  (``as_of`` is past the deadline with none) or is *unknown*. ``stays`` holds when no matching
  switch occurred. A denial holds when the prediction does not.
* A claim about several people is true when it holds for every one of them, false as soon as
  it fails for one, pending otherwise.
* A count claim counts the distinct members of party ``count_of`` with a matching switch. It is
  false as soon as the count passes ``count_max``; true once it reaches ``count_min`` when there
  is no upper bound; otherwise settled when the window has passed.
* ``as_of`` is "now" for the resolution: switches after it are not yet known, and a window is
  passed only when ``as_of > deadline``. It defaults to :func:`record_end`, the latest date the
  store's record reaches, never today's date: for historical data today would close every
  window at once, however little the store holds.
* A manual override (:func:`floorwatch.claims.override`) wins; re-resolving refreshes only the
  automatic columns under it. Resolving twice with the same data and ``as_of`` writes the same
  rows (idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

from floorwatch.claims._frames import as_date, date_columns
from floorwatch.dates import record_end, resolve_as_of
from floorwatch.memberships import switches
from floorwatch.store import Store

__all__ = ["record_end", "resolve_claims", "subject_outcomes"]

_SWITCH_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("from_party_id", pa.string()),
        ("to_party_id", pa.string()),
        ("date_to", pa.date32()),
        ("kind", pa.string()),
        ("to_membership_id", pa.string()),
    ]
)

#: The match condition between a claim row ``c`` (predicts, org) and a switch ``w``.
_MATCH = """(CASE c.predicts
        WHEN 'joins' THEN w.to_party_id = c.org
        WHEN 'expelled' THEN w.kind IN ('expelled', 'whip removed')
                             AND (c.org IS NULL OR w.from_party_id = c.org)
        ELSE c.org IS NULL OR w.from_party_id = c.org END)"""


def _register_switches(store: Store) -> None:
    frame = switches(store, include_elections=True)
    data = {name: list(frame[name]) if name in frame else [] for name in _SWITCH_SCHEMA.names}
    for name in _SWITCH_SCHEMA.names:
        if name != "date_to":  # an expulsion has no new party: NaN -> NULL
            data[name] = [_str_or_none(x) for x in data[name]]
    data["date_to"] = [as_date(d) for d in data["date_to"]]
    store.register("_cl_sw", pa.Table.from_pydict(data, schema=_SWITCH_SCHEMA))


def _scope(claim_ids: Iterable[str] | None, alias: str) -> tuple[str, list[str]]:
    if claim_ids is None:
        return "", []
    ids = list(claim_ids)
    if not ids:
        return " AND FALSE", []
    return f" AND {alias}.id IN ({', '.join('?' for _ in ids)})", ids


_SUBJECTS_SQL = """
WITH c AS (
    SELECT c.id AS claim_id, s.person_id, c.predicts, c.organization_id AS org, c.stance,
           c.made_on, c.deadline
    FROM claim c JOIN claim_subject s ON s.claim_id = c.id
    WHERE c.count_min IS NULL {scope}
),
m AS (
    SELECT c.claim_id, c.person_id, w.date_to, w.to_membership_id,
           row_number() OVER (PARTITION BY c.claim_id, c.person_id
                              ORDER BY w.date_to, w.to_membership_id) AS rn
    FROM c JOIN _cl_sw w ON w.person_id = c.person_id
    WHERE w.date_to >= c.made_on AND w.date_to <= c.deadline AND w.date_to <= ?
      AND {match}
),
o AS (
    SELECT c.*, m.date_to AS switch_date, m.to_membership_id AS switch_membership_id,
           CASE WHEN m.date_to IS NOT NULL THEN 1 WHEN ? > c.deadline THEN 0 END AS occurred
    FROM c LEFT JOIN m ON m.claim_id = c.claim_id AND m.person_id = c.person_id AND m.rn = 1
)
SELECT o.*,
       CASE WHEN occurred IS NULL THEN NULL
            WHEN (predicts = 'stays') = (stance = 'denies') THEN occurred
            ELSE 1 - occurred END AS holds,
       CASE WHEN occurred = 1 THEN switch_date WHEN occurred = 0 THEN deadline END AS settled_on
FROM o
"""


def subject_outcomes(
    store: Store, *, as_of: dt.date | None = None, claim_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Per claim and person named: did the predicted switch occur by ``as_of``?

    Columns: claim_id, person_id, predicts, org, stance, made_on, deadline, switch_date (the
    first matching switch's ``date_to``), switch_membership_id, occurred (1, 0, or missing when
    not yet known), holds (1/0/missing: the claim as stated holds for this person), settled_on.
    Count claims have no rows here.
    """
    as_of = resolve_as_of(store, as_of)
    _register_switches(store)
    scope, ids = _scope(claim_ids, "c")
    try:
        frame = store.query(_SUBJECTS_SQL.format(scope=scope, match=_MATCH), [*ids, as_of, as_of])
    finally:
        store.unregister("_cl_sw")
    return date_columns(frame, ("made_on", "deadline", "switch_date", "settled_on"))


_PERSON_CLAIMS_SQL = f"""
WITH sub AS ({_SUBJECTS_SQL}),
agg AS (
    SELECT claim_id, count(*) AS n, count(holds) AS n_known, min(holds) AS h_min,
           sum(CASE WHEN occurred = 1 THEN 1 ELSE 0 END) AS matched
    FROM sub GROUP BY claim_id
),
ranked AS (
    SELECT sub.claim_id, sub.person_id, sub.holds, sub.settled_on, sub.switch_date,
           sub.switch_membership_id, agg.n, agg.n_known, agg.h_min, agg.matched,
           row_number() OVER (
               PARTITION BY sub.claim_id
               ORDER BY CASE WHEN agg.h_min = 0 AND sub.holds = 0 THEN 0 ELSE 1 END,
                        CASE WHEN agg.h_min = 0 THEN sub.settled_on END ASC,
                        CASE WHEN agg.h_min = 1 THEN sub.settled_on END DESC,
                        sub.person_id) AS rn
    FROM sub JOIN agg ON agg.claim_id = sub.claim_id
),
settled AS (
    SELECT *, CASE WHEN h_min = 0 THEN 'false'
                   WHEN h_min = 1 AND n_known = n THEN 'true'
                   ELSE 'pending' END AS status
    FROM ranked WHERE rn = 1
)
SELECT claim_id, status,
       CASE WHEN status <> 'pending' THEN settled_on END AS resolved_on,
       CASE WHEN status <> 'pending' THEN switch_date END AS event_date,
       CASE WHEN status <> 'pending' AND switch_date IS NOT NULL THEN person_id END
           AS evidence_person_id,
       CASE WHEN status <> 'pending' THEN switch_membership_id END AS evidence_membership_id,
       matched
FROM settled
"""

_COUNT_CLAIMS_SQL = """
WITH c AS (
    SELECT c.id AS claim_id, c.predicts, c.organization_id AS org, c.count_of AS grp, c.stance,
           c.count_min, c.count_max, c.made_on, c.deadline
    FROM claim c WHERE c.count_min IS NOT NULL {scope}
),
hits AS (
    SELECT c.claim_id, w.person_id, w.date_to, w.to_membership_id,
           row_number() OVER (PARTITION BY c.claim_id, w.person_id
                              ORDER BY w.date_to, w.to_membership_id) AS rn
    FROM c JOIN _cl_sw w
      ON w.date_to >= c.made_on AND w.date_to <= c.deadline AND w.date_to <= ?
     AND (c.grp IS NULL OR w.from_party_id = c.grp)
     AND {match}
),
firsts AS (
    SELECT claim_id, person_id, date_to, to_membership_id,
           row_number() OVER (PARTITION BY claim_id ORDER BY date_to, person_id) AS k
    FROM hits WHERE rn = 1
),
counted AS (SELECT claim_id, count(*) AS matched FROM firsts GROUP BY claim_id),
e AS (
    SELECT c.*, coalesce(counted.matched, 0) AS matched,
           reach.date_to AS reached_on, reach.person_id AS reach_person,
           reach.to_membership_id AS reach_membership,
           beyond.date_to AS passed_on, beyond.person_id AS over_person,
           beyond.to_membership_id AS over_membership,
           CASE WHEN beyond.date_to IS NOT NULL THEN 0
                WHEN ? > c.deadline THEN
                     CASE WHEN coalesce(counted.matched, 0) >= c.count_min THEN 1 ELSE 0 END
                WHEN c.count_max IS NULL AND coalesce(counted.matched, 0) >= c.count_min THEN 1
           END AS happened
    FROM c
    LEFT JOIN counted ON counted.claim_id = c.claim_id
    LEFT JOIN firsts reach ON reach.claim_id = c.claim_id AND reach.k = c.count_min
    LEFT JOIN firsts beyond ON beyond.claim_id = c.claim_id AND beyond.k = c.count_max + 1
),
h AS (
    SELECT e.*,
           CASE WHEN happened IS NULL THEN NULL
                WHEN stance = 'denies' THEN 1 - happened ELSE happened END AS holds,
           CASE WHEN passed_on IS NOT NULL THEN passed_on
                WHEN happened = 1 AND count_max IS NULL THEN coalesce(reached_on, made_on)
                ELSE deadline END AS settled_on,
           CASE WHEN passed_on IS NOT NULL THEN passed_on
                WHEN happened = 1 THEN reached_on END AS event_on,
           CASE WHEN passed_on IS NOT NULL THEN over_person
                WHEN happened = 1 THEN reach_person END AS event_person,
           CASE WHEN passed_on IS NOT NULL THEN over_membership
                WHEN happened = 1 THEN reach_membership END AS event_membership
    FROM e
)
SELECT claim_id,
       CASE holds WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'pending' END AS status,
       CASE WHEN holds IS NOT NULL THEN settled_on END AS resolved_on,
       CASE WHEN holds IS NOT NULL THEN event_on END AS event_date,
       CASE WHEN holds IS NOT NULL THEN event_person END AS evidence_person_id,
       CASE WHEN holds IS NOT NULL THEN event_membership END AS evidence_membership_id,
       matched
FROM h
"""

_RESULT_COLS = (
    "claim_id",
    "status",
    "resolved_on",
    "event_date",
    "evidence_person_id",
    "evidence_membership_id",
    "matched",
)


def _automatic(store: Store, as_of: dt.date, claim_ids: list[str] | None) -> pd.DataFrame:
    _register_switches(store)
    try:
        scope, ids = _scope(claim_ids, "c")
        people = store.query(
            _PERSON_CLAIMS_SQL.format(scope=scope, match=_MATCH), [*ids, as_of, as_of]
        )
        counts = store.query(
            _COUNT_CLAIMS_SQL.format(scope=scope, match=_MATCH), [*ids, as_of, as_of]
        )
    finally:
        store.unregister("_cl_sw")
    frames = [f[list(_RESULT_COLS)] for f in (people, counts) if not f.empty]
    if not frames:
        return pd.DataFrame({c: [] for c in _RESULT_COLS})
    return pd.concat(frames, ignore_index=True)


def resolve_claims(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Resolve claims automatically against the membership history, in one transaction.

    Parameters
    ----------
    store:
        A writable store.
    as_of:
        The date of the resolution ("now"): switches after it are ignored and a window counts
        as passed only when ``as_of`` is after its deadline. Default: :func:`record_end`.
    claim_ids:
        Only these claims (default: all).

    Returns
    -------
    pandas.DataFrame
        One row per claim resolved: claim_id, status (the effective status: a manual override
        wins), auto_status, manual, resolved_on, event_date, matched (subjects or members with
        a matching switch), evidence_person_id, evidence_membership_id, as_of.
    """
    as_of = resolve_as_of(store, as_of)
    ids = list(claim_ids) if claim_ids is not None else None
    auto = _automatic(store, as_of, ids)
    table = pa.Table.from_pydict(
        {
            "claim_id": [str(x) for x in auto["claim_id"]],
            "status": [str(x) for x in auto["status"]],
            "resolved_on": [as_date(x) for x in auto["resolved_on"]],
            "event_date": [as_date(x) for x in auto["event_date"]],
            "evidence_person_id": [_str_or_none(x) for x in auto["evidence_person_id"]],
            "evidence_membership_id": [_str_or_none(x) for x in auto["evidence_membership_id"]],
            "matched": [int(x) for x in auto["matched"]],
        },
        schema=pa.schema(
            [
                ("claim_id", pa.string()),
                ("status", pa.string()),
                ("resolved_on", pa.date32()),
                ("event_date", pa.date32()),
                ("evidence_person_id", pa.string()),
                ("evidence_membership_id", pa.string()),
                ("matched", pa.int32()),
            ]
        ),
    )
    store.register("_cl_res", table)
    try:
        with store.transaction():
            store.execute(
                """UPDATE claim_resolution SET
                       auto_status = r.status, auto_resolved_on = r.resolved_on,
                       auto_event_date = r.event_date, evidence_person_id = r.evidence_person_id,
                       evidence_membership_id = r.evidence_membership_id, matched = r.matched,
                       as_of = ?,
                       status = CASE WHEN claim_resolution.manual THEN claim_resolution.status
                                     ELSE r.status END,
                       resolved_on = CASE WHEN claim_resolution.manual
                                          THEN claim_resolution.resolved_on
                                          ELSE r.resolved_on END,
                       event_date = CASE WHEN claim_resolution.manual
                                         THEN claim_resolution.event_date
                                         ELSE r.event_date END
                   FROM _cl_res r WHERE claim_resolution.claim_id = r.claim_id""",
                [as_of],
            )
            store.execute(
                """INSERT INTO claim_resolution (claim_id, status, resolved_on, event_date,
                       auto_status, auto_resolved_on, auto_event_date, evidence_person_id,
                       evidence_membership_id, matched, as_of, manual)
                   SELECT r.claim_id, r.status, r.resolved_on, r.event_date, r.status,
                          r.resolved_on, r.event_date, r.evidence_person_id,
                          r.evidence_membership_id, r.matched, ?, FALSE
                   FROM _cl_res r
                   WHERE NOT EXISTS (SELECT 1 FROM claim_resolution x
                                     WHERE x.claim_id = r.claim_id)""",
                [as_of],
            )
    finally:
        store.unregister("_cl_res")
    where = ""
    if ids is not None:
        where = f"WHERE r.claim_id IN ({', '.join('?' for _ in ids)})" if ids else "WHERE FALSE"
    out = store.query(
        f"""SELECT r.claim_id, r.status, r.auto_status, r.manual, r.resolved_on, r.event_date,
                  r.matched, r.evidence_person_id, r.evidence_membership_id, r.as_of
           FROM claim_resolution r JOIN claim c ON c.id = r.claim_id {where}
           ORDER BY c.made_on, r.claim_id""",
        ids or [],
    )
    return date_columns(out, ("resolved_on", "event_date", "as_of"))


def _str_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return str(value)
