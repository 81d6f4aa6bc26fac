"""Writing votes: the ``vote`` view over integer-keyed ``vote_row`` (schema migration 3) and
``vote_cast`` (migration 4).

Reads use the view ``vote`` (``vote_event_id``, ``voter_id``, ``option``, ``position``,
``cast_code``, ``group_id``, ``role``) as before. Writes go through these functions, which
give each new vote-event, voter and group id an integer key (``vote_key_event``,
``vote_key_voter``, ``vote_key_group``) and store the keys: millions of string ids were most
of a big ingest's time, integers are a fraction of it. Votes given as Voteview cast codes go
to ``vote_cast`` (:func:`insert_cast_rows`: keys and cast code, the option and position
follow from the code), others to ``vote_row``.

Importers with many votes and few distinct ids (a roll-call file of millions of rows and a
few thousand roll calls and members) assign the keys on their small tables with
:func:`assign_keys` and insert keyed rows with :func:`insert_vote_rows`, joining the key
tables themselves (:data:`KEY_TABLES`), so no string id is built per vote. Others hand rows
with string ids to :func:`insert_votes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floorwatch.store.db import Store

__all__ = [
    "KEY_TABLES",
    "VOTE_COLUMNS",
    "VOTE_TABLES",
    "assign_keys",
    "delete_vote_pairs",
    "delete_votes",
    "insert_cast_rows",
    "insert_vote_rows",
    "insert_votes",
]

#: The key table of each kind of id a vote refers to.
KEY_TABLES = {"event": "vote_key_event", "voter": "vote_key_voter", "group": "vote_key_group"}

#: The tables of votes behind the ``vote`` view.
VOTE_TABLES = ("vote_row", "vote_cast")

#: The columns of the ``vote`` view, in order.
VOTE_COLUMNS = ("vote_event_id", "voter_id", "option", "position", "cast_code", "group_id", "role")

_ROW_COLUMNS = "event_key, voter_key, option, position, cast_code, group_key, role"

Params = Sequence[Any] | dict[str, Any] | None


def assign_keys(store: Store, kind: str, ids_sql: str, params: Params = None) -> None:
    """Give a key of ``kind`` (``event``, ``voter`` or ``group``) to every non-null id that
    ``ids_sql`` (a query of one column) yields and that has none yet. Keys are never reused or
    changed, so re-ingesting a file assigns nothing new."""
    table = KEY_TABLES[kind]
    store.execute(
        f"""INSERT INTO {table} (id, key)
        SELECT id, CAST((SELECT coalesce(max(key), 0) FROM {table})
                        + row_number() OVER (ORDER BY id) AS INTEGER)
        FROM (SELECT DISTINCT CAST(k.id AS VARCHAR) AS id FROM ({ids_sql}) AS k(id)
              WHERE k.id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = n.id)""",
        params,
    )


def insert_vote_rows(store: Store, select_sql: str, params: Params = None) -> int:
    """Insert keyed rows: ``select_sql`` yields, in order, ``event_key, voter_key, option,
    position, cast_code, group_key, role`` (keys from :func:`assign_keys`). Returns the
    number of rows inserted."""
    return int(store.scalar(f"INSERT INTO vote_row ({_ROW_COLUMNS}) {select_sql}", params) or 0)


def insert_cast_rows(store: Store, select_sql: str, params: Params = None) -> int:
    """Insert keyed votes given as Voteview cast codes (1-9; 0, not a member, is not a
    vote): ``select_sql`` yields, in order, ``event_key, voter_key, cast_code, group_key``.
    Their option and position are the cast code's (``schema.CAST_OPTION_SQL``), their role
    empty. Returns the number of rows inserted."""
    return int(
        store.scalar(
            f"INSERT INTO vote_cast (event_key, voter_key, cast_code, group_key) {select_sql}",
            params,
        )
        or 0
    )


def insert_votes(store: Store, select_sql: str, params: Params = None) -> None:
    """Insert the votes ``select_sql`` yields, with string ids: its columns are those of the
    ``vote`` view, by name (a missing one is NULL)."""
    store.execute(f"CREATE OR REPLACE TEMP TABLE _fw_new_votes AS {select_sql}", params)
    try:
        have = set(store.query("SELECT * FROM _fw_new_votes LIMIT 0").columns)
        col = {c: (f"n.{c}" if c in have else "NULL") for c in VOTE_COLUMNS}
        assign_keys(store, "event", "SELECT vote_event_id FROM _fw_new_votes")
        assign_keys(store, "voter", "SELECT voter_id FROM _fw_new_votes")
        if "group_id" in have:
            assign_keys(store, "group", "SELECT group_id FROM _fw_new_votes")
        group = "LEFT JOIN vote_key_group g ON g.id = n.group_id" if "group_id" in have else ""
        insert_vote_rows(
            store,
            f"""SELECT e.key, p.key, {col["option"]}, {col["position"]}, {col["cast_code"]},
                   {"g.key" if group else "NULL"}, {col["role"]}
            FROM _fw_new_votes n JOIN vote_key_event e ON e.id = n.vote_event_id
            JOIN vote_key_voter p ON p.id = n.voter_id {group}""",
        )
    finally:
        store.execute("DROP TABLE IF EXISTS _fw_new_votes")


def delete_votes(store: Store, event_ids_sql: str, params: Params = None) -> None:
    """Delete every vote on the vote events whose ids ``event_ids_sql`` (one column) yields."""
    for table in VOTE_TABLES:
        store.execute(
            f"""DELETE FROM {table} WHERE event_key IN (
                SELECT e.key FROM vote_key_event e WHERE e.id IN ({event_ids_sql}))""",
            params,
        )


def delete_vote_pairs(store: Store, pairs_sql: str, params: Params = None) -> None:
    """Delete the votes of the (vote event id, voter id) pairs ``pairs_sql`` yields (two
    columns, in that order)."""
    for table in VOTE_TABLES:
        store.execute(
            f"""DELETE FROM {table} WHERE EXISTS (
                SELECT 1 FROM ({pairs_sql}) AS p(ve, voter)
                JOIN vote_key_event e ON e.id = p.ve JOIN vote_key_voter k ON k.id = p.voter
                WHERE e.key = {table}.event_key AND k.key = {table}.voter_key)""",
            params,
        )
