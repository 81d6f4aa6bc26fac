"""Whip violations and the legal defection rules (Pakistan Art. 63A, India's Tenth Schedule)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from floorwatch.errors import ConfigError
from floorwatch.metrics import available_rules, load_rule, violations
from floorwatch.metrics.whips import VIOLATION_COLUMNS


def D(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)


@pytest.fixture
def assembly(leg):
    """Party A (a1-a5) whipped 'no' on a no-confidence motion, a money bill and a passage vote."""
    for i in range(1, 6):
        leg.seat(f"a{i}", "A", start=D(1))
    leg.seat("b1", "B", start=D(1))
    for rid, cls, day in (
        ("nc", "no confidence", 2),
        ("mb", "money bill", 3),
        ("ps", "passage", 4),
    ):
        leg.rollcall(rid, D(day), cls=cls).whip(rid, "A", "no")
        leg.votes(rid, "A", no=["a1", "a2"], yes=["a3"], abstain=["a4"])  # a5: no record
        leg.vote(rid, "b1", "yes", party="B")
    leg.event("sit4", D(4)).attend("sit4", "a5", "leave")  # a5 on leave on day 4
    return leg


def _kinds(frame):
    return sorted(zip(frame["vote_event_id"], frame["person_id"], frame["kind"], strict=True))


def test_pk_63a_lists_contrary_votes_and_abstentions_in_its_categories(assembly):
    got = violations(assembly.store, "pk-63a")
    assert list(got.columns) == list(VIOLATION_COLUMNS)
    assert _kinds(got) == [
        ("mb", "a3", "voted against"),
        ("mb", "a4", "abstained"),
        ("nc", "a3", "voted against"),
        ("nc", "a4", "abstained"),
    ]
    row = got[(got["vote_event_id"] == "nc") & (got["person_id"] == "a3")].iloc[0]
    assert (row["direction"], row["cast"], row["direction_source"]) == ("no", "yes", "whip")
    assert row["date"] == D(2) and row["classification"] == "no confidence"
    assert (row["rule"], row["party"]) == ("pk-63a", "Party A")


def test_in_10th_counts_any_vote_and_absence_but_not_leave(assembly):
    got = violations(assembly.store, "in-10th")
    assert _kinds(got) == [
        ("mb", "a3", "voted against"),
        ("mb", "a4", "abstained"),
        ("mb", "a5", "absent"),
        ("nc", "a3", "voted against"),
        ("nc", "a4", "abstained"),
        ("nc", "a5", "absent"),
        ("ps", "a3", "voted against"),
        ("ps", "a4", "abstained"),
        # a5 on leave on day 4: a known absence, not a violation
    ]
    assert set(got[got["person_id"] == "a5"]["cast"]) == {"no record"}


def test_no_rule_lists_every_contrary_vote_and_abstention(assembly):
    got = violations(assembly.store)
    assert len(got) == 6 and set(got["kind"]) == {"voted against", "abstained"}


def test_free_votes_and_undirected_parties_are_never_violations(leg):
    for i in range(1, 4):
        leg.seat(f"a{i}", "A", start=D(1))
    leg.rollcall("fv", D(2), cls="free vote").whip("fv", "A", "no")
    leg.votes("fv", "A", yes=["a1"], no=["a2", "a3"])
    leg.rollcall("wf", D(3), cls="confidence").whip("wf", "A", "free")
    leg.votes("wf", "A", yes=["a1"], no=["a2", "a3"])
    leg.rollcall("nd", D(4), cls="confidence").votes("nd", "A", yes=["a1"], no=["a2", "a3"])
    assert violations(leg.store, "in-10th").empty
    # With inferred directions the undirected roll call uses the party majority.
    got = violations(leg.store, "pk-63a", infer_direction=True, min_party_size=1)
    assert _kinds(got) == [("nd", "a1", "voted against")]
    assert got["direction_source"].tolist() == ["majority"]


def test_voting_when_directed_to_abstain_is_a_violation(leg):
    for i in range(1, 4):
        leg.seat(f"a{i}", "A", start=D(1))
    leg.rollcall("r", D(2), cls="confidence").whip("r", "A", "abstain")
    leg.votes("r", "A", abstain=["a1"], no=["a2"])  # a3 stays away: consistent
    got = violations(leg.store, "in-10th")
    assert _kinds(got) == [("r", "a2", "voted against")]


def test_rule_from_a_file(assembly, test_data):
    rule = load_rule(test_data / "metrics" / "budget-only.toml")
    assert rule.classifications == ("money bill",) and rule.count_absence
    got = violations(assembly.store, rule)
    assert _kinds(got) == [("mb", "a3", "voted against"), ("mb", "a5", "absent")]


@pytest.mark.parametrize(
    "name, message",
    [
        ("bad-classification.toml", "unknown roll-call classification"),
        ("bad-key.toml", "unknown key"),
        ("broken.toml", "not valid TOML"),
    ],
)
def test_bad_rule_files_raise_config_errors(test_data, name, message):
    with pytest.raises(ConfigError, match=message):
        load_rule(test_data / "metrics" / name)


def test_shipped_rules():
    assert available_rules() == ["in-10th", "pk-63a"]
    pk = load_rule("pk-63a")
    assert set(pk.classifications) == {
        "election of leader",
        "confidence",
        "no confidence",
        "money bill",
        "constitutional amendment",
    }
    assert "63A" in pk.citation and not pk.count_absence
    india = load_rule("in-10th")
    assert india.classifications == () and india.count_absence and india.count_abstention
    with pytest.raises(ConfigError, match="Shipped rules: in-10th, pk-63a"):
        load_rule("xx-none")


def test_inferred_directions_on_s107_match_votes_against_the_majority(s107_store, voteview_raw):
    """Every yea/nay cast against a party majority of 10+ voters, counted in pandas."""
    _, _, votes = voteview_raw[107]
    v = votes[votes["cast_code"].isin([1, 6])].copy()
    v["side"] = np.where(v["cast_code"] == 1, 1, -1)
    c = v.groupby(["rollnumber", "party_id"])["side"].agg(["sum", "size"]).reset_index()
    c = c[(c["sum"] != 0) & (c["size"] >= 10)]
    v = v.merge(c, on=["rollnumber", "party_id"])
    against = v[v["side"] == -np.sign(v["sum"])]
    want = against.groupby("person_id").size()
    got = violations(s107_store, infer_direction=True)
    assert set(got["kind"]) == {"voted against"}
    assert got.groupby("person_id").size().sort_index().equals(want.sort_index())
