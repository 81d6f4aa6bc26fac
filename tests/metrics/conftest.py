"""Fixtures for the metrics tests: a builder of small hand-made legislatures, and the raw
Voteview Senate files read with pandas (for independent computations)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from realdata import vv_senate

_POSITION = {"yes": 1, "no": -1, "abstain": 0, "present": 0, "paired": None}


class Leg:
    """Insert rows straight into a store with SQL: a hand-built legislature.

    Defaults: one chamber ``ch`` (parent legislature ``leg``), parties ``A`` and ``B``.
    """

    def __init__(self, store) -> None:
        self.store = store
        self._seq = 0
        self.org("leg", "legislature")
        self.org("ch", "chamber", parent="leg")
        self.org("A", "party", name="Party A")
        self.org("B", "party", name="Party B")

    def org(self, oid, cls, *, parent=None, name=None, abbreviation=None):
        self.store.execute(
            "INSERT INTO organization (id, name, classification, parent_id, abbreviation) "
            "VALUES (?, ?, ?, ?, ?)",
            [oid, name or oid, cls, parent, abbreviation],
        )
        return self

    def person(self, pid, name=None):
        self.store.execute("INSERT INTO person (id, name) VALUES (?, ?)", [pid, name or pid])
        return self

    def seat(self, pid, party, start=None, end=None, *, org="ch", mid=None):
        """A seat in ``org`` held on behalf of ``party`` (creating the person if needed)."""
        if not self.store.scalar("SELECT count(*) FROM person WHERE id = ?", [pid]):
            self.person(pid)
        mid = mid or f"m-{pid}-{party}-{start}"
        self.store.execute(
            "INSERT INTO membership (id, person_id, organization_id, on_behalf_of_id, "
            "start_date, end_date) VALUES (?, ?, ?, ?, ?, ?)",
            [mid, pid, org, party, start, end],
        )
        return self

    def member_of(self, pid, org, start=None, end=None):
        """A direct membership (of a faction, a breakaway group, a party)."""
        self.store.execute(
            "INSERT INTO membership (id, person_id, organization_id, start_date, end_date) "
            "VALUES (?, ?, ?, ?, ?)",
            [f"d-{pid}-{org}-{start}", pid, org, start, end],
        )
        return self

    def rollcall(self, rid, date=None, *, cls=None, crucial=0.0, org="ch", seq=None):
        self._seq += 1
        self.store.execute(
            "INSERT INTO vote_event (id, organization_id, seq, start_date, classification, "
            "crucial, question) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [rid, org, seq or self._seq, date, cls, crucial, f"question {rid}"],
        )
        return self

    def vote(self, rid, pid, option, *, party=None, role=None, cast_code=None):
        position = _POSITION.get(option)
        self.store.insert_votes(
            "SELECT CAST(? AS VARCHAR) AS vote_event_id, CAST(? AS VARCHAR) AS voter_id, "
            "CAST(? AS VARCHAR) AS option, CAST(? AS SMALLINT) AS position, "
            "CAST(? AS SMALLINT) AS cast_code, CAST(? AS VARCHAR) AS group_id, "
            "CAST(? AS VARCHAR) AS role",
            [rid, pid, option, position, cast_code, party, role],
        )
        return self

    def votes(self, rid, party, **options):
        """``votes('r1', 'A', yes=['a1', 'a2'], no=['a3'])``."""
        for option, people in options.items():
            option = option.replace("_", " ")
            for pid in people:
                self.vote(rid, pid, option, party=party)
        return self

    def whip(self, rid, party, direction):
        self.store.execute(
            "INSERT INTO whip_direction (vote_event_id, organization_id, direction) "
            "VALUES (?, ?, ?)",
            [rid, party, direction],
        )
        return self

    def event(self, eid, date, *, cls="plenary sitting", org="ch", crucial=0.0):
        self.store.execute(
            "INSERT INTO event (id, classification, organization_id, start_date, end_date, "
            "crucial) VALUES (?, ?, ?, ?, ?, ?)",
            [eid, cls, org, date, date, crucial],
        )
        return self

    def attend(self, eid, pid, status):
        self.store.execute(
            "INSERT INTO attendance (event_id, person_id, status) VALUES (?, ?, ?)",
            [eid, pid, status],
        )
        return self


@pytest.fixture
def leg(tmp_store) -> Leg:
    return Leg(tmp_store)


@pytest.fixture(scope="session")
def voteview_raw(real_data: Path):
    """Raw Voteview Senate files, read with pandas: {congress: (members, rollcalls, votes)}.

    ``votes`` gains ``person_id`` (as the importer names people: ``bioguide-<id>``),
    ``party_id`` (``us-party-<code>`` of the ICPSR row) and ``date``.
    """
    out = {}
    for c in (107, 111):
        members = pd.read_csv(vv_senate(c)[0])
        members = members[members["chamber"] == "Senate"].copy()
        members["person_id"] = "bioguide-" + members["bioguide_id"].astype(str)
        members["party_id"] = "us-party-" + members["party_code"].astype(int).astype(str)
        rollcalls = pd.read_csv(vv_senate(c)[1])
        votes = pd.read_csv(vv_senate(c)[2])
        votes = votes[(votes["chamber"] == "Senate") & (votes["cast_code"] != 0)]
        votes = votes.merge(members[["icpsr", "person_id", "party_id"]], on="icpsr")
        votes = votes.merge(rollcalls[["rollnumber", "date"]], on="rollnumber")
        votes["date"] = pd.to_datetime(votes["date"]).dt.date
        out[c] = (members, rollcalls, votes)
    return out
