"""Import roll calls of any legislature with the party or group at each vote.

Three CSV files (plain or gzip): roll calls (``rollnumber``, ``date``, optional description,
counts and a period), votes (``rollnumber``, a member id, ``cast_code`` in Voteview's codes,
the party or group label at that vote) and, optionally, members (the id, a name and other
columns). Column names are found by the aliases in :data:`ALIASES` (the European
Parliament's ``mep_id``/``group``, Brazil's ``legislator_id``/``party`` load as they are) or
by an explicit mapping (``columns={"member_id": "mpid"}``). The legislature's id, name and
period come from the user; nothing assumes the US calendar.

Memberships and switches are derived from the labels (:mod:`floorwatch.ingest._labels`):
one membership per spell of one label, a switch dated between the last vote under the old
label and the first under the new; flickers and relabels (renames, mergers) are reported as
what they are. A members file's national party (the EP's ``national_party``) is stored as a
second level: the membership of the group held on behalf of the national party (Popolo's
``on_behalf_of``).

Ids: the legislature ``ID``; period event ``ID-<period>``; roll call ``ID-<period>-<rollnumber>``;
person ``ID-<member id>`` (identifier scheme ``ID``); label organisation
``ID-party-<label>`` (characters other than letters, digits, ``.`` and ``-`` written ``_xx``
in hex).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.ingest._common import check_utf8, fail_on_first, require_file
from floorwatch.ingest._labels import LabelRules, changes_sql, runs_sql, spells_sql
from floorwatch.ingest._rc_votes import TEMPS as VOTE_TEMPS
from floorwatch.ingest._rc_votes import VOTE_ROLES, VotesFile
from floorwatch.store import Store
from floorwatch.store.csvread import check_in_background, csv_header, read_csv_text
from floorwatch.store.csvread import quote_ident as _q
from floorwatch.store.votes import assign_keys, delete_votes

__all__ = ["ALIASES", "RollcallsResult", "ingest_rollcalls", "label_org_id"]

#: Accepted column names, per role, in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "rollnumber": ("rollnumber", "roll_number", "rollcall", "vote_number"),
    "date": ("date", "vote_date"),
    "period": ("period", "legislature", "term", "congress"),
    "description": ("description", "vote_desc", "title", "motion_text"),
    "question": ("question", "vote_question"),
    "bill": ("bill", "bill_number"),
    "identifier": ("identifier", "rollcall_id", "ep_rcv_identifier"),
    "yes_count": ("yea_count", "yes_count"),
    "no_count": ("nay_count", "no_count"),
    "abstain_count": ("abstain_count",),
    "member_id": ("member_id", "mep_id", "legislator_id", "mpid", "icpsr", "person_id"),
    "cast_code": ("cast_code",),
    "party": ("party", "group", "party_code", "group_id"),
    "name": ("name", "full_name", "bioname", "legislator_name"),
    "given_name": ("given_name", "first_name"),
    "family_name": ("family_name", "last_name", "surname", "rcv_name"),
    "area": ("area", "state", "country", "constituency"),
    "national_party": ("national_party", "national_party_tttp"),
}


@dataclass
class RollcallsResult:
    """What one ``ingest_rollcalls`` wrote, and the label changes found (``changes``: one row
    per change with its ``kind``: switch, flicker, relabel, no party)."""

    persons: int = 0
    rollcalls: int = 0
    votes: int = 0
    memberships: int = 0
    national_memberships: int = 0
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """Changes of one kind (``switch``, ``flicker``, ``relabel``, ``no party``)."""
        return int((self.changes["kind"] == kind).sum()) if len(self.changes) else 0


def label_org_id(legislature: str, label: str) -> str:
    """The organisation id of a party or group label (see the module docstring)."""
    keep = "".join(
        c if c.isascii() and (c.isalnum() or c in ".-") else f"_{ord(c):02x}" for c in label
    )
    return f"{legislature}-party-{keep}"


def _label_id_sql(kind: str, col: str) -> str:
    """SQL for the organisation id of label ``col`` (from ``_rc_lab``, built in Python by
    :func:`label_org_id`; kind ``party`` or ``national``)."""
    return f"(SELECT l.org_id FROM _rc_lab l WHERE l.kind = '{kind}' AND l.label = {col})"


def _make_label_table(store: Store, leg: str, labels_sql: str) -> None:
    labels = [r["label"] for r in store.records(labels_sql)]
    nationals = [
        r["n"]
        for r in store.records(
            "SELECT DISTINCT national_party AS n FROM _rc_m WHERE national_party IS NOT NULL"
        )
    ]
    frame = pd.DataFrame(
        [("party", x, label_org_id(leg, x)) for x in labels]
        + [("national", x, label_org_id(leg + "-national", x)) for x in nationals],
        columns=["kind", "label", "org_id"],
        dtype=object,
    )
    store.register("_rc_lab_frame", frame)
    try:
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _rc_lab AS SELECT CAST(kind AS VARCHAR) AS kind, "
            "CAST(label AS VARCHAR) AS label, CAST(org_id AS VARCHAR) AS org_id "
            "FROM _rc_lab_frame"
        )
    finally:
        store.unregister("_rc_lab_frame")


def _resolve(
    path: Path, header: Sequence[str], roles: Sequence[str], columns: Mapping[str, str]
) -> dict[str, str]:
    """Role -> the file's column, from ``columns`` or the first alias the header has."""
    out = {}
    for role in roles:
        if role in columns:
            if columns[role] not in header:
                raise InputError(
                    f"--columns maps {role} to {columns[role]!r}, which the file does not have; "
                    f"it has {', '.join(header)}",
                    file=path,
                    line=1,
                )
            out[role] = columns[role]
            continue
        for alias in ALIASES[role]:
            if alias in header:
                out[role] = alias
                break
    return out


