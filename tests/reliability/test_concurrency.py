"""The dashboard keeps serving while an ingest runs in another process, and no reader sees a
half-applied ingest.

``floorwatch serve`` runs in one process; ``floorwatch ingest voteview`` runs in another,
three times (Senate 111, then Senate 116, then House 107 through the library), each one
transaction, while two threads poll ``/index.json`` (legislatures with their member and
roll-call counts) and ``/switches.json``. Every answer must be the page of the store before
that ingest or after it (compared whole: the JSON bodies), or a 503 "store busy" with
``Retry-After`` for a page the server had not built yet. ``tests/web/test_store_access.py``
covers the same rules in-process against a raw DuckDB writer; this test runs the real
server and the real ingest command.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

import floorwatch
from realdata import SHARED, vv_senate

PAGES = ("/index.json", "/switches.json")

INGEST_H107 = r"""
import sys, floorwatch
db, d = sys.argv[1], sys.argv[2] + "/voteview-hsall/"
with floorwatch.open(db) as store:
    floorwatch.ingest_voteview(store, d + "HSall_members.csv", None, d + "H107_votes.csv",
                               congresses={107})
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, path: str) -> tuple[int, dict, dict]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"{}")


def _poll(base: str, page: str, stop: threading.Event, answers: list) -> None:
    while not stop.is_set():
        answers.append((page, *_get(base, page)))


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "store.duckdb"
    with floorwatch.open(db) as store:
        floorwatch.ingest_voteview(store, *vv_senate(107))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "floorwatch", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"floorwatch serve did not start: {proc.stderr.read()[-2000:]!r}")
            time.sleep(0.1)
    yield base, db
    proc.terminate()
    proc.wait(timeout=30)


def _ingest(db: Path, shared: Path, what: str) -> subprocess.Popen:
    if what == "H107":
        cmd = [sys.executable, "-c", INGEST_H107, str(db), str(shared)]
    else:
        files = [str(f) for f in vv_senate(int(what[1:]))]
        cmd = [sys.executable, "-m", "floorwatch", "--db", str(db), "ingest", "voteview", *files]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# House 107 (430,325 votes) is the long ingest; it needs ../shared/data.
INGESTS = [
    ("S111", "S116"),
    pytest.param(("H107",), marks=pytest.mark.shared("voteview-hsall")),
]


@pytest.mark.parametrize("ingests", INGESTS, ids=["senates", "house"])
def test_pages_during_ingests_are_before_or_after(server, ingests):
    base, db = server
    tally: Counter = Counter()
    for what in ingests:
        before = {}
        for page in PAGES:
            status, _, body = _get(base, page)
            assert status == 200, (page, body)
            before[page] = body
        answers: list[tuple[str, int, dict, dict]] = []
        ingest = _ingest(db, SHARED, what)
        stop = threading.Event()

        threads = [threading.Thread(target=_poll, args=(base, p, stop, answers)) for p in PAGES]
        for t in threads:
            t.start()
        _, err = ingest.communicate(timeout=600)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        assert ingest.returncode == 0, err[-2000:]
        after = {}
        for page in PAGES:
            status, headers, body = _get(base, page)
            assert status == 200 and "x-floorwatch-stale" not in {k.lower() for k in headers}
            after[page] = body
        assert after["/index.json"] != before["/index.json"]  # the ingest shows
        for page, status, headers, body in answers:
            if status == 503:
                assert headers.get("Retry-After") or headers.get("retry-after")
                tally[(what, "503 busy")] += 1
                continue
            assert status == 200, (what, page, status, body)
            if body == before[page]:
                tally[(what, "before")] += 1
            elif body == after[page]:
                tally[(what, "after")] += 1
            else:
                pytest.fail(f"{page} during the {what} ingest is neither before nor after")
        assert len(answers) > 0
    print(dict(tally))
    # While each ingest ran, pages kept coming (the cached ones, from before it).
    assert all(tally[(w, "before")] + tally[(w, "after")] > 0 for w in ingests)
