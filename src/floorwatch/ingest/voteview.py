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
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.ingest._common import check_utf8, fail_on_first, require_columns, require_file
from floorwatch.store import Store

__all__ = [
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


def _not_null(store: Store, table: str, columns: tuple[str, ...], file: Path) -> None:
    for c in columns:
        fail_on_first(
            store, table, f'"{c}" IS NULL', file=file, column=c, problem="the value is missing"
        )


def _load_members(store: Store, path: Path, congresses: set[int] | None) -> None:
    check_utf8(path)
    cols = store.read_csv_typed("_vv_m_raw", path, _MEMBER_TYPES, keep=_MEMBER_COLUMNS)
    require_columns(path, cols, _REQUIRED_MEMBERS)
    _not_null(store, "_vv_m_raw", ("congress", "icpsr", "party_code"), path)
    fail_on_first(
        store,
        "_vv_m_raw",
        "chamber IS NULL OR chamber NOT IN ('House', 'Senate', 'President')",
        file=path,
        column="chamber",
        problem="expected House, Senate or President but got {value!r}",
    )
    fail_on_first(
        store,
        "_vv_m_raw",
        "bioname IS NULL OR trim(bioname) = ''",
        file=path,
        column="bioname",
        problem="the member has no name",
    )
    opt = {
        c: f'"{c}"' if c in cols else "NULL"
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
    dup = store.con.execute(
        "SELECT max(_line), congress, chamber, icpsr FROM _vv_m GROUP BY congress, chamber, icpsr "
        "HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    ).fetchall()
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
        """CREATE OR REPLACE TEMP TABLE _vv_members AS
        SELECT *, CASE WHEN bioguide_id IS NOT NULL THEN 'bioguide-' || bioguide_id
                       ELSE 'icpsr-' || icpsr END AS person_id,
               CASE chamber WHEN 'House' THEN 'us-house' ELSE 'us-senate' END AS org_id
        FROM _vv_m WHERE chamber <> 'President'"""
    )


def _load_rollcalls(store: Store, path: Path) -> None:
    check_utf8(path)
    cols = store.read_csv_typed("_vv_r_raw", path, _ROLLCALL_TYPES)
    require_columns(path, cols, _REQUIRED_ROLLCALLS)
    _not_null(store, "_vv_r_raw", ("congress", "rollnumber", "date"), path)
    fail_on_first(  # DuckDB reads '-2001-01-01' (a year BC), which Python cannot hold
        store,
        "_vv_r_raw",
        "date < DATE '0001-01-01'",
        file=path,
        column="date",
        problem="the date {value} is before the year 1; expected YYYY-MM-DD",
        value_sql="CAST(date AS VARCHAR)",
    )
    fail_on_first(
        store,
        "_vv_r_raw",
        "chamber IS NULL OR chamber NOT IN ('House', 'Senate')",
        file=path,
        column="chamber",
        problem="expected House or Senate but got {value!r}",
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
               CASE chamber WHEN 'House' THEN 'us-house' ELSE 'us-senate' END AS org_id
        FROM _vv_r_raw"""
    )
    dup = store.con.execute(
        "SELECT max(_line), congress, chamber, rollnumber FROM _vv_rollcalls "
        "GROUP BY congress, chamber, rollnumber HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    ).fetchall()
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
    bad = store.con.execute(f"SELECT 1 FROM _vv_votes v WHERE {where} LIMIT 1").fetchall()
    if not bad:
        return
    lines = store.csv_lines(path, _VOTE_TYPES, where)
    raise InputError(problem, file=path, line=lines[0] if lines else None, column=column)


def _load_votes(store: Store, path: Path, have_rollcalls: bool) -> None:
    check_utf8(path)
    cols = store.read_csv_typed(
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
    if store.con.execute(f"SELECT 1 FROM _vv_votes v WHERE {any_bad} LIMIT 1").fetchall():
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
    dup = store.con.execute(
        """SELECT congress, chamber, rollnumber, icpsr FROM _vv_votes
        GROUP BY ALL HAVING count(*) > 1 LIMIT 1"""
    ).fetchall()
    if not dup:  # one person under two ICPSR numbers (a switcher) voting twice on one roll
        dup = store.con.execute(
            """SELECT v.congress, v.chamber, v.rollnumber, min(v.icpsr) FROM _vv_votes v
            JOIN (SELECT congress, chamber, icpsr, person_id FROM _vv_members
                  WHERE person_id IN (SELECT person_id FROM _vv_members GROUP BY ALL
                                      HAVING count(*) > 1)) m USING (congress, chamber, icpsr)
            WHERE v.cast_code <> 0
            GROUP BY v.congress, v.chamber, v.rollnumber, m.person_id HAVING count(*) > 1
            LIMIT 1"""
        ).fetchall()
    if dup:
        c, ch, roll, icpsr = dup[0]
        same = store.con.execute(
            "SELECT icpsr FROM _vv_members WHERE congress = ? AND chamber = ? AND person_id = "
            "(SELECT person_id FROM _vv_members WHERE congress = ? AND chamber = ? AND icpsr = ?)",
            [c, ch, c, ch, icpsr],
        ).fetchall()
        icpsrs = ",".join(str(int(r[0])) for r in same) or str(int(icpsr))
        lines = store.csv_lines(
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


def _order_switch_rows(store: Store, have_votes: bool) -> pd.DataFrame:
    """Rows of people with several party rows in one Congress and chamber, in time order.

    With votes, order by first roll call (and date by first/last dated vote). Without, by
    continuity: the ICPSR number carried from the previous Congress comes first; failing that,
    the one carried into the next Congress comes last.
    """
    multi = store.query(
        """SELECT m.person_id, m.congress, m.chamber, m.org_id, m.icpsr, m.party_code
        FROM _vv_members m
        JOIN (SELECT person_id, congress, chamber FROM _vv_members
              GROUP BY ALL HAVING count(*) > 1) g USING (person_id, congress, chamber)"""
    )
    if multi.empty:
        return multi
    if have_votes:
        span = store.query(
            """SELECT v.congress, v.chamber, v.icpsr, min(v.rollnumber) AS first_roll,
                      max(v.rollnumber) AS last_roll
            FROM _vv_votes v WHERE v.cast_code <> 0 GROUP BY ALL"""
        )
        multi = multi.merge(span, on=["congress", "chamber", "icpsr"], how="left")
    else:
        multi["first_roll"] = pd.NA
        multi["last_roll"] = pd.NA
    allrows = store.query("SELECT person_id, congress, chamber, icpsr FROM _vv_members")
    prev = allrows.rename(columns={"icpsr": "prev_icpsr"}).assign(congress=lambda d: d.congress + 1)
    nxt = allrows.rename(columns={"icpsr": "next_icpsr"}).assign(congress=lambda d: d.congress - 1)
    multi["from_prev"] = (
        multi.merge(
            prev,
            left_on=["person_id", "congress", "chamber", "icpsr"],
            right_on=["person_id", "congress", "chamber", "prev_icpsr"],
            how="left",
        )["prev_icpsr"]
        .notna()
        .to_numpy()
    )
    multi["into_next"] = (
        multi.merge(
            nxt,
            left_on=["person_id", "congress", "chamber", "icpsr"],
            right_on=["person_id", "congress", "chamber", "next_icpsr"],
            how="left",
        )["next_icpsr"]
        .notna()
        .to_numpy()
    )
    multi["k_first"] = multi["first_roll"].astype("Float64").fillna(1e12)
    multi["k_prev"] = (~multi["from_prev"]).astype(int)
    multi["k_next"] = multi["into_next"].astype(int)
    multi = multi.sort_values(
        ["person_id", "congress", "chamber", "k_first", "k_prev", "k_next", "icpsr"]
    )
    return multi.drop(columns=["k_first", "k_prev", "k_next"])


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
    # Organizations: the legislature, its chambers, the parties, the Congresses.
    store.execute(
        "INSERT OR REPLACE INTO organization (id, name, classification, jurisdiction, source) "
        "VALUES ('us-congress', 'United States Congress', 'legislature', 'national', 'voteview')"
    )
    for org_id, name in CHAMBER_NAMES.items():
        store.execute(
            "INSERT OR REPLACE INTO organization (id, name, classification, parent_id, "
            "jurisdiction, source) VALUES (?, ?, 'chamber', 'us-congress', 'national', 'voteview')",
            [org_id, name],
        )
    parties = store.query("SELECT DISTINCT party_code FROM _vv_members ORDER BY 1")
    for code in parties["party_code"]:
        name, abbr = PARTY_NAMES.get(int(code), (f"Voteview party {int(code)}", str(int(code))))
        store.execute(
            "INSERT OR REPLACE INTO organization (id, name, classification, abbreviation, "
            "jurisdiction, source) VALUES (?, ?, 'party', ?, 'national', 'voteview')",
            [party_org_id(int(code)), name, abbr],
        )
    congresses = [
        int(c) for c in store.query("SELECT DISTINCT congress FROM _vv_members")["congress"]
    ]
    for c in congresses:
        start, end = congress_dates(c)
        store.execute(
            "INSERT OR REPLACE INTO event (id, name, classification, organization_id, start_date, "
            "end_date, crucial, source) VALUES (?, ?, 'legislative period', 'us-congress', ?, ?, "
            "0, 'voteview')",
            [f"us-congress-{c}", f"{_ordinal(c)} Congress", start, end],
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
            """CREATE OR REPLACE TEMP TABLE _vv_ve AS
            SELECT CASE chamber WHEN 'House' THEN 'us-house' ELSE 'us-senate' END
                   || '-' || congress || '-' || rollnumber AS id,
                   CASE chamber WHEN 'House' THEN 'us-house' ELSE 'us-senate' END AS org_id,
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
        SELECT id, org_id, 'us-congress-' || congress, CAST(rollnumber AS VARCHAR), rollnumber,
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
    store.execute("DELETE FROM vote WHERE vote_event_id IN (SELECT id FROM _vv_ve)")
    store.execute(
        """INSERT INTO vote (vote_event_id, voter_id, option, position, cast_code, group_id, role)
        SELECT CASE v.chamber WHEN 'House' THEN 'us-house' ELSE 'us-senate' END
                   || '-' || v.congress || '-' || v.rollnumber,
               m.person_id,
               CASE WHEN v.cast_code IN (1, 3) THEN 'yes' WHEN v.cast_code IN (4, 6) THEN 'no'
                    WHEN v.cast_code IN (2, 5) THEN 'paired'
                    WHEN v.cast_code IN (7, 8) THEN 'present' ELSE 'not voting' END,
               CASE WHEN v.cast_code BETWEEN 1 AND 3 THEN 1 WHEN v.cast_code BETWEEN 4 AND 6 THEN -1
                    WHEN v.cast_code IN (7, 8) THEN 0 ELSE NULL END,
               v.cast_code, 'us-party-' || m.party_code, NULL
        FROM _vv_votes v JOIN _vv_members m USING (congress, chamber, icpsr)
        WHERE v.cast_code <> 0"""
    )
    result.votes = int(store.scalar("SELECT count(*) FROM _vv_votes WHERE cast_code <> 0"))


def _write_memberships(
    store: Store, src: str, have_votes: bool, have_dates: bool, result: VoteviewResult
) -> None:
    ms = store.query(
        """SELECT person_id, congress, chamber, org_id, icpsr, party_code, state_abbrev,
                  district_code FROM _vv_members"""
    )
    bounds = {c: congress_dates(int(c)) for c in ms["congress"].unique()}
    ms["start_date"] = [bounds[c][0] for c in ms["congress"]]
    ms["end_date"] = [bounds[c][1] for c in ms["congress"]]
    ms["start_reason"] = None
    ms["end_reason"] = None
    if have_votes and have_dates:
        # Date each member's service by their first and last recorded vote where that is
        # later (earlier) than the chamber's first (last) roll call of the Congress.
        spans = store.query(
            """WITH v AS (
                SELECT v.congress, v.chamber, v.icpsr, r.date, v.rollnumber
                FROM _vv_votes v JOIN _vv_rollcalls r USING (congress, chamber, rollnumber)
                WHERE v.cast_code <> 0),
            c AS (SELECT congress, chamber, min(date) AS c_first, max(date) AS c_last
                  FROM _vv_rollcalls GROUP BY ALL)
            SELECT v.congress, v.chamber, v.icpsr, min(v.date) AS first_date,
                   max(v.date) AS last_date, any_value(c.c_first) AS c_first,
                   any_value(c.c_last) AS c_last
            FROM v JOIN c USING (congress, chamber) GROUP BY ALL"""
        )
        ms = ms.merge(spans, on=["congress", "chamber", "icpsr"], how="left")
        later = ms["first_date"].notna() & (ms["first_date"] > ms["c_first"])
        earlier = ms["last_date"].notna() & (ms["last_date"] < ms["c_last"])
        ms.loc[later, "start_date"] = ms.loc[later, "first_date"].map(_as_date)
        ms.loc[earlier, "end_date"] = ms.loc[earlier, "last_date"].map(_as_date)
    ordered = _order_switch_rows(store, have_votes)
    switches = 0
    if not ordered.empty:
        for _, grp in ordered.groupby(["person_id", "congress", "chamber"], sort=False):
            rows = list(grp.itertuples(index=False))
            for a, b in zip(rows, rows[1:], strict=False):
                if a.party_code == b.party_code:
                    continue
                ia = (
                    (ms["congress"] == a.congress)
                    & (ms["chamber"] == a.chamber)
                    & (ms["icpsr"] == a.icpsr)
                )
                ib = (
                    (ms["congress"] == b.congress)
                    & (ms["chamber"] == b.chamber)
                    & (ms["icpsr"] == b.icpsr)
                )
                ms.loc[ia, "end_reason"] = "changed party"
                ms.loc[ib, "start_reason"] = "changed party"
                switches += 1
    result.switches = switches
    ms["id"] = (
        "vv-"
        + ms["org_id"].str[3:]
        + "-"
        + ms["congress"].astype(str)
        + "-"
        + ms["icpsr"].astype(str)
    )
    ms["area"] = [
        (s if ch == "Senate" or d in (None, "", "0") else f"{s}-{d}") if s else None
        for s, d, ch in zip(ms["state_abbrev"], ms["district_code"], ms["chamber"], strict=True)
    ]
    ms["on_behalf_of_id"] = "us-party-" + ms["party_code"].astype(str)
    ms["legislative_period_id"] = "us-congress-" + ms["congress"].astype(str)
    ms["end_reason"] = [
        r if r is not None else ("term ended" if e == bounds[c][1] else None)
        for r, e, c in zip(ms["end_reason"], ms["end_date"], ms["congress"], strict=True)
    ]
    ms["source"] = f"voteview:{src}"
    frame = ms[
        [
            "id",
            "person_id",
            "org_id",
            "on_behalf_of_id",
            "area",
            "legislative_period_id",
            "start_date",
            "end_date",
            "start_reason",
            "end_reason",
            "source",
        ]
    ].copy()
    frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["end_date"] = pd.to_datetime(frame["end_date"]).dt.date
    store.register("_vv_ms", frame)
    try:
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
    finally:
        store.unregister("_vv_ms")


def _as_date(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
