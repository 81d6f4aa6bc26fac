"""An update row's empty cells leave the stored values as they are (issue 12, item 8): an
update that ends a membership without repeating its start date must not erase the start date.
Fictional people and organizations."""

from __future__ import annotations

import datetime as dt

import floorwatch
from floorwatch.ingest import ingest_csv

HEADER = "id,person,organization,start_date,end_date,end_reason\n"


def _load(store, path, kind: str, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    ingest_csv(store, kind, path)


def test_empty_cells_of_an_update_row_keep_the_stored_values(tmp_path):
    store = floorwatch.open(tmp_path / "u.duckdb")
    _load(store, tmp_path / "o.csv", "organizations", "id,name,classification\np1,P,party\n")
    _load(store, tmp_path / "p.csv", "persons", 'id,name,sort_name,gender\nx1,X,"X, A",female\n')
    first = HEADER + "m0,x1,p1,2000-01-01,2005-12-31,left\nm1,x1,p1,2010-01-01,,\n"
    _load(store, tmp_path / "m.csv", "memberships", first)
    # Ends m1 without repeating its start date. Were the empty cell NULL, m1 would reach back
    # over m0 and the ingest would fail on the overlap; the start date would be lost.
    _load(store, tmp_path / "m2.csv", "memberships", HEADER + "m1,x1,p1,,2015-12-31,left\n")
    row = store.records("SELECT start_date, end_date, end_reason FROM membership WHERE id = 'm1'")
    assert row == [
        {"start_date": dt.date(2010, 1, 1), "end_date": dt.date(2015, 12, 31), "end_reason": "left"}
    ]
    _load(store, tmp_path / "p2.csv", "persons", "id,name,sort_name,gender\nx1,X Y,,\n")
    person = store.records("SELECT name, sort_name, gender FROM person WHERE id = 'x1'")
    assert person == [{"name": "X Y", "sort_name": "X, A", "gender": "female"}]
    # Re-ingesting the update changes nothing.
    before = store.records("SELECT * FROM membership ORDER BY id")
    _load(store, tmp_path / "m2.csv", "memberships", HEADER + "m1,x1,p1,,2015-12-31,left\n")
    assert store.records("SELECT * FROM membership ORDER BY id") == before
    store.close()
