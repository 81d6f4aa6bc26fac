"""Import the floorwatch CSV templates: one CSV kind per table.

A party's own records (its meeting register, attendance sheets, whip directions) and any data
without a ready importer are loaded through these templates. ``docs/csv-templates.md``
documents every kind; an example file per kind ships in ``floorwatch/templates/`` (see
:func:`template_path`). Load them in this order, so that references resolve: organizations,
persons, identifiers, other_names, memberships, events, attendance, vote_events, votes,
counts, whips.

A person is referred to by a floorwatch person id or by ``scheme:identifier`` looked up in
the identifier table (``icpsr:14240``, ``parlparse:uk.org.publicwhip/person/10001``).
Organizations, events and roll calls are referred to by id.

Every cell is checked before anything is written (types, dates, vocabularies, references,
duplicates, overlapping memberships), and the first problem raises
:class:`~floorwatch.errors.InputError` naming the file, the line, the column and the problem.
A file is written in one transaction. Rows are keyed (``id``, or e.g. ``(event_id, person)``
for attendance): re-ingesting a file changes nothing, and a newer file updates the rows with
the same keys (only the columns present in the file are overwritten).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from floorwatch.dates import date_problem, parse_date
from floorwatch.errors import InputError, ReferenceError_
from floorwatch.ingest._checks import check_overlaps, table_types, upsert
from floorwatch.ingest._common import check_utf8, require_file
from floorwatch.store import Store
from floorwatch.store.csvread import csv_rows, csv_text
from floorwatch.store.schema import (
    ATTENDANCE_STATUSES,
    END_REASONS,
    EVENT_CLASSIFICATIONS,
    ORGANIZATION_CLASSIFICATIONS,
    VOTE_EVENT_CLASSIFICATIONS,
    VOTE_OPTIONS,
    WHIP_DIRECTIONS,
)
from floorwatch.store.votes import delete_vote_pairs

__all__ = [
    "KINDS",
    "Column",
    "CsvResult",
    "Kind",
    "ingest_csv",
    "template_path",
]


@dataclass(frozen=True)
class Column:
    """One column of a CSV template.

    ``type`` is one of ``id`` (text without surrounding spaces), ``text``, ``date`` (YYYY-MM-DD;
    YYYY and YYYY-MM widen to the first day), ``end_date`` (the same, widening to the last
    day), ``partial_date`` (a date kept as written, YYYY, YYYY-MM or YYYY-MM-DD), ``weight``
    (a number from 0 to 1), ``int``, ``count`` (a whole number >= 0), ``enum`` (one of
    ``vocab``, case-insensitive), or a reference: ``person``, ``organization``, ``event``,
    ``vote_event``.
    """

    name: str
    type: str = "text"
    required: bool = False
    target: str | None = None
    vocab: tuple[str, ...] = ()
    help: str = ""

    @property
    def to(self) -> str:
        return self.target or self.name


@dataclass(frozen=True)
class Kind:
    """A CSV template: its columns, the table it fills and the key of a row."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_SOURCE = Column("source", help="Where the row comes from (default: csv:FILE).")

