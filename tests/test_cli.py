"""The command line: real data through the same entry point a user runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

import floorwatch
from floorwatch.cli import app, main
from realdata import vv_senate


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def senate_db(tmp_path, real_data):
    path = tmp_path / "cli.duckdb"
    for c in (107, 111):
        assert (
            main(
                [
                    "--db",
                    str(path),
                    "ingest",
                    "voteview",
                    str(vv_senate(c)[0]),
                    str(vv_senate(c)[1]),
                    str(vv_senate(c)[2]),
                ]
            )
            == 0
        )
    return path


def test_switches_json_lists_jeffords_and_specter_and_nothing_else(senate_db, capsys):
    code, out, _ = run(capsys, "--db", str(senate_db), "switches", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    got = {
        (r["name"], r["from_party"], r["to_party"], r["date_from"], r["date_to"], r["kind"])
        for r in rows
    }
    assert got == {
        (
            "JEFFORDS, James Merrill",
            "Republican Party",
            "Independent",
            "2001-05-26",
            "2001-06-06",
            "changed party",
        ),
        (
            "SPECTER, Arlen",
            "Republican Party",
            "Democratic Party",
            "2009-04-29",
            "2009-04-30",
            "changed party",
        ),
    }


def test_switches_csv_and_table(senate_db, capsys):
    code, out, _ = run(capsys, "--db", str(senate_db), "switches", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("name,person_id,legislature,from_party,to_party")
    assert len(lines) == 3
    code, out, _ = run(capsys, "--db", str(senate_db), "switches")
    assert code == 0 and "JEFFORDS" in out


def test_info_counts(senate_db, capsys):
    code, out, _ = run(capsys, "--db", str(senate_db), "info", "--format", "json")
    assert code == 0
    counts = {r["table"]: r["rows"] for r in json.loads(out)}
    store = floorwatch.open(senate_db, read_only=True)
    assert counts["vote"] == store.scalar("SELECT count(*) FROM vote") > 100_000
    assert counts["person"] == store.scalar("SELECT count(*) FROM person")


def test_env_var_selects_the_store(senate_db, capsys, monkeypatch):
    monkeypatch.setenv("FLOORWATCH_DB", str(senate_db))
    code, out, _ = run(capsys, "switches", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2


def test_bad_input_exits_non_zero_with_the_message(tmp_path, capsys):
    bad = tmp_path / "m.csv"
    bad.write_text("congress,chamber,icpsr,party_code,bioname\n107,Senate,x,200,A\n")
    code, out, err = run(capsys, "--db", str(tmp_path / "a.duckdb"), "ingest", "voteview", str(bad))
    assert code == 1
    assert f"{bad}, line 2, column 'icpsr': expected a whole number but got 'x'" in (
        err.replace("\n", "")
    )


def test_demo_runs_on_the_bundled_data(tmp_path, capsys):
    code, out, _ = run(capsys, "--db", str(tmp_path / "demo.duckdb"), "demo")
    assert code == 0
    assert "JEFFORDS" in out and "2001-06-06" in out


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_has_help():
    group = typer.main.get_command(app)
    names = list(_commands(group))
    assert len(names) >= 5
    for path, cmd in names:
        assert cmd.help or cmd.short_help, f"floorwatch {' '.join(path)} has no help text"


def test_python_dash_m_entry_point(senate_db):
    proc = subprocess.run(
        [sys.executable, "-m", "floorwatch", "--db", str(senate_db), "switches", "-f", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 2
