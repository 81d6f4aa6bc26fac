"""Signals of defection risk per member as of a date, from data dated on or before it only.

Each signal is oriented so that a higher value means more at risk (see
:data:`floorwatch.risk.config.SIGNALS`). The signals reuse the metrics layer (Voteview
loyalty, agreement with a group, GovTrack-style missed votes, attendance at crucial events,
whip violations) and the ideal-point layer (EM estimates, positions per window with the
roll-call parameters held fixed), all restricted to ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from floorwatch.errors import ConvergenceWarning, NotFoundError
from floorwatch.idealpoints import IdealPoints
from floorwatch.idealpoints.windows import fit_windows
from floorwatch.metrics.agreement import agreement
from floorwatch.metrics.attendance import attendance
from floorwatch.metrics.loyalty import loyalty
from floorwatch.risk.config import RiskConfig
from floorwatch.store import Store
from floorwatch.votematrix import VoteMatrix, default_period, resolve_legislature, vote_matrix

__all__ = ["Context", "compute_signals", "period_start"]

#: Party ids taken as right of centre for the ideal-point sign, in order of preference.
RIGHT_OF_CENTRE = ("us-party-200",)


@dataclass
class Context:
    """What the signals were computed from (kept for the evidence)."""

    as_of: dt.date
    legislature: str
    period: str | None
    start: dt.date
    recent_from: dt.date
    matrix: VoteMatrix
    ideal: np.ndarray | None
    other_party: dict[str, str | None]
    against_label: str | None


def period_start(store: Store, legislature: str, period: str | None) -> dt.date | None:
    """First day of a legislative period (its event's start date, else its first roll call)."""
    if period:
        start = store.scalar("SELECT start_date FROM event WHERE id = ?", [period])
        if start is not None:
            return pd.Timestamp(start).date()
        first = store.scalar(
            "SELECT min(start_date) FROM vote_event WHERE organization_id = ? "
            "AND legislative_period_id = ?",
            [legislature, period],
        )
    else:
        first = store.scalar(
            "SELECT min(start_date) FROM vote_event WHERE organization_id = ?", [legislature]
        )
    return pd.Timestamp(first).date() if first is not None else None


def _by_member(frame: pd.DataFrame, members: pd.DataFrame, column: str) -> np.ndarray:
    """``frame[column]`` aligned to ``members`` on (person_id, party_id)."""
    if frame.empty:
        return np.full(len(members), np.nan)
    merged = members[["person_id", "party_id"]].merge(
        frame[["person_id", "party_id", column]], on=["person_id", "party_id"], how="left"
    )
    return merged[column].to_numpy(dtype="float64", na_value=np.nan)


def _other_parties(members: pd.DataFrame) -> dict[str, str | None]:
    """For each party, the largest other party (the 'other side' in a two-party chamber)."""
    sizes = members.groupby("party_id").size().sort_values(ascending=False)
    big = list(sizes.index[:2])
    out: dict[str, str | None] = {}
    for party in sizes.index:
        others = [p for p in big if p != party]
        out[party] = others[0] if others else None
    return out


def _ideal_points(vm: VoteMatrix, recent_mask: np.ndarray, cfg: RiskConfig):
    """Term ideal points and recent-window positions (items fixed), or NaNs if too little data."""
    n = len(vm.members)
    x = np.full(n, np.nan)
    recent = np.full(n, np.nan)
    if vm.Y.shape[1] < 10 or n < 5:
        return x, recent
    ref = vm.members["party_id"].isin(RIGHT_OF_CENTRE).to_numpy()
    if not ref.any():
        largest = vm.members["party_id"].value_counts().index[0]
        ref = (vm.members["party_id"] == largest).to_numpy()
    model = IdealPoints(
        n_dims=1, random_state=0, max_iter=300, tol=1e-5, min_votes=min(cfg.min_votes, 10)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            model.fit(vm.Y, sign_ref=ref)
        except ValueError:
            return x, recent
    x = model.ideal_points_[:, 0].copy()
    if recent_mask.any() and (~recent_mask).any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            windows = fit_windows(model, vm.Y, np.where(recent_mask, 1, 0), min_votes=5, tol=1e-4)
        rec = windows[windows["window"] == 1]
        if not rec.empty:
            recent[rec["member_index"].to_numpy(dtype=int)] = rec["dim1"].to_numpy()
    return x, recent


def _toward_other(
    values: np.ndarray, members: pd.DataFrame, x: np.ndarray, other: dict[str, str | None]
) -> np.ndarray:
    """Signed distance of ``values`` from the own party's median towards the other party's
    median, in the own party's standard deviations (of ``x``)."""
    out = np.full(len(members), np.nan)
    parties = members["party_id"].to_numpy()
    for party, other_party in other.items():
        if other_party is None:
            continue
        mine = (parties == party) & ~np.isnan(x)
        theirs = (parties == other_party) & ~np.isnan(x)
        if mine.sum() < 3 or theirs.sum() < 3:
            continue
        med, med_other = np.median(x[mine]), np.median(x[theirs])
        sd = max(float(np.std(x[mine])), 1e-6)
        direction = 1.0 if med_other >= med else -1.0
        idx = parties == party
        out[idx] = (values[idx] - med) * direction / sd
    return out


def compute_signals(
    store: Store,
    as_of: dt.date,
    *,
    legislature: str | None = None,
    against: str | list[str] | None = None,
    config: RiskConfig | None = None,
) -> tuple[pd.DataFrame, Context]:
    """Signals per member of ``legislature`` as of ``as_of`` (data dated <= as_of only).

    Returns a DataFrame with person_id, name, party_id, party, n_votes and one column per
    signal, and the :class:`Context` they came from.
    """
    cfg = config or RiskConfig()
    legislature = resolve_legislature(store, legislature)
    period = default_period(store, legislature, as_of)
    start = period_start(store, legislature, period)
    if start is None:
        raise NotFoundError(f"no dated roll calls in {legislature} on or before {as_of}")
    recent_from = max(start, as_of - dt.timedelta(days=cfg.recent_days))
    vm = vote_matrix(store, legislature=legislature, period=period, as_of=as_of)
    members = vm.members.copy()
    if members.empty:
        raise NotFoundError(f"nobody voted in {legislature} between {start} and {as_of}")
    common = dict(legislature=legislature, date_from=start, as_of=as_of)
    term = loyalty(store, **common)
    recent = loyalty(store, legislature=legislature, date_from=recent_from, as_of=as_of)
    sig = members[["person_id", "name", "party_id", "party"]].copy()
    sig["n_votes"] = (~np.isnan(vm.Y)).sum(axis=1)
    sig["disloyalty"] = 1 - _by_member(term, members, "loyalty")
    sig["recent_disloyalty"] = 1 - _by_member(recent, members, "loyalty")
    sig["loyalty_drop"] = sig["recent_disloyalty"] - sig["disloyalty"]

    # Agreement with the other side: a named group for everybody, or the largest other party.
    other = _other_parties(members)
    window = dt.timedelta(days=cfg.recent_days)
    against_label = None
    if against:
        agree = agreement(store, against, window=window, **common)
        sig["other_agreement"] = _by_member(agree, members, "agreement")
        sig["agreement_rise"] = _by_member(agree, members, "trend")
        against_label = ", ".join(against) if isinstance(against, list) else against
    else:
        sig["other_agreement"] = np.nan
        sig["agreement_rise"] = np.nan
        for target in {p for p in other.values() if p}:
            agree = agreement(store, target, window=window, **common)
            mask = members["party_id"].map(other).eq(target).to_numpy()
            sig.loc[mask, "other_agreement"] = _by_member(agree, members, "agreement")[mask]
            sig.loc[mask, "agreement_rise"] = _by_member(agree, members, "trend")[mask]

    # Ideal points: moderation (Shor) and drift in the recent window (Nokken & Poole).
    dates = pd.to_datetime(vm.rollcalls["date"]).dt.date.to_numpy()
    recent_mask = np.array([d is not None and d >= recent_from for d in dates], dtype=bool)
    x, x_recent = _ideal_points(vm, recent_mask, cfg)
    sig["ideal_point"] = x
    sig["moderation"] = _toward_other(x, members, x, other)
    sig["drift"] = _toward_other(x_recent, members, x, other) - sig["moderation"].to_numpy()

    # Attendance: missed roll calls in the recent window; crucial events where recorded.
    att = attendance(store, basis="votes", window=window, **common)
    sig["absence"] = 1 - _by_member(att, members, "window_rate")
    sig["crucial_absence"] = np.nan
    sig["absence_streak"] = _by_member(att, members, "current_streak")
    if store.scalar("SELECT count(*) FROM attendance") and store.scalar(
        "SELECT count(*) FROM event e JOIN attendance a ON a.event_id = e.id "
        "WHERE e.start_date BETWEEN ? AND ?",
        [start, as_of],
    ):
        ev = attendance(store, basis="events", window=window, as_of=as_of, date_from=start)
        sig["crucial_absence"] = 1 - _by_member(ev, members, "crucial_rate")
        streak = _by_member(ev, members, "current_streak")
        sig["absence_streak"] = np.fmax(sig["absence_streak"].to_numpy(), streak)

    sig["violations"] = _violations(store, members, **common)
    sig["claims"] = _claims(store, members, as_of)
    ctx = Context(as_of, legislature, period, start, recent_from, vm, x, other, against_label)
    return sig, ctx


def _violations(store: Store, members: pd.DataFrame, **common) -> np.ndarray:
    if not store.scalar("SELECT count(*) FROM whip_direction"):
        return np.full(len(members), np.nan)
    from floorwatch.metrics.whips import violations

    found = violations(store, **common)
    if found.empty:
        return np.zeros(len(members))
    counts = found.groupby("person_id").size()
    return members["person_id"].map(counts).fillna(0).to_numpy(dtype="float64")


def _claims(store: Store, members: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Claims made on or before ``as_of`` that assert the member will leave or join a group."""
    tables = {
        t
        for (t,) in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "claim" not in tables or not store.scalar("SELECT count(*) FROM claim"):
        return np.full(len(members), np.nan)
    from floorwatch.risk.claims_view import claims_about

    found = claims_about(store, as_of)
    if found.empty:
        return np.zeros(len(members))
    counts = found.groupby("person_id").size()
    return members["person_id"].map(counts).fillna(0).to_numpy(dtype="float64")