def _need(path: Path, found: dict[str, str], header: Sequence[str], roles: Sequence[str]) -> None:
    missing = [r for r in roles if r not in found]
    if missing:
        names = "; ".join(f"{r} ({' or '.join(ALIASES[r])})" for r in missing)
        raise InputError(
            f"missing column(s) {names}; the file has {', '.join(header)}. "
            "Rename the column or map it with --columns ROLE=COLUMN",
            file=path,
            line=1,
        )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_ROLLCALL_ROLES = (
    "rollnumber",
    "date",
    "period",
    "description",
    "question",
    "bill",
    "identifier",
    "yes_count",
    "no_count",
    "abstain_count",
)


def _load_rollcalls(store: Store, path: Path, columns: Mapping[str, str], period: str | None):
    check_utf8(path)
    header = read_csv_text(store, "_rc_r_raw", path)
    c = _resolve(path, header, _ROLLCALL_ROLES, columns)
    _need(path, c, header, ("rollnumber", "date"))
    if "period" not in c and period is None:
        raise InputError(
            "no period: give --period (e.g. P9) or a period column "
            f"({' or '.join(ALIASES['period'])})",
            file=path,
            line=1,
        )
    for role in ("rollnumber", "date"):
        col = _q(c[role])
        fail_on_first(
            store,
            "_rc_r_raw",
            f"{col} IS NULL OR trim({col}) = ''",
            file=path,
            column=c[role],
            problem="the value is missing",
        )
    roll = _q(c["rollnumber"])
    fail_on_first(
        store,
        "_rc_r_raw",
        f"TRY_CAST(trim({roll}) AS INTEGER) IS NULL "
        f"OR NOT regexp_full_match(trim({roll}), '[0-9]+')",
        file=path,
        column=c["rollnumber"],
        problem="expected a whole number but got {value!r}",
    )
    date = _q(c["date"])
    fail_on_first(
        store,
        "_rc_r_raw",
        f"NOT regexp_full_match(trim({date}), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"OR TRY_CAST(trim({date}) AS DATE) IS NULL "
        f"OR TRY_CAST(trim({date}) AS DATE) < DATE '0001-01-01'",
        file=path,
        column=c["date"],
        problem="expected a date YYYY-MM-DD but got {value!r}",
    )
    per = f"nullif(trim({_q(c['period'])}), '')" if "period" in c else _lit(period or "")
    if "period" in c:
        fail_on_first(
            store,
            "_rc_r_raw",
            f"{per} IS NULL",
            file=path,
            column=c["period"],
            problem="the value is missing",
        )
    opt = {
        r: (_q(c[r]) if r in c else "NULL")
        for r in ("description", "question", "bill", "identifier")
    }
    cnt = {
        r: (f"TRY_CAST({_q(c[r])} AS INTEGER)" if r in c else "CAST(NULL AS INTEGER)")
        for r in ("yes_count", "no_count", "abstain_count")
    }
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rc_r AS
        SELECT _line, CAST(trim({roll}) AS INTEGER) AS rollnumber,
               CAST(trim({date}) AS DATE) AS date, {per} AS period,
               {opt["description"]} AS description, {opt["question"]} AS question,
               {opt["bill"]} AS bill, {opt["identifier"]} AS identifier,
               {cnt["yes_count"]} AS yes_count, {cnt["no_count"]} AS no_count,
               {cnt["abstain_count"]} AS abstain_count
        FROM _rc_r_raw"""
    )
    dup = store.records(
        "SELECT max(_line) AS line, rollnumber FROM _rc_r GROUP BY rollnumber "
        "HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    )
    if dup:
        raise InputError(
            f"duplicate roll call {dup[0]['rollnumber']}",
            file=path,
            line=int(dup[0]["line"]),
            column=c["rollnumber"],
        )


_MEMBER_ROLES = ("member_id", "name", "given_name", "family_name", "area", "national_party")


def _load_members(store: Store, path: Path, columns: Mapping[str, str]) -> list[str]:
    """Members into ``_rc_m`` (one row per id: the last row of the file for that id).
    Returns the identifier columns (``*_id`` columns other than the member id)."""
    check_utf8(path)
    header = read_csv_text(store, "_rc_m_raw", path)
    c = _resolve(path, header, _MEMBER_ROLES, columns)
    _need(path, c, header, ("member_id",))
    if not ({"name", "given_name", "family_name"} & set(c)):
        _need(path, c, header, ("name",))
    mid = _q(c["member_id"])
    fail_on_first(
        store,
        "_rc_m_raw",
        f"{mid} IS NULL OR trim({mid}) = ''",
        file=path,
        column=c["member_id"],
        problem="the value is missing",
    )

    def col(role: str) -> str:
        return f"nullif(trim({_q(c[role])}), '')" if role in c else "CAST(NULL AS VARCHAR)"

    full = "nullif(trim(concat_ws(' ', {g}, {f})), '')".format(
        g=col("given_name"), f=col("family_name")
    )
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rc_m AS
        SELECT trim({mid}) AS member_id,
               arg_max(coalesce({col("name")}, {full}), _line) AS name,
               arg_max({col("given_name")}, _line) AS given_name,
               arg_max({col("family_name")}, _line) AS family_name,
               arg_max({col("area")}, _line) AS area,
               arg_max({col("national_party")}, _line) AS national_party
        FROM _rc_m_raw GROUP BY trim({mid})"""
    )
    store.execute("ALTER TABLE _rc_m_raw ADD COLUMN member_id_ VARCHAR")
    store.execute(f"UPDATE _rc_m_raw SET member_id_ = {mid}")
    return [h for h in header if h.endswith("_id") and h != c["member_id"]]


