"""Resolution of claims against real party switches (Voteview Senate 107/111, UK parlparse)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import floorwatch
from floorwatch import claims
from realdata import vv_senate

D, R, IND = "us-party-100", "us-party-200", "us-party-328"
SPECTER, JEFFORDS, CHAFEE, SNOWE = (
    "bioguide-S000709",
    "bioguide-J000072",
    "bioguide-C001040",
    "bioguide-S000663",
)


def _status(store, cid):
    return claims.list_claims(store, claim_ids=[cid]).iloc[0]


def test_specter_joins_democrats_true_on_recorded_switch(senate, specter_first_d_vote):
    cid = claims.add_claim(
        senate,
        made_on="2009-04-27",
        about="bioguide:S000709",
        predicts="joins",
        organization=D,
        outlet="Example Daily",
    )
    out = claims.resolve_claims(senate, as_of=dt.date(2010, 1, 1))
    row = out.set_index("claim_id").loc[cid]
    assert row["status"] == "true"
    # The event is Specter's first vote as a Democrat, read from the raw Voteview files.
    assert row["event_date"] == specter_first_d_vote
    assert row["resolved_on"] == specter_first_d_vote
    assert row["evidence_person_id"] == SPECTER
    # The evidence is the Democratic membership of the switch.
    party = senate.scalar(
        "SELECT on_behalf_of_id FROM membership WHERE id = ?", [row["evidence_membership_id"]]
    )
    assert party == D
    listed = _status(senate, cid)
    assert listed["days_ahead"] == (specter_first_d_vote - dt.date(2009, 4, 27)).days


def test_specter_claim_is_pending_before_the_switch_is_known(senate, specter_first_d_vote):
    cid = claims.add_claim(
        senate, made_on="2009-04-27", about=SPECTER, predicts="joins", organization=D
    )
    before = specter_first_d_vote - dt.timedelta(days=1)
    out = claims.resolve_claims(senate, as_of=before).set_index("claim_id")
    assert out.loc[cid, "status"] == "pending"
    assert out.loc[cid, "resolved_on"] is None
    out = claims.resolve_claims(senate, as_of=specter_first_d_vote).set_index("claim_id")
    assert out.loc[cid, "status"] == "true"


def test_claim_made_after_the_switch_does_not_count(senate, specter_first_d_vote):
    cid = claims.add_claim(
        senate,
        made_on=specter_first_d_vote + dt.timedelta(days=1),
        about=SPECTER,
        predicts="joins",
        organization=D,
        deadline="2009-12-31",
    )
    assert claims.resolve_claims(senate).set_index("claim_id").loc[cid, "status"] == "false"


def test_wrong_party_in_joins_claim_is_false(senate):
    cid = claims.add_claim(
        senate,
        made_on="2009-04-27",
        about=SPECTER,
        predicts="joins",
        organization=IND,
        deadline="2009-12-31",
    )
    assert claims.resolve_claims(senate).set_index("claim_id").loc[cid, "status"] == "false"


def test_s107_republican_other_than_jeffords_leaving_in_2001_is_false_when_window_ends(
    senate, real_data
):
    # Lincoln Chafee (R-RI) was named as the next to go in 2001; he stayed a Republican in the
    # 107th Senate. Check that in the raw Voteview file: one row, party 200.
    raw = pd.read_csv(vv_senate(107)[0])
    assert set(raw[raw["bioguide_id"] == "C001040"]["party_code"]) == {200}
    cid = claims.add_claim(
        senate,
        made_on="2001-05-25",
        about="bioguide:C001040",
        predicts="leaves",
        organization=R,
        deadline="2001",
    )
    assert _status(senate, cid)["deadline"] == dt.date(2001, 12, 31)
    on_deadline = claims.resolve_claims(senate, as_of=dt.date(2001, 12, 31))
    assert on_deadline.set_index("claim_id").loc[cid, "status"] == "pending"
    after = claims.resolve_claims(senate, as_of=dt.date(2002, 1, 1)).set_index("claim_id")
    assert after.loc[cid, "status"] == "false"
    assert after.loc[cid, "resolved_on"] == dt.date(2001, 12, 31)
    assert after.loc[cid, "event_date"] is None


def test_jeffords_leaves_true_and_denial_false(senate, jeffords_first_ind_vote):
    asserts = claims.add_claim(
        senate, made_on="2001-05-22", about=JEFFORDS, predicts="leaves", organization=R
    )
    denies = claims.add_claim(
        senate,
        made_on="2001-05-22",
        about=JEFFORDS,
        predicts="leaves",
        organization=R,
        stance="denies",
        outlet="Example Wire",
    )
    stays = claims.add_claim(
        senate, made_on="2001-05-22", about=JEFFORDS, predicts="stays", organization=R
    )
    out = claims.resolve_claims(senate).set_index("claim_id")
    assert out.loc[asserts, "status"] == "true"
    assert out.loc[asserts, "event_date"] == jeffords_first_ind_vote
    # A denial contradicted by the switch is false from the day of the switch.
    assert out.loc[denies, "status"] == "false"
    assert out.loc[denies, "resolved_on"] == jeffords_first_ind_vote
    assert out.loc[stays, "status"] == "false"


def test_denials_and_stays_true_when_window_passes(senate):
    deny = claims.add_claim(
        senate,
        made_on="2001-06-01",
        about=CHAFEE,
        predicts="leaves",
        stance="denies",
        deadline="2001-12-31",
    )
    stay = claims.add_claim(
        senate,
        made_on="2001-06-01",
        about=[SNOWE, CHAFEE],
        predicts="stays",
        organization=R,
        deadline="2001-12-31",
    )
    mid = claims.resolve_claims(senate, as_of=dt.date(2001, 9, 1)).set_index("claim_id")
    assert mid.loc[deny, "status"] == "pending" and mid.loc[stay, "status"] == "pending"
    out = claims.resolve_claims(senate, as_of=dt.date(2002, 6, 1)).set_index("claim_id")
    assert out.loc[deny, "status"] == "true"
    assert out.loc[stay, "status"] == "true"
    assert out.loc[stay, "resolved_on"] == dt.date(2001, 12, 31)
    # No event: a true denial has no days ahead.
    assert out.loc[deny, "event_date"] is None
    assert pd.isna(_status(senate, deny)["days_ahead"])


def test_several_people_true_only_if_all(senate):
    both = claims.add_claim(
        senate,
        made_on="2001-05-01",
        about=[JEFFORDS, CHAFEE],
        predicts="leaves",
        organization=R,
        deadline="2001-12-31",
    )
    neither = claims.add_claim(
        senate,
        made_on="2001-05-01",
        about=[JEFFORDS, CHAFEE],
        predicts="leaves",
        organization=R,
        stance="denies",
        deadline="2001-12-31",
    )
    out = claims.resolve_claims(senate, as_of=dt.date(2001, 8, 1)).set_index("claim_id")
    # Jeffords has gone, Chafee's window is still open: pending for the assertion, but the
    # denial ("neither will leave") already failed on Jeffords.
    assert out.loc[both, "status"] == "pending"
    assert out.loc[both, "matched"] == 1
    assert out.loc[neither, "status"] == "false"
    out = claims.resolve_claims(senate, as_of=dt.date(2002, 1, 1)).set_index("claim_id")
    assert out.loc[both, "status"] == "false"


def test_count_claims_on_s107(senate, jeffords_first_ind_vote, real_data):
    # Independently: S107 Republicans (party 200) with a second, non-Republican row = leavers.
    raw = pd.read_csv(vv_senate(107)[0])
    raw = raw[raw["chamber"] == "Senate"]
    parties = raw.groupby("bioguide_id")["party_code"].apply(set)
    leavers = [b for b, ps in parties.items() if 200 in ps and len(ps) > 1]
    assert len(leavers) == 1  # Jeffords
    one_to_three = claims.add_claim(
        senate,
        made_on="2001-05-01",
        count_min=1,
        count_max=3,
        count_of=R,
        predicts="leaves",
        organization=R,
        deadline="2001-12-31",
    )
    at_least_two = claims.add_claim(
        senate, made_on="2001-05-01", count_min=2, predicts="leaves", organization=R
    )
    none = claims.add_claim(
        senate,
        made_on="2001-05-01",
        count_min=0,
        count_max=0,
        predicts="leaves",
        organization=R,
        deadline="2001-12-31",
    )
    denial = claims.add_claim(
        senate,
        made_on="2001-05-01",
        count_min=2,
        count_max=5,
        predicts="leaves",
        organization=R,
        stance="denies",
        deadline="2001-12-31",
    )
    to_ind = claims.add_claim(
        senate,
        made_on="2001-05-01",
        count_min=1,
        count_of=R,
        predicts="joins",
        organization=IND,
        deadline="2001-12-31",
    )
    mid = claims.resolve_claims(senate, as_of=dt.date(2001, 7, 1)).set_index("claim_id")
    # With an upper bound the count can still overshoot: pending until the window closes.
    assert mid.loc[one_to_three, "status"] == "pending"
    assert mid.loc[one_to_three, "matched"] == len(leavers)
    # "None will leave" failed the day the first one left.
    assert mid.loc[none, "status"] == "false"
    assert mid.loc[none, "resolved_on"] == jeffords_first_ind_vote
    # Open-ended "at least one joins the independents" is true once one has.
    assert mid.loc[to_ind, "status"] == "true"
    assert mid.loc[to_ind, "event_date"] == jeffords_first_ind_vote
    out = claims.resolve_claims(senate, as_of=dt.date(2002, 1, 1)).set_index("claim_id")
    assert out.loc[one_to_three, "status"] == "true"
    assert out.loc[one_to_three, "event_date"] == jeffords_first_ind_vote
    assert out.loc[one_to_three, "evidence_person_id"] == JEFFORDS
    assert out.loc[at_least_two, "status"] == "false"  # default window: 180 days
    assert out.loc[denial, "status"] == "true"


def test_manual_override_wins_and_survives_re_resolution(senate):
    cid = claims.add_claim(
        senate,
        made_on="2001-05-25",
        about=CHAFEE,
        predicts="leaves",
        organization=R,
        deadline="2001-12-31",
    )
    claims.resolve_claims(senate, as_of=dt.date(2002, 1, 1))
    assert _status(senate, cid)["status"] == "false"
    claims.override(
        senate,
        cid,
        "true",
        note="He left the Republican caucus in spirit (test)",
        by="tester",
        event_date="2001-06-01",
    )
    row = _status(senate, cid)
    assert (row["status"], row["auto_status"], bool(row["manual"])) == ("true", "false", True)
    assert row["resolved_by"] == "tester" and row["note"].startswith("He left")
    assert row["days_ahead"] == 7
    out = claims.resolve_claims(senate, as_of=dt.date(2002, 1, 1)).set_index("claim_id")
    assert out.loc[cid, "status"] == "true" and out.loc[cid, "auto_status"] == "false"
    # Re-adding the same claim keeps the override.
    again = claims.add_claim(
        senate,
        made_on="2001-05-25",
        about=CHAFEE,
        predicts="leaves",
        organization=R,
        deadline="2001-12-31",
    )
    assert again == cid and _status(senate, cid)["status"] == "true"
    claims.clear_override(senate, cid)
    row = _status(senate, cid)
    assert (row["status"], bool(row["manual"]), row["note"]) == ("false", False, None)


def test_override_before_any_resolution_and_errors(senate):
    cid = claims.add_claim(
        senate, made_on="2009-04-27", about=SPECTER, predicts="joins", organization=D
    )
    claims.override(senate, cid, "false", note="retracted by the outlet", by="editor")
    assert _status(senate, cid)["status"] == "false"
    with pytest.raises(floorwatch.InputError, match="note"):
        claims.override(senate, cid, "true", note=" ", by="x")
    with pytest.raises(floorwatch.InputError, match="who"):
        claims.override(senate, cid, "true", note="n", by="")
    with pytest.raises(floorwatch.InputError, match="status"):
        claims.override(senate, cid, "maybe", note="n", by="x")
    with pytest.raises(floorwatch.NotFoundError):
        claims.override(senate, "claim-nope", "true", note="n", by="x")
    claims.resolve_claims(senate)
    assert _status(senate, cid)["status"] == "false"
    assert _status(senate, cid)["auto_status"] == "true"
    with pytest.raises(floorwatch.InputError, match="as_of"):
        claims.resolve_claims(senate, as_of="30/04/2009")


def test_re_resolution_is_idempotent_and_follows_new_data(tmp_path, real_data):
    store = floorwatch.open(tmp_path / "grow.duckdb")
    floorwatch.ingest_voteview(store, vv_senate(111)[0], vv_senate(111)[1])
    # Members and roll calls only: the switch cannot be dated, so no vote gives it away yet.
    cid = claims.add_claim(
        store, made_on="2009-04-27", about=SPECTER, predicts="joins", organization=D
    )
    first = claims.resolve_claims(store, as_of=dt.date(2009, 6, 1))
    table1 = store.query("SELECT * FROM claim_resolution ORDER BY claim_id")
    second = claims.resolve_claims(store, as_of=dt.date(2009, 6, 1))
    table2 = store.query("SELECT * FROM claim_resolution ORDER BY claim_id")
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(table1, table2)
    assert len(table2) == 1
    assert first.iloc[0]["status"] == "pending"
    # New data: the votes date the switch; resolving again finds it.
    floorwatch.ingest_voteview(store, *vv_senate(111))
    third = claims.resolve_claims(store, as_of=dt.date(2009, 6, 1)).set_index("claim_id")
    assert third.loc[cid, "status"] == "true"
    assert store.scalar("SELECT count(*) FROM claim_resolution") == 1
    store.close()


def test_default_as_of_is_the_record_end(senate, real_data):
    calls = pd.read_csv(vv_senate(111)[1])
    last_vote = dt.date.fromisoformat(calls["date"].max())
    end = claims.record_end(senate)
    # The record runs to the end of the 111th Congress (2011-01-02 by statute) or the last vote.
    assert end >= last_vote
    assert end == dt.date(2011, 1, 2)
    # As of an earlier "today", the record ends with the last roll call before it.
    cutoff = dt.date(2010, 6, 1)
    last_before = max(d for d in calls["date"] if dt.date.fromisoformat(d) <= cutoff)
    assert claims.record_end(senate, today=cutoff) == dt.date.fromisoformat(last_before)
    empty = floorwatch.open(":memory:")
    assert claims.record_end(empty, today=dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)


# -- UK: parlparse Commons memberships ------------------------------------------------------
def _uk_person(uk_rows, lastname, firstname):
    """``parlparse:<parlparse person id>`` (a reference through the identifier table) and the
    person's rows in the raw CSV."""
    rows = uk_rows[(uk_rows["lastname"] == lastname) & (uk_rows["firstname"] == firstname)]
    return "parlparse:" + rows["person_id"].iloc[0], rows


