"""Claims as risk evidence: what had been published about a member by a date.

Only claims *made* on or before the date count, whatever happened later (no peeking): their
later resolution is not used.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from floorwatch.claims import list_claims
from floorwatch.store import Store

__all__ = ["claim_counts", "claims_about"]

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


def claims_about(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Claims made on or before ``as_of`` asserting that a named member will leave their party,
    join another group or be expelled; one row per (claim, person)."""
    claims = list_claims(store)
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS)
    made = pd.to_datetime(claims["made_on"]).dt.date
    keep = (
        (made <= as_of)
        & (claims["stance"] == "asserts")
        & claims["predicts"].isin(["joins", "leaves", "expelled"])
        & claims["about"].notna()
    )
    claims = claims[keep].copy()
    if claims.empty:
        return pd.DataFrame(columns=_COLUMNS)
    claims["person_id"] = claims["about"].str.split(";")
    claims = claims.explode("person_id").rename(columns={"id": "claim_id"})
    claims["made_on"] = pd.to_datetime(claims["made_on"]).dt.date
    return claims[[c for c in _COLUMNS if c in claims.columns]].reset_index(drop=True)


def claim_counts(store: Store, members: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Claims made on or before ``as_of`` that assert the member will leave or join a group."""
    tables = {
        t
        for (t,) in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "claim" not in tables or not store.scalar("SELECT count(*) FROM claim"):
        return np.full(len(members), np.nan)
    found = claims_about(store, as_of)
    if found.empty:
        return np.zeros(len(members))
    counts = found.groupby("person_id").size()
    return members["person_id"].map(counts).fillna(0).to_numpy(dtype="float64")
