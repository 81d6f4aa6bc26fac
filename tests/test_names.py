"""Finding people and organizations by name (floorwatch.names and `floorwatch people|orgs`).

Real data: a cut of EveryPolitician's Pakistan National Assembly Popolo file
(tests/data/names, with Urdu and Punjabi other names, and two members who share one name)
and the bundled Voteview Senate 107.
"""

from __future__ import annotations

import json

import pytest

import floorwatch
from floorwatch import names
from floorwatch.cli import main
from floorwatch.datasets import dataset_path
from floorwatch.errors import AmbiguousNameError, InputError, NotFoundError
from floorwatch.ingest import ingest_popolo

AHSAN = "8d21c5b2-2b4f-4843-a0ed-bd4315a2c900"
QURESHI = "b92786ef-996f-45b8-afb7-4d829ebc0138"
GULALAI = "9ba66d41-8e30-431f-8fcb-36eedb43f3bd"
BALOCHES = {"5cfd9f16-901a-473d-8dcc-adb457ae2734", "f67e27f4-7419-425c-879b-c89672659464"}
JEFFORDS = "bioguide-J000072"


@pytest.fixture(scope="module")
def pk_path(tmp_path_factory, test_data):
    path = tmp_path_factory.mktemp("names") / "pk.duckdb"
    with floorwatch.open(path) as store:
        ingest_popolo(store, test_data / "names" / "pakistan-names.json")
    return path


@pytest.fixture()
def pk(pk_path):
    with floorwatch.open(pk_path) as store:
        yield store


@pytest.fixture(scope="module")
def s107_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "s107.duckdb"
    d = dataset_path("s107")
    with floorwatch.open(path) as store:
        floorwatch.ingest_voteview(
            store, d / "S107_members.csv", d / "S107_rollcalls.csv", d / "S107_votes.csv"
        )
    return path


def test_fold_makes_spellings_one():
    assert names.fold("AHSAN IQBĀL") == names.fold("Ahsan Iqbal") == "ahsan iqbal"
    assert names.fold("PML(N)") == names.fold("PML-N") == "pml n"
    # Arabic heh and yeh against the Urdu heh goal and Farsi yeh; the hamza above is a mark
    assert names.fold("شاه محمود قريشي") == names.fold("شاہ محمود قریشی")
    assert names.fold("ﻋﻤﺮﺍﻥ") == names.fold("عمران")  # presentation forms, NFKC
    assert names.text_direction("احسن اقبال") == "rtl"
    assert names.text_direction("Ahsan Iqbal") == "ltr"


def test_urdu_and_latin_spellings_find_one_person(pk):
    for query in ("Ahsan Iqbal", "احسن اقبال", "احسن اقبال".replace("ی", "ي"), "AHSAN IQBĀL"):
        assert names.resolve_person(pk, query) == AHSAN, query
    # Arabic heh in the Persian-style spelling and the Urdu one are the same name
    assert names.resolve_person(pk, "شاه محمود قريشي") == QURESHI
    # a short form (first and last word of the stored name) and a misspelling
    assert names.resolve_person(pk, "Shah Mehmood Qureshi") == QURESHI
    found = names.find_people(pk, "Ahsan Iqbaal")
    assert found[0].id == AHSAN and found[0].how == "fuzzy" and 86 <= found[0].score < 100


def test_ids_and_identifiers(pk):
    assert names.resolve_person(pk, AHSAN) == AHSAN
    assert names.resolve_person(pk, "wikidata:Q15715800") == GULALAI
    assert names.find_people(pk, "Q15715800")[0].how == "identifier"


def test_ambiguous_name_lists_the_candidates(pk):
    with pytest.raises(AmbiguousNameError) as err:
        names.resolve_person(pk, "Abdul Hakeem Baloch")
    assert {c.id for c in err.value.candidates} == BALOCHES
    for pid in BALOCHES:
        assert pid in str(err.value)
    with pytest.raises(AmbiguousNameError) as err:
        names.resolve_person(pk, "Khan")  # a family name many members share
    assert len(err.value.candidates) >= 4
    with pytest.raises(NotFoundError) as err:
        names.resolve_person(pk, "Benazir Bhutto")
    assert not isinstance(err.value, AmbiguousNameError)


