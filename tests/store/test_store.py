"""The DuckDB store: migrations, read-only opening, transactions."""

from __future__ import annotations

import duckdb
import pytest

import floorwatch
from floorwatch.errors import StoreError
from floorwatch.settings import resolve_db_path
from floorwatch.store import SCHEMA_VERSION, TABLES
from floorwatch.store.csvread import read_csv_text
from floorwatch.store.schema import VOTE_STORAGE
from floorwatch.store.votes import assign_keys, insert_cast_rows


def test_new_store_has_every_table_at_the_current_version(tmp_path):
    store = floorwatch.open(tmp_path / "a.duckdb")
    assert store.schema_version == SCHEMA_VERSION
    counts = store.counts()
    assert list(counts)[: len(TABLES)] == list(TABLES)
    assert set(counts.values()) == {0}


def test_migrations_apply_once(tmp_path):
    path = tmp_path / "a.duckdb"
    floorwatch.open(path).close()
    store = floorwatch.open(path)
    rows = store.query("SELECT version FROM schema_version ORDER BY version")
    assert list(rows.version) == list(range(1, SCHEMA_VERSION + 1))


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.duckdb"
    floorwatch.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now())")
    con.close()
    with pytest.raises(StoreError, match="newer than this floorwatch"):
        floorwatch.open(path)


def test_read_only_store_must_exist_and_refuses_writes(tmp_path):
    with pytest.raises(StoreError, match="no store there"):
        floorwatch.open(tmp_path / "missing.duckdb", read_only=True)
    floorwatch.open(tmp_path / "a.duckdb").close()
    ro = floorwatch.open(tmp_path / "a.duckdb", read_only=True)
    with pytest.raises(StoreError, match="read-only"), ro.transaction():
        pass


def test_transaction_rolls_back_on_error(tmp_store):
    with pytest.raises(RuntimeError), tmp_store.transaction():
        tmp_store.execute("INSERT INTO person (id, name) VALUES ('p1', 'Ayesha Gulalai')")
        raise RuntimeError("boom")
    assert tmp_store.scalar("SELECT count(*) FROM person") == 0


def test_unicode_round_trip(tmp_store):
    with tmp_store.transaction():
        tmp_store.execute("INSERT INTO person (id, name) VALUES (?, ?)", ["p1", "عمران خان"])
        tmp_store.execute("INSERT INTO person (id, name) VALUES (?, ?)", ["p2", "João Câmara"])
    assert tmp_store.records("SELECT name FROM person ORDER BY id") == [
        {"name": "عمران خان"},
        {"name": "João Câmara"},
    ]


def test_db_path_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("FLOORWATCH_DB", raising=False)
    assert str(resolve_db_path()) == "floorwatch.duckdb"
    monkeypatch.setenv("FLOORWATCH_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path() == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        floorwatch.open(tmp_path / "no" / "such" / "dir" / "a.duckdb")


def test_arrow_and_numpy_results(s107_store):
    table = s107_store.arrow(
        "SELECT voter_id, count(*) AS n FROM vote WHERE voter_id = ? GROUP BY 1",
        ["bioguide-J000072"],
    )
    n = s107_store.scalar("SELECT count(*) FROM vote WHERE voter_id = 'bioguide-J000072'")
    assert table.to_pylist() == [{"voter_id": "bioguide-J000072", "n": n}]
    arrays = s107_store.numpy("SELECT position FROM vote WHERE voter_id = 'bioguide-J000072'")
    assert len(arrays["position"]) == n


def test_mixed_line_endings_are_read(tmp_store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"a,b\n1,x\r\n2,y\n3,z\n")
    assert read_csv_text(tmp_store, "t", path) == ["a", "b"]
    rows = tmp_store.records("SELECT _line, a, b FROM t ORDER BY _line")
    assert rows == [
        {"_line": 2, "a": "1", "b": "x"},
        {"_line": 3, "a": "2", "b": "y"},
        {"_line": 4, "a": "3", "b": "z"},
    ]


@pytest.mark.parametrize(
    ("data", "first"),
    [
        (b"a,b\n1,x\r\n2,y\n3,z\n", "x"),  # mixed: DuckDB's read fails, the LF copy is read
        (b"a,b\r\n1,x\r\n2,y\r\n3,z\r\n", "x"),  # CRLF: read as it is
        (b'a,b\r\n1,"x\r\ny"\r\n2,y\r\n3,z\r\n', "x\ny"),  # a CR in a value: the LF copy
        (b'a,b\n1,"x\ry"\n2,y\n3,z\n', "x\ry"),  # (where a lone CR stays)
    ],
)
def test_a_file_read_while_it_is_checked_reads_as_its_lf_copy(tmp_store, tmp_path, data, first):
    """``read_csv_typed`` with the file's check running (``pending``) reads a file holding a
    CR as it reads the file's LF copy, whether DuckDB's first read fails, is kept or not."""
    from floorwatch.store.csvread import check_in_background, read_csv_typed

    path = tmp_path / "cr.csv"
    path.write_bytes(data)
    pending = check_in_background(path, lambda p: None)
    assert read_csv_typed(tmp_store, "t", path, {"a": "INTEGER"}, pending=pending) == ["a", "b"]
    rows = tmp_store.records("SELECT _line, a, b FROM t ORDER BY _line")
    assert rows == [
        {"_line": 2, "a": 1, "b": first},
        {"_line": 3, "a": 2, "b": "y"},
        {"_line": 4, "a": 3, "b": "z"},
    ]


def test_a_version_2_store_keeps_its_votes_through_the_integer_keys(tmp_path, s107_store):
    """Migration 3 moves the votes of an older store (the string-keyed ``vote`` table) into
    ``vote_row`` with keys; ``vote`` then reads as before, row for row."""
    import duckdb

    from floorwatch.store.schema import MIGRATIONS

    want = s107_store.query("SELECT * FROM vote ORDER BY vote_event_id, voter_id")
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    for number, description, sql in MIGRATIONS[:2]:
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [number, description])
    con.register("want", want)
    con.execute("INSERT INTO vote SELECT * FROM want")
    con.close()
    store = floorwatch.open(path)
    assert store.schema_version == MIGRATIONS[-1][0] >= 3
    got = store.query("SELECT * FROM vote ORDER BY vote_event_id, voter_id")
    assert len(got) == len(want) > 0
    assert got.equals(want)
    assert store.scalar("SELECT count(*) FROM vote_key_voter") == want["voter_id"].nunique()
    assert "vote_row" not in store.extra_tables()


