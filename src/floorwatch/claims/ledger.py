"""The claims ledger: add claims one at a time or from a CSV file, list them, override them.

Every write is one transaction: a CSV file with one bad row writes nothing, and the error
names the file, the line and the column. Claims get deterministic ids (see
:func:`floorwatch.claims.model.claim_id`), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from floorwatch.claims._frames import date_columns
from floorwatch.claims.model import COLUMNS, STATUSES, Claim, normalize_claim
from floorwatch.claims.model import claim_id as make_claim_id
from floorwatch.dates import parse_date
from floorwatch.errors import InputError, NotFoundError, ReferenceError_
from floorwatch.ingest._common import check_utf8, require_columns, require_file
from floorwatch.ingest._popolo_doc import items_of, locate, path_text, read_doc, source_of
from floorwatch.settings import default as setting_default
from floorwatch.store import Store
from floorwatch.store.csvread import read_csv_text

__all__ = [
    "add_claim",
    "clear_override",
    "import_claims",
    "list_claims",
    "override",
    "template_path",
]

_REQUIRED = ("made_on", "predicts")


def template_path() -> Path:
    """The bulk-import CSV template shipped with floorwatch (``templates/claims.csv``)."""
    return Path(str(resources.files("floorwatch") / "templates" / "claims.csv"))


def _window(window_days: int | None) -> int:
    if window_days is not None:
        return int(window_days)
    return int(setting_default("claim_window_days"))  # type: ignore[call-overload]


# -- references ------------------------------------------------------------------------------
def _resolve_people(
    store: Store, refs: list[tuple[int | None, str]], file: str | None
) -> dict[str, str]:
    """Map each reference (a person id or ``scheme:identifier``) to a person id.

    Raises ReferenceError_ for the first (by line) reference that matches no one.
    """
    if not refs:
        return {}
    frame = pd.DataFrame(
        {
            "line": [line if line is not None else 0 for line, _ in refs],
            "ref": [ref for _, ref in refs],
            "scheme": [ref.split(":", 1)[0] if ":" in ref else None for _, ref in refs],
            "ident": [ref.split(":", 1)[1] if ":" in ref else None for _, ref in refs],
        }
    )
    store.register("_cl_refs", pa.Table.from_pandas(frame, preserve_index=False))
    try:
        rows = store.records(
            """SELECT r.line, r.ref, coalesce(p.id, i.person_id) AS person_id
            FROM _cl_refs r
            LEFT JOIN person p ON p.id = r.ref
            LEFT JOIN identifier i ON i.scheme = r.scheme AND i.identifier = r.ident
            ORDER BY r.line"""
        )
    finally:
        store.unregister("_cl_refs")
    out: dict[str, str] = {}
    for row in rows:
        if row["person_id"] is None:
            hint = (
                "no identifier with that scheme and value"
                if ":" in row["ref"]
                else "no person with that id (use a person id, or scheme:identifier such as "
                "bioguide:S000709)"
            )
            raise ReferenceError_(
                f"unknown person {row['ref']!r}: {hint}. Ingest the legislature first.",
                file=file,
                line=row["line"] or None,
                column="about",
            )
        out[row["ref"]] = row["person_id"]
    return out


def _check_organizations(
    store: Store, refs: list[tuple[int | None, str, str]], file: str | None
) -> None:
    """Raise ReferenceError_ for the first (by line) organization id the store lacks."""
    if not refs:
        return
    frame = pd.DataFrame(
        {
            "line": [line if line is not None else 0 for line, _, _ in refs],
            "col": [col for _, col, _ in refs],
            "org": [org for _, _, org in refs],
        }
    )
    store.register("_cl_orgs", pa.Table.from_pandas(frame, preserve_index=False))
    try:
        rows = store.records(
            """SELECT r.line, r.col, r.org FROM _cl_orgs r
            WHERE NOT EXISTS (SELECT 1 FROM organization o WHERE o.id = r.org)
            ORDER BY r.line, r.col LIMIT 1"""
        )
    finally:
        store.unregister("_cl_orgs")
    if rows:
        row = rows[0]
        raise ReferenceError_(
            f"unknown organization {row['org']!r}: give an organization id the store holds "
            "(e.g. us-party-100); `floorwatch switches` and the ingest output list them",
            file=file,
            line=row["line"] or None,
            column=row["col"],
        )


# -- writing ---------------------------------------------------------------------------------
#: Arrow types of the SQL types of the claims tables (store/schema.py).
_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
}


def _claim_schema(store: Store) -> pa.Schema:
    """The ``claim`` table's columns (defined once, in store/schema.py) as an Arrow schema."""
    return pa.schema([(c, _ARROW_TYPES[t]) for c, t in store.column_types("claim").items()])


