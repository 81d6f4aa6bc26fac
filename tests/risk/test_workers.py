"""Per-legislature work as independent units (issue: past one machine): flags over a range of
dates, the backtest and the evaluation harness give the same result in one process and in two
worker processes, on a store of two real legislatures (Senate 107, two parties; the European
Parliament's P9 slice, many groups)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.errors import NotFoundError, StoreError
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.risk import flags
from floorwatch.risk.backtest import backtest
from floorwatch.risk.evaluate import evaluate
from floorwatch.risk.flags import date_grid, flag_bodies, flags_over
from floorwatch.store.engine import map_units
from realdata import vv_senate


@pytest.fixture(scope="module")
def two_db(tmp_path_factory, test_data):
    """A closed store file: Senate 107 and the EP P9 slice (Fidesz leaving the EPP group)."""
    path = tmp_path_factory.mktemp("two") / "two.duckdb"
    store = floorwatch.open(path)
    floorwatch.ingest_voteview(store, *vv_senate(107))
    rc = test_data / "rollcalls"
    ingest_rollcalls(
        store, "ep", rc / "EP_P9_slice_rollcalls.csv.gz", rc / "EP_P9_slice_votes.csv.gz",
        rc / "EP_P9_slice_members.csv.gz", period="P9", label_kind="faction",
    )  # fmt: skip
    store.close()
    return path


@pytest.fixture(scope="module")
def two(two_db):
    store = floorwatch.open(two_db, read_only=True)
    yield store
    store.close()


#: Two dates in each legislature's record and one before both (flagged nowhere).
DAYS = [dt.date(2001, 4, 20), dt.date(2001, 7, 1), dt.date(2021, 1, 20), dt.date(2021, 3, 20)]


def test_flags_over_dates_same_in_two_workers_and_equal_to_each_date(two):
    serial = flags_over(two, [dt.date(1990, 1, 1), *DAYS])
    assert set(serial["legislature"]) == {"us-senate", "ep"}
    # each legislature only on the dates of its own record
    on = serial.groupby("legislature")["as_of"].agg(lambda d: sorted(set(d))).to_dict()
    assert on == {"ep": DAYS[2:], "us-senate": DAYS[:2]}
    parallel = flags_over(two, [dt.date(1990, 1, 1), *DAYS], workers=2)
    pd.testing.assert_frame_equal(serial, parallel)
    # every date's rows are the flags of that date alone
    one = flags(two, as_of=DAYS[0], legislature="us-senate")
    mine = serial[(serial.legislature == "us-senate") & (serial.as_of == DAYS[0])]
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), one)
    # the Fidesz MEPs sit in the EPP group (PPE) before their exit, in NI after it
    fidesz = serial[serial.person_id == "ep-5138"].set_index("as_of")["party_id"]
    assert fidesz[DAYS[2]] != fidesz[DAYS[3]]


def test_flag_bodies_and_grid(two):
    bodies = flag_bodies(two).set_index("legislature")
    assert list(bodies.index) == ["ep", "us-senate"]
    assert pd.Timestamp(bodies.loc["us-senate", "first"]).year == 2001
    # every 30 days from the first day, the last no later than the end
    assert date_grid("2001-01-31", "2001-04-01", 30) == [
        dt.date(2001, 1, 31), dt.date(2001, 3, 2), dt.date(2001, 4, 1),
    ]  # fmt: skip
    assert date_grid("2001-01-31", "2001-03-31", 30)[-1] == dt.date(2001, 3, 2)
    with pytest.raises(floorwatch.errors.InputError, match="before from"):
        date_grid("2001-03-01", "2001-01-01")
    with pytest.raises(NotFoundError, match="no dated roll calls or attendance.*'nowhere'"):
        flags_over(two, DAYS, legislatures=["nowhere"])


def test_backtest_same_in_two_workers(two):
    serial = backtest(two, step_days=90)
    parallel = backtest(two, step_days=90, workers=2)
    assert set(serial.panel["legislature"]) == {"us-senate", "ep"}
    assert "JEFFORDS, James Merrill" in set(serial.switches["name"])
    pd.testing.assert_frame_equal(serial.panel, parallel.panel)
    pd.testing.assert_frame_equal(serial.switches, parallel.switches)
    pd.testing.assert_frame_equal(serial.calibration, parallel.calibration)
    assert json.dumps(serial.summary, default=str) == json.dumps(parallel.summary, default=str)


def test_evaluation_same_in_two_workers(two_db, tmp_path):
    s111 = floorwatch.open(tmp_path / "s111.duckdb")
    floorwatch.ingest_voteview(s111, *vv_senate(111))
    with pytest.raises(StoreError, match="read-only"):  # a writable store cannot be shared
        evaluate({"two": two_db, "s111": s111}, step_days=60, workers=2)
    s111.close()
    stores = {"two": two_db, "s111": tmp_path / "s111.duckdb"}
    serial = evaluate(stores, step_days=60)
    parallel = evaluate(stores, step_days=60, workers=2)
    assert set(serial.switches["unit"]) == {"two", "s111"}  # Jeffords, Fidesz; Specter
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    pd.testing.assert_frame_equal(serial.panel, parallel.panel)
    pd.testing.assert_frame_equal(serial.switches, parallel.switches)


def _fails(store, k):
    if k == 2:
        raise NotFoundError(f"unit {k} has no record")
    return (k, store.scalar("SELECT count(*) FROM vote_event"))


def test_map_units_keeps_order_and_stops_on_a_failure(two):
    units = [(two, (k,)) for k in (0, 1, 3)]
    assert (
        map_units(_fails, units, workers=2)
        == map_units(_fails, units)
        == [(k, two.scalar("SELECT count(*) FROM vote_event")) for k in (0, 1, 3)]
    )
    with pytest.raises(NotFoundError, match="unit 2"):
        map_units(_fails, [(two, (k,)) for k in range(4)], workers=2)


def test_cli_flags_over_dates_every_legislature(two_db, tmp_path, capsys):
    two_db = shutil.copy(two_db, tmp_path / "copy.duckdb")  # the module's store is open here
    args = ["--db", str(two_db), "flags", "--from", "2001-03-01", "--to", "2021-03-20"]
    args += ["--step-days", "120", "--all", "--show", "red", "--format", "json"]
    assert main([*args, "--workers", "2"]) == 0
    parallel = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    serial = json.loads(capsys.readouterr().out)
    assert parallel == serial
    assert {r["legislature"] for r in serial} == {"us-senate", "ep"}
    assert all(r["level"] == "red" for r in serial)
    # one legislature, as a table: dates in the first column, the Senate's red lists
    assert main(["--db", str(two_db), "flags", "--from", "2001-03-01", "--to", "2001-06-01",
                 "--legislature", "us-senate", "--show", "red"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Flags of us-senate on 4 dates, every 30 days from 2001-03-01" in out
    assert "2001-05-30" in out and "JEFFORDS" in out
    # several legislatures and neither --legislature nor --all: say which to choose
    assert main(["--db", str(two_db), "flags", "--from", "2001-03-01"]) != 0
    assert "choose one of ep, us-senate with --legislature, or --all" in capsys.readouterr().err
