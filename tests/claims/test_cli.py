"""``floorwatch claims ...`` end to end on a copy of the real Senate store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from floorwatch.claims import COLUMNS
from floorwatch.cli import main


@pytest.fixture
def db(senate):
    path = senate.path
    senate.close()  # the CLI opens the file itself
    return str(path)


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", ["add", "import", "list", "resolve", "scores", "template"])
def test_every_command_has_help(capsys, command):
    code, out, _ = _run(capsys, "claims", command, "--help")
    assert code == 0 and "Usage" in out


def test_add_resolve_list_scores(db, capsys):
    code, out, err = _run(
        capsys,
        "--db",
        db,
        "claims",
        "add",
        "--made-on",
        "2009-04-27",
        "--about",
        "bioguide:S000709",
        "--predicts",
        "joins",
        "--org",
        "us-party-100",
        "--wording",
        "likely",
        "--outlet",
        "Example Daily",
        "--kind",
        "journalist",
    )
    assert code == 0, err
    cid = out.strip()
    assert cid.startswith("claim-")
    code, out, err = _run(
        capsys, "--db", db, "claims", "resolve", "--as-of", "2010-01-01", "-f", "json"
    )
    assert code == 0, err
    resolved = json.loads(out)
    assert resolved[0]["claim_id"] == cid and resolved[0]["status"] == "true"
    assert resolved[0]["event_date"] == "2009-04-30"
    code, out, _ = _run(capsys, "--db", db, "claims", "list", "-f", "json", "--status", "true")
    listed = json.loads(out)
    assert [r["id"] for r in listed] == [cid] and listed[0]["days_ahead"] == 3
    code, out, _ = _run(capsys, "--db", db, "claims", "scores", "-f", "csv", "--by", "kind")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["source_kind"] == "journalist" and rows[0]["hits"] == "1"
    assert float(rows[0]["brier"]) == pytest.approx((1 - 0.675) ** 2)
    code, out, _ = _run(capsys, "--db", db, "claims", "list")
    assert code == 0 and "SPECTER" in out


def test_manual_override_from_the_command_line(db, capsys, test_data):
    code, _, err = _run(
        capsys, "--db", db, "claims", "import", str(test_data / "claims" / "good.csv")
    )
    assert code == 0 and "Imported 5 claim(s)" in err
    code, _, err = _run(capsys, "--db", db, "claims", "resolve", "own-id-1", "--set", "true")
    assert code == 1 and "note" in err
    code, out, err = _run(
        capsys,
        "--db",
        db,
        "claims",
        "resolve",
        "own-id-1",
        "--set",
        "true",
        "--note",
        "checked by hand",
        "--by",
        "editor",
        "-f",
        "json",
    )
    assert code == 0, err
    row = json.loads(out)[0]
    assert (row["status"], row["manual"], row["resolved_by"]) == ("true", True, "editor")
    code, out, _ = _run(capsys, "--db", db, "claims", "resolve", "-f", "json")
    row = next(r for r in json.loads(out) if r["claim_id"] == "own-id-1")
    assert row["status"] == "true" and row["manual"] is True
    code, out, _ = _run(
        capsys, "--db", db, "claims", "resolve", "own-id-1", "--set", "auto", "-f", "json"
    )
    assert json.loads(out)[0]["manual"] is False


def test_bad_import_is_one_line_error(db, capsys, test_data):
    path = test_data / "claims" / "bad_deadline.csv"
    code, _, err = _run(capsys, "--db", db, "claims", "import", str(path))
    assert code == 1
    assert "line 4" in err and "deadline" in err
    code, out, _ = _run(capsys, "--db", db, "claims", "list", "-f", "json")
    assert json.loads(out) == []


def test_template_command(capsys):
    code, out, _ = _run(capsys, "claims", "template")
    assert code == 0
    assert out.splitlines()[0].split(",") == list(COLUMNS)