_SUBJECT_SCHEMA = pa.schema(
    [("claim_id", pa.string()), ("person_id", pa.string()), ("reference", pa.string())]
)


def _prepare(
    store: Store, claims: list[tuple[int | None, Claim]], file: str | None
) -> list[tuple[str, Claim, list[tuple[str, str]]]]:
    """Resolve references, assign ids and reject duplicates; nothing is written here."""
    people = _resolve_people(
        store, [(line, ref) for line, c in claims for ref in c.about], file=file
    )
    orgs: list[tuple[int | None, str, str]] = []
    for line, c in claims:
        if c.organization_id:
            orgs.append((line, "organization", c.organization_id))
        if c.count_of:
            orgs.append((line, "count_of", c.count_of))
    _check_organizations(store, orgs, file)
    out: list[tuple[str, Claim, list[tuple[str, str]]]] = []
    seen: dict[str, int | None] = {}
    for line, c in claims:
        subjects: list[tuple[str, str]] = []
        for ref in c.about:
            pid = people[ref]
            if pid not in {p for _, p in subjects}:
                subjects.append((ref, pid))
        cid = c.id or make_claim_id(c, [p for _, p in subjects])
        if cid in seen:
            first = seen[cid]
            raise InputError(
                f"claim {cid} appears twice (first at line {first}); remove the duplicate row"
                if first
                else f"claim {cid} appears twice",
                file=file,
                line=line,
                column="id",
            )
        seen[cid] = line
        out.append((cid, c, subjects))
    return out


def _write(
    store: Store,
    prepared: list[tuple[str, Claim, list[tuple[str, str]]]],
    source: str | Sequence[str],
):
    """Write the prepared claims; ``source`` is where they came from (one for all, or one
    per claim)."""
    schema = _claim_schema(store)
    rows: dict[str, list[Any]] = {name: [] for name in schema.names}
    subj: dict[str, list[Any]] = {name: [] for name in _SUBJECT_SCHEMA.names}
    for i, (cid, c, subjects) in enumerate(prepared):
        src = source if isinstance(source, str) else source[i]
        # Every column of the claim table but id and source is the Claim field of its name.
        for k in rows:
            rows[k].append(cid if k == "id" else src if k == "source" else getattr(c, k))
        for ref, pid in subjects:
            subj["claim_id"].append(cid)
            subj["person_id"].append(pid)
            subj["reference"].append(ref)
    store.register("_cl_new", pa.Table.from_pydict(rows, schema=schema))
    store.register("_cl_new_subj", pa.Table.from_pydict(subj, schema=_SUBJECT_SCHEMA))
    cols = ", ".join(schema.names)
    try:
        with store.transaction():
            # A claim added again replaces the old version; its automatic resolution is
            # dropped (resolve again), a manual override stays.
            store.execute("DELETE FROM claim_subject WHERE claim_id IN (SELECT id FROM _cl_new)")
            store.execute(
                "DELETE FROM claim_resolution WHERE NOT manual "
                "AND claim_id IN (SELECT id FROM _cl_new)"
            )
            store.execute("DELETE FROM claim WHERE id IN (SELECT id FROM _cl_new)")
            store.execute(f"INSERT INTO claim ({cols}) SELECT {cols} FROM _cl_new")
            store.execute(
                "INSERT INTO claim_subject (claim_id, person_id, reference) "
                "SELECT claim_id, person_id, reference FROM _cl_new_subj"
            )
    finally:
        store.unregister("_cl_new")
        store.unregister("_cl_new_subj")