def _store_id(store, ref):
    scheme, ident = ref.split(":", 1)
    return store.scalar(
        "SELECT person_id FROM identifier WHERE scheme = ? AND identifier = ?", [scheme, ident]
    )


def test_uk_floor_crossings(uk, uk_rows):
    davies, rows = _uk_person(uk_rows, "Davies", "Quentin")
    lab_from = dt.date.fromisoformat(
        rows[(rows["party"] == "Lab") & (rows["fromwhy"] == "changed_party")]["fromdate"].iloc[0]
    )
    woodward, wrows = _uk_person(uk_rows, "Woodward", "Shaun")
    w_lab = dt.date.fromisoformat(
        wrows[(wrows["party"] == "Lab") & (wrows["fromwhy"] == "changed_party")]["fromdate"].iloc[0]
    )
    c1 = claims.add_claim(
        uk,
        made_on="2007-06-20",
        about=_store_id(uk, davies),  # by person id; c2 by parlparse id
        predicts="joins",
        organization="uk-party-lab",
        wording="rumoured",
        outlet="Example Times",
    )
    c2 = claims.add_claim(
        uk,
        made_on="2007-06-20",
        about=davies,
        predicts="leaves",
        organization="uk-party-con",
        stance="denies",
        probability=0.8,
        outlet="Example Wire",
        source_kind="official spokesman",
    )
    # Woodward crossed in December 1999; a claim with a window ending before it is false.
    c3 = claims.add_claim(
        uk,
        made_on="1999-06-01",
        about=woodward,
        predicts="leaves",
        organization="uk-party-con",
        deadline=w_lab - dt.timedelta(days=1),
    )
    c4 = claims.add_claim(
        uk,
        made_on="1999-06-01",
        about=woodward,
        predicts="joins",
        organization="uk-party-lab",
        deadline="1999-12-31",
    )
    out = claims.resolve_claims(uk).set_index("claim_id")
    assert claims.record_end(uk) == dt.date(2015, 3, 30)  # the 2010-15 file's last todate
    assert out.loc[c1, "status"] == "true" and out.loc[c1, "event_date"] == lab_from
    assert lab_from == dt.date(2007, 6, 27)
    assert out.loc[c2, "status"] == "false"
    assert out.loc[c3, "status"] == "false"
    assert out.loc[c4, "status"] == "true" and out.loc[c4, "event_date"] == w_lab


