"""Import Popolo JSON (persons, organizations, memberships, events, vote events).

Popolo (https://www.popoloproject.com/specs/) is the data standard EveryPolitician and many
parliamentary-monitoring sites publish. One file holds a JSON object with arrays ``persons``,
``organizations``, ``memberships``, ``events``, ``vote_events`` (with ``votes`` and ``counts``),
and optionally ``areas`` and ``motions`` that other objects refer to by id.

What is read (Popolo field -> floorwatch column):

* person: ``id``, ``name``, ``sort_name``, ``given_name``, ``family_name``, ``gender``,
  ``birth_date``, ``death_date`` (kept as given, partial dates allowed), ``identifiers``
  (``scheme``/``identifier`` -> the ``identifier`` table), ``other_names`` (``name``, ``lang``,
  ``note`` -> ``other_name``; Unicode kept exactly), ``sources[0].url``.
* organization: ``id``, ``name``, ``classification`` (mapped to floorwatch's vocabulary where a
  synonym is known, e.g. ``political party`` -> ``party``; unknown ones kept as given),
  ``parent_id``, ``founding_date``, ``dissolution_date``, and the floorwatch extensions
  ``abbreviation`` and ``jurisdiction``.
* membership: ``id`` (when absent, a stable id is derived from person, organization, party,
  role, legislative period and start date), ``person_id``, ``organization_id``,
  ``on_behalf_of_id`` (the party the member sits for), ``role``, ``area_id`` (resolved to the
  area's name through ``areas``), ``legislative_period_id``, ``start_date``, ``end_date``
  (``YYYY`` and ``YYYY-MM`` widen to the first / last day), and the extensions
  ``start_reason`` / ``end_reason``.
* event: ``id``, ``name``, ``classification`` (``general election`` -> ``election``,
  ``legislative term`` -> ``legislative period``, ``sitting`` -> ``plenary sitting``),
  ``organization_id``, ``start_date``, ``end_date``, ``attendees`` (person objects or ids, with
  the extensions ``status``, default ``present``, ``note`` and ``source``), and the extensions
  ``legislative_period_id`` (else ``parent_id``) and ``crucial`` (a weight 0..1).
* vote_event: ``id``, ``organization_id``, ``legislative_session_id``, ``identifier``,
  ``start_date``, ``motion`` (or ``motion_id`` into ``motions``: its ``text`` and
  ``classification``), ``result``, ``classification``, ``counts`` (``option``, ``value``,
  ``group_id``), ``votes`` (``voter_id``, ``option``, ``group_id``, ``role``), and the
  extensions ``seq``, ``question``, ``bill``, ``crucial`` and, on votes, ``position`` and
  ``cast_code``. Vote options are Popolo's ``yes``, ``no``, ``abstain``, ``absent``,
  ``not voting``, ``paired`` plus ``present`` and ``both``.

Ids are kept as given, so that a file exported by floorwatch re-imports to the same rows; pass
``id_prefix`` to prefix every id from the file when its ids could collide with ids already in
the store (e.g. two EveryPolitician files both calling a party ``ind``).

Not stored: organizations' ``other_names`` and ``identifiers``, events' ``identifiers``, areas
other than their name, posts, contact details, images and links.

Everything is checked before anything is written, and the file is written in one transaction:
malformed JSON, a missing id or name, a reference to an unknown person, organization, event or
vote event, a date that is not a date, an end before a start, overlapping memberships of one
person in one organization, a duplicate vote or an unknown vote option raise
:class:`~floorwatch.errors.InputError` (or :class:`~floorwatch.errors.ReferenceError_`) naming
the file, the line and the JSON path. Re-ingesting a file changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from floorwatch.errors import InputError, ReferenceError_
from floorwatch.ingest._checks import check_overlaps, normalize_reason, upsert
from floorwatch.ingest._common import check_utf8, parse_date, require_file
from floorwatch.store import Store
from floorwatch.store.schema import ATTENDANCE_STATUSES, VOTE_OPTIONS

__all__ = [
    "EVENT_CLASSIFICATION_ALIASES",
    "ORGANIZATION_CLASSIFICATION_ALIASES",
    "PopoloResult",
    "VOTE_OPTION_ALIASES",
    "ingest_popolo",
    "load_popolo",
]

#: Organization classifications met in Popolo files, mapped to floorwatch's.
ORGANIZATION_CLASSIFICATION_ALIASES = {
    "political party": "party",
    "political_party": "party",
    "parliamentary group": "faction",
    "parliamentary_group": "faction",
    "group": "faction",
    "house": "chamber",
    "lower house": "chamber",
    "upper house": "chamber",
    "parliament": "legislature",
}

#: Event classifications met in Popolo files, mapped to floorwatch's.
EVENT_CLASSIFICATION_ALIASES = {
    "general election": "election",
    "general_election": "election",
    "by-election": "election",
    "legislative term": "legislative period",
    "legislative_period": "legislative period",
    "legislative session": "legislative period",
    "term": "legislative period",
    "sitting": "plenary sitting",
    "plenary": "plenary sitting",
    "session": "plenary sitting",
}

#: Vote option spellings mapped to :data:`~floorwatch.store.schema.VOTE_OPTIONS`.
VOTE_OPTION_ALIASES = {
    "aye": "yes",
    "yea": "yes",
    "nay": "no",
    "not_voting": "not voting",
    "notvoting": "not voting",
    "abstention": "abstain",
    "tellaye": "yes",
    "tellno": "no",
}

_POSITION = {"yes": 1, "no": -1, "abstain": 0, "present": 0}


@dataclass
class PopoloResult:
    """What one Popolo ingest wrote (rows in the file, per table)."""

    persons: int = 0
    identifiers: int = 0
    other_names: int = 0
    organizations: int = 0
    memberships: int = 0
    events: int = 0
    attendance: int = 0
    vote_events: int = 0
    votes: int = 0
    counts: int = 0


class _Doc:
    """The parsed document, its text (to locate errors) and the file name."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data

    def fail(self, where: tuple[str | int, ...], problem: str, *, ref: bool = False) -> InputError:
        line = _locate(self.text, where)
        cls = ReferenceError_ if ref else InputError
        return cls(problem, file=self.path, line=line, column=_path_text(where))


