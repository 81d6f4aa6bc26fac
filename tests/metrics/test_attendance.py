"""Attendance: real Senate roll calls and real sittings (Singapore, Malaysia) against direct
counts in pandas, and hand-built edge cases."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from floorwatch.metrics import attendance
from floorwatch.metrics.attendance import ATTENDANCE_COLUMNS


def D(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)


# -- real data: Voteview Senate ----------------------------------------------------------------
def _direct(votes: pd.DataFrame) -> pd.DataFrame:
    """GovTrack-style counts straight from raw cast codes: 1, 6, 7, 8 were cast on the floor;
    2-5 (paired, announced) and 9 (not voting) were missed."""
    v = votes.assign(att=votes["cast_code"].isin([1, 6, 7, 8]).astype(int))
    return v.groupby("person_id").agg(possible=("att", "size"), attended=("att", "sum"))


def _runs(flags: list[int]) -> tuple[int, int]:
    """(current, longest) run of zeros at the end / anywhere."""
    longest = max((len(list(g)) for k, g in itertools.groupby(flags) if k == 0), default=0)
    current = 0
    for f in reversed(flags):
        if f:
            break
        current += 1
    return current, longest


def test_s107_rollcall_attendance_matches_direct_count(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    ours = attendance(s107_store, basis="votes").set_index("person_id")
    direct = _direct(votes)
    assert set(ours.index) == set(direct.index)
    mine = ours[["possible", "attended", "missed", "rate"]].add_suffix("_ours")
    joined = direct.join(mine)
    assert (joined["possible"] == joined["possible_ours"]).all()
    assert (joined["attended"] == joined["attended_ours"]).all()
    assert (joined["possible"] - joined["attended"] == joined["missed_ours"]).all()
    np.testing.assert_allclose(joined["rate_ours"], joined["attended"] / joined["possible"])
    # Jesse Helms, ill for much of 2001-02, missed the most roll calls in the 107th Senate.
    assert ours["missed"].idxmax() == "bioguide-H000463"
    assert list(ours.columns) == list(ATTENDANCE_COLUMNS)[1:]


def test_s107_streaks_and_count_window_match_a_loop(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    ours = attendance(s107_store, basis="votes", window=50).set_index("person_id")
    for pid, grp in votes.sort_values("rollnumber").groupby("person_id"):
        flags = grp["cast_code"].isin([1, 6, 7, 8]).astype(int).tolist()
        current, longest = _runs(flags)
        assert ours.at[pid, "current_streak"] == current, pid
        assert ours.at[pid, "longest_streak"] == longest, pid
        last, prev = flags[-50:], flags[-100:-50]
        assert ours.at[pid, "window_possible"] == len(last)
        assert ours.at[pid, "window_rate"] == pytest.approx(sum(last) / len(last))
        if prev:
            assert ours.at[pid, "previous_rate"] == pytest.approx(sum(prev) / len(prev))
            assert ours.at[pid, "window_change"] == pytest.approx(
                sum(last) / len(last) - sum(prev) / len(prev)
            )


def test_s107_day_window_and_as_of(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    as_of = dt.date(2001, 12, 31)
    ours = attendance(s107_store, basis="votes", as_of=as_of).set_index("person_id")
    seen = votes[votes["date"] <= as_of]
    direct = _direct(seen)
    assert (direct["possible"] == ours.loc[direct.index, "possible"]).all()
    assert (direct["attended"] == ours.loc[direct.index, "attended"]).all()
    # The 90-day window ends on the as-of day; the one before it covers the 90 days before.
    cur = seen[seen["date"] > as_of - dt.timedelta(days=90)]
    prev = seen[
        (seen["date"] > as_of - dt.timedelta(days=180))
        & (seen["date"] <= as_of - dt.timedelta(days=90))
    ]
    dc, dp = _direct(cur), _direct(prev)
    np.testing.assert_allclose(
        ours.loc[dc.index, "window_rate"], dc["attended"] / dc["possible"], rtol=1e-12
    )
    np.testing.assert_allclose(
        ours.loc[dp.index, "previous_rate"], dp["attended"] / dp["possible"], rtol=1e-12
    )
    # Nothing after the as-of day was used: a later as-of changes the counts.
    later = attendance(s107_store, basis="votes", as_of="2002-06-30")
    assert later["possible"].max() > ours["possible"].max()


def test_s107_party_filter_counts_votes_while_in_that_party(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    ours = attendance(s107_store, basis="votes", party="R").set_index("person_id")
    direct = _direct(votes[votes["party_id"] == "us-party-200"])
    assert ours.at["bioguide-J000072", "possible"] == direct.at["bioguide-J000072", "possible"]
    assert (ours["party_id"] == "us-party-200").all()


# -- real data: Singapore and Malaysia sittings --------------------------------------------------
def _adapters():
    from floorwatch.ingest.adapters import ingest_malaysia, ingest_singapore

    return ingest_singapore, ingest_malaysia


def _direct_sittings(rows: pd.DataFrame, sittings: pd.DataFrame) -> dict[str, int]:
    """Direct count for one member: ``rows`` (date, period, status) listed for them, one per
    sitting; ``sittings`` (date, period) all sittings. Unlisted sittings between the first and
    last listed one of a period count as missed, as the metric documents."""
    last_day = sittings["date"].max()
    eligible = 0
    for period, grp in rows.groupby("period"):
        first, last = grp["date"].min(), grp["date"].max()
        if last == last_day:
            last = dt.date.max
        in_span = sittings[
            (sittings["period"] == period)
            & (sittings["date"] >= first)
            & (sittings["date"] <= last)
        ]
        eligible += len(in_span)
    present = int((rows["status"] == "present").sum())
    absent = int((rows["status"] == "absent").sum())
    suspended = int((rows["status"] == "suspended").sum())
    return {
        "attended": present,
        "possible": eligible - suspended,
        "missed": eligible - suspended - present,
        "suspended": suspended,
        "unrecorded": eligible - present - absent - suspended,
    }


def test_singapore_attendance_matches_direct_count(tmp_store, real_data):
    ingest_singapore, _ = _adapters()
    folder = real_data / "singapore-parliament-attendance"
    ingest_singapore(tmp_store, folder)
    fact = pd.read_csv(folder / "fact_attendance.csv.gz", dtype=str)
    sit = pd.read_csv(folder / "sittings.csv.gz", dtype=str)
    fact = fact[fact["MP_Name"].fillna("").str.strip() != ""].copy()
    fact["name"] = fact["MP_Name"].str.strip()
    fact = fact.merge(sit[["Sitting_CID", "Parliament_Number"]], on="Sitting_CID")
    fact["date"] = pd.to_datetime(fact["Date"]).dt.date
    # A member listed twice at one sitting is present if either line says so.
    fact["present"] = fact["Attendance"] == "True"
    per = fact.groupby(["name", "Sitting_CID"], as_index=False).agg(
        date=("date", "first"), period=("Parliament_Number", "first"), present=("present", "max")
    )
    per["status"] = np.where(per["present"], "present", "absent")
    sittings = pd.DataFrame(
        {
            "date": pd.to_datetime(sit["Sitting_Date"]).dt.date,
            "period": sit["Parliament_Number"],
        }
    ).drop_duplicates()
    ours = attendance(tmp_store, basis="events")
    by_name = ours.set_index("name")
    rng = np.random.default_rng(20240501)
    names = sorted(per["name"].unique())
    sample = list(rng.choice(names, size=25, replace=False)) + ["Lee Kuan Yew", "Lee Hsien Loong"]
    for name in sample:
        want = _direct_sittings(per[per["name"] == name], sittings)
        got = by_name.loc[name]
        for key, value in want.items():
            assert got[key] == value, (name, key)
        assert got["rate"] == pytest.approx(want["attended"] / want["possible"])
    assert by_name.loc["Lee Hsien Loong", "party"] == "People's Action Party" or (
        by_name.loc["Lee Hsien Loong", "party_id"] == "sg-pap"
    )


def test_malaysia_attendance_matches_direct_count(tmp_store, real_data):
    _, ingest_malaysia = _adapters()
    folder = real_data / "malaysia-dewan-rakyat-attendance"
    ingest_malaysia(tmp_store, folder)
    raw = pd.read_csv(folder / "attendance_long.csv.gz", dtype=str)
    raw["date"] = pd.to_datetime(raw["date"]).dt.date
    raw["constituency"] = raw["constituency"].str.strip()
    raw = raw.drop_duplicates(["date", "constituency"], keep="first")
    raw["status"] = raw["status"].str.strip().str.lower()
    raw["period"] = "15"
    mps = pd.read_csv(folder / "15mps.csv.gz", header=None, dtype=str)
    mps.columns = ["name", "label", "seat", "constituency", "gender", "born", "office"]
    sittings = pd.DataFrame({"date": sorted(raw["date"].unique()), "period": "15"})
    ours = attendance(tmp_store, basis="events").set_index("person_id")
    seats = tmp_store.query(
        "SELECT person_id, area FROM membership WHERE organization_id = 'my-dewan-rakyat'"
    )
    # Seats that changed hands at a by-election are split by the adapter; sample the others.
    contested = {"Pulai", "Kemaman"}
    pool = sorted(set(mps["constituency"].str.strip()) - contested)
    rng = np.random.default_rng(7)
    for constituency in rng.choice(pool, size=25, replace=False):
        hit = seats[seats["area"].str.endswith(" " + constituency)]
        assert len(hit) == 1, constituency
        pid = hit["person_id"].iat[0]
        want = _direct_sittings(raw[raw["constituency"] == constituency], sittings)
        for key, value in want.items():
            assert ours.at[pid, key] == value, (constituency, key)


# -- hand-built edge cases ------------------------------------------------------------------------
def test_leave_and_excused_are_apart_and_suspended_too(leg):
    leg.seat("a", "A").seat("b", "A")
    for i in range(1, 6):
        leg.event(f"s{i}", D(i))
    statuses = ["present", "leave", "absent", "excused", "suspended"]
    for i, st in enumerate(statuses, start=1):
        leg.attend(f"s{i}", "a", st)
        leg.attend(f"s{i}", "b", "present")
    row = attendance(leg.store).set_index("person_id").loc["a"]
    assert (row["possible"], row["attended"], row["missed"]) == (2, 1, 1)
    assert (row["excused"], row["suspended"]) == (2, 1)
    assert row["rate"] == 0.5
    # Known absences neither break nor extend a run of misses.
    leg.event("s6", D(6)).attend("s6", "a", "absent").attend("s6", "b", "present")
    row = attendance(leg.store).set_index("person_id").loc["a"]
    assert (row["current_streak"], row["longest_streak"]) == (2, 2)


def test_members_who_join_or_leave_mid_period_count_only_while_members(leg):
    leg.seat("early", "A", start=D(1), end=D(3))
    leg.seat("late", "A", start=D(4))
    leg.seat("all", "B", start=D(1))
    for i in range(1, 7):
        leg.event(f"s{i}", D(i))
        leg.attend(f"s{i}", "all", "present")
    leg.attend("s1", "early", "present").attend("s2", "early", "absent")
    leg.attend("s4", "late", "present").attend("s6", "late", "present")
    got = attendance(leg.store).set_index("person_id")
    # early: eligible for s1-s3, no record at s3 (unrecorded: missed).
    assert got.loc["early", ["possible", "attended", "missed", "unrecorded"]].tolist() == [
        3,
        1,
        2,
        1,
    ]
    # late: eligible for s4-s6 only, not for the sittings before the seat began.
    assert got.loc["late", ["possible", "attended", "missed"]].tolist() == [3, 2, 1]
    assert got.loc["all", "rate"] == 1.0


def test_crucial_rate_is_weighted(leg):
    leg.seat("a", "A")
    leg.event("s1", D(1), crucial=1.0).event("s2", D(2), crucial=3.0).event("s3", D(3))
    leg.attend("s1", "a", "present").attend("s2", "a", "absent").attend("s3", "a", "absent")
    row = attendance(leg.store).iloc[0]
    assert row["rate"] == pytest.approx(1 / 3)
    assert row["crucial_rate"] == pytest.approx(1.0 / 4.0)


def test_party_meeting_eligibility_comes_from_party_membership(leg):
    leg.seat("a", "A", start=D(1)).seat("b", "A", start=D(1)).seat("c", "B", start=D(1))
    leg.event("pm1", D(2), cls="party meeting", org="A")
    leg.attend("pm1", "a", "present")
    got = attendance(leg.store, classification="party meeting").set_index("person_id")
    assert set(got.index) == {"a", "b"}  # c is not in party A
    assert got.loc["b", ["possible", "missed", "unrecorded"]].tolist() == [1, 1, 1]


def test_rollcall_attendance_tellers_both_paired_and_known_absence(leg):
    for p in ("t", "b", "p", "x", "l"):
        leg.seat(p, "A", start=D(1))
    leg.rollcall("r1", D(2))
    leg.vote("r1", "t", "yes", party="A", role="teller")
    leg.vote("r1", "b", "both", party="A")
    leg.vote("r1", "p", "paired", party="A", cast_code=2)
    leg.vote("r1", "x", "absent", party="A")
    # l has no vote row but an attendance record of leave for that day's sitting.
    leg.event("sit", D(2)).attend("sit", "l", "leave")
    got = attendance(leg.store, basis="votes").set_index("person_id")
    assert got.loc["t", "attended"] == 1  # a teller counts as voting (Public Whip)
    assert got.loc["b", "attended"] == 1  # voting both ways is attending
    assert got.loc["p", "missed"] == 1  # a pair is not a vote cast on the floor (GovTrack)
    assert got.loc["x", "missed"] == 1
    assert got.loc["l", ["possible", "excused"]].tolist() == [0, 1]
    assert np.isnan(got.loc["l", "rate"])


def test_undated_rollcalls_use_seq_and_as_of_drops_them(leg):
    leg.seat("a", "A")
    for i in range(1, 5):
        leg.rollcall(f"r{i}", None)
    for i, opt in zip(range(1, 5), ["yes", "not voting", "no", "not voting"], strict=True):
        leg.vote(f"r{i}", "a", opt, party="A")
    row = attendance(leg.store, basis="votes", window=2).iloc[0]
    assert (row["possible"], row["attended"], row["current_streak"]) == (4, 2, 1)
    assert (row["window_rate"], row["previous_rate"]) == (0.5, 0.5)
    # A day window needs dates: no window rate on undated roll calls.
    assert np.isnan(attendance(leg.store, basis="votes").iloc[0]["window_rate"])
    assert attendance(leg.store, basis="votes", as_of=D(10)).empty


def test_empty_store_gives_the_columns(tmp_store):
    got = attendance(tmp_store)
    assert got.empty and list(got.columns) == list(ATTENDANCE_COLUMNS)
