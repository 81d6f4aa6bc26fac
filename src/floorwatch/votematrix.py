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

__all__ = [
    "BALLOT_COLUMNS",
    "VoteMatrix",
    "default_period",
    "legislatures",
    "matrix_from_ballots",
    "resolve_legislature",
    "vote_matrix",
]


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
    ballots = store.query(
        f"""SELECT v.vote_event_id, v.voter_id, v.group_id, v.position, v.option
        FROM vote v JOIN vote_event ve ON ve.id = v.vote_event_id WHERE {cond}""",
        params,
    )
    vm = matrix_from_ballots(ballots, rollcalls, legislature=legislature, period=period)
    members = vm.members[["person_id", "party_id"]]
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
    vm.members = members.merge(names, on="person_id", how="left")[
        ["person_id", "name", "party_id", "party"]
    ]
    return vm


#: The columns :func:`matrix_from_ballots` reads from its ballots table.
BALLOT_COLUMNS = ("vote_event_id", "voter_id", "group_id", "position", "option")


def matrix_from_ballots(
    ballots: pd.DataFrame,
    rollcalls: pd.DataFrame | None = None,
    *,
    legislature: str | None = None,
    period: str | None = None,
) -> VoteMatrix:
    """The vote matrix of one legislature and period from its ballots: a pure function.

    ``ballots`` has one row per vote record, columns :data:`BALLOT_COLUMNS` (the ``vote``
    table's); ``rollcalls`` gives the columns in order (``vote_event_id`` first; ``date``,
    ``seq``, ``question``... kept). Without ``rollcalls`` the columns are the roll calls of
    the ballots ordered by ``date`` (undated last), ``seq`` and id, when the ballots carry
    ``date`` and ``seq``, else by id. Rows are the voters by id; a member's ``party_id`` is the
    group of their latest recorded vote. ``name`` and ``party`` are left empty (None): the
    store fills them in :func:`vote_matrix`.

    No store, no shared state: the same function runs in :func:`vote_matrix`, in a local
    process pool and inside Spark's ``applyInPandas`` (one legislature per group).
    """
    if rollcalls is None:
        cols = [c for c in ("vote_event_id", "date", "seq") if c in ballots.columns]
        rollcalls = ballots[cols].drop_duplicates("vote_event_id")
        keys = [c for c in ("date", "seq") if c in rollcalls.columns] + ["vote_event_id"]
        rollcalls = rollcalls.sort_values(keys, na_position="last", kind="mergesort")
        rollcalls = rollcalls.reset_index(drop=True)
    col_of = pd.Series(np.arange(len(rollcalls)), index=rollcalls["vote_event_id"].to_numpy())
    voters = sorted(set(ballots["voter_id"]))
    group_key = ballots["group_id"].where(ballots["group_id"].notna(), "").astype(str)
    groups = sorted(set(group_key))
    n, m = len(voters), len(rollcalls)
    r = pd.Index(voters).get_indexer(ballots["voter_id"]).astype(np.int64)
    c = col_of.reindex(ballots["vote_event_id"].to_numpy()).to_numpy()
    keep = ~np.isnan(c.astype(float)) if len(c) else np.zeros(0, dtype=bool)
    c = np.where(keep, c, 0).astype(np.int64)
    g = pd.Index(groups).get_indexer(group_key).astype(np.int64)
    pos = ballots["position"].fillna(9).to_numpy().astype(np.int64)
    missed_rows = ballots["option"].isin(("not voting", "absent")).to_numpy()
    r, c, g, pos, missed_rows = r[keep], c[keep], g[keep], pos[keep], missed_rows[keep]
    Y = np.full((n, m), np.nan)
    side = (pos == 1) | (pos == -1)
    Y[r[side], c[side]] = (pos[side] == 1).astype(float)
    recorded = np.zeros((n, m), dtype=bool)
    recorded[r, c] = True
    missed = np.zeros((n, m), dtype=bool)
    missed[r, c] = missed_rows
    group = np.full((n, m), -1, dtype=np.int64)
    group[r, c] = g
    # A member's party: the group of their latest recorded vote.
    order = np.lexsort((c, r))
    last = np.full(n, -1, dtype=np.int64)
    last[r[order]] = g[order]
    party_ids = [groups[k] or None if k >= 0 else None for k in last]
    members = pd.DataFrame(
        {"person_id": voters, "name": None, "party_id": party_ids, "party": None},
        columns=["person_id", "name", "party_id", "party"],
    )
    return VoteMatrix(
        Y,
        members,
        rollcalls,
        legislature or "",
        period,
        recorded,
        missed,
        group,
        [gid or None for gid in groups],
    )
