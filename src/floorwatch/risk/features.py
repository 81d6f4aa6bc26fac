"""Member-date features of defection risk, for many dates of a legislative period at once.

The early-warning harness (:mod:`floorwatch.risk.evaluate`) and the fitted model
(:mod:`floorwatch.risk.model`) read the record of a period in vectorised passes: the vote
matrix of the whole period is loaded once, every quantity is summed per member *and per party
the member voted under* along the roll calls (cumulative sums), and the features of any date
are differences of those sums at the last roll call on or before it. So a member-date uses only
roll calls dated on or before the date (no peeking), and only the votes the member cast under
the party they sit for at the date: after a switch, the old party's record no longer counts.

The party's side on a roll call is its majority *among the members voting under that label at
that vote* (the party as it was at the vote), never the member's later party.

Definitions (per member-date, over the member's yea/nay votes under their current party):

``defection``
    Share of votes against the own party's majority (ties and parties with no majority
    excluded): Public Whip's rebellion rate, 1 - Voteview's party loyalty.
``cw_defection``
    Consensus-weighted defection: each vote against the party weighs -log(1 - s), s the share
    of the party (member included) voting its majority way, so breaking a 95:5 line weighs far
    more than a 55:45 split; the sum over votes, divided by the votes.
``nearest_agreement``
    The highest share of votes cast with the majority of another group (groups with at least
    ``min_group`` members voting on the roll call): the member's nearest other group.
``gap``
    ``nearest_agreement`` minus agreement with the own party.
``cohesion``
    The own party's mean share voting its majority way over the roll calls to date.
``group_size``
    Members whose latest vote on or before the date was cast under the party.
``moderation``
    First-dimension position (the leading singular vector of the centred yea/nay matrix to
    date) minus the own party's median, towards the member's nearest other group's median, in
    the own party's standard deviations (Shor's moderation, a principal-components stand-in for
    the EM ideal points of ``docs/idealpoints.md``); ``distance`` is its absolute value.
``absence``
    Share of the recorded roll calls missed (recent window).
Suffix ``_recent``: the same over the last ``recent_days``; ``agreement_rise`` is the
nearest-group agreement of the recent window minus that of the window before.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from floorwatch.store import Store
from floorwatch.votematrix import vote_matrix

__all__ = ["PeriodRecord", "load_period", "period_features"]


class PeriodRecord:
    """The vote matrix of one period, cut to its dated roll calls, with per-vote party sides."""

    def __init__(
        self,
        store: Store,
        legislature: str,
        period: str | None,
        min_group: int = 5,
        as_of: dt.date | None = None,
    ):
        vm = vote_matrix(store, legislature=legislature, period=period, as_of=as_of)
        dates = pd.to_datetime(vm.rollcalls["date"])
        keep = dates.notna().to_numpy()
        self.legislature = legislature
        self.period = period
        self.members = vm.members.reset_index(drop=True)
        self.rollcalls = vm.rollcalls[keep].reset_index(drop=True)
        self.dates = dates[keep].to_numpy().astype("datetime64[D]")
        self.Y = vm.Y[:, keep]
        self.G = vm.group[:, keep]
        self.missed = vm.missed[:, keep]
        self.recorded = vm.recorded[:, keep]
        self.group_ids = vm.group_ids
        self.min_group = min_group
        n, m = self.Y.shape
        ng = len(self.group_ids)
        yes = np.zeros((ng, m))
        no = np.zeros((ng, m))
        rows, cols = np.nonzero(self.G >= 0)
        g = self.G[rows, cols]
        y = self.Y[rows, cols]
        np.add.at(yes, (g[y == 1], cols[y == 1]), 1)
        np.add.at(no, (g[y == 0], cols[y == 0]), 1)
        self.yes, self.no = yes, no
        total = yes + no
        with np.errstate(invalid="ignore", divide="ignore"):
            self.major = np.where(yes > no, 1.0, np.where(no > yes, 0.0, np.nan))
            self.share = np.where(total > 0, np.maximum(yes, no) / total, np.nan)
        self.big_major = np.where(total >= min_group, self.major, np.nan)

    @property
    def first(self) -> dt.date | None:
        return pd.Timestamp(self.dates[0]).date() if len(self.dates) else None

    @property
    def last(self) -> dt.date | None:
        return pd.Timestamp(self.dates[-1]).date() if len(self.dates) else None


def load_period(store: Store, legislature: str, period: str | None) -> PeriodRecord:
    return PeriodRecord(store, legislature, period)


def _segments(G: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (member, group) of every party a member voted under: (seg_member, seg_group,
    seg_of[i, j] = the row of (i, G[i, j]) or -1)."""
    n, m = G.shape
    ng = int(G.max()) + 1 if G.size else 0
    rows, cols = np.nonzero(G >= 0)
    code = rows.astype(np.int64) * max(ng, 1) + G[rows, cols]
    uniq, inverse = np.unique(code, return_inverse=True)
    seg_member, seg_group = uniq // max(ng, 1), uniq % max(ng, 1)
    seg_of = np.full((n, m), -1, dtype=np.int64)
    seg_of[rows, cols] = inverse.ravel()
    return seg_member, seg_group, seg_of


