"""Time every per-member metric on the whole House 107 (Voteview, about 430,000 votes).

Run: ``python benchmarks/bench_metrics.py [--repeat 3]``. The House 107 votes file has no
roll-call dates, so roll calls are ordered by number and the rolling windows count roll calls.
Target: under 1 second per metric (wall time, best of ``--repeat`` runs; the CPU time summed
over DuckDB's threads is printed too, as it varies less on a busy machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import floorwatch
from floorwatch.metrics import agreement, attendance, cohesion, loyalty, rice, violations

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "voteview-hsall"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per metric")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = floorwatch.open(Path(tmp) / "h107.duckdb")
        t0 = time.perf_counter()
        floorwatch.ingest_voteview(
            store,
            DATA / "HSall_members.csv",
            None,
            DATA / "H107_votes.csv",
            congresses={107},
        )
        ingest = time.perf_counter() - t0
        votes = store.scalar("SELECT count(*) FROM vote")
        rollcalls = store.scalar("SELECT count(*) FROM vote_event")
        members = store.scalar("SELECT count(DISTINCT voter_id) FROM vote")
        print(
            f"House 107: {votes:,} votes, {rollcalls} roll calls, {members} members "
            f"(ingest {ingest:.2f} s)"
        )
        cases = {
            "attendance (roll calls, window 50)": lambda: attendance(
                store, basis="votes", window=50
            ),
            "loyalty + rebellion + party unity": lambda: loyalty(store),
            "agreement with Republicans (window 50)": lambda: agreement(store, "R", window=50),
            "whip violations (in-10th, inferred)": lambda: violations(
                store, "in-10th", infer_direction=True
            ),
            "Rice/AI per party per roll call": lambda: rice(store),
            "cohesion by blocks of 100 roll calls": lambda: cohesion(store, period=100),
        }
        worst = 0.0
        for label, fn in cases.items():
            times, cpu = [], []
            rows = 0
            for _ in range(max(1, args.repeat)):
                t, c = time.perf_counter(), time.process_time()
                rows = len(fn())
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            best, med = min(times), statistics.median(times)
            worst = max(worst, best)
            flag = "" if best < 1.0 else "  (over the 1 s target)"
            print(
                f"{label:40s} {rows:6d} rows  wall best {best:.3f} s, median {med:.3f} s; "
                f"CPU (all threads) {min(cpu):.3f} s{flag}"
            )
        store.close()
    print(f"slowest best wall time: {worst:.3f} s (target < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
