"""Import Voteview CSV files (members, roll calls, votes).

Voteview (Lewis et al., https://voteview.com) publishes one CSV per table. Cast codes, as
documented by Voteview:

====  ====================  =========  ========
code  meaning               option     position
====  ====================  =========  ========
0     not a member          (skipped)
1     yea                   yes        +1
2     paired yea            paired     +1
3     announced yea         yes        +1
4     announced nay         no         -1
5     paired nay            paired     -1
6     nay                   no         -1
7     present (some years)  present    0
8     present               present    0
9     not voting            not voting NULL
====  ====================  =========  ========

Voteview gives a member who changes party within a Congress a second ICPSR number. We merge
the rows into one person (by Bioguide id) and record the change as a dated membership change:
the old membership ends on the date of the member's last vote under the old party and the new
one starts on the date of the first vote under the new party (``end_reason = 'changed party'``).
Without dated roll calls the change is known only to lie within the Congress. The President's
rows (chamber ``President``) are not members of a chamber and are skipped.

Voteview-layout files of other legislatures load too: a chamber other than ``House`` or
``Senate`` becomes organisation ``vv-<chamber>`` (e.g. ``vv-camara``), its ``congress`` numbers
periods ``vv-<chamber>-<n>`` dated by their first and last roll call (no US calendar), and its
party codes organisations ``vv-<chamber>-party-<code>``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from floorwatch.errors import InputError
from floorwatch.ingest._common import check_utf8, fail_on_first, require_columns, require_file
from floorwatch.store import Store
from floorwatch.store.csvread import csv_lines, read_csv_typed
from floorwatch.store.schema import CAST_OPTION_SQL, CAST_POSITION_SQL
from floorwatch.store.votes import assign_keys, delete_votes, insert_cast_rows

__all__ = [
    "CAST_OPTION_SQL",
    "CAST_POSITION_SQL",
    "PARTY_NAMES",
    "VoteviewResult",
    "congress_dates",
    "ingest_voteview",
    "party_org_id",
]

#: Names of the Voteview party codes met in modern Congresses (others get a generic name).
PARTY_NAMES = {
    100: ("Democratic Party", "D"),
    200: ("Republican Party", "R"),
    328: ("Independent", "I"),
    329: ("Independent Democrat", "ID"),
    331: ("Independent Republican", "IR"),
    347: ("Prohibitionist", "Proh"),
    370: ("Progressive Party", "Prog"),
    380: ("Socialist Party", "Soc"),
    522: ("American Labor Party", "AL"),
    537: ("Farmer-Labor Party", "FL"),
    1: ("Federalist Party", "F"),
    13: ("Democratic-Republican Party", "DR"),
    22: ("Adams", "Ad"),
    29: ("Whig Party", "W"),
    555: ("Jacksonian", "J"),
    1275: ("Anti-Jacksonian", "AJ"),
    4000: ("Anti-Administration", "AA"),
    5000: ("Pro-Administration", "PA"),
}

CHAMBERS = {"House": "us-house", "Senate": "us-senate"}
CHAMBER_NAMES = {
    "us-house": "United States House of Representatives",
    "us-senate": "United States Senate",
}

_REQUIRED_MEMBERS = ("congress", "chamber", "icpsr", "party_code", "bioname")
_REQUIRED_ROLLCALLS = ("congress", "chamber", "rollnumber", "date")
_REQUIRED_VOTES = ("congress", "chamber", "rollnumber", "icpsr", "cast_code")

_PROCEDURAL_WORDS = (
    "cloture",
    "table",
    "proceed",
    "adjourn",
    "recommit",
    "waive",
    "point of order",
    "quorum",
    "previous question",
    "rule",
    "reconsider",
    "instruct",
    "journal",
    "order",
    "suspend",
)


def _org_sql(chamber: str) -> str:
    """SQL: the organisation id of a Voteview ``chamber`` value (see the module docstring)."""
    return (
        f"CASE {chamber} WHEN 'House' THEN 'us-house' WHEN 'Senate' THEN 'us-senate' "
        f"ELSE 'vv-' || lower(regexp_replace(trim({chamber}), '[^A-Za-z0-9]+', '-', 'g')) END"
    )


def _us(org: str) -> str:
    return f"{org} IN ('us-house', 'us-senate')"


def _period_sql(org: str, congress: str) -> str:
    """SQL: the legislative period id of Congress (or period) ``congress`` of ``org``."""
    return f"CASE WHEN {_us(org)} THEN 'us-congress-' ELSE {org} || '-' END || {congress}"


def _party_sql(org: str, code: str) -> str:
    """SQL: the party organisation id of ``code`` in ``org``."""
    return f"CASE WHEN {_us(org)} THEN 'us-party-' ELSE {org} || '-party-' END || {code}"


def party_org_id(code: int) -> str:
    return f"us-party-{code}"


def congress_dates(congress: int) -> tuple[dt.date, dt.date]:
    """First and last day of a Congress (4 March before the 74th, 3 January from it)."""

    def start(n: int) -> dt.date:
        year = 1787 + 2 * n
        return dt.date(year, 3, 4) if n <= 73 else dt.date(year, 1, 3)

    return start(congress), start(congress + 1) - dt.timedelta(days=1)


def classify_question(question: str | None) -> str | None:
    """A roll-call classification from Voteview's ``vote_question`` text."""
    if not question:
        return None
    q = question.lower()
    if "nomination" in q:
        return "nomination"
    if "amendment" in q and "motion" not in q:
        return "amendment"
    if any(w in q for w in _PROCEDURAL_WORDS) or "motion" in q:
        return "procedural"
    if "passage" in q or "resolution" in q or "conference report" in q or "veto" in q:
        return "passage"
    return "other"


