"""Ideal points of a legislature straight from the store: the CLI's and the web's entry point.

One call is one independent unit of work (one chamber, one legislative period, one date), so
many can run in parallel processes.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd

from floorwatch.dates import resolve_as_of
from floorwatch.errors import ConvergenceWarning, NotFoundError
from floorwatch.idealpoints.bootstrap import bootstrap_ideal_points
from floorwatch.idealpoints.em import IdealPoints
from floorwatch.idealpoints.windows import block_windows, fit_windows, party_distances
from floorwatch.store import Store
from floorwatch.votematrix import VoteMatrix, vote_matrix

__all__ = ["DEFAULT_SIGN_PARTIES", "ideal_points", "ideal_windows", "sign_reference"]

#: Parties placed on the positive side of dimension 1 when present (right of centre). Without
#: any of them the largest party is used; pass ``sign_party`` to choose.
DEFAULT_SIGN_PARTIES = ("us-party-200",)


def sign_reference(vm: VoteMatrix, sign_party: str | None = None) -> np.ndarray:
    """Members whose mean ideal point is made positive (see :data:`DEFAULT_SIGN_PARTIES`)."""
    parties = vm.members["party_id"]
    if sign_party is not None:
        ref = (parties == sign_party) | (vm.members["party"] == sign_party)
        if not ref.any():
            raise NotFoundError(f"no member of party {sign_party!r} voted in this period")
        return ref.to_numpy()
    ref = parties.isin(DEFAULT_SIGN_PARTIES)
    if not ref.any():
        ref = parties == parties.value_counts().index[0]
    return ref.to_numpy()


def _fit(vm: VoteMatrix, dims: int, sign_party: str | None, random_state: int) -> IdealPoints:
    if vm.Y.shape[1] == 0:
        raise NotFoundError("no roll calls in this period up to that date")
    ref = sign_reference(vm, sign_party)
    if dims > 1:
        ref = np.column_stack([ref] + [ref] * (dims - 1))
    model = IdealPoints(n_dims=dims, random_state=random_state)
    try:
        return model.fit(vm.Y, sign_ref=ref if dims == 1 else ref[:, 0])
    except ValueError as exc:
        raise NotFoundError(
            f"too little record to estimate ideal points in {vm.legislature} "
            f"({vm.Y.shape[1]} roll calls): {exc}"
        ) from None


def ideal_points(
    store: Store,
    *,
    legislature: str | None = None,
    period: str | None = None,
    as_of: dt.date | str | None = None,
    dims: int = 1,
    n_boot: int = 0,
    sign_party: str | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """EM ideal points of every member of one legislature and period, from roll calls dated on
    or before ``as_of``.

    Returns one row per member, right-most first on dim1: ``name``, ``party``, ``dim1``
    [, ``dim2``], with ``n_boot`` > 0 also ``se1`` [, ``se2``] and 95% intervals
    ``dim1_low``/``dim1_high``; then ``person_id``, ``party_id``, ``votes`` (yeas and nays on
    the roll calls kept), ``legislature``, ``period``.
    """
    as_of = resolve_as_of(store, as_of, default=False)
    vm = vote_matrix(store, legislature=legislature, period=period, as_of=as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _fit(vm, dims, sign_party, random_state)
    out = vm.members[["name", "party"]].copy()
    for d in range(dims):
        out[f"dim{d + 1}"] = model.ideal_points_[:, d]
    if n_boot:
        boot = bootstrap_ideal_points(model, n_boot=n_boot, random_state=random_state)
        for d in range(dims):
            out[f"se{d + 1}"] = boot.se[:, d]
            out[f"dim{d + 1}_low"] = boot.ci[:, d, 0]
            out[f"dim{d + 1}_high"] = boot.ci[:, d, 1]
    out["person_id"] = vm.members["person_id"].to_numpy()
    out["party_id"] = vm.members["party_id"].to_numpy()
    out["votes"] = model.n_votes_cast_
    out["legislature"] = vm.legislature
    out["period"] = vm.period
    out["converged"] = model.converged_
    return out.sort_values("dim1", ascending=False, na_position="last").reset_index(drop=True)


def ideal_windows(
    store: Store,
    *,
    window: int | str = 100,
    legislature: str | None = None,
    period: str | None = None,
    as_of: dt.date | str | None = None,
    against: str | None = None,
    sign_party: str | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Positions per window with the roll-call parameters fixed at the whole-period fit
    (comparable across windows, as Nokken & Poole's period-specific scores), and each
    member's distance from their party's median and the other side's median.

    ``window`` is a number of consecutive roll calls, or ``"month"``. ``against`` names the
    other group's party id (default: the largest other party).
    """
    as_of = resolve_as_of(store, as_of, default=False)
    vm = vote_matrix(store, legislature=legislature, period=period, as_of=as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _fit(vm, 1, sign_party, random_state)
        if window == "month":
            dates = pd.to_datetime(vm.rollcalls["date"])
            if dates.isna().any():
                raise NotFoundError("roll calls without dates cannot be grouped by month")
            labels = dates.dt.strftime("%Y-%m").to_numpy()
        else:
            labels = block_windows(vm.Y.shape[1], int(window))
        win = fit_windows(model, vm.Y, labels)
    parties = vm.members["party_id"].to_numpy()
    dist = party_distances(win, parties, other=against)
    dist["person_id"] = vm.members["person_id"].to_numpy()[dist["member_index"].to_numpy()]
    dist["name"] = vm.members["name"].to_numpy()[dist["member_index"].to_numpy()]
    dist = dist.rename(columns={"party": "party_id"})
    dist["party"] = vm.members["party"].to_numpy()[dist["member_index"].to_numpy()]
    first = vm.rollcalls.groupby(pd.Series(labels, name="window"))["date"].agg(["min", "max"])
    dist = dist.merge(
        first.rename(columns={"min": "from", "max": "to"}),
        left_on="window",
        right_index=True,
        how="left",
    )
    return dist