def add_claim(
    store: Store,
    *,
    made_on: dt.date | str,
    predicts: str,
    about: str | Sequence[str] | None = None,
    organization: str | None = None,
    stance: str = "asserts",
    deadline: dt.date | str | None = None,
    count_min: int | None = None,
    count_max: int | None = None,
    count_of: str | None = None,
    probability: float | str | None = None,
    wording: str | None = None,
    outlet: str | None = None,
    speaker: str | None = None,
    source_kind: str | None = None,
    link: str | None = None,
    quote: str | None = None,
    note: str | None = None,
    claim_id: str | None = None,
    window_days: int | None = None,
) -> str:
    """Record one claim and return its id.

    Parameters
    ----------
    store:
        An open, writable store holding the people and organizations the claim names.
    made_on:
        The day the claim was made (a date or ``YYYY-MM-DD``).
    predicts:
        ``joins``, ``leaves``, ``expelled`` or ``stays`` (see :data:`~floorwatch.claims.PREDICTS`).
    about:
        The people: person ids or ``scheme:identifier`` references (e.g. ``bioguide:S000709``),
        as a list or a ``;``-separated string. Leave out for a count claim.
    organization:
        The organization joined (required for ``joins``), or the party left / expelled from /
        stayed in (optional: any party).
    stance:
        ``asserts`` (default) or ``denies``.
    deadline:
        Last day of the window (inclusive); ``YYYY`` means 31 December. Default: ``made_on``
        plus ``window_days`` (the ``claim_window_days`` setting, 180).
    count_min, count_max, count_of:
        A count claim: between ``count_min`` and ``count_max`` (None: no upper bound) members of
        party ``count_of`` (default: ``organization`` for leaves/expelled) will do it.
    probability, wording:
        The probability of the claim as stated, or a wording from
        :data:`~floorwatch.claims.WORDING_PROBABILITIES` ("likely", "feared", ...).
    outlet, speaker, source_kind, link, quote, note:
        The source: where it was published, who said it, their kind (see
        :data:`~floorwatch.claims.SOURCE_KINDS`), a link and the words.
    claim_id:
        An id of your own; default a deterministic id from the claim's content.

    Raises
    ------
    InputError
        Naming the parameter at fault (unknown person or organization, bad date, deadline before
        ``made_on``, bad probability). Nothing is written.
    """
    fields = {
        "id": claim_id,
        "made_on": made_on,
        "predicts": predicts,
        "about": about,
        "organization": organization,
        "stance": stance,
        "deadline": deadline,
        "count_min": count_min,
        "count_max": count_max,
        "count_of": count_of,
        "probability": probability,
        "wording": wording,
        "outlet": outlet,
        "speaker": speaker,
        "source_kind": source_kind,
        "link": link,
        "quote": quote,
        "note": note,
    }
    claim = normalize_claim(fields, window_days=_window(window_days))
    prepared = _prepare(store, [(None, claim)], file=None)
    _write(store, prepared, source="api")
    return prepared[0][0]


def import_claims(
    store: Store, path: str | os.PathLike[str], *, window_days: int | None = None
) -> list[str]:
    """Import claims from a CSV file (see :func:`template_path`) in one transaction.

    Columns: :data:`~floorwatch.claims.COLUMNS`; ``made_on`` and ``predicts`` are required, the
    others optional. Returns the claim ids in file order. Re-importing the same file changes
    nothing (ids are deterministic, or taken from the ``id`` column).

    A Popolo JSON file (``.json`` or ``.json.gz``, as written by ``floorwatch export --format
    popolo``) is read from its ``claims`` array, floorwatch's extension of Popolo: one object
    per claim with the same fields (``about`` a list of person ids or references) and
    ``sources`` (kept as the claim's source).

    Raises
    ------
    InputError
        For the first bad row, naming the file, the line and the column. Nothing is written.
    """
    p = require_file(path)
    if p.name.lower().endswith((".json", ".json.gz")):
        return _import_popolo_claims(store, p, _window(window_days))
    check_utf8(p)
    try:
        cols = read_csv_text(store, "_cl_csv", p)
        require_columns(p, cols, _REQUIRED)
        unknown = [c for c in cols if c not in COLUMNS]
        if unknown:
            raise InputError(
                f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
                file=p,
                line=1,
            )
        raw = store.records("SELECT * FROM _cl_csv ORDER BY _line")
    finally:
        store.drop_temp("_cl_csv")
    window = _window(window_days)
    claims = [
        (
            int(row["_line"]),
            normalize_claim(row, window_days=window, file=str(p), line=row["_line"]),
        )
        for row in raw
    ]
    prepared = _prepare(store, claims, file=str(p))
    if prepared:
        _write(store, prepared, source=f"csv:{p.name}")
    return [cid for cid, _, _ in prepared]


