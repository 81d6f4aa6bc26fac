"""Loyalty (Voteview), rebellion (Public Whip) and party unity (CQ): real Senates against
pandas over the raw Voteview files, and hand-built edge cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from floorwatch.metrics import loyalty, party_unity_votes
from floorwatch.metrics.loyalty import LOYALTY_COLUMNS


def D(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)


def _direct(votes: pd.DataFrame, min_size: int = 10) -> pd.DataFrame:
    """Voteview loyalty, Public Whip rebellion and CQ party unity, straight from cast codes."""
    v = votes.copy()
    v["side"] = np.select(
        [v["cast_code"].between(1, 3), v["cast_code"].between(4, 6)], [1, -1], default=0
    )
    v["floor"] = v["cast_code"].isin([1, 6, 7, 8])
    counts = (
        v.assign(y=v["side"] == 1, n=v["side"] == -1)
        .groupby(["rollnumber", "party_id"], as_index=False)[["y", "n"]]
        .sum()
    )
    counts["maj"] = np.sign(counts["y"] - counts["n"])  # 0 on a tie: no majority
    v = v.merge(counts, on=["rollnumber", "party_id"])
    vv = (v["side"] != 0) & (v["maj"] != 0) & (v["y"] + v["n"] >= min_size)
    v["vv_votes"] = vv
    v["vv_with"] = vv & (v["side"] == v["maj"])
    v["pw_att"] = v["floor"]
    v["pw_reb"] = v["floor"] & (v["side"] != 0) & (v["maj"] != 0) & (v["side"] == -v["maj"])
    # CQ: the two parties with most members taking sides; opposing majorities.
    sizes = v[v["side"] != 0].groupby("party_id")["person_id"].nunique()
    major = list(sizes.sort_values(ascending=False).index[:2])
    m = counts[counts["party_id"].isin(major)].pivot(
        index="rollnumber", columns="party_id", values="maj"
    )
    unity = set(m.index[(m[major[0]] * m[major[1]]) == -1])
    u = v["rollnumber"].isin(unity) & v["party_id"].isin(major) & v["floor"] & (v["side"] != 0)
    v["u_votes"] = u
    v["u_with"] = u & (v["side"] == v["maj"])
    out = v.groupby(["person_id", "party_id"])[
        ["vv_votes", "vv_with", "pw_att", "pw_reb", "u_votes", "u_with"]
    ].sum()
    out["unity_rollcalls"] = len(unity)
    return out


@pytest.mark.parametrize("congress", [107, 111])
def test_senate_loyalty_rebellion_and_unity_match_pandas(
    congress, s107_store, s111_store, voteview_raw
):
    store = {107: s107_store, 111: s111_store}[congress]
    _, _, votes = voteview_raw[congress]
    direct = _direct(votes)
    frame = loyalty(store)
    assert list(frame.columns) == list(LOYALTY_COLUMNS)
    ours = frame.set_index(["person_id", "party_id"])
    joined = direct.join(ours, how="outer")
    assert joined["votes"].notna().all()
    pairs = {
        "vv_votes": "votes",
        "vv_with": "with_party",
        "pw_att": "attended",
        "pw_reb": "rebellions",
        "u_votes": "unity_votes",
        "u_with": "unity_with_party",
    }
    for theirs, mine in pairs.items():
        assert (joined[theirs] == joined[mine]).all(), mine
    counted = joined["vv_votes"] > 0
    np.testing.assert_allclose(
        joined.loc[counted, "loyalty"],
        joined.loc[counted, "vv_with"] / joined.loc[counted, "vv_votes"],
    )
    assert joined.loc[~counted, "loyalty"].isna().all()
    unity = party_unity_votes(store)
    assert len(unity) == direct["unity_rollcalls"].iat[0]


def test_jeffords_is_the_least_loyal_republican_before_his_switch(s107_store):
    before = loyalty(s107_store, date_to="2001-05-31", party="R")
    assert before.iloc[0]["person_id"] == "bioguide-J000072"
    assert before.iloc[0]["loyalty"] < before.iloc[1:]["loyalty"].min()
    # Over the whole Congress his Republican spell is still the least loyal Republican row,
    # and as an Independent (a party of one) he has no Voteview loyalty at all.
    whole = loyalty(s107_store)
    reps = whole[whole["party_id"] == "us-party-200"]
    assert reps.iloc[0]["person_id"] == "bioguide-J000072"
    ind = whole[(whole["person_id"] == "bioguide-J000072") & (whole["party_id"] == "us-party-328")]
    assert ind["votes"].iat[0] == 0 and pd.isna(ind["loyalty"].iat[0])


def test_as_of_uses_nothing_later(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    as_of = dt.date(2001, 3, 31)
    direct = _direct(votes[votes["date"] <= as_of])
    ours = loyalty(s107_store, as_of=as_of).set_index(["person_id", "party_id"])
    assert (direct["vv_with"] == ours.loc[direct.index, "with_party"]).all()
    assert (direct["pw_reb"] == ours.loc[direct.index, "rebellions"]).all()


# -- hand-built ---------------------------------------------------------------------------------
def _small(leg, *, size=4):
    for i in range(1, size + 1):
        leg.seat(f"a{i}", "A", start=D(1))
        leg.seat(f"b{i}", "B", start=D(1))
    return leg


def _row(frame, pid, party="A"):
    return frame.set_index(["person_id", "party_id"]).loc[(pid, party)]


def test_tie_in_the_party_means_no_majority_and_no_rebellion(leg):
    _small(leg)
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2"], no=["a3", "a4"])
    leg.rollcall("r2", D(3)).votes("r2", "A", yes=["a1", "a2", "a3"], no=["a4"])
    got = loyalty(leg.store, min_party_size=1)
    a4 = _row(got, "a4")
    assert (a4["votes"], a4["with_party"], a4["attended"], a4["rebellions"]) == (1, 0, 2, 1)
    a1 = _row(got, "a1")
    assert (a1["votes"], a1["with_party"], a1["rebellions"]) == (1, 1, 0)


def test_tellers_count_as_voting_and_both_ways_is_never_a_rebellion(leg):
    _small(leg)
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2"])
    leg.vote("r1", "a3", "no", party="A", role="teller")
    leg.vote("r1", "a4", "both", party="A")
    got = loyalty(leg.store, min_party_size=1)
    teller = _row(got, "a3")
    assert (teller["attended"], teller["rebellions"], teller["votes"]) == (1, 1, 1)
    both = _row(got, "a4")
    assert (both["attended"], both["rebellions"], both["votes"]) == (1, 0, 0)


def test_free_votes_are_excluded(leg):
    _small(leg)
    leg.rollcall("r1", D(2), cls="free vote").votes("r1", "A", yes=["a1", "a2", "a3"], no=["a4"])
    leg.rollcall("r2", D(3)).votes("r2", "A", yes=["a1", "a2", "a3"], no=["a4"]).whip(
        "r2", "A", "free"
    )
    leg.rollcall("r3", D(4)).votes("r3", "A", yes=["a1", "a2", "a3"], no=["a4"])
    got = loyalty(leg.store, min_party_size=1)
    a4 = _row(got, "a4")
    assert (a4["votes"], a4["attended"], a4["rebellions"]) == (1, 1, 1)


def test_whip_direction_replaces_the_majority_guess(leg):
    _small(leg)
    # Most of A vote yes, but A's whip said no: the yes voters are the rebels.
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2", "a3"], no=["a4"]).whip(
        "r1", "A", "no"
    )
    got = loyalty(leg.store)  # the size rule (10) applies only to the majority guess
    assert _row(got, "a4")[["votes", "with_party", "rebellions"]].tolist() == [1, 1, 0]
    assert _row(got, "a1")[["votes", "with_party", "rebellions"]].tolist() == [1, 0, 1]


def test_directed_abstention(leg):
    _small(leg)
    leg.rollcall("r1", D(2)).votes("r1", "A", abstain=["a1", "a2"], yes=["a3"]).whip(
        "r1", "A", "abstain"
    )
    got = loyalty(leg.store)
    assert _row(got, "a1")[["votes", "with_party", "rebellions"]].tolist() == [1, 1, 0]
    assert _row(got, "a3")[["votes", "with_party", "rebellions"]].tolist() == [1, 0, 1]


def test_small_parties_are_left_out_of_voteview_loyalty_only(leg):
    _small(leg, size=3)
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2"], no=["a3"])
    got = loyalty(leg.store)  # default min_party_size 10
    a3 = _row(got, "a3")
    assert a3["votes"] == 0 and pd.isna(a3["loyalty"])
    assert a3["rebellions"] == 1  # Public Whip has no size rule
    assert _row(loyalty(leg.store, min_party_size=3), "a3")["votes"] == 1


def test_party_unity_votes_and_scores(leg):
    _small(leg)
    leg.org("C", "party")
    leg.seat("c1", "C", start=D(1))
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2", "a3"], no=["a4"]).votes(
        "r1", "B", no=["b1", "b2", "b3"], yes=["b4"]
    ).votes("r1", "C", yes=["c1"])
    leg.rollcall("r2", D(3)).votes("r2", "A", yes=["a1", "a2", "a3", "a4"]).votes(
        "r2", "B", yes=["b1", "b2", "b3", "b4"]
    )
    unity = party_unity_votes(leg.store)
    assert unity["vote_event_id"].tolist() == ["r1"]
    assert (unity["party_a"].iat[0], unity["party_b"].iat[0]) == ("A", "B")
    got = loyalty(leg.store, min_party_size=1)
    assert _row(got, "a4")[["unity_votes", "unity_with_party", "party_unity"]].tolist() == [
        1,
        0,
        0.0,
    ]
    assert _row(got, "b1", "B")["party_unity"] == 1.0
    assert pd.isna(_row(got, "c1", "C")["party_unity"])  # not a major party


def test_a_member_who_switches_gets_a_row_per_party(leg):
    _small(leg)
    leg.rollcall("r1", D(2)).votes("r1", "A", yes=["a1", "a2", "a3", "a4"])
    leg.rollcall("r2", D(3)).votes("r2", "A", yes=["a1", "a2", "a3"]).votes(
        "r2", "B", no=["a4", "b1", "b2"]
    )
    got = loyalty(leg.store, min_party_size=1)
    assert _row(got, "a4", "A")["with_party"] == 1
    assert _row(got, "a4", "B")["with_party"] == 1
    assert len(loyalty(leg.store, party="Party B", min_party_size=1)) == 3


def test_party_from_memberships_when_the_vote_has_no_group(leg):
    leg.seat("x", "A", start=D(1), end=D(5)).seat("x", "B", start=D(6), mid="x2")
    leg.seat("y", "B", start=D(1))
    leg.rollcall("r1", D(3)).vote("r1", "x", "yes").vote("r1", "y", "no")
    leg.rollcall("r2", D(8)).vote("r2", "x", "no").vote("r2", "y", "no")
    got = loyalty(leg.store, min_party_size=1)
    assert set(zip(got["person_id"], got["party_id"], strict=True)) == {
        ("x", "A"),
        ("x", "B"),
        ("y", "B"),
    }
    assert _row(got, "y", "B")[["votes", "with_party"]].tolist() == [2, 2]
    assert _row(got, "x", "B")[["votes", "with_party"]].tolist() == [1, 1]
