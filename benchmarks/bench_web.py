"""Load test of the dashboard: 50 concurrent clients on 127.0.0.1, overview and member pages;
and the cold first visit of a member's page (issue 12 item 11).

**Cold member pages** (``--cold-only`` runs just these): for each of a Senate 107 member
(Jeffords), a Senate 111 member (Specter) and a former lawmaker of the party-watch scenario
(``tests/data/partywatch``, ``fic-fl-01``), a fresh Python process serves a new app over a
freshly opened store (no warm-up) and times its first request of ``/member/ID``: to the
first part of the page (all but the analysis panels, which the page streams when they are
built) and to the end (wall-clock times; the process's CPU time for the first part is
printed too, as other processes share the CPUs); then the JSON twin. Target: the first
part under 0.3 s.

Builds a store of Voteview Senate 107 (``../shared/data/voteview-senate``), starts the real
``floorwatch serve`` in a subprocess on a free loopback port, and drives it with an asyncio
load generator (plain keep-alive HTTP/1.1 connections): CLIENTS concurrent clients, each
sending one request after another for SECONDS per page kind. Member requests cycle over every
sitting senator. Printed per kind: requests/s, latency p50/p95/p99 and errors (non-200
answers or failed requests). Before the load, the cold time of the first build of each kind
is printed (the cache is then warm: the store is read-only, so pages are cached per (page,
as-of date) until it changes).

Target (issue 7): p95 < 50 ms with 0 errors. The load generator runs on the same machine and
competes with the server for the CPUs; the figures are honest for that set-up.

Usage::

    python benchmarks/bench_web.py [--seconds 10] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

import floorwatch

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "voteview-senate"
TESTDATA = HERE.parent / "tests" / "data"

#: (label, store name, person id) of the cold member pages measured.
COLD_MEMBERS = (
    ("Senate 107 member (Jeffords)", "s107", "bioguide-J000072"),
    ("Senate 111 member (Specter)", "s111", "bioguide-S000709"),
    ("party watch, former lawmaker", "partywatch", "fic-fl-01"),
)
COLD_TARGET = 0.3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(path: Path, congress: int = 107) -> None:
    store = floorwatch.open(path)
    try:
        floorwatch.ingest_voteview(
            store,
            SHARED / f"S{congress}_members.csv",
            SHARED / f"S{congress}_rollcalls.csv",
            SHARED / f"S{congress}_votes.csv",
        )
    finally:
        store.close()


def build_partywatch(path: Path) -> None:
    """The party-watch scenario as ``tests/conftest.py`` loads it (through the CLI)."""
    from floorwatch.cli import main

    data = TESTDATA / "partywatch"
    popolo = TESTDATA / "real" / "everypolitician-pakistan" / "ep-popolo-v1.0.json.gz"
    steps = [
        ["ingest", "popolo", str(popolo)],
        *(
            ["ingest", "csv", kind, str(data / f"{kind}.csv")]
            for kind in ("organizations", "persons", "memberships", "events", "attendance")
        ),
        ["claims", "import", str(data / "claims.csv")],
        ["claims", "resolve"],
    ]
    for args in steps:
        if main(["--db", str(path), *args]) != 0:
            raise SystemExit(f"building the party-watch store failed at {args}")


def _cold_one(db: str, person: str, warm: bool = False) -> None:
    """In this (fresh) process: a new app over a newly opened store, served by uvicorn on a
    free loopback port; the first request of the member's page, timed to its first part
    (everything but the analysis panels, streamed at once) and to its end, then the JSON twin
    (served from what the page built). Prints the three times in seconds.

    ``warm=False``: no warm-up (the worst case: the page's request builds the legislature's
    monthly tables, ideal points and flags). ``warm=True``: as ``floorwatch serve`` runs, the
    app warms its cache in a background thread on start-up (one member page per legislature,
    the overview, the parties; not this member's page); the request is sent once it is done.
    """
    import threading

    import uvicorn

    from floorwatch.web import create_app

    port = free_port()
    app = create_app(db, warm=warm)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.01)
    while any(t.name == "floorwatch-warm" for t in threading.enumerate()):
        time.sleep(0.01)
    with httpx.Client(base_url=base, timeout=600) as http:
        t, cpu = time.perf_counter(), time.process_time()
        with http.stream("GET", f"/member/{person}") as r:
            r.raise_for_status()
            chunks = r.iter_raw()
            first_chunk = next(chunks)
            first = time.perf_counter() - t
            first_cpu = time.process_time() - cpu
            size = len(first_chunk) + sum(len(c) for c in chunks)
        whole = time.perf_counter() - t
        t = time.perf_counter()
        http.get(f"/member/{person}.json").raise_for_status()
        twin = time.perf_counter() - t
    server.should_exit = True
    thread.join(timeout=10)
    print(f"{first:.4f} {first_cpu:.4f} {whole:.4f} {twin:.4f} {size}")


def cold_members(tmp: Path) -> None:
    """Build the three stores and time each member page's cold first visit."""
    stores = {"s107": tmp / "s107.duckdb", "s111": tmp / "s111.duckdb"}
    for name, path in stores.items():
        if not path.exists():
            build_store(path, int(name[1:]))
    stores["partywatch"] = tmp / "partywatch.duckdb"
    build_partywatch(stores["partywatch"])
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(floorwatch.__file__).resolve().parents[1])
    for flag, title, judged in (
        ("--cold-one", "no warm-up: the first part is judged", "first"),
        ("--warm-one", "after the server's start-up warm-up: the whole page is judged", "whole"),
    ):
        print(f"first visit of a member page, new process ({title}; target < {COLD_TARGET} s)")
        for label, name, person in COLD_MEMBERS:
            out = subprocess.run(
                [sys.executable, __file__, flag, str(stores[name]), person],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            first, cpu, whole, twin = (float(x) for x in out[-5:-1])
            value = first if judged == "first" else whole
            verdict = "ok" if value < COLD_TARGET else "MISSES TARGET"
            print(
                f"  {label:30s} /member/{person}: first part {first:6.3f} s (CPU {cpu:5.3f} s), "
                f"whole page {whole:6.3f} s ({verdict}), then .json {twin:5.3f} s"
            )
    load1, load5, _ = os.getloadavg()
    print(f"  ({os.cpu_count()} CPUs, load average {load1:.1f} (1 min) {load5:.1f} (5 min))")


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ)
    src = str(Path(floorwatch.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "floorwatch", "--db", str(db), "serve"]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.stderr.read().decode(errors="replace"))


