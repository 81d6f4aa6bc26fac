"""The claim model: vocabularies, the wording table, normalisation and ids (no store needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import floorwatch.claims as claims_pkg
from floorwatch.claims import WORDING_PROBABILITIES, normalize_claim
from floorwatch.claims.model import claim_id
from floorwatch.errors import InputError

# ICD 203 (ODNI 2015) ranges, in percent, typed in from the directive.
ICD_203 = {
    "almost no chance": (1, 5),
    "very unlikely": (5, 20),
    "unlikely": (20, 45),
    "roughly even chance": (45, 55),
    "likely": (55, 80),
    "very likely": (80, 95),
    "almost certain": (95, 99),
}


def test_exported_members():
    for name in claims_pkg.__all__:
        assert hasattr(claims_pkg, name), name
    assert sorted(claims_pkg.__all__) == sorted(set(claims_pkg.__all__))
    for fn in ("add_claim", "import_claims", "list_claims", "resolve_claims", "override"):
        assert fn in claims_pkg.__all__


def test_icd_203_terms_are_range_midpoints():
    for term, (low, high) in ICD_203.items():
        assert WORDING_PROBABILITIES[term] == pytest.approx((low + high) / 200), term


def test_wording_table_is_ordered_and_valid():
    assert all(0 < p < 1 for p in WORDING_PROBABILITIES.values())
    assert WORDING_PROBABILITIES["feared"] == WORDING_PROBABILITIES["roughly even chance"]
    assert WORDING_PROBABILITIES["expected"] == WORDING_PROBABILITIES["likely"]
    assert (
        WORDING_PROBABILITIES["unlikely"]
        < WORDING_PROBABILITIES["possible"]
        < WORDING_PROBABILITIES["even chance"]
    )


BASE = {"made_on": "2009-04-27", "about": "bioguide-S000709", "predicts": "leaves"}


def _norm(**changes):
    return normalize_claim({**BASE, **changes}, window_days=180, file="f.csv", line=7)


def test_defaults_and_normalisation():
    c = _norm(
        predicts=" Leaves ",
        wording="Very  Likely",
        source_kind="Official_Spokesman",
        about="a; b;a",
    )
    assert c.predicts == "leaves" and c.stance == "asserts"
    assert c.deadline == dt.date(2009, 4, 27) + dt.timedelta(days=180)
    assert not c.deadline_given
    assert c.probability == 0.875 and c.wording == "very likely"
    assert c.source_kind == "official spokesman"
    assert c.about == ("a", "b")


@pytest.mark.parametrize(
    ("text", "end"),
    [("2001", dt.date(2001, 12, 31)), ("2000-02", dt.date(2000, 2, 29)), ("2001-07-04", None)],
)
def test_partial_deadlines_mean_the_end_of_the_period(text, end):
    c = _norm(made_on="2000-01-01", deadline=text)
    assert c.deadline == (end or dt.date.fromisoformat(text))
    assert c.deadline_given


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"made_on": ""}, "made_on", "missing"),
        ({"made_on": "2009-13-01"}, "made_on", "not a date"),
        ({"deadline": "2009-04-26"}, "deadline", "before the date"),
        ({"probability": "150%"}, "probability", "between 0 and 1"),
        ({"probability": "nan"}, "probability", "between 0 and 1"),
        ({"wording": "sure thing"}, "wording", "unknown wording"),
        ({"stance": "maybe"}, "stance", "asserts, denies"),
        ({"predicts": ""}, "predicts", "say what"),
        ({"predicts": "joins"}, "organization", "joins"),
        ({"count_min": "1.5", "about": None}, "count_min", "whole number"),
    ],
)
def test_errors_name_file_line_column(changes, column, words):
    with pytest.raises(InputError) as info:
        _norm(**changes)
    err = info.value
    assert (err.file, err.line, err.column) == ("f.csv", 7, column)
    assert words in str(err)
    assert str(err).startswith(f"f.csv, line 7, column '{column}': ")


def test_probability_wins_over_wording():
    assert _norm(probability="0.2", wording="likely").probability == pytest.approx(0.2)
    assert _norm(probability="35%").probability == pytest.approx(0.35)


def test_count_of_defaults_to_the_party_left():
    c = _norm(about=None, count_min="30", count_max="60", organization="p1")
    assert (c.count_min, c.count_max, c.count_of, c.is_count) == (30, 60, "p1", True)
    j = _norm(about=None, count_min="2", predicts="joins", organization="p2")
    assert j.count_of is None  # "2 will join p2", from any party


@given(
    days=st.integers(min_value=0, max_value=3000),
    people=st.lists(st.sampled_from(["p1", "p2", "p3"]), min_size=1, max_size=3, unique=True),
)
def test_ids_are_deterministic_and_order_free(days, people):
    made = dt.date(2000, 1, 1) + dt.timedelta(days=days)
    c = normalize_claim({"made_on": made, "about": people, "predicts": "leaves"}, window_days=180)
    a = claim_id(c, people)
    assert a == claim_id(c, list(reversed(people)))
    assert a.startswith("claim-") and len(a) == len("claim-") + 12
    other = normalize_claim(
        {"made_on": made, "about": people, "predicts": "leaves", "outlet": "x"}, window_days=180
    )
    assert claim_id(other, people) != a
