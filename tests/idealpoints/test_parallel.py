"""Ideal points of many legislatures as independent units: the pure vote-matrix function, a
local process pool, and the CLI's ``ideal --all --workers``."""

from __future__ import annotations

import numpy as np

import floorwatch
from floorwatch.cli import main
from floorwatch.idealpoints.legislature import ideal_points
from floorwatch.idealpoints.parallel import ideal_points_by_legislature
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.votematrix import matrix_from_ballots, vote_matrix
from realdata import br2003, vv_senate


def _two_legislatures(path):
    store = floorwatch.open(path)
    floorwatch.ingest_voteview(store, *vv_senate(107))
    ingest_rollcalls(store, "br-camara", *br2003())
    return store


def test_matrix_from_ballots_is_vote_matrix(s107_store):
    vm = vote_matrix(s107_store)
    ballots = s107_store.query(
        "SELECT v.*, ve.start_date AS date, ve.seq FROM vote v "
        "JOIN vote_event ve ON ve.id = v.vote_event_id"
    )
    pure = matrix_from_ballots(ballots)
    assert list(pure.rollcalls.vote_event_id) == list(vm.rollcalls.vote_event_id)
    assert list(pure.members.person_id) == list(vm.members.person_id)
    assert list(pure.members.party_id) == list(vm.members.party_id)
    assert np.array_equal(np.isnan(pure.Y), np.isnan(vm.Y))
    assert np.array_equal(np.nan_to_num(pure.Y, nan=7), np.nan_to_num(vm.Y, nan=7))
    assert np.array_equal(pure.missed, vm.missed) and np.array_equal(pure.group, vm.group)


def test_pool_of_workers_fits_each_legislature_as_alone(tmp_path, capsys):
    store = _two_legislatures(tmp_path / "two.duckdb")
    pooled = ideal_points_by_legislature(store, workers=2)
    assert set(pooled.legislature) == {"us-senate", "br-camara"}
    for leg in ("us-senate", "br-camara"):
        alone = ideal_points(store, legislature=leg).set_index("person_id").dim1
        got = pooled[pooled.legislature == leg].set_index("person_id").dim1
        assert len(got) == len(alone) > 20
        assert got.notna().sum() > 20
        np.testing.assert_allclose(got, alone.loc[got.index], rtol=0, atol=1e-9)
    store.close()
    db = str(tmp_path / "two.duckdb")
    assert main(["--db", db, "ideal", "--all", "--workers", "2", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "br-camara" in out and "us-senate" in out
