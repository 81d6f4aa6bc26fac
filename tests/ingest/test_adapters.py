"""Adapters on the real datasets, checked against direct counts over the raw files."""

from __future__ import annotations

import gzip
import re

import pandas as pd
import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.errors import InputError
from floorwatch.ingest.adapters import ingest_malaysia, ingest_singapore, ingest_uk_parlparse
from floorwatch.memberships import switches

SG = "singapore-parliament-attendance"
MY = "malaysia-dewan-rakyat-attendance"
UK = ("uk-parlparse", "uk_commons_memberships_1997_2015.csv.gz")
UK_CHANGES = ("uk-parlparse", "uk_commons_party_changes_derived.csv.gz")


def _read(path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)


# -- UK parlparse ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def uk(tmp_path_factory, real_data):
    store = floorwatch.open(tmp_path_factory.mktemp("uk") / "uk.duckdb")
    result = ingest_uk_parlparse(store, real_data.joinpath(*UK))
    yield store, result, _read(real_data.joinpath(*UK))
    store.close()


def test_uk_counts(uk):
    store, result, raw = uk
    assert store.counts()["person"] == raw["person_id"].nunique() == 1160
    assert store.counts()["membership"] == len(raw) == 2709
    assert result.memberships == len(raw)
    parlparse = store.scalar("SELECT count(*) FROM identifier WHERE scheme = 'parlparse'")
    assert parlparse == raw["person_id"].nunique()
    by_party = dict(
        store.query(
            "SELECT o.abbreviation, count(*) FROM membership m "
            "JOIN organization o ON o.id = m.on_behalf_of_id GROUP BY 1"
        ).itertuples(index=False)
    )
    assert by_party == raw["party"].value_counts().to_dict()
    open_rows = (raw["todate"] == "9999-12-31").sum()
    followed = 0
    for _, grp in raw.sort_values(["person_id", "fromdate"]).groupby("person_id"):
        followed += (grp["todate"].iloc[:-1] == "9999-12-31").sum()
    assert store.scalar("SELECT count(*) FROM membership WHERE end_date IS NULL") == (
        open_rows - followed
    )


def test_uk_switches_are_the_38_dated_changes(uk, real_data):
    store, _, _ = uk
    changes = _read(real_data.joinpath(*UK_CHANGES))
    dated = changes[changes["towhy_before"] == "changed_party"]
    assert len(dated) == 38
    sw = switches(store)
    assert len(sw) == 38 and set(sw["kind"]) == {"changed party"}
    abbr = dict(store.query("SELECT id, abbreviation FROM organization").itertuples(index=False))
    ident = dict(
        store.query(
            "SELECT person_id, identifier FROM identifier WHERE scheme = 'parlparse'"
        ).itertuples(index=False)
    )
    got = {
        (ident[r.person_id], abbr[r.from_party_id], abbr[r.to_party_id], str(r.date_from),
         str(r.date_to))
        for r in sw.itertuples()
    }  # fmt: skip
    want = {
        (r.person_id, r.party_before, r.party_after, r.todate_before, r.fromdate_after)
        for r in dated.itertuples()
    }
    assert got == want
    named = {(r.name, r.from_party, r.to_party, str(r.date_to)) for r in sw.itertuples()}
    assert ("Shaun Woodward", "Conservative Party", "Labour Party", "1999-12-18") in named
    assert ("Quentin Davies", "Conservative Party", "Labour Party", "2007-06-27") in named
    # The presiding officers are offices, not parties.
    assert abbr["uk-party-spk"] == "SPK"
    assert store.scalar("SELECT classification FROM organization WHERE id = 'uk-party-spk'") == (
        "office"
    )


