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

import numpy as np
import pandas as pd

from floorwatch.dates import days_before
from floorwatch.errors import ConvergenceWarning, NotFoundError
from floorwatch.idealpoints import IdealPoints
from floorwatch.idealpoints.legislature import sign_reference
from floorwatch.idealpoints.windows import fit_windows
from floorwatch.metrics.agreement import agreement
from floorwatch.metrics.attendance import attendance
from floorwatch.metrics.loyalty import loyalty
from floorwatch.risk.claims_view import claim_counts
from floorwatch.risk.config import RiskConfig
from floorwatch.risk.context import Context
from floorwatch.risk.sittings import attendance_legislature, attendance_signals
from floorwatch.settings import default
from floorwatch.store import Store
from floorwatch.votematrix import VoteMatrix, default_period, resolve_legislature, vote_matrix

__all__ = ["appearances", "compute_signals", "period_start"]


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


def _big_groups(vm: VoteMatrix, min_size: int) -> list[int]:
    """Codes (in ``vm.group_ids``) of the groups with at least ``min_size`` members (all
    groups where none is that big)."""
    sizes = vm.members.groupby("party_id").size()
    code = {gid: k for k, gid in enumerate(vm.group_ids)}
    big = [code[p] for p, n in sizes.items() if n >= min_size and p in code]
    return big or [code[p] for p in sizes.index if p in code]


def _other_parties(vm: VoteMatrix, majors: np.ndarray, min_size: int) -> dict[str, str | None]:
    """For each party, the other side: the other group (of at least ``min_size`` members)
    whose majority its own majority sided with most often. In a two-party chamber that is the
    other party; in a body of many groups (the European Parliament, Brazil's Câmara) the
    nearest other group."""
    big = _big_groups(vm, min_size)
    out: dict[str, str | None] = {}
    for party in vm.members["party_id"].unique():
        own = vm.group_ids.index(party) if party in vm.group_ids else -1
        best, best_share = None, -1.0
        for g in big:
            if g == own:
                continue
            both = ~np.isnan(majors[g]) & (~np.isnan(majors[own]) if own >= 0 else False)
            share = float((majors[g][both] == majors[own][both]).mean()) if both.any() else 0.0
            if share > best_share:
                best, best_share = vm.group_ids[g], share
        out[party] = best
    return out


def _nearest_group(vm: VoteMatrix, majors: np.ndarray, min_size: int) -> np.ndarray:
    """Per member, the code of the other group (of at least ``min_size`` members) whose
    majority the member voted with most often (-1 when there is none)."""
    n = len(vm.members)
    big = _big_groups(vm, min_size)
    own = np.array([vm.group_ids.index(p) if p in vm.group_ids else -1
                    for p in vm.members["party_id"]])  # fmt: skip
    best, best_share = np.full(n, -1), np.full(n, -1.0)
    for g in big:
        share = _share_with(vm, majors, None, np.full(n, g))
        better = (own != g) & ~np.isnan(share) & (share > best_share)
        best[better], best_share[better] = g, share[better]
    return best


def _ideal_points(vm: VoteMatrix, recent_mask: np.ndarray, cfg: RiskConfig):
    """Term ideal points and recent-window positions (items fixed), or NaNs if too little data."""
    n = len(vm.members)
    x = np.full(n, np.nan)
    recent = np.full(n, np.nan)
    if vm.Y.shape[1] < 10 or n < 5:
        return x, recent
    ref = sign_reference(vm)
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
            windows = fit_windows(model, vm.Y, np.where(recent_mask, 1, 0), min_votes=5, tol=1e-3)
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


def _majorities(vm: VoteMatrix, *, min_size: int) -> np.ndarray:
    """(n_groups, n_rollcalls): each party's majority side (1 yea, 0 nay), NaN on a tie or when
    fewer than ``min_size`` of its members voted yea or nay (Voteview's party-size rule)."""
    out = np.full((len(vm.group_ids), vm.Y.shape[1]), np.nan)
    for g in range(len(vm.group_ids)):
        in_g = vm.group == g
        yes = ((vm.Y == 1) & in_g).sum(axis=0)
        no = ((vm.Y == 0) & in_g).sum(axis=0)
        maj = np.where(yes > no, 1.0, np.where(no > yes, 0.0, np.nan))
        maj[(yes + no) < min_size] = np.nan
        out[g] = maj
    return out


def _share_with(
    vm: VoteMatrix, majors: np.ndarray, columns: np.ndarray | None, target: np.ndarray
) -> np.ndarray:
    """Per member: share of their yea/nay votes (in ``columns``) cast with the majority of
    party ``target[i]`` (-1: none)."""
    maj = np.where(target[:, None] >= 0, majors[np.maximum(target, 0)], np.nan)
    valid = ~np.isnan(vm.Y) & ~np.isnan(maj)
    if columns is not None:
        valid &= columns[None, :]
    agree = valid & (vm.Y == maj)
    count = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, agree.sum(axis=1) / count, np.nan)


