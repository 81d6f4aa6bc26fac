"""Claims as risk evidence: what had been published about a member by a date, weighted by
what the claims had proved by then.

Only claims *made* on or before the date count, and only what was known on that date is used
(no peeking): each claim is resolved as of the date (:func:`floorwatch.claims.subject_outcomes`
with ``as_of`` = the date; a manual verdict counts when it was given a ``resolved_on`` on or
before the date). For each (claim, person) named:

* an assertion that is **false** as of the date (its deadline passed without the switch, or a
  manual verdict) weighs 0: it stops raising risk;
* an assertion still **pending** (or already true) weighs its source's *track record as of the
  date*: ``(true + 1) / (settled + 2)`` over the earlier claims of the same outlet (else
  speaker, else kind of source) settled by then, Laplace's rule of succession (0.5 for a
  source with no settled claim);
* a **denial** of the same prediction about the same person (same ``predicts`` and
  organization), made on or before the date and not false by then, weighs minus its source's
  track record.

The member's ``claims`` signal is the sum, floored at 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from floorwatch.claims import list_claims
from floorwatch.store import Store

__all__ = ["claim_counts", "claim_weights", "claims_about", "claims_signal"]

_COLUMNS = [
    "person_id",
    "claim_id",
    "made_on",
    "predicts",
    "organization_id",
    "stance",
    "wording",
    "outlet",
    "speaker",
    "source_kind",
    "quote",
    "link",
]

#: Columns of :func:`claim_weights` added to those of :func:`claims_about`.
_WEIGHT_COLUMNS = ["status_as_of", "source", "source_record", "weight"]


def _made_by(claims: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    made = pd.to_datetime(claims["made_on"]).dt.date
    return claims[made <= as_of]


def claims_about(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Claims made on or before ``as_of`` asserting that a named member will leave their party,
    join another group or be expelled; one row per (claim, person)."""
    claims = list_claims(store)
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS)
    claims = _made_by(claims, as_of)
    keep = (
        (claims["stance"] == "asserts")
        & claims["predicts"].isin(["joins", "leaves", "expelled"])
        & claims["about"].notna()
    )
    return _explode(claims[keep])


def _explode(claims: pd.DataFrame) -> pd.DataFrame:
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS)
    claims = claims.copy()
    claims["person_id"] = claims["about"].str.split(";")
    claims = claims.explode("person_id").rename(columns={"id": "claim_id"})
    claims["made_on"] = pd.to_datetime(claims["made_on"]).dt.date
    return claims[[c for c in _COLUMNS if c in claims.columns]].reset_index(drop=True)


def _status_as_of(store: Store, claims: pd.DataFrame, as_of: dt.date) -> dict[str, str]:
    """Claim id -> pending/true/false as known on ``as_of`` (person claims only)."""
    from floorwatch.claims import subject_outcomes

    out = subject_outcomes(store, as_of=as_of, claim_ids=list(claims["id"]))
    status: dict[str, str] = {}
    for cid, rows in out.groupby("claim_id"):
        holds = rows["holds"]
        if (holds == 0).any():
            status[str(cid)] = "false"
        elif holds.notna().all() and (holds == 1).all():
            status[str(cid)] = "true"
        else:
            status[str(cid)] = "pending"
    manual = claims[claims["manual"].fillna(False).astype(bool)]
    for r in manual.itertuples():
        when = pd.to_datetime(r.resolved_on).date() if pd.notna(r.resolved_on) else None
        if when is not None and when <= as_of:
            status[str(r.id)] = str(r.status)
    return status


def claim_weights(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Every claim about named people made on or before ``as_of``, one row per (claim, person),
    with ``status_as_of``, ``source`` (outlet, else speaker, else kind), ``source_record`` (its
    track record as of the date) and ``weight`` (see the module docstring; negative for a
    denial)."""
    claims = list_claims(store)
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS + _WEIGHT_COLUMNS)
    claims = _made_by(claims, as_of)
    claims = claims[claims["about"].notna()]
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS + _WEIGHT_COLUMNS)
    status = _status_as_of(store, claims, as_of)
    claims = claims.assign(
        status_as_of=[status.get(str(c), "pending") for c in claims["id"]],
        source=claims["outlet"].fillna(claims["speaker"]).fillna(claims["source_kind"]),
    )
    # A source's track record as of the date: its claims settled by then.
    settled = claims[claims["status_as_of"] != "pending"]
    true_n = settled[settled["status_as_of"] == "true"].groupby("source").size()
    all_n = settled.groupby("source").size()
    record = (true_n.reindex(all_n.index, fill_value=0) + 1) / (all_n + 2)
    claims["source_record"] = claims["source"].map(record).fillna(0.5).astype("float64")
    rows = _explode(claims).merge(
        claims[["id", "status_as_of", "source", "source_record"]].rename(
            columns={"id": "claim_id"}
        ),
        on="claim_id",
    )
    live = rows["status_as_of"] != "false"
    sign = np.where(rows["stance"] == "denies", -1.0, 1.0)
    predicts = rows["predicts"].isin(["joins", "leaves", "expelled"])
    rows["weight"] = np.where(live & predicts, sign * rows["source_record"], 0.0)
    return rows


def claims_signal(weights: pd.DataFrame, person_ids: pd.Series) -> np.ndarray:
    """The ``claims`` signal per person: assertions' weights less the denials' (matched on
    prediction and organization), floored at 0."""
    if weights.empty:
        return np.zeros(len(person_ids))
    w = weights.copy()
    w["org"] = w["organization_id"].fillna("")
    by = w.groupby(["person_id", "predicts", "org"])["weight"].sum().clip(lower=0)
    total = by.groupby(level="person_id").sum()
    return person_ids.map(total).fillna(0.0).to_numpy(dtype="float64")


def claim_counts(store: Store, members: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """The ``claims`` signal of ``members`` (a frame with ``person_id``) as of ``as_of``:
    claims weighted by what they had proved by then (:func:`claim_weights`,
    :func:`claims_signal`); NaN for everybody when the store holds no claim."""
    has_table = store.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'claim'"
    )
    if not has_table or not store.scalar("SELECT count(*) FROM claim"):
        return np.full(len(members), np.nan)
    return claims_signal(claim_weights(store, as_of), members["person_id"])
