"""Popolo JSON import: the EveryPolitician Pakistan file, votes and attendees, bad input."""

from __future__ import annotations

import collections
import copy
import gzip
import json
import unicodedata
from pathlib import Path

import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.errors import InputError, ReferenceError_
from floorwatch.ingest.popolo import ingest_popolo
from floorwatch.memberships import switches

PAKISTAN = ("everypolitician-pakistan", "ep-popolo-v1.0.json.gz")


@pytest.fixture(scope="module")
def pk_json(real_data) -> tuple[Path, dict]:
    path = real_data.joinpath(*PAKISTAN)
    return path, json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


@pytest.fixture(scope="module")
def pk_store(tmp_path_factory, pk_json):
    store = floorwatch.open(tmp_path_factory.mktemp("pk") / "pk.duckdb")
    ingest_popolo(store, pk_json[0])
    yield store
    store.close()


def test_pakistan_counts_match_the_file(pk_store, pk_json):
    _, doc = pk_json
    idents = {
        (i["scheme"], i["identifier"]) for p in doc["persons"] for i in p.get("identifiers", [])
    }
    names = {
        (p["id"], o["name"], o.get("lang", ""))
        for p in doc["persons"]
        for o in p.get("other_names", [])
    }
    counts = pk_store.counts()
    assert counts["person"] == len(doc["persons"]) == 350
    assert counts["organization"] == len(doc["organizations"]) == 20
    assert counts["membership"] == len(doc["memberships"]) == 350
    assert counts["event"] == len(doc["events"]) == 11
    assert counts["identifier"] == len(idents)
    assert counts["other_name"] == len(names)


def test_urdu_names_round_trip_exactly(pk_store, pk_json):
    _, doc = pk_json
    expected = {
        (p["id"], o["name"]) for p in doc["persons"] for o in p.get("other_names", [])
        if o.get("lang") == "ur"
    }  # fmt: skip
    assert len(expected) == 35
    got = {
        (r["person_id"], r["name"])
        for r in pk_store.records("SELECT person_id, name FROM other_name WHERE lang = 'ur'")
    }
    assert got == expected
    imran = pk_store.records(
        "SELECT o.name FROM other_name o JOIN person p ON p.id = o.person_id "
        "WHERE p.name = 'Imran Khan' AND o.lang = 'ur'"
    )
    assert [r["name"] for r in imran] == ["عمران خان"]
    # Stored exactly as written, not normalised to another Unicode form.
    raw = next(o["name"] for p in doc["persons"] if p["name"] == "Imran Khan"
               for o in p["other_names"] if o.get("lang") == "ur")  # fmt: skip
    assert imran[0]["name"].encode() == raw.encode()
    assert unicodedata.name(imran[0]["name"][0]).startswith("ARABIC")


def test_memberships_sit_on_behalf_of_parties(pk_store, pk_json):
    _, doc = pk_json
    expected = collections.Counter(m["on_behalf_of_id"] for m in doc["memberships"])
    rows = pk_store.records(
        "SELECT m.on_behalf_of_id AS party, count(*) AS n, min(o.classification) AS cls "
        "FROM membership m JOIN organization o ON o.id = m.on_behalf_of_id GROUP BY 1"
    )
    assert {r["party"]: r["n"] for r in rows} == dict(expected)
    assert {r["cls"] for r in rows} == {"party"}
    legislature = [o["id"] for o in doc["organizations"] if o["classification"] == "legislature"]
    assert pk_store.scalar("SELECT count(DISTINCT organization_id) FROM membership") == 1
    assert pk_store.scalar("SELECT min(organization_id) FROM membership") == legislature[0]
    dated = sum(1 for m in doc["memberships"] if m.get("start_date"))
    assert pk_store.scalar("SELECT count(start_date) FROM membership") == dated == 63
    areas = {a["id"]: a["name"] for a in doc["areas"]}
    m0 = next(m for m in doc["memberships"] if m.get("area_id"))
    stored = pk_store.records("SELECT area FROM membership WHERE person_id = ?", [m0["person_id"]])
    assert stored[0]["area"] == areas[m0["area_id"]]


