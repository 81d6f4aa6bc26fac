"""Export: CSV (formula-safe), JSON, Parquet, and Popolo JSON that re-imports to the same rows."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.errors import InputError
from floorwatch.export import export_store, safe_cell, to_popolo
from floorwatch.ingest.csv import ingest_csv, template_path
from floorwatch.ingest.popolo import ingest_popolo
from floorwatch.store.schema import TABLES

KEYS = {
    "person": "id",
    "identifier": "scheme, identifier",
    "other_name": "person_id, name, lang",
    "organization": "id",
    "membership": "id",
    "event": "id",
    "attendance": "event_id, person_id",
    "vote_event": "id",
    "vote": "vote_event_id, voter_id",
    "vote_count": "vote_event_id, option, group_id",
}


def assert_same_rows(a, b, tables=KEYS) -> None:
    for table in tables:
        left = a.query(f"SELECT * FROM {table} ORDER BY {KEYS[table]}")
        right = b.query(f"SELECT * FROM {table} ORDER BY {KEYS[table]}")
        assert len(left) == len(right), table
        assert left.equals(right), table


def test_popolo_round_trip_pakistan(tmp_path, real_data):
    src = real_data / "everypolitician-pakistan" / "ep-popolo-v1.0.json.gz"
    a = floorwatch.open(tmp_path / "a.duckdb")
    ingest_popolo(a, src)
    out = tmp_path / "pk.json"
    export_store(a, "popolo", out)
    b = floorwatch.open(tmp_path / "b.duckdb")
    ingest_popolo(b, out)
    assert a.counts() == b.counts()
    assert_same_rows(a, b)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["persons"]) == 350 and len(doc["memberships"]) == 350
    imran = next(p for p in doc["persons"] if p["name"] == "Imran Khan")
    assert {"name": "عمران خان", "lang": "ur", "note": "multilingual"} in imran["other_names"]
    a.close()
    b.close()


def test_popolo_round_trip_s107(tmp_path, s107_store):
    out = tmp_path / "s107.json"
    export_store(s107_store, "popolo", out)
    b = floorwatch.open(tmp_path / "b.duckdb")
    ingest_popolo(b, out)
    assert b.counts() == s107_store.counts()
    assert_same_rows(s107_store, b)
    doc = json.loads(out.read_text(encoding="utf-8"))
    jeffords = [m for m in doc["memberships"] if m["person_id"] == "bioguide-J000072"]
    assert {m["on_behalf_of_id"] for m in jeffords} == {"us-party-200", "us-party-328"}
    ve = next(v for v in doc["vote_events"] if v["id"] == "us-senate-107-1")
    assert len(ve["votes"]) == s107_store.scalar(
        "SELECT count(*) FROM vote WHERE vote_event_id = 'us-senate-107-1'"
    )
    b.close()


def test_popolo_round_trip_templates_with_attendance(tmp_path):
    a = floorwatch.open(tmp_path / "a.duckdb")
    for kind in ("organizations", "persons", "identifiers", "other_names", "memberships",
                 "events", "attendance", "vote_events", "votes", "counts"):  # fmt: skip
        ingest_csv(a, kind, template_path(kind))
    doc = to_popolo(a)
    out = tmp_path / "t.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    b = floorwatch.open(tmp_path / "b.duckdb")
    ingest_popolo(b, out)
    assert a.counts() == b.counts()
    assert_same_rows(a, b)
    a.close()
    b.close()


@pytest.fixture
def small(tmp_path):
    store = floorwatch.open(tmp_path / "small.duckdb")
    for kind in ("organizations", "persons", "identifiers", "vote_events", "votes", "counts"):
        ingest_csv(store, kind, template_path(kind))
    f = tmp_path / "evil.csv"
    f.write_text(
        'id,name,gender\nevil-1,"=HYPERLINK(""http://x"",""click"")",+x\nevil-2,@SUM(1),-\n'
        "evil-3,José Ñúñez,\n",
        encoding="utf-8",
    )
    ingest_csv(store, "persons", f)
    yield store
    store.close()


def test_csv_export_is_formula_safe_and_keeps_numbers(small, tmp_path):
    files = export_store(small, "csv", tmp_path / "out")
    assert {f.name for f in files} == {f"{t}.csv" for t in (*TABLES, *small.extra_tables())}
    with open(tmp_path / "out" / "person.csv", encoding="utf-8", newline="") as fh:
        people = {r["id"]: r for r in csv.DictReader(fh)}
    assert len(people) == small.counts()["person"]
    assert people["evil-1"]["name"] == '\'=HYPERLINK("http://x","click")'
    assert people["evil-1"]["gender"] == "'+x"
    assert people["evil-2"]["name"] == "'@SUM(1)" and people["evil-2"]["gender"] == "'-"
    assert people["evil-3"]["name"] == "José Ñúñez" and people["evil-3"]["gender"] == ""
    with open(tmp_path / "out" / "vote.csv", encoding="utf-8", newline="") as fh:
        votes = list(csv.DictReader(fh))
    assert sorted(v["position"] for v in votes) == ["-1", "1", "1"]  # numbers stay numbers
    assert safe_cell(-1) == -1 and safe_cell("-1") == "'-1" and safe_cell(None) == ""


def test_json_and_parquet_exports(small, tmp_path):
    export_store(small, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert {t: len(rows) for t, rows in data.items()} == small.counts()
    ve = next(r for r in data["vote_event"] if r["id"] == "uk-commons-2003-03-18-118")
    assert ve["start_date"] == "2003-03-18" and ve["crucial"] == 1.0
    export_store(small, "parquet", tmp_path / "pq")
    partitioned = {"vote_event", "vote", "vote_count", "whip_direction"}
    for table, n in small.counts().items():
        if table in partitioned:
            files = sorted((tmp_path / "pq" / table).rglob("*.parquet"))
            rows = sum(pq.read_metadata(f).num_rows for f in files)
            # one Hive partition folder per legislature of the roll calls
            assert all(f.parent.name.startswith("legislature=") for f in files), table
            assert rows == n, table
        else:
            assert pq.read_table(tmp_path / "pq" / f"{table}.parquet").num_rows == n, table
    folders = {f.parent.name for f in (tmp_path / "pq" / "vote_event").rglob("*.parquet")}
    legislatures = set(small.query("SELECT DISTINCT organization_id FROM vote_event").iloc[:, 0])
    assert folders == {f"legislature={x}" for x in legislatures}
    schema = pq.read_schema(next((tmp_path / "pq" / "vote_event").rglob("*.parquet")))
    assert str(schema.field("start_date").type) == "date32[day]"
    # the folder opens again as a (read-only) store with the same rows
    with floorwatch.open(tmp_path / "pq") as back:
        assert back.counts() == small.counts()


def test_export_errors(small, tmp_path):
    with pytest.raises(InputError, match="unknown export format"):
        export_store(small, "xlsx", tmp_path / "x")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(InputError, match="give a folder"):
        export_store(small, "csv", tmp_path / "file.txt")
    with pytest.raises(InputError, match="not a folder"):
        export_store(small, "json", tmp_path)


def test_cli_export(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    for kind in ("organizations", "persons"):
        assert main(["--db", str(db), "ingest", "csv", kind, str(template_path(kind))]) == 0
    out = tmp_path / "p.json"
    assert main(["--db", str(db), "export", "--format", "popolo", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["persons"]) == 3 and len(doc["organizations"]) == 6
    assert main(["--db", str(db), "export", "--format", "csv", "--out", str(out)]) == 1
    assert "give a folder" in capsys.readouterr().err
