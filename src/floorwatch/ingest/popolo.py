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
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from floorwatch.ingest._checks import check_overlaps, normalize_reason, upsert
from floorwatch.ingest._popolo_doc import (
    Doc,
    Ids,
    check_order,
    check_ref,
    clean_text,
    items_of,
    list_of,
    locate,
    path_text,
    read_doc,
    required_text,
    source_of,
    to_date,
    to_int,
    to_weight,
)
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


def load_popolo(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse a Popolo JSON file, raising :class:`InputError` with line and column."""
    return read_doc(Path(path)).data


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
    doc = read_doc(Path(path))
    ids = Ids(id_prefix)
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


def _membership_where(doc: Doc, i: int) -> tuple[int | None, str]:
    """Where to report a problem with membership ``i``: its start date, else the object."""
    m = doc.data["memberships"][i]
    path: tuple[str | int, ...] = ("memberships", i)
    if m.get("start_date"):
        path = (*path, "start_date")
    return locate(doc.text, path), path_text(path)


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


_PERSON_COLS = tuple(
    "id name sort_name given_name family_name gender birth_date death_date source".split()
)
_OTHER_NAME_COLS = tuple("person_id name lang note".split())
_ORG_COLS = tuple(
    "id name classification parent_id "
    "abbreviation jurisdiction founding_date dissolution_date source".split()
)
_MEMBERSHIP_COLS = tuple(
    "id person_id organization_id on_behalf_of_id role area "
    "legislative_period_id start_date end_date start_reason end_reason source".split()
)
_EVENT_COLS = tuple(
    "id name classification organization_id "
    "legislative_period_id start_date end_date crucial source".split()
)
_ATTENDANCE_COLS = tuple("event_id person_id status note source".split())
_VOTE_EVENT_COLS = tuple(
    "id organization_id legislative_period_id identifier seq start_date "
    "motion_text question bill result classification crucial source".split()
)
_VOTE_COLS = tuple("vote_event_id voter_id option position cast_code group_id role".split())
_COUNT_COLS = tuple("vote_event_id option group_id value".split())


def _frame(rows: list[dict], cols: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(cols), dtype=object)


def _persons(doc: Doc, ids: Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, p in items_of(doc, "persons"):
        where = ("persons", i)
        pid = ids(required_text(doc, where, p, "id"))
        name = required_text(doc, where, p, "name")
        if pid in seen:
            raise doc.fail(
                (*where, "id"), f"duplicate person id {pid!r} (also persons[{seen[pid]}])"
            )
        seen[pid] = i
        t.person.append(
            {
                "id": pid,
                "name": name,
                "sort_name": clean_text(p.get("sort_name")),
                "given_name": clean_text(p.get("given_name")),
                "family_name": clean_text(p.get("family_name")),
                "gender": clean_text(p.get("gender")),
                "birth_date": clean_text(p.get("birth_date")),
                "death_date": clean_text(p.get("death_date")),
                "source": source_of(p, src),
            }
        )
        for j, ident in enumerate(
            list_of(doc, (*where, "identifiers"), p.get("identifiers"), "identifiers")
        ):
            w = (*where, "identifiers", j)
            if not isinstance(ident, dict):
                raise doc.fail(w, "expected an object with scheme and identifier")
            key = (
                required_text(doc, w, ident, "scheme"),
                required_text(doc, w, ident, "identifier"),
            )
            prev = t.identifier.get(key)
            if prev is not None and prev[0] != pid:
                raise doc.fail(
                    w,
                    f"identifier {key[0]}:{key[1]} is given to two persons: {prev[0]!r} "
                    f"(persons[{prev[1]}]) and {pid!r}",
                )
            t.identifier.setdefault(key, (pid, i, j))
        for j, other in enumerate(
            list_of(doc, (*where, "other_names"), p.get("other_names"), "names")
        ):
            w = (*where, "other_names", j)
            if not isinstance(other, dict):
                raise doc.fail(w, "expected an object with a name")
            oname = other.get("name")
            if not isinstance(oname, str) or not oname.strip():
                raise doc.fail((*w, "name"), "missing 'name' in other_names")
            lang = clean_text(other.get("lang")) or ""
            t.other_name.setdefault(
                (pid, oname, lang),
                {
                    "person_id": pid,
                    "name": oname,
                    "lang": lang,
                    "note": clean_text(other.get("note")),
                },
            )


def _organizations(doc: Doc, ids: Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, o in items_of(doc, "organizations"):
        where = ("organizations", i)
        oid = ids(required_text(doc, where, o, "id"))
        if oid in seen:
            raise doc.fail((*where, "id"), f"duplicate organization id {oid!r}")
        seen[oid] = i
        cls = (clean_text(o.get("classification")) or "unknown").lower()
        founded = to_date(doc, (*where, "founding_date"), o.get("founding_date"))
        dissolved = to_date(doc, (*where, "dissolution_date"), o.get("dissolution_date"), end=True)
        check_order(doc, (*where, "dissolution_date"), founded, dissolved, "dissolution_date")
        t.organization.append(
            {
                "id": oid,
                "name": required_text(doc, where, o, "name"),
                "classification": ORGANIZATION_CLASSIFICATION_ALIASES.get(cls, cls),
                "parent_id": ids(o.get("parent_id")),
                "abbreviation": clean_text(o.get("abbreviation")),
                "jurisdiction": clean_text(o.get("jurisdiction")),
                "founding_date": founded,
                "dissolution_date": dissolved,
                "source": source_of(o, src),
                "_index": i,
            }
        )


def _events(doc: Doc, ids: Ids, src: str, t: _Tables) -> None:
    seen: dict[str, int] = {}
    for i, e in items_of(doc, "events"):
        where = ("events", i)
        eid = ids(required_text(doc, where, e, "id"))
        if eid in seen:
            raise doc.fail((*where, "id"), f"duplicate event id {eid!r}")
        seen[eid] = i
        cls = (clean_text(e.get("classification")) or "unknown").lower()
        start = to_date(doc, (*where, "start_date"), e.get("start_date"))
        end = to_date(doc, (*where, "end_date"), e.get("end_date"), end=True)
        check_order(doc, (*where, "end_date"), start, end, "end_date")
        t.event.append(
            {
                "id": eid,
                "name": clean_text(e.get("name")),
                "classification": EVENT_CLASSIFICATION_ALIASES.get(cls, cls),
                "organization_id": ids(e.get("organization_id")),
                "legislative_period_id": ids(e.get("legislative_period_id") or e.get("parent_id")),
                "start_date": start,
                "end_date": end,
                "crucial": to_weight(doc, (*where, "crucial"), e.get("crucial")),
                "source": source_of(e, src),
                "_index": i,
            }
        )


class _Known:
    """Ids known in the file or already in the store."""

    def __init__(self, store: Store, t: _Tables) -> None:
        def stored(sql: str) -> set[str]:
            return {r[0] for r in store.rows(sql)}

        self.persons = {p["id"] for p in t.person} | stored("SELECT id FROM person")
        self.orgs = {o["id"] for o in t.organization} | stored("SELECT id FROM organization")
        self.events = {e["id"] for e in t.event} | stored("SELECT id FROM event")


def _check_org_refs(doc: Doc, ids: Ids, t: _Tables, known: _Known) -> None:
    for o in t.organization:
        check_ref(
            doc,
            ("organizations", o.pop("_index"), "parent_id"),
            o["parent_id"],
            known.orgs,
            "parent organization",
        )
    for e in t.event:
        i = e.pop("_index")
        check_ref(
            doc, ("events", i, "organization_id"), e["organization_id"], known.orgs, "organization"
        )
        key = (
            "legislative_period_id"
            if "legislative_period_id" in doc.data["events"][i]
            else ("parent_id")
        )
        check_ref(doc, ("events", i, key), e["legislative_period_id"], known.events, "event")


def _membership_id(*parts: Any) -> str:
    digest = hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()
    return f"popolo-m-{digest[:16]}"


def _memberships(doc: Doc, ids: Ids, src: str, t: _Tables, known: _Known) -> None:
    areas = {}
    for _, a in items_of(doc, "areas"):
        if clean_text(a.get("id")):
            areas[clean_text(a.get("id"))] = clean_text(a.get("name")) or clean_text(a.get("id"))
    seen: dict[str, int] = {}
    for i, m in items_of(doc, "memberships"):
        where = ("memberships", i)
        person = ids(required_text(doc, where, m, "person_id"))
        org = ids(required_text(doc, where, m, "organization_id"))
        party = ids(m.get("on_behalf_of_id"))
        period = ids(m.get("legislative_period_id"))
        check_ref(doc, (*where, "person_id"), person, known.persons, "person")
        check_ref(doc, (*where, "organization_id"), org, known.orgs, "organization")
        check_ref(doc, (*where, "on_behalf_of_id"), party, known.orgs, "organization (party)")
        check_ref(
            doc, (*where, "legislative_period_id"), period, known.events, "legislative period"
        )
        start = to_date(doc, (*where, "start_date"), m.get("start_date"))
        end = to_date(doc, (*where, "end_date"), m.get("end_date"), end=True)
        check_order(doc, (*where, "end_date"), start, end, "end_date")
        area = m.get("area")
        if isinstance(area, dict):
            area_name = clean_text(area.get("name")) or clean_text(area.get("id"))
        else:
            area_id = clean_text(m.get("area_id"))
            area_name = areas.get(area_id, area_id) if area_id else clean_text(area)
        role = clean_text(m.get("role"))
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
                "source": source_of(m, src),
            }
        )
        t.membership_index.append(i)


def _attendance(doc: Doc, ids: Ids, t: _Tables, known: _Known) -> None:
    for i, e in items_of(doc, "events"):
        attendees = e.get("attendees")
        if attendees is None:
            continue
        eid = ids(e.get("id"))
        t.attendance_events.add(eid)
        seen: set[str] = set()
        for j, a in enumerate(list_of(doc, ("events", i, "attendees"), attendees, "attendees")):
            where = ("events", i, "attendees", j)
            source = f"popolo:{doc.path.name}"
            if isinstance(a, dict):
                pid = ids(a.get("id") or a.get("person_id"))
                status = (clean_text(a.get("status")) or "present").lower()
                note = clean_text(a.get("note"))
                source = clean_text(a.get("source")) or source
            else:
                pid, status, note = ids(a), "present", None
            if pid is None:
                raise doc.fail(where, "an attendee needs a person id ('id' or 'person_id')")
            check_ref(doc, where, pid, known.persons, "person")
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


def _option(doc: Doc, where: tuple[str | int, ...], value: Any) -> str:
    text = (clean_text(value) or "").lower()
    text = VOTE_OPTION_ALIASES.get(text, text)
    if text not in VOTE_OPTIONS:
        raise doc.fail(where, f"vote option {value!r} is not one of {', '.join(VOTE_OPTIONS)}")
    return text


def _vote_events(doc: Doc, ids: Ids, src: str, t: _Tables, known: _Known) -> None:
    motions = {
        clean_text(m.get("id")): m for _, m in items_of(doc, "motions") if clean_text(m.get("id"))
    }
    seen: dict[str, int] = {}
    for i, v in items_of(doc, "vote_events"):
        where = ("vote_events", i)
        vid = ids(required_text(doc, where, v, "id"))
        if vid in seen:
            raise doc.fail((*where, "id"), f"duplicate vote event id {vid!r}")
        seen[vid] = i
        motion = v.get("motion") if isinstance(v.get("motion"), dict) else None
        if motion is None and clean_text(v.get("motion_id")):
            motion = motions.get(clean_text(v.get("motion_id")))
            if motion is None:
                raise doc.fail((*where, "motion_id"), "unknown motion: not in 'motions'", ref=True)
        motion = motion or {}
        org = ids(v.get("organization_id") or motion.get("organization_id"))
        if org is None:
            raise doc.fail((*where, "organization_id"), "missing 'organization_id'")
        check_ref(doc, (*where, "organization_id"), org, known.orgs, "organization")
        period_key = (
            "legislative_session_id"
            if v.get("legislative_session_id")
            else ("legislative_period_id")
        )
        period = ids(v.get(period_key))
        check_ref(doc, (*where, period_key), period, known.events, "legislative session")
        t.vote_event.append(
            {
                "id": vid,
                "organization_id": org,
                "legislative_period_id": period,
                "identifier": clean_text(v.get("identifier")),
                "seq": to_int(doc, (*where, "seq"), v.get("seq")),
                "start_date": to_date(doc, (*where, "start_date"), v.get("start_date")),
                "motion_text": clean_text(v.get("motion_text")) or clean_text(motion.get("text")),
                "question": clean_text(v.get("question")),
                "bill": clean_text(v.get("bill")),
                "result": clean_text(v.get("result")) or clean_text(motion.get("result")),
                "classification": clean_text(v.get("classification"))
                or clean_text(motion.get("classification")),
                "crucial": to_weight(doc, (*where, "crucial"), v.get("crucial")),
                "source": source_of(v, src),
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
    for j, vote in enumerate(list_of(doc, (*where, "votes"), votes, "votes")):
        w = (*where, "votes", j)
        if not isinstance(vote, dict):
            raise doc.fail(w, "expected a vote object with voter_id and option")
        voter = ids(vote.get("voter_id") or (vote.get("voter") or {}).get("id"))
        if voter is None:
            raise doc.fail((*w, "voter_id"), "missing 'voter_id'")
        check_ref(doc, (*w, "voter_id"), voter, known.persons, "person")
        if voter in seen:
            raise doc.fail(
                (*w, "voter_id"),
                f"duplicate vote: {voter!r} votes twice in vote event {vid!r} "
                f"(also votes[{seen[voter]}])",
            )
        seen[voter] = j
        option = _option(doc, (*w, "option"), vote.get("option"))
        group = ids(vote.get("group_id"))
        check_ref(doc, (*w, "group_id"), group, known.orgs, "organization (group)")
        position = to_int(doc, (*w, "position"), vote.get("position"), lo=-1, hi=1)
        if "position" not in vote:
            position = _POSITION.get(option)
        t.vote.append(
            {
                "vote_event_id": vid,
                "voter_id": voter,
                "option": option,
                "position": position,
                "cast_code": to_int(
                    doc, (*w, "cast_code"), vote.get("cast_code"), lo=-32767, hi=32767
                ),
                "group_id": group,
                "role": clean_text(vote.get("role")),
            }
        )


def _counts(doc, ids, t: _Tables, known: _Known, where, vid: str, v: dict) -> None:
    counts = v.get("counts")
    if counts is None:
        return
    t.vote_events_with_counts.add(vid)
    seen: set[tuple[str, str]] = set()
    for j, c in enumerate(list_of(doc, (*where, "counts"), counts, "counts")):
        w = (*where, "counts", j)
        if not isinstance(c, dict):
            raise doc.fail(w, "expected a count object with option and value")
        option = _option(doc, (*w, "option"), c.get("option"))
        group = ids(c.get("group_id")) or ""
        if group:
            check_ref(doc, (*w, "group_id"), group, known.orgs, "organization (group)")
        value = to_int(doc, (*w, "value"), c.get("value"))
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
            if table == "vote":  # a view: votes are deleted through the store
                store.delete_votes("SELECT id FROM _pp_scope")
            else:
                store.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT id FROM _pp_scope)")
        finally:
            store.unregister("_pp_scope")
    upsert(store, "attendance", f["attendance"], ["event_id", "person_id"])
    if not f["vote"].empty:
        store.register("_pp_votes", f["vote"])
        try:
            store.insert_votes(
                "SELECT vote_event_id, voter_id, option, "
                "CAST(position AS SMALLINT) AS position, CAST(cast_code AS SMALLINT) AS cast_code, "
                "group_id, role "
                "FROM _pp_votes"
            )
        finally:
            store.unregister("_pp_votes")
    upsert(store, "vote_count", f["vote_count"], ["vote_event_id", "option", "group_id"])
