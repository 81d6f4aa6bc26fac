"""The party's own watch (issue 12), end to end, with default settings.

The real EveryPolitician Popolo file of Pakistan's 14th National Assembly
(``tests/data/real/everypolitician-pakistan``) plus a party register loaded through the CSV
templates (``tests/data/partywatch/SOURCE.md``). Every record of the register is invented and
every person in it is fictional (names end in "(fictional)"): a core committee with 13
meetings, 16 National Assembly and 6 provincial sittings with attendance, former lawmakers, a
breakaway group with three public events, media claims that three members would join it
(false: the deadline passed), the spokesman's denial, a "30 to 60 will defect" count claim,
and two members who resign their seats and join the breakaway group in March 2017.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.memberships import switches
from floorwatch.risk import RiskConfig, flags
from floorwatch.risk.claims_view import claim_weights

DATA = Path(__file__).resolve().parents[1] / "data" / "partywatch"
DEFECTORS = {"fic-na-01", "fic-pa-01"}  # resign their seats and join the breakaway group
FALSELY_CLAIMED = {"fic-na-02", "fic-na-03", "fic-pa-02"}  # "will join": did not
BREAKAWAY = "insaf-breakaway"


def _run(capsys, *args: str):
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr().out
    return code, out


@pytest.fixture(scope="module")
def db(partywatch_db) -> Path:
    return partywatch_db


def _watch(capsys, db: Path, as_of: str, *extra: str) -> dict[str, dict]:
    code, out = _run(
        capsys, "--db", str(db), "flags", "--party", "PTI", "--as-of", as_of, "-f", "json", *extra
    )
    assert code == 0
    return {r["person_id"]: r for r in json.loads(out)}


def test_before_the_defections_both_defectors_are_red_with_their_missed_meetings(capsys, db):
    rows = _watch(capsys, db, "2017-02-28")
    assert {p for p, r in rows.items() if r["level"] == "red"} == DEFECTORS
    raw = _attendance()
    for pid in DEFECTORS:
        events = [ev for e in rows[pid]["evidence"] for ev in e.get("events", [])]
        missed = [ev for ev in events if ev.get("member_attended") == "absent"]
        # Party meetings and sittings, each named with its body, each really missed.
        assert any(ev["body"] == "PTI Core Committee (fictional register)" for ev in missed)
        for ev in missed:
            assert raw[(ev["event_id"], pid)] == "absent"
            assert ev["date"] <= "2017-02-28" and ev["body"]
        shown = [e["signal"] for e in rows[pid]["evidence"]]
        assert "crucial_absence" in shown and "appearances" in shown
    # Nobody falsely claimed is raised: their claims weigh 0 once the deadline has passed.
    assert not FALSELY_CLAIMED & set(rows)


def test_false_claims_do_not_raise_their_subjects_and_evidence_shows_each_status(capsys, db):
    rows = _watch(capsys, db, "2017-02-28", "--show", "all")
    for pid in FALSELY_CLAIMED:
        member = rows[pid]
        assert member["level"] == "green" and member["signals"]["claims"] == 0
        (cited,) = [e for e in member["evidence"] if e["signal"] == "claims"]
        status = {c["stance"]: c["status_as_of"] for c in cited["claims"]}
        assert status == {"asserts": "false", "denies": "true"}
        assert all(c["weight"] == 0 or c["stance"] == "denies" for c in cited["claims"])
    # The pending claim about a defector weighs the outlet's record: no settled claim, 0.5.
    (cited,) = [e for e in rows["fic-na-01"]["evidence"] if e["signal"] == "claims"]
    assert [c["status_as_of"] for c in cited["claims"]] == ["pending"]
    assert rows["fic-na-01"]["signals"]["claims"] == 0.5


def test_every_person_of_the_party_is_listed_and_the_unscored_say_why(capsys, db):
    rows = _watch(capsys, db, "2017-02-28", "--show", "all")
    store = floorwatch.open(db, read_only=True)
    real = {
        r["person_id"]
        for r in store.records("SELECT person_id FROM membership WHERE on_behalf_of_id = 'pti'")
        if not r["person_id"].startswith("fic-")
    }
    store.close()
    assert len(real) == 34 and real <= set(rows)  # the real MNAs, from the Popolo file
    assert all(rows[p]["unscored"].startswith("no record") for p in real)
    # A former lawmaker still a party member is watched; a member who joined in January has
    # three meetings and says so.
    assert "former lawmaker" in rows["fic-fl-02"]["bodies"] and rows["fic-fl-02"]["score"] >= 0
    assert rows["fic-pb-03"]["unscored"] == "3 events so far; 5 needed"
    # Members of the party body only (no seat, no direct party membership) are scored too.
    assert rows["fic-pb-01"]["score"] is not None
    early = _watch(capsys, db, "2016-07-01", "--show", "all")
    assert early["fic-na-01"]["unscored"] == "4 events so far; 5 needed"


def test_switches_after_the_defections_and_the_claims_resolved_by_them(capsys, db):
    code, out = _run(capsys, "--db", str(db), "switches", "-f", "json")
    assert code == 0
    found = {(r["person_id"], r["to_party_id"], r["kind"], r["date_to"]) for r in json.loads(out)}
    assert ("fic-na-01", BREAKAWAY, "resigned seat", "2017-03-10") in found
    assert ("fic-pa-01", BREAKAWAY, "resigned seat", "2017-03-12") in found
    assert ("fic-fl-04", None, "expelled", "2017-01-20") in found
    code, out = _run(capsys, "--db", str(db), "claims", "list", "-f", "json")
    claims = {
        (";".join(sorted(c["about"].split(";"))), c["stance"]): c["status"]
        for c in json.loads(out)
        if c["about"]
    }
    falsely = ";".join(sorted(FALSELY_CLAIMED))
    assert claims[("fic-na-01", "asserts")] == "true"  # resolved by the switch of 2017-03-10
    assert claims[(falsely, "asserts")] == "false" and claims[(falsely, "denies")] == "true"


def test_after_they_leave_the_defectors_drop_off_the_list(capsys, db):
    rows = _watch(capsys, db, "2017-04-01")
    for pid in DEFECTORS:
        assert rows[pid]["level"] == "left" and rows[pid]["score"] is None
        assert rows[pid]["note"].startswith("left on 2017-03-1")
        assert "for Insaf Nazriati Group (fictional)" in rows[pid]["note"]
    assert rows["fic-fl-04"]["note"].startswith("left on 2017-01-20 (expelled)")
    code, out = _run(capsys, "--db", str(db), "flags", "--party", "PTI", "--as-of", "2017-04-01")
    assert code == 0 and "left on 2017-03-10 for Insaf Nazriati Group" in " ".join(out.split())


def test_a_denial_counts_and_a_source_is_weighed_by_its_record_as_of_the_date(db):
    store = floorwatch.open(db, read_only=True)
    try:
        made = claim_weights(store, dt.date(2016, 5, 21))
        denied = claim_weights(store, dt.date(2016, 6, 1))
        settled = claim_weights(store, dt.date(2017, 2, 28))
        one = flags(store, party="pti", as_of="2016-05-21", evidence="none")
        two = flags(store, party="pti", as_of="2016-06-01", evidence="none")
    finally:
        store.close()
    assert set(made.stance) == {"asserts"} and (made.weight == 0.5).all()  # a new outlet
    assert set(denied.stance) == {"asserts", "denies"}
    f1 = "fic-na-02"
    assert one.set_index("person_id").loc[f1, "claims"] == 0.5
    assert two.set_index("person_id").loc[f1, "claims"] == 0  # 0.5 asserted - 0.5 denied
    daily = settled[settled.source == "Daily Example (fictional)"]
    assert (daily.status_as_of == "false").all() and (daily.weight == 0).all()
    assert (daily.source_record - 1 / 3).abs().max() < 1e-12  # (0 true + 1) / (1 settled + 2)


def test_a_small_assembly_has_red_and_amber_members(db):
    store = floorwatch.open(db, read_only=True)
    try:
        f = flags(store, legislature="pa-fictional", as_of="2017-02-28")
        capped = flags(store, party="pti", as_of="2017-02-28", config=RiskConfig(red_count=1))
    finally:
        store.close()
    scored = f[f.scored]
    assert len(scored) == 6  # six sittings each: a record, though not 20 votes
    assert list(f[f.level == "red"].person_id) == ["fic-pa-01"]
    assert (f.level == "amber").sum() <= 1
    assert list(capped[capped.level == "red"].person_id) == ["fic-na-01"]
    assert capped.set_index("person_id").loc["fic-pa-01", "level"] == "amber"


def test_party_watch_on_roll_calls_scores_as_the_legislature_flags(tmp_path):
    data = Path(floorwatch.__file__).parent / "datasets" / "s107"
    store = floorwatch.open(tmp_path / "s107.duckdb")
    floorwatch.ingest_voteview(
        store, data / "S107_members.csv", data / "S107_rollcalls.csv", data / "S107_votes.csv"
    )
    watch = flags(store, party="R", as_of="2001-05-20").set_index("person_id")
    # The party watch scores with the hand-weighted model (docs/risk.md).
    hand = RiskConfig(model="hand_weighted")
    senate = flags(store, party="R", legislature="us-senate", as_of="2001-05-20", config=hand)
    store.close()
    senate = senate.set_index("person_id")
    assert set(watch.index) == set(senate.index)
    diff = (watch.score - senate.score.reindex(watch.index)).abs()
    assert diff.max() < 1e-12
    assert watch.loc["bioguide-J000072", "level"] == "red"
    assert watch.loc["bioguide-J000072", "bodies"] == "United States Senate"
    votes = [v for e in watch.loc["bioguide-J000072", "evidence"] for v in e.get("votes", [])]
    assert votes and all(v["date"] <= "2001-05-20" for v in votes)


def test_switch_kinds_for_a_faction_and_another_party(tmp_path):
    """Fictional people: one joins a faction while a member, one leaves for another party."""
    store = floorwatch.open(tmp_path / "k.duckdb")
    orgs = tmp_path / "o.csv"
    orgs.write_text(
        "id,name,classification,parent\np1,Party One,party,\np2,Party Two,party,\n"
        "f1,Faction of One,faction,p1\n",
        encoding="utf-8",
    )
    people = tmp_path / "p.csv"
    people.write_text("id,name\nx1,Fictional X\nx2,Fictional Y\n", encoding="utf-8")
    ms = tmp_path / "m.csv"
    ms.write_text(
        "id,person,organization,start_date,end_date,end_reason\n"
        "a,x1,p1,2010-01-01,,\nb,x1,f1,2012-05-01,,\n"
        "c,x2,p1,2010-01-01,2012-06-30,left\nd,x2,p2,2012-07-02,,\n",
        encoding="utf-8",
    )
    for kind, path in (("organizations", orgs), ("persons", people), ("memberships", ms)):
        floorwatch.ingest.ingest_csv(store, kind, path)
    found = switches(store)
    store.close()
    got = {(r.person_id, r.from_party_id, r.to_party_id, r.kind) for r in found.itertuples()}
    assert got == {("x1", "p1", "f1", "joined faction"), ("x2", "p1", "p2", "joined other party")}
    x2 = found.set_index("person_id").loc["x2"]
    assert str(x2.date_from) == "2012-06-30" and str(x2.date_to) == "2012-07-02"


def _attendance() -> dict[tuple[str, str], str]:
    import csv

    with open(DATA / "attendance.csv", encoding="utf-8") as f:
        return {(r["event_id"], r["person"]): r["status"] for r in csv.DictReader(f)}
