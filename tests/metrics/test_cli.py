"""The metrics commands: the same numbers as the library, in table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.metrics import agreement, attendance, cohesion, loyalty, violations
from realdata import vv_senate


@pytest.fixture(scope="module")
def db(tmp_path_factory, real_data):
    path = tmp_path_factory.mktemp("metrics-cli") / "s107.duckdb"
    with floorwatch.open(path) as store:
        floorwatch.ingest_voteview(store, *vv_senate(107))
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_loyalty_json_has_readable_keys_and_library_values(db, capsys):
    code, out, _ = run(capsys, "--db", str(db), "loyalty", "--to", "2001-05-31", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert {"name", "party", "loyalty", "rebellions", "party_unity"} <= set(rows[0])
    with floorwatch.open(db) as store:
        want = loyalty(store, date_to="2001-05-31")
    assert [r["person_id"] for r in rows] == want["person_id"].tolist()
    assert rows[0]["loyalty"] == pytest.approx(want["loyalty"].iat[0])


def test_attendance_csv_with_filters(db, capsys):
    code, out, _ = run(
        capsys,
        "--db",
        str(db),
        "attendance",
        "--party",
        "R",
        "--as-of",
        "2002-01-31",
        "--window",
        "25",
        "-f",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    with floorwatch.open(db) as store:
        want = attendance(store, party="R", as_of="2002-01-31", window=25)
    assert len(rows) == len(want)
    assert [int(r["possible"]) for r in rows] == want["possible"].tolist()


def test_agreement_cohesion_violations(db, capsys):
    code, out, _ = run(capsys, "--db", str(db), "agreement", "--with", "D", "-f", "json")
    assert code == 0
    with floorwatch.open(db) as store:
        want = agreement(store, "D")
        coh = cohesion(store, period="year")
        vio = violations(store, "pk-63a", infer_direction=True)
    assert len(json.loads(out)) == len(want)
    code, out, _ = run(capsys, "--db", str(db), "cohesion", "--by", "year", "-f", "json")
    assert code == 0 and len(json.loads(out)) == len(coh)
    code, out, _ = run(
        capsys, "--db", str(db), "cohesion", "--per-rollcall", "--party", "D", "-f", "csv"
    )
    assert code == 0 and out.count("\n") == 633 + 1
    code, out, _ = run(
        capsys, "--db", str(db), "violations", "--rules", "pk-63a", "--infer", "-f", "json"
    )
    assert code == 0 and len(json.loads(out)) == len(vio)
    code, out, _ = run(capsys, "--db", str(db), "loyalty", "--unity-votes", "-f", "csv")
    assert code == 0 and out.startswith("vote_event_id,date,seq,question")


def test_table_output_and_errors(db, capsys):
    code, out, _ = run(capsys, "--db", str(db), "loyalty", "--party", "I")
    assert code == 0 and "JEFFORDS" in out
    code, _, err = run(capsys, "--db", str(db), "attendance", "--from", "2001-02-30")
    assert code == 1 and "expected a date YYYY-MM-DD" in err
    code, _, err = run(capsys, "--db", str(db), "violations", "--rules", "xx")
    assert code == 1 and "Shipped rules" in err
    code, _, err = run(capsys, "--db", str(db), "agreement", "--with", "Whigs")
    assert code == 1 and "neither an organization" in err
