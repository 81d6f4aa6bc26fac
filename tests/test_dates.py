"""One date parser, one message for a bad date, one as-of default (floorwatch.dates).

Uses the bundled Voteview Senate 107 (``floorwatch/datasets/s107``).
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

import floorwatch
from floorwatch import claims, dates, metrics, risk
from floorwatch.cli import main
from floorwatch.datasets import dataset_path
from floorwatch.errors import InputError, RecordEndWarning, WebError
from floorwatch.votematrix import vote_matrix
from floorwatch.web.app import parse_as_of

S107 = dataset_path("s107")


@pytest.fixture(scope="module")
def s107_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("dates") / "s107.duckdb"
    with floorwatch.open(path) as store:
        floorwatch.ingest_voteview(
            store, S107 / "S107_members.csv", S107 / "S107_rollcalls.csv", S107 / "S107_votes.csv"
        )
    return path


@pytest.fixture
def s107(s107_path):
    with floorwatch.open(s107_path, read_only=True) as store:
        yield store


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2001-05-24", dt.date(2001, 5, 24)),
        (" 2001-05-24 ", dt.date(2001, 5, 24)),
        (dt.date(2001, 5, 24), dt.date(2001, 5, 24)),
        (dt.datetime(2001, 5, 24, 13, 30), dt.date(2001, 5, 24)),
        (pd.Timestamp("2001-05-24"), dt.date(2001, 5, 24)),
        (pd.Timestamp("2001-05-24").to_datetime64(), dt.date(2001, 5, 24)),
        (None, None),
        ("", None),
        (pd.NaT, None),
        (float("nan"), None),
    ],
)
def test_parse_date_reads_dates(value, expected):
    assert dates.parse_date(value) == expected


@pytest.mark.parametrize("bad", ["2001-02-30", "20010501", "2001-5-1", "2001-W21-4", "x", 5])
def test_parse_date_refuses_everything_else(bad):
    with pytest.raises(InputError) as info:
        dates.parse_date(bad, name="as_of")
    assert str(info.value) == f"as_of: {dates.date_problem(bad)}"
    assert "expected a date YYYY-MM-DD" in str(info.value)


def test_partial_dates_and_stamps_only_where_asked():
    assert dates.parse_date("2001", partial=True) == dt.date(2001, 1, 1)
    assert dates.parse_date("2001-02", partial=True, end=True) == dt.date(2001, 2, 28)
    assert dates.parse_date("2001-05-24T10:00:00Z", stamp=True) == dt.date(2001, 5, 24)
    for text in ("2001", "2001-02", "2001-05-24T10:00:00Z"):
        with pytest.raises(InputError):
            dates.parse_date(text)


def test_the_same_bad_date_gives_the_same_message_in_every_layer(s107):
    store = s107
    bad = "2001-02-30"
    calls = [
        lambda: metrics.loyalty(store, as_of=bad),
        lambda: risk.flags(store, as_of=bad),
        lambda: claims.resolve_claims(store, as_of=bad),
        lambda: vote_matrix(store, as_of=bad),
        lambda: floorwatch.idealpoints.legislature.ideal_points(store, as_of=bad),
    ]
    for call in calls:
        with pytest.raises(InputError) as info:
            call()
        assert str(info.value) == f"as_of: {dates.date_problem(bad)}"
    with pytest.raises(WebError) as web:
        parse_as_of(bad)
    assert web.value.status == 400 and web.value.detail == f"as_of: {dates.date_problem(bad)}"


def test_as_of_default_is_the_latest_dated_record(s107):
    store = s107
    rollcalls = pd.read_csv(S107 / "S107_rollcalls.csv")
    end = dates.record_end(store)
    # The record runs to the end of the 107th Congress (2003-01-02: the 108th met at noon on
    # 3 January 2003, by statute), after the last roll call of the file.
    assert end == dt.date(2003, 1, 2) > dt.date.fromisoformat(rollcalls["date"].max())
    assert dates.resolve_as_of(store) == end
    assert risk.flags(store, evidence="none")["as_of"].iloc[0] == end
    # Before that day, the record ends with the last roll call before it.
    cutoff = dt.date(2001, 6, 1)
    last = max(d for d in rollcalls["date"] if dt.date.fromisoformat(d) <= cutoff)
    assert dates.record_end(store, today=cutoff) == dt.date.fromisoformat(last)


def test_a_date_past_the_record_is_kept_with_a_warning(s107):
    store = s107
    with pytest.warns(RecordEndWarning, match="after the end of the record"):
        assert dates.resolve_as_of(store, "2030-01-01") == dt.date(2030, 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RecordEndWarning)
        assert dates.resolve_as_of(store, "2002-06-01") == dt.date(2002, 6, 1)
        assert dates.resolve_as_of(store, None, default=False) is None


def test_the_cli_prints_the_warning_once_on_one_line(s107_path, capsys):
    assert main(["--db", str(s107_path), "loyalty", "--party", "I", "--as-of", "2030-01-01"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("Warning:")]
    assert len(lines) == 1 and "2030-01-01 is after the end of the record (2003-01-02)" in lines[0]