class _Sums:
    """Cumulative sums of per-vote quantities per (member, group) row, read at given prefixes."""

    def __init__(self, seg_of: np.ndarray, n_rows: int, points: np.ndarray):
        self.seg_of = seg_of
        self.n_rows = n_rows
        self.points = points  # prefix lengths (number of roll calls) to read at
        self.rows, self.cols = np.nonzero(seg_of >= 0)
        self.keys = seg_of[self.rows, self.cols]

    def __call__(self, q: np.ndarray) -> np.ndarray:
        """(n_rows, len(points)): sum of q[i, j] over j < point, for the row's (i, group)."""
        m = self.seg_of.shape[1]
        S = np.zeros((self.n_rows, m + 1), dtype=np.float64)
        vals = q[self.rows, self.cols]
        ok = vals != 0
        np.add.at(S, (self.keys[ok], self.cols[ok] + 1), vals[ok])
        np.cumsum(S, axis=1, out=S)
        return S[:, self.points]


def _leading_scores(X: np.ndarray, start: np.ndarray | None, iters: int = 12) -> np.ndarray:
    """Leading left singular vector (scaled by its singular value) of X, by power iteration."""
    n = X.shape[0]
    u = start if start is not None and np.any(start) else np.linspace(-1, 1, n)
    u = (u / (np.linalg.norm(u) or 1.0)).astype(X.dtype)
    for _ in range(iters):
        v = X.T @ u
        u = X @ v
        norm = np.linalg.norm(u)
        if norm == 0:
            return np.zeros(n)
        u = u / norm
    return u * np.sqrt(np.linalg.norm(X.T @ u))