def test_uk_count_claim_uup_2003(uk, uk_rows):
    # Independently from the CSV: UUP memberships ended by a change of party in 2003.
    uup_left = uk_rows[
        (uk_rows["party"] == "UUP")
        & (uk_rows["towhy"] == "changed_party")
        & (uk_rows["todate"].str.startswith("2003"))
    ]
    n = uup_left["person_id"].nunique()
    assert n == 3  # Burnside, Donaldson, Smyth
    day = dt.date.fromisoformat(uup_left["todate"].max()) + dt.timedelta(days=1)
    exact = claims.add_claim(
        uk,
        made_on="2003-06-01",
        count_min=n,
        count_max=n,
        count_of="uk-party-uup",
        predicts="leaves",
        organization="uk-party-uup",
        deadline="2003-12-31",
    )
    more = claims.add_claim(
        uk,
        made_on="2003-06-01",
        count_min=n + 1,
        predicts="leaves",
        organization="uk-party-uup",
        deadline="2003-12-31",
    )
    # Donaldson went on to the DUP on 2004-01-05, but from "Ind UU", not from the UUP: no UUP
    # member joined the DUP.
    to_dup = claims.add_claim(
        uk,
        made_on="2003-06-01",
        count_min=1,
        count_of="uk-party-uup",
        predicts="joins",
        organization="uk-party-dup",
        deadline="2004-06-30",
    )
    out = claims.resolve_claims(uk).set_index("claim_id")
    assert out.loc[exact, "status"] == "true"
    assert out.loc[exact, "matched"] == n
    assert out.loc[exact, "event_date"] == day
    assert out.loc[more, "status"] == "false"
    assert out.loc[to_dup, "status"] == "false"
    assert out.loc[to_dup, "matched"] == 0


