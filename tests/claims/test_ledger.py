"""Adding, importing and listing claims; bad input is refused whole, with file/line/column."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

import floorwatch
from floorwatch import claims
from floorwatch.errors import InputError, ReferenceError_

D, R = "us-party-100", "us-party-200"


def _count(store, table="claim"):
    return store.scalar(f"SELECT count(*) FROM {table}")


def test_import_good_file(senate, test_data):
    path = test_data / "claims" / "good.csv"
    ids = claims.import_claims(senate, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(ids) == len(rows) == _count(senate)
    assert ids[3] == "own-id-1"  # an id given in the file is kept
    frame = claims.list_claims(senate).set_index("id")
    first = frame.loc[ids[0]]
    assert first["predicts"] == "joins" and first["organization_id"] == D
    assert first["probability"] == claims.WORDING_PROBABILITIES["likely"]
    # Default window: claim_window_days (180) after the claim date.
    assert first["deadline"] == dt.date(2009, 4, 27) + dt.timedelta(days=180)
    assert first["quote"] == "Specter, it is said, will switch."
    second = frame.loc[ids[1]]
    assert second["probability"] == pytest.approx(0.9)  # "90%"
    assert second["source_kind"] == "official spokesman"  # case-insensitive vocabulary
    assert second["about"] == "bioguide-S000709"  # bioguide:S000709 and the id agree
    two = frame.loc["own-id-1"]
    assert two["about"] == "bioguide-C001040;bioguide-S000663"
    assert two["deadline"] == dt.date(2001, 12, 31)  # YYYY-MM means the month's last day
    assert pd.isna(two["organization_id"])
    count = frame.loc[ids[4]]
    assert (count["count_min"], count["count_max"], count["count_of"]) == (1, 3, R)
    assert count["deadline"] == dt.date(2001, 12, 31)  # YYYY means 31 December
    assert _count(senate, "claim_subject") == 5


def test_reimport_changes_nothing(senate, test_data):
    path = test_data / "claims" / "good.csv"
    ids = claims.import_claims(senate, path)
    before = senate.query("SELECT * FROM claim ORDER BY id")
    assert claims.import_claims(senate, path) == ids
    after = senate.query("SELECT * FROM claim ORDER BY id")
    assert before.equals(after)
    assert _count(senate, "claim_subject") == 5


@pytest.mark.parametrize(
    ("name", "column", "cls", "words"),
    [
        ("bad_unknown_person.csv", "about", ReferenceError_, "unknown person 'bioguide:X999999'"),
        ("bad_deadline.csv", "deadline", InputError, "before the date the claim was made"),
        ("bad_org.csv", "organization", ReferenceError_, "unknown organization 'us-party-999'"),
        ("bad_count_of.csv", "count_of", ReferenceError_, "unknown organization 'us-party-999'"),
        ("bad_probability.csv", "probability", InputError, "between 0 and 1"),
        ("bad_date.csv", "made_on", InputError, "'2009-02-30' is not a date"),
        ("bad_wording.csv", "wording", InputError, "unknown wording 'a dead cert'"),
        ("bad_kind.csv", "source_kind", InputError, "got 'blogger'"),
        ("bad_duplicate.csv", "id", InputError, "first at line 2"),
    ],
)
def test_bad_file_names_line_and_column_and_writes_nothing(
    senate, test_data, name, column, cls, words
):
    claims.add_claim(senate, made_on="2009-04-01", about="bioguide-S000709", predicts="stays")
    path = test_data / "claims" / name
    with pytest.raises(cls) as info:
        claims.import_claims(senate, path)
    err = info.value
    assert err.file == str(path)
    assert err.line == 4  # the bad row is the file's fourth line in every case
    assert err.column == column
    assert words in str(err)
    assert _count(senate) == 1 and _count(senate, "claim_subject") == 1


def test_file_level_errors(senate, tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("made_on,about\n2009-04-27,bioguide-S000709\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        claims.import_claims(senate, missing)
    extra = tmp_path / "extra.csv"
    extra.write_text("made_on,predicts,colour\n2009-04-27,stays,red\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown column"):
        claims.import_claims(senate, extra)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("made_on,predicts,quote\n2009-04-27,stays,caf\xe9\n".encode("latin-1"))
    with pytest.raises(floorwatch.EncodingError):
        claims.import_claims(senate, latin)
    with pytest.raises(InputError, match="no such file"):
        claims.import_claims(senate, tmp_path / "nope.csv")
    assert _count(senate) == 0


def test_template_imports_into_a_store_with_the_senates(senate):
    text = claims.template_path().read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert tuple(header) == claims.COLUMNS
    ids = claims.import_claims(senate, claims.template_path())
    assert len(ids) == len(text.strip().splitlines()) - 1 >= 5
    kinds = set(claims.list_claims(senate)["source_kind"])
    assert kinds <= set(claims.SOURCE_KINDS)


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"about": "bioguide-NOPE"}, "about"),
        ({"deadline": "2009-01-01"}, "deadline"),
        ({"organization": "us-party-999"}, "organization"),
        ({"probability": -0.1}, "probability"),
        ({"probability": "abc"}, "probability"),
        ({"made_on": "27/04/2009"}, "made_on"),
        ({"stance": "hints"}, "stance"),
        ({"predicts": "defects"}, "predicts"),
        ({"organization": None}, "organization"),  # joins needs an organization
        ({"about": None}, "about"),
        ({"count_min": 3}, "about"),  # people and a count
        ({"about": None, "count_max": 3}, "count_min"),
        ({"about": None, "count_min": 4, "count_max": 3}, "count_max"),
        ({"about": None, "count_min": -1}, "count_min"),
    ],
)
def test_add_claim_rejects_bad_input(senate, kwargs, column):
    base = {
        "made_on": "2009-04-27",
        "about": "bioguide-S000709",
        "predicts": "joins",
        "organization": D,
    }
    base.update(kwargs)
    with pytest.raises(InputError) as info:
        claims.add_claim(senate, **base)
    assert info.value.column == column
    assert info.value.file is None
    assert _count(senate) == 0


def test_stays_cannot_be_counted(senate):
    with pytest.raises(InputError, match="cannot predict 'stays'"):
        claims.add_claim(senate, made_on="2009-04-27", count_min=1, predicts="stays")


def test_add_claim_window_and_ids(senate):
    a = claims.add_claim(
        senate, made_on="2009-04-27", about="bioguide-S000709", predicts="leaves", window_days=30
    )
    row = claims.list_claims(senate, claim_ids=[a]).iloc[0]
    assert row["deadline"] == dt.date(2009, 5, 27)
    # Same content, same id; different source, different id.
    b = claims.add_claim(
        senate, made_on="2009-04-27", about="bioguide:S000709", predicts="leaves", window_days=30
    )
    c = claims.add_claim(
        senate,
        made_on="2009-04-27",
        about="bioguide-S000709",
        predicts="leaves",
        window_days=30,
        outlet="Other",
    )
    assert a == b != c
    assert _count(senate) == 2


def test_list_filters(senate, test_data):
    claims.import_claims(senate, test_data / "claims" / "good.csv")
    claims.resolve_claims(senate)
    everything = claims.list_claims(senate)
    assert len(everything) == 5
    assert list(everything["made_on"]) == sorted(everything["made_on"])
    specter = claims.list_claims(senate, person="bioguide:S000709")
    assert len(specter) == 2
    assert len(claims.list_claims(senate, outlet="Example Herald")) == 2
    assert len(claims.list_claims(senate, source_kind="analyst")) == 1
    by_status = {s: len(claims.list_claims(senate, status=s)) for s in claims.STATUSES}
    assert sum(by_status.values()) == 5
    assert (
        by_status
        == everything["status"]
        .value_counts()
        .reindex(claims.STATUSES)
        .fillna(0)
        .astype(int)
        .to_dict()
    )
    with pytest.raises(InputError):
        claims.list_claims(senate, status="maybe")
    with pytest.raises(ReferenceError_):
        claims.list_claims(senate, person="bioguide:NOPE")
    assert claims.list_claims(senate, claim_ids=[]).empty