@dataclass
class VoteviewResult:
    """What one Voteview ingest wrote."""

    members: int = 0
    persons: int = 0
    rollcalls: int = 0
    votes: int = 0
    switches: int = 0
    skipped_president_rows: int = 0
    files: list[str] = field(default_factory=list)


_MEMBER_TYPES = {"congress": "INTEGER", "icpsr": "INTEGER", "party_code": "INTEGER"}
_MEMBER_COLUMNS = (
    *_REQUIRED_MEMBERS,
    "bioguide_id",
    "state_abbrev",
    "district_code",
    "born",
    "died",
)
_ROLLCALL_TYPES = {"congress": "INTEGER", "rollnumber": "INTEGER", "date": "DATE"}
_VOTE_TYPES = {
    "congress": "INTEGER",
    "rollnumber": "INTEGER",
    "icpsr": "INTEGER",
    "cast_code": "DOUBLE",
}


def _checks(store: Store, table: str, checks: list[tuple], file: Path) -> None:
    """Run ``fail_on_first`` for each check in order, after one scan has found that some row
    fails one of them (a clean file costs one scan, not one per check).

    Each check is ``(where, column, problem)`` or ``(where, column, problem, value_sql)``.
    """
    any_bad = " OR ".join(f"({c[0]})" for c in checks)
    if not store.rows(f"SELECT 1 FROM {table} WHERE {any_bad} LIMIT 1"):
        return
    for where, column, problem, *value_sql in checks:
        fail_on_first(
            store,
            table,
            where,
            file=file,
            column=column,
            problem=problem,
            value_sql=value_sql[0] if value_sql else None,
        )


def _missing(*columns: str) -> list[tuple[str, str, str]]:
    return [(f'"{c}" IS NULL', c, "the value is missing") for c in columns]


#: Congresses whose dates a Python date can hold (the 4105th ends in 9999).
_MAX_CONGRESS = 4105


def _congress_start_sql(n: str) -> str:
    """SQL for :func:`congress_dates`' first day of Congress ``n`` (an SQL expression)."""
    return (
        f"CASE WHEN {n} <= 73 THEN make_date(1787 + 2 * ({n}), 3, 4) "
        f"ELSE make_date(1787 + 2 * ({n}), 1, 3) END"
    )


