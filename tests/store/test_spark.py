"""The same metrics and fits on Spark: every metric computed by Spark SQL over the Parquet
layout equals DuckDB's on the same store (same rows, same order, values within 1e-9), on the
bundled Senate 107 and on a many-party legislature (Brazil's Chamber, 2003), and the
per-legislature ideal-point fit run inside Spark (``applyInPandas``) equals the in-process fit.

Spark needs a Java runtime: without one these tests skip with the reason; with
``FLOORWATCH_REQUIRE_SHARED=1`` (set by ``.ci/run``, which installs Java) they fail instead.
One Spark session serves the whole test session.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import floorwatch
from floorwatch.export import export_store
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.metrics import agreement, attendance, cohesion, loyalty, rice, violations
from floorwatch.metrics.loyalty import party_unity_votes
from realdata import REQUIRE_SHARED, br2003


def _need_spark() -> None:
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError as exc:
        reason = f"the Spark engine needs pyspark and sqlglot ({exc})"
    else:
        from floorwatch.store.spark import java_problem

        reason = java_problem()
    if reason is None:
        return
    if REQUIRE_SHARED:
        pytest.fail(f"FLOORWATCH_REQUIRE_SHARED=1 and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark():
    _need_spark()
    import os

    from floorwatch.store.spark import spark_session

    os.environ.setdefault("FLOORWATCH_SPARK_PARTITIONS", "2")
    return spark_session()


@pytest.fixture(scope="session")
def br_duck(tmp_path_factory):
    """Brazil's Chamber of Deputies, 2003 (a cut: 151 roll calls, 20 parties)."""
    store = floorwatch.open(tmp_path_factory.mktemp("br") / "br.duckdb")
    ingest_rollcalls(store, "br-camara", *br2003())
    yield store
    store.close()


def _pair(duck, spark, tmp_path_factory, name):
    folder = tmp_path_factory.mktemp(name) / "parquet"
    export_store(duck, "parquet", folder)
    return floorwatch.open(folder, engine="spark")


@pytest.fixture(scope="session")
def s107_spark(spark, s107_store, tmp_path_factory):
    store = _pair(s107_store, spark, tmp_path_factory, "s107pq")
    yield store
    store.close()


@pytest.fixture(scope="session")
def br_spark(spark, br_duck, tmp_path_factory):
    store = _pair(br_duck, spark, tmp_path_factory, "brpq")
    yield store
    store.close()


def _largest_party(store) -> str:
    return store.scalar(
        "SELECT group_id FROM vote WHERE group_id IS NOT NULL GROUP BY group_id "
        "ORDER BY count(*) DESC, group_id LIMIT 1"
    )


def _calls(store):
    party = _largest_party(store)
    return {
        "loyalty": lambda s: loyalty(s),
        "party_unity_votes": lambda s: party_unity_votes(s),
        "attendance_votes": lambda s: attendance(s, basis="votes", window=20),
        "attendance_events": lambda s: attendance(s, basis="events"),
        "cohesion": lambda s: cohesion(s, period="month"),
        "rice": lambda s: rice(s),
        "agreement": lambda s: agreement(s, party, window=30),
        "violations": lambda s: violations(s, infer_direction=True, min_party_size=2),
        "switches": lambda s: floorwatch.switches(s, include_elections=True),
    }


def _same(a: pd.DataFrame, b: pd.DataFrame, what: str) -> float:
    """Assert equal rows in the same order (floats within 1e-9); return the largest
    difference of the float columns."""
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), what
    worst = 0.0
    for col in a.columns:
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            xf, yf = x.astype(float).to_numpy(), y.astype(float).to_numpy()
            assert np.array_equal(np.isnan(xf), np.isnan(yf)), f"{what}.{col}: NULLs differ"
            ok = ~np.isnan(xf)
            diff = float(np.max(np.abs(xf[ok] - yf[ok]), initial=0.0))
            assert diff <= 1e-9, f"{what}.{col}: differs by {diff}"
            worst = max(worst, diff)
        else:
            xs = [None if pd.isna(v) else str(v) for v in x]
            ys = [None if pd.isna(v) else str(v) for v in y]
            assert xs == ys, f"{what}.{col}"
    return worst


@pytest.mark.parametrize("dataset", ["s107", "br"])
def test_every_metric_equal_on_spark_and_duckdb(dataset, request):
    duck = request.getfixturevalue("s107_store" if dataset == "s107" else "br_duck")
    spark = request.getfixturevalue(f"{dataset}_spark")
    rows = {}
    for name, call in _calls(duck).items():
        a, b = call(duck), call(spark)
        worst = _same(a, b, f"{dataset}.{name}")
        print(f"{dataset}.{name}: {len(a)} rows, largest float difference {worst:.1e}")
        rows[name] = len(a)
    # the comparisons are not vacuous: the metrics have rows on this data
    for name in ("loyalty", "attendance_votes", "cohesion", "rice", "agreement", "violations"):
        assert rows[name] > 0, name
    if dataset == "s107":  # Jeffords left the Republicans in 2001
        assert rows["switches"] >= 1 and rows["party_unity_votes"] > 100


def test_spark_store_is_read_only(s107_spark):
    from floorwatch.errors import StoreError

    with pytest.raises(StoreError, match="read-only"), s107_spark.transaction():
        pass