def test_events_and_partial_dates(pk_store, pk_json):
    _, doc = pk_json
    classes = dict(pk_store.query("SELECT classification, count(*) AS n FROM event GROUP BY 1")
                   .itertuples(index=False))  # fmt: skip
    raw = collections.Counter(e["classification"] for e in doc["events"])
    assert classes == {"election": raw["general election"], "legislative period": 1}
    row = pk_store.records("SELECT start_date, end_date FROM event WHERE id = 'Q7125892'")[0]
    assert str(row["start_date"]) == "1970-01-01" and str(row["end_date"]) == "1970-12-31"
    # A person's partial birth date is kept as written.
    four = next(p for p in doc["persons"] if len(p.get("birth_date", "")) == 4)
    assert (
        pk_store.scalar("SELECT birth_date FROM person WHERE id = ?", [four["id"]])
        == four["birth_date"]
    )


def test_reingest_is_idempotent_and_newer_file_updates(tmp_path, pk_json):
    path, doc = pk_json
    store = floorwatch.open(tmp_path / "s.duckdb")
    ingest_popolo(store, path)
    before = store.counts()
    people = store.query("SELECT * FROM person ORDER BY id")
    ingest_popolo(store, path)
    assert store.counts() == before
    assert store.query("SELECT * FROM person ORDER BY id").equals(people)
    newer = copy.deepcopy(doc)
    newer["persons"][0]["name"] = "Aaisha Gulalai Wazir"
    newer["memberships"][0]["end_date"] = "2018-05-31"
    newer["memberships"][0]["end_reason"] = "term_ended"
    newer_path = tmp_path / "ep-newer.json"
    newer_path.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    ingest_popolo(store, newer_path)
    assert store.counts()["person"] == before["person"]
    assert store.counts()["membership"] == before["membership"]
    assert store.scalar("SELECT name FROM person WHERE id = ?", [doc["persons"][0]["id"]]) == (
        "Aaisha Gulalai Wazir"
    )
    m = doc["memberships"][0]
    row = store.records(
        "SELECT end_date, end_reason FROM membership WHERE person_id = ?", [m["person_id"]]
    )[0]
    assert str(row["end_date"]) == "2018-05-31" and row["end_reason"] == "term ended"
    store.close()


