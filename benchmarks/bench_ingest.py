"""Benchmark: Voteview ingest of House 107 votes against DuckDB's bare read_csv.

Prints our ingest time (members of the 107th Congress from HSall_members.csv plus the
430,325 votes of H107_votes.csv, validated and written in one transaction) beside the time
DuckDB needs just to read the same votes file into a table, and the ratio. Target: within 2x.

Run: python benchmarks/bench_ingest.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

import floorwatch

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "voteview-hsall"


def bare_read_csv(paths: list[Path], db: Path) -> float:
    """DuckDB alone: each file read with read_csv into a table of a new database file."""
    con = duckdb.connect(str(db))
    t = time.perf_counter()
    for i, path in enumerate(paths):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}', nullstr = ['', 'N/A'])")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def ours(members: Path, votes: Path, db: Path) -> tuple[float, int]:
    store = floorwatch.open(db)
    t = time.perf_counter()
    result = floorwatch.ingest_voteview(store, members, None, votes, congresses={107})
    elapsed = time.perf_counter() - t
    store.close()
    return elapsed, result.votes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
