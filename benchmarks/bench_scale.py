"""Benchmark: the metrics on 10^6, 10^7 and 10^8 votes in the partitioned Parquet layout, on
DuckDB and on Spark local mode.

A real legislature (Voteview's House 107: 429,335 votes, 445 members) is ingested, exported
with ``export --format parquet`` and replicated R times into R legislatures
(``us-house-r0``, ``us-house-r1``...: the roll calls, votes, seats and party spells copied,
ids suffixed; each replica has its own members, ``--shared-members`` for one set of members
sitting in every replica), one Hive partition each, to reach each size. Each (engine, size)
runs in a child process: the time of each metric call, the child's peak resident memory (with Spark:
the driver JVM's too, sampled), and, on Spark, the scans of ``vote`` in each statement's
physical plan.

Metrics: loyalty (with party unity), attendance on roll calls, cohesion by month, agreement
with the Republicans, whip violations by inferred direction. Engines: ``duckdb`` (each
metric one statement over the whole store), ``duckdb-split`` (DuckDB, each metric run
legislature by legislature with ``metrics.per_legislature``, each unit reading only its
partition) and ``spark`` (local mode).

Run: python benchmarks/bench_scale.py [--sizes 1e6,1e7,1e8] [--engines duckdb,duckdb-split,spark]
         [--spark-max 1e7] [--work /tmp/fw-scale] [--memory-limit 16GB]
         [--metrics loyalty,agreement] [--spark-one-plan]

``--spark-one-plan`` runs each Spark statement as one plan, as written (by default the engine
first runs, once each and cached, the CTEs it would otherwise evaluate several times).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
HOUSE = SHARED / "voteview-hsall"

METRICS = ("loyalty", "attendance", "cohesion", "agreement", "violations")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_base(work: Path) -> Path:
    """House 107 ingested and exported as Parquet (once)."""
    import floorwatch
    from floorwatch.export import export_store

    base = work / "base"
    if (base / "_floorwatch.json").exists():
        return base
    store = floorwatch.open(work / "house107.duckdb")
    floorwatch.ingest_voteview(
        store, HOUSE / "HSall_members.csv", None, HOUSE / "H107_votes.csv", congresses={107}
    )
    export_store(store, "parquet", base)
    store.close()
    return base


def replicate(base: Path, out: Path, copies: int, distinct: bool = True) -> int:
    """Write ``copies`` replicas of the base legislature as a Parquet store in ``out``;
    return the number of votes."""
    import duckdb

    manifest = json.loads((base / "_floorwatch.json").read_text())
    if (out / "_floorwatch.json").exists():
        con = duckdb.connect()
        n = con.execute(
            f"SELECT count(*) FROM read_parquet({_literal(str(out / 'vote' / '**' / '*.parquet'))})"
        ).fetchone()[0]
        return int(n)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")

    def src(table: str) -> str:
        spec = manifest["tables"][table]
        path = base / spec["path"]
        if spec.get("partition"):
            cols = ", ".join(f'"{c}"' for c, _ in spec["columns"])
            glob = _literal(str(path / "**" / "*.parquet"))
            return f"(SELECT {cols} FROM read_parquet({glob}, hive_partitioning = true))"
        return f"read_parquet({_literal(str(path))})"

    rep = f"range({copies}) r(i)"
    sfx = "'-r' || CAST(r.i AS VARCHAR)"
    voter = f", v.voter_id || {sfx} AS voter_id" if distinct else ""
    house = "us-house"
    chambers = f"(SELECT id FROM {src('organization')} WHERE id = '{house}')"
    copies_sql = {
        "organization": f"""SELECT * FROM {src("organization")} WHERE id <> '{house}'
            UNION ALL SELECT o.* REPLACE (o.id || {sfx} AS id) FROM {src("organization")} o,
            {rep} WHERE o.id = '{house}'""",
        "membership": f"""SELECT * FROM {src("membership")}
            WHERE organization_id NOT IN {chambers}
            UNION ALL SELECT m.* REPLACE (m.id || {sfx} AS id,
                                          m.organization_id || {sfx} AS organization_id)
            FROM {src("membership")} m, {rep} WHERE m.organization_id IN {chambers}""",
    }
    if distinct:  # each replica its own members: persons, all their memberships, their votes
        copies_sql["person"] = f"""SELECT p.* REPLACE (p.id || {sfx} AS id)
            FROM {src("person")} p, {rep}"""
        copies_sql["membership"] = f"""SELECT m.* REPLACE (m.id || {sfx} AS id,
                m.person_id || {sfx} AS person_id,
                CASE WHEN m.organization_id IN {chambers} THEN m.organization_id || {sfx}
                     ELSE m.organization_id END AS organization_id)
            FROM {src("membership")} m, {rep}"""
    copies_sql |= {
        "vote_event": f"""SELECT v.* REPLACE (v.id || {sfx} AS id,
                                          v.organization_id || {sfx} AS organization_id),
                   v.organization_id || {sfx} AS legislature
            FROM {src("vote_event")} v, {rep}""",
        "vote": f"""SELECT v.* REPLACE (v.vote_event_id || {sfx} AS vote_event_id{voter}),
                   '{house}' || {sfx} AS legislature
            FROM {src("vote")} v, {rep}""",
    }
    for table, spec in manifest["tables"].items():
        if table in ("vote_event", "vote"):
            target = out / table
            con.execute(
                f"COPY ({copies_sql[table]}) TO {_literal(str(target))} "
                "(FORMAT parquet, PARTITION_BY (legislature), OVERWRITE_OR_IGNORE true)"
            )
        elif spec.get("partition"):  # vote_count, whip_direction: empty in Voteview's files
            continue
        else:
            sql = copies_sql.get(table, f"SELECT * FROM {src(table)}")
            con.execute(f"COPY ({sql}) TO {_literal(str(out / spec['path']))} (FORMAT parquet)")
    (out / "_floorwatch.json").write_text(json.dumps(manifest))
    n = con.execute(
        f"SELECT count(*) FROM read_parquet({_literal(str(out / 'vote' / '**' / '*.parquet'))})"
    ).fetchone()[0]
    return int(n)


def child(engine: str, folder: str, metrics: tuple[str, ...], one_plan: bool) -> None:
    """Run the metrics once on ``folder`` with ``engine``; print one JSON line. ``one_plan``:
    on Spark, run each statement as one plan (no CTE cached first)."""
    import warnings

    warnings.simplefilter("ignore")
    from floorwatch.metrics import SPLIT_METRICS, per_legislature
    from floorwatch.store.engine import open_engine_store

    t0 = time.perf_counter()
    limit = os.environ.get("FW_SCALE_MEMORY") or None
    split = engine == "duckdb-split"
    engine = "duckdb" if split else engine
    store = open_engine_store(folder, engine, memory_limit=limit if engine == "duckdb" else None)
    if one_plan and hasattr(store.engine, "materialise"):
        store.engine.materialise = False
    opened = time.perf_counter() - t0
    # Each metric's arguments; with duckdb-split the metric runs legislature by legislature
    # (metrics.per_legislature), else as one call over the whole store.
    calls = {
        "loyalty": ((), {}),
        "attendance": ((), {"basis": "votes"}),
        "cohesion": ((), {"period": "month"}),
        "agreement": (("us-party-200",), {}),
        "violations": ((), {"infer_direction": True}),
    }
    out: dict = {"open_s": opened, "metrics": {}}
    for name, (args, kwargs) in calls.items():
        if name not in metrics:
            continue
        plans = getattr(store.engine, "plans", None)
        if plans is not None:
            plans.clear()
        t, c = time.perf_counter(), time.process_time()
        if split:
            rows = len(per_legislature(name, store, *args, **kwargs))
        else:
            rows = len(SPLIT_METRICS[name](store, *args, **kwargs))
        # CPU: this process's threads (DuckDB's work; on Spark only the driver's Python side)
        row = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "rows": rows}
        if plans is not None:
            from floorwatch.store.spark import vote_scans

            row["vote_scans"] = [vote_scans(p) for p in plans]
        out["metrics"][name] = row
    print("RESULT " + json.dumps(out), flush=True)


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            kids.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(kids.get(p, []))
    return total


def run_child(
    engine: str,
    folder: Path,
    timeout: float,
    memory: str | None = None,
    metrics: tuple[str, ...] = METRICS,
    one_plan: bool = False,
) -> dict:
    env = {**os.environ, "FW_SCALE_MEMORY": memory or ""}
    extra = ["--metrics", ",".join(metrics)] + (["--spark-one-plan"] if one_plan else [])
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", engine, str(folder), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"timeout": timeout, "peak_mib": peak[0] / 2**20}
    sampler.join()
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
            result["peak_mib"] = peak[0] / 2**20
            return result
    lines = [x for x in stderr.splitlines() if x.strip()]
    why = [x for x in lines if "Error" in x][-1:] or lines[-1:] or [""]
    return {"error": f"exit {proc.returncode}: {why[0][:300]}", "peak_mib": peak[0] / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7,1e8")
    parser.add_argument("--engines", default="duckdb,duckdb-split,spark")
    parser.add_argument("--spark-max", type=float, default=1e7, help="largest size on Spark")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child run")
    parser.add_argument(
        "--memory-limit", default="16GB", help="DuckDB's memory_limit (it spills past it)"
    )
    parser.add_argument("--work", default=None, help="folder for the stores (kept)")
    parser.add_argument("--metrics", default=",".join(METRICS), help="the metrics to run")
    parser.add_argument(
        "--spark-one-plan",
        action="store_true",
        help="on Spark, run each statement as one plan (no CTE run first and cached)",
    )
    parser.add_argument(
        "--shared-members",
        action="store_true",
        help="the replicas share the House's members (as before 2026-12-03), not each its own",
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    metrics = tuple(m for m in METRICS if m in args.metrics.split(","))
    if args.child:
        child(*args.child, metrics, args.spark_one_plan)
        return
    if not HOUSE.is_dir():
        sys.exit(f"needs {HOUSE} (the development datasets)")
    work = Path(args.work or tempfile.mkdtemp(prefix="fw-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    base = build_base(work)
    base_votes = 429_335
    print(f"{'engine':12} {'votes':>12} {'open s':>7} " + " ".join(f"{m:>11}" for m in metrics)
          + f" {'total s':>8} {'s/1e6':>6} {'peak MiB':>9} {'CPU s':>8} {'CPU/1e6':>7}"
          + "  vote scans per metric")  # fmt: skip
    results = []
    for size in [float(s) for s in args.sizes.split(",")]:
        copies = max(1, math.ceil(size / base_votes))
        folder = work / (f"x{copies}" + ("" if args.shared_members else "-distinct"))
        t = time.perf_counter()
        votes = replicate(base, folder, copies, distinct=not args.shared_members)
        made = time.perf_counter() - t
        print(f"# {votes:,} votes ({copies} copies of House 107), layout written in {made:.1f} s",
              flush=True)  # fmt: skip
        for engine in args.engines.split(","):
            if engine == "spark" and size > args.spark_max:
                print(f"spark        {votes:>12,} skipped (--spark-max {args.spark_max:.0e})")
                continue
            r = run_child(
                engine, folder, args.timeout, args.memory_limit, metrics, args.spark_one_plan
            )
            results.append({"engine": engine, "votes": votes, **r})
            if "metrics" not in r:
                print(f"{engine:12} {votes:>12,} {r}", flush=True)
                continue
            secs = [r["metrics"][m]["seconds"] for m in metrics]
            cpu = sum(r["metrics"][m]["cpu"] for m in metrics)
            scans = {m: sum(r["metrics"][m].get("vote_scans", [])) for m in metrics}
            total = sum(secs)
            print(
                f"{engine:12} {votes:>12,} {r['open_s']:7.1f} "
                + " ".join(f"{s:11.2f}" for s in secs)
                + f" {total:8.1f} {total / votes * 1e6:6.2f} {r['peak_mib']:9.0f}"
                + f" {cpu:8.1f} {cpu / votes * 1e6:7.2f}  "
                + (json.dumps(scans) if engine == "spark" else "-"),
                flush=True,
            )
    (work / "results.json").write_text(json.dumps(results, indent=1))
    print(f"# results in {work / 'results.json'}")


if __name__ == "__main__":
    main()