# -- a small hand-built file with votes and attendees -----------------------------------------
def small_doc() -> dict:
    return {
        "persons": [
            {"id": "p-ana", "name": "Ana Lima",
             "other_names": [{"name": "Ana Lima", "lang": "pt"}]},
            {"id": "p-bo", "name": "Bo Varga", "identifiers": [{"scheme": "x", "identifier": "1"}]},
            {"id": "p-cy", "name": "Cy Moreau"},
        ],
        "organizations": [
            {"id": "leg", "name": "Assembly", "classification": "legislature"},
            {"id": "red", "name": "Red Party", "classification": "political party"},
            {"id": "blue", "name": "Blue Party", "classification": "party"},
            {"id": "grp", "name": "Friends", "classification": "caucus of friends"},
        ],
        "memberships": [
            {"person_id": "p-ana", "organization_id": "leg", "on_behalf_of_id": "red",
             "start_date": "2020-01-01", "end_date": "2021-06-30", "end_reason": "changed_party"},
            {"person_id": "p-ana", "organization_id": "leg", "on_behalf_of_id": "blue",
             "start_date": "2021-07-01", "start_reason": "changed_party"},
            {"person_id": "p-bo", "organization_id": "leg", "on_behalf_of_id": "red",
             "start_date": "2020"},
            {"person_id": "p-cy", "organization_id": "leg", "on_behalf_of_id": "blue"},
        ],
        "events": [
            {"id": "t1", "name": "First term", "classification": "legislative term",
             "organization_id": "leg", "start_date": "2020-01-01"},
            {"id": "s1", "name": "Sitting 1", "classification": "sitting",
             "organization_id": "leg", "start_date": "2021-03-04", "crucial": 0.5,
             "attendees": ["p-ana", {"id": "p-bo", "status": "absent"},
                           {"person_id": "p-cy", "status": "leave", "note": "ill"}]},
        ],
        "vote_events": [
            {"id": "v1", "organization_id": "leg", "legislative_session_id": "t1",
             "start_date": "2021-03-04T15:00:00Z", "motion": {"text": "That the bill pass",
             "classification": "passage"}, "result": "pass",
             "counts": [{"option": "yes", "value": 2}, {"option": "no", "value": 1}],
             "votes": [{"voter_id": "p-ana", "option": "yes", "group_id": "red"},
                       {"voter_id": "p-bo", "option": "aye"},
                       {"voter_id": "p-cy", "option": "no", "role": "teller"}]},
        ],
    }  # fmt: skip


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_votes_counts_attendees_and_switch(tmp_path):
    store = floorwatch.open(tmp_path / "s.duckdb")
    result = ingest_popolo(store, write(tmp_path / "small.json", small_doc()))
    assert (result.persons, result.memberships, result.votes, result.counts) == (3, 4, 3, 2)
    votes = {r["voter_id"]: r for r in store.records("SELECT * FROM vote")}
    assert votes["p-ana"]["option"] == "yes" and votes["p-ana"]["position"] == 1
    assert votes["p-bo"]["option"] == "yes"  # 'aye' is a yes
    assert votes["p-cy"]["position"] == -1 and votes["p-cy"]["role"] == "teller"
    ve = store.records("SELECT * FROM vote_event")[0]
    assert ve["motion_text"] == "That the bill pass" and ve["classification"] == "passage"
    assert str(ve["start_date"]) == "2021-03-04" and ve["legislative_period_id"] == "t1"
    att = {
        r["person_id"]: (r["status"], r["note"]) for r in store.records("SELECT * FROM attendance")
    }
    assert att == {"p-ana": ("present", None), "p-bo": ("absent", None), "p-cy": ("leave", "ill")}
    orgs = dict(store.query("SELECT id, classification FROM organization").itertuples(index=False))
    assert orgs["red"] == "party" and orgs["grp"] == "caucus of friends"
    events = dict(store.query("SELECT id, classification FROM event").itertuples(index=False))
    assert events == {"t1": "legislative period", "s1": "plenary sitting"}
    sw = switches(store)
    assert sw[["person_id", "from_party_id", "to_party_id", "kind"]].values.tolist() == [
        ["p-ana", "red", "blue", "changed party"]
    ]
    assert (
        str(sw["date_from"].iloc[0]) == "2021-06-30" and str(sw["date_to"].iloc[0]) == "2021-07-01"
    )
    # A partial start date widens to the first day.
    assert str(store.scalar("SELECT start_date FROM membership WHERE person_id = 'p-bo'")) == (
        "2020-01-01"
    )
    before = store.counts()
    ingest_popolo(store, tmp_path / "small.json")
    assert store.counts() == before
    store.close()


def test_id_prefix(tmp_path):
    store = floorwatch.open(tmp_path / "s.duckdb")
    ingest_popolo(store, write(tmp_path / "small.json", small_doc()), id_prefix="pp:")
    assert store.scalar("SELECT count(*) FROM person WHERE id LIKE 'pp:%'") == 3
    assert store.scalar("SELECT count(*) FROM vote WHERE voter_id LIKE 'pp:%'") == 3
    assert store.scalar("SELECT min(on_behalf_of_id) FROM membership") == "pp:blue"
    store.close()


# -- bad input ------------------------------------------------------------------------------
def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _bad(doc_edit):
    doc = small_doc()
    doc_edit(doc)
    return doc


def _set(path, value):
    def edit(doc):
        obj = doc
        for step in path[:-1]:
            obj = obj[step]
        obj[path[-1]] = value

    return edit


