"""Export the store: CSV, JSON, Parquet, or Popolo JSON.

* ``csv``: one file per table in a folder (``person.csv``, ``membership.csv``, ...), UTF-8, a
  header line, empty cells for NULL. Text cells that a spreadsheet would run as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with
  ``'`` (OWASP's advice against CSV injection); numbers are written as numbers.
* ``templates``: one file per CSV template kind in a folder (``organizations.csv``,
  ``persons.csv``, ..., ``claims.csv``), in the templates' own layout (their column names,
  references as ids, ``docs/csv-templates.md``), so that ``floorwatch ingest csv KIND FILE``
  for each kind in :data:`TEMPLATE_ORDER`, then ``floorwatch claims import claims.csv``, rebuild
  the same tables in a fresh store. Cells are written as stored (no ``'`` before a formula
  character: the files are for re-import; open them in a spreadsheet with care). A claim's
  deadline is left empty when it was the default window, as it was given. Claim resolutions
  are not exported: ``floorwatch claims resolve`` recomputes them (manual verdicts are lost).
* ``json``: one file, an object mapping each table name to a list of rows (objects).
* ``parquet``: the partitioned Parquet layout (:mod:`floorwatch.store.parquet`): one file per
  table, except roll calls, votes, counts and whip directions, split into one Hive partition
  folder per legislature (``vote/legislature=us-senate/...``), and a manifest. The folder opens
  again as a read-only store (``floorwatch --db FOLDER ...``, DuckDB over the files, or
  ``floorwatch --engine spark --db FOLDER ...``).
* ``popolo``: one Popolo JSON file (https://www.popoloproject.com/specs/): ``persons`` (with
  ``identifiers`` and ``other_names``), ``organizations``, ``memberships``, ``areas``,
  ``events`` (with ``attendees``), ``vote_events`` (with ``counts`` and ``votes``). floorwatch
  fields that Popolo lacks are written as extra keys (``crucial``, ``start_reason``,
  ``end_reason``, ``question``, ``bill``, ``seq``, vote ``position`` and ``cast_code``,
  attendee ``status`` and ``source``), so that :func:`floorwatch.ingest.popolo.ingest_popolo`
  re-imports the file to the same rows. Whip directions have no Popolo form and are left out.
  Claims, which Popolo lacks too, are kept as a floorwatch extension: a top-level ``claims``
  array, one object per claim with the claims template's fields (``about`` a list of person
  ids; ``deadline`` only when it was given) and ``sources`` (where the claim was loaded from);
  ``floorwatch claims import FILE.json`` reads them back (after ``floorwatch ingest popolo
  FILE.json``). As for the ``templates`` export, resolutions are recomputed by ``floorwatch
  claims resolve``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from floorwatch.claims.model import COLUMNS as CLAIM_COLUMNS
from floorwatch.errors import InputError
from floorwatch.jsonable import clean, records
from floorwatch.store import Store
from floorwatch.store.schema import TABLES

__all__ = [
    "EXPORT_FORMATS",
    "FORMULA_PREFIXES",
    "TEMPLATE_ORDER",
    "export_store",
    "safe_cell",
    "to_popolo",
]

#: The order to load a ``templates`` export in (events before memberships: a membership may
#: name its legislative period), then ``floorwatch claims import claims.csv``.
TEMPLATE_ORDER = (
    "organizations",
    "persons",
    "identifiers",
    "other_names",
    "events",
    "memberships",
    "attendance",
    "vote_events",
    "votes",
    "counts",
    "whips",
)

#: Formats :func:`export_store` writes.
EXPORT_FORMATS = ("csv", "templates", "json", "parquet", "popolo")

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell: text that could run as a formula gets a leading ``'``; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _tables(store: Store) -> list[str]:
    return [*TABLES, *store.extra_tables()]


def _rows(store: Store, table: str) -> tuple[list[str], list[tuple]]:
    return list(store.column_types(table)), store.rows(f"SELECT * FROM {table}")


def export_store(store: Store, fmt: str, out: str | os.PathLike[str]) -> list[Path]:
    """Write the whole store to ``out`` in format ``fmt`` and return the files written.

    Parameters
    ----------
    store:
        The store to export (read-only access is enough).
    fmt:
        One of :data:`EXPORT_FORMATS`.
    out:
        A folder for ``csv`` and ``parquet`` (created if missing), a file for ``json`` and
        ``popolo``.
    """
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    if fmt in ("csv", "parquet", "templates"):
        if out.exists() and not out.is_dir():
            raise InputError(f"{fmt} export writes one file per table: give a folder", file=out)
        out.mkdir(parents=True, exist_ok=True)
        return {"csv": _csv, "parquet": _parquet, "templates": _templates}[fmt](store, out)
    if out.is_dir():
        raise InputError(f"{fmt} export writes one file: give a file name, not a folder", file=out)
    if not out.parent.exists():
        raise InputError(f"the folder {out.parent} does not exist", file=out)
    if fmt == "json":
        data = {}
        for table in _tables(store):
            cols, rows = _rows(store, table)
            data[table] = [
                {c: clean(v, iso=True) for c, v in zip(cols, row, strict=True)} for row in rows
            ]
    else:
        data = to_popolo(store)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return [out]


def _csv(store: Store, folder: Path) -> list[Path]:
    files = []
    for table in _tables(store):
        cols, rows = _rows(store, table)
        path = folder / f"{table}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(cols)
            writer.writerows([safe_cell(v) for v in row] for row in rows)
        files.append(path)
    return files


def _template_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _write_rows(path: Path, header: list[str], rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_template_cell(v) for v in row] for row in rows)


#: The claims template's columns that are not the ``claim`` column of the same name, as SQL.
_CLAIM_SQL = {
    "about": "(SELECT string_agg(s.person_id, ';' ORDER BY s.person_id) FROM claim_subject s "
    "WHERE s.claim_id = c.id)",
    "organization": "c.organization_id",
    "deadline": "CASE WHEN c.deadline_given THEN c.deadline END",
}
#: The claims template's columns (``floorwatch.claims.COLUMNS``) as SQL over the claims tables.
_CLAIM_SELECT = {col: _CLAIM_SQL.get(col, f"c.{col}") for col in CLAIM_COLUMNS}


def _templates(store: Store, folder: Path) -> list[Path]:
    from floorwatch.ingest.csv import KINDS

    files = []
    for kind in (KINDS[k] for k in TEMPLATE_ORDER):
        cols = ", ".join(f'"{c.to}"' for c in kind.columns)
        order = ", ".join(f'"{k}"' for k in kind.key)
        rows = store.rows(f"SELECT {cols} FROM {kind.table} ORDER BY {order}")
        if not rows:
            continue
        path = folder / f"{kind.name}.csv"
        _write_rows(path, [c.name for c in kind.columns], rows)
        files.append(path)
    select = ", ".join(_CLAIM_SELECT.values())
    rows = store.rows(f"SELECT {select} FROM claim c ORDER BY c.made_on, c.id")
    if rows:
        path = folder / "claims.csv"
        _write_rows(path, list(_CLAIM_SELECT), rows)
        files.append(path)
    return files


def _parquet(store: Store, folder: Path) -> list[Path]:
    from floorwatch.store.parquet import write_parquet_store

    return write_parquet_store(store, folder)


def _records(store: Store, sql: str) -> list[dict[str, Any]]:
    return records(store.records(sql), iso=True)


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not None and v != []}


def _sources(value: str | None) -> list[dict[str, str]] | None:
    if value is None:
        return None
    key = "url" if value.startswith(("http://", "https://")) else "note"
    return [{key: value}]


def _popolo_claims(store: Store) -> list[dict[str, Any]]:
    """The claims ledger as the ``claims`` extension of a Popolo document."""
    select = ", ".join(f"{sql} AS {name}" for name, sql in _CLAIM_SELECT.items())
    out = []
    for c in _records(store, f"SELECT {select}, c.source FROM claim c ORDER BY c.made_on, c.id"):
        c["about"] = c["about"].split(";") if c["about"] else None
        c["sources"] = _sources(c.pop("source"))
        out.append(_compact(c))
    return out


def to_popolo(store: Store) -> dict[str, Any]:
    """The store as a Popolo JSON document (a dict ready for :func:`json.dump`)."""
    idents: dict[str, list] = defaultdict(list)
    for r in store.records("SELECT * FROM identifier ORDER BY person_id, scheme, identifier"):
        idents[r["person_id"]].append({"scheme": r["scheme"], "identifier": r["identifier"]})
    others: dict[str, list] = defaultdict(list)
    for r in store.records("SELECT * FROM other_name ORDER BY person_id, lang, name"):
        others[r["person_id"]].append(
            _compact({"name": r["name"], "lang": r["lang"] or None, "note": r["note"]})
        )
    persons = []
    for p in _records(store, "SELECT * FROM person ORDER BY id"):
        src = p.pop("source")
        p["identifiers"] = idents.get(p["id"], [])
        p["other_names"] = others.get(p["id"], [])
        p["sources"] = _sources(src)
        persons.append(_compact(p))
    organizations = []
    for o in _records(store, "SELECT * FROM organization ORDER BY id"):
        o["sources"] = _sources(o.pop("source"))
        organizations.append(_compact(o))
    areas: dict[str, str] = {}
    memberships = []
    for m in _records(store, "SELECT * FROM membership ORDER BY id"):
        area = m.pop("area")
        if area is not None:
            m["area_id"] = areas.setdefault(area, f"area/{area}")
        m["sources"] = _sources(m.pop("source"))
        memberships.append(_compact(m))
    attendees: dict[str, list] = defaultdict(list)
    for a in store.records("SELECT * FROM attendance ORDER BY event_id, person_id"):
        attendees[a["event_id"]].append(
            _compact(
                {
                    "id": a["person_id"],
                    "status": a["status"],
                    "note": a["note"],
                    "source": a["source"],
                }  # fmt: skip
            )
        )
    events = []
    for e in _records(store, "SELECT * FROM event ORDER BY id"):
        e["sources"] = _sources(e.pop("source"))
        if e["id"] in attendees:
            e["attendees"] = attendees[e["id"]]
        events.append(_compact(e))
    counts: dict[str, list] = defaultdict(list)
    for c in store.records("SELECT * FROM vote_count ORDER BY vote_event_id, group_id, option"):
        counts[c["vote_event_id"]].append(
            _compact(
                {"option": c["option"], "value": c["value"], "group_id": c["group_id"] or None}
            )
        )
    votes: dict[str, list] = defaultdict(list)
    rows = store.rows(
        "SELECT vote_event_id, voter_id, option, position, cast_code, group_id, role FROM vote "
        "ORDER BY vote_event_id, voter_id"
    )
    for ve, voter, option, position, cast_code, group, role in rows:
        vote = {"voter_id": voter, "option": option, "position": position}
        if cast_code is not None:
            vote["cast_code"] = cast_code
        if group is not None:
            vote["group_id"] = group
        if role is not None:
            vote["role"] = role
        votes[ve].append(vote)
    vote_events = []
    for v in _records(store, "SELECT * FROM vote_event ORDER BY id"):
        text = v.pop("motion_text")
        v["legislative_session_id"] = v.pop("legislative_period_id")
        v["motion"] = {"text": text} if text is not None else None
        v["sources"] = _sources(v.pop("source"))
        v["counts"] = counts.get(v["id"])
        v["votes"] = votes.get(v["id"])
        vote_events.append(_compact(v))
    doc = {
        "persons": persons,
        "organizations": organizations,
        "memberships": memberships,
        "areas": [{"id": i, "name": n} for n, i in areas.items()],
        "events": events,
        "vote_events": vote_events,
        "meta": {"generator": "floorwatch"},
    }
    claims = _popolo_claims(store)
    if claims:
        doc["claims"] = claims
    return doc
