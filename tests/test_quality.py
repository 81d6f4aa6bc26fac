"""``floorwatch check`` (issue 12, item 9) on the real Pakistan Popolo file, whose by-election
winners are stored without ending their predecessors' seats, and on invented records of
fictional people for the checks the real file does not trigger."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict

import floorwatch
from floorwatch.cli import main
from floorwatch.ingest import ingest_csv
from floorwatch.quality import check
from realdata import REAL

POPOLO = REAL / "everypolitician-pakistan" / "ep-popolo-v1.0.json.gz"


def test_seats_held_twice_and_a_person_stored_twice_in_the_real_file(tmp_path, capsys):
    db = tmp_path / "pk.duckdb"
    assert main(["--db", str(db), "ingest", "popolo", str(POPOLO)]) == 0
    # Expected from the raw file: areas of the 14th Assembly named by two memberships (no
    # membership there has an end date, so they overlap).
    doc = json.loads(gzip.decompress(POPOLO.read_bytes()))
    by_area = defaultdict(set)
    for m in doc["memberships"]:
        if m.get("area_id"):
            by_area[m["area_id"]].add(m["person_id"])
    expected = {tuple(sorted(p)) for p in by_area.values() if len(p) == 2}
    assert expected and all(len(p) <= 2 for p in by_area.values())
    store = floorwatch.open(db, read_only=True)
    found = check(store)
    store.close()
    seats = found[found.check == "two members for one seat"]
    assert {
        tuple(sorted(p)) for p in zip(seats.person_id, seats.other_person_id, strict=True)
    } == expected
    dups = found[found.check == "probable duplicate person"]
    names = {p["id"]: p["name"] for p in doc["persons"]}
    assert len(dups) == 1
    (row,) = dups.itertuples()
    assert names[row.person_id] == names[row.other_person_id] == "Abdul Hakeem Baloch"
    capsys.readouterr()
    assert main(["--db", str(db), "check", "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(found)


def test_no_false_alarm_on_a_two_member_area(tmp_path):
    """Voteview Senate 107: two senators per state, Jeffords' two spells, Minnesota's
    successors after Wellstone's death: nothing to report."""
    from realdata import vv_senate

    store = floorwatch.open(tmp_path / "s.duckdb")
    floorwatch.ingest_voteview(store, *vv_senate(107))
    assert check(store).empty
    store.close()


def test_membership_before_founding_and_claim_about_a_member(tmp_path):
    """Fictional people: a membership dated before the group was founded, and a claim that a
    member will join the party he already sits for."""
    store = floorwatch.open(tmp_path / "f.duckdb")
    files = {
        "organizations": "id,name,classification,founding_date\ng1,Group (fictional),party,"
        "2016-05-01\n",
        "persons": "id,name\nx1,Fictional X\n",
        "memberships": "id,person,organization,start_date\nm1,x1,g1,2016-04-01\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        ingest_csv(store, kind, path)
    from floorwatch.claims import add_claim

    add_claim(store, made_on="2016-06-01", about="x1", predicts="joins", organization="g1")
    found = check(store)
    store.close()
    assert list(found.check) == [
        "membership before founding",
        "claim about a member already in the group",
    ]
    assert "before Group (fictional) was founded (2016-05-01)" in found.detail.iloc[0]
