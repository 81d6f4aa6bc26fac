"""Roll-call vote matrices: members x roll calls, for the numerical layers.

Yea side (Voteview cast codes 1-3, Popolo ``yes``) = 1, nay side (codes 4-6, ``no``) = 0,
everything else (present, abstain, not voting, absent, not a member) = missing (NaN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    """

    Y: np.ndarray
    members: pd.DataFrame
    rollcalls: pd.DataFrame
    legislature: str
    period: str | None

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
    as_of = _date(as_of)
    date_from = _date(date_from)
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
    votes = store.query(
        f"""SELECT v.voter_id, v.vote_event_id, v.position, v.group_id
        FROM vote v JOIN vote_event ve ON ve.id = v.vote_event_id WHERE {cond}""",
        params,
    )
    col = pd.Index(rollcalls["vote_event_id"])
    members = (
        votes.assign(_c=col.get_indexer(votes["vote_event_id"]))
        .sort_values("_c")
        .groupby("voter_id", sort=True)
        .agg(party_id=("group_id", "last"))
        .reset_index()
        .rename(columns={"voter_id": "person_id"})
    )
    names = pd.DataFrame({"person_id": [], "name": [], "party": []})
    if not members.empty:
        store.register("_vm_members", members[["person_id", "party_id"]])
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
    row = pd.Index(members["person_id"])
    Y = np.full((len(members), len(rollcalls)), np.nan)
    pos = votes["position"].to_numpy(dtype="float64", na_value=np.nan)
    keep = np.isin(pos, (1.0, -1.0))
    r = row.get_indexer(votes["voter_id"][keep])
    c = col.get_indexer(votes["vote_event_id"][keep])
    Y[r, c] = (pos[keep] == 1.0).astype(float)
    return VoteMatrix(Y, members, rollcalls, legislature, period)


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        from floorwatch.errors import InputError

        raise InputError(f"expected a date YYYY-MM-DD but got {value!r}") from None