def period_features(
    rec: PeriodRecord,
    days: list[dt.date],
    *,
    recent_days: int = 90,
    active_days: int = 120,
    ideal: bool = True,
    ideal_days: set[dt.date] | None = None,
) -> pd.DataFrame:
    """Features of every active member on each of ``days`` (a member is active on a day when
    they have a recorded roll call within ``active_days`` before it). One row per member-date:
    legislature, period, date, person_id, name, party_id, n_votes and the features of the
    module docstring. Positions (moderation) are fitted on ``ideal_days`` only (default: every
    day); another day takes them from the latest of those on or before it."""
    Y, G = rec.Y, rec.G
    n, m = Y.shape
    if not len(days) or not m:
        return pd.DataFrame()
    d64 = np.array(days, dtype="datetime64[D]")
    upto = np.searchsorted(rec.dates, d64, side="right")  # roll calls dated <= day
    rfrom = np.searchsorted(rec.dates, d64 - np.timedelta64(recent_days, "D"), side="right")
    pfrom = np.searchsorted(rec.dates, d64 - np.timedelta64(2 * recent_days, "D"), side="right")
    afrom = np.searchsorted(rec.dates, d64 - np.timedelta64(active_days, "D"), side="right")
    seg_member, seg_group, seg_of = _segments(G)
    K = len(seg_member)
    points = np.concatenate([upto, rfrom, pfrom])
    nd = len(days)
    sums = _Sums(seg_of, K, points)

    def at(q):
        s = sums(q)
        return s[:, :nd], s[:, nd : 2 * nd], s[:, 2 * nd :]

    gi = np.where(G >= 0, G, 0)
    cols = np.arange(m)[None, :]
    pm = np.where(G >= 0, rec.major[gi, cols], np.nan)
    ps = np.where(G >= 0, rec.share[gi, cols], np.nan)
    voted = ~np.isnan(Y)
    valid = voted & ~np.isnan(pm)
    defect = valid & (Y != pm)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(defect, -np.log(np.clip(1 - ps, 1e-9, None)), 0.0)
    n_valid = at(valid.astype(float))
    n_def = at(defect.astype(float))
    n_cw = at(weight)
    n_rec = at(rec.recorded.astype(float))
    n_miss = at((rec.missed & rec.recorded).astype(float))
    # Agreement with every other group of at least min_group voting members.
    big = [g for g in range(len(rec.group_ids)) if np.any(~np.isnan(rec.big_major[g]))]
    agree = {}
    for g in big:
        mg = rec.big_major[g][None, :]
        ok = voted & ~np.isnan(mg) & (G != g)
        agree[g] = (at(ok.astype(float)), at((ok & (Y == mg)).astype(float)))
    # The party's own cohesion and size to date.
    ng = len(rec.group_ids)
    coh_cum = np.concatenate(
        [np.zeros((ng, 1)), np.cumsum(np.nan_to_num(rec.share), axis=1)], axis=1
    )
    coh_n = np.concatenate([np.zeros((ng, 1)), np.cumsum(~np.isnan(rec.share), axis=1)], axis=1)
    # Each member's current party: the group of their latest recorded vote on or before the day.
    rec_idx = np.where(G >= 0, np.arange(m)[None, :], -1)
    last_cum = np.maximum.accumulate(rec_idx, axis=1)  # (n, m)
    seg_index = np.full((n, max(len(rec.group_ids), 1)), -1, dtype=np.int64)
    seg_index[seg_member, seg_group] = np.arange(K)
    out = []
    start = rec.dates[0]
    prev_u = None
    x_full = np.full(n, np.nan)
    if ideal:  # the centred yea/nay matrix (each roll call's own mean: no later data)
        voted_all = ~np.isnan(Y)
        Xpm = np.where(voted_all, 2 * np.nan_to_num(Y) - 1, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cm = Xpm.sum(axis=0) / np.maximum(voted_all.sum(axis=0), 1)
        Xc = np.where(voted_all, Xpm - cm[None, :], 0.0).astype(np.float32)
        V = voted_all.astype(np.float32)
    for t in range(nd):
        c = upto[t]
        if c == 0:
            continue
        last = last_cum[:, c - 1]
        active = (last >= 0) & (last >= afrom[t])
        cur = np.where(last >= 0, G[np.arange(n), np.maximum(last, 0)], -1)
        # The row of (member, current party).
        idx = np.flatnonzero(active)
        rows = seg_index[idx, cur[idx]]
        if not len(rows):
            continue
        nv, nv_r, nv_p = (x[rows, t] for x in n_valid)
        nd_, nd_r, _ = (x[rows, t] for x in n_def)
        cw, cw_r, _ = (x[rows, t] for x in n_cw)
        nr, nr_r, _ = (x[rows, t] for x in n_rec)
        nm, nm_r, _ = (x[rows, t] for x in n_miss)
        recent_v = nv - nv_r
        prev_v = nv_r - nv_p
        with np.errstate(divide="ignore", invalid="ignore"):
            defection = np.where(nv > 0, nd_ / nv, np.nan)
            defection_recent = np.where(recent_v > 0, (nd_ - nd_r) / recent_v, np.nan)
            cwd = np.where(nv > 0, cw / nv, np.nan)
            cwd_recent = np.where(recent_v > 0, (cw - cw_r) / recent_v, np.nan)
            absence = np.where(nr - nr_r > 0, (nm - nm_r) / (nr - nr_r), np.nan)
        best = np.full(len(idx), np.nan)
        best_g = np.full(len(idx), -1)
        best_r = np.full(len(idx), np.nan)
        best_p = np.full(len(idx), np.nan)
        for g, ((a_all, a_r, a_p), (w_all, w_r, w_p)) in agree.items():
            tot, agr = a_all[rows, t], w_all[rows, t]
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(tot >= 1, agr / tot, np.nan)
                rt = tot - a_r[rows, t]
                share_r = np.where(rt >= 1, (agr - w_r[rows, t]) / rt, np.nan)
                pt = a_r[rows, t] - a_p[rows, t]
                share_p = np.where(pt >= 1, (w_r[rows, t] - w_p[rows, t]) / pt, np.nan)
            better = (cur[idx] != g) & ~np.isnan(share) & ~(share <= best)
            best[better], best_g[better] = share[better], g
            best_r[better], best_p[better] = share_r[better], share_p[better]
        gcur = cur[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            cohesion = coh_cum[gcur, c] / coh_n[gcur, c]
        size_all = np.bincount(cur[active], minlength=ng)
        frame = pd.DataFrame(
            {
                "legislature": rec.legislature,
                "period": rec.period,
                "date": days[t],
                "person_id": rec.members["person_id"].to_numpy()[idx],
                "name": rec.members["name"].to_numpy()[idx],
                "party_id": [rec.group_ids[g] for g in gcur],
                "n_votes": nv,
                "defection": defection,
                "defection_recent": defection_recent,
                "cw_defection": cwd,
                "cw_defection_recent": cwd_recent,
                "nearest_agreement": best,
                "nearest_group": [rec.group_ids[g] if g >= 0 else None for g in best_g],
                "gap": best - (1 - defection),
                "agreement_rise": best_r - best_p,
                "cohesion": cohesion,
                "group_size": size_all[gcur].astype(float),
                "term_days": float((d64[t] - start).astype(int)),
                "absence": absence,
                "recent_votes": recent_v,
                "previous_votes": prev_v,
            }
        )
        frame["moderation"] = np.nan
        if ideal:
            if ideal_days is None or days[t] in ideal_days or prev_u is None:
                x_full, prev_u = _positions(Xc[:, :c], V[:, :c], idx, prev_u, n)
            frame["moderation"] = _moderation(x_full[idx], gcur, best_g, nv)
        out.append(frame)
    if not out:
        return pd.DataFrame()
    panel = pd.concat(out, ignore_index=True)
    panel["distance"] = panel["moderation"].abs()
    return panel


def _positions(Xc: np.ndarray, Vc: np.ndarray, idx: np.ndarray, prev: np.ndarray | None, n: int):
    """First-dimension positions (all ``n`` members, NaN outside ``idx``) from the centred
    yea/nay matrix ``Xc`` (``Vc``: 1 where a vote was cast), and the leading vector."""
    X = Xc[idx]
    voted = Vc[idx]
    start = None
    if prev is not None:
        start = prev[idx]
    u = _leading_scores(X, start, iters=12 if prev is None else 5)
    full = np.zeros(n)
    full[idx] = u
    if prev is not None and np.dot(full, prev) < 0:  # keep one orientation through the period
        full, u = -full, -u
    # Each member's position: least squares on the item loadings of the votes they cast.
    v = X.T @ u.astype(X.dtype)
    v = v / (np.linalg.norm(v) or 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (X @ v) / (voted @ (v * v))
    # A member with few votes has no reliable position.
    out = np.full(n, np.nan)
    out[idx] = np.where(voted.sum(axis=1) >= 10, x, np.nan)
    return out, full


def _moderation(x: np.ndarray, party: np.ndarray, nearest: np.ndarray, nv: np.ndarray):
    """Signed distance from the own party's median towards the nearest other group's median,
    in the own party's standard deviations."""
    out = np.full(len(x), np.nan)
    meds, sds = {}, {}
    for g in np.unique(party):
        v = x[(party == g) & ~np.isnan(x)]
        if len(v) >= 3:
            meds[g], sds[g] = float(np.median(v)), max(float(np.std(v)), 1e-6)
        elif len(v):
            meds[g] = float(np.median(v))
    for i in range(len(x)):
        g, h = party[i], nearest[i]
        if np.isnan(x[i]) or g not in sds or h not in meds:
            continue
        direction = 1.0 if meds[h] >= meds[g] else -1.0
        out[i] = (x[i] - meds[g]) * direction / sds[g]
    return np.clip(out, -10, 10)
