"""Agreement with a named group (party, faction, breakaway group, listed people)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from floorwatch.errors import NotFoundError
from floorwatch.metrics import agreement, resolve_group
from floorwatch.metrics.agreement import AGREEMENT_COLUMNS


def D(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)


def _direct(votes: pd.DataFrame, in_group: pd.Series) -> pd.DataFrame:
    """Agreement with the group's majority, the member excluded, in pandas."""
    v = votes[votes["cast_code"].between(1, 6)].copy()
    v["side"] = np.where(v["cast_code"] <= 3, 1, -1)
    v["g"] = in_group.loc[v.index].astype(int)
    tot = (v["side"] * v["g"]).groupby(v["rollnumber"]).transform("sum")
    cnt = v["g"].groupby(v["rollnumber"]).transform("sum")
    # yes - no among the group's other members
    others = tot - v["side"] * v["g"]
    v["maj"] = np.sign(others)
    v = v[(v["maj"] != 0) & ((cnt - v["g"]) > 0)]
    v["agree"] = (v["side"] == v["maj"]).astype(int)
    return v


def test_s107_agreement_with_democrats_matches_pandas(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    v = _direct(votes, votes["party_id"] == "us-party-100")
    want = v.groupby("person_id")["agree"].agg(["size", "sum"])
    ours = agreement(s107_store, "D", window=40)
    assert list(ours.columns) == list(AGREEMENT_COLUMNS)
    ours = ours.set_index("person_id")
    assert set(ours.index) == set(want.index)
    assert (ours.loc[want.index, "votes"] == want["size"]).all()
    assert (ours.loc[want.index, "agreed"] == want["sum"]).all()
    # Windows of 40 counted votes, and the trend between them.
    for pid, grp in v.sort_values("rollnumber").groupby("person_id"):
        last, prev = grp["agree"].iloc[-40:], grp["agree"].iloc[-80:-40]
        assert ours.at[pid, "window_agreement"] == pytest.approx(last.mean())
        if len(prev):
            assert ours.at[pid, "trend"] == pytest.approx(last.mean() - prev.mean())
    # Jeffords sat with the Republicans, then voted with the Democrats' majority more often.
    jeffords = ours.loc["bioguide-J000072"]
    assert jeffords["in_group"] == 0
    before = agreement(s107_store, "D", date_to="2001-05-31").set_index("person_id")
    after = agreement(s107_store, "D", date_from="2001-06-06").set_index("person_id")
    assert after.at["bioguide-J000072", "agreement"] > before.at["bioguide-J000072", "agreement"]


def test_s107_agreement_with_listed_people(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    group = ["bioguide-C001040", "bioguide-S000663", "bioguide-C001035"]  # Chafee, Snowe, Collins
    v = _direct(votes, votes["person_id"].isin(group))
    want = v.groupby("person_id")["agree"].agg(["size", "sum"])
    ours = agreement(s107_store, ",".join(group)).set_index("person_id")
    assert (ours.loc[want.index, "votes"] == want["size"]).all()
    assert (ours.loc[want.index, "agreed"] == want["sum"]).all()
    assert ours.loc[group, "in_group"].tolist() == [1, 1, 1]


def test_self_is_excluded_and_ties_do_not_count(leg):
    for p in ("r1", "r2", "r3", "x"):
        leg.seat(p, "A")
    leg.org("rebels", "breakaway group", name="The Rebels")
    leg.rollcall("v1", D(1)).votes("v1", "A", yes=["r1", "r2"], no=["r3", "x"])
    leg.rollcall("v2", D(2)).votes("v2", "A", yes=["r1", "r2", "r3"], no=["x"])
    got = agreement(leg.store, ["r1", "r2", "r3"]).set_index("person_id")
    # v1: for r1 the others (r2 yes, r3 no) tie: not counted; for r3 the others both say yes.
    assert got.loc["r1", ["votes", "agreed"]].tolist() == [1, 1]
    assert got.loc["r3", ["votes", "agreed"]].tolist() == [2, 1]
    assert got.loc["x", ["votes", "agreed", "in_group"]].tolist() == [2, 0, 0]


def test_breakaway_group_membership_is_dated(leg):
    leg.org("rebels", "breakaway group", name="The Rebels", abbreviation="RB")
    for p in ("a", "b", "c", "d"):
        leg.seat(p, "A")
    leg.member_of("a", "rebels", start=D(1)).member_of("b", "rebels", start=D(1))
    leg.member_of("c", "rebels", start=D(5))  # joins the rebels later
    leg.rollcall("v1", D(2)).votes("v1", "A", yes=["a", "b"], no=["c", "d"])
    leg.rollcall("v2", D(6)).votes("v2", "A", yes=["a", "b", "c"], no=["d"])
    assert resolve_group(leg.store, "RB").ids == ("rebels",)
    got = agreement(leg.store, "The Rebels", window=1).set_index("person_id")
    assert got.loc["c", ["votes", "agreed", "in_group"]].tolist() == [2, 1, 1]
    assert got.loc["c", "window_agreement"] == 1.0 and got.loc["c", "previous_agreement"] == 0.0
    assert got.loc["c", "trend"] == 1.0
    assert got.loc["d", ["votes", "agreed"]].tolist() == [2, 0]


def test_coalition_includes_its_parties(leg):
    leg.org("coal", "coalition", name="Coalition")
    leg.store.execute("UPDATE organization SET parent_id = 'coal' WHERE id IN ('A', 'B')")
    leg.org("C", "party")
    for p, party in (("a", "A"), ("b", "B"), ("c", "C")):
        leg.seat(p, party)
    leg.rollcall("v1", D(1)).vote("v1", "a", "yes", party="A").vote("v1", "b", "yes", party="B")
    leg.vote("v1", "c", "no", party="C")
    got = agreement(leg.store, "coal").set_index("person_id")
    assert got.loc["c", ["votes", "agreed", "in_group"]].tolist() == [1, 0, 0]
    assert got.loc["a", "in_group"] == 1


def test_unknown_group(leg):
    with pytest.raises(NotFoundError, match="neither an organization"):
        agreement(leg.store, "nobody-at-all")