class _Conn:
    """One keep-alive HTTP/1.1 connection, written by hand so that the load generator costs
    far less CPU than the server it measures (httpx's pool needs several ms per request at
    50 connections, which would measure the client instead of the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        req = f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\nConnection: keep-alive\r\n\r\n"
        self.writer.write(req.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """``clients`` connections, each sending one request after another for ``seconds``."""
    host, port = base.split("//")[1].split(":")
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal errors
        conn = _Conn(host, int(port))
        i = k
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += clients
            t0 = time.perf_counter()
            try:
                ok = await conn.get(path) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                conn.close()
            latencies.append(time.perf_counter() - t0)
            errors += not ok
        conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    elapsed = time.perf_counter() - t0
    ms = np.array(latencies) * 1000
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="load time per page kind")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients")
    ap.add_argument("--cold-only", action="store_true", help="only the cold member pages")
    ap.add_argument("--cold-one", nargs=2, metavar=("DB", "PERSON"), help=argparse.SUPPRESS)
    ap.add_argument("--warm-one", nargs=2, metavar=("DB", "PERSON"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_one or args.warm_one:
        _cold_one(*(args.cold_one or args.warm_one), warm=bool(args.warm_one))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s107.duckdb"
        t = time.perf_counter()
        build_store(db)
        print(f"store: Voteview S107 built in {time.perf_counter() - t:.2f} s")
        cold_members(Path(tmp))
        if args.cold_only:
            return
        port = free_port()
        proc = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            members = httpx.get(base + "/members.json", timeout=600).json()
            ids = [m["person_id"] for leg in members["legislatures"] for m in leg["members"]]
            kinds = {
                "overview": ["/"],
                "member": [f"/member/{pid}" for pid in ids],
                "member.json": [f"/member/{pid}.json" for pid in ids],
            }
            print(f"server: floorwatch serve on {base}, {len(ids)} member pages")
            http = httpx.Client(base_url=base, timeout=600)
            for kind, paths in kinds.items():
                t = time.perf_counter()
                http.get(paths[0]).raise_for_status()
                first = time.perf_counter() - t
                t = time.perf_counter()
                for p in paths[1:]:
                    http.get(p).raise_for_status()
                rest = time.perf_counter() - t
                each = rest / max(len(paths) - 1, 1)
                print(f"cold {kind:12s}: first {first:6.2f} s, then {each * 1000:6.0f} ms each")
            print(f"\nload: {args.clients} concurrent clients, {args.seconds:g} s per page kind")
            print(
                f"{'page':12s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
                f"{'errors':>7s} {'requests':>9s}"
            )
            for kind, paths in kinds.items():
                res = asyncio.run(load(base, paths, args.clients, args.seconds))
                verdict = "ok" if res["p95"] < 50 and res["errors"] == 0 else "MISSES TARGET"
                print(
                    f"{kind:12s} {res['rps']:8.0f} {res['p50']:8.1f} {res['p95']:8.1f} "
                    f"{res['p99']:8.1f} {res['errors']:7d} {res['requests']:9d}  {verdict}"
                )
            load1, load5, _ = os.getloadavg()
            print(
                f"\ntarget: p95 < 50 ms and 0 errors; {os.cpu_count()} CPUs, load average "
                f"{load1:.1f} (1 min) {load5:.1f} (5 min): other processes share the CPUs"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