def test_organizations_by_name_and_abbreviation(pk, s107_path):
    assert names.resolve_organization(pk, "PML-N") == "pmln"
    assert names.resolve_organization(pk, "pml n") == "pmln"
    assert names.resolve_organization(pk, "National Assembly") == (
        "65caa270-16bc-435c-ac92-e04751e26884"
    )
    with floorwatch.open(s107_path) as s107:
        assert names.resolve_organization(s107, "R") == "us-party-200"
        assert names.resolve_organization(s107, "Republican") == "us-party-200"
        assert names.resolve_organization(s107, "democratic party") == "us-party-100"
        assert names.resolve_person(s107, "James Jeffords") == JEFFORDS
        assert names.resolve_person(s107, "Ted Kennedy") == "bioguide-K000105"
        with pytest.raises(AmbiguousNameError) as err:
            names.resolve_person(s107, "Nelson")  # Ben Nelson and Bill Nelson
        assert {"bioguide-N000032", "bioguide-N000180"} <= {c.id for c in err.value.candidates}


def test_people_listing(pk):
    frame = names.people(pk, "احسن اقبال")
    row = frame.iloc[0]
    assert row["person_id"] == AHSAN and row["party"] == "PML(N)"
    assert row["seat"] == "NA-117 (Narowal-III)"
    urdu = [o for o in row["other_names"] if o["name"] == "احسن اقبال"]
    assert urdu and urdu[0]["dir"] == "rtl" and urdu[0]["lang"] in ("ur", "pnb")
    assert "wikidata:Q3694886" in row["identifiers"]
    everyone = names.people(pk)
    assert len(everyone) == 13
    pti = names.people(pk, party="PTI")
    assert set(pti["party_id"]) == {"pti"} and 0 < len(pti) < 13


def _run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_people_and_orgs(pk_path, capsys):
    code, out, _ = _run(capsys, "--db", str(pk_path), "people", "احسن اقبال", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["person_id"] == AHSAN and rows[0]["how"] == "name"
    code, out, _ = _run(capsys, "--db", str(pk_path), "people", "--party", "PML-N", "-f", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("person_id,name,other_names,party_id,party,seat")
    assert all(",pmln,PML(N)," in line for line in lines[1:]) and len(lines) > 2
    code, out, _ = _run(capsys, "--db", str(pk_path), "orgs", "PML N", "-f", "json")
    org = json.loads(out)[0]
    assert org["organization_id"] == "pmln" and org["members"] > 0


def test_cli_options_take_names(pk_path, s107_path, capsys):
    code, out, _ = _run(
        capsys,
        "--db",
        str(s107_path),
        "switches",
        "--legislature",
        "United States Senate",
        "-f",
        "json",
    )
    assert code == 0
    assert [r["person_id"] for r in json.loads(out)] == [JEFFORDS]
    code, out, _ = _run(
        capsys, "--db", str(s107_path), "loyalty", "--party", "Republican", "-f", "json"
    )
    assert code == 0
    assert {r["party"] for r in json.loads(out)} <= {"R", "Republican Party", "us-party-200"}
    add = ["--db", str(pk_path), "claims", "add", "--made-on", "2016-03-01", "--predicts"]
    code, _, err = _run(capsys, *add, "joins", "--about", "Abdul Hakeem Baloch", "--org", "PTI")
    assert code == 1
    assert "--about" in err and "ambiguous" in err
    assert all(pid in err.replace("\n", "") for pid in BALOCHES)
    code, _, _ = _run(capsys, *add, "joins", "--about", "شاه محمود قريشي", "--org", "PML-N")
    assert code == 0
    with floorwatch.open(pk_path) as store:
        rows = store.records(
            "SELECT c.organization_id, s.person_id FROM claim c "
            "JOIN claim_subject s ON s.claim_id = c.id"
        )
    assert rows == [{"organization_id": "pmln", "person_id": QURESHI}]


def test_resolver_error_names_the_option():
    err = InputError("--party: no organization matches 'x'.")
    assert str(err).startswith("--party")
