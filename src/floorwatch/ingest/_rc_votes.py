"""The votes file of ``ingest rollcalls``: read, checked and written as integer-keyed rows.

Millions of votes, few distinct roll calls, members and labels. The file is read once,
without line numbers (a window over millions of rows costs a third of the read), into
``_rc_v_raw`` (roll number and cast code as DOUBLE, member id and label as read). Then:

1. one aggregate groups the rows by (member id, label) as read and the pair's 64-bit hash
   (a column computed as the file is read): a few thousand pairs
   (``_rc_vp``) with each pair's rows and the rows whose roll number or cast code is not
   a whole number or not a cast code. Blank and missing ids and labels are read off the
   pairs, trimmed there (not per vote); the labels and (with no members file) the members
   come from them too;
2. one ``INSERT ... SELECT`` writes the votes straight from ``_rc_v_raw`` into ``vote_cast``,
   joined with three small tables: roll number -> event key (``_rc_rk``), pair (its hash,
   or the two strings if two pairs share one) -> voter and group keys (``_rc_pk``) and cast
   code as read -> SMALLINT (``_rc_cc``); four integers per vote (the option and position
   follow from the cast code in the ``vote`` view: store/schema.py). Inner joins: a vote of
   an unknown roll call or member finds no key, so the rows written (plus the cast code 0
   rows, which are checked but not written) fall short of the rows read;
3. the duplicate (roll call, member) check runs on the written integer rows (a bit per
   possible pair, one pass) and so do the runs of labels (:mod:`floorwatch.ingest._labels`).

All of it inside the ingest's transaction, which rolls back when a check fails. Only then is
the file read again with each row's line (``_rc_v``, a view with the roll number, trimmed
member id and label, cast code and line) and the failing check run there to name the line:
the same errors, in the same order, as checks on a lined read.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from floorwatch.errors import InputError
from floorwatch.ingest._common import fail_on_first
from floorwatch.store import Store
from floorwatch.store.csvread import FileShape, quote_ident, read_csv_typed
from floorwatch.store.votes import insert_cast_rows

__all__ = ["VOTE_ROLES", "VotesFile"]

#: The roles of the votes file's columns.
VOTE_ROLES = ("rollnumber", "member_id", "cast_code", "party")

#: The column of ``_rc_v_raw`` with the hash of each row's (member id, label) pair.
PAIR = "_fw_pair"

#: The temporary tables and views a :class:`VotesFile` makes.
TEMPS = ("_rc_v_raw", "_rc_vp", "_rc_rk", "_rc_pk", "_rc_cc", "_rc_vz")


_q = quote_ident


def pair_hash_sql(c: dict[str, str]) -> str:
    """SQL for the hash of a row's (member id, label) pair (columns by role in ``c``)."""
    return f"hash({_q(c['member_id'])}, {_q(c['party'])})"