#: The CSV kinds, by name.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "organizations",
            "organization",
            (
                Column("id", "id", True),
                Column("name", required=True),
                Column("classification", "enum", True, vocab=ORGANIZATION_CLASSIFICATIONS),
                Column("parent", "organization", target="parent_id"),
                Column("abbreviation"),
                Column("jurisdiction"),
                Column("founding_date", "date"),
                Column("dissolution_date", "end_date"),
                _SOURCE,
            ),
            ("id",),
            "Legislatures, chambers, parties, factions, coalitions, party bodies, committees.",
        ),
        Kind(
            "persons",
            "person",
            (
                Column("id", "id", True),
                Column("name", required=True),
                Column("sort_name"),
                Column("given_name"),
                Column("family_name"),
                Column("gender"),
                Column("birth_date", "partial_date"),
                Column("death_date", "partial_date"),
                _SOURCE,
            ),
            ("id",),
            "People.",
        ),
        Kind(
            "identifiers",
            "identifier",
            (
                Column("person", "person", True, target="person_id"),
                Column("scheme", "id", True),
                Column("identifier", "id", True),
            ),
            ("scheme", "identifier"),
            "Identifiers of people in other schemes (icpsr, bioguide, parlparse, wikidata...).",
        ),
        Kind(
            "other_names",
            "other_name",
            (
                Column("person", "person", True, target="person_id"),
                Column("name", required=True),
                Column("lang", "id"),
                Column("note"),
            ),
            ("person_id", "name", "lang"),
            "Other names of people, e.g. in another script (lang: an ISO 639 code).",
        ),
        Kind(
            "memberships",
            "membership",
            (
                Column("id", "id"),
                Column("person", "person", True, target="person_id"),
                Column("organization", "organization", True, target="organization_id"),
                Column("on_behalf_of", "organization", target="on_behalf_of_id"),
                Column("role"),
                Column("area"),
                Column("legislative_period", "event", target="legislative_period_id"),
                Column("start_date", "date"),
                Column("end_date", "end_date"),
                Column("start_reason", "enum", vocab=END_REASONS),
                Column("end_reason", "enum", vocab=END_REASONS),
                _SOURCE,
            ),
            ("id",),
            "Dated memberships: a seat held on behalf of a party, or a party membership.",
        ),
        Kind(
            "events",
            "event",
            (
                Column("id", "id", True),
                Column("name"),
                Column("classification", "enum", True, vocab=EVENT_CLASSIFICATIONS),
                Column("organization", "organization", target="organization_id"),
                Column("legislative_period", "event", target="legislative_period_id"),
                Column("start_date", "date", True),
                Column("end_date", "end_date"),
                Column("crucial", "weight"),
                _SOURCE,
            ),
            ("id",),
            "Sittings, party meetings, committee meetings; crucial is a weight from 0 to 1.",
        ),
        Kind(
            "attendance",
            "attendance",
            (
                Column("event_id", "event", True),
                Column("person", "person", True, target="person_id"),
                Column("status", "enum", True, vocab=ATTENDANCE_STATUSES),
                Column("note"),
                _SOURCE,
            ),
            ("event_id", "person_id"),
            "Who attended an event.",
        ),
        Kind(
            "vote_events",
            "vote_event",
            (
                Column("id", "id", True),
                Column("organization", "organization", True, target="organization_id"),
                Column("legislative_period", "event", target="legislative_period_id"),
                Column("identifier"),
                Column("seq", "int"),
                Column("date", "date", target="start_date"),
                Column("motion", target="motion_text"),
                Column("question"),
                Column("bill"),
                Column("result"),
                Column("classification", "enum", vocab=VOTE_EVENT_CLASSIFICATIONS),
                Column("crucial", "weight"),
                _SOURCE,
            ),
            ("id",),
            "Roll calls (divisions).",
        ),
        Kind(
            "votes",
            "vote",
            (
                Column("vote_event_id", "vote_event", True),
                Column("person", "person", True, target="voter_id"),
                Column("option", "enum", True, vocab=VOTE_OPTIONS),
                Column("role"),
                Column("group", "organization", target="group_id"),
            ),
            ("vote_event_id", "voter_id"),
            "How each person voted in a roll call; role 'teller' for tellers.",
        ),
        Kind(
            "counts",
            "vote_count",
            (
                Column("vote_event_id", "vote_event", True),
                Column("option", "enum", True, vocab=VOTE_OPTIONS),
                Column("group", "organization", target="group_id"),
                Column("value", "count", True),
            ),
            ("vote_event_id", "option", "group_id"),
            "Totals per option of a roll call (optionally per party).",
        ),
        Kind(
            "whips",
            "whip_direction",
            (
                Column("vote_event_id", "vote_event", True),
                Column("party", "organization", True, target="organization_id"),
                Column("direction", "enum", True, vocab=WHIP_DIRECTIONS),
                Column("strength"),
                _SOURCE,
            ),
            ("vote_event_id", "organization_id"),
            "A party's whip per roll call; strength e.g. one-line, two-line, three-line.",
        ),
    )
}

#: Date ranges checked for order (start column, end column) per kind.
_RANGES = {
    "organizations": ("founding_date", "dissolution_date"),
    "memberships": ("start_date", "end_date"),
    "events": ("start_date", "end_date"),
}

_POSITION = {"yes": 1, "no": -1, "abstain": 0, "present": 0}
_REF_TABLES = {"organization": "organization", "event": "event", "vote_event": "vote_event"}


@dataclass
class CsvResult:
    """What one CSV ingest wrote."""

    kind: str
    file: str
    rows: int = 0
    columns: list[str] = field(default_factory=list)


def template_path(kind: str) -> Path:
    """The example file shipped for ``kind`` (``floorwatch/templates/<kind>.csv``)."""
    _kind(kind)
    return Path(str(resources.files("floorwatch") / "templates" / f"{kind}.csv"))


def _kind(name: str) -> Kind:
    key = name.strip().lower().replace("-", "_")
    if key == "claims":
        raise InputError(
            "claims are loaded by the claims ledger: floorwatch.claims.import_claims(store, "
            "path), or `floorwatch claims import FILE` (`floorwatch ingest csv claims FILE` "
            "calls it too)"
        )
    if key not in KINDS:
        raise InputError(f"unknown CSV kind {name!r}; expected one of {', '.join(KINDS)}")
    return KINDS[key]


