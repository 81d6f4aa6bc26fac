"""Track records and the comparison with flags, checked against figures computed by hand."""

from __future__ import annotations

import datetime as dt
import statistics

import pandas as pd
import pytest

from floorwatch import claims
from floorwatch.errors import InputError

D, R = "us-party-100", "us-party-200"
SPECTER, JEFFORDS, CHAFEE, SNOWE = (
    "bioguide-S000709",
    "bioguide-J000072",
    "bioguide-C001040",
    "bioguide-S000663",
)


@pytest.fixture
def ledger(senate, specter_first_d_vote, jeffords_first_ind_vote):
    """Six claims about real 2001 and 2009 events, with the outcome each must have.

    ``outcome`` and ``event`` are what happened (Specter's and Jeffords' first votes under
    their new party, read from the raw Voteview files; Chafee and Snowe stayed Republicans),
    not what floorwatch computes.
    """
    specs = [
        dict(
            key="A",
            made_on=dt.date(2009, 4, 27),
            about=SPECTER,
            predicts="joins",
            organization=D,
            wording="likely",
            outlet="Daily",
            source_kind="journalist",
            outcome=True,
            event=specter_first_d_vote,
        ),
        dict(
            key="B",
            made_on=dt.date(2009, 4, 27),
            about=SPECTER,
            predicts="leaves",
            organization=R,
            stance="denies",
            probability=0.9,
            outlet="Wire",
            speaker="Spokesman",
            source_kind="official spokesman",
            outcome=False,
            event=None,
        ),
        dict(
            key="C",
            made_on=dt.date(2001, 5, 22),
            about=JEFFORDS,
            predicts="leaves",
            organization=R,
            probability="80%",
            outlet="Daily",
            source_kind="anonymous party source",
            outcome=True,
            event=jeffords_first_ind_vote,
        ),
        dict(
            key="D",
            made_on=dt.date(2001, 5, 25),
            about=CHAFEE,
            predicts="leaves",
            organization=R,
            deadline="2001-12-31",
            wording="possible",
            outlet="Daily",
            source_kind="journalist",
            outcome=False,
            event=None,
        ),
        dict(
            key="E",
            made_on=dt.date(2001, 5, 1),
            count_min=1,
            count_max=3,
            count_of=R,
            predicts="leaves",
            organization=R,
            deadline="2001-12-31",
            outlet="Review",
            speaker="Analyst",
            source_kind="analyst",
            outcome=True,
            event=jeffords_first_ind_vote,
        ),
        dict(
            key="F",
            made_on=dt.date(2001, 6, 1),
            about=SNOWE,
            predicts="stays",
            organization=R,
            deadline="2011-06-30",  # still open at the record end (2011-01-02)
            probability=0.95,
            outlet="Wire",
            speaker="Spokesman",
            source_kind="official spokesman",
            outcome=None,
            event=None,
        ),
    ]
    ids = {}
    for spec in specs:
        args = {k: v for k, v in spec.items() if k not in ("key", "outcome", "event")}
        ids[spec["key"]] = claims.add_claim(senate, **args)
    claims.resolve_claims(senate)
    for spec in specs:
        p = spec.get("probability", claims.WORDING_PROBABILITIES.get(spec.get("wording", "")))
        spec["p"] = float(p.rstrip("%")) / 100 if isinstance(p, str) else p
    return senate, ids, {s["key"]: s for s in specs}


def _expected(specs) -> dict:
    """Track-record figures for a list of claim specs, by hand."""
    resolved = [s for s in specs if s["outcome"] is not None]
    hits = [s for s in resolved if s["outcome"]]
    scored = [s for s in resolved if s["p"] is not None]
    days = [(s["event"] - s["made_on"]).days for s in hits if s["event"] is not None]
    return {
        "claims": len(specs),
        "resolved": len(resolved),
        "pending": len(specs) - len(resolved),
        "hits": len(hits),
        "hit_rate": len(hits) / len(resolved) if resolved else None,
        "scored": len(scored),
        "brier": (
            sum((s["p"] - (1.0 if s["outcome"] else 0.0)) ** 2 for s in scored) / len(scored)
            if scored
            else None
        ),
        "timed": len(days),
        "mean_days_ahead": statistics.mean(days) if days else None,
        "median_days_ahead": statistics.median(days) if days else None,
    }


def _check(row, expected):
    for key, value in expected.items():
        if value is None:
            assert pd.isna(row[key]), key
        elif isinstance(value, float):
            assert row[key] == pytest.approx(value), key
        else:
            assert row[key] == value, key


def test_statuses_match_what_happened(ledger):
    store, ids, specs = ledger
    listed = claims.list_claims(store).set_index("id")
    for key, spec in specs.items():
        want = {True: "true", False: "false", None: "pending"}[spec["outcome"]]
        assert listed.loc[ids[key], "status"] == want, key


