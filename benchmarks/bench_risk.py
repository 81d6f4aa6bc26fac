"""Benchmark: flags for a full House as of one date, and a full backtest on real switches.

House 107 (`voteview-hsall/H107_votes.csv`, 990 roll calls, ~440 members) has no roll-call
dates in the shared data, so for the *timing* of `flags` on a full House the benchmark gives
its roll calls evenly spaced synthetic dates across the 107th Congress (2001-01-03 ..
2002-11-22), in roll-call order. The backtest runs on the real, dated Senate files (107, 111,
116), which hold the two dated switches (Jeffords 2001, Specter 2009), in one process and in
``--workers`` processes (each period a unit of work), and so do flags over a range of dates
(every 30 days through those Senates' records, each date a unit).

Run: python benchmarks/bench_risk.py [--repeat 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from devstores import house107  # benchmarks/ is the script's folder

import floorwatch
from floorwatch.dates import every
from floorwatch.risk import flags
from floorwatch.risk.backtest import backtest
from floorwatch.risk.flags import flag_bodies, flags_over

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def house_store(tmp: Path) -> floorwatch.Store:
    store = floorwatch.open(tmp / "house.duckdb")
    house107(store, SHARED, tmp)  # synthetic roll-call dates: the shared data has none
    return store


def senate_store(tmp: Path) -> floorwatch.Store:
    store = floorwatch.open(tmp / "senate.duckdb")
    d = SHARED / "voteview-senate"
    for c in (107, 111, 116):
        floorwatch.ingest_voteview(
            store, d / f"S{c}_members.csv", d / f"S{c}_rollcalls.csv", d / f"S{c}_votes.csv"
        )
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        house = house_store(tmp)
        as_of = dt.date(2002, 7, 15)
        flags(house, as_of=as_of, legislature="us-house")  # warm-up
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            f = flags(house, as_of=as_of, legislature="us-house")
            times.append(time.perf_counter() - t)
        red = int((f.level == "red").sum())
        print(
            f"flags, House 107 as of {as_of}: {len(f)} members, {red} red; "
            f"median {statistics.median(times):.2f} s over {args.repeat} runs (target < 2 s)"
        )
        t = time.perf_counter()
        hb = backtest(house, legislature="us-house")
        print(
            f"backtest, House 107 with synthetic dates ({hb.summary['dates']} dates): "
            f"{time.perf_counter() - t:.1f} s"
        )
        cols = [
            "name",
            "from_party",
            "to_party",
            "date_from",
            "level_90d",
            "rank_90d",
            "level_60d",
            "rank_60d",
            "level_30d",
            "rank_30d",
            "first_red",
            "lead_days",
        ]
        print(hb.switches[cols].to_string(index=False))
        house.close()

        senate = senate_store(tmp)
        senate.close()
        senate = floorwatch.open(tmp / "senate.duckdb", read_only=True)
        for workers in sorted({1, args.workers}):
            t = time.perf_counter()
            result = backtest(senate, workers=workers)
            elapsed = time.perf_counter() - t
            print(
                f"backtest, Senate 107+111+116 ({result.summary['dates']} dates, "
                f"{result.summary['member_dates']} member-dates), workers={workers}: "
                f"{elapsed:.1f} s"
            )
        span = flag_bodies(senate).iloc[0]
        days = every(*(pd.Timestamp(span[k]).date() for k in ("first", "last")), 30)
        for workers in sorted({1, args.workers}):
            t = time.perf_counter()
            over = flags_over(senate, days, workers=workers)
            print(
                f"flags over dates, Senate 107+111+116 every 30 days ({over['as_of'].nunique()} "
                f"dates, {len(over)} member-dates), workers={workers}: "
                f"{time.perf_counter() - t:.1f} s"
            )
        cols = [
            "name",
            "from_party",
            "to_party",
            "date_from",
            "level_90d",
            "rank_90d",
            "level_60d",
            "rank_60d",
            "level_30d",
            "rank_30d",
            "red_list_30d",
            "first_red",
            "lead_days",
        ]
        print(result.switches[cols].to_string(index=False))
        summary = {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.summary.items()
        }
        print(json.dumps(summary, indent=1, default=str))
        print(result.calibration.to_string(index=False))


if __name__ == "__main__":
    main()