def _import_popolo_claims(store: Store, p: Path, window: int) -> list[str]:
    """The ``claims`` extension of a Popolo file (see :func:`import_claims`)."""
    doc = read_doc(p)
    items = items_of(doc, "claims")
    if not items:
        raise InputError(
            "the Popolo file holds no 'claims' array (floorwatch's extension, written by "
            "`floorwatch export --format popolo`)",
            file=p,
        )
    claims: list[tuple[int | None, Claim]] = []
    sources: list[str] = []
    for i, item in items:
        where = ("claims", i)
        unknown = sorted(set(item) - set(COLUMNS) - {"sources"})
        if unknown:
            raise doc.fail(
                (*where, unknown[0]),
                f"unknown claim field(s) {', '.join(unknown)}; the fields are "
                f"{', '.join(COLUMNS)} and sources",
            )
        fields = dict(item)
        about = fields.get("about")
        if isinstance(about, list):
            fields["about"] = ";".join(str(a) for a in about)
        try:
            claim = normalize_claim(fields, window_days=window, file=str(p))
        except InputError as exc:  # the line is looked up only on an error (a full scan)
            line = locate(doc.text, where)
            column = path_text((*where, exc.column) if exc.column else where)
            raise InputError(exc.problem, file=p, line=line, column=column) from None
        claims.append((None, claim))
        sources.append(source_of(item, f"popolo:{p.name}"))
    prepared = _prepare(store, claims, file=str(p))
    _write(store, prepared, source=sources)
    return [cid for cid, _, _ in prepared]


