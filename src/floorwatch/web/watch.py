"""The dashboard's party watch page (``/watch/{party_id}``), party-body page
(``/body/{org_id}``) and data-quality page (``/check``): the party's red list across all its
bodies (``floorwatch flags --party P``), the members who left, each party body's meetings with
their attendance, and the report of ``floorwatch check``.

Built beside :mod:`floorwatch.web.data` and called the same way (``build_*(store, key, as_of,
env)``); the flags are the risk layer's (``floorwatch.risk.flags``) with the dashboard's risk
settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from floorwatch import risk
from floorwatch.jsonable import clean, records
from floorwatch.quality import CHECKS, check
from floorwatch.risk.party import party_bodies
from floorwatch.store import Store
from floorwatch.web.sections import Env, section

__all__ = ["build_body", "build_check", "build_watch"]

log = logging.getLogger("floorwatch.web")


def _org(store: Store, org_id: str) -> dict[str, Any]:
    rows = store.records(
        "SELECT id, name, abbreviation, classification, parent_id FROM organization WHERE id = ?",
        [org_id],
    )
    return rows[0] if rows else {"id": org_id, "name": org_id}


def _meetings(store: Store, org_id: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The body's events on or before ``as_of`` with their attendance, newest first."""
    rows = store.records(
        """SELECT e.id, e.name, e.classification, e.start_date AS date, e.crucial,
               count(CASE WHEN a.status = 'present' THEN 1 END) AS present,
               count(CASE WHEN a.status = 'absent' THEN 1 END) AS absent,
               count(CASE WHEN a.status IN ('leave', 'excused', 'suspended') THEN 1 END)
                   AS excused,
               string_agg(CASE WHEN a.status = 'absent' THEN p.name END, '; ' ORDER BY p.name)
                   AS absentees
        FROM event e LEFT JOIN attendance a ON a.event_id = e.id
        LEFT JOIN person p ON p.id = a.person_id
        WHERE e.organization_id = ? AND e.start_date <= ?
          AND e.classification NOT IN ('legislative period', 'election')
        GROUP BY e.id, e.name, e.classification, e.start_date, e.crucial
        ORDER BY e.start_date DESC, e.id""",
        [org_id, as_of],
    )
    return records(rows, iso=True)


def _bodies(store: Store, party_id: str) -> list[dict[str, Any]]:
    ids = party_bodies(store, party_id)
    return sorted((_org(store, i) for i in ids), key=lambda o: (o["name"], o["id"]))


def _flag_rows(frame) -> list[dict[str, Any]]:
    out = []
    for r in frame.to_dict(orient="records"):
        evidence = r.get("evidence") if isinstance(r.get("evidence"), list) else []
        out.append(
            {
                "person_id": r["person_id"],
                "name": r["name"],
                "level": r["level"],
                "score": clean(r.get("score"), iso=True),
                "bodies": r.get("bodies") or "",
                "note": clean(r.get("note"), iso=True),
                "unscored": clean(r.get("unscored"), iso=True),
                "summary": "; ".join(e.get("detail", "") for e in evidence[:3]) or None,
                "missed": [
                    ev
                    for e in evidence
                    if e.get("signal") == "crucial_absence"
                    for ev in e.get("events", [])
                ],
            }
        )
    return out


def build_watch(store: Store, party_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """The page model of ``/watch/{party_id}``."""
    left: list[dict[str, Any]] = []
    unscored: list[dict[str, Any]] = []
    try:
        frame = risk.flags(store, party=party_id, as_of=as_of, config=env.risk_config)
    except Exception as exc:  # noqa: BLE001 - e.g. no record by as_of: say so, never 500
        log.info("no party watch for %s as of %s: %s", party_id, as_of, exc)
        flags = section(False, None, f"No party watch as of {as_of}: {exc}")
    else:
        rows = _flag_rows(frame)
        listed = [r for r in rows if r["level"] in ("red", "amber")]
        left = [r for r in rows if r["level"] == "left"]
        unscored = [r for r in rows if r["unscored"]]
        scored = sum(1 for r in rows if r["score"] is not None)
        red = sum(1 for r in listed if r["level"] == "red")
        note = (
            f"{red} red and {len(listed) - red} amber of {scored} members scored "
            f"({len(unscored)} without enough record, {len(left)} left)."
        )
        flags = section(True, listed, note)
    bodies = [{**b, "meetings": _meetings(store, b["id"], as_of)} for b in _bodies(store, party_id)]
    return {
        "as_of": as_of,
        "party": _org(store, party_id),
        "flags": flags,
        "left": left,
        "unscored": unscored,
        "bodies": bodies,
    }


def build_body(store: Store, org_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """The page model of ``/body/{org_id}``: a party body (or any body) and its meetings."""
    org = _org(store, org_id)
    members = store.records(
        """SELECT p.id AS person_id, p.name, m.start_date, m.end_date, m.end_reason
        FROM membership m JOIN person p ON p.id = m.person_id
        WHERE m.organization_id = ? AND (m.start_date IS NULL OR m.start_date <= ?)
        ORDER BY p.name, m.start_date""",
        [org_id, as_of],
    )
    return {
        "as_of": as_of,
        "body": org,
        "parent": _org(store, org["parent_id"]) if org.get("parent_id") else None,
        "members": records(members, iso=True),
        "meetings": _meetings(store, org_id, as_of),
    }


def build_check(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """The page model of ``/check``: the data-quality report (:mod:`floorwatch.quality`)."""
    frame = check(store)
    return {"as_of": as_of, "checks": list(CHECKS), "problems": records(frame, iso=True)}