def _current_streak(recorded: np.ndarray, missed: np.ndarray) -> np.ndarray:
    """Per member: recorded roll calls since their last one not missed."""
    m = recorded.shape[1]
    last_present = np.where(recorded & ~missed, np.arange(m)[None, :], -1).max(axis=1)
    csum = np.cumsum(recorded, axis=1)
    total = csum[:, -1] if m else np.zeros(recorded.shape[0], dtype=int)
    before = np.where(last_present >= 0, csum[np.arange(len(csum)), np.maximum(last_present, 0)], 0)
    return (total - before).astype(float)


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
    try:
        legislature = resolve_legislature(store, legislature)
    except NotFoundError:
        body = attendance_legislature(store, legislature)
        if body is None:
            raise
        return attendance_signals(store, as_of, body, cfg)
    period = default_period(store, legislature, as_of)
    start = period_start(store, legislature, period)
    if start is None:
        raise NotFoundError(f"no dated roll calls in {legislature} on or before {as_of}")
    recent_from = max(start, days_before(as_of, cfg.recent_days))
    vm = vote_matrix(store, legislature=legislature, period=period, as_of=as_of)
    members = vm.members.copy()
    if members.empty:
        raise NotFoundError(f"nobody voted in {legislature} between {start} and {as_of}")
    common = dict(legislature=legislature, date_from=start, as_of=as_of)
    sig = members[["person_id", "name", "party_id", "party"]].copy()
    sig["n_votes"] = (~np.isnan(vm.Y)).sum(axis=1)
    dates = pd.to_datetime(vm.rollcalls["date"]).dt.date.to_numpy()
    recent_mask = np.array([d is not None and d >= recent_from for d in dates], dtype=bool)
    before_from = days_before(recent_from, cfg.recent_days)
    previous_mask = np.array(
        [d is not None and before_from <= d < recent_from for d in dates], dtype=bool
    )
    # Voteview party loyalty from the metrics layer (whip directions and free votes count),
    # for the party each member sits for now: over the term and in the recent window.
    recent = dict(legislature=legislature, date_from=recent_from, as_of=as_of)
    sig["disloyalty"] = 1 - _by_member(loyalty(store, **common), members, "loyalty")
    sig["recent_disloyalty"] = 1 - _by_member(loyalty(store, **recent), members, "loyalty")
    sig["loyalty_drop"] = sig["recent_disloyalty"] - sig["disloyalty"]

    # Agreement with the other side: a named group for everybody, or each member's nearest
    # other group (in a two-party chamber, the other party).
    min_size = int(default("min_party_size"))
    any_major = _majorities(vm, min_size=1)
    other = _other_parties(vm, any_major, min_size)
    nearest: dict[str, str] = {}
    against_label = None
    if against:
        window = dt.timedelta(days=cfg.recent_days)
        agree = agreement(store, against, window=window, **common)
        sig["other_agreement"] = _by_member(agree, members, "agreement")
        sig["agreement_rise"] = _by_member(agree, members, "trend")
        against_label = ", ".join(against) if isinstance(against, list) else against
    else:
        target = _nearest_group(vm, any_major, min_size)
        nearest = {
            pid: vm.group_ids[g]
            for pid, g in zip(members["person_id"], target, strict=True)
            if g >= 0
        }
        sig["other_agreement"] = _share_with(vm, any_major, None, target)
        sig["agreement_rise"] = _share_with(vm, any_major, recent_mask, target) - _share_with(
            vm, any_major, previous_mask, target
        )

    # Absence: GovTrack's missed votes in the recent window, and the current run of misses.
    recorded, missed = vm.recorded, vm.missed
    possible = (recorded & recent_mask).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sig["absence"] = np.where(
            possible > 0, (missed & recent_mask).sum(axis=1) / possible, np.nan
        )
    sig["absence_streak"] = _current_streak(recorded, missed)
    sig["crucial_absence"] = np.nan

    # Ideal points: moderation (Shor) and drift in the recent window (Nokken & Poole).
    x, x_recent = _ideal_points(vm, recent_mask, cfg)
    sig["ideal_point"] = x
    sig["moderation"] = _toward_other(x, members, x, other)
    sig["drift"] = _toward_other(x_recent, members, x, other) - sig["moderation"].to_numpy()

    # Crucial sittings and party meetings, where attendance is recorded.
    window = dt.timedelta(days=cfg.recent_days)
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
    sig["appearances"] = appearances(store, members["person_id"], against, start, as_of)
    sig["claims"] = claim_counts(store, members, as_of)
    sig["n_events"] = 0
    ctx = Context(as_of, legislature, period, start, recent_from, vm, x, other, against_label)
    ctx.nearest = nearest
    return sig, ctx


def appearances(
    store: Store,
    person_ids: pd.Series,
    against: str | list[str] | None,
    date_from: dt.date,
    as_of: dt.date,
) -> np.ndarray:
    """Per person: public events of the ``against`` organizations (rallies, press
    conferences, their meetings: any event they organized) attended between ``date_from`` and
    ``as_of``; NaN for everybody when no such event with attendees is recorded."""
    orgs = [against] if isinstance(against, str) else list(against or [])
    if not orgs:
        return np.full(len(person_ids), np.nan)
    marks = ", ".join("?" for _ in orgs)
    rows = store.query(
        f"""SELECT a.person_id, count(*) AS n FROM attendance a JOIN event e ON e.id = a.event_id
        WHERE e.organization_id IN ({marks}) AND a.status = 'present'
          AND e.start_date BETWEEN ? AND ? GROUP BY a.person_id""",
        [*orgs, date_from, as_of],
    )
    recorded = store.scalar(
        f"""SELECT count(*) FROM attendance a JOIN event e ON e.id = a.event_id
        WHERE e.organization_id IN ({marks}) AND e.start_date BETWEEN ? AND ?""",
        [*orgs, date_from, as_of],
    )
    if not recorded:
        return np.full(len(person_ids), np.nan)
    counts = dict(zip(rows["person_id"], rows["n"], strict=True))
    return person_ids.map(counts).fillna(0).to_numpy(dtype="float64")


def _violations(store: Store, members: pd.DataFrame, **common) -> np.ndarray:
    if not store.scalar("SELECT count(*) FROM whip_direction"):
        return np.full(len(members), np.nan)
    from floorwatch.metrics.whips import violations

    found = violations(store, **common)
    if found.empty:
        return np.zeros(len(members))
    counts = found.groupby("person_id").size()
    return members["person_id"].map(counts).fillna(0).to_numpy(dtype="float64")
