"""Which CTEs the Spark engine runs once (store.ctesplit): pure SQLGlot, no Spark needed."""

from __future__ import annotations

import pytest

from floorwatch.metrics import loyalty
from floorwatch.store.ctesplit import split_statement
from floorwatch.store.spark import to_spark_sql

pytest.importorskip("sqlglot")


def _split(sql: str):
    return split_statement(to_spark_sql(sql))


def test_a_cte_read_twice_is_materialised_and_the_one_under_it_only_once_is_not():
    s = _split(
        "WITH a AS (SELECT * FROM vote), b AS (SELECT * FROM a), c AS (SELECT * FROM b) "
        "SELECT * FROM c x JOIN c y ON x.voter_id = y.voter_id"
    )
    assert s.materialise == ("c",)
    parts, final = s.render({"c": "fw_c"})
    # the part holds no WITH (Spark would not match its cache inside a statement with one)
    assert [p.name for p in parts] == ["c"] and "WITH" not in parts[0].sql
    assert parts[0].sql.count("FROM vote") == 1
    assert final.sql == "SELECT * FROM fw_c AS x JOIN fw_c AS y ON x.voter_id = y.voter_id"


def test_a_cte_read_through_two_others_is_materialised_once():
    s = _split(
        "WITH a AS (SELECT * FROM vote WHERE position = 1), b AS (SELECT * FROM a), "
        "d AS (SELECT voter_id FROM a) SELECT * FROM b JOIN d ON b.voter_id = d.voter_id"
    )
    assert s.materialise == ("a",)
    parts, final = s.render({"a": "fw_a"})
    assert len(parts) == 1 and "position = 1" in parts[0].sql
    # the CTEs left stay a WITH; an unaliased reference keeps the CTE's name as alias
    assert final.sql.startswith("WITH b AS (SELECT * FROM fw_a AS a), d AS (SELECT voter_id FROM")
    assert "vote" not in final.sql.replace("voter_id", "")


def test_no_split_without_a_cte_worth_it():
    assert _split("SELECT * FROM vote") is None
    # read twice, but not from vote
    assert (
        _split("WITH e AS (SELECT * FROM vote_event) SELECT * FROM e x JOIN e y ON x.id = y.id")
        is None
    )
    # from vote, but read once
    assert _split("WITH v AS (SELECT * FROM vote) SELECT count(*) FROM v") is None


def test_markers_go_to_the_parts_that_use_them():
    s = _split(
        "WITH a AS (SELECT * FROM vote WHERE position = $pos) "
        "SELECT count(*) FROM a x JOIN a y ON x.vote_event_id = y.vote_event_id "
        "WHERE x.option = $opt"
    )
    parts, final = s.render({"a": "fw_a"})
    assert s.positional is None
    assert parts[0].params == ("pos",) and final.params == ("opt",)
    # positional markers are named in the order of the text
    s = _split(
        "WITH a AS (SELECT * FROM vote WHERE position = ?) "
        "SELECT count(*) FROM a x JOIN a y ON x.vote_event_id = y.vote_event_id "
        "WHERE x.option = ?"
    )
    parts, final = s.render({"a": "fw_a"})
    assert dict(s.positional) == {"fwp0": 0, "fwp1": 1}
    assert parts[0].params == ("fwp0",) and ":fwp0" in parts[0].sql
    assert final.params == ("fwp1",) and ":fwp1" in final.sql


def test_loyalty_runs_the_ballots_and_party_lines_once(s107_store, monkeypatch):
    """loyalty()'s statement: the votes with their parties (``bal0``, read by the ballots and
    by the ballots without a group) and the CTEs read from several places."""
    seen = []
    query = s107_store.query

    def record(sql, params=None):
        seen.append(sql)
        return query(sql, params)

    monkeypatch.setattr(s107_store, "query", record)
    loyalty(s107_store)
    (sql,) = seen
    s = _split(sql)
    assert s.materialise == ("bal0", "ballot", "line", "major")
    parts, final = s.render({n: f"fw_{n}" for n in s.materialise})
    # only the first part reads the votes; the others read its view
    assert ["FROM vote " in p.sql for p in parts] == [True, False, False, False]
    assert "FROM vote " not in final.sql and "fw_ballot AS b" in final.sql