def test_cast_code_votes_read_as_votes_with_their_option(tmp_store, s107_store):
    """Migration 4: votes given as cast codes (``vote_cast``: keys and code) read in ``vote``
    exactly as the same votes written with their option and position (``vote_row``): the
    Senate 107 votes, written both ways into one store under two sets of roll-call ids."""
    want = s107_store.query("SELECT * FROM vote ORDER BY vote_event_id, voter_id")
    assert set(want["cast_code"].dropna()) >= {1, 6, 9}
    assert s107_store.scalar("SELECT count(*) FROM vote_row") == 0  # Voteview: vote_cast
    tmp_store.register("want", want)
    with tmp_store.transaction():
        tmp_store.insert_votes(
            "SELECT * REPLACE ('row-' || vote_event_id AS vote_event_id) FROM want"
        )
        assign_keys(tmp_store, "event", "SELECT 'cast-' || vote_event_id FROM want")
        insert_cast_rows(
            tmp_store,
            """SELECT e.key, p.key, w.cast_code, g.key FROM want w
            JOIN vote_key_event e ON e.id = 'cast-' || w.vote_event_id
            JOIN vote_key_voter p ON p.id = w.voter_id
            LEFT JOIN vote_key_group g ON g.id = w.group_id""",
        )
    tmp_store.unregister("want")
    assert tmp_store.scalar("SELECT count(*) FROM vote_cast") == len(want)
    got = {
        kind: tmp_store.query(
            f"SELECT * REPLACE (substr(vote_event_id, {len(kind) + 2}) AS vote_event_id) "
            f"FROM vote WHERE vote_event_id LIKE '{kind}-%' ORDER BY vote_event_id, voter_id"
        )
        for kind in ("row", "cast")
    }
    assert got["row"].equals(want)
    assert got["cast"].equals(want)


def test_only_the_store_package_touches_duckdb():
    """The engine stays behind the Store's methods (docs/architecture.md): no module outside
    floorwatch/store/ imports duckdb or reaches for a connection."""
    import re
    from pathlib import Path

    src = Path(floorwatch.__file__).parent
    offenders = []
    for path in sorted(src.rglob("*.py")):
        if path.parent.name == "store" and path.parent.parent == src:
            continue
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.con\b|\._con\b|raw_connection|^\s*(import|from) duckdb", text):
                offenders.append(f"{path.relative_to(src)}:{n}: {text.strip()}")
    assert offenders == []


def test_rows_column_types_and_every_table_listed(s107_store):
    rows = s107_store.rows("SELECT id, name FROM person WHERE id = ?", ["bioguide-J000072"])
    assert len(rows) == 1 and rows[0][0] == "bioguide-J000072" and isinstance(rows[0], tuple)
    types = s107_store.column_types("vote_event")
    assert types["start_date"] == "DATE" and list(types)[0] == "id"
    # TABLES lists every data table the migrations create, the claims ledger's too.
    made = {
        r[0]
        for r in s107_store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        )
    }
    # (the vote view's storage tables are not data tables: docs/data-model.md)
    assert made - {"schema_version", "ingest_log", *VOTE_STORAGE} == set(TABLES)
    assert {"claim", "claim_subject", "claim_resolution"} <= set(TABLES)
    assert s107_store.extra_tables() == []