BAD = [
    # (id, edit, needle locating the reported line, JSON path reported, words in the message)
    ("unknown person", _set(("memberships", 2, "person_id"), "p-nobody"), "p-nobody",
     "memberships[2].person_id", "unknown person", ReferenceError_),
    ("unknown organization", _set(("memberships", 3, "organization_id"), "org-nowhere"),
     "org-nowhere", "memberships[3].organization_id", "unknown organization", ReferenceError_),
    ("unknown party", _set(("memberships", 3, "on_behalf_of_id"), "green"), '"green"',
     "memberships[3].on_behalf_of_id", "unknown organization", ReferenceError_),
    ("end before start", _set(("memberships", 2, "end_date"), "2019-05-05"), "2019-05-05",
     "memberships[2].end_date", "dates out of order", InputError),
    ("bad date", _set(("memberships", 2, "start_date"), "2020-02-30"), "2020-02-30",
     "memberships[2].start_date", "is not a date", InputError),
    ("overlap", _set(("memberships", 1, "start_date"), "2021-06-01"), "2021-06-01",
     "memberships[1]", "overlapping memberships", InputError),
    ("duplicate vote", _set(("vote_events", 0, "votes", 1, "voter_id"), "p-ana"), None,
     "vote_events[0].votes[1].voter_id", "duplicate vote", InputError),
    ("unknown voter", _set(("vote_events", 0, "votes", 2, "voter_id"), "p-ghost"), "p-ghost",
     "vote_events[0].votes[2].voter_id", "unknown person", ReferenceError_),
    ("bad option", _set(("vote_events", 0, "votes", 2, "option"), "maybe"), "maybe",
     "vote_events[0].votes[2].option", "vote option", InputError),
    ("bad attendee status", _set(("events", 1, "attendees", 1, "status"), "asleep"), "asleep",
     "events[1].attendees[1].status", "attendance status", InputError),
    ("missing name", _set(("persons", 1, "name"), ""), None, "persons[1].name", "missing 'name'",
     InputError),
    ("crucial out of range", _set(("events", 1, "crucial"), 2), '"crucial": 2',
     "events[1].crucial", "from 0 to 1", InputError),
]  # fmt: skip


@pytest.fixture
def base_store(tmp_path):
    """A store already holding the small file, to check that a bad file writes nothing."""
    path = tmp_path / "base.duckdb"
    store = floorwatch.open(path)
    ingest_popolo(store, write(tmp_path / "small.json", small_doc()))
    yield store, path
    store.close()


@pytest.mark.parametrize(
    ("edit", "needle", "where", "words", "cls"),
    [b[1:] for b in BAD],
    ids=[b[0] for b in BAD],
)
def test_bad_popolo_names_file_line_path_and_writes_nothing(
    tmp_path, base_store, edit, needle, where, words, cls
):
    store, _ = base_store
    doc = _bad(edit)
    # Make each bad file differ from the base, so the rows it would change are visible.
    doc["persons"][2]["name"] = "Cy Moreau-Changed"
    bad = write(tmp_path / "bad.json", doc)
    text = bad.read_text(encoding="utf-8")
    before = store.counts()
    with pytest.raises(cls) as info:
        ingest_popolo(store, bad)
    err = info.value
    msg = str(err)
    assert "bad.json" in msg and words in msg and where in msg
    assert err.line is not None and f"line {err.line}" in msg
    if needle is not None:
        assert err.line == _line_of(text, needle)
    assert store.counts() == before
    assert store.scalar("SELECT name FROM person WHERE id = 'p-cy'") == "Cy Moreau"


def test_malformed_json_gives_line_and_column(tmp_path, base_store):
    store, _ = base_store
    text = json.dumps(small_doc(), indent=2).replace('"Bo Varga"', '"Bo Varga",,', 1)
    bad = tmp_path / "broken.json"
    bad.write_text(text, encoding="utf-8")
    before = store.counts()
    with pytest.raises(InputError) as info:
        ingest_popolo(store, bad)
    line = _line_of(text, "Bo Varga")
    col = text.splitlines()[line - 1].index(",,") + 2
    assert info.value.line == line
    assert f"line {line}" in str(info.value) and f"column '{col}'" in str(info.value)
    assert "malformed JSON" in str(info.value)
    assert store.counts() == before


def test_bad_encoding_and_not_an_object(tmp_path):
    store = floorwatch.open(tmp_path / "s.duckdb")
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"persons": [{"id": "x", "name": "Jos\u00e9"}]}'.encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        ingest_popolo(store, latin)
    assert info.value.line == 1
    arr = tmp_path / "list.json"
    arr.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="Popolo JSON object"):
        ingest_popolo(store, arr)
    assert sum(store.counts().values()) == 0
    store.close()


def test_cli_bad_popolo_exits_nonzero_with_message(tmp_path, capsys, base_store):
    store, db = base_store
    store.close()
    doc = small_doc()
    doc["memberships"][2]["person_id"] = "p-nobody"
    bad = write(tmp_path / "bad.json", doc)
    assert main(["--db", str(db), "ingest", "popolo", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json" in err and "p-nobody" in err and "memberships[2].person_id" in err
    assert main(["--db", str(db), "ingest", "popolo", str(tmp_path / "small.json")]) == 0
    reopened = floorwatch.open(db)
    assert reopened.counts()["person"] == 3
    reopened.close()