# -- reading ---------------------------------------------------------------------------------
def list_claims(
    store: Store,
    *,
    status: str | None = None,
    person: str | None = None,
    outlet: str | None = None,
    speaker: str | None = None,
    source_kind: str | None = None,
    predicts: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The claims with their current resolution, oldest first.

    Columns: id, made_on, deadline, about (person ids, ``;``-separated), names, count_min,
    count_max, count_of, predicts, organization_id, stance, probability, wording, outlet,
    speaker, source_kind, link, quote, status (pending/true/false), resolved_on, event_date,
    days_ahead (event_date - made_on for true claims), auto_status, manual, note, resolved_by,
    matched, evidence_person_id, evidence_membership_id, as_of.
    """
    where, params = [], []
    if status is not None:
        if status not in STATUSES:
            raise InputError(f"expected a status in {', '.join(STATUSES)} but got {status!r}")
        where.append("coalesce(r.status, 'pending') = ?")
        params.append(status)
    if person is not None:
        pid = _resolve_people(store, [(None, person)], file=None)[person]
        where.append(
            "EXISTS (SELECT 1 FROM claim_subject s WHERE s.claim_id = c.id AND s.person_id = ?)"
        )
        params.append(pid)
    for col, value in (
        ("outlet", outlet),
        ("speaker", speaker),
        ("source_kind", source_kind),
        ("predicts", predicts),
    ):
        if value is not None:
            where.append(f"c.{col} = ?")
            params.append(value)
    if claim_ids is not None:
        ids = list(claim_ids)
        where.append(f"c.id IN ({', '.join('?' for _ in ids)})" if ids else "FALSE")
        params.extend(ids)
    sql = f"""
    WITH subj AS (
        SELECT s.claim_id,
               string_agg(s.person_id, ';' ORDER BY s.person_id) AS about,
               string_agg(coalesce(p.name, s.person_id), ';' ORDER BY s.person_id) AS names
        FROM claim_subject s LEFT JOIN person p ON p.id = s.person_id
        GROUP BY s.claim_id
    )
    SELECT c.id, c.made_on, c.deadline, subj.about, subj.names, c.count_min, c.count_max,
           c.count_of, c.predicts, c.organization_id, c.stance, c.probability, c.wording,
           c.outlet, c.speaker, c.source_kind, c.link, c.quote,
           coalesce(r.status, 'pending') AS status, r.resolved_on, r.event_date,
           CASE WHEN r.status = 'true' AND r.event_date IS NOT NULL
                THEN r.event_date - c.made_on END AS days_ahead,
           r.auto_status, coalesce(r.manual, FALSE) AS manual, r.note, r.resolved_by,
           r.matched, r.evidence_person_id, r.evidence_membership_id, r.as_of
    FROM claim c
    LEFT JOIN subj ON subj.claim_id = c.id
    LEFT JOIN claim_resolution r ON r.claim_id = c.id
    {"WHERE " + " AND ".join(where) if where else ""}
    ORDER BY c.made_on, c.id
    """
    frame = store.query(sql, params)
    return date_columns(frame, ("made_on", "deadline", "resolved_on", "event_date", "as_of"))


# -- manual override -------------------------------------------------------------------------
def _require_claim(store: Store, cid: str) -> None:
    if not store.scalar("SELECT count(*) FROM claim WHERE id = ?", [cid]):
        raise NotFoundError(f"no claim {cid!r}; `floorwatch claims list` shows the ids")


def override(
    store: Store,
    claim_id: str,
    status: str,
    note: str,
    by: str,
    *,
    resolved_on: dt.date | str | None = None,
    event_date: dt.date | str | None = None,
) -> None:
    """Set a claim's status by hand. A manual status wins over the automatic one and survives
    :func:`~floorwatch.claims.resolve_claims`; :func:`clear_override` removes it.

    Parameters
    ----------
    claim_id:
        The claim.
    status:
        ``true``, ``false`` or ``pending``.
    note, by:
        Why, and who decided (both required).
    resolved_on, event_date:
        When the outcome was settled and, for a claim that came true, the date of the event (for
        days-ahead scores). Default: the automatic dates when the automatic status agrees.
    """
    if status not in STATUSES:
        raise InputError(
            f"expected a status in {', '.join(STATUSES)} but got {status!r}", column="status"
        )
    if not (note or "").strip():
        raise InputError("a manual override needs a note saying why", column="note")
    if not (by or "").strip():
        raise InputError("a manual override needs the name of who made it", column="by")
    dates = {}
    for name, value in (("resolved_on", resolved_on), ("event_date", event_date)):
        dates[name] = parse_date(value, column=name)
    _require_claim(store, claim_id)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.transaction():
        if store.scalar("SELECT count(*) FROM claim_resolution WHERE claim_id = ?", [claim_id]):
            store.execute(
                """UPDATE claim_resolution SET status = ?, manual = TRUE, note = ?,
                       resolved_by = ?, overridden_at = ?,
                       resolved_on = coalesce(CAST(? AS DATE),
                           CASE WHEN auto_status = ? THEN auto_resolved_on END),
                       event_date = coalesce(CAST(? AS DATE),
                           CASE WHEN auto_status = ? THEN auto_event_date END)
                   WHERE claim_id = ?""",
                [
                    status,
                    note.strip(),
                    by.strip(),
                    now,
                    dates["resolved_on"],
                    status,
                    dates["event_date"],
                    status,
                    claim_id,
                ],
            )
        else:
            store.execute(
                """INSERT INTO claim_resolution (claim_id, status, resolved_on, event_date, manual,
                       note, resolved_by, overridden_at)
                   VALUES (?, ?, ?, ?, TRUE, ?, ?, ?)""",
                [
                    claim_id,
                    status,
                    dates["resolved_on"],
                    dates["event_date"],
                    note.strip(),
                    by.strip(),
                    now,
                ],
            )


def clear_override(store: Store, claim_id: str) -> None:
    """Remove a manual override: the claim goes back to its automatic status."""
    _require_claim(store, claim_id)
    with store.transaction():
        store.execute(
            """UPDATE claim_resolution SET manual = FALSE, note = NULL, resolved_by = NULL,
                   overridden_at = NULL, status = coalesce(auto_status, 'pending'),
                   resolved_on = auto_resolved_on, event_date = auto_event_date
               WHERE claim_id = ?""",
            [claim_id],
        )
