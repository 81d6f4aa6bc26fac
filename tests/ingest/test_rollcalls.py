"""``ingest_rollcalls`` on real rows: the EP's Fidesz switch and GUE/NGL rename (P9), Brazil's
2003 switches and the PPB -> PP rename, two levels, bad input and re-ingest."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from floorwatch.errors import InputError
from floorwatch.ingest._labels import LabelRules
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.memberships import party_at, switches


@pytest.fixture
def rc(test_data):
    return test_data / "rollcalls"


def _ep(store, rc, **kw):
    return ingest_rollcalls(
        store,
        "ep",
        rc / "EP_P9_slice_rollcalls.csv.gz",
        rc / "EP_P9_slice_votes.csv.gz",
        rc / "EP_P9_slice_members.csv.gz",
        name="European Parliament",
        period="P9",
        label_kind="faction",
        **kw,
    )


def _br(store, rc, **kw):
    return ingest_rollcalls(
        store,
        "br-camara",
        rc / "BR_2003_rollcalls.csv.gz",
        rc / "BR_2003_votes.csv.gz",
        rc / "BR_2003_members.csv.gz",
        **kw,
    )


def _stored_switches(store, legislature: str) -> set[tuple]:
    """(member id, from, to, date from, date to) of the switches in the store."""
    sw = switches(store, legislature=legislature)
    cols = ["person_id", "from_party", "to_party", "date_from", "date_to"]
    return {
        (p.removeprefix(legislature + "-"), f, t, str(a), str(b))
        for p, f, t, a, b in sw[cols].itertuples(index=False)
    }


def _file_switches(expected: pd.DataFrame, cols: list[str]) -> set[tuple]:
    """The same from a transitions file's ``kind = switch`` rows (``cols``: its columns for
    the member id, from, to)."""
    real = expected[expected.kind == "switch"]
    return set(
        zip(*(real[c] for c in cols), real.last_date_in_from, real.first_date_in_to, strict=True)
    )


def test_ep_fidesz_switch_dated_and_rename_not_a_switch(tmp_store, rc):
    result = _ep(tmp_store, rc)
    expected = pd.read_csv(rc / "EP_P9_slice_transitions.csv.gz", dtype=str)
    want = _file_switches(expected, ["mep_id", "from_group", "to_group"])
    assert _stored_switches(tmp_store, "ep") == want
    assert len(want) == 12 and {w[3:] for w in want} == {("2021-02-11", "2021-03-08")}
    # the GUE/NGL -> The Left rename is a relabel, listed only with include_renames
    renames = switches(tmp_store, legislature="ep", include_renames=True)
    renames = renames[renames.kind == "party renamed"]
    assert set(renames.person_id.str.removeprefix("ep-")) == set(
        expected[expected.kind == "group_rename"].mep_id
    )
    assert result.count("relabel") == 6 and result.count("switch") == 12
    assert party_at(tmp_store, "ep-5138", pd.Timestamp("2021-03-09").date()) == "ep-party-NI"


def test_ep_two_levels_group_on_behalf_of_national_party(tmp_store, rc):
    result = _ep(tmp_store, rc)
    members = pd.read_csv(rc / "EP_P9_slice_members.csv.gz", dtype=str)
    rows = tmp_store.query(
        """SELECT m.person_id, g.name AS grp, n.name AS national FROM membership m
        JOIN organization g ON g.id = m.organization_id
        JOIN organization n ON n.id = m.on_behalf_of_id
        WHERE g.classification = 'faction'"""
    )
    want = dict(zip("ep-" + members.mep_id, members.national_party_tttp, strict=True))
    assert set(rows.person_id) == set(want)
    assert all(want[p] == n for p, n in zip(rows.person_id, rows.national, strict=True))
    fidesz = rows[rows.person_id == "ep-5138"].sort_values("grp")
    assert list(fidesz.grp) == ["NI", "PPE"]  # one per group spell, both for Fidesz
    assert result.national_memberships == len(rows)
    # the second level is not a party spell: the chamber membership gives the group
    assert set(switches(tmp_store, include_elections=True).legislature) == {"ep"}


def test_brazil_switches_match_transitions_and_rename_is_relabel(tmp_store, rc):
    result = _br(tmp_store, rc)
    expected = pd.read_csv(rc / "BR_2003_transitions.csv.gz", dtype=str)
    want = _file_switches(expected, ["legislator_id", "from_party", "to_party"])
    assert _stored_switches(tmp_store, "br-camara") == want and len(want) == 12
    assert result.count("relabel") == 8
    assert set(switches(tmp_store).legislature) == {"br-camara"}
    periods = tmp_store.query(
        "SELECT DISTINCT legislative_period_id AS p FROM membership WHERE source LIKE 'rollcalls:%'"
    )
    assert list(periods.p) == ["br-camara-52"]  # the period from the file's legislature column


def test_reingest_changes_nothing(tmp_store, rc):
    _br(tmp_store, rc)
    before = {t: tmp_store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in ("vote", "membership")}
    counts = tmp_store.counts()
    _br(tmp_store, rc)
    assert tmp_store.counts() == counts
    for t, frame in before.items():
        pd.testing.assert_frame_equal(tmp_store.query(f"SELECT * FROM {t} ORDER BY ALL"), frame)


def test_min_run_one_makes_every_change_count(tmp_store, rc):
    default = _br(tmp_store, rc)
    strict = _br(tmp_store, rc, rules=LabelRules(min_run=1, detect_relabels=False))
    assert strict.count("flicker") == 0
    assert strict.count("switch") == (
        default.count("switch") + default.count("flicker") + default.count("relabel")
    )


def _rewrite(src, dst, edit):
    lines = gzip.open(src, "rt", newline="").read().splitlines(keepends=True)
    lines = edit(lines)
    dst.write_text("".join(lines))
    return dst


def _set_cell(index: int, field: int, value: str):
    """An edit of ``_rewrite``: field ``field`` of line ``index + 1`` set to ``value``."""

    def edit(lines):
        f = lines[index].split(",")
        f[field] = value
        lines[index] = ",".join(f)
        return lines

    return edit


def test_bad_cast_code_names_file_line_column_and_writes_nothing(tmp_store, rc, tmp_path):
    bad = _rewrite(rc / "BR_2003_votes.csv.gz", tmp_path / "votes.csv", _set_cell(5, 2, "12"))
    with pytest.raises(InputError) as err:
        ingest_rollcalls(
            tmp_store,
            "br-camara",
            rc / "BR_2003_rollcalls.csv.gz",
            bad,
            rc / "BR_2003_members.csv.gz",
        )
    e = err.value
    assert (e.file, e.line, e.column) == (str(bad), 6, "cast_code")
    assert "12" in e.problem
    assert sum(tmp_store.counts().values()) == 0


def test_unknown_roll_call_and_missing_column(tmp_store, rc, tmp_path):
    edit = _set_cell(3, 0, "999999")
    bad = _rewrite(rc / "BR_2003_votes.csv.gz", tmp_path / "votes.csv", edit)
    with pytest.raises(InputError) as err:
        ingest_rollcalls(tmp_store, "br", rc / "BR_2003_rollcalls.csv.gz", bad)
    assert (err.value.line, err.value.column) == (4, "rollnumber")

    def rename(lines):
        lines[0] = lines[0].replace("party", "whip")
        return lines

    renamed = _rewrite(rc / "BR_2003_votes.csv.gz", tmp_path / "votes2.csv", rename)
    with pytest.raises(InputError) as err:
        ingest_rollcalls(tmp_store, "br", rc / "BR_2003_rollcalls.csv.gz", renamed)
    assert err.value.line == 1 and "party" in err.value.problem and "--columns" in err.value.problem
    # the same file loads with the column mapped
    r = ingest_rollcalls(
        tmp_store, "br", rc / "BR_2003_rollcalls.csv.gz", renamed, columns={"party": "whip"}
    )
    assert r.votes > 0


@pytest.mark.parametrize("votes_before", [False, True])
def test_duplicate_vote_names_the_second_line(tmp_store, rc, tmp_path, votes_before):
    """Also in a store that holds other votes (the check then picks this file's)."""
    if votes_before:
        _ep(tmp_store, rc)
    counts = tmp_store.counts()
    bad = _rewrite(rc / "BR_2003_votes.csv.gz", tmp_path / "votes.csv", lambda ls: [*ls, ls[1]])
    with pytest.raises(InputError) as err:
        ingest_rollcalls(tmp_store, "br", rc / "BR_2003_rollcalls.csv.gz", bad)
    n = len(gzip.open(rc / "BR_2003_votes.csv.gz", "rt").read().splitlines())
    assert (err.value.line, err.value.column) == (n + 1, "legislator_id")
    assert tmp_store.counts() == counts


def test_no_period_is_an_error(tmp_store, rc):
    with pytest.raises(InputError, match="period"):
        ingest_rollcalls(
            tmp_store, "ep", rc / "EP_P9_slice_rollcalls.csv.gz", rc / "EP_P9_slice_votes.csv.gz"
        )


def test_votes_file_read_while_it_is_checked(tmp_store, rc, tmp_path):
    """DuckDB reads the votes file while its UTF-8 check runs; the check still decides: a
    stray CRLF line loads as the plain file does, a byte that is not UTF-8 is that error even
    after a ragged row (which DuckDB's read meets first), a damaged gzip file is a gzip error,
    and nothing is written."""
    src = rc / "BR_2003_votes.csv.gz"
    plain = gzip.decompress(src.read_bytes())
    lines = plain.splitlines(keepends=True)
    rolls = rc / "BR_2003_rollcalls.csv.gz"
    crlf = tmp_path / "crlf.csv.gz"
    crlf.write_bytes(gzip.compress(b"".join([*lines[:3], lines[3][:-1] + b"\r\n", *lines[4:]])))
    want = _br(tmp_store, rc).votes
    assert ingest_rollcalls(tmp_store, "br-camara", rolls, crlf).votes == want

    fresh = tmp_path / "fresh.duckdb"
    import floorwatch

    store = floorwatch.open(fresh)
    ragged = lines[2][:-1] + b",extra\n"
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(b"".join([*lines[:2], ragged, *lines[3:9], b"1,\xff\n"])))
    with pytest.raises(InputError, match="not valid UTF-8") as err:
        ingest_rollcalls(store, "br", rolls, bad)
    assert (err.value.file, err.value.line) == (str(bad), 10)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(src.read_bytes()[: len(src.read_bytes()) // 2])
    with pytest.raises(InputError, match="not a readable gzip file"):
        ingest_rollcalls(store, "br", rolls, cut)
    assert sum(store.counts().values()) == 0
    store.close()


def test_crlf_votes_file_loads_as_its_lf_copy(tmp_store, rc, tmp_path):
    """A votes file with CRLF lines (EP P8's are) is read as it is while its check runs;
    it loads as the file with LF lines does, also when a quoted label holds a CRLF (that
    read differs from the LF copy's, so the copy is read instead)."""
    import floorwatch

    lines = gzip.decompress((rc / "BR_2003_votes.csv.gz").read_bytes()).splitlines()
    head = lines[1].split(b",")
    quoted = b",".join([*head[:-1], b'"' + head[-1] + b'\r\n"'])
    rolls = rc / "BR_2003_rollcalls.csv.gz"

    def stored(data: bytes, name: str):
        path = tmp_path / f"{name}.csv.gz"
        path.write_bytes(gzip.compress(data))
        store = floorwatch.open(tmp_path / f"{name}.duckdb")
        r = ingest_rollcalls(store, "br", rolls, path)
        out = {t: store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in ("vote", "membership")}
        store.close()
        return r.votes, out

    for case, body in (("crlf", lines), ("quoted", [lines[0], quoted, *lines[2:]])):
        crlf = b"\r\n".join(body) + b"\r\n"
        n, got = stored(crlf, case)
        n_lf, want = stored(crlf.replace(b"\r\n", b"\n"), case + "-lf")
        assert n == n_lf > 0
        for t in got:
            pd.testing.assert_frame_equal(
                got[t].drop(columns="source", errors="ignore"),
                want[t].drop(columns="source", errors="ignore"),
            )


def test_pairs_that_share_a_hash_are_joined_on_their_strings(tmp_store, rc, monkeypatch):
    """The votes are joined with their (member id, label) pair's keys on the pair's hash; if
    two pairs had one hash, on the two strings: the same votes and memberships either way
    (here every pair gets hash 0)."""
    from floorwatch.ingest import _rc_votes

    _br(tmp_store, rc)
    want = {t: tmp_store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in ("vote", "membership")}
    monkeypatch.setattr(_rc_votes, "pair_hash_sql", lambda c: "CAST(0 AS UBIGINT)")
    tmp_store.execute("DELETE FROM vote_cast")
    tmp_store.execute("DELETE FROM membership")
    result = _br(tmp_store, rc)
    assert result.votes == len(want["vote"])
    for t, frame in want.items():
        pd.testing.assert_frame_equal(tmp_store.query(f"SELECT * FROM {t} ORDER BY ALL"), frame)