def test_uk_whip_removed_counts_as_expelled(uk, uk_rows):
    # Ann Winterton lost the Conservative whip on 2004-02-25 and had it restored on
    # 2004-03-31 (parlparse records both as changed_party; we mark the kind by hand).
    winterton, rows = _uk_person(uk_rows, "Winterton", "Ann")
    ind = rows[rows["party"] == "Ind Con"].iloc[0]
    with uk.transaction():
        uk.execute(
            "UPDATE membership SET end_reason = 'whip removed' WHERE person_id = ? "
            "AND on_behalf_of_id = 'uk-party-con' AND end_date = ?",
            [
                _store_id(uk, winterton),
                dt.date.fromisoformat(ind["fromdate"]) - dt.timedelta(days=1),
            ],
        )
    expelled = claims.add_claim(
        uk, made_on="2004-02-20", about=winterton, predicts="expelled", organization="uk-party-con"
    )
    davies, _ = _uk_person(uk_rows, "Davies", "Quentin")
    not_expelled = claims.add_claim(
        uk, made_on="2007-06-01", about=davies, predicts="expelled", deadline="2007-12-31"
    )
    out = claims.resolve_claims(uk).set_index("claim_id")
    assert out.loc[expelled, "status"] == "true"
    assert out.loc[expelled, "event_date"] == dt.date.fromisoformat(ind["fromdate"])
    # Davies crossed the floor of his own accord: not an expulsion.
    assert out.loc[not_expelled, "status"] == "false"


def test_subject_outcomes_columns(senate):
    claims.add_claim(senate, made_on="2001-05-22", about=JEFFORDS, predicts="leaves")
    frame = claims.subject_outcomes(senate, as_of=dt.date(2002, 1, 1))
    assert list(frame["occurred"]) == [1]
    assert list(frame["holds"]) == [1]
