"""Fixtures for the claims tests: writable stores built from the real datasets, and facts read
straight from the raw files (independently of floorwatch) to check the resolutions against.

Stores are built once per session and copied into each test's ``tmp_path``, so a test may
write to its copy freely.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

import floorwatch
from floorwatch.ingest.adapters import ingest_uk_parlparse
from realdata import vv_senate

UK_CSV = "uk-parlparse/uk_commons_memberships_1997_2015.csv.gz"


def first_vote_date(shared: Path, congress: int, icpsr: int) -> dt.date:
    """The date of the first roll call in which Voteview member ``icpsr`` cast a vote (raw CSVs)."""
    votes = pd.read_csv(vv_senate(congress)[2], usecols=["rollnumber", "icpsr", "cast_code"])
    calls = pd.read_csv(vv_senate(congress)[1], usecols=["rollnumber", "date"])
    mine = votes[(votes["icpsr"] == icpsr) & (votes["cast_code"] != 0)]
    dates = calls[calls["rollnumber"].isin(mine["rollnumber"])]["date"]
    return dt.date.fromisoformat(min(dates))


def _copy(src: Path, tmp_path: Path) -> floorwatch.Store:
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return floorwatch.open(dst)


@pytest.fixture(scope="session")
def _senate_db(tmp_path_factory, real_data) -> Path:
    path = tmp_path_factory.mktemp("claims-senate") / "senate.duckdb"
    store = floorwatch.open(path)
    for c in (107, 111):
        floorwatch.ingest_voteview(store, *vv_senate(c))
    store.close()
    return path


@pytest.fixture
def senate(tmp_path, _senate_db):
    """A writable store with Voteview Senate 107 and 111 (Jeffords' and Specter's switches)."""
    store = _copy(_senate_db, tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def _uk_db(tmp_path_factory, real_data) -> Path:
    path = tmp_path_factory.mktemp("claims-uk") / "uk.duckdb"
    store = floorwatch.open(path)
    ingest_uk_parlparse(store, real_data / UK_CSV)
    store.close()
    return path


@pytest.fixture
def uk(tmp_path, _uk_db):
    """A writable store with the parlparse UK Commons memberships 1997-2015 (via the adapter:
    persons `uk-parlparse-<n>`, identifier scheme `parlparse`, parties `uk-party-<slug>`)."""
    store = _copy(_uk_db, tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def uk_rows(real_data) -> pd.DataFrame:
    return pd.read_csv(real_data / UK_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def specter_first_d_vote(real_data) -> dt.date:
    # Specter's Democratic ICPSR number in the 111th Senate is 94910 (Republican: 14910).
    members = pd.read_csv(vv_senate(111)[0])
    row = members[(members["bioguide_id"] == "S000709") & (members["party_code"] == 100)]
    return first_vote_date(real_data, 111, int(row["icpsr"].iloc[0]))


@pytest.fixture(scope="session")
def jeffords_first_ind_vote(real_data) -> dt.date:
    members = pd.read_csv(vv_senate(107)[0])
    row = members[(members["bioguide_id"] == "J000072") & (members["party_code"] == 328)]
    return first_vote_date(real_data, 107, int(row["icpsr"].iloc[0]))
