"""The shared filters: dates, as-of, legislature, party; windows; errors that say what to do."""

from __future__ import annotations

import datetime as dt

import pytest

from floorwatch.errors import InputError, NotFoundError
from floorwatch.metrics import loyalty, parse_window, resolve_scope, rice


def test_parse_window():
    assert parse_window("90d") == dt.timedelta(days=90)
    assert parse_window("12w") == dt.timedelta(weeks=12)
    assert parse_window("50") == 50
    assert parse_window(None) == dt.timedelta(days=90)
    for bad in ("0", "-3", "3 months", "d"):
        with pytest.raises(InputError, match="window"):
            parse_window(bad)


def test_scope_errors(s107_store):
    with pytest.raises(InputError, match="expected a date YYYY-MM-DD but got '2001-02-30'"):
        resolve_scope(s107_store, date_from="2001-02-30")
    with pytest.raises(InputError, match="after the end"):
        resolve_scope(s107_store, date_from="2002-01-01", date_to="2001-01-01")
    with pytest.raises(NotFoundError, match="Known: us-party-100"):
        resolve_scope(s107_store, party="Whig")
    with pytest.raises(NotFoundError, match="us-congress-107"):
        resolve_scope(s107_store, legislature="us-parliament")


def test_scope_resolution(s107_store):
    scope = resolve_scope(
        s107_store,
        date_to="2002-06-30",
        as_of=dt.date(2002, 1, 31),
        party=["R", "Democratic Party"],
    )
    assert scope.until == dt.date(2002, 1, 31)
    assert scope.parties == ("us-party-200", "us-party-100")


@pytest.mark.parametrize("legislature", ["us-senate", "us-congress", "us-congress-107"])
def test_legislature_by_chamber_parent_or_period(s107_store, legislature):
    assert len(rice(s107_store, legislature=legislature)) == len(rice(s107_store))


def test_date_range_counts_only_roll_calls_inside(s107_store, voteview_raw):
    _, _, votes = voteview_raw[107]
    lo, hi = dt.date(2001, 6, 6), dt.date(2001, 12, 31)
    inside = votes[(votes["date"] >= lo) & (votes["date"] <= hi)]
    got = rice(s107_store, date_from=lo, date_to=hi)
    assert set(got["seq"]) == set(inside["rollnumber"])
    assert loyalty(s107_store, date_from="2003-01-01").empty