def test_uk_names_reasons_and_idempotence(uk, real_data, tmp_path):
    store, _, raw = uk
    davies = store.records(
        "SELECT p.name, o.name AS other FROM person p JOIN identifier i ON i.person_id = p.id "
        "LEFT JOIN other_name o ON o.person_id = p.id "
        "WHERE i.identifier = 'uk.org.publicwhip/person/10160'"
    )
    assert davies == [{"name": "Quentin Davies", "other": "Lord Davies of Stamford"}]
    reasons = dict(
        store.query("SELECT end_reason, count(*) FROM membership GROUP BY 1").itertuples(
            index=False
        )
    )
    assert reasons["changed party"] == (raw["towhy"] == "changed_party").sum()
    assert reasons["died"] == (raw["towhy"] == "died").sum()
    fresh = floorwatch.open(tmp_path / "again.duckdb")
    ingest_uk_parlparse(fresh, real_data.joinpath(*UK))
    counts = fresh.counts()
    ingest_uk_parlparse(fresh, real_data.joinpath(*UK))
    assert fresh.counts() == counts
    fresh.close()


def test_uk_bad_file(tmp_path, real_data):
    raw = gzip.decompress(real_data.joinpath(*UK).read_bytes()).decode("utf-8").splitlines()
    header = raw[0].split(",")
    # Swap fromdate and todate on the third data row: an end before its start.
    cells = raw[3].split(",")
    f, t = header.index("fromdate"), header.index("todate")
    cells[f], cells[t] = cells[t], cells[f]
    bad = tmp_path / "uk_bad.csv"
    bad.write_text("\n".join([raw[0], raw[1], raw[2], ",".join(cells)]) + "\n", encoding="utf-8")
    store = floorwatch.open(tmp_path / "s.duckdb")
    with pytest.raises(InputError, match="dates out of order") as info:
        ingest_uk_parlparse(store, bad)
    assert info.value.line == 4 and info.value.column == "todate"
    assert sum(store.counts().values()) == 0
    store.close()


# -- Singapore -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sg(tmp_path_factory, real_data):
    store = floorwatch.open(tmp_path_factory.mktemp("sg") / "sg.duckdb")
    result = ingest_singapore(store, real_data / SG)
    fact = _read(real_data / SG / "fact_attendance.csv.gz")
    yield store, result, fact
    store.close()


def test_singapore_counts(sg, real_data):
    store, result, fact = sg
    named = fact[fact["MP_Name"].str.strip() != ""].copy()
    named["mp"] = named["MP_Name"].str.strip()
    assert result.skipped_blank_rows == (fact["MP_Name"].str.strip() == "").sum() == 12
    pairs = named.drop_duplicates(["Sitting_CID", "mp"])
    assert result.duplicate_rows == len(named) - len(pairs)
    assert store.counts()["person"] == named["mp"].nunique() == 194
    sittings = _read(real_data / SG / "sittings.csv.gz")
    n_sit = store.scalar("SELECT count(*) FROM event WHERE classification = 'plenary sitting'")
    assert n_sit == len(sittings) == 341
    assert store.counts()["attendance"] == len(pairs)
    absent = store.scalar("SELECT count(*) FROM attendance WHERE status = 'absent'")
    assert absent == (pairs["Attendance"] == "False").sum()
    party = _read(real_data / SG / "party.csv.gz", encoding="utf-8-sig")
    party["mp"] = party["MP_Name"].str.strip()
    got = dict(
        store.query(
            "SELECT o.abbreviation, count(DISTINCT m.person_id) FROM membership m "
            "JOIN organization o ON o.id = m.on_behalf_of_id GROUP BY 1"
        ).itertuples(index=False)
    )
    assert got == party["party"].value_counts().to_dict()
    assert store.scalar("SELECT classification FROM organization WHERE id = 'sg-nmp'") == (
        "non-party group"
    )


