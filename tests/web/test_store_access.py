"""The dashboard holds no lock between requests, and copes with an ingest holding the store."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from fastapi.testclient import TestClient

from floorwatch.errors import StoreError
from floorwatch.web import create_app
from floorwatch.web.store_access import PageCache, RWLock, StoreAccess

WRITER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS _probe (i INTEGER)")
con.execute("INSERT INTO _probe VALUES (1)")
print("locked", flush=True)
sys.stdin.readline()
con.close()
"""


def _open_for_writing(path) -> int:
    """Exit status of another process opening the store read-write (0: it could)."""
    code = "import sys, duckdb; duckdb.connect(sys.argv[1]).close()"
    return subprocess.run([sys.executable, "-c", code, str(path)], timeout=60).returncode


def test_no_lock_is_held_between_requests(writable_store_path):
    with TestClient(create_app(writable_store_path)) as client:
        assert client.get("/index.json").status_code == 200
        assert client.get("/member/bioguide-J000072.json?as_of=2001-02-15").status_code == 200
        assert _open_for_writing(writable_store_path) == 0
        assert client.get("/switches.json").status_code == 200


def test_pages_while_another_process_writes(writable_store_path):
    app = create_app(writable_store_path, busy_wait=0.2)
    with TestClient(app) as client:
        fresh = client.get("/index.json")
        assert fresh.status_code == 200 and "x-floorwatch-stale" not in fresh.headers
        html = client.get("/")
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(writable_store_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout.readline().strip() == "locked"
            # The store changed under us and is locked: the last page built is served, marked.
            stale = client.get("/index.json")
            assert stale.status_code == 200
            assert stale.headers["x-floorwatch-stale"] == "1"
            assert stale.json() == fresh.json()
            page = client.get("/")
            assert page.status_code == 200 and "An ingest is running" in page.text
            assert "An ingest is running" not in html.text
            # A page never built cannot be served: 503 with Retry-After.
            busy = client.get("/switches.json")
            assert busy.status_code == 503
            assert busy.headers["retry-after"]
            assert "another process" in busy.json()["detail"]
        finally:
            writer.stdin.write("\n")
            writer.stdin.close()
            writer.wait(timeout=60)
        again = client.get("/index.json")
        assert again.status_code == 200 and "x-floorwatch-stale" not in again.headers
        assert client.get("/switches.json").status_code == 200


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store there"):
        create_app(tmp_path / "nothing.duckdb")


def test_cache_is_bounded_and_stamped():
    cache = PageCache(size=2)
    cache.put("a", 1, "A")
    cache.put("b", 1, "B")
    assert cache.peek("a", 1) == "A"
    assert cache.peek("a", 2) is None  # another store state
    cache.put("c", 1, "C")
    assert len(cache) == 2 and cache.get_any("a") is None


def test_one_builder_per_key(writable_store_path):
    access = StoreAccess(writable_store_path)
    calls = []
    barrier = threading.Barrier(8)

    def build(store):
        calls.append(1)
        return store.scalar("SELECT count(*) FROM person")

    results = []

    def worker():
        barrier.wait()
        results.append(access.cached(("k",), build).value)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [101] * 8  # S107: 101 senators (Jeffords merged into one person)


def test_rwlock_writer_excludes_readers():
    lock = RWLock()
    events = []
    with lock.read():
        t = threading.Thread(target=lambda: lock.write().__enter__() or events.append("w"))
        t.start()
        t.join(0.1)
        assert events == []  # the writer waits for the reader
    t.join(2)
    assert events == ["w"]
