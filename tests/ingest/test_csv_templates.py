"""CSV templates: every example file loads, references resolve, and every kind of bad input
is refused with file, line and column, writing nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.errors import EncodingError, InputError, ReferenceError_
from floorwatch.ingest.csv import KINDS, ingest_csv, template_path
from floorwatch.memberships import switches
from floorwatch.store.schema import ATTENDANCE_STATUSES

ORDER = (
    "organizations",
    "persons",
    "identifiers",
    "other_names",
    "memberships",
    "events",
    "attendance",
    "vote_events",
    "votes",
    "counts",
    "whips",
)


def _data_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_templates(store) -> None:
    for kind in ORDER:
        ingest_csv(store, kind, template_path(kind))


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "templates.duckdb"
    store = floorwatch.open(path)
    load_templates(store)
    store.close()
    return path


@pytest.fixture
def tstore(template_db, tmp_path):
    """A fresh copy of a store holding every template file."""
    path = tmp_path / "t.duckdb"
    shutil.copy(template_db, path)
    store = floorwatch.open(path)
    yield store
    store.close()


def test_every_kind_has_a_template_and_the_order_covers_them():
    assert set(ORDER) == set(KINDS)
    for kind in KINDS:
        assert template_path(kind).exists(), kind


def test_templates_load_with_counts_from_the_files(tstore):
    counts = tstore.counts()
    for kind in ORDER:
        assert counts[KINDS[kind].table] == len(_data_rows(template_path(kind))), kind
    # Loading them again changes nothing.
    load_templates(tstore)
    assert tstore.counts() == counts


def test_template_references_resolve(tstore):
    # scheme:identifier in the file resolves through the identifier table.
    votes = {r["voter_id"]: r for r in tstore.records("SELECT * FROM vote")}
    assert "uk-parlparse-10001" in votes
    assert votes["uk-parlparse-10001"]["option"] == "no"
    assert votes["uk-parlparse-10001"]["position"] == -1
    att = _data_rows(template_path("attendance"))
    leave = [r for r in att if r["status"] == "leave"][0]
    assert leave["person"].startswith("parlparse:")
    got = tstore.records(
        "SELECT person_id, note FROM attendance WHERE status = 'leave' AND event_id = ?",
        [leave["event_id"]],
    )
    assert got == [{"person_id": "uk-parlparse-10001", "note": leave["note"]}]
    # The party changes in the memberships template are found as switches.
    sw = switches(tstore)
    found = {(r.name, r.from_party, r.to_party, str(r.date_to)) for r in sw.itertuples()}
    assert found == {
        ("Shaun Woodward", "Conservative Party", "Labour Party", "1999-12-18"),
        ("Quentin Davies", "Conservative Party", "Labour Party", "2007-06-27"),
    }


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_newer_file_updates_only_its_columns(tstore, tmp_path):
    before = tstore.counts()
    gender = tstore.scalar("SELECT gender FROM person WHERE id = 'uk-parlparse-10651'")
    f = write(tmp_path / "persons.csv", "id,name\nuk-parlparse-10651,Shaun Anthony Woodward\n")
    ingest_csv(tstore, "persons", f)
    assert tstore.counts() == before
    row = tstore.records("SELECT name, gender FROM person WHERE id = 'uk-parlparse-10651'")[0]
    assert row == {"name": "Shaun Anthony Woodward", "gender": gender}
    f = write(
        tmp_path / "votes.csv",
        "vote_event_id,person,option\nuk-commons-2003-03-18-118,uk-parlparse-10651,no\n",
    )
    ingest_csv(tstore, "votes", f)
    assert tstore.counts() == before
    row = tstore.records(
        "SELECT option, position, group_id FROM vote WHERE voter_id = 'uk-parlparse-10651'"
    )[0]
    # Without a group column, the group of the vote it replaces is kept.
    assert row == {"option": "no", "position": -1, "group_id": "uk-party-lab"}


def test_vote_group_defaults_to_the_seat_party(tmp_path):
    store = floorwatch.open(tmp_path / "g.duckdb")
    load_templates(store)
    seats = write(
        tmp_path / "seats.csv",
        "id,person,organization,on_behalf_of,start_date,end_date\n"
        "seat-w-1,uk-parlparse-10651,uk-commons,uk-party-con,1997-05-01,1999-12-17\n"
        "seat-w-2,uk-parlparse-10651,uk-commons,uk-party-lab,1999-12-18,2001-05-14\n"
        "seat-w-3,uk-parlparse-10651,uk-commons,uk-party-lab,2001-06-07,2005-04-11\n",
    )
    ingest_csv(store, "memberships", seats)
    ingest_csv(
        store,
        "votes",
        write(
            tmp_path / "v.csv",
            "vote_event_id,person,option,role\nuk-commons-2003-03-18-117,uk-parlparse-10651,"
            "no,teller\n",
        ),
    )
    row = store.records(
        "SELECT group_id, role FROM vote WHERE vote_event_id = 'uk-commons-2003-03-18-117'"
    )[0]
    assert row == {"group_id": "uk-party-lab", "role": "teller"}
    store.close()


# -- bad input ----------------------------------------------------------------------------------
OK_MEMBERSHIP = "m-x,uk-parlparse-10001,uk-commons,uk-party-lab,2005-05-05,2010-04-12"
MS_HEADER = "id,person,organization,on_behalf_of,start_date,end_date\n"

BAD = [
    # id, kind, text, line, column, words, error class
    ("header only", "persons", "id,name\n", 2, None, "no rows", InputError),
    ("blank file", "persons", "\n\n", 1, None, "empty", InputError),
    ("unknown column", "persons", "id,name,shoe_size\nx,X,44\n", 1, "shoe_size",
     "unknown column", InputError),
    ("missing column", "attendance", "event_id,person\nuk-plp-meeting-2003-03-17,"
     "uk-parlparse-10651\n", 1, None, "missing required column(s) status", InputError),
    ("ragged row", "persons", "id,name\nx,X\ny,Y,extra\n", 3, None, "expected 2 fields",
     InputError),
    ("unterminated quote", "persons", 'id,name\nx,"X\n', 2, None, "malformed CSV", InputError),
    ("wrong type weight", "events", "id,classification,start_date,crucial\n"
     "e1,party meeting,2003-01-01,0.5\ne2,party meeting,2003-01-02,high\n", 3, "crucial",
     "from 0 to 1", InputError),
    ("wrong type count", "counts", "vote_event_id,option,value\n"
     "uk-commons-2003-03-18-117,abstain,-3\n", 2, "value", "whole number >= 0", InputError),
    ("bad date", "events", "id,classification,start_date\ne1,party meeting,2003-02-30\n", 2,
     "start_date", "not a date", InputError),
    ("bad date format", "events", "id,classification,start_date\ne1,party meeting,03/02/2003\n",
     2, "start_date", "not a date", InputError),
    ("missing required value", "events", "id,classification,start_date\ne1,party meeting,\n", 2,
     "start_date", "required", InputError),
    ("dates out of order", "memberships", MS_HEADER + OK_MEMBERSHIP.replace("m-x", "m-y")
     .replace("2005-05-05", "2011-01-01") + "\n", 2, "end_date", "dates out of order",
     InputError),
    ("unknown person", "attendance", "event_id,person,status\nuk-plp-meeting-2003-03-17,"
     "uk-parlparse-10651,present\nuk-plp-meeting-2003-03-17,icpsr:99999,present\n", 3, "person",
     "unknown person 'icpsr:99999'", ReferenceError_),
    ("unknown event", "attendance", "event_id,person,status\nno-such-meeting,"
     "uk-parlparse-10651,present\n", 2, "event_id", "unknown event", ReferenceError_),
    ("unknown roll call", "votes", "vote_event_id,person,option\nuk-commons-1999-1,"
     "uk-parlparse-10651,yes\n", 2, "vote_event_id", "unknown vote event", ReferenceError_),
    ("unknown organization", "memberships", MS_HEADER + OK_MEMBERSHIP.replace(
     "uk-commons", "uk-lords") + "\n", 2, "organization", "unknown organization",
     ReferenceError_),
    ("unknown whip party", "whips", "vote_event_id,party,direction\n"
     "uk-commons-2003-03-18-117,uk-party-snp,no\n", 2, "party", "unknown organization",
     ReferenceError_),
    ("duplicate vote", "votes", "vote_event_id,person,option\n"
     "uk-commons-2003-03-18-117,uk-parlparse-10651,yes\n"
     "uk-commons-2003-03-18-117,parlparse:uk.org.publicwhip/person/10651,no\n", 3,
     "vote_event_id", "duplicate vote", InputError),
    ("duplicate row", "persons", "id,name\nx,X\ny,Y\nx,X\n", 4, "id", "duplicate row",
     InputError),
    ("overlapping memberships in file", "memberships", MS_HEADER + OK_MEMBERSHIP + "\n"
     + OK_MEMBERSHIP.replace("m-x", "m-z").replace("2005-05-05", "2009-01-01")
     .replace("2010-04-12", "") + "\n", 3, "start_date", "overlapping memberships", InputError),
    ("overlapping a stored membership", "memberships", MS_HEADER + "m-q,uk-parlparse-10651,"
     "uk-party-lab,,2007-01-01,\n", 2, "start_date", "already in the store", InputError),
    ("value outside vocabulary", "attendance", "event_id,person,status\n"
     "uk-plp-meeting-2003-03-17,uk-parlparse-10651,sick\n", 2, "status",
     ", ".join(ATTENDANCE_STATUSES), InputError),
    ("bad classification", "vote_events", "id,organization,classification\n"
     "v9,uk-commons,very important\n", 2, "classification", "not an allowed value", InputError),
    ("bad whip direction", "whips", "vote_event_id,party,direction\n"
     "uk-commons-2003-03-18-117,uk-party-lab,three-line\n", 2, "direction",
     "yes, no, abstain, free", InputError),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text", "line", "column", "words", "cls"),
    [b[1:] for b in BAD],
    ids=[b[0] for b in BAD],
)
def test_bad_csv_is_refused_with_file_line_column_and_nothing_written(
    tstore, tmp_path, kind, text, line, column, words, cls
):
    before = tstore.counts()
    path = write(tmp_path / f"bad-{kind}.csv", text)
    with pytest.raises(cls) as info:
        ingest_csv(tstore, kind, path)
    err = info.value
    msg = str(err)
    assert f"bad-{kind}.csv" in msg and words in msg
    assert err.line == line and f"line {line}" in msg
    if column is not None:
        assert err.column == column and f"column {column!r}" in msg
    assert tstore.counts() == before


def test_empty_file_and_bad_utf8(tstore, tmp_path):
    before = tstore.counts()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        ingest_csv(tstore, "persons", empty)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("id,name\nx,Ana\ny,Jos\u00e9 Mar\u00eda\n".encode("latin-1"))
    with pytest.raises(EncodingError) as info:
        ingest_csv(tstore, "persons", latin)
    assert info.value.line == 3 and "latin1.csv" in str(info.value)
    assert "UTF-8" in str(info.value)
    assert tstore.counts() == before


def test_bad_files_under_tests_data(tstore, test_data):
    """The checked-in bad files (also handy for trying the CLI by hand)."""
    before = tstore.counts()
    folder = test_data / "ingest"
    with pytest.raises(EncodingError) as info:
        ingest_csv(tstore, "persons", folder / "persons_latin1.csv")
    assert info.value.line == 3
    with pytest.raises(InputError, match="duplicate vote") as info:
        ingest_csv(tstore, "votes", folder / "votes_duplicate.csv")
    assert info.value.line == 3 and info.value.column == "vote_event_id"
    assert tstore.counts() == before


def test_unicode_and_text_stay_as_written(tstore, tmp_path):
    f = write(
        tmp_path / "people.csv",
        'id,name,birth_date\n007,عمران خان,1952\n=cmd,"São Paulo, Zé",1970-01\n',
    )
    ingest_csv(tstore, "persons", f)
    rows = {r["id"]: r for r in tstore.records("SELECT id, name, birth_date FROM person")}
    assert rows["007"]["name"] == "عمران خان" and rows["007"]["birth_date"] == "1952"
    assert rows["=cmd"]["name"] == "São Paulo, Zé" and rows["=cmd"]["birth_date"] == "1970-01"


def test_unknown_kind_and_claims():
    store = floorwatch.open(":memory:")
    with pytest.raises(InputError, match="unknown CSV kind 'rollcalls'"):
        ingest_csv(store, "rollcalls", template_path("votes"))
    with pytest.raises(InputError, match="claims"):
        ingest_csv(store, "claims", template_path("votes"))
    store.close()


def test_cli_csv_ok_and_bad(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    for kind in ORDER:
        assert main(["--db", str(db), "ingest", "csv", kind, str(template_path(kind))]) == 0
    bad = write(tmp_path / "att.csv", "event_id,person,status\nnope,uk-parlparse-10651,present\n")
    assert main(["--db", str(db), "ingest", "csv", "attendance", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "att.csv" in err and "line 2" in err and "'event_id'" in err and "unknown event" in err
    store = floorwatch.open(db)
    assert store.counts()["attendance"] == len(_data_rows(template_path("attendance")))
    store.close()


def test_docs_describe_every_kind_column_and_vocabulary():
    docs = Path(__file__).resolve().parents[2] / "docs"
    text = (docs / "csv-templates.md").read_text(encoding="utf-8")
    sections = {s.split("`", 1)[0]: s for s in text.split("\n## `")[1:]}
    assert set(sections) == set(KINDS)
    for name, kind in KINDS.items():
        for col in kind.columns:
            assert f"| `{col.name}` |" in sections[name], (name, col.name)
            for value in col.vocab:
                assert f"`{value}`" in sections[name], (name, value)
        example = template_path(name).read_text(encoding="utf-8").strip()
        assert example in sections[name], name
    from floorwatch.store import schema

    model = (docs / "data-model.md").read_text(encoding="utf-8")
    for vocab in (
        schema.ORGANIZATION_CLASSIFICATIONS,
        schema.END_REASONS,
        schema.EVENT_CLASSIFICATIONS,
        schema.ATTENDANCE_STATUSES,
        schema.VOTE_EVENT_CLASSIFICATIONS,
        schema.VOTE_OPTIONS,
        schema.WHIP_DIRECTIONS,
    ):
        for value in vocab:
            assert f"`{value}`" in model, value
    for table in schema.TABLES:
        assert f"## {table} " in model or f"## {table}\n" in model, table


def test_cli_csv_claims_goes_to_the_claims_ledger(tmp_path, capsys):
    assert main(["claims", "template"]) == 0
    template = tmp_path / "claims.csv"
    template.write_text(capsys.readouterr().out, encoding="utf-8")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for db in (a, b):
        for kind in ORDER:
            assert main(["--db", str(db), "ingest", "csv", kind, str(template_path(kind))]) == 0
    via_csv = main(["--db", str(a), "ingest", "csv", "claims", str(template)])
    via_claims = main(["--db", str(b), "claims", "import", str(template)])
    assert via_csv == via_claims
    sa, sb = floorwatch.open(a), floorwatch.open(b)
    assert sa.counts() == sb.counts()
    sa.close()
    sb.close()
