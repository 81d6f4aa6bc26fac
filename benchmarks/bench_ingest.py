"""Benchmark: ingest against DuckDB's bare read_csv of the same votes file.

House 107 (Voteview): our ingest time (members of the 107th Congress from HSall_members.csv
plus the 430,325 votes of H107_votes.csv, validated and written in one transaction) beside the
time DuckDB needs just to read the same votes file into a table, and the ratio.

EP P8 (``ingest rollcalls``): the European Parliament's 8th term (6,046 roll calls, 3.9 million
votes in a gzip CSV, 861 members), against DuckDB's bare read_csv of EP_P8_votes.csv.gz; the
ingest runs in a child process, whose peak resident memory is printed. Beside the wall-clock
times, the CPU time of each (all threads; DuckDB's and floorwatch's): on a shared machine it
moves less with the load than the wall clock does.

Targets: within 2x; peak memory under 4 GB.

Run: python benchmarks/bench_ingest.py [--repeat 5] [--only house|ep]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

import floorwatch

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DATA = SHARED / "voteview-hsall"
EP = SHARED / "ep-rcv-p7-p9"


def bare_read_csv(paths: list[Path], db: Path, cpu: list[float] | None = None) -> float:
    """DuckDB alone: each file read with read_csv into a table of a new database file.
    ``cpu``: gets the CPU time of the read (all threads of this process)."""
    con = duckdb.connect(str(db))
    t, c = time.perf_counter(), time.process_time()
    for i, path in enumerate(paths):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}', nullstr = ['', 'N/A'])")
    elapsed = time.perf_counter() - t
    if cpu is not None:
        cpu.append(time.process_time() - c)
    con.close()
    return elapsed


def ours(members: Path, votes: Path, db: Path) -> tuple[float, int]:
    store = floorwatch.open(db)
    t = time.perf_counter()
    result = floorwatch.ingest_voteview(store, members, None, votes, congresses={107})
    elapsed = time.perf_counter() - t
    store.close()
    return elapsed, result.votes


def _ep_child(db: str, out) -> None:
    from floorwatch.ingest.rollcalls import ingest_rollcalls

    store = floorwatch.open(db)
    t, c = time.perf_counter(), time.process_time()
    result = ingest_rollcalls(
        store, "ep", EP / "EP_P8_rollcalls.csv", EP / "EP_P8_votes.csv.gz",
        EP / "EP_P8_members.csv", period="P8", label_kind="faction",
    )  # fmt: skip
    out.send((time.perf_counter() - t, time.process_time() - c, result.votes))
    store.close()


def ep(repeat: int) -> None:
    import multiprocessing as mp
    import resource

    ctx = mp.get_context("spawn")
    votes = EP / "EP_P8_votes.csv.gz"
    bare, mine, bare_cpu, mine_cpu, n_votes = [], [], [], [], 0
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            bare.append(bare_read_csv([votes], Path(tmp) / f"bare{i}.duckdb", bare_cpu))
            recv, send = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_ep_child, args=(str(Path(tmp) / f"fw{i}.duckdb"), send))
            child.start()
            t, c, n_votes = recv.recv()
            child.join()
            mine.append(t)
            mine_cpu.append(c)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB
    b, m = statistics.median(bare), statistics.median(mine)
    bc, mc = statistics.median(bare_cpu), statistics.median(mine_cpu)
    print(f"file: {votes} ({votes.stat().st_size / 1e6:.1f} MB gzip, {n_votes:,} votes written)")
    print(f"runs: {repeat} (median shown; into a new DuckDB file each time)")
    print(f"{'duckdb read_csv (bare)':<32}{b:8.3f} s   (CPU {bc:.3f} s)")
    print(f"{'floorwatch ingest rollcalls':<32}{m:8.3f} s   (CPU {mc:.3f} s; all three files)")
    print(f"{'ratio':<32}{m / b:8.2f} x   (target <= 2.0)")
    print(f"{'ratio of CPU times':<32}{mc / bc:8.2f} x   (less bent by the machine's load)")
    each = ", ".join(f"{x:.2f}/{y:.2f}" for x, y in zip(mine, bare, strict=True))
    print(f"{'each run (ingest/bare, s)':<32}{each}")
    print(f"{'peak memory (ingest process)':<32}{peak:8.0f} MiB (target < 4096)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("house", "ep"))
    args = parser.parse_args()
    if args.only != "house":
        ep(args.repeat)
    if args.only == "ep":
        return
    votes = DATA / "H107_votes.csv"
    members = DATA / "HSall_members.csv"
    bare, both, mine = [], [], []
    n_votes = 0
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            bare.append(bare_read_csv([votes], Path(tmp) / f"bare{i}.duckdb"))
            both.append(bare_read_csv([votes, members], Path(tmp) / f"both{i}.duckdb"))
            t, n_votes = ours(members, votes, Path(tmp) / f"fw{i}.duckdb")
            mine.append(t)
    b, b2, m = statistics.median(bare), statistics.median(both), statistics.median(mine)
    print(f"file: {votes} ({votes.stat().st_size / 1e6:.1f} MB, {n_votes:,} votes written)")
    print(f"runs: {args.repeat} (median shown; into a new DuckDB file each time)")
    print(f"{'duckdb read_csv (bare)':<32}{b:8.3f} s")
    print(f"{'floorwatch ingest voteview':<32}{m:8.3f} s   (includes HSall_members.csv scan)")
    print(f"{'ratio':<32}{m / b:8.2f} x   (target <= 2.0)")
    print(f"{'duckdb read_csv, both inputs':<32}{b2:8.3f} s   (votes + HSall_members.csv)")
    print(f"{'ratio to both inputs':<32}{m / b2:8.2f} x")


if __name__ == "__main__":
    main()