def _read_rows(path: Path, kind: Kind) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = csv_text(path)
    if not text.strip():
        raise InputError("the file is empty (expected a header line and rows)", file=path, line=1)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for line, row in csv_rows(path, text):
        if not "".join(row).strip():  # only blank cells
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        rows.append((line, row))
    if header is None:  # only blank lines, or lines of empty cells
        raise InputError("the file has no header line (only empty lines)", file=path, line=1)
    known = [c.name for c in kind.columns]
    for name in header:
        if not name:
            raise InputError("a column has no name in the header", file=path, line=1)
        if header.count(name) > 1:
            raise InputError(f"column {name!r} appears twice", file=path, line=1, column=name)
        if name not in known:
            raise InputError(
                f"unknown column {name!r}; the {kind.name} template has columns {', '.join(known)}",
                file=path,
                line=1,
                column=name,
            )
    missing = [c.name for c in kind.columns if c.required and c.name not in header]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)}; the file has {', '.join(header)}",
            file=path,
            line=1,
        )
    if not rows:
        raise InputError("the file has a header but no rows", file=path, line=2)
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(
                f"expected {len(header)} fields (as in the header) but got {len(row)}",
                file=path,
                line=line,
            )
    return header, rows


def _cell(path: Path, line: int, col: Column, raw: str) -> Any:
    text = raw.strip()
    if not text:
        if col.required:
            raise InputError(f"{col.name} is required", file=path, line=line, column=col.name)
        return 0.0 if col.type == "weight" else None  # an empty weight means 0 (docs)
    t = col.type
    if t in ("text", "person", "organization", "event", "vote_event"):
        return text
    if t == "id":
        return text
    if t in ("date", "end_date", "partial_date"):
        value = parse_date(
            text,
            partial=True,
            stamp=True,
            end=t == "end_date",
            file=path,
            line=line,
            column=col.name,
        )
        if len(text) not in (4, 7, 10):
            raise InputError(
                date_problem(text, partial=True),
                file=path,
                line=line,
                column=col.name,
            )
        return text if t == "partial_date" else value
    if t == "enum":
        value = text.lower()
        if value not in col.vocab:
            raise InputError(
                f"{text!r} is not an allowed value; expected one of {', '.join(col.vocab)}",
                file=path,
                line=line,
                column=col.name,
            )
        return value
    if t == "weight":
        try:
            w = float(text)
        except ValueError:
            w = -1.0
        if not 0.0 <= w <= 1.0:
            raise InputError(
                f"expected a number from 0 to 1 but got {text!r}",
                file=path,
                line=line,
                column=col.name,
            )
        return w
    if t in ("int", "count"):
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or (t == "count" and n < 0):
            what = "a whole number >= 0" if t == "count" else "a whole number"
            raise InputError(
                f"expected {what} but got {text!r}", file=path, line=line, column=col.name
            )
        return n
    raise AssertionError(t)  # pragma: no cover


def ingest_csv(store: Store, kind: str, path: str | os.PathLike[str]) -> CsvResult:
    """Load one CSV template file of ``kind`` into ``store`` in one transaction.

    Parameters
    ----------
    store:
        An open, writable store.
    kind:
        One of :data:`KINDS` (``persons``, ``organizations``, ``memberships``, ``events``,
        ``attendance``, ``vote_events``, ``votes``, ``counts``, ``whips``, ``identifiers``,
        ``other_names``).
    path:
        The CSV file: UTF-8, comma-separated, a header line naming the columns.

    Raises
    ------
    InputError, ReferenceError_, EncodingError
        The first problem found, with file, line and column; nothing is written.
    """
    spec = _kind(kind)
    path = require_file(path)
    check_utf8(path)
    header, rows = _read_rows(path, spec)
    cols = [spec.column(h) for h in header]
    records: list[dict[str, Any]] = []
    for line, row in rows:
        rec: dict[str, Any] = {"_line": line}
        for col, raw in zip(cols, row, strict=True):
            rec[col.to] = _cell(path, line, col, raw)
        if spec.name in _RANGES:
            a, b = (spec.column(c).to for c in _RANGES[spec.name])
            if rec.get(a) is not None and rec.get(b) is not None and rec[b] < rec[a]:
                raise InputError(
                    f"dates out of order: {b} {rec[b]} is before {a} {rec[a]}",
                    file=path,
                    line=line,
                    column=_RANGES[spec.name][1],
                )
        records.append(rec)
    frame = pd.DataFrame(records, dtype=object)
    _resolve(store, spec, cols, frame, path)
    _complete(spec, header, frame, path)
    _check_duplicates(spec, frame, path, header)
    with store.transaction():
        _keep_stored(store, spec, frame)
        if spec.name == "memberships":
            store.register("_csv_ms", _membership_frame(frame))
            try:
                check_overlaps(
                    store,
                    "_csv_ms",
                    file=path,
                    where=lambda line: (int(line), "start_date"),
                )
            finally:
                store.unregister("_csv_ms")
        _write(store, spec, frame)
        store.log_ingest(f"csv-{spec.name}", path, len(frame))
    return CsvResult(spec.name, str(path), len(frame), header)