def _load_members(store: Store, path: Path, congresses: set[int] | None) -> None:
    check_utf8(path)
    cols = read_csv_typed(store, "_vv_m_raw", path, _MEMBER_TYPES, keep=_MEMBER_COLUMNS)
    require_columns(path, cols, _REQUIRED_MEMBERS)
    _checks(
        store,
        "_vv_m_raw",
        [
            *_missing("congress", "icpsr", "party_code"),
            ("chamber IS NULL OR trim(chamber) = ''", "chamber", "the chamber is missing"),
            ("bioname IS NULL OR trim(bioname) = ''", "bioname", "the member has no name"),
            (
                f"chamber IN ('House', 'Senate', 'President') "
                f"AND (congress < 1 OR congress > {_MAX_CONGRESS})",
                "congress",
                f"Congress {{value}} does not exist; expected 1 to {_MAX_CONGRESS}",
            ),
        ],
        path,
    )
    opt = {
        c: f'"{c}"' if c in cols else "CAST(NULL AS VARCHAR)"
        for c in ("bioguide_id", "state_abbrev", "district_code", "born", "died")
    }
    where = ""
    if congresses:
        where = f"WHERE congress IN ({','.join(str(int(c)) for c in congresses)})"
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vv_m AS
        SELECT _line, congress, chamber, icpsr, party_code,
               trim(bioname) AS bioname, nullif(trim({opt["bioguide_id"]}), '') AS bioguide_id,
               {opt["state_abbrev"]} AS state_abbrev, {opt["district_code"]} AS district_code,
               {opt["born"]} AS born, {opt["died"]} AS died
        FROM _vv_m_raw {where}"""
    )
    dup = store.rows(
        "SELECT max(_line), congress, chamber, icpsr FROM _vv_m GROUP BY congress, chamber, icpsr "
        "HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    )
    dup = dup[0] if dup else None
    if dup:
        raise InputError(
            f"duplicate member row: icpsr {dup[3]} appears twice in the {dup[1]}th Congress "
            f"({dup[2]})",
            file=path,
            line=int(dup[0]),
            column="icpsr",
        )
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vv_members AS
        SELECT *, CASE WHEN bioguide_id IS NOT NULL THEN 'bioguide-' || bioguide_id
                       WHEN chamber IN ('House', 'Senate') THEN 'icpsr-' || icpsr
                       ELSE {_org_sql("chamber")} || '-icpsr-' || icpsr END AS person_id,
               {_org_sql("chamber")} AS org_id
        FROM _vv_m WHERE chamber <> 'President'"""
    )


