"""Round trip through the CSV templates (issue 12, item 8): ``export --format templates``
re-imports into a fresh store unchanged, claims included. On the party-watch store (the real
Pakistan Popolo file plus the invented register of fictional people) and on Senate 107."""

from __future__ import annotations

from pathlib import Path

import pytest

import floorwatch
from floorwatch.cli import main
from floorwatch.export import TEMPLATE_ORDER

TABLES = ("person", "identifier", "other_name", "organization", "membership", "event")
TABLES += ("attendance", "vote_event", "vote", "vote_count", "whip_direction")
CLAIM_TABLES = ("claim", "claim_subject")


def _dump(db: Path, tables) -> dict[str, list[tuple]]:
    store = floorwatch.open(db, read_only=True)
    try:
        return {t: sorted(store.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}
    finally:
        store.close()


def _round_trip(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "export"
    assert main(["--db", str(src), "export", "--format", "templates", "--out", str(out)]) == 0
    fresh = tmp_path / "fresh.duckdb"
    for kind in TEMPLATE_ORDER:
        path = out / f"{kind}.csv"
        if path.exists():
            assert main(["--db", str(fresh), "ingest", "csv", kind, str(path)]) == 0, kind
    if (out / "claims.csv").exists():
        assert main(["--db", str(fresh), "claims", "import", str(out / "claims.csv")]) == 0
    return fresh


def test_party_register_and_claims_come_back_unchanged(partywatch_db, tmp_path):
    fresh = _round_trip(partywatch_db, tmp_path)
    tables = TABLES + CLAIM_TABLES
    before, after = _dump(partywatch_db, tables), _dump(fresh, tables)
    assert before["claim"] and before["attendance"] and before["other_name"]
    for t in tables:
        if t == "claim_subject":  # the reference as written becomes the resolved person id
            before[t] = [r[:2] for r in before[t]]
            after[t] = [r[:2] for r in after[t]]
        assert after[t] == before[t], t


@pytest.mark.parametrize("congress", [107])
def test_roll_calls_and_votes_come_back_unchanged(tmp_path, congress):
    from realdata import vv_senate

    src = tmp_path / "s.duckdb"
    store = floorwatch.open(src)
    floorwatch.ingest_voteview(store, *vv_senate(congress))
    store.close()
    fresh = _round_trip(src, tmp_path)
    before, after = _dump(src, TABLES), _dump(fresh, TABLES)
    # The votes template has no column for Voteview's cast code (1-9): the option and
    # position it maps to come back, the code itself does not.
    for rows in (before["vote"], after["vote"]):
        rows[:] = sorted(((*r[:4], *r[5:]) for r in rows), key=repr)
    assert before["vote"]
    for t in TABLES:
        assert after[t] == before[t], t


def test_popolo_export_keeps_claims(partywatch_db, tmp_path):
    """``export --format popolo`` keeps the claims (floorwatch's ``claims`` extension):
    ``ingest popolo`` then ``claims import`` of the same file rebuild the same tables, and
    ``claims resolve`` the same verdicts."""
    import json

    out = tmp_path / "export.json"
    assert (
        main(["--db", str(partywatch_db), "export", "--format", "popolo", "--out", str(out)]) == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    fresh = tmp_path / "fresh.duckdb"
    assert main(["--db", str(fresh), "ingest", "popolo", str(out)]) == 0
    assert main(["--db", str(fresh), "claims", "import", str(out)]) == 0
    tables = TABLES + CLAIM_TABLES
    before, after = _dump(partywatch_db, tables), _dump(fresh, tables)
    assert len(doc["claims"]) == len(before["claim"]) > 0
    assert before["attendance"] and before["other_name"]
    for t in tables:
        if t == "claim_subject":  # the reference as written becomes the resolved person id
            before[t] = [r[:2] for r in before[t]]
            after[t] = [r[:2] for r in after[t]]
        assert after[t] == before[t], t
    # Resolved again, the claims get the verdicts of the original store.
    assert main(["--db", str(fresh), "claims", "resolve"]) == 0
    cols = ("claim_id", "status", "resolved_on", "event_date", "evidence_person_id")
    before, after = (_dump_columns(db, "claim_resolution", cols) for db in (partywatch_db, fresh))
    assert {r[1] for r in before} >= {"true", "false"}
    assert after == before


def test_popolo_claims_errors_name_the_claim(tmp_path):
    """A bad claim in a Popolo file is refused with the file, line and JSON path."""
    from floorwatch.errors import InputError

    path = tmp_path / "bad.json"
    path.write_text(
        '{"persons": [],\n "claims": [\n  {"made_on": "2016-05-20", "predicts": "joins"},\n'
        '  {"made_on": "2016-02-30", "predicts": "leaves", "about": ["x"]}\n ]\n}\n',
        encoding="utf-8",
    )
    store = floorwatch.open(tmp_path / "s.duckdb")
    try:
        with pytest.raises(InputError) as err:
            floorwatch.claims.import_claims(store, path)
        assert "claims[0].organization" in str(err.value) and "line 3" in str(err.value)
        path.write_text('{"claims": [{"made_on": "2016-05-20", "colour": 1}]}', encoding="utf-8")
        with pytest.raises(InputError, match="unknown claim field"):
            floorwatch.claims.import_claims(store, path)
        path.write_text('{"persons": []}', encoding="utf-8")
        with pytest.raises(InputError, match="no 'claims' array"):
            floorwatch.claims.import_claims(store, path)
    finally:
        store.close()


def _dump_columns(db: Path, table: str, cols) -> list[tuple]:
    store = floorwatch.open(db, read_only=True)
    try:
        return sorted(
            (tuple(r[c] for c in cols) for r in store.records(f"SELECT * FROM {table}")), key=repr
        )
    finally:
        store.close()