def _plain(value: Any) -> Any:
    """A stored value as the CSV reader gives it (dates as ``date``, NULL as None)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _keep_stored(store: Store, spec: Kind, frame: pd.DataFrame) -> None:
    """An update row's empty cells keep the stored values: a row whose key is stored already
    changes only the cells it fills (an empty ``start_date`` never erases a stored one). Votes
    are replaced whole (see :func:`_write`)."""
    if spec.table == "vote" or frame.empty:
        return
    key = list(spec.key)
    types = table_types(store, spec.table)
    cols = [c for c in frame.columns if c in types and c not in key]
    if not cols or not all(k in frame.columns for k in key):
        return
    if not frame[cols].isna().to_numpy().any():
        return
    keys = frame[key].astype(object).where(frame[key].notna(), None)
    store.register("_csv_keys", keys)
    try:
        on = " AND ".join(f't."{k}" = k."{k}"' for k in key)
        picked = ", ".join([f't."{k}"' for k in key] + [f't."{c}"' for c in cols])
        stored = store.query(f"SELECT {picked} FROM {spec.table} t JOIN _csv_keys k ON {on}")
    finally:
        store.unregister("_csv_keys")
    if stored.empty:
        return
    index = {
        tuple(_plain(v) for v in r[: len(key)]): r[len(key) :]
        for r in stored.itertuples(index=False)
    }
    for i, row in frame.iterrows():
        old = index.get(tuple(_plain(row[k]) for k in key))
        if old is None:
            continue
        for c, value in zip(cols, old, strict=True):
            if row[c] is None or (isinstance(row[c], float) and row[c] != row[c]):
                frame.at[i, c] = _plain(value)


def _resolve(store: Store, spec: Kind, cols: list[Column], frame: pd.DataFrame, path: Path):
    """Replace references by ids; fail on the first unknown one."""
    for col in cols:
        if col.type == "person":
            _resolve_persons(store, col, frame, path)
        elif col.type in _REF_TABLES:
            known = {r[0] for r in store.rows(f"SELECT id FROM {_REF_TABLES[col.type]}")}
            if spec.table == _REF_TABLES[col.type]:  # e.g. an organization's parent in the file
                known |= set(frame["id"].dropna())
            bad = frame[frame[col.to].notna() & ~frame[col.to].isin(known)]
            if not bad.empty:
                row = bad.iloc[0]
                what = col.type.replace("_", " ")
                raise ReferenceError_(
                    f"unknown {what} {row[col.to]!r}: load it first (the {what} must be in "
                    "the store or, for a parent, in this file)",
                    file=path,
                    line=int(row["_line"]),
                    column=col.name,
                )


def _resolve_persons(store: Store, col: Column, frame: pd.DataFrame, path: Path) -> None:
    refs = pd.DataFrame({"ref": sorted(set(frame[col.to].dropna()))}, dtype=object)
    store.register("_csv_refs", refs)
    try:
        mapping = store.query(
            """SELECT r.ref, coalesce(p.id, i.person_id) AS person_id
            FROM _csv_refs r
            LEFT JOIN person p ON p.id = r.ref
            LEFT JOIN identifier i ON p.id IS NULL AND position(':' IN r.ref) > 0
                 AND i.scheme = substring(r.ref FROM 1 FOR position(':' IN r.ref) - 1)
                 AND i.identifier = substring(r.ref FROM position(':' IN r.ref) + 1)"""
        )
    finally:
        store.unregister("_csv_refs")
    found = dict(zip(mapping["ref"], mapping["person_id"], strict=True))
    resolved = frame[col.to].map(lambda r: None if r is None else found.get(r))
    bad = frame[frame[col.to].notna() & resolved.isna()]
    if not bad.empty:
        row = bad.iloc[0]
        raise ReferenceError_(
            f"unknown person {row[col.to]!r}: give a floorwatch person id or scheme:identifier "
            "(e.g. icpsr:14240) of a person already in the store",
            file=path,
            line=int(row["_line"]),
            column=col.name,
        )
    frame[col.to] = resolved.astype(object)


def _complete(spec: Kind, header: list[str], frame: pd.DataFrame, path: Path) -> None:
    """Fill generated columns: membership ids, vote positions, default group and lang."""
    if spec.name == "memberships":
        if "id" not in frame:
            frame["id"] = None
        frame["id"] = [
            i
            if i is not None
            else "csv-m-"
            + hashlib.sha1(
                "|".join(
                    "" if r.get(c) is None else str(r.get(c))
                    for c in (
                        "person_id",
                        "organization_id",
                        "on_behalf_of_id",
                        "role",
                        "start_date",
                    )
                ).encode()
            ).hexdigest()[:16]
            for i, r in zip(frame["id"], frame.to_dict("records"), strict=True)
        ]
    if spec.name == "other_names":
        frame["lang"] = frame["lang"].map(lambda v: v or "") if "lang" in frame else ""
    if spec.name == "counts":
        frame["group_id"] = frame["group_id"].map(lambda v: v or "") if "group_id" in frame else ""
    if spec.name == "votes":
        frame["position"] = frame["option"].map(lambda o: _POSITION.get(o)).astype(object)
        if "group_id" not in frame:
            frame["group_id"] = None
    if "source" in [c.name for c in spec.columns]:
        default = f"csv:{path.name}"
        if "source" not in frame:
            frame["source"] = default
        else:
            frame["source"] = frame["source"].map(lambda v: v or default)


def _check_duplicates(spec: Kind, frame: pd.DataFrame, path: Path, header: list[str]) -> None:
    key = list(spec.key)
    dup = frame[frame.duplicated(key, keep="first")]
    if dup.empty:
        return
    row = dup.iloc[0]
    first = frame[(frame[key] == row[key]).all(axis=1)].iloc[0]
    by_name = {c.to: c.name for c in spec.columns}
    shown = ", ".join(f"{by_name.get(k, k)}={row[k]!r}" for k in key)
    what = (
        "duplicate vote: the same person votes twice in one roll call"
        if (spec.name == "votes")
        else "duplicate row"
    )
    raise InputError(
        f"{what} ({shown}; first at line {int(first['_line'])})",
        file=path,
        line=int(row["_line"]),
        column=next((by_name[k] for k in key if by_name.get(k) in header), None),
    )


def _membership_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"_line": frame["_line"].astype(int), "id": frame["id"]})
    for c in ("person_id", "organization_id", "role", "start_date", "end_date"):
        out[c] = frame[c] if c in frame else None
    for c in ("start_date", "end_date"):
        out[c] = pd.to_datetime(out[c]).dt.date.astype(object)
        out[c] = out[c].where(out[c].notna(), None)
    return out


def _write(store: Store, spec: Kind, frame: pd.DataFrame) -> None:
    data = frame.drop(columns=["_line"])
    if spec.table == "vote":
        # A vote is replaced whole; a group or role the file does not give is kept from the
        # vote it replaces, else the group is the party the voter sat for on the day.
        role = "coalesce(c.role, o.role)" if "role" in data else "o.role"
        store.register("_csv_votes", data)
        try:
            store.execute(
                "CREATE OR REPLACE TEMP TABLE _csv_old AS SELECT v.* FROM vote v "
                "JOIN _csv_votes c ON c.vote_event_id = v.vote_event_id "
                "AND c.voter_id = v.voter_id"
            )
            delete_vote_pairs(store, "SELECT vote_event_id, voter_id FROM _csv_votes")
            store.insert_votes(
                f"""SELECT c.vote_event_id, c.voter_id, c.option,
                       CAST(c.position AS SMALLINT) AS position,
                       coalesce(c.group_id, o.group_id, (
                           SELECT min(m.on_behalf_of_id) FROM membership m
                           JOIN vote_event ve ON ve.id = c.vote_event_id
                           WHERE m.person_id = c.voter_id
                             AND m.organization_id = ve.organization_id
                             AND (m.start_date IS NULL OR ve.start_date IS NULL
                                  OR m.start_date <= ve.start_date)
                             AND (m.end_date IS NULL OR ve.start_date IS NULL
                                  OR m.end_date >= ve.start_date))) AS group_id,
                       {role} AS role
                FROM _csv_votes c LEFT JOIN _csv_old o
                  ON o.vote_event_id = c.vote_event_id AND o.voter_id = c.voter_id"""
            )
        finally:
            store.unregister("_csv_votes")
            store.drop_temp("_csv_old")
        return
    upsert(store, spec.table, data, list(spec.key))
