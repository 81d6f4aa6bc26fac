"""The Voteview importer on the real Senate 107/111 and House 107 files, and on bad input."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

import floorwatch
from floorwatch.errors import EncodingError, InputError
from floorwatch.memberships import party_at, switches
from realdata import vv_senate


def _senate(real_data, congress):
    return (*vv_senate(congress),)


def _snapshot(store) -> dict[str, pd.DataFrame]:
    """Every data table, sorted, so two stores (or one store at two times) can be compared."""
    out = {}
    for table in store.counts():
        frame = store.query(f"SELECT * FROM {table}")
        out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def test_s107_counts_match_the_raw_files(s107_store, real_data):
    members, rollcalls, votes = _senate(real_data, 107)
    raw_m = pd.read_csv(members)
    raw_v = pd.read_csv(votes)
    president = set(raw_m.loc[raw_m.chamber == "President", "icpsr"])
    senators = raw_m[raw_m.chamber == "Senate"]
    # One person per bioguide id: Jeffords' two ICPSR rows are one person.
    assert s107_store.scalar("SELECT count(*) FROM person") == senators.bioguide_id.nunique()
    assert s107_store.scalar("SELECT count(*) FROM membership") == len(senators)
    assert s107_store.scalar("SELECT count(*) FROM vote_event") == len(pd.read_csv(rollcalls))
    expected_votes = raw_v[(raw_v.cast_code != 0) & ~raw_v.icpsr.isin(president)]
    assert s107_store.scalar("SELECT count(*) FROM vote") == len(expected_votes)
    # The President's row is not a member of the chamber.
    assert s107_store.scalar("SELECT count(*) FROM identifier WHERE identifier = '99910'") == 0


def test_cast_codes_map_to_options_and_reproduce_yea_nay_counts(s107_store, real_data):
    _, rollcalls, _ = _senate(real_data, 107)
    raw = pd.read_csv(rollcalls)
    ours = s107_store.query(
        "SELECT ve.identifier, sum(CASE WHEN v.position = 1 THEN 1 ELSE 0 END) AS yeas, "
        "sum(CASE WHEN v.position = -1 THEN 1 ELSE 0 END) AS nays FROM vote v "
        "JOIN vote_event ve ON ve.id = v.vote_event_id GROUP BY 1"
    )
    ours["rollnumber"] = ours.identifier.astype(int)
    merged = raw.merge(ours, on="rollnumber")
    assert len(merged) == len(raw)
    assert (merged.yea_count == merged.yeas).all()
    assert (merged.nay_count == merged.nays).all()
    options = dict(
        s107_store.query("SELECT cast_code, any_value(option) AS o FROM vote GROUP BY 1").values
    )
    assert options == {1: "yes", 6: "no", 9: "not voting"}


def test_jeffords_is_one_person_with_a_dated_switch(s107_store):
    found = switches(s107_store)
    assert len(found) == 1, found
    row = found.iloc[0]
    assert row.person_id == "bioguide-J000072"
    assert (row.from_party_id, row.to_party_id) == ("us-party-200", "us-party-328")
    assert str(row.date_from) == "2001-05-26" and str(row.date_to) == "2001-06-06"
    assert row.kind == "changed party"
    import datetime as dt

    assert party_at(s107_store, "bioguide-J000072", dt.date(2001, 5, 1)) == "us-party-200"
    assert party_at(s107_store, "bioguide-J000072", dt.date(2001, 7, 1)) == "us-party-328"


def test_specter_switch_in_s111(s111_store):
    found = switches(s111_store)
    assert list(found.person_id) == ["bioguide-S000709"]
    row = found.iloc[0]
    assert (row.from_party, row.to_party) == ("Republican Party", "Democratic Party")
    assert (str(row.date_from), str(row.date_to)) == ("2009-04-29", "2009-04-30")


def test_appointed_senator_dated_by_first_vote(s111_store, real_data):
    """Members who arrive mid-Congress start on their first recorded vote, not on 3 January."""
    members, rollcalls, votes = _senate(real_data, 111)
    raw_v = pd.read_csv(votes).merge(pd.read_csv(rollcalls)[["rollnumber", "date"]])
    kirk = pd.read_csv(members).query("bioname.str.startswith('KIRK')", engine="python")
    first = raw_v[raw_v.icpsr.isin(kirk.icpsr)].date.min()
    start = s111_store.scalar(
        "SELECT min(start_date) FROM membership m JOIN person p ON p.id = m.person_id "
        "WHERE p.name LIKE 'KIRK%'"
    )
    assert str(start) == first


@pytest.mark.shared("voteview-hsall")
def test_hsall_mid_congress_switches(tmp_store, shared_data):
    path = shared_data / "voteview-hsall" / "HSall_members.csv"
    floorwatch.ingest_voteview(tmp_store, path)
    raw = pd.read_csv(path, dtype={"bioguide_id": str})
    raw = raw[(raw.chamber != "President") & raw.bioguide_id.notna() & (raw.bioguide_id != "")]
    groups = raw.groupby(["bioguide_id", "congress", "chamber"]).party_code.nunique()
    expected = groups[groups > 1]
    found = switches(tmp_store)
    assert len(found) == len(expected) == 20
    assert set(found.person_id) == {f"bioguide-{b}" for b, _, _ in expected.index}
    # Chronological direction, known from the record (not from ICPSR order).
    by_name = {r.name.split(",")[0]: r for r in found.itertuples()}
    assert (by_name["JEFFORDS"].from_party, by_name["JEFFORDS"].to_party) == (
        "Republican Party",
        "Independent",
    )
    assert (by_name["SPECTER"].from_party, by_name["SPECTER"].to_party) == (
        "Republican Party",
        "Democratic Party",
    )
    assert (by_name["VAN DREW"].from_party, by_name["VAN DREW"].to_party) == (
        "Democratic Party",
        "Republican Party",
    )
    goode = found[found.name.str.startswith("GOODE")].sort_values("date_to")
    assert list(zip(goode.from_party, goode.to_party, strict=True)) == [
        ("Democratic Party", "Independent"),
        ("Independent", "Republican Party"),
    ]


@pytest.mark.shared("voteview-hsall")
def test_house_107_goode_ordered_by_roll_calls(tmp_store, shared_data):
    d = shared_data / "voteview-hsall"
    floorwatch.ingest_voteview(
        tmp_store, d / "HSall_members.csv", None, d / "H107_votes.csv", congresses={107}
    )
    goode = switches(tmp_store, legislature="us-house")
    assert list(goode.name) == ["GOODE, Virgil H., Jr."]
    assert (goode.iloc[0].from_party, goode.iloc[0].to_party) == ("Independent", "Republican Party")
    raw = pd.read_csv(d / "H107_votes.csv")
    members = pd.read_csv(d / "HSall_members.csv", usecols=["congress", "chamber", "icpsr"])
    president = members.query("congress == 107 and chamber == 'President'").icpsr
    n = int(((raw.cast_code != 0) & (raw.chamber == "House") & ~raw.icpsr.isin(president)).sum())
    assert n == 430325 - 990  # the President's position is recorded on each of the 990 rolls
    assert tmp_store.scalar("SELECT count(*) FROM vote WHERE vote_event_id LIKE 'us-house-%'") == n


def test_reingest_is_idempotent(tmp_store, real_data):
    files = _senate(real_data, 107)
    floorwatch.ingest_voteview(tmp_store, *files)
    before = _snapshot(tmp_store)
    floorwatch.ingest_voteview(tmp_store, *files)
    after = _snapshot(tmp_store)
    assert before.keys() == after.keys()
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_newer_file_updates(tmp_store, real_data, tmp_path):
    members, rollcalls, votes = _senate(real_data, 107)
    floorwatch.ingest_voteview(tmp_store, members, rollcalls, votes)
    newer = tmp_path / "S107_rollcalls.csv"
    rows = list(csv.DictReader(open(rollcalls, encoding="utf-8")))
    rows[0]["vote_desc"] = "Corrected description"
    with open(newer, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    n = tmp_store.counts()
    floorwatch.ingest_voteview(tmp_store, members, newer, votes)
    assert tmp_store.counts() == n
    assert (
        tmp_store.scalar("SELECT motion_text FROM vote_event WHERE id = 'us-senate-107-1'")
        == "Corrected description"
    )


# --- bad input ------------------------------------------------------------------------------


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


MEMBERS = (
    "congress,chamber,icpsr,state_abbrev,party_code,bioname,bioguide_id\n"
    '107,Senate,1,VT,200,"JEFFORDS, James",J000072\n'
    '107,Senate,2,PA,200,"SPECTER, Arlen",S000709\n'
)
ROLLCALLS = (
    "congress,chamber,rollnumber,date,vote_question\n"
    "107,Senate,1,2001-01-23,On the Nomination\n"
    "107,Senate,2,2001-01-24,On the Motion to Table\n"
)
VOTES = "congress,chamber,rollnumber,icpsr,cast_code\n107,Senate,1,1,1\n107,Senate,1,2,6\n"


def _case(tmp_path, members=MEMBERS, rollcalls=ROLLCALLS, votes=VOTES):
    return (
        _write(tmp_path / "m.csv", members),
        _write(tmp_path / "r.csv", rollcalls),
        _write(tmp_path / "v.csv", votes),
    )


BAD_CASES = [
    # (which file, its text, error class, expected line, expected column, words in message)
    ("votes", VOTES + "107,Senate,2,9,1\n", InputError, 4, "icpsr", "unknown member"),
    ("votes", VOTES + "107,Senate,7,1,1\n", InputError, 4, "rollnumber", "unknown roll call"),
    ("votes", VOTES + "107,Senate,1,1,6\n", InputError, 4, "icpsr", "duplicate vote"),
    ("votes", VOTES + "107,Senate,2,1,12\n", InputError, 4, "cast_code", "cast code"),
    ("votes", VOTES + "107,Senate,2,x1,1\n", InputError, 4, "icpsr", "whole number"),
    ("votes", VOTES + "107,Senate,2,1\n", InputError, 4, None, "expected 5 fields"),
    (
        "votes",
        "congress,chamber,rollnumber,icpsr\n107,Senate,1,1\n",
        InputError,
        1,
        None,
        "missing column(s) cast_code",
    ),
    (
        "rollcalls",
        ROLLCALLS + "107,Senate,3,2001-02-30,On Passage\n",
        InputError,
        4,
        "date",
        "date",
    ),
    (
        "rollcalls",
        ROLLCALLS + "107,Senate,2,2001-01-25,On Passage\n",
        InputError,
        4,
        "rollnumber",
        "duplicate roll call",
    ),
    (
        "members",
        MEMBERS + '107,Senate,2,PA,100,"SPECTER, Arlen",S000709\n',
        InputError,
        4,
        "icpsr",
        "duplicate member",
    ),
    (
        "members",
        MEMBERS + '107,,3,NY,100,"CLINTON, Hillary",C001041\n',
        InputError,
        4,
        "chamber",
        "the chamber is missing",
    ),
    (
        "members",
        MEMBERS + '107,Senate,3,NY,100,"unterminated\n',
        InputError,
        4,
        None,
        "unterminated quote",
    ),
]


@pytest.fixture(scope="module")
def s107_file(tmp_path_factory):
    """A store file holding Senate 107, and its tables: ingested once, copied per case."""
    path = tmp_path_factory.mktemp("s107-bad") / "s107.duckdb"
    with floorwatch.open(path) as store:
        floorwatch.ingest_voteview(store, *vv_senate(107))
        snapshot = _snapshot(store)
    return path, snapshot


@pytest.mark.parametrize(("which", "text", "error", "line", "column", "words"), BAD_CASES)
def test_bad_input_names_file_line_column_and_writes_nothing(
    s107_file, tmp_path, which, text, error, line, column, words
):
    path, before = s107_file
    shutil.copy(path, tmp_path / "s.duckdb")
    tmp_store = floorwatch.open(tmp_path / "s.duckdb")
    assert tmp_store.counts()["vote"] > 60_000
    files = dict(zip(("members", "rollcalls", "votes"), _case(tmp_path), strict=True))
    _write(files[which], text)
    with pytest.raises(error) as info:
        floorwatch.ingest_voteview(tmp_store, files["members"], files["rollcalls"], files["votes"])
    exc = info.value
    assert exc.file == str(files[which])
    assert exc.line == line
    assert exc.column == column
    assert words in str(exc)
    assert str(files[which]) in str(exc) and f"line {line}" in str(exc)
    after = _snapshot(tmp_store)
    tmp_store.close()
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_bad_encoding_is_reported_with_line(tmp_store, tmp_path):
    m, r, v = _case(tmp_path)
    _write(m, (MEMBERS + '107,Senate,3,PR,100,"MARTÍNEZ, Matthew",M000184\n').encode("latin-1"))
    with pytest.raises(EncodingError) as info:
        floorwatch.ingest_voteview(tmp_store, m, r, v)
    assert info.value.line == 4 and "UTF-8" in str(info.value)
    assert tmp_store.scalar("SELECT count(*) FROM person") == 0


def test_missing_and_empty_files(tmp_store, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        floorwatch.ingest_voteview(tmp_store, tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty"):
        floorwatch.ingest_voteview(tmp_store, _write(tmp_path / "e.csv", ""))


def test_unicode_names_survive(tmp_store, tmp_path):
    m, r, v = _case(tmp_path)
    _write(m, MEMBERS + '107,Senate,3,PR,100,"MARTÍNEZ, Matthew",M000184\n')
    floorwatch.ingest_voteview(tmp_store, m, r, v)
    assert tmp_store.scalar("SELECT name FROM person WHERE id = 'bioguide-M000184'") == (
        "MARTÍNEZ, Matthew"
    )


def test_s116_float_cast_codes(tmp_store, real_data, tmp_path):
    """S116 writes cast codes as floats ("1.0"); they load as the same codes."""
    files = _senate(real_data, 116)
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    result = floorwatch.ingest_voteview(tmp_store, *(tmp_path / f.name for f in files))
    raw = pd.read_csv(files[2])
    assert result.votes == int((raw.cast_code != 0).sum()) - int(
        raw.icpsr.isin(pd.read_csv(files[0]).query("chamber == 'President'").icpsr).sum()
    )
    assert switches(tmp_store).empty


def test_voteview_layout_of_another_legislature(tmp_store, test_data, tmp_path):
    """Brazil's Câmara in Voteview's layout (built here from the real 2003 slice in
    tests/data/rollcalls: congress = the legislature number 52, chamber Camara, icpsr = the
    deputy's id, party_code = the party's rank among the slice's labels, each deputy under
    the party of the first vote) loads with dates from its roll calls, not the US 52nd
    Congress (1891-93)."""
    rc = test_data / "rollcalls"
    rolls = pd.read_csv(rc / "BR_2003_rollcalls.csv.gz", dtype=str)
    votes = pd.read_csv(rc / "BR_2003_votes.csv.gz", dtype=str)
    names = pd.read_csv(rc / "BR_2003_members.csv.gz", dtype=str)
    codes = {p: i + 1 for i, p in enumerate(sorted(votes.party.unique()))}
    first = (
        votes.sort_values("rollnumber", key=lambda c: c.astype(int))
        .groupby("legislator_id")
        .party.first()
    )
    members = pd.DataFrame(
        {
            "congress": "52",
            "chamber": "Camara",
            "icpsr": first.index,
            "party_code": [codes[p] for p in first],
            "bioname": [names.set_index("legislator_id").name[i] for i in first.index],
        }
    )
    m, r, v = tmp_path / "m.csv", tmp_path / "r.csv", tmp_path / "v.csv"
    members.to_csv(m, index=False)
    rolls.assign(congress="52", chamber="Camara")[
        ["congress", "chamber", "rollnumber", "date"]
    ].to_csv(r, index=False)
    votes.assign(congress="52", chamber="Camara", icpsr=votes.legislator_id)[
        ["congress", "chamber", "rollnumber", "icpsr", "cast_code"]
    ].to_csv(v, index=False)
    result = floorwatch.ingest_voteview(tmp_store, m, r, v)
    assert result.votes == len(votes) and result.rollcalls == len(rolls)
    period = tmp_store.records(
        "SELECT id, start_date, end_date FROM event WHERE classification = 'legislative period'"
    )
    assert [(p["id"], str(p["start_date"]), str(p["end_date"])) for p in period] == [
        ("vv-camara-52", rolls.date.min(), rolls.date.max())
    ]
    assert tmp_store.scalar("SELECT count(*) FROM organization WHERE id LIKE 'us-%'") == 0
    spans = tmp_store.query(
        "SELECT min(start_date) AS s, max(end_date) AS e, count(DISTINCT on_behalf_of_id) AS p "
        "FROM membership WHERE organization_id = 'vv-camara'"
    )
    assert str(spans.s[0].date()) >= rolls.date.min()
    assert str(spans.e[0].date()) <= rolls.date.max()
    assert spans.p[0] == len(set(first))
