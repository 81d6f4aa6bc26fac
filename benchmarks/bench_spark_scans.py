"""Benchmark: the scans of ``vote`` and the time of each metric call on Spark (local mode),
with the CTEs that read ``vote`` more than once run first and cached (the engine's default)
and without (``SparkEngine.materialise = False``: each statement as one Spark plan).

The bundled Senate 107 (``floorwatch.datasets``, 63,933 votes) is ingested into a DuckDB store
in a temporary folder, exported with ``export --format parquet`` and opened on Spark. Scans
are the file scans of the ``vote`` folder in the executed physical plans of the call's
statements (:func:`floorwatch.store.spark.vote_scans`; with materialising, the plans that
filled the caches count too, and reads of a cache do not); "text" is the count this repository
printed before (the plans' text, with the initial plan adaptive execution prints beside the
final one, whose scans did not run). Times: wall clock of each call,
after one warm-up round, the two modes alternating, ``--repeat`` rounds; the results of the
two modes are checked equal. The load average is printed before and after.

Run: python benchmarks/bench_spark_scans.py [--repeat 3] [--partitions 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd


def _calls() -> dict:
    import floorwatch
    from floorwatch.metrics import agreement, attendance, cohesion, loyalty, rice, violations
    from floorwatch.metrics.loyalty import party_unity_votes

    return {
        "loyalty()": lambda s: loyalty(s),
        "party_unity_votes()": lambda s: party_unity_votes(s),
        'attendance(basis="votes")': lambda s: attendance(s, basis="votes"),
        "cohesion()": lambda s: cohesion(s),
        "rice()": lambda s: rice(s),
        'agreement("us-party-200")': lambda s: agreement(s, "us-party-200"),
        "violations(infer_direction=True)": lambda s: violations(s, infer_direction=True),
        "switches()": lambda s: floorwatch.switches(s),
    }


def _text_scans(text: str) -> int:
    """Every file scan of ``vote`` in a plan's text, the initial plan's too."""
    return sum("FileScan parquet" in line and "/vote]" in line for line in text.splitlines())


def _fmt(xs: list[float]) -> str:
    return f"{min(xs):.2f} (med {statistics.median(xs):.2f})"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (after a warm-up)")
    parser.add_argument("--partitions", default="8", help="spark.sql.shuffle.partitions")
    args = parser.parse_args()
    os.environ.setdefault("FLOORWATCH_SPARK_PARTITIONS", args.partitions)
    warnings.simplefilter("ignore")
    import floorwatch
    from floorwatch.demo import load_demo
    from floorwatch.export import export_store
    from floorwatch.store.spark import vote_scans

    print(f"# load average before: {_load()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="fw-sparkscans-"))
    duck = floorwatch.open(work / "s107.duckdb")
    load_demo(duck)
    export_store(duck, "parquet", work / "parquet")
    duck.close()
    store = floorwatch.open(work / "parquet", engine="spark")
    engine = store.engine
    calls = _calls()
    scans: dict[tuple[str, bool], list[int]] = {}
    text: dict[str, int] = {}
    seconds: dict[tuple[str, bool], list[float]] = {}
    for rnd in range(args.repeat + 1):
        for name, call in calls.items():
            frames = {}
            for mode in (False, True) if rnd % 2 == 0 else (True, False):
                engine.materialise = mode
                engine.plans.clear()
                t = time.perf_counter()
                frames[mode] = call(store)
                took = time.perf_counter() - t
                scans[name, mode] = [vote_scans(p) for p in engine.plans]
                if not mode:
                    text[name] = sum(_text_scans(p.text) for p in engine.plans)
                if rnd:
                    seconds.setdefault((name, mode), []).append(took)
            try:
                pd.testing.assert_frame_equal(frames[False], frames[True], rtol=1e-12)
            except AssertionError as exc:
                msg = f"{name}: results differ with and without caching: {exc}"
                raise SystemExit(msg) from None
    store.close()
    print(f"# load average after: {_load()}; {args.repeat} rounds; plans: scans per plan")
    head = (
        f"{'metric call':34} {'text':>4} {'one plan':>8} {'cached':>6}  "
        f"{'s one plan':>18} {'s cached':>18}"
    )
    print(head + "  plans (cached)")
    for name in calls:
        before, after = scans[name, False], scans[name, True]
        print(
            f"{name:34} {text[name]:4} {sum(before):8} {sum(after):6}  "
            f"{_fmt(seconds[name, False]):>18} {_fmt(seconds[name, True]):>18}  {after}"
        )


if __name__ == "__main__":
    main()