@pytest.mark.parametrize(
    ("by", "column"), [("outlet", "outlet"), ("kind", "source_kind"), ("speaker", "speaker")]
)
def test_track_records_by_one_column(ledger, by, column):
    store, _, specs = ledger
    table = claims.track_records(store, by=by)
    groups: dict = {}
    for spec in specs.values():
        groups.setdefault(spec.get(column), []).append(spec)
    assert len(table) == len(groups)
    for value, members in groups.items():
        row = table[table[column].isna()] if value is None else table[table[column] == value]
        assert len(row) == 1
        _check(row.iloc[0], _expected(members))


def test_track_records_daily_and_overall_figures(ledger):
    store, _, specs = ledger
    daily = claims.track_records(store, by="outlet").set_index("outlet").loc["Daily"]
    # A (likely = 0.675, true), C (0.8, true), D (possible = 0.4, false).
    assert daily["hit_rate"] == pytest.approx(2 / 3)
    assert daily["brier"] == pytest.approx(((0.675 - 1) ** 2 + (0.8 - 1) ** 2 + 0.4**2) / 3)
    a, c = specs["A"], specs["C"]
    days = [(a["event"] - a["made_on"]).days, (c["event"] - c["made_on"]).days]
    assert days == [3, 15]  # Specter 2009-04-30, Jeffords 2001-06-06 in the raw files
    assert daily["mean_days_ahead"] == pytest.approx(9.0)
    overall = claims.track_records(store, by="all").iloc[0]
    _check(overall, _expected(list(specs.values())))
    assert overall["hit_rate"] == pytest.approx(3 / 5)
    assert overall["median_days_ahead"] == pytest.approx(15.0)  # of 3, 15 and 36 days


def test_track_records_by_source_and_by_list(ledger):
    store, _, specs = ledger
    table = claims.track_records(store, by="source")
    keys = {(s["outlet"], s.get("speaker"), s["source_kind"]) for s in specs.values()}
    assert len(table) == len(keys)
    wire = table[(table["outlet"] == "Wire") & (table["speaker"] == "Spokesman")].iloc[0]
    _check(wire, _expected([specs["B"], specs["F"]]))
    assert wire["brier"] == pytest.approx(0.81)  # a 90% denial that failed
    listed = claims.track_records(store, by=["outlet", "source_kind"])
    assert set(listed.columns[:2]) == {"outlet", "source_kind"}
    with pytest.raises(InputError):
        claims.track_records(store, by="colour")
    with pytest.raises(InputError):
        claims.track_records(store, by=["quote"])


def test_manual_override_changes_the_scores(ledger):
    store, ids, specs = ledger
    claims.override(
        store,
        ids["D"],
        "true",
        note="test: pretend Chafee left",
        by="tester",
        event_date="2001-06-15",
    )
    d = dict(specs["D"], outcome=True, event=dt.date(2001, 6, 15))
    daily = claims.track_records(store, by="outlet").set_index("outlet").loc["Daily"]
    _check(daily, _expected([specs["A"], specs["C"], d]))
    assert daily["hit_rate"] == 1.0


def test_compare_with_flags(ledger, jeffords_first_ind_vote, specter_first_d_vote):
    store, ids, _ = ledger
    flags = pd.DataFrame(
        {
            "person_id": [JEFFORDS, SPECTER, CHAFEE, JEFFORDS],
            "first_red_date": ["2001-05-01", "2009-05-15", "2001-05-25", "2001-05-10"],
        }
    )
    out = claims.compare_with_flags(store, flags).set_index(["claim_id", "person_id"])
    c = out.loc[(ids["C"], JEFFORDS)]
    assert c["first_red_date"] == dt.date(2001, 5, 1)  # the earliest flag counts
    assert c["switch_date"] == jeffords_first_ind_vote
    assert c["claim_days_ahead"] == (jeffords_first_ind_vote - dt.date(2001, 5, 22)).days
    assert c["flag_days_ahead"] == (jeffords_first_ind_vote - dt.date(2001, 5, 1)).days
    assert c["earlier"] == "flag"
    # Specter's flag came after he had switched: it warned of nothing.
    a = out.loc[(ids["A"], SPECTER)]
    assert a["switch_date"] == specter_first_d_vote and a["earlier"] == "claim only"
    assert a["flag_days_ahead"] < 0
    assert out.loc[(ids["D"], CHAFEE), "earlier"] == "same"
    # A denial or a "stays" claim does not warn of a departure.
    assert not out.loc[(ids["B"], SPECTER), "departure"]
    assert pd.isna(out.loc[(ids["F"], SNOWE), "earlier"])
    assert ids["E"] not in out.index.get_level_values(0)  # counts name nobody
    with pytest.raises(InputError, match="first_red_date"):
        claims.compare_with_flags(store, pd.DataFrame({"person_id": [JEFFORDS]}))


def test_empty_store_scores(senate):
    assert claims.track_records(senate).empty
    out = claims.compare_with_flags(senate, pd.DataFrame({"person_id": [], "first_red_date": []}))
    assert out.empty and "earlier" in out.columns
