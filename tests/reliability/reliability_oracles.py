"""The fuzzing campaigns: per importer, its seeds, its input strategy, how it is called, and
an oracle that checks a load against the file read independently (Python's csv and json).

A campaign has ``name``, ``setup(store)`` (the baseline the seeds refer to), ``inputs()`` (a
Hypothesis strategy of :class:`~reliability_fuzz.Attempt`), ``run(store, workdir, paths,
attempt)`` and ``check(store, paths, attempt, result)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from reliability_fuzz import Attempt, Seed, csv_inputs, json_inputs

import floorwatch
from floorwatch.ingest._checks import slug

CHAMBER_ORG = {"Senate": "us-senate", "House": "us-house"}


def chamber_org(chamber: str) -> str:
    """The organisation of a Voteview chamber as the docs state it: the US chambers by name,
    any other chamber ``vv-<its name, lower case, runs of other characters as ->``."""
    if chamber in CHAMBER_ORG:
        return CHAMBER_ORG[chamber]
    return "vv-" + re.sub(r"[^A-Za-z0-9]+", "-", chamber.strip()).lower()


def vv_party(org: str, code: int) -> str:
    return f"us-party-{code}" if org in CHAMBER_ORG.values() else f"{org}-party-{code}"


# The oracle reads any field, however long (DuckDB does; Python's csv stops at 128 KiB).
csv.field_size_limit(sys.maxsize)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- reading a file the plain way ------------------------------------------------------------
def rows_of(
    data: bytes, *, header: bool = True, crlf_as_lf: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Header and non-blank rows of a CSV file, read with Python's csv module.

    ``crlf_as_lf``: read CRLF as LF, inside quoted values too, as floorwatch's DuckDB-read
    importers (Voteview, claims) do.
    """
    if crlf_as_lf:
        data = data.replace(b"\r\n", b"\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not header:
        return [], [r for r in rows if r]
    rows = [r for r in rows if "".join(r).strip()]  # blank lines (or cells) are skipped
    head = [h.strip() for h in rows[0]]
    body = rows[1:]
    # DuckDB's strict reader accepts extra *empty* trailing fields (no value is lost): trim.
    return head, [r[: len(head)] if not any(r[len(head) :]) else r for r in body]


def dicts_of(data: bytes, *, crlf_as_lf: bool = False) -> list[dict[str, str]]:
    head, rows = rows_of(data, crlf_as_lf=crlf_as_lf)
    return [dict(zip(head, r, strict=True)) for r in rows]


def whole(text: str | None) -> int | None:
    """A whole number as a reader of the file takes it ('107', ' 107 ', '107.0'); else None."""
    if text is None:
        return None
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            return None
        return int(f) if f.is_integer() else None


def iso_date(text: str, *, end: bool = False) -> dt.date | None:
    """YYYY-MM-DD, or YYYY / YYYY-MM widened to the first (``end``: last) day; else None."""
    t = text.strip()
    try:
        if re.fullmatch(r"\d{4}", t):
            y = int(t)
            return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", t):
            y, m = int(t[:4]), int(t[5:])
            first = dt.date(y, m, 1)
            if not end:
                return first
            return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        if _DATE.match(t):
            return dt.date.fromisoformat(t)
        # Other ISO 8601 forms of a day (20010606, 2001-W23-3) are read as that day.
        return dt.date.fromisoformat(t)
    except ValueError:
        return None


def _kv(store, sql: str, params) -> list[tuple]:
    """(first column, second column) pairs of a query."""
    return [tuple(r.values())[:2] for r in store.records(sql, params)]


def one_file(attempt: Attempt) -> bytes:
    (data,) = attempt.files.values()
    return data


# -- Voteview ----------------------------------------------------------------------------------
#: The columns each importer reads (cell edits focus on them; see Seed.focus).
READ = {
    "members": ("congress", "chamber", "icpsr", "party_code", "bioname", "bioguide_id",
                "state_abbrev", "district_code", "born", "died"),
    "rollcalls": ("congress", "chamber", "rollnumber", "date", "vote_desc", "vote_question",
                  "bill_number", "vote_result", "yea_count", "nay_count"),
    "votes": ("congress", "chamber", "rollnumber", "icpsr", "cast_code"),
    "uk": ("person_id", "person_latestname", "member_id", "firstname", "lastname",
           "constituency", "party", "fromdate", "todate", "fromwhy", "towhy", "datadotparl_id",
           "source_file"),
    "fact_attendance.csv": ("Date", "Sitting_CID", "MP_Name", "Attendance"),
    "sittings.csv": ("Sitting_CID", "Sitting_Date", "Parliament_Number", "Session_Number",
                     "Sitting_Number"),
    "party.csv": ("MP_Name", "party"),
    "attendance_long.csv": ("date", "status", "name", "constituency"),
    "rc_rollcalls": ("rollnumber", "date", "legislature", "bill", "yea_count", "nay_count",
                     "rollcall_id"),
    "rc_votes": ("rollnumber", "legislator_id", "cast_code", "party"),
    "rc_members": ("legislator_id", "name", "state"),
}  # fmt: skip


#: The tables a roll-call importer writes.
VOTE_TABLES = ("organization", "event", "person", "identifier", "vote_event", "vote_count",
               "vote", "membership")  # fmt: skip


class _RollCallFiles:
    """A campaign over three roll-call files in ``seeds/<folder>`` (``READ[<prefix><name>]``
    names the columns each is read for)."""

    folder = ""
    prefix = ""
    files: tuple[str, ...] = ()

    def writes(self, attempt) -> tuple[str, ...]:
        return VOTE_TABLES

    def __init__(self, seeds: Path) -> None:
        self.dir = seeds / self.folder
        self.seed = {n: Seed.csv(self.dir / f"{n}.csv", READ[self.prefix + n]) for n in self.files}

    def draw_files(self, draw) -> tuple[dict[str, bytes], str]:
        """The seed files with one of them (returned too) fuzzed."""
        data = {n: self.seed[n].data for n in self.files}
        target = draw(st.sampled_from(self.files))
        data[target] = draw(csv_inputs(self.seed[target]))
        return data, target


class Voteview(_RollCallFiles):
    name = folder = "voteview"
    files = ("members", "rollcalls", "votes")

    def setup(self, store) -> None:
        floorwatch.ingest_voteview(store, *(self.dir / f"{n}.csv" for n in self.files))

    def inputs(self):
        seed = self.seed

        @st.composite
        def attempts(draw):
            data, target = self.draw_files(draw)
            second = draw(st.sampled_from((None, None, *self.files)))
            if second is not None and second != target:
                data[second] = draw(csv_inputs(seed[second]))
            shape = draw(st.sampled_from(("all", "all", "all", "members", "no-votes",
                                          "no-rollcalls")))  # fmt: skip
            drop = {"members": ("rollcalls", "votes"), "no-votes": ("votes",),
                    "no-rollcalls": ("rollcalls",)}.get(shape, ())  # fmt: skip
            files = {f"S107_{n}.csv": d for n, d in data.items() if n not in drop}
            congresses = draw(st.sampled_from((None, None, None, (107,), (106,))))
            return Attempt(files, {"congresses": congresses})

        return attempts()

    def run(self, store, workdir, paths, attempt):
        args = [paths.get(f"S107_{n}.csv") for n in self.files]
        congresses = attempt.options["congresses"]
        return floorwatch.ingest_voteview(
            store, *args, congresses=set(congresses) if congresses else None
        )

    def check(self, store, paths, attempt, result) -> None:
        files = attempt.files
        congresses = attempt.options["congresses"]
        members = dicts_of(files["S107_members.csv"], crlf_as_lf=True)
        president = {
            (whole(m["congress"]), whole(m["icpsr"]))
            for m in members
            if m["chamber"] == "President"
        }
        person: dict[tuple, str] = {}
        want_ms = {}
        for m in members:
            congress, icpsr, party = whole(m["congress"]), whole(m["icpsr"]), whole(m["party_code"])
            assert None not in (congress, icpsr, party), f"loaded a non-whole number: {m}"
            if m["chamber"] == "President" or (congresses and congress not in congresses):
                continue
            bioguide = (m.get("bioguide_id") or "").strip()
            org = chamber_org(m["chamber"])
            us = org in CHAMBER_ORG.values()
            pid = (
                f"bioguide-{bioguide}"
                if bioguide
                else f"icpsr-{icpsr}"
                if us
                else f"{org}-icpsr-{icpsr}"
            )
            person[(congress, m["chamber"], icpsr)] = pid
            mid = f"vv-{org[3:]}-{congress}-{icpsr}"
            want_ms[mid] = (pid, vv_party(org, party), m["bioname"].strip())
        got = {
            r["id"]: (r["person_id"], r["on_behalf_of_id"], r["name"])
            for r in store.records(
                "SELECT m.id, m.person_id, m.on_behalf_of_id, p.name FROM membership m "
                "JOIN person p ON p.id = m.person_id WHERE m.id IN (SELECT unnest(?))",
                [list(want_ms)],
            )
        }
        # A person's name is their latest row's; compare names only for one-row persons.
        rows_per_person = {}
        for pid, _, _ in want_ms.values():
            rows_per_person[pid] = rows_per_person.get(pid, 0) + 1
        for mid, (pid, party, name) in want_ms.items():
            assert mid in got, f"membership {mid} not stored"
            assert got[mid][:2] == (pid, party), (mid, got[mid], (pid, party))
            if rows_per_person[pid] == 1:
                assert got[mid][2] == name, (mid, got[mid][2], name)
        assert result.members == len(want_ms)
        if "S107_rollcalls.csv" in files:
            rolls = dicts_of(files["S107_rollcalls.csv"], crlf_as_lf=True)
            want = {}
            for r in rolls:
                ve = f"{chamber_org(r['chamber'])}-{whole(r['congress'])}-{whole(r['rollnumber'])}"
                want[ve] = iso_date(r["date"])
                assert None not in (whole(r["congress"]), whole(r["rollnumber"]), want[ve]), r
            got_dates = dict(
                store.rows(
                    "SELECT id, start_date FROM vote_event WHERE id IN (SELECT unnest(?))",
                    [list(want)],
                )
            )
            assert got_dates == want
            assert result.rollcalls == len(rolls)
        if "S107_votes.csv" in files:
            want_votes: dict[str, set] = {}
            n = 0
            for v in dicts_of(files["S107_votes.csv"], crlf_as_lf=True):
                congress, icpsr = whole(v["congress"]), whole(v["icpsr"])
                if v["chamber"] == "President" or (congress, icpsr) in president:
                    continue
                ve = f"{chamber_org(v['chamber'])}-{congress}-{whole(v['rollnumber'])}"
                cast = float(v["cast_code"])
                want_votes.setdefault(ve, set())
                if cast != 0:
                    want_votes[ve].add((person[(congress, v["chamber"], icpsr)], cast))
                    n += 1
            for ve, votes in want_votes.items():
                got_votes = store.rows(
                    "SELECT voter_id, cast_code FROM vote WHERE vote_event_id = ?", [ve]
                )
                assert len(got_votes) == len(votes) and set(got_votes) == votes, ve
            assert result.votes == n


# -- CSV templates -----------------------------------------------------------------------------
class CsvTemplates:
    name = "csv"

    def writes(self, attempt) -> tuple[str, ...]:
        return (self.kinds[attempt.options["kind"]].table,)

    def __init__(self, seeds: Path) -> None:
        from floorwatch.ingest.csv import KINDS, template_path

        self.kinds = KINDS
        self.order = ("organizations", "persons", "identifiers", "other_names", "memberships",
                      "events", "attendance", "vote_events", "votes", "counts",
                      "whips")  # fmt: skip
        self.paths = {k: template_path(k) for k in self.order}
        self.seed = {k: Seed.csv(p) for k, p in self.paths.items()}

    def setup(self, store) -> None:
        from floorwatch.ingest.csv import ingest_csv

        for k in self.order:
            ingest_csv(store, k, self.paths[k])

    def inputs(self):
        @st.composite
        def attempts(draw):
            kind = draw(st.sampled_from(self.order))
            return Attempt({f"{kind}.csv": draw(csv_inputs(self.seed[kind]))}, {"kind": kind})

        return attempts()

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest.csv import ingest_csv

        (path,) = paths.values()
        # The rows as stored before: an empty cell of an update row keeps its stored value.
        self.before = store.records(f"SELECT * FROM {self.kinds[attempt.options['kind']].table}")
        return ingest_csv(store, attempt.options["kind"], path)

    def _person(self, store, ref: str) -> str | None:
        if store.scalar("SELECT count(*) FROM person WHERE id = ?", [ref]):
            return ref
        if ":" in ref:
            scheme, ident = ref.split(":", 1)
            return store.scalar(
                "SELECT person_id FROM identifier WHERE scheme = ? AND identifier = ?",
                [scheme, ident],
            )
        return None

    def _expect(self, store, col, text: str) -> Any:
        t = text.strip()
        if col.type == "enum":
            return t.lower()
        if col.type in ("date", "end_date"):
            value = iso_date(t, end=col.type == "end_date")
            assert value is not None, f"loaded {t!r} as a date in {col.name}"
            return value
        if col.type == "partial_date":
            assert iso_date(t) is not None, f"loaded {t!r} as a date in {col.name}"
            return t
        if col.type == "weight":
            return float(t)
        if col.type in ("int", "count"):
            return int(t)
        if col.type == "person":
            return self._person(store, t)
        return t

    def check(self, store, paths, attempt, result) -> None:
        kind = self.kinds[attempt.options["kind"]]
        head, rows = rows_of(one_file(attempt))
        assert result.rows == len(rows)
        cols = {c.name: c for c in kind.columns}
        skip_empty = {"source", "lang", "group", "role"}
        for row in rows:
            cells = dict(zip(head, row, strict=True))
            want, empty = {}, []
            for name, text in cells.items():
                col = cols[name]
                if not text.strip():
                    if name not in skip_empty:
                        empty.append(col)
                    continue
                want[col.to] = self._expect(store, col, text)
            if kind.name == "memberships" and not want.get("id"):
                continue  # a generated id: checked through the row count above
            key = {k: want[k] for k in kind.key if k in want}
            if kind.name == "counts":
                key.setdefault("group_id", "")
            if kind.name == "other_names":
                key.setdefault("lang", "")
            # docs/csv-templates.md: an empty cell of an update row leaves the stored value as
            # it is (a vote is replaced whole); in a new row it is empty (a weight: 0).
            prior = [r for r in self.before if all(r.get(k) == v for k, v in key.items())]
            for col in empty:
                if prior and kind.name != "votes":
                    want[col.to] = prior[0][col.to]
                else:
                    want[col.to] = 0.0 if col.type == "weight" else None
            where = " AND ".join(f"{k} = ?" for k in key)
            got = store.records(f"SELECT * FROM {kind.table} WHERE {where}", list(key.values()))
            assert len(got) == 1, (kind.name, key, len(got))
            stored = got[0]
            for k, v in want.items():
                assert stored[k] == v, (kind.name, k, stored[k], v)
            if kind.name == "votes":
                position = {"yes": 1, "no": -1, "abstain": 0, "present": 0}.get(want["option"])
                assert stored["position"] == position


# -- Claims ------------------------------------------------------------------------------------
class Claims:
    name = "claims"

    #: The tables an ingest writes (whatever the input).
    always_writes = ("claim", "claim_subject", "claim_resolution")

    def writes(self, attempt) -> tuple[str, ...]:
        return self.always_writes

    def __init__(self, seeds: Path) -> None:
        from floorwatch.claims import template_path

        self.vv = seeds / "voteview"
        self.seed = Seed.csv(template_path())

    def setup(self, store) -> None:
        floorwatch.ingest_voteview(store, self.vv / "members.csv")

    def inputs(self):
        return st.builds(lambda d: Attempt({"claims.csv": d}), csv_inputs(self.seed))

    def run(self, store, workdir, paths, attempt):
        from floorwatch.claims import import_claims

        return import_claims(store, paths["claims.csv"])

    def check(self, store, paths, attempt, result) -> None:
        head, rows = rows_of(one_file(attempt), crlf_as_lf=True)
        assert len(result) == len(rows)
        ids = [sorted({str(c) for c in result})]
        stored = {
            c["id"]: c
            for c in store.records("SELECT * FROM claim WHERE id IN (SELECT unnest(?))", ids)
        }
        n_subjects = dict(
            store.rows(
                "SELECT claim_id, count(*) FROM claim_subject "
                "WHERE claim_id IN (SELECT unnest(?)) GROUP BY claim_id",
                ids,
            )
        )
        for cid, row in zip(result, rows, strict=True):
            cells = {h: c.strip() or None for h, c in zip(head, row, strict=True)}
            assert cells.get("made_on") and cells.get("predicts"), cells
            assert cid in stored, cid
            claim = stored[cid]
            if cells.get("id"):
                assert cid == cells["id"]
            for col in ("outlet", "speaker", "link", "quote", "note"):
                if col in cells:
                    assert claim[col] == cells[col], (col, claim[col], cells[col])
            made = iso_date(cells["made_on"])
            assert claim["made_on"] == made, (claim["made_on"], cells["made_on"])
            assert claim["predicts"] == " ".join(cells["predicts"].lower().split())
            subjects = n_subjects.get(cid, 0)
            about = {a.strip() for a in (cells.get("about") or "").split(";") if a.strip()}
            assert subjects <= len(about)
            assert subjects >= 1 or claim["count_min"] is not None


# -- Popolo ------------------------------------------------------------------------------------
class Popolo:
    name = "popolo"

    #: The tables an ingest writes (whatever the input).
    always_writes = ("organization", "person", "identifier", "other_name", "event",
                     "membership", "vote_event", "attendance", "vote", "vote_count")  # fmt: skip

    def writes(self, attempt) -> tuple[str, ...]:
        return self.always_writes

    def __init__(self, seeds: Path) -> None:
        d = seeds / "popolo"
        self.docs = [
            json.loads((d / n).read_text(encoding="utf-8"))
            for n in ("pakistan.json", "senate_singapore.json")
        ]

    def setup(self, store) -> None:
        pass

    def inputs(self):
        return st.builds(lambda d: Attempt({"popolo.json": d}), json_inputs(self.docs))

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest.popolo import ingest_popolo

        return ingest_popolo(store, paths["popolo.json"])

    def check(self, store, paths, attempt, result) -> None:
        doc = json.loads(one_file(attempt).decode("utf-8-sig"))

        def text(v) -> str:
            return str(v).strip()

        def lookup(sql: str, ids: list[str]) -> dict:
            """``sql`` (``IN ?``: in the ids) gives (id, value) rows: one query per table."""
            sql = sql.replace("IN ?", "IN (SELECT unnest(?::VARCHAR[]))")
            return dict(store.rows(sql, [sorted(set(ids))]))

        persons = doc.get("persons") or []
        assert result.persons == len(persons)
        ids = [text(p["id"]) for p in persons]
        got = lookup("SELECT id, name FROM person WHERE id IN ?", ids)
        for pid, p in zip(ids, persons, strict=True):
            assert got.get(pid) == text(p["name"]), (p["id"], got.get(pid))
        orgs = doc.get("organizations") or []
        ids = [text(o["id"]) for o in orgs]
        got = lookup("SELECT id, name FROM organization WHERE id IN ?", ids)
        for oid, o in zip(ids, orgs, strict=True):
            assert got.get(oid) == text(o["name"]), (o["id"], got.get(oid))
        events = doc.get("events") or []
        ids = [text(e["id"]) for e in events]
        stored = lookup(
            "SELECT id, count(*) FROM event WHERE id IN ? GROUP BY id",
            ids,
        )
        present = lookup(
            "SELECT event_id, count(*) FROM attendance WHERE event_id IN ? GROUP BY event_id",
            ids,
        )
        for eid, e in zip(ids, events, strict=True):
            assert stored.get(eid, 0) == 1
            if e.get("attendees") is not None:
                n = present.get(eid, 0)
                assert n == len(e["attendees"]), (eid, n)
        assert result.memberships == len(doc.get("memberships") or [])
        ms = [m for m in doc.get("memberships") or [] if m.get("id") is not None and text(m["id"])]
        ids = [text(m["id"]) for m in ms]
        got = lookup("SELECT id, person_id FROM membership WHERE id IN ?", ids)
        for mid, m in zip(ids, ms, strict=True):
            assert got.get(mid) == text(m["person_id"])
        ves = doc.get("vote_events") or []
        ids = [text(v["id"]) for v in ves]
        stored = lookup(
            "SELECT id, count(*) FROM vote_event WHERE id IN ? GROUP BY id",
            ids,
        )
        votes = lookup(
            "SELECT vote_event_id, count(*) FROM vote WHERE vote_event_id IN ? "
            "GROUP BY vote_event_id",
            ids,
        )
        counts = lookup(
            "SELECT vote_event_id, count(*) FROM vote_count "
            "WHERE vote_event_id IN ? GROUP BY vote_event_id",
            ids,
        )
        for vid, v in zip(ids, ves, strict=True):
            assert stored.get(vid, 0) == 1
            if v.get("votes") is not None:
                n = votes.get(vid, 0)
                assert n == len(v["votes"]), (vid, n)
            if v.get("counts") is not None:
                n = counts.get(vid, 0)
                assert n == len(v["counts"]), (vid, n)


# -- Adapters ----------------------------------------------------------------------------------
class UkParlparse:
    name = "uk-parlparse"

    #: The tables an ingest writes (whatever the input).
    always_writes = ("organization", "person", "identifier", "other_name", "event", "membership")

    def writes(self, attempt) -> tuple[str, ...]:
        return self.always_writes

    file = "uk_commons_memberships_1997_2015.csv"

    def __init__(self, seeds: Path) -> None:
        self.seed = Seed.csv(seeds / "uk" / self.file, READ["uk"])

    def setup(self, store) -> None:
        pass

    def inputs(self):
        return st.builds(lambda d: Attempt({self.file: d}), csv_inputs(self.seed))

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest.adapters import ingest_uk_parlparse

        return ingest_uk_parlparse(store, paths[self.file])

    def check(self, store, paths, attempt, result) -> None:
        rows = dicts_of(one_file(attempt))
        assert result.memberships == len(rows)
        mids = ["uk-parlparse-member-" + r["member_id"].rsplit("/", 1)[-1] for r in rows]
        stored = {
            m["id"]: m
            for m in store.records(
                "SELECT * FROM membership WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(set(mids))],
            )
        }
        for mid, r in zip(mids, rows, strict=True):
            assert mid in stored, mid
            m = stored[mid]
            assert m["person_id"] == "uk-parlparse-" + r["person_id"].rsplit("/", 1)[-1]
            assert m["on_behalf_of_id"] == "uk-party-" + slug(r["party"])
            assert m["start_date"] == iso_date(r["fromdate"]), (m["start_date"], r["fromdate"])
            assert m["area"] == r["constituency"]


class Singapore:
    name = "singapore"

    #: The tables an ingest writes (whatever the input).
    always_writes = ("organization", "person", "event", "membership", "attendance")

    def writes(self, attempt) -> tuple[str, ...]:
        return self.always_writes

    names = ("fact_attendance.csv", "sittings.csv", "party.csv")

    def __init__(self, seeds: Path) -> None:
        self.seed = {n: Seed.csv(seeds / "singapore" / n, READ[n]) for n in self.names}

    def setup(self, store) -> None:
        pass

    def inputs(self):
        @st.composite
        def attempts(draw):
            data = {n: s.data for n, s in self.seed.items()}
            target = draw(st.sampled_from(self.names))
            data[target] = draw(csv_inputs(self.seed[target]))
            return Attempt({f"sg/{n}": d for n, d in data.items()})

        return attempts()

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest.adapters import ingest_singapore

        return ingest_singapore(store, workdir / "sg")

    def check(self, store, paths, attempt, result) -> None:
        status: dict[tuple[str, str], str] = {}
        for r in dicts_of(attempt.files["sg/fact_attendance.csv"]):
            name = r["MP_Name"].strip()
            if not name:
                continue
            key = (f"sg-sitting-{r['Sitting_CID']}", f"sg-{slug(name)}")
            present = r["Attendance"] == "True"
            status[key] = "present" if present or status.get(key) == "present" else "absent"
        stored = {
            (e, p): s
            for e, p, s in store.rows(
                "SELECT event_id, person_id, status FROM attendance "
                "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted({e for e, _ in status})],
            )
        }
        for (event, person), want in status.items():
            got = stored.get((event, person))
            assert got == want, (event, person, got, want)
        assert result.attendance == len(status)


class Malaysia:
    name = "malaysia"

    #: The tables an ingest writes (whatever the input).
    always_writes = ("organization", "person", "event", "membership", "attendance")

    def writes(self, attempt) -> tuple[str, ...]:
        return self.always_writes

    names = ("attendance_long.csv", "15mps.csv")

    def __init__(self, seeds: Path) -> None:
        self.seed = {n: Seed.csv(seeds / "malaysia" / n, READ.get(n, ())) for n in self.names}

    def setup(self, store) -> None:
        pass

    def inputs(self):
        @st.composite
        def attempts(draw):
            data = {n: s.data for n, s in self.seed.items()}
            target = draw(st.sampled_from(self.names))
            data[target] = draw(csv_inputs(self.seed[target]))
            return Attempt({f"my/{n}": d for n, d in data.items()})

        return attempts()

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest.adapters import ingest_malaysia

        return ingest_malaysia(store, workdir / "my")

    def check(self, store, paths, attempt, result) -> None:
        _, mps = rows_of(attempt.files["my/15mps.csv"], header=False)
        seat_mp = {r[3].strip(): "my-" + slug(r[0].strip()) for r in mps}
        status = {"Present": "present", "Absent": "absent", "Suspended": "suspended"}
        # One row per MP and day is kept; of rows that disagree (Present and Absent for one
        # MP and day), which one is not documented, so any of their statuses is accepted.
        want: dict[tuple[str, str], set[str]] = {}
        for r in dicts_of(attempt.files["my/attendance_long.csv"]):
            seat = r["constituency"].strip()
            if seat in seat_mp:
                day = dt.date.fromisoformat(r["date"].strip()).isoformat()
                want.setdefault((day, seat_mp[seat]), set()).add(status[r["status"].strip()])
        by_event: dict[str, list[dict]] = {}
        for r in store.records(
            "SELECT event_id, person_id, status FROM attendance "
            "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({f"my-dr-sitting-{day}" for day, _ in want})],
        ):
            by_event.setdefault(r["event_id"], []).append(r)
        for (day, person), statuses in want.items():
            got = [
                g
                for g in by_event.get(f"my-dr-sitting-{day}", [])
                if g["person_id"] == person or g["person_id"].startswith("my-pred-")
            ]
            assert got, (day, person)  # the MP's row, or a by-election predecessor's
            mine = [g["status"] for g in got if g["person_id"] == person]
            assert not mine or mine[0] in statuses, (day, person, mine, statuses)


# -- roll calls with the party at each vote ---------------------------------------------------
class Rollcalls(_RollCallFiles):
    """``ingest_rollcalls`` on Brazil's Câmara (a rename and switches in the seed); the oracle
    reads the files with Python's csv and recomputes votes, names and label changes."""

    name = folder = "rollcalls"
    prefix = "rc_"
    files = ("rollcalls", "votes", "members")

    def setup(self, store) -> None:
        from floorwatch.ingest.rollcalls import ingest_rollcalls

        ingest_rollcalls(store, "br", *(self.dir / f"{n}.csv" for n in self.files))

    def inputs(self):

        @st.composite
        def attempts(draw):
            data, _ = self.draw_files(draw)
            members = draw(st.booleans())
            files = {f"BR_{n}.csv": d for n, d in data.items() if members or n != "members"}
            min_run = draw(st.sampled_from((1, 3, 3, 5)))
            return Attempt(files, {"min_run": min_run})

        return attempts()

    def run(self, store, workdir, paths, attempt):
        from floorwatch.ingest._labels import LabelRules
        from floorwatch.ingest.rollcalls import ingest_rollcalls

        rules = LabelRules(min_run=attempt.options["min_run"], detect_relabels=False)
        args = [paths.get(f"BR_{n}.csv") for n in self.files]
        return ingest_rollcalls(store, "br", *args, rules=rules)

    def check(self, store, paths, attempt, result) -> None:
        from floorwatch.ingest.rollcalls import label_org_id

        files = attempt.files
        period, date = {}, {}
        for r in dicts_of(files["BR_rollcalls.csv"], crlf_as_lf=True):
            roll = whole(r["rollnumber"])
            assert roll is not None and roll >= 0, r
            period[roll] = r["legislature"].strip()
            date[roll] = iso_date(r["date"])
            assert date[roll] is not None and period[roll], r
        got = dict(
            _kv(
                store,
                "SELECT id, start_date FROM vote_event WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [[f"br-{period[k]}-{k}" for k in period]],
            )
        )
        assert got == {f"br-{period[k]}-{k}": date[k] for k in period}
        assert result.rollcalls == len(period)
        want: dict[str, set] = {f"br-{period[k]}-{k}": set() for k in period}
        seq: dict[tuple, list] = {}
        for v in dicts_of(files["BR_votes.csv"], crlf_as_lf=True):
            roll, cast = whole(v["rollnumber"]), float(v["cast_code"])
            member, label = v["legislator_id"].strip(), v["party"].strip()
            assert member and label and cast in range(10), v
            if cast == 0:
                continue
            want[f"br-{period[roll]}-{roll}"].add(
                (f"br-{member}", int(cast), label_org_id("br", label))
            )
            seq.setdefault((member, period[roll]), []).append((roll, label))
        rows = store.records(
            "SELECT vote_event_id AS ve, voter_id, cast_code, group_id FROM vote "
            "WHERE vote_event_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(want)],
        )
        got_votes: dict[str, set] = {ve: set() for ve in want}
        for r in rows:
            got_votes[r["ve"]].add((r["voter_id"], r["cast_code"], r["group_id"]))
        assert got_votes == want
        assert result.votes == sum(len(x) for x in want.values()) == len(rows)
        # label changes: runs of one label in roll-call order; a change with a run shorter
        # than min_run is a flicker, every other a switch (no relabels, no "no party")
        k = attempt.options["min_run"]
        kinds = {"switch": 0, "flicker": 0}
        for votes in seq.values():
            runs: list[list] = []
            for _, label in sorted(votes):
                if runs and runs[-1][0] == label:
                    runs[-1][1] += 1
                else:
                    runs.append([label, 1])
            for a, b in zip(runs, runs[1:], strict=False):
                kinds["flicker" if min(a[1], b[1]) < k else "switch"] += 1
        assert {x: result.count(x) for x in kinds} == kinds
        if "BR_members.csv" in files:
            names = {}
            for m in dicts_of(files["BR_members.csv"], crlf_as_lf=True):
                names[m["legislator_id"].strip()] = m["name"].strip() or None
            got_names = dict(
                _kv(
                    store,
                    "SELECT id, name FROM person WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                    [[f"br-{i}" for i in names]],
                )
            )
            for i, n in names.items():
                if n:
                    assert got_names[f"br-{i}"] == n, (i, got_names.get(f"br-{i}"), n)


CAMPAIGNS = {
    c.name: c
    for c in (Voteview, CsvTemplates, Claims, Popolo, UkParlparse, Singapore, Malaysia, Rollcalls)
}