def _path_text(where: tuple[str | int, ...]) -> str:
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _locate(text: str, where: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at JSON path ``where`` (best effort; only on errors)."""
    try:
        idx = _WS.match(text, 0).end()
        for step in where:
            if isinstance(step, int):
                if text[idx] != "[":
                    break
                idx = _WS.match(text, idx + 1).end()
                for _ in range(step):
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _WS.match(text, idx).end()
                    if text[idx] != ",":
                        raise ValueError
                    idx = _WS.match(text, idx + 1).end()
            else:
                if text[idx] != "{":
                    break
                idx = _WS.match(text, idx + 1).end()
                while True:
                    key, idx = json.decoder.scanstring(text, idx + 1)
                    idx = _WS.match(text, idx).end() + 1  # past ':'
                    idx = _WS.match(text, idx).end()
                    if key == step:
                        break
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _WS.match(text, idx).end()
                    if text[idx] != ",":
                        raise ValueError
                    idx = _WS.match(text, idx + 1).end()
        return text.count("\n", 0, idx) + 1
    except (ValueError, IndexError):
        return None


def load_popolo(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse a Popolo JSON file, raising :class:`InputError` with line and column."""
    return _read(Path(path)).data


def _read(path: Path) -> _Doc:
    require_file(path)
    check_utf8(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg} (at character {exc.colno} of the line)",
            file=path,
            line=exc.lineno,
            column=str(exc.colno),
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            "expected a Popolo JSON object with arrays persons, organizations, memberships..., "
            f"but the file holds a JSON {type(data).__name__}",
            file=path,
            line=1,
        )
    return _Doc(path, text, data)