def test_singapore_sampled_member_matches_raw(sg):
    store, _, fact = sg
    raw = fact[fact["MP_Name"].str.strip() == "Alex Yam"].drop_duplicates(["Sitting_CID"])
    want = {
        (d, "present" if a == "True" else "absent")
        for d, a in zip(raw["Date"], raw["Attendance"], strict=True)
    }
    got = {
        (str(r["start_date"]), r["status"])
        for r in store.records(
            "SELECT e.start_date, a.status FROM attendance a JOIN event e ON e.id = a.event_id "
            "WHERE a.person_id = 'sg-alex-yam'"
        )
    }
    assert got == want and len(got) == len(raw)


# -- Malaysia --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def my(tmp_path_factory, real_data):
    store = floorwatch.open(tmp_path_factory.mktemp("my") / "my.duckdb")
    result = ingest_malaysia(store, real_data / MY)
    att = _read(real_data / MY / "attendance_long.csv.gz")
    mps = _read(real_data / MY / "15mps.csv.gz", header=None)
    yield store, result, att, mps
    store.close()


def test_malaysia_counts(my):
    store, result, att, mps = my
    unmatched = ~att["constituency"].isin(set(mps[3]))
    assert result.unmatched_rows == unmatched.sum()
    assert store.counts()["attendance"] == len(att) - unmatched.sum() == 45254
    status = dict(
        store.query("SELECT status, count(*) FROM attendance GROUP BY 1").itertuples(index=False)
    )
    assert status == {k.lower(): v for k, v in att["status"].value_counts().items()}
    assert (
        store.scalar("SELECT count(*) FROM event WHERE classification = 'plenary sitting'")
        == att["date"].nunique()
    )
    labels = dict(
        store.query(
            "SELECT o.abbreviation, count(*) FROM membership m "
            "JOIN organization o ON o.id = m.on_behalf_of_id GROUP BY 1"
        ).itertuples(index=False)
    )
    assert labels == mps[1].value_counts().to_dict()
    assert store.scalar("SELECT classification FROM organization WHERE id = 'my-ph'") == (
        "coalition"
    )


def test_malaysia_sampled_member_and_by_election_predecessor(my):
    store, result, att, mps = my
    seat = att[att["constituency"] == "Padang Besar"]
    want = set(zip(seat["date"], seat["status"].str.lower(), strict=True))
    pid = store.scalar("SELECT id FROM person WHERE name = ?", [mps.iloc[0, 0]])
    got = {
        (str(r["start_date"]), r["status"])
        for r in store.records(
            "SELECT e.start_date, a.status FROM attendance a JOIN event e ON e.id = a.event_id "
            "WHERE a.person_id = ?",
            [pid],
        )
    }
    assert got == want and len(got) == len(seat)
    # Pulai changed hands at the 2023 by-election: Salahuddin Ayub's rows are his own.
    pulai = att[att["constituency"] == "Pulai"]
    salahuddin = pulai[pulai["name"].str.contains("Salahuddin")]
    kemaman = att[att["constituency"] == "Kemaman"]
    che_alias = kemaman[kemaman["name"].map(lambda n: bool(re.search(r"Che Alias", n)))]
    assert result.predecessor_rows == len(salahuddin) + len(che_alias)
    rows = store.records(
        "SELECT p.name, count(*) AS n, max(m.on_behalf_of_id) AS party FROM attendance a "
        "JOIN person p ON p.id = a.person_id JOIN membership m ON m.person_id = p.id "
        "WHERE p.id LIKE 'my-pred-%' GROUP BY 1 ORDER BY 1"
    )
    assert [(r["n"], r["party"]) for r in rows] == [(len(che_alias), None), (len(salahuddin), None)]


def test_cli_adapters(tmp_path, real_data, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "ingest", "singapore", str(real_data / SG)]) == 0
    assert "12 row(s) with a blank name skipped" in capsys.readouterr().err
    assert main(["--db", str(db), "ingest", "uk-parlparse", str(real_data.joinpath(*UK))]) == 0
    assert main(["--db", str(db), "switches", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out.count('"changed party"') == 38
    assert main(["--db", str(db), "ingest", "malaysia", str(real_data / SG)]) == 1
    assert "attendance_long.csv" in capsys.readouterr().err
