"""Random small legislatures: the SQL metrics against a plain-Python reading of the definitions.

Covers every combination of the edges at once: ties, small parties, tellers, both-ways votes,
abstentions, members not voting, whip directions (yes, no, abstain, free) and free votes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import floorwatch
from floorwatch.metrics import agreement, loyalty, rice

PEOPLE = [("a1", "A"), ("a2", "A"), ("a3", "A"), ("a4", "A"), ("b1", "B"), ("b2", "B")]
OPTIONS = ["yes", "no", "abstain", "not voting", "both"]
POSITION = {"yes": 1, "no": -1, "abstain": 0, "not voting": None, "both": None}

ballot = st.tuples(st.sampled_from(OPTIONS), st.booleans())  # (option, teller)
rollcall = st.fixed_dictionaries(
    {
        "free": st.booleans(),
        "whip_a": st.sampled_from([None, "yes", "no", "abstain", "free"]),
        "ballots": st.lists(ballot, min_size=len(PEOPLE), max_size=len(PEOPLE)),
    }
)


def _side(option):
    return {"yes": 1, "no": -1}.get(option)


def _reference(rollcalls, min_size):
    out = {p: dict(votes=0, with_party=0, attended=0, rebellions=0) for p, _ in PEOPLE}
    agree = {p: [0, 0] for p, _ in PEOPLE}
    rices = {}
    for i, rc in enumerate(rollcalls):
        rows = [
            (pid, party, opt, teller and opt in ("yes", "no"))
            for (pid, party), (opt, teller) in zip(PEOPLE, rc["ballots"], strict=True)
        ]
        for party in ("A", "B"):
            mine = [r for r in rows if r[1] == party]
            y = sum(_side(r[2]) == 1 for r in mine)
            n = sum(_side(r[2]) == -1 for r in mine)
            a = sum(r[2] == "abstain" for r in mine)
            if y + n + a:
                rices[(f"r{i}", party)] = abs(y - n) / (y + n) if y + n else None
            majority = (y > n) - (n > y) or None
            whip = rc["whip_a"] if party == "A" else None
            free = rc["free"] or whip == "free"
            whip_line = {"yes": 1, "no": -1, "abstain": 0}.get(whip)
            if free:
                vv = pw = None
            elif whip_line is not None:
                vv = pw = whip_line
            else:
                vv = majority if y + n >= min_size else None
                pw = majority
            for pid, _, opt, teller in mine:
                side = _side(opt)
                o = out[pid]
                if vv is not None and (side is not None or (vv == 0 and opt == "abstain")):
                    o["votes"] += 1
                    o["with_party"] += side == vv if side is not None else vv == 0
                att = teller or opt in ("yes", "no", "abstain", "both")
                if not free and att:
                    o["attended"] += 1
                    if side is not None and pw is not None and (pw == 0 or side == -pw):
                        o["rebellions"] += 1
        # Agreement with party A, each member left out of the majority they are compared with.
        for pid, _party, opt, _ in rows:
            side = _side(opt)
            if side is None:
                continue
            total = sum(_side(o2) or 0 for p2, g2, o2, _ in rows if g2 == "A" and p2 != pid)
            if total:
                agree[pid][0] += 1
                agree[pid][1] += side == (1 if total > 0 else -1)
    return out, agree, rices


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rollcalls=st.lists(rollcall, min_size=1, max_size=5), min_size=st.integers(1, 4))
def test_metrics_match_the_definitions(rollcalls, min_size):
    store = floorwatch.open(":memory:")
    try:
        store.execute(
            "INSERT INTO organization (id, name, classification) VALUES "
            "('ch', 'Chamber', 'chamber'), ('A', 'A', 'party'), ('B', 'B', 'party')"
        )
        for pid, _ in PEOPLE:
            store.execute("INSERT INTO person (id, name) VALUES (?, ?)", [pid, pid])
        for i, rc in enumerate(rollcalls):
            rid = f"r{i}"
            store.execute(
                "INSERT INTO vote_event (id, organization_id, seq, start_date, classification) "
                "VALUES (?, 'ch', ?, ?, ?)",
                [rid, i + 1, dt.date(2020, 1, 1 + i), "free vote" if rc["free"] else None],
            )
            if rc["whip_a"]:
                store.execute(
                    "INSERT INTO whip_direction (vote_event_id, organization_id, direction) "
                    "VALUES (?, 'A', ?)",
                    [rid, rc["whip_a"]],
                )
            for (pid, party), (opt, teller) in zip(PEOPLE, rc["ballots"], strict=True):
                store.insert_votes(
                    "SELECT CAST(? AS VARCHAR) AS vote_event_id, CAST(? AS VARCHAR) AS voter_id,"
                    " CAST(? AS VARCHAR) AS option, CAST(? AS SMALLINT) AS position,"
                    " CAST(? AS VARCHAR) AS group_id, CAST(? AS VARCHAR) AS role",
                    [
                        rid,
                        pid,
                        opt,
                        POSITION[opt],
                        party,
                        "teller" if teller and opt in ("yes", "no") else None,
                    ],
                )
        want, want_agree, want_rice = _reference(rollcalls, min_size)
        got = loyalty(store, min_party_size=min_size).set_index("person_id")
        for pid, counts in want.items():
            for key, value in counts.items():
                assert got.at[pid, key] == value, (pid, key)
        ag = agreement(store, "A").set_index("person_id")
        for pid, (votes, agreed) in want_agree.items():
            if votes:
                assert (ag.at[pid, "votes"], ag.at[pid, "agreed"]) == (votes, agreed), pid
            else:
                assert pid not in ag.index
        rc_frame = rice(store)
        got_rice = {
            (r.vote_event_id, r.party_id): (None if pd.isna(r.rice) else r.rice)
            for r in rc_frame.itertuples()
        }
        assert got_rice.keys() == want_rice.keys()
        for key, value in want_rice.items():
            assert (got_rice[key] is None) == (value is None)
            if value is not None:
                assert abs(got_rice[key] - value) < 1e-12
        ai = rc_frame["agreement_index"].dropna()
        assert ((ai >= -1e-12) & (ai <= 1 + 1e-12)).all()
    finally:
        store.close()