def _load_rollcalls(store: Store, path: Path) -> None:
    check_utf8(path)
    cols = read_csv_typed(store, "_vv_r_raw", path, _ROLLCALL_TYPES)
    require_columns(path, cols, _REQUIRED_ROLLCALLS)
    _checks(
        store,
        "_vv_r_raw",
        [
            *_missing("congress", "rollnumber", "date"),
            (  # DuckDB reads '-2001-01-01' (a year BC), which Python cannot hold
                "date < DATE '0001-01-01'",
                "date",
                "the date {value} is before the year 1; expected YYYY-MM-DD",
                "CAST(date AS VARCHAR)",
            ),
            (
                "chamber IS NULL OR trim(chamber) = '' OR chamber = 'President'",
                "chamber",
                "expected the chamber's name (e.g. House, Senate) but got {value!r}",
            ),
        ],
        path,
    )
    opt = {
        c: f'"{c}"' if c in cols else "NULL"
        for c in (
            "vote_desc",
            "vote_question",
            "bill_number",
            "vote_result",
            "yea_count",
            "nay_count",
            "dtl_desc",
        )
    }
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vv_rollcalls AS
        SELECT _line, congress, chamber, rollnumber, date,
               {opt["vote_desc"]} AS vote_desc, {opt["vote_question"]} AS vote_question,
               {opt["bill_number"]} AS bill_number, {opt["vote_result"]} AS vote_result,
               TRY_CAST({opt["yea_count"]} AS INTEGER) AS yea_count,
               TRY_CAST({opt["nay_count"]} AS INTEGER) AS nay_count,
               {_org_sql("chamber")} AS org_id
        FROM _vv_r_raw"""
    )
    dup = store.rows(
        "SELECT max(_line), congress, chamber, rollnumber FROM _vv_rollcalls "
        "GROUP BY congress, chamber, rollnumber HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    )
    dup = dup[0] if dup else None
    if dup:
        raise InputError(
            f"duplicate roll call {dup[3]} of the {dup[1]}th Congress ({dup[2]})",
            file=path,
            line=int(dup[0]),
            column="rollnumber",
        )


def _vote_fail(store: Store, path: Path, where: str, column: str, problem: str) -> None:
    """Raise for the first vote row matching ``where`` (aliases: v = the votes file)."""
    bad = store.rows(f"SELECT 1 FROM _vv_votes v WHERE {where} LIMIT 1")
    if not bad:
        return
    lines = csv_lines(store, path, _VOTE_TYPES, where)
    raise InputError(problem, file=path, line=lines[0] if lines else None, column=column)


def _load_votes(store: Store, path: Path, have_rollcalls: bool) -> None:
    check_utf8(path)
    cols = read_csv_typed(
        store,
        "_vv_v_raw",
        path,
        _VOTE_TYPES,
        line=False,
        nullstr=("", "N/A", "NA"),
        keep=_REQUIRED_VOTES,
    )
    require_columns(path, cols, _REQUIRED_VOTES)
    store.execute(
        """DELETE FROM _vv_v_raw v WHERE v.chamber = 'President' OR EXISTS (
            SELECT 1 FROM _vv_m p WHERE p.chamber = 'President'
            AND p.congress = v.congress AND p.icpsr = v.icpsr)"""
    )
    store.execute("ALTER TABLE _vv_v_raw RENAME TO _vv_votes")
    # One scan finds whether any row is bad; only then is each check run to name the first.
    checks = [
        (f"v.{c} IS NULL", c, "the value is missing")
        for c in ("congress", "rollnumber", "icpsr", "cast_code")
    ]
    checks.append(
        (
            "v.cast_code NOT IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)",
            "cast_code",
            "expected a Voteview cast code 0-9",
        )
    )
    any_bad = " OR ".join(f"({w})" for w, _, _ in checks)
    if store.rows(f"SELECT 1 FROM _vv_votes v WHERE {any_bad} LIMIT 1"):
        for where, column, problem in checks:
            _vote_fail(store, path, where, column, problem)
    _vote_fail(
        store,
        path,
        "NOT EXISTS (SELECT 1 FROM _vv_members m WHERE m.congress = v.congress "
        "AND m.chamber = v.chamber AND m.icpsr = v.icpsr)",
        "icpsr",
        "unknown member: this icpsr is not in the members file for this Congress and chamber",
    )
    if have_rollcalls:
        _vote_fail(
            store,
            path,
            "NOT EXISTS (SELECT 1 FROM _vv_rollcalls r WHERE r.congress = v.congress "
            "AND r.chamber = v.chamber AND r.rollnumber = v.rollnumber)",
            "rollnumber",
            "unknown roll call: it is not in the roll-calls file",
        )
    dup = store.rows(
        """SELECT congress, chamber, rollnumber, icpsr FROM _vv_votes
        GROUP BY ALL HAVING count(*) > 1 LIMIT 1"""
    )
    if not dup:  # one person under two ICPSR numbers (a switcher) voting twice on one roll
        dup = store.rows(
            """SELECT v.congress, v.chamber, v.rollnumber, min(v.icpsr) FROM _vv_votes v
            JOIN (SELECT congress, chamber, icpsr, person_id FROM _vv_members
                  WHERE person_id IN (SELECT person_id FROM _vv_members GROUP BY ALL
                                      HAVING count(*) > 1)) m USING (congress, chamber, icpsr)
            WHERE v.cast_code <> 0
            GROUP BY v.congress, v.chamber, v.rollnumber, m.person_id HAVING count(*) > 1
            LIMIT 1"""
        )
    if dup:
        c, ch, roll, icpsr = dup[0]
        same = store.rows(
            "SELECT icpsr FROM _vv_members WHERE congress = ? AND chamber = ? AND person_id = "
            "(SELECT person_id FROM _vv_members WHERE congress = ? AND chamber = ? AND icpsr = ?)",
            [c, ch, c, ch, icpsr],
        )
        icpsrs = ",".join(str(int(r[0])) for r in same) or str(int(icpsr))
        lines = csv_lines(
            store,
            path,
            _VOTE_TYPES,
            f"v.congress = {int(c)} AND v.rollnumber = {int(roll)} AND v.icpsr IN ({icpsrs}) "
            "AND v.cast_code <> 0",
            limit=2,
        )
        line = lines[-1] if lines else None
        raise InputError(
            f"duplicate vote: the member (icpsr {icpsr}) already has a vote on roll call {roll}",
            file=path,
            line=line,
            column="icpsr",
        )


def ingest_voteview(
    store: Store,
    members: str | os.PathLike[str],
    rollcalls: str | os.PathLike[str] | None = None,
    votes: str | os.PathLike[str] | None = None,
    *,
    congresses: set[int] | None = None,
) -> VoteviewResult:
    """Load Voteview members (and optionally roll calls and votes) in one transaction.

    Re-ingesting the same files changes nothing; a newer file replaces what the older one
    gave for the same Congresses and chambers.
    """
    mpath = require_file(members)
    rpath = require_file(rollcalls) if rollcalls else None
    vpath = require_file(votes) if votes else None
    result = VoteviewResult(files=[str(p) for p in (mpath, rpath, vpath) if p])
    try:
        with store.transaction():
            _load_members(store, mpath, congresses)
            result.skipped_president_rows = int(
                store.scalar("SELECT count(*) FROM _vv_m WHERE chamber = 'President'")
            )
            if rpath:
                _load_rollcalls(store, rpath)
            if vpath:
                _load_votes(store, vpath, rpath is not None)
            _write(store, mpath, rpath, vpath, result)
    finally:
        store.drop_temp(
            "_vv_m_raw",
            "_vv_m",
            "_vv_members",
            "_vv_r_raw",
            "_vv_rollcalls",
            "_vv_v_raw",
            "_vv_votes",
            "_vv_ms",
            "_vv_ve",
        )
    return result


def _write(
    store: Store, mpath: Path, rpath: Path | None, vpath: Path | None, result: VoteviewResult
) -> None:
    src = mpath.name
    # Organizations: the legislature, its chambers, the parties, the Congresses (US rows), or
    # the chamber, its parties and periods (any other legislature).
    if store.scalar(f"SELECT count(*) FROM _vv_members WHERE {_us('org_id')}"):
        _write_us_organizations(store)
    store.execute(
        f"""INSERT OR REPLACE INTO organization (id, name, classification, source)
        SELECT DISTINCT org_id, chamber, 'chamber', 'voteview' FROM _vv_members
        WHERE NOT {_us("org_id")}"""
    )
    store.execute(
        f"""INSERT OR REPLACE INTO organization (id, name, classification, abbreviation,
            parent_id, source)
        SELECT DISTINCT {_party_sql("org_id", "party_code")}, 'Party ' || party_code, 'party',
               CAST(party_code AS VARCHAR), org_id, 'voteview'
        FROM _vv_members WHERE NOT {_us("org_id")}"""
    )
    dates = (
        "(SELECT org_id, congress, min(date) AS d0, max(date) AS d1 FROM _vv_rollcalls "
        "GROUP BY ALL)"
        if rpath
        else "(SELECT NULL AS org_id, NULL::INTEGER AS congress, NULL::DATE AS d0, "
        "NULL::DATE AS d1 WHERE false)"
    )
    store.execute(
        f"""INSERT OR REPLACE INTO event (id, name, classification, organization_id,
            start_date, end_date, crucial, source)
        SELECT DISTINCT {_period_sql("m.org_id", "m.congress")}, m.chamber || ' ' || m.congress,
               'legislative period', m.org_id, d.d0, d.d1, 0, 'voteview'
        FROM _vv_members m LEFT JOIN {dates} d USING (org_id, congress)
        WHERE NOT {_us("m.org_id")}"""
    )
    # People: one per Bioguide id (or ICPSR number where there is none). The latest row wins.
    store.execute(
        f"""INSERT OR REPLACE INTO person (id, name, sort_name, birth_date, death_date, source)
        SELECT person_id, arg_max(bioname, congress), arg_max(bioname, congress),
               arg_max(CAST(TRY_CAST(TRY_CAST(born AS DOUBLE) AS INTEGER) AS VARCHAR), congress),
               arg_max(CAST(TRY_CAST(TRY_CAST(died AS DOUBLE) AS INTEGER) AS VARCHAR), congress),
               'voteview:{src}'
        FROM _vv_members GROUP BY person_id"""
    )
    store.execute(
        """INSERT OR REPLACE INTO identifier (scheme, identifier, person_id)
        SELECT DISTINCT 'icpsr', CAST(icpsr AS VARCHAR), person_id FROM _vv_members
        UNION SELECT DISTINCT 'bioguide', bioguide_id, person_id FROM _vv_members
        WHERE bioguide_id IS NOT NULL"""
    )
    result.persons = int(store.scalar("SELECT count(DISTINCT person_id) FROM _vv_members"))
    _write_rollcalls_and_votes(store, rpath, vpath, result)
    _write_memberships(store, src, vpath is not None, rpath is not None, result)
    n = int(store.scalar("SELECT count(*) FROM _vv_members"))
    result.members = n
    store.log_ingest("voteview-members", mpath, n)
    if rpath:
        store.log_ingest("voteview-rollcalls", rpath, result.rollcalls)
    if vpath:
        store.log_ingest("voteview-votes", vpath, result.votes)


def _write_rollcalls_and_votes(
    store: Store, rpath: Path | None, vpath: Path | None, result: VoteviewResult
) -> None:
    if rpath:
        store.execute(
            """CREATE OR REPLACE TEMP TABLE _vv_ve AS
            SELECT org_id || '-' || congress || '-' || rollnumber AS id, org_id, congress,
                   rollnumber, date, vote_desc, vote_question, bill_number, vote_result,
                   yea_count, nay_count, _line
            FROM _vv_rollcalls"""
        )
    elif vpath:
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _vv_ve AS
            SELECT {_org_sql("chamber")} || '-' || congress || '-' || rollnumber AS id,
                   {_org_sql("chamber")} AS org_id,
                   congress, rollnumber, CAST(NULL AS DATE) AS date, NULL AS vote_desc,
                   NULL AS vote_question, NULL AS bill_number, NULL AS vote_result,
                   CAST(NULL AS INTEGER) AS yea_count, CAST(NULL AS INTEGER) AS nay_count,
                   CAST(NULL AS INTEGER) AS _line
            FROM (SELECT DISTINCT chamber, congress, rollnumber FROM _vv_votes)"""
        )
    else:
        return
    src = (rpath or vpath).name
    store.execute(
        f"""INSERT OR REPLACE INTO vote_event (id, organization_id, legislative_period_id,
            identifier, seq, start_date, motion_text, question, bill, result, classification,
            crucial, source)
        SELECT id, org_id, {_period_sql("org_id", "congress")}, CAST(rollnumber AS VARCHAR),
               rollnumber,
               date, vote_desc, vote_question, bill_number, vote_result,
               NULL, 0,
               'voteview:{src}' || coalesce(':' || _line, '')
        FROM _vv_ve"""
    )
    store.execute(
        """INSERT OR REPLACE INTO vote_count (vote_event_id, option, group_id, value)
        SELECT id, 'yes', '', yea_count FROM _vv_ve WHERE yea_count IS NOT NULL
        UNION ALL SELECT id, 'no', '', nay_count FROM _vv_ve WHERE nay_count IS NOT NULL"""
    )
    questions = store.query(
        "SELECT DISTINCT vote_question AS q FROM _vv_ve WHERE vote_question IS NOT NULL"
    )
    questions["c"] = [classify_question(q) for q in questions["q"]]
    store.register("_vv_q", questions)
    try:
        store.execute(
            "UPDATE vote_event SET classification = _vv_q.c FROM _vv_q "
            "WHERE vote_event.question = _vv_q.q AND vote_event.id IN (SELECT id FROM _vv_ve)"
        )
    finally:
        store.unregister("_vv_q")
    result.rollcalls = int(store.scalar("SELECT count(*) FROM _vv_ve"))
    if not vpath:
        return
    delete_votes(store, "SELECT id FROM _vv_ve")
    # Keys for the roll calls and members rows; the votes get them by joins on these small
    # tables (no string id is built per vote: store/votes.py).
    party = _party_sql("m.org_id", "m.party_code")
    assign_keys(store, "event", "SELECT id FROM _vv_ve")
    assign_keys(store, "voter", "SELECT person_id FROM _vv_members")
    assign_keys(store, "group", f"SELECT {party} FROM _vv_members m")
    insert_cast_rows(
        store,
        f"""WITH ek AS (SELECT ve.org_id, ve.congress, ve.rollnumber, e.key FROM _vv_ve ve
                        JOIN vote_key_event e ON e.id = ve.id),
             mk AS (SELECT m.congress, m.chamber, m.icpsr, m.org_id, p.key AS voter_key,
                           g.key AS group_key
                    FROM _vv_members m JOIN vote_key_voter p ON p.id = m.person_id
                    LEFT JOIN vote_key_group g ON g.id = {party})
        SELECT ek.key, mk.voter_key, v.cast_code, mk.group_key
        FROM _vv_votes v JOIN mk USING (congress, chamber, icpsr)
        JOIN ek ON ek.org_id = mk.org_id AND ek.congress = v.congress
               AND ek.rollnumber = v.rollnumber
        WHERE v.cast_code <> 0""",
    )
    result.votes = int(store.scalar("SELECT count(*) FROM _vv_votes WHERE cast_code <> 0"))


