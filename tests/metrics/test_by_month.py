"""``by="month"``: one call grouped by calendar month equals the metric called month by month
(the web page's timelines use it), on the real Senate 107 (Jeffords' switch mid-term)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from floorwatch import metrics
from floorwatch.errors import InputError

START, END = dt.date(2001, 1, 1), dt.date(2002, 12, 31)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    out, first = [], start
    while first <= end:
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        out.append((first, min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return out


CASES = [
    (metrics.loyalty, {}, ["loyalty", "rebellion_rate", "party_unity", "votes"], True),
    (metrics.attendance, {}, ["rate", "possible", "missed"], False),
    (metrics.agreement, {"group": "us-party-200"}, ["agreement", "votes", "agreed"], False),
]


@pytest.mark.parametrize(("fn", "kw", "columns", "by_party"), CASES)
def test_by_month_equals_month_by_month(s107_store, fn, kw, columns, by_party):
    grouped = fn(
        s107_store, date_from=START, date_to=END, legislature="us-senate", by="month", **kw
    )
    parts = []
    for first, last in _months(START, END):
        frame = fn(s107_store, date_from=first, date_to=last, legislature="us-senate", **kw)
        frame.insert(0, "month", first.strftime("%Y-%m"))
        parts.append(frame)
    single = pd.concat(parts, ignore_index=True)
    key = ["month", "person_id"] + (["party_id"] if by_party else [])
    merged = grouped.merge(single, on=key, how="outer", suffixes=("_g", "_s"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][key]
    assert len(grouped) > 1500  # ~100 senators x 24 months, Jeffords under two parties
    for col in columns:
        a, b = merged[f"{col}_g"].astype(float), merged[f"{col}_s"].astype(float)
        assert (a.isna() == b.isna()).all(), col
        assert np.nanmax(np.abs(a - b)) < 1e-12, col
    assert grouped["month"].is_monotonic_increasing


def test_jeffords_two_parties_in_his_switch_month(s107_store):
    frame = metrics.loyalty(s107_store, legislature="us-senate", by="month")
    jeffords = frame[frame["person_id"] == "bioguide-J000072"]
    before = set(jeffords.loc[jeffords["month"] == "2001-05", "party_id"])
    after = set(jeffords.loc[jeffords["month"] == "2001-07", "party_id"])
    assert before != after and len(before) == len(after) == 1


def test_by_unknown_is_an_input_error(s107_store):
    with pytest.raises(InputError, match="by: expected one of month"):
        metrics.loyalty(s107_store, by="week")
