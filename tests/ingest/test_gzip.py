"""Every importer reads gzip-compressed files as it reads the plain ones."""

from __future__ import annotations

import gzip
import shutil

import pytest

import floorwatch
from floorwatch.errors import InputError
from floorwatch.ingest.adapters import ingest_singapore, ingest_uk_parlparse
from floorwatch.ingest.csv import ingest_csv, template_path
from floorwatch.ingest.popolo import ingest_popolo
from realdata import real_file, vv_senate

DATA_TABLES = ("person", "organization", "membership", "event", "vote", "attendance")


def _rows(store, table):
    """The table's rows, without ``source`` (it names the file read, .gz or not)."""
    rows = store.query(f"SELECT * FROM {table} ORDER BY ALL")
    return rows.drop(columns=[c for c in rows.columns if c == "source"])


def _gzip(src, dst):
    dst.write_bytes(gzip.compress(src.read_bytes(), mtime=0))
    return dst


def _same_tables(a, b):
    assert a.counts() == b.counts()
    for table in DATA_TABLES:
        assert _rows(a, table).equals(_rows(b, table)), table


def test_voteview_gzip_loads_as_the_plain_files(tmp_path):
    plain = floorwatch.open(tmp_path / "plain.duckdb")
    floorwatch.ingest_voteview(plain, *vv_senate(107))
    packed = [_gzip(f, tmp_path / (f.name + ".gz")) for f in vv_senate(107)]
    gz = floorwatch.open(tmp_path / "gz.duckdb")
    floorwatch.ingest_voteview(gz, *packed)
    _same_tables(plain, gz)
    assert gz.scalar("SELECT count(*) FROM vote") > 60_000
    # Re-ingesting the compressed files changes nothing.
    before = gz.counts()
    floorwatch.ingest_voteview(gz, *packed)
    assert gz.counts() == before


def test_templates_popolo_and_adapters_read_gzip(tmp_path):
    a = floorwatch.open(tmp_path / "a.duckdb")
    b = floorwatch.open(tmp_path / "b.duckdb")
    # The Popolo file and the parlparse history ship gzip in tests/data/real; the plain
    # copies are made here.
    pk = real_file("everypolitician-pakistan", "ep-popolo-v1.0.json")
    uk = real_file("uk-parlparse", "uk_commons_memberships_1997_2015.csv")
    for src in (pk, uk):
        (tmp_path / src.name[:-3]).write_bytes(gzip.decompress(src.read_bytes()))
    ingest_popolo(a, pk)
    ingest_popolo(b, tmp_path / pk.name[:-3])
    ingest_uk_parlparse(a, uk)
    ingest_uk_parlparse(b, tmp_path / uk.name[:-3])
    # The templates' examples refer to people of the parlparse history.
    for kind in ("persons", "organizations", "memberships"):
        ingest_csv(a, kind, template_path(kind))
        ingest_csv(b, kind, _gzip(template_path(kind), tmp_path / f"{kind}.csv.gz"))
    _same_tables(a, b)
    assert a.scalar("SELECT count(*) FROM person") > 1_000


def test_a_folder_adapter_takes_gzip_files_beside_plain_ones(tmp_path):
    folder = tmp_path / "sg"
    folder.mkdir()
    src = real_file("singapore-parliament-attendance", "sittings.csv").parent
    for f in src.glob("*.csv.gz"):
        shutil.copy(f, folder / f.name)
    store = floorwatch.open(tmp_path / "s.duckdb")
    ingest_singapore(store, folder)
    assert store.scalar("SELECT count(DISTINCT event_id) FROM attendance") == 341


def test_a_damaged_gzip_file_is_a_clear_error_and_nothing_is_written(tmp_path):
    members, rollcalls, votes = vv_senate(107)
    cut = tmp_path / "S107_votes.csv.gz"
    packed = gzip.compress(votes.read_bytes(), mtime=0)
    cut.write_bytes(packed[: len(packed) // 2])
    store = floorwatch.open(tmp_path / "s.duckdb")
    with pytest.raises(InputError, match="not a readable gzip file") as info:
        floorwatch.ingest_voteview(store, members, rollcalls, cut)
    assert str(cut) in str(info.value)
    assert sum(store.counts().values()) == 0