class VotesFile:
    """The votes file ``path``, its columns by role in ``c`` (``VOTE_ROLES``)."""

    def __init__(
        self,
        store: Store,
        path: Path,
        c: dict[str, str],
        *,
        pending: Future[FileShape] | None = None,
    ) -> None:
        self.store, self.path, self.c = store, path, c
        # Both read as DOUBLE (whole numbers checked on the pairs' aggregate; DuckDB would
        # round 1.5 into an INTEGER).
        self.types = {c["rollnumber"]: "DOUBLE", c["cast_code"]: "DOUBLE"}
        self.keep = [c[r] for r in VOTE_ROLES]
        # each row's (member id, label) pair as one 64-bit hash, computed as the file is read
        # (at no cost to the read): the pairs are grouped with it and the votes joined on it
        # (a join on the two strings cost five times as much)
        self.derived = {PAIR: pair_hash_sql(c)}
        self.pair_join = True
        self.lined = False
        read_csv_typed(
            store, "_rc_v_raw", path, self.types, keep=self.keep, line=False,
            derived=self.derived, pending=pending,
        )  # fmt: skip
        self.rows = 0
        self.zeros = 0

    # -- checks of the file alone ---------------------------------------------------------
    def _file_checks(self) -> list[dict]:
        """The checks of the file alone, in the order they name a failure (``fail_on_first``
        keyword arguments on ``_rc_v_raw``)."""
        c = self.c
        rn = _q(c["rollnumber"])
        checks = [
            {
                "where": f"{rn} IS NOT NULL AND (isnan({rn}) OR isinf({rn}) OR {rn} <> trunc({rn}) "
                f"OR {rn} < -2147483647 OR {rn} > 2147483647)",
                "column": c["rollnumber"],
                "problem": "expected a whole number but got {value!r}",
            }
        ]
        for role in VOTE_ROLES:
            col = _q(c[role])
            blank = f" OR trim({col}) = ''" if role in ("member_id", "party") else ""
            checks.append(
                {"where": f"{col} IS NULL{blank}", "column": c[role],
                 "problem": "the value is missing"}
            )  # fmt: skip
        checks.append(
            {
                "where": f"{_q(c['cast_code'])} NOT IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)",
                "column": c["cast_code"],
                "problem": "expected a Voteview cast code 0-9 but got {value!r}",
            }
        )
        return checks

    def check_file(self) -> None:
        """Group the rows by (member id, label) as read into ``_rc_vp`` and check the file
        alone on that aggregate: every roll number a whole number, every cast code 0-9, no
        value missing. A failure is named by :meth:`_name_failure`."""
        c = self.c
        rn, cc = _q(c["rollnumber"]), _q(c["cast_code"])
        bad_number = " OR ".join(
            [
                f"{rn} IS NULL",
                f"isnan({rn}) OR isinf({rn}) OR {rn} <> trunc({rn})",
                f"{rn} < -2147483647 OR {rn} > 2147483647",
                f"{cc} IS NULL",
                f"{cc} NOT IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)",
            ]
        )
        self.store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _rc_vp AS
            SELECT {PAIR} AS pair, {_q(c["member_id"])} AS raw_member,
                   {_q(c["party"])} AS raw_label,
                   count(*) AS n, count_if({bad_number}) AS bad, count_if({cc} = 0) AS zeros
            FROM _rc_v_raw GROUP BY ALL"""
        )
        agg = self.store.records(
            """SELECT coalesce(sum(n), 0) AS n, coalesce(sum(zeros), 0) AS zeros,
                      coalesce(sum(bad), 0) + count_if(raw_member IS NULL
                          OR trim(raw_member) = '' OR raw_label IS NULL
                          OR trim(raw_label) = '') AS bad,
                      count(DISTINCT pair) = count(*) AS distinct_hashes
               FROM _rc_vp"""
        )[0]
        self.rows, self.zeros = int(agg["n"]), int(agg["zeros"])
        # two pairs with one hash (never seen; about one file in 10^13 with a thousand
        # pairs): join on the strings instead
        self.pair_join = bool(agg["distinct_hashes"])
        if agg["bad"]:
            self._name_failure(self._file_checks(), "_rc_v_raw")

    @property
    def labels_sql(self) -> str:
        """The distinct labels (trimmed; one column ``label``)."""
        return "SELECT DISTINCT trim(raw_label) AS label FROM _rc_vp"

    @property
    def members_sql(self) -> str:
        """The distinct member ids (trimmed; one column ``member_id``)."""
        return "SELECT DISTINCT trim(raw_member) AS member_id FROM _rc_vp"

    # -- naming a failure -----------------------------------------------------------------
    def with_lines(self) -> None:
        """Read the file again, with each row's line in ``_line``, and make the view ``_rc_v``
        (line, roll number, trimmed member id, cast code, trimmed label)."""
        if self.lined:
            return
        c = self.c
        self.store.drop_temp("_rc_v_raw")
        read_csv_typed(
            self.store, "_rc_v_raw", self.path, self.types, keep=self.keep, derived=self.derived
        )
        self.lined = True
        self.store.execute(
            f"""CREATE OR REPLACE TEMP VIEW _rc_v AS
            SELECT _line, CAST({_q(c["rollnumber"])} AS INTEGER) AS rollnumber,
                   trim({_q(c["member_id"])}) AS member_id,
                   CAST({_q(c["cast_code"])} AS SMALLINT) AS cast_code,
                   trim({_q(c["party"])}) AS label
            FROM _rc_v_raw"""
        )

    def _name_failure(self, checks: list[dict], table: str) -> None:
        """Read the file with lines and raise the first failing check's error (a check found
        a failure, so one of them raises)."""
        self.with_lines()
        for k in checks:
            fail_on_first(self.store, table, file=self.path, **k)
        raise AssertionError(f"{self.path}: a check failed but no line was found")  # a bug

    # -- writing --------------------------------------------------------------------------
    def write(self, events_sql: str, members_sql: str, labels_sql: str, members_file: bool) -> int:
        """Write the votes into ``vote_cast``; return how many (cast code 0 is not written).

        ``events_sql`` yields (rollnumber INTEGER, key, period, date) of every roll call of
        the roll-calls file; ``members_sql`` (member_id, voter_key) of every known member id,
        ``labels_sql`` (label, group_key) of every label (trimmed).
        """
        c, store = self.c, self.store
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _rc_rk AS
            SELECT CAST(rollnumber AS DOUBLE) AS rn, * FROM ({events_sql}) e"""
        )
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _rc_pk AS
            SELECT p.pair, p.raw_member, p.raw_label, m.voter_key, l.group_key
            FROM _rc_vp p JOIN ({members_sql}) m ON m.member_id = trim(p.raw_member)
            JOIN ({labels_sql}) l ON l.label = trim(p.raw_label)"""
        )
        store.execute(
            """CREATE OR REPLACE TEMP TABLE _rc_cc AS
            SELECT CAST(code AS DOUBLE) AS d, CAST(code AS SMALLINT) AS code
            FROM range(10) t(code)"""
        )
        on_pair = (
            f"p.pair = v.{PAIR}"
            if self.pair_join
            else f"p.raw_member = v.{_q(c['member_id'])} AND p.raw_label = v.{_q(c['party'])}"
        )
        keyed = f"""FROM _rc_v_raw v
            JOIN _rc_rk r ON r.rn = v.{_q(c["rollnumber"])}
            JOIN _rc_pk p ON {on_pair}
            JOIN _rc_cc k ON k.d = v.{_q(c["cast_code"])}"""
        written = insert_cast_rows(
            store, f"SELECT r.key, p.voter_key, k.code, p.group_key {keyed} WHERE k.code <> 0"
        )
        zeros = 0
        if self.zeros:
            store.execute(
                f"""CREATE OR REPLACE TEMP TABLE _rc_vz AS
                SELECT r.key AS event_key, p.voter_key {keyed} WHERE k.code = 0"""
            )
            zeros = int(store.scalar("SELECT count(*) FROM _rc_vz"))
        else:
            store.execute(
                "CREATE OR REPLACE TEMP TABLE _rc_vz (event_key INTEGER, voter_key INTEGER)"
            )
        if written + zeros != self.rows:
            self._name_unknown(members_file)
        self._check_duplicates(written)
        return written

    @property
    def written_sql(self) -> str:
        """The votes written (columns person_id: voter key, period, seq: roll number, date,
        label: group key), for the runs of labels."""
        return """(SELECT v.voter_key AS person_id, r.period, r.rollnumber AS seq, r.date,
                   v.group_key AS label
            FROM vote_cast v JOIN _rc_rk r ON r.key = v.event_key)"""

    def _name_unknown(self, members_file: bool) -> None:
        c = self.c
        checks = [
            {
                "where": "NOT EXISTS (SELECT 1 FROM _rc_r r WHERE r.rollnumber = _rc_v.rollnumber)",
                "column": c["rollnumber"],
                "problem": "unknown roll call {value}: it is not in the roll-calls file",
                "value_sql": "rollnumber",
            }
        ]
        if members_file:
            checks.append(
                {
                    "where": "NOT EXISTS (SELECT 1 FROM _rc_m m "
                    "WHERE m.member_id = _rc_v.member_id)",
                    "column": c["member_id"],
                    "problem": "unknown member {value}: not in the members file",
                    "value_sql": "member_id",
                }
            )
        self._name_failure(checks, "_rc_v")

    def _check_duplicates(self, written: int) -> None:
        """No (roll call, member) pair twice: a bit per possible pair set by
        ``bitstring_agg`` over the written rows and the cast code 0 rows (one pass, a few
        MB); fewer bits set than rows means a repeat. A hash aggregate of the pairs where
        the keys span too wide a range. When ``vote_cast`` holds only the ``written`` rows (a
        new store), they are read without picking this file's roll calls (a third faster)."""
        store = self.store
        span = store.records(
            """SELECT (SELECT min(key) FROM _rc_rk) AS e0, (SELECT max(key) FROM _rc_rk) AS e1,
                      (SELECT min(voter_key) FROM _rc_pk) AS v0,
                      (SELECT max(voter_key) FROM _rc_pk) AS v1,
                      (SELECT count(*) FROM vote_cast) AS stored"""
        )[0]
        if span["e0"] is None or span["v0"] is None:
            return
        ours = "" if span["stored"] == written else "WHERE v.event_key IN (SELECT key FROM _rc_rk)"
        pairs = f"""(SELECT v.event_key, v.voter_key FROM vote_cast v {ours}
                    UNION ALL SELECT event_key, voter_key FROM _rc_vz)"""
        width = span["v1"] - span["v0"] + 1
        bits = (span["e1"] - span["e0"] + 1) * width
        if bits <= 1 << 31:
            dup = store.scalar(
                f"SELECT count(*) - bit_count(bitstring_agg(CAST((event_key - {span['e0']}) "
                f"AS BIGINT) * {width} + (voter_key - {span['v0']}), 0, {bits - 1})) "
                f"FROM {pairs} x"
            )
        else:
            dup = store.scalar(
                f"SELECT count(*) FROM (SELECT 1 FROM {pairs} x GROUP BY event_key, voter_key "
                "HAVING count(*) > 1 LIMIT 1)"
            )
        if not dup:
            return
        self.with_lines()
        d = store.records(
            "SELECT max(_line) AS line, rollnumber, member_id FROM _rc_v GROUP BY rollnumber, "
            "member_id HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
        )[0]
        raise InputError(
            f"duplicate vote: member {d['member_id']} already has a vote on roll call "
            f"{d['rollnumber']}",
            file=self.path,
            line=int(d["line"]),
            column=self.c["member_id"],
        )