def ingest_rollcalls(
    store: Store,
    legislature: str,
    rollcalls: str | os.PathLike[str],
    votes: str | os.PathLike[str],
    members: str | os.PathLike[str] | None = None,
    *,
    name: str | None = None,
    period: str | None = None,
    columns: Mapping[str, str] | None = None,
    rules: LabelRules | None = None,
    label_kind: str = "party",
) -> RollcallsResult:
    """Load roll calls with the party or group at each vote, in one transaction.

    Parameters
    ----------
    legislature:
        The legislature's id (e.g. ``ep``, ``br-camara``): prefix of every id written.
    name:
        Its name (default: the id).
    period:
        The legislative period of every roll call (e.g. ``P9``), when the roll-calls file has
        no period column (``period``, ``legislature``, ``term``, ``congress``).
    columns:
        Role -> the file's column name, for columns no alias finds (roles: :data:`ALIASES`).
    rules:
        How label changes are read (flickers, relabels, no party): :class:`LabelRules`.
    label_kind:
        The organisation classification of the labels: ``party`` or ``faction`` (e.g. the
        European Parliament's political groups).

    Re-ingesting the same files changes nothing; a new file replaces the roll calls, votes and
    derived memberships of the periods it holds.
    """
    if not legislature or not legislature.strip():
        raise InputError("the legislature id is empty; give --legislature ID")
    legislature = legislature.strip()
    store.require_writable()
    rules = rules or LabelRules()
    columns = dict(columns or {})
    rpath, vpath = require_file(rollcalls), require_file(votes)
    mpath = require_file(members) if members else None
    result = RollcallsResult(files=[str(p) for p in (rpath, vpath, mpath) if p])
    temps = (
        *VOTE_TEMPS,
        "_rc_r_raw",
        "_rc_r",
        "_rc_m_raw",
        "_rc_m",
        "_rc_sp",
        "_rc_lab",
        "_rc_runs",
    )
    try:
        # The files are read and checked into temporary tables before the transaction
        # (nothing of the store is written yet): a failed read there aborts nothing, so
        # DuckDB can read the votes file while its UTF-8 check runs (_votes_file).
        _load_rollcalls(store, rpath, columns, period)
        votes_file = _votes_file(store, vpath, columns)
        votes_file.check_file()
        id_cols: list[str] = []
        if mpath:
            id_cols = _load_members(store, mpath, columns)
        with store.transaction():
            _write(
                store,
                legislature,
                name or legislature,
                rules,
                label_kind,
                mpath,
                id_cols,
                result,
                votes_file,
            )
            store.log_ingest("rollcalls", rpath, result.rollcalls)
            store.log_ingest("rollcall-votes", vpath, result.votes)
            if mpath:
                store.log_ingest("rollcall-members", mpath, result.persons)
    finally:
        store.execute("DROP VIEW IF EXISTS _rc_v")
        store.drop_temp(*temps)
        store.unregister("_rc_relabel_frame")
    result.files = [str(p) for p in (rpath, vpath, mpath) if p]
    return result


