"""Cohesion: Rice index and the Hix-Noury-Roland Agreement Index."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from floorwatch.errors import InputError
from floorwatch.metrics import cohesion, rice
from floorwatch.metrics.cohesion import COHESION_COLUMNS, RICE_COLUMNS


def D(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)


def _direct(votes: pd.DataFrame) -> pd.DataFrame:
    v = votes.assign(
        Y=votes["cast_code"].between(1, 3),
        N=votes["cast_code"].between(4, 6),
        A=votes["cast_code"].isin([7, 8]),
    )
    g = v.groupby(["rollnumber", "party_id"])[["Y", "N", "A"]].sum().astype(float)
    g = g[g.sum(axis=1) > 0]
    g["rice"] = (g["Y"] - g["N"]).abs() / (g["Y"] + g["N"])
    top = g[["Y", "N", "A"]].max(axis=1)
    tot = g[["Y", "N", "A"]].sum(axis=1)
    g["ai"] = (top - 0.5 * (tot - top)) / tot
    return g


def test_s107_rice_and_ai_per_rollcall_match_pandas(s107_store, voteview_raw):
    _, rollcalls, votes = voteview_raw[107]
    direct = _direct(votes)
    ours = rice(s107_store)
    assert list(ours.columns) == list(RICE_COLUMNS)
    ours["rollnumber"] = ours["seq"]
    ours = ours.set_index(["rollnumber", "party_id"]).sort_index()
    assert set(ours.index) == set(direct.index)
    direct = direct.loc[ours.index]
    np.testing.assert_allclose(ours["rice"], direct["rice"])
    np.testing.assert_allclose(ours["agreement_index"], direct["ai"])
    # Monthly means are the means of the per-roll-call values.
    dates = rollcalls.set_index("rollnumber")["date"].str[:7]
    direct["month"] = dates.reindex(direct.index.get_level_values(0)).to_numpy()
    want = direct.groupby(["party_id", "month"])[["rice", "ai"]].mean()
    got = cohesion(s107_store, period="month").set_index(["party_id", "period"])
    assert list(cohesion(s107_store).columns) == list(COHESION_COLUMNS)
    assert set(got.index) == set(want.index)
    np.testing.assert_allclose(got.loc[want.index, "rice"], want["rice"])
    np.testing.assert_allclose(got.loc[want.index, "agreement_index"], want["ai"])


def test_hand_computed_values_with_abstentions(leg):
    for i in range(1, 11):
        leg.seat(f"a{i}", "A")
    for i in range(1, 4):
        leg.seat(f"b{i}", "B")
    leg.rollcall("r1", D(1))
    a = [f"a{i}" for i in range(1, 11)]
    leg.votes("r1", "A", yes=a[:6], no=a[6:8], abstain=a[8:])
    leg.votes("r1", "B", yes=["b1"], no=["b2"], abstain=["b3"])
    got = rice(leg.store).set_index("party_id")
    assert got.loc["A", ["yes", "no", "abstain"]].tolist() == [6, 2, 2]
    assert got.loc["A", "rice"] == pytest.approx(0.5)  # |6 - 2| / 8
    assert got.loc["A", "agreement_index"] == pytest.approx(0.4)  # (6 - 0.5 * 4) / 10
    assert got.loc["B", "rice"] == 0.0
    assert got.loc["B", "agreement_index"] == pytest.approx(0.0)  # (1 - 0.5 * 2) / 3
    assert rice(leg.store, min_party_size=4)["party_id"].tolist() == ["A"]


def test_free_votes_can_be_left_out_and_blocks_work_without_dates(leg):
    for i in range(1, 5):
        leg.seat(f"a{i}", "A")
    leg.rollcall("r1", None).votes("r1", "A", yes=["a1", "a2", "a3", "a4"])
    leg.rollcall("r2", None, cls="free vote").votes("r2", "A", yes=["a1", "a2"], no=["a3", "a4"])
    leg.rollcall("r3", None).votes("r3", "A", yes=["a1", "a2", "a3"], no=["a4"])
    assert len(rice(leg.store)) == 3 and len(rice(leg.store, include_free=False)) == 2
    blocks = cohesion(leg.store, period=2)
    assert blocks["period"].tolist() == ["block 1", "block 2"]
    assert blocks["rice"].tolist() == pytest.approx([0.5, 0.5])  # (1 + 0) / 2, then 0.5
    assert cohesion(leg.store, period="month")["period"].tolist() == ["undated"]
    assert cohesion(leg.store, period="all")["roll_calls"].tolist() == [3]
    with pytest.raises(InputError, match="period"):
        cohesion(leg.store, period="fortnight")
