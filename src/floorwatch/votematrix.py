"""Roll-call vote matrices: members x roll calls, for the numerical layers.

Yea side (Voteview cast codes 1-3, Popolo ``yes``) = 1, nay side (codes 4-6, ``no``) = 0,
everything else (present, abstain, not voting, absent, not a member) = missing (NaN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from floorwatch.dates import parse_date
from floorwatch.errors import NotFoundError
from floorwatch.store import Store

__all__ = ["VoteMatrix", "default_period", "legislatures", "resolve_legislature", "vote_matrix"]


@dataclass
class VoteMatrix:
    """A vote matrix with its row and column labels.

    Attributes
    ----------
    Y : ndarray of shape (n_members, n_rollcalls)
        1 yea side, 0 nay side, NaN otherwise.
    members : DataFrame
        One row per member, in row order: ``person_id``, ``name``, ``party_id``, ``party``
        (the party of the member's latest vote in the matrix).
    rollcalls : DataFrame
        One row per roll call, in column order: ``vote_event_id``, ``date``, ``seq``,
        ``question``, ``motion_text``, ``classification``.
    legislature, period : str
        The chamber and legislative period the matrix covers.
    recorded : ndarray of bool, shape (n_members, n_rollcalls)
        The member has a vote record on the roll call (any option): they were a member then.
    missed : ndarray of bool
        The record is ``not voting`` or ``absent`` (GovTrack's missed votes).
    group : ndarray of int
        Index into ``group_ids`` of the party the member sat for at each vote (-1: no record).
    group_ids : list
        Party organization ids (None where a vote has no group).
    """

    Y: np.ndarray
    members: pd.DataFrame
    rollcalls: pd.DataFrame
    legislature: str
    period: str | None
    recorded: np.ndarray | None = None
    missed: np.ndarray | None = None
    group: np.ndarray | None = None
    group_ids: list | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.Y.shape


def legislatures(store: Store) -> pd.DataFrame:
    """Chambers/legislatures that have roll calls: id, name, periods, roll calls, first, last."""
    return store.query(
        """SELECT ve.organization_id AS legislature, o.name,
                  count(DISTINCT ve.legislative_period_id) AS periods, count(*) AS rollcalls,
                  min(ve.start_date) AS first_date, max(ve.start_date) AS last_date
        FROM vote_event ve LEFT JOIN organization o ON o.id = ve.organization_id
        GROUP BY ve.organization_id, o.name ORDER BY rollcalls DESC"""
    )


def resolve_legislature(store: Store, legislature: str | None) -> str:
    known = legislatures(store)
    if known.empty:
        raise NotFoundError("the store holds no roll calls; ingest votes first")
    if legislature is None:
        if len(known) > 1:
            raise NotFoundError(
                "several legislatures hold roll calls ("
                + ", ".join(known.legislature)
                + "); choose one with --legislature"
            )
        return str(known.legislature.iloc[0])
    if legislature not in set(known.legislature):
        raise NotFoundError(
            f"no roll calls for legislature {legislature!r}; known: {', '.join(known.legislature)}"
        )
    return legislature


def default_period(store: Store, legislature: str, as_of: dt.date | None = None) -> str | None:
    """The latest legislative period of ``legislature`` with roll calls on or before ``as_of``."""
    sql = (
        "SELECT legislative_period_id FROM vote_event WHERE organization_id = ? "
        "AND legislative_period_id IS NOT NULL"
    )
    params: list = [legislature]
    if as_of is not None:
        sql += " AND start_date <= ?"
        params.append(as_of)
    rows = store.records(
        sql + " GROUP BY legislative_period_id ORDER BY max(start_date) DESC NULLS LAST, "
        "max(seq) DESC LIMIT 1",
        params,
    )
    return rows[0]["legislative_period_id"] if rows else None


def vote_matrix(
    store: Store,
    *,
    legislature: str | None = None,
    period: str | None = None,
    as_of: dt.date | str | None = None,
    date_from: dt.date | str | None = None,
) -> VoteMatrix:
    """The vote matrix of one legislature and legislative period, using only roll calls dated
    on or before ``as_of`` (and on or after ``date_from``).

    ``period`` defaults to the latest legislative period with roll calls up to ``as_of``.
    Undated roll calls (e.g. Voteview House files without a roll-call table) are used only
    when no date bound is given, in ``seq`` order.
    """
    as_of = parse_date(as_of, name="as_of")
    date_from = parse_date(date_from, name="date_from")
    legislature = resolve_legislature(store, legislature)
    if period is None:
        period = default_period(store, legislature, as_of)
    where = ["ve.organization_id = ?"]
    params: list = [legislature]
    if period is not None:
        where.append("ve.legislative_period_id = ?")
        params.append(period)
    if as_of is not None:
        where.append("ve.start_date <= ?")
        params.append(as_of)
    if date_from is not None:
        where.append("ve.start_date >= ?")
        params.append(date_from)
    cond = " AND ".join(where)
    rollcalls = store.query(
        f"""SELECT ve.id AS vote_event_id, ve.start_date AS date, ve.seq, ve.question,
                   ve.motion_text, ve.classification
        FROM vote_event ve WHERE {cond} ORDER BY ve.start_date NULLS LAST, ve.seq, ve.id""",
        params,
    )
    ranked = f"""WITH rc AS (
            SELECT ve.id, row_number() OVER (ORDER BY ve.start_date NULLS LAST, ve.seq, ve.id)
                   - 1 AS c
            FROM vote_event ve WHERE {cond}),
        vv AS (SELECT v.voter_id, coalesce(v.group_id, '') AS group_id, rc.c, v.position,
                      v.option FROM vote v JOIN rc ON rc.id = v.vote_event_id)"""
    arrays = store.numpy(
        f"""{ranked}
        SELECT dense_rank() OVER (ORDER BY voter_id) - 1 AS r, c,
               coalesce(position, 9) AS position,
               CASE WHEN option IN ('not voting', 'absent') THEN 1 ELSE 0 END AS missed,
               dense_rank() OVER (ORDER BY group_id) - 1 AS g
        FROM vv""",
        params,
    )
    voters = [
        v
        for (v,) in store.rows(
            f"{ranked} SELECT DISTINCT voter_id FROM vv ORDER BY voter_id", params
        )
    ]
    groups = [
        g
        for (g,) in store.rows(
            f"{ranked} SELECT DISTINCT group_id FROM vv ORDER BY group_id", params
        )
    ]
    n, m = len(voters), len(rollcalls)
    r = np.asarray(arrays["r"], dtype=np.int64)
    c = np.asarray(arrays["c"], dtype=np.int64)
    g = np.asarray(arrays["g"], dtype=np.int64)
    pos = np.asarray(arrays["position"], dtype=np.int64)
    Y = np.full((n, m), np.nan)
    side = (pos == 1) | (pos == -1)
    Y[r[side], c[side]] = (pos[side] == 1).astype(float)
    recorded = np.zeros((n, m), dtype=bool)
    recorded[r, c] = True
    missed = np.zeros((n, m), dtype=bool)
    missed[r, c] = np.asarray(arrays["missed"], dtype=bool)
    group = np.full((n, m), -1, dtype=np.int64)
    group[r, c] = g
    # A member's party: the group of their latest recorded vote.
    order = np.lexsort((c, r))
    last = np.full(n, -1, dtype=np.int64)
    last[r[order]] = g[order]
    party_ids = [groups[k] or None if k >= 0 else None for k in last]
    members = pd.DataFrame({"person_id": voters, "party_id": party_ids})
    names = pd.DataFrame({"person_id": [], "name": [], "party": []})
    if not members.empty:
        store.register("_vm_members", members)
        try:
            names = store.query(
                "SELECT m.person_id, p.name, o.name AS party FROM _vm_members m "
                "JOIN person p ON p.id = m.person_id "
                "LEFT JOIN organization o ON o.id = m.party_id"
            )
        finally:
            store.unregister("_vm_members")
    members = members.merge(names, on="person_id", how="left")[
        ["person_id", "name", "party_id", "party"]
    ]
    return VoteMatrix(
        Y,
        members,
        rollcalls,
        legislature,
        period,
        recorded,
        missed,
        group,
        [gid or None for gid in groups],
    )