def _write_memberships(
    store: Store, src: str, have_votes: bool, have_dates: bool, result: VoteviewResult
) -> None:
    """One membership per members row, dated by its Congress, or by the member's first and
    last recorded vote where those fall inside the chamber's roll calls of the Congress.

    A person with several rows in one Congress and chamber (a party switcher: Voteview gives
    a new ICPSR number) has them put in time order: by first roll call voted; without votes,
    the ICPSR number carried from the previous Congress comes first, the one carried into the
    next Congress last. Where consecutive rows' parties differ, the earlier one ends and the
    later one starts with ``changed party``.
    """
    if have_votes:
        dated = have_dates
        span = f"""SELECT v.congress, v.chamber, v.icpsr, min(v.rollnumber) AS first_roll,
                      {"min(r.date)" if dated else "CAST(NULL AS DATE)"} AS first_date,
                      {"max(r.date)" if dated else "CAST(NULL AS DATE)"} AS last_date
               FROM _vv_votes v
               {"JOIN _vv_rollcalls r USING (congress, chamber, rollnumber)" if dated else ""}
               WHERE v.cast_code <> 0 GROUP BY ALL"""
    else:
        span = """SELECT NULL::INTEGER AS congress, NULL AS chamber, NULL::INTEGER AS icpsr,
                      NULL::INTEGER AS first_roll, NULL::DATE AS first_date,
                      NULL::DATE AS last_date WHERE false"""
    bounds = (
        "SELECT congress, chamber, min(date) AS c_first, max(date) AS c_last "
        "FROM _vv_rollcalls GROUP BY ALL"
        if have_votes and have_dates
        else "SELECT NULL::INTEGER AS congress, NULL AS chamber, NULL::DATE AS c_first, "
        "NULL::DATE AS c_last WHERE false"
    )
    c_start, c_end = _congress_start_sql("m.congress"), _congress_start_sql("m.congress + 1")
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vv_ms AS
        WITH span AS ({span}), bounds AS ({bounds}),
        m AS (
            SELECT m.*,
                   CASE WHEN {_us("m.org_id")} THEN {c_start} ELSE b.c_first END AS c_start,
                   CASE WHEN {_us("m.org_id")} THEN {c_end} - 1 ELSE b.c_last END AS c_end,
                   s.first_roll, s.first_date, s.last_date, b.c_first, b.c_last,
                   p.icpsr IS NOT NULL AS from_prev, n.icpsr IS NOT NULL AS into_next
            FROM _vv_members m
            LEFT JOIN span s USING (congress, chamber, icpsr)
            LEFT JOIN (SELECT person_id, chamber, congress + 1 AS congress, icpsr
                       FROM _vv_members) p USING (person_id, chamber, congress, icpsr)
            LEFT JOIN (SELECT person_id, chamber, congress - 1 AS congress, icpsr
                       FROM _vv_members) n USING (person_id, chamber, congress, icpsr)
            LEFT JOIN bounds b USING (congress, chamber)),
        o AS (
            SELECT *,
                   CASE WHEN first_date > c_first THEN first_date ELSE c_start END AS start_date,
                   CASE WHEN last_date < c_last THEN last_date ELSE c_end END AS end_date,
                   lag(party_code) OVER w AS prev_party, lead(party_code) OVER w AS next_party
            FROM m
            WINDOW w AS (PARTITION BY person_id, congress, chamber
                         ORDER BY coalesce(first_roll, 1e12), NOT from_prev, into_next, icpsr))
        SELECT 'vv-' || substr(org_id, 4) || '-' || congress || '-' || icpsr AS id,
               person_id, org_id, {_party_sql("org_id", "party_code")} AS on_behalf_of_id,
               CASE WHEN coalesce(state_abbrev, '') = '' THEN NULL
                    WHEN chamber = 'Senate' OR coalesce(district_code, '') IN ('', '0')
                        THEN state_abbrev
                    ELSE state_abbrev || '-' || district_code END AS area,
               {_period_sql("org_id", "congress")} AS legislative_period_id, start_date, end_date,
               CASE WHEN prev_party <> party_code THEN 'changed party' END AS start_reason,
               CASE WHEN next_party <> party_code THEN 'changed party'
                    WHEN end_date = c_end THEN 'term ended' END AS end_reason,
               'voteview:' || ? AS source
        FROM o""",
        [src],
    )
    result.switches = int(
        store.scalar("SELECT count(*) FROM _vv_ms WHERE start_reason = 'changed party'")
    )
    store.execute(
        """DELETE FROM membership WHERE source LIKE 'voteview:%' AND legislative_period_id
        IN (SELECT DISTINCT legislative_period_id FROM _vv_ms) AND organization_id IN
        (SELECT DISTINCT org_id FROM _vv_ms)"""
    )
    store.execute(
        """INSERT OR REPLACE INTO membership (id, person_id, organization_id, on_behalf_of_id,
            role, area, legislative_period_id, start_date, end_date, start_reason,
            end_reason, source)
        SELECT id, person_id, org_id, on_behalf_of_id, 'member', area, legislative_period_id,
               start_date, end_date, start_reason, end_reason, source FROM _vv_ms"""
    )


def _write_us_organizations(store: Store) -> None:
    """The US Congress, its chambers, the parties and the Congresses of the US rows."""
    store.execute(
        "INSERT OR REPLACE INTO organization (id, name, classification, jurisdiction, source) "
        "VALUES ('us-congress', 'United States Congress', 'legislature', 'national', 'voteview')"
    )
    store.execute(
        "INSERT OR REPLACE INTO organization (id, name, classification, parent_id, "
        "jurisdiction, source) VALUES "
        + ", ".join(
            "(?, ?, 'chamber', 'us-congress', 'national', 'voteview')" for _ in CHAMBER_NAMES
        ),
        [x for row in CHAMBER_NAMES.items() for x in row],
    )
    codes = _distinct(store, "party_code")
    if codes:
        parties = [
            (party_org_id(c), *PARTY_NAMES.get(c, (f"Voteview party {c}", str(c)))) for c in codes
        ]
        store.execute(
            "INSERT OR REPLACE INTO organization (id, name, classification, abbreviation, "
            "jurisdiction, source) VALUES "
            + ", ".join("(?, ?, 'party', ?, 'national', 'voteview')" for _ in parties),
            [x for row in parties for x in row],
        )
    congresses = _distinct(store, "congress")
    if congresses:
        store.execute(
            f"""INSERT OR REPLACE INTO event (id, name, classification, organization_id,
                start_date, end_date, crucial, source)
            SELECT 'us-congress-' || c, n || ' Congress', 'legislative period', 'us-congress',
                   {_congress_start_sql("c")}, {_congress_start_sql("c + 1")} - 1, 0, 'voteview'
            FROM (SELECT unnest(?) AS c, unnest(?) AS n)""",
            [congresses, [_ordinal(c) for c in congresses]],
        )


def _distinct(store: Store, column: str) -> list[int]:
    """The distinct whole numbers in a column of the US members being loaded, in order."""
    sql = f"SELECT DISTINCT {column} FROM _vv_members WHERE {_us('org_id')} ORDER BY 1"
    return [int(r[0]) for r in store.rows(sql)]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
