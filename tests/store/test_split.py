"""Metrics legislature by legislature (``metrics.per_legislature``): on a store of two real
legislatures (Voteview's Senate 107 and Brazil's Chamber in 2003), the stacked per-legislature
results equal each ``metric(store, legislature=L)``, on the DuckDB file and on DuckDB over
the Parquet layout, where each unit reads only its legislature's partition."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.export import export_store
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.metrics import legislatures, per_legislature
from floorwatch.metrics.split import SPLIT_METRICS
from realdata import br2003, vv_senate

CALLS = {
    "loyalty": {},
    "attendance": {"basis": "votes"},
    "cohesion": {"period": "month"},
    "rice": {},
    "violations": {"infer_direction": True},
}


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """A store file with Senate 107 and Brazil 2003, and its Parquet export opened with
    DuckDB."""
    folder = tmp_path_factory.mktemp("two")
    store = floorwatch.open(folder / "two.duckdb")
    floorwatch.ingest_voteview(store, *vv_senate(107))
    ingest_rollcalls(store, "br-camara", *br2003())
    export_store(store, "parquet", folder / "pq")
    store.close()
    duck = floorwatch.open(folder / "two.duckdb", read_only=True)
    pq = floorwatch.open(folder / "pq", engine="duckdb")
    yield duck, pq
    pq.close()
    duck.close()


def test_the_legislatures_and_one_partition_alone(two):
    duck, pq = two
    assert legislatures(duck) == legislatures(pq) == ["br-camara", "us-senate"]
    assert duck.scoped("us-senate") is duck
    for leg in legislatures(pq):
        scoped = pq.scoped(leg)
        try:
            assert scoped.rows("SELECT DISTINCT organization_id FROM vote_event") == [(leg,)]
            want = duck.scalar(
                "SELECT count(*) FROM vote v JOIN vote_event e ON e.id = v.vote_event_id "
                "WHERE e.organization_id = ?",
                [leg],
            )
            assert scoped.scalar("SELECT count(*) FROM vote") == want > 1000
            # the tables without partitions are whole
            assert scoped.scalar("SELECT count(*) FROM person") == duck.scalar(
                "SELECT count(*) FROM person"
            )
        finally:
            scoped.close()


@pytest.mark.parametrize("name", sorted(CALLS))
def test_per_legislature_equals_each_legislature_alone(two, name):
    duck, pq = two
    kwargs = CALLS[name]
    parts = []
    for leg in ("br-camara", "us-senate"):
        frame = SPLIT_METRICS[name](duck, legislature=leg, **kwargs)
        frame.insert(0, "legislature", leg)
        parts.append(frame)
    want = pd.concat([p for p in parts if len(p)], ignore_index=True)
    assert len(want) > 100
    for store in (duck, pq):
        got = per_legislature(name, store, **kwargs)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)


def test_per_legislature_in_worker_processes(two):
    duck, pq = two
    want = per_legislature("loyalty", pq)
    got = per_legislature("loyalty", pq, workers=2)
    pd.testing.assert_frame_equal(got, want)
    assert set(got["legislature"]) == {"br-camara", "us-senate"}
    assert per_legislature("loyalty", pq, only=["us-senate"]).equals(
        want[want["legislature"] == "us-senate"].reset_index(drop=True)
    )


def test_unknown_metric_and_legislature_argument_are_refused(two):
    duck, _ = two
    with pytest.raises(ValueError, match="unknown metric"):
        per_legislature("nothing", duck)
    with pytest.raises(ValueError, match="only="):
        per_legislature("loyalty", duck, legislature="us-senate")


def test_cli_each_legislature(two, capsys, tmp_path):
    """``floorwatch loyalty --each-legislature`` (and ``--workers 2``, on the store file opened
    read-only) prints the stacked per-legislature rows; with --legislature it is refused."""
    duck, _ = two
    want = per_legislature("loyalty", duck)
    db = tmp_path / "copy.duckdb"  # the fixture holds its file open read-only
    shutil.copy(duck.path, db)
    for extra in ([], ["--workers", "2"]):
        code = main(["--db", str(db), "loyalty", "--each-legislature", "-f", "csv", *extra])
        out, _ = capsys.readouterr()
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [(r["legislature"], r["person_id"], r["party_id"]) for r in rows] == list(
            zip(want["legislature"], want["person_id"], want["party_id"], strict=True)
        )
    code = main(["--db", str(db), "cohesion", "--each-legislature", "--legislature", "us-senate"])
    _, err = capsys.readouterr()
    assert code != 0 and "--legislature or --each-legislature" in err
