"""Clear answers on thin data (issue 12, item 10): on a store without roll calls (the real
Pakistan Popolo file plus the invented party register of fictional people), commands that need
roll calls say so and exit non-zero, and no library warning reaches the terminal."""

from __future__ import annotations

import pytest

from floorwatch.cli import main

NEEDS_ROLLCALLS = [
    ["loyalty"],
    ["cohesion"],
    ["agreement", "--with", "pti"],
    ["violations"],
    ["attendance", "--basis", "votes"],
    ["backtest"],
    ["ideal"],
]


@pytest.mark.parametrize("args", NEEDS_ROLLCALLS, ids=lambda a: " ".join(a))
def test_commands_needing_roll_calls_say_so_and_fail(partywatch_db, capsys, args):
    code = main(["--db", str(partywatch_db), *args])
    out, err = capsys.readouterr()
    assert code == 1
    assert "roll calls" in err and "Error:" in err
    assert "┏" not in out  # no empty table


def test_record_only_commands_work_and_print_no_library_warning(partywatch_db, capsys):
    db = ["--db", str(partywatch_db)]
    assert main([*db, "attendance", "--basis", "events", "-f", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "fic-na-01" in out and "Warning" not in err
    # Members with no record at all have no score: a mean of nothing, silently NaN.
    assert main([*db, "flags", "--party", "PTI", "--as-of", "2016-07-01", "--show", "all"]) == 0
    out, err = capsys.readouterr()
    assert "4 events so far; 5 needed" in " ".join(out.split())
    assert "RuntimeWarning" not in err and "Warning" not in err


def test_an_empty_list_says_nobody_is_flagged(partywatch_db, capsys):
    args = ["--db", str(partywatch_db), "flags", "--party", "PTI", "--as-of", "2016-07-01"]
    assert main(args) == 0
    _, err = capsys.readouterr()
    assert "Nobody is red or amber as of 2016-07-01" in err