def test_cli_runs_on_spark(s107_spark, capsys):
    from floorwatch.cli import main

    folder = str(s107_spark.path)
    assert main(["--engine", "spark", "--db", folder, "loyalty", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "JEFFORDS" in out and out.count("\n") > 100


def test_ideal_points_per_legislature_in_spark_equal_the_in_process_fit(s107_spark, s107_store):
    """The fit of each legislature as an independent unit inside Spark (applyInPandas over
    the Parquet votes grouped by legislature) equals ideal_points() on the DuckDB store."""
    from floorwatch.idealpoints.legislature import ideal_points
    from floorwatch.idealpoints.parallel import fit_ballots, ideal_points_by_legislature

    expected = ideal_points(s107_store)
    got = ideal_points_by_legislature(s107_spark)
    assert set(got.legislature) == {"us-senate"}
    merged = expected.merge(got, on="person_id", suffixes=("", "_spark"))
    assert len(merged) == len(expected) == len(got)
    assert np.max(np.abs(merged.dim1 - merged.dim1_spark)) < 1e-9
    # and the pure function alone, on the ballots read back in-process
    ballots = s107_store.query(
        "SELECT v.*, ve.start_date AS date, ve.seq, ve.organization_id AS legislature, "
        "coalesce(ve.legislative_period_id, '') AS period FROM vote v JOIN vote_event ve "
        "ON ve.id = v.vote_event_id"
    )
    local = fit_ballots(ballots).set_index("person_id").dim1
    assert np.max(np.abs(local - got.set_index("person_id").dim1)) < 1e-9
    # and in two local processes
    pooled = ideal_points_by_legislature(s107_store, workers=2).set_index("person_id").dim1
    assert np.max(np.abs(pooled - local)) < 1e-9


def test_ctes_read_from_several_places_run_once(s107_spark):
    """loyalty() on Senate 107: the CTEs Spark would evaluate more than once and that read
    ``vote`` run first, each once, cached (store.ctesplit): ``vote`` is read once over all
    the statement's plans (the one that filled ``bal0``'s cache; ``ballot``, ``line``,
    ``major`` and the statement read caches), where the statement as one plan reads it 3
    times; same result; no view or cache left after."""
    from floorwatch.store.spark import vote_scans

    engine = s107_spark.engine
    scans, frames = {}, {}
    try:
        for mode in (False, True):
            engine.materialise = mode
            engine.plans.clear()
            frames[mode] = loyalty(s107_spark)
            scans[mode] = [vote_scans(p) for p in engine.plans]
    finally:
        engine.materialise = True
    assert len(scans[False]) == 1 and scans[False][0] >= 3
    assert len(scans[True]) == 5 and sum(scans[True]) == 1
    _same(frames[False], frames[True], "loyalty cached")
    assert not [t for t in engine.spark.catalog.listTables() if t.name.startswith("fw_cte_")]
    assert engine.spark._jsparkSession.sharedState().cacheManager().isEmpty()


def test_parameters_inside_materialised_ctes(s107_spark, s107_store):
    """Named and positional parameters in a materialised CTE and in the statement bind to
    the right pieces: the same count as DuckDB's."""
    from floorwatch.store.ctesplit import split_statement
    from floorwatch.store.spark import to_spark_sql

    sql = (
        "WITH a AS (SELECT * FROM vote WHERE position = {p}) SELECT count(*) AS n FROM a x "
        "JOIN a y ON x.vote_event_id = y.vote_event_id AND x.voter_id < y.voter_id "
        "WHERE x.option = {o}"
    )
    cases = [
        (sql.format(p="?", o="?"), [-1, "no"]),
        (sql.format(p="$pos", o="$opt"), {"opt": "no", "pos": -1}),
    ]
    for query, params in cases:
        assert split_statement(to_spark_sql(query)).materialise == ("a",)
        expected = s107_store.scalar(query, params)
        assert expected > 1000
        assert s107_spark.scalar(query, params) == expected


def test_vote_scans_of_a_plan_text_leave_out_the_initial_plan():
    """The text of an adaptive plan: the final plan's scans only (one scan, one reused
    exchange), not the initial plan printed beside it."""
    from floorwatch.store.spark import vote_scans

    loc = "Location: InMemoryFileIndex(1 paths)[file:/s/{t}], PartitionFilters: []"
    plan = f"""AdaptiveSparkPlan isFinalPlan=true
+- == Final Plan ==
   ResultQueryStage 1
   +- *(2) BroadcastHashJoin [a#1], [a#2], Inner, BuildRight, false, false
      :- *(2) ColumnarToRow
      :  +- FileScan parquet [a#1] Batched: true, Format: Parquet, {loc.format(t="vote")}
      +- BroadcastQueryStage 0
         +- ReusedExchange [a#2], BroadcastExchange HashedRelationBroadcastMode
+- == Initial Plan ==
   BroadcastHashJoin [a#1], [a#2], Inner, BuildRight, false, false
   :- FileScan parquet [a#1] Batched: true, Format: Parquet, {loc.format(t="vote")}
   +- BroadcastExchange HashedRelationBroadcastMode
      +- FileScan parquet [a#2] Batched: true, Format: Parquet, {loc.format(t="vote")}
      +- FileScan parquet [b#3] Batched: true, Format: Parquet, {loc.format(t="vote_event")}"""
    assert vote_scans(plan) == 1
    assert vote_scans(plan, "vote_event") == 0
