"""Fixtures for the claims tests: writable stores built from the real datasets, and facts read
straight from the raw files (independently of floorwatch) to check the resolutions against.

Stores are built once per session and copied into each test's ``tmp_path``, so a test may
write to its copy freely.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import floorwatch

UK_CSV = "uk-parlparse/uk_commons_memberships_1997_2015.csv"


def first_vote_date(shared: Path, congress: int, icpsr: int) -> dt.date:
    """The date of the first roll call in which Voteview member ``icpsr`` cast a vote (raw CSVs)."""
    d = shared / "voteview-senate"
    votes = pd.read_csv(d / f"S{congress}_votes.csv", usecols=["rollnumber", "icpsr", "cast_code"])
    calls = pd.read_csv(d / f"S{congress}_rollcalls.csv", usecols=["rollnumber", "date"])
    mine = votes[(votes["icpsr"] == icpsr) & (votes["cast_code"] != 0)]
    dates = calls[calls["rollnumber"].isin(mine["rollnumber"])]["date"]
    return dt.date.fromisoformat(min(dates))


def uk_party_id(party: str) -> str:
    """``uk-party-<slug>`` as the UK adapter names parties (``Lab/Co-op`` -> ``lab-co-op``)."""
    return "uk-party-" + (re.sub(r"[^0-9a-z]+", "-", party.strip().lower()).strip("-") or "x")


def load_uk_rows(store: floorwatch.Store, csv_path: Path) -> None:
    """Write the parlparse Commons memberships into ``store`` with plain SQL (one transaction).

    A stand-in for ``floorwatch.ingest.adapters.ingest_uk_parlparse``, used only when that
    adapter is not available, with the same ids: persons ``uk-parlparse-<n>`` (identifier
    scheme ``parlparse`` holding the parlparse person id), parties ``uk-party-<slug>``, each row
    a membership of ``uk-commons``; ``changed_party`` becomes ``changed party`` and
    ``9999-12-31`` (still in office) an open end.
    """
    rows = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    rows["pid"] = "uk-parlparse-" + rows["person_id"].str.rsplit("/", n=1).str[-1]
    people = rows.groupby("pid", as_index=False)[["person_id", "person_latestname"]].last()
    parties = pd.DataFrame({"party": sorted(set(rows["party"]))})
    parties["id"] = [uk_party_id(p) for p in parties["party"]]
    ms = pd.DataFrame(
        {
            "id": rows["member_id"],
            "person_id": rows["pid"],
            "party_id": [uk_party_id(p) for p in rows["party"]],
            "start_date": rows["fromdate"],
            "end_date": [None if t.startswith("9999") else t for t in rows["todate"]],
            "start_reason": [
                "changed party" if w == "changed_party" else None for w in rows["fromwhy"]
            ],
            "end_reason": [
                "changed party" if w == "changed_party" else None for w in rows["towhy"]
            ],
        }
    )
    store.register("_uk_people", people)
    store.register("_uk_parties", parties)
    store.register("_uk_ms", ms)
    try:
        with store.transaction():
            store.execute(
                "INSERT INTO organization (id, name, classification, source) "
                "VALUES ('uk-commons', 'House of Commons', 'chamber', 'parlparse')"
            )
            store.execute(
                "INSERT INTO organization (id, name, classification, abbreviation, source) "
                "SELECT id, party, 'party', party, 'parlparse' FROM _uk_parties"
            )
            store.execute(
                "INSERT INTO person (id, name, source) "
                "SELECT pid, person_latestname, 'parlparse' FROM _uk_people"
            )
            store.execute(
                "INSERT INTO identifier (scheme, identifier, person_id) "
                "SELECT 'parlparse', person_id, pid FROM _uk_people"
            )
            store.execute(
                """INSERT INTO membership (id, person_id, organization_id, on_behalf_of_id,
                       role, start_date, end_date, start_reason, end_reason, source)
                   SELECT id, person_id, 'uk-commons', party_id, 'member',
                          CAST(start_date AS DATE), CAST(end_date AS DATE), start_reason,
                          end_reason, 'parlparse' FROM _uk_ms"""
            )
    finally:
        for name in ("_uk_people", "_uk_parties", "_uk_ms"):
            store.unregister(name)


def load_uk(store: floorwatch.Store, csv_path: Path) -> None:
    """Load the UK file with the adapter if floorwatch has it, else with :func:`load_uk_rows`."""
    try:
        from floorwatch.ingest.adapters import ingest_uk_parlparse
    except ImportError:  # the adapter has not landed yet
        load_uk_rows(store, csv_path)
    else:
        ingest_uk_parlparse(store, csv_path)


def _copy(src: Path, tmp_path: Path) -> floorwatch.Store:
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return floorwatch.open(dst)


@pytest.fixture(scope="session")
def _senate_db(tmp_path_factory, shared_data) -> Path:
    path = tmp_path_factory.mktemp("claims-senate") / "senate.duckdb"
    store = floorwatch.open(path)
    d = shared_data / "voteview-senate"
    for c in (107, 111):
        floorwatch.ingest_voteview(
            store, d / f"S{c}_members.csv", d / f"S{c}_rollcalls.csv", d / f"S{c}_votes.csv"
        )
    store.close()
    return path


@pytest.fixture
def senate(tmp_path, _senate_db):
    """A writable store with Voteview Senate 107 and 111 (Jeffords' and Specter's switches)."""
    store = _copy(_senate_db, tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def _uk_db(tmp_path_factory, shared_data) -> Path:
    path = tmp_path_factory.mktemp("claims-uk") / "uk.duckdb"
    store = floorwatch.open(path)
    load_uk(store, shared_data / UK_CSV)
    store.close()
    return path


@pytest.fixture
def uk(tmp_path, _uk_db):
    """A writable store with the parlparse UK Commons memberships 1997-2015."""
    store = _copy(_uk_db, tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def uk_rows(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / UK_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def specter_first_d_vote(shared_data) -> dt.date:
    # Specter's Democratic ICPSR number in the 111th Senate is 94910 (Republican: 14910).
    members = pd.read_csv(shared_data / "voteview-senate" / "S111_members.csv")
    row = members[(members["bioguide_id"] == "S000709") & (members["party_code"] == 100)]
    return first_vote_date(shared_data, 111, int(row["icpsr"].iloc[0]))


@pytest.fixture(scope="session")
def jeffords_first_ind_vote(shared_data) -> dt.date:
    members = pd.read_csv(shared_data / "voteview-senate" / "S107_members.csv")
    row = members[(members["bioguide_id"] == "J000072") & (members["party_code"] == 328)]
    return first_vote_date(shared_data, 107, int(row["icpsr"].iloc[0]))