def _items(doc: _Doc, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = doc.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise doc.fail((key,), f"expected a list of {key} but got a {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise doc.fail((key, i), f"expected an object but got {item!r:.60}")
        out.append((i, item))
    return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _source(item: dict[str, Any], default: str) -> str:
    sources = item.get("sources")
    if isinstance(sources, list) and sources and isinstance(sources[0], dict):
        return _text(sources[0].get("url")) or _text(sources[0].get("note")) or default
    return default


class _Ids:
    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix or ""

    def __call__(self, value: Any) -> str | None:
        text = _text(value)
        return None if text is None else self.prefix + text


def ingest_popolo(
    store: Store, path: str | os.PathLike[str], *, id_prefix: str | None = None
) -> PopoloResult:
    """Load a Popolo JSON file into ``store`` in one transaction.

    Parameters
    ----------
    store:
        An open, writable store.
    path:
        The Popolo JSON file (UTF-8).
    id_prefix:
        Prepended to every id read from the file (persons, organizations, memberships, events,
        vote events) and to every reference to them; None (the default) keeps ids as given.

    Returns
    -------
    PopoloResult
        Rows per table in the file.

    Raises
    ------
    InputError, ReferenceError_, EncodingError
        On the first problem found, naming the file, line and JSON path; nothing is written.
    """
    doc = _read(Path(path))
    ids = _Ids(id_prefix)
    default_src = f"popolo:{doc.path.name}"
    tables = _Tables()
    _persons(doc, ids, default_src, tables)
    _organizations(doc, ids, default_src, tables)
    _events(doc, ids, default_src, tables)
    known = _Known(store, tables)
    _check_org_refs(doc, ids, tables, known)
    _memberships(doc, ids, default_src, tables, known)
    _attendance(doc, ids, tables, known)
    _vote_events(doc, ids, default_src, tables, known)
    result = PopoloResult(
        persons=len(tables.person),
        identifiers=len(tables.identifier),
        other_names=len(tables.other_name),
        organizations=len(tables.organization),
        memberships=len(tables.membership),
        events=len(tables.event),
        attendance=len(tables.attendance),
        vote_events=len(tables.vote_event),
        votes=len(tables.vote),
        counts=len(tables.vote_count),
    )
    frames = tables.frames()
    with store.transaction():
        ms = frames["membership"].copy()
        ms["_line"] = tables.membership_index
        store.register("_pp_ms", ms)
        try:
            check_overlaps(
                store,
                "_pp_ms",
                file=doc.path,
                where=lambda i: _membership_where(doc, int(i)),
            )
        finally:
            store.unregister("_pp_ms")
        _write(store, frames, tables)
        store.log_ingest("popolo", doc.path, sum(len(f) for f in frames.values()))
    return result


def _membership_where(doc: _Doc, i: int) -> tuple[int | None, str]:
    """Where to report a problem with membership ``i``: its start date, else the object."""
    m = doc.data["memberships"][i]
    path: tuple[str | int, ...] = ("memberships", i)
    if m.get("start_date"):
        path = (*path, "start_date")
    return _locate(doc.text, path), _path_text(path)


class _Tables:
    def __init__(self) -> None:
        self.person: list[dict] = []
        self.identifier: dict[tuple[str, str], tuple[str, int, int]] = {}
        self.other_name: dict[tuple[str, str, str], dict] = {}
        self.organization: list[dict] = []
        self.membership: list[dict] = []
        self.membership_index: list[int] = []
        self.event: list[dict] = []
        self.attendance: list[dict] = []
        self.attendance_events: set[str] = set()
        self.vote_event: list[dict] = []
        self.vote: list[dict] = []
        self.vote_events_with_votes: set[str] = set()
        self.vote_count: list[dict] = []
        self.vote_events_with_counts: set[str] = set()

    def frames(self) -> dict[str, pd.DataFrame]:
        ident = [
            {"scheme": s, "identifier": i, "person_id": p}
            for (s, i), (p, _, _) in self.identifier.items()
        ]
        return {
            "person": _frame(self.person, _PERSON_COLS),
            "identifier": _frame(ident, ("scheme", "identifier", "person_id")),
            "other_name": _frame(list(self.other_name.values()), _OTHER_NAME_COLS),
            "organization": _frame(self.organization, _ORG_COLS),
            "membership": _frame(self.membership, _MEMBERSHIP_COLS),
            "event": _frame(self.event, _EVENT_COLS),
            "attendance": _frame(self.attendance, _ATTENDANCE_COLS),
            "vote_event": _frame(self.vote_event, _VOTE_EVENT_COLS),
            "vote": _frame(self.vote, _VOTE_COLS),
            "vote_count": _frame(self.vote_count, _COUNT_COLS),
        }


_PERSON_COLS = (
    "id",
    "name",
    "sort_name",
    "given_name",
    "family_name",
    "gender",
    "birth_date",
    "death_date",
    "source",
)
_OTHER_NAME_COLS = ("person_id", "name", "lang", "note")
_ORG_COLS = (
    "id",
    "name",
    "classification",
    "parent_id",
    "abbreviation",
    "jurisdiction",
    "founding_date",
    "dissolution_date",
    "source",
)
_MEMBERSHIP_COLS = (
    "id",
    "person_id",
    "organization_id",
    "on_behalf_of_id",
    "role",
    "area",
    "legislative_period_id",
    "start_date",
    "end_date",
    "start_reason",
    "end_reason",
    "source",
)
_EVENT_COLS = (
    "id",
    "name",
    "classification",
    "organization_id",
    "legislative_period_id",
    "start_date",
    "end_date",
    "crucial",
    "source",
)
_ATTENDANCE_COLS = ("event_id", "person_id", "status", "note", "source")
_VOTE_EVENT_COLS = (
    "id",
    "organization_id",
    "legislative_period_id",
    "identifier",
    "seq",
    "start_date",
    "motion_text",
    "question",
    "bill",
    "result",
    "classification",
    "crucial",
    "source",
)
_VOTE_COLS = ("vote_event_id", "voter_id", "option", "position", "cast_code", "group_id", "role")
_COUNT_COLS = ("vote_event_id", "option", "group_id", "value")


def _frame(rows: list[dict], cols: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(cols), dtype=object)


def _required(doc: _Doc, where: tuple[str | int, ...], item: dict, key: str) -> str:
    value = _text(item.get(key))
    if value is None:
        raise doc.fail((*where, key), f"missing {key!r}: every {where[0][:-1]} needs one")
    return value


def _date(doc: _Doc, where: tuple[str | int, ...], value: Any, *, end: bool = False):
    text = _text(value)
    if text is None:
        return None
    try:
        return parse_date(text[:10], file=doc.path, line=None, column="", end=end)
    except InputError:
        raise doc.fail(
            where, f"{text!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None


def _check_order(doc: _Doc, where: tuple[str | int, ...], start, end, names: str) -> None:
    if start is not None and end is not None and end < start:
        raise doc.fail(where, f"dates out of order: {names} ({end}) is before the start ({start})")


def _weight(doc: _Doc, where: tuple[str | int, ...], value: Any) -> float:
    if value is None or value == "":
        return 0.0
    try:
        w = float(value)
    except (TypeError, ValueError):
        w = -1.0
    if not 0.0 <= w <= 1.0:
        raise doc.fail(where, f"crucial must be a number from 0 to 1 but got {value!r}")
    return w


def _persons(doc: _Doc, ids: _Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, p in _items(doc, "persons"):
        where = ("persons", i)
        pid = ids(_required(doc, where, p, "id"))
        name = _required(doc, where, p, "name")
        if pid in seen:
            raise doc.fail(
                (*where, "id"), f"duplicate person id {pid!r} (also persons[{seen[pid]}])"
            )
        seen[pid] = i
        t.person.append(
            {
                "id": pid,
                "name": name,
                "sort_name": _text(p.get("sort_name")),
                "given_name": _text(p.get("given_name")),
                "family_name": _text(p.get("family_name")),
                "gender": _text(p.get("gender")),
                "birth_date": _text(p.get("birth_date")),
                "death_date": _text(p.get("death_date")),
                "source": _source(p, src),
            }
        )
        for j, ident in enumerate(p.get("identifiers") or []):
            w = (*where, "identifiers", j)
            if not isinstance(ident, dict):
                raise doc.fail(w, "expected an object with scheme and identifier")
            key = (_required(doc, w, ident, "scheme"), _required(doc, w, ident, "identifier"))
            prev = t.identifier.get(key)
            if prev is not None and prev[0] != pid:
                raise doc.fail(
                    w,
                    f"identifier {key[0]}:{key[1]} is given to two persons: {prev[0]!r} "
                    f"(persons[{prev[1]}]) and {pid!r}",
                )
            t.identifier.setdefault(key, (pid, i, j))
        for j, other in enumerate(p.get("other_names") or []):
            w = (*where, "other_names", j)
            if not isinstance(other, dict):
                raise doc.fail(w, "expected an object with a name")
            oname = other.get("name")
            if not isinstance(oname, str) or not oname.strip():
                raise doc.fail((*w, "name"), "missing 'name' in other_names")
            lang = _text(other.get("lang")) or ""
            t.other_name.setdefault(
                (pid, oname, lang),
                {"person_id": pid, "name": oname, "lang": lang, "note": _text(other.get("note"))},
            )


def _organizations(doc: _Doc, ids: _Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, o in _items(doc, "organizations"):
        where = ("organizations", i)
        oid = ids(_required(doc, where, o, "id"))
        if oid in seen:
            raise doc.fail((*where, "id"), f"duplicate organization id {oid!r}")
        seen[oid] = i
        cls = (_text(o.get("classification")) or "unknown").lower()
        founded = _date(doc, (*where, "founding_date"), o.get("founding_date"))
        dissolved = _date(doc, (*where, "dissolution_date"), o.get("dissolution_date"), end=True)
        _check_order(doc, (*where, "dissolution_date"), founded, dissolved, "dissolution_date")
        t.organization.append(
            {
                "id": oid,
                "name": _required(doc, where, o, "name"),
                "classification": ORGANIZATION_CLASSIFICATION_ALIASES.get(cls, cls),
                "parent_id": ids(o.get("parent_id")),
                "abbreviation": _text(o.get("abbreviation")),
                "jurisdiction": _text(o.get("jurisdiction")),
                "founding_date": founded,
                "dissolution_date": dissolved,
                "source": _source(o, src),
                "_index": i,
            }
        )


def _events(doc: _Doc, ids: _Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, e in _items(doc, "events"):
        where = ("events", i)
        eid = ids(_required(doc, where, e, "id"))
        if eid in seen:
            raise doc.fail((*where, "id"), f"duplicate event id {eid!r}")
        seen[eid] = i
        cls = (_text(e.get("classification")) or "unknown").lower()
        start = _date(doc, (*where, "start_date"), e.get("start_date"))
        end = _date(doc, (*where, "end_date"), e.get("end_date"), end=True)
        _check_order(doc, (*where, "end_date"), start, end, "end_date")
        t.event.append(
            {
                "id": eid,
                "name": _text(e.get("name")),
                "classification": EVENT_CLASSIFICATION_ALIASES.get(cls, cls),
                "organization_id": ids(e.get("organization_id")),
                "legislative_period_id": ids(e.get("legislative_period_id") or e.get("parent_id")),
                "start_date": start,
                "end_date": end,
                "crucial": _weight(doc, (*where, "crucial"), e.get("crucial")),
                "source": _source(e, src),
                "_index": i,
            }
        )


class _Known:
    """Ids known in the file or already in the store."""

    def __init__(self, store: Store, t: _Tables) -> None:
        def stored(sql: str) -> set[str]:
            return {r[0] for r in store.con.execute(sql).fetchall()}

        self.persons = {p["id"] for p in t.person} | stored("SELECT id FROM person")
        self.orgs = {o["id"] for o in t.organization} | stored("SELECT id FROM organization")
        self.events = {e["id"] for e in t.event} | stored("SELECT id FROM event")


def _ref(doc, where, value, known: set[str], what: str) -> None:
    if value is not None and value not in known:
        raise doc.fail(
            where,
            f"unknown {what} {value!r}: it is neither in this file nor in the store",
            ref=True,
        )


def _check_org_refs(doc: _Doc, ids: _Ids, t: _Tables, known: _Known) -> None:
    for o in t.organization:
        _ref(
            doc,
            ("organizations", o.pop("_index"), "parent_id"),
            o["parent_id"],
            known.orgs,
            "parent organization",
        )
    for e in t.event:
        i = e.pop("_index")
        _ref(
            doc, ("events", i, "organization_id"), e["organization_id"], known.orgs, "organization"
        )
        key = (
            "legislative_period_id"
            if "legislative_period_id" in doc.data["events"][i]
            else ("parent_id")
        )
        _ref(doc, ("events", i, key), e["legislative_period_id"], known.events, "event")


def _membership_id(*parts: Any) -> str:
    digest = hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()
    return f"popolo-m-{digest[:16]}"


def _memberships(doc: _Doc, ids: _Ids, src: str, t: _Tables, known: _Known) -> None:
    areas = {}
    for _, a in _items(doc, "areas"):
        if _text(a.get("id")):
            areas[_text(a.get("id"))] = _text(a.get("name")) or _text(a.get("id"))
    seen: dict[str, int] = {}
    for i, m in _items(doc, "memberships"):
        where = ("memberships", i)
        person = ids(_required(doc, where, m, "person_id"))
        org = ids(_required(doc, where, m, "organization_id"))
        party = ids(m.get("on_behalf_of_id"))
        period = ids(m.get("legislative_period_id"))
        _ref(doc, (*where, "person_id"), person, known.persons, "person")
        _ref(doc, (*where, "organization_id"), org, known.orgs, "organization")
        _ref(doc, (*where, "on_behalf_of_id"), party, known.orgs, "organization (party)")
        _ref(doc, (*where, "legislative_period_id"), period, known.events, "legislative period")
        start = _date(doc, (*where, "start_date"), m.get("start_date"))
        end = _date(doc, (*where, "end_date"), m.get("end_date"), end=True)
        _check_order(doc, (*where, "end_date"), start, end, "end_date")
        area = m.get("area")
        if isinstance(area, dict):
            area_name = _text(area.get("name")) or _text(area.get("id"))
        else:
            area_id = _text(m.get("area_id"))
            area_name = areas.get(area_id, area_id) if area_id else _text(area)
        role = _text(m.get("role"))
        mid = ids(m.get("id")) or _membership_id(person, org, party, role, period, start)
        if mid in seen:
            raise doc.fail(
                (*where, "id"), f"duplicate membership {mid!r} (also memberships[{seen[mid]}])"
            )
        seen[mid] = i
        t.membership.append(
            {
                "id": mid,
                "person_id": person,
                "organization_id": org,
                "on_behalf_of_id": party,
                "role": role,
                "area": area_name,
                "legislative_period_id": period,
                "start_date": start,
                "end_date": end,
                "start_reason": normalize_reason(m.get("start_reason")),
                "end_reason": normalize_reason(m.get("end_reason")),
                "source": _source(m, src),
            }
        )
        t.membership_index.append(i)


def _attendance(doc: _Doc, ids: _Ids, t: _Tables, known: _Known) -> None:
    for i, e in _items(doc, "events"):
        attendees = e.get("attendees")
        if attendees is None:
            continue
        eid = ids(e.get("id"))
        t.attendance_events.add(eid)
        seen: set[str] = set()
        for j, a in enumerate(attendees):
            where = ("events", i, "attendees", j)
            source = f"popolo:{doc.path.name}"
            if isinstance(a, dict):
                pid = ids(a.get("id") or a.get("person_id"))
                status = (_text(a.get("status")) or "present").lower()
                note = _text(a.get("note"))
                source = _text(a.get("source")) or source
            else:
                pid, status, note = ids(a), "present", None
            if pid is None:
                raise doc.fail(where, "an attendee needs a person id ('id' or 'person_id')")
            _ref(doc, where, pid, known.persons, "person")
            if status not in ATTENDANCE_STATUSES:
                raise doc.fail(
                    (*where, "status"),
                    f"attendance status {status!r} is not one of {', '.join(ATTENDANCE_STATUSES)}",
                )
            if pid in seen:
                raise doc.fail(where, f"duplicate attendee {pid!r} at event {eid!r}")
            seen.add(pid)
            t.attendance.append(
                {
                    "event_id": eid,
                    "person_id": pid,
                    "status": status,
                    "note": note,
                    "source": source,
                }
            )


def _option(doc: _Doc, where: tuple[str | int, ...], value: Any) -> str:
    text = (_text(value) or "").lower()
    text = VOTE_OPTION_ALIASES.get(text, text)
    if text not in VOTE_OPTIONS:
        raise doc.fail(where, f"vote option {value!r} is not one of {', '.join(VOTE_OPTIONS)}")
    return text


def _int_or_none(doc: _Doc, where: tuple[str | int, ...], value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise doc.fail(where, f"expected a whole number but got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise doc.fail(where, f"expected a whole number but got {value!r}") from None
    if number != int(number):
        raise doc.fail(where, f"expected a whole number but got {value!r}")
    return int(number)


def _vote_events(doc: _Doc, ids: _Ids, src: str, t: _Tables, known: _Known) -> None:
    motions = {_text(m.get("id")): m for _, m in _items(doc, "motions") if _text(m.get("id"))}
    seen: dict[str, int] = {}
    for i, v in _items(doc, "vote_events"):
        where = ("vote_events", i)
        vid = ids(_required(doc, where, v, "id"))
        if vid in seen:
            raise doc.fail((*where, "id"), f"duplicate vote event id {vid!r}")
        seen[vid] = i
        motion = v.get("motion") if isinstance(v.get("motion"), dict) else None
        if motion is None and _text(v.get("motion_id")):
            motion = motions.get(_text(v.get("motion_id")))
            if motion is None:
                raise doc.fail((*where, "motion_id"), "unknown motion: not in 'motions'", ref=True)
        motion = motion or {}
        org = ids(v.get("organization_id") or motion.get("organization_id"))
        if org is None:
            raise doc.fail((*where, "organization_id"), "missing 'organization_id'")
        _ref(doc, (*where, "organization_id"), org, known.orgs, "organization")
        period_key = (
            "legislative_session_id"
            if v.get("legislative_session_id")
            else ("legislative_period_id")
        )
        period = ids(v.get(period_key))
        _ref(doc, (*where, period_key), period, known.events, "legislative session")
        t.vote_event.append(
            {
                "id": vid,
                "organization_id": org,
                "legislative_period_id": period,
                "identifier": _text(v.get("identifier")),
                "seq": _int_or_none(doc, (*where, "seq"), v.get("seq")),
                "start_date": _date(doc, (*where, "start_date"), v.get("start_date")),
                "motion_text": _text(v.get("motion_text")) or _text(motion.get("text")),
                "question": _text(v.get("question")),
                "bill": _text(v.get("bill")),
                "result": _text(v.get("result")) or _text(motion.get("result")),
                "classification": _text(v.get("classification"))
                or _text(motion.get("classification")),
                "crucial": _weight(doc, (*where, "crucial"), v.get("crucial")),
                "source": _source(v, src),
            }
        )
        _votes(doc, ids, t, known, where, vid, v)
        _counts(doc, ids, t, known, where, vid, v)


def _votes(doc, ids, t: _Tables, known: _Known, where, vid: str, v: dict) -> None:
    votes = v.get("votes")
    if votes is None:
        return
    t.vote_events_with_votes.add(vid)
    seen: dict[str, int] = {}
    for j, vote in enumerate(votes):
        w = (*where, "votes", j)
        if not isinstance(vote, dict):
            raise doc.fail(w, "expected a vote object with voter_id and option")
        voter = ids(vote.get("voter_id") or (vote.get("voter") or {}).get("id"))
        if voter is None:
            raise doc.fail((*w, "voter_id"), "missing 'voter_id'")
        _ref(doc, (*w, "voter_id"), voter, known.persons, "person")
        if voter in seen:
            raise doc.fail(
                (*w, "voter_id"),
                f"duplicate vote: {voter!r} votes twice in vote event {vid!r} "
                f"(also votes[{seen[voter]}])",
            )
        seen[voter] = j
        option = _option(doc, (*w, "option"), vote.get("option"))
        group = ids(vote.get("group_id"))
        _ref(doc, (*w, "group_id"), group, known.orgs, "organization (group)")
        position = _int_or_none(doc, (*w, "position"), vote.get("position"))
        if "position" not in vote:
            position = _POSITION.get(option)
        t.vote.append(
            {
                "vote_event_id": vid,
                "voter_id": voter,
                "option": option,
                "position": position,
                "cast_code": _int_or_none(doc, (*w, "cast_code"), vote.get("cast_code")),
                "group_id": group,
                "role": _text(vote.get("role")),
            }
        )


def _counts(doc, ids, t: _Tables, known: _Known, where, vid: str, v: dict) -> None:
    counts = v.get("counts")
    if counts is None:
        return
    t.vote_events_with_counts.add(vid)
    seen: set[tuple[str, str]] = set()
    for j, c in enumerate(counts):
        w = (*where, "counts", j)
        if not isinstance(c, dict):
            raise doc.fail(w, "expected a count object with option and value")
        option = _option(doc, (*w, "option"), c.get("option"))
        group = ids(c.get("group_id")) or ""
        if group:
            _ref(doc, (*w, "group_id"), group, known.orgs, "organization (group)")
        value = _int_or_none(doc, (*w, "value"), c.get("value"))
        if value is None or value < 0:
            raise doc.fail((*w, "value"), f"a count needs a whole number >= 0, got {value!r}")
        if (option, group) in seen:
            raise doc.fail(w, f"duplicate count for option {option!r} in vote event {vid!r}")
        seen.add((option, group))
        t.vote_count.append(
            {"vote_event_id": vid, "option": option, "group_id": group, "value": value}
        )


def _write(store: Store, f: dict[str, pd.DataFrame], t: _Tables) -> None:
    upsert(store, "organization", f["organization"], ["id"])
    upsert(store, "person", f["person"], ["id"])
    upsert(store, "identifier", f["identifier"], ["scheme", "identifier"])
    upsert(store, "other_name", f["other_name"], ["person_id", "name", "lang"])
    upsert(store, "event", f["event"], ["id"])
    upsert(store, "membership", f["membership"], ["id"])
    upsert(store, "vote_event", f["vote_event"], ["id"])
    for table, events, col in (
        ("attendance", t.attendance_events, "event_id"),
        ("vote", t.vote_events_with_votes, "vote_event_id"),
        ("vote_count", t.vote_events_with_counts, "vote_event_id"),
    ):
        if not events:
            continue
        store.register("_pp_scope", pd.DataFrame({"id": sorted(events)}))
        try:
            store.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT id FROM _pp_scope)")
        finally:
            store.unregister("_pp_scope")
    upsert(store, "attendance", f["attendance"], ["event_id", "person_id"])
    if not f["vote"].empty:
        store.register("_pp_votes", f["vote"])
        try:
            store.execute(
                "INSERT INTO vote (vote_event_id, voter_id, option, position, cast_code, "
                "group_id, role) SELECT vote_event_id, voter_id, option, "
                "CAST(position AS SMALLINT), CAST(cast_code AS SMALLINT), group_id, role "
                "FROM _pp_votes"
            )
        finally:
            store.unregister("_pp_votes")
    upsert(store, "vote_count", f["vote_count"], ["vote_event_id", "option", "group_id"])