def _votes_file(store: Store, path: Path, columns: Mapping[str, str]) -> VotesFile:
    # The UTF-8 check (most of it the gunzip) runs in a thread while DuckDB reads the file;
    # its error still comes first (csvread.check_in_background).
    pending = check_in_background(path, check_utf8)
    header = csv_header(path, pending=pending)
    try:
        c = _resolve(path, header, VOTE_ROLES, columns)
        _need(path, c, header, VOTE_ROLES)
    except InputError:
        pending.result()
        raise
    return VotesFile(store, path, c, pending=pending)


def _write(
    store: Store,
    leg: str,
    name: str,
    rules: LabelRules,
    label_kind: str,
    mpath: Path | None,
    id_cols: list[str],
    result: RollcallsResult,
    votes_file: VotesFile,
) -> None:
    L = _lit(leg)
    src = _lit("rollcalls:" + (mpath.name if mpath else "votes"))
    store.execute(
        "INSERT OR REPLACE INTO organization (id, name, classification, source) "
        "VALUES (?, ?, 'legislature', 'rollcalls')",
        [leg, name],
    )
    store.execute(
        f"""INSERT OR REPLACE INTO event (id, name, classification, organization_id,
            start_date, end_date, crucial, source)
        SELECT {L} || '-' || period, {_lit(name + " ")} || period, 'legislative period', {L},
               min(date), max(date), 0, 'rollcalls'
        FROM _rc_r GROUP BY period"""
    )
    if not mpath:
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _rc_m AS SELECT DISTINCT member_id,
                   CAST(NULL AS VARCHAR) AS name, CAST(NULL AS VARCHAR) AS given_name,
                   CAST(NULL AS VARCHAR) AS family_name, CAST(NULL AS VARCHAR) AS area,
                   CAST(NULL AS VARCHAR) AS national_party FROM ({votes_file.members_sql}) v"""
        )
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE _rc_m AS SELECT {L} || '-' || member_id AS person_id, * "
        "FROM _rc_m"
    )
    _make_label_table(store, leg, votes_file.labels_sql)
    store.execute(
        f"""INSERT OR REPLACE INTO organization (id, name, classification, abbreviation,
            parent_id, source)
        SELECT org_id, label, ?, label, {L}, 'rollcalls' FROM _rc_lab WHERE kind = 'party'""",
        [label_kind],
    )
    store.execute(
        f"""INSERT OR REPLACE INTO person (id, name, sort_name, given_name, family_name, source)
        SELECT person_id, coalesce(name, member_id), coalesce(family_name, name, member_id),
               given_name, family_name, {src} FROM _rc_m"""
    )
    ids = f"SELECT {L} AS scheme, member_id AS identifier, person_id FROM _rc_m"
    for c in id_cols:
        ids += (
            f" UNION SELECT {_lit(c[:-3])}, trim({_q(c)}), {L} || '-' || trim(member_id_) "
            f"FROM _rc_m_raw WHERE nullif(trim({_q(c)}), '') IS NOT NULL"
        )
    store.execute(
        "INSERT OR REPLACE INTO identifier (scheme, identifier, person_id) "
        f"SELECT scheme, identifier, arg_max(person_id, person_id) FROM ({ids}) i "
        "GROUP BY scheme, identifier"
    )
    result.persons = int(store.scalar("SELECT count(*) FROM _rc_m"))
    ve = f"{L} || '-' || r.period || '-' || r.rollnumber"
    store.execute(f"""CREATE OR REPLACE TEMP TABLE _rc_r AS SELECT *, {ve} AS ve_id FROM _rc_r r""")
    delete_votes(store, "SELECT ve_id FROM _rc_r")
    store.execute(
        f"""INSERT OR REPLACE INTO vote_event (id, organization_id, legislative_period_id,
            identifier, seq, start_date, motion_text, question, bill, crucial, source)
        SELECT ve_id, {L}, {L} || '-' || period,
               coalesce(identifier, CAST(rollnumber AS VARCHAR)), rollnumber, date,
               description, question, bill, 0, 'rollcalls:' || {_lit(Path(result.files[0]).name)}
                   || ':' || _line
        FROM _rc_r"""
    )
    store.execute(
        """INSERT OR REPLACE INTO vote_count (vote_event_id, option, group_id, value)
        SELECT ve_id, 'yes', '', yes_count FROM _rc_r WHERE yes_count IS NOT NULL
        UNION ALL SELECT ve_id, 'no', '', no_count FROM _rc_r WHERE no_count IS NOT NULL
        UNION ALL SELECT ve_id, 'abstain', '', abstain_count FROM _rc_r
        WHERE abstain_count IS NOT NULL"""
    )
    result.rollcalls = int(store.scalar("SELECT count(*) FROM _rc_r"))
    # Keys for the few roll calls, members and labels; the millions of votes get them by
    # joins on these small tables (no string id is built per vote: store/votes.py).
    assign_keys(store, "event", "SELECT ve_id FROM _rc_r")
    assign_keys(store, "voter", "SELECT person_id FROM _rc_m")
    assign_keys(store, "group", "SELECT org_id FROM _rc_lab WHERE kind = 'party'")
    # The votes with integer keys, written straight from the file's table (few distinct
    # roll calls, members and labels: small joins; _rc_votes.py).
    result.votes = votes_file.write(
        """SELECT r.rollnumber, e.key, r.period, r.date FROM _rc_r r
        JOIN vote_key_event e ON e.id = r.ve_id""",
        """SELECT m.member_id, p.key AS voter_key FROM _rc_m m
        JOIN vote_key_voter p ON p.id = m.person_id""",
        """SELECT l.label, g.key AS group_key FROM _rc_lab l
        JOIN vote_key_group g ON g.id = l.org_id WHERE l.kind = 'party'""",
        members_file=mpath is not None,
    )
    _write_memberships(store, leg, rules, src, result, votes_file.written_sql)


def _write_memberships(
    store: Store, leg: str, rules: LabelRules, src: str, result: RollcallsResult, votes: str
) -> None:
    L = _lit(leg)
    # the runs are found on the integer keys of members and labels (short sort keys) of the
    # votes written, then named by person id and label
    store.execute(f"CREATE OR REPLACE TEMP TABLE _rc_runs AS {runs_sql(votes)}")
    store.execute(
        """CREATE OR REPLACE TEMP TABLE _rc_runs AS
        SELECT u.* REPLACE (p.id AS person_id, l.label AS label)
        FROM _rc_runs u JOIN vote_key_voter p ON p.key = u.person_id
        JOIN (SELECT l.label, g.key FROM _rc_lab l JOIN vote_key_group g ON g.id = l.org_id
              WHERE l.kind = 'party') l ON l.key = u.label"""
    )
    relabel = None
    if rules.relabels:
        store.register(
            "_rc_relabel_frame",
            pd.DataFrame(list(rules.relabels), columns=["a", "b"], dtype=object),
        )
        relabel = "_rc_relabel_frame"
    result.changes = store.query(
        f"SELECT * FROM ({changes_sql('_rc_runs', rules, relabel)}) c "
        "ORDER BY person_id, period, last_seq_from"
    )
    store.register("_rc_changes", result.changes)
    try:
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE _rc_sp AS
            WITH s AS ({spells_sql("_rc_runs", rules)}),
            o AS (SELECT *, lead(label) OVER w AS next_label, lag(label) OVER w AS prev_label
                  FROM s WINDOW w AS (PARTITION BY person_id, period ORDER BY spell)),
            renamed AS (SELECT DISTINCT period, from_label, to_label FROM _rc_changes
                        WHERE kind = 'relabel')
            SELECT o.*,
                   CASE WHEN prev_label IS NULL THEN NULL
                        WHEN EXISTS (SELECT 1 FROM renamed x WHERE x.period = o.period
                             AND x.from_label = o.prev_label AND x.to_label = o.label)
                        THEN 'party renamed' ELSE 'changed party' END AS start_reason,
                   CASE WHEN next_label IS NULL THEN NULL
                        WHEN EXISTS (SELECT 1 FROM renamed x WHERE x.period = o.period
                             AND x.from_label = o.label AND x.to_label = o.next_label)
                        THEN 'party renamed' ELSE 'changed party' END AS end_reason
            FROM o"""
        )
    finally:
        store.unregister("_rc_changes")
    store.execute(
        f"""DELETE FROM membership WHERE source LIKE 'rollcalls:%' AND legislative_period_id IN
        (SELECT DISTINCT {L} || '-' || period FROM _rc_r)"""
    )
    base = "s.person_id || '-' || s.period || '-' || s.spell"
    store.execute(
        f"""INSERT INTO membership (id, person_id, organization_id, on_behalf_of_id, role, area,
            legislative_period_id, start_date, end_date, start_reason, end_reason, source)
        SELECT {base}, s.person_id, {L}, {_label_id_sql("party", "s.label")}, 'member', m.area,
               {L} || '-' || s.period, s.start_date, s.end_date, s.start_reason,
               s.end_reason, {src}
        FROM _rc_sp s JOIN _rc_m m USING (person_id)"""
    )
    result.memberships = int(store.scalar("SELECT count(*) FROM _rc_sp"))
    # The second level: the group membership held on behalf of the national party.
    nat = "m.national_party IS NOT NULL"
    store.execute(
        f"""INSERT OR REPLACE INTO organization (id, name, classification, abbreviation,
            jurisdiction, source)
        SELECT DISTINCT {_label_id_sql("national", "m.national_party")}, m.national_party,
               'party', NULL, arg_max(area, person_id), 'rollcalls'
        FROM _rc_m m WHERE {nat} GROUP BY national_party"""
    )
    store.execute(
        f"""INSERT INTO membership (id, person_id, organization_id, on_behalf_of_id, role, area,
            legislative_period_id, start_date, end_date, source)
        SELECT {base} || '-national', s.person_id, {_label_id_sql("party", "s.label")},
               {_label_id_sql("national", "m.national_party")}, 'member', m.area,
               {L} || '-' || s.period, s.start_date, s.end_date, {src}
        FROM _rc_sp s JOIN _rc_m m USING (person_id) WHERE {nat}"""
    )
    result.national_memberships = int(
        store.scalar(f"SELECT count(*) FROM _rc_sp s JOIN _rc_m m USING (person_id) WHERE {nat}")
    )
