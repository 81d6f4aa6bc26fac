"""The dashboard's party watch page (``/watch/{party_id}``), party-body page
(``/body/{org_id}``) and data-quality page (``/check``): the party's red list across all its
bodies (``floorwatch flags --party P``), the members who left, each party body's meetings with
their attendance, and the report of ``floorwatch check``.

Built beside :mod:`floorwatch.web.data` and called the same way (``build_*(store, key, as_of,
env)``); the flags come from the risk layer through the layer environment, as elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from floorwatch.store import Store

__all__ = ["build_body", "build_check", "build_watch"]

log = logging.getLogger("floorwatch.web")


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    return value


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
    return [{k: _plain(v) for k, v in r.items()} for r in rows]


def _bodies(store: Store, party_id: str) -> list[dict[str, Any]]:
    from floorwatch.risk.party import party_bodies

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
                "score": _plain(r.get("score")),
                "bodies": r.get("bodies") or "",
                "note": _plain(r.get("note")),
                "unscored": _plain(r.get("unscored")),
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


def build_watch(store: Store, party_id: str, as_of: dt.date, env: Any) -> dict[str, Any]:
    """The page model of ``/watch/{party_id}``."""
    risk = env.get("risk")
    section: dict[str, Any] = {"available": False, "note": None, "data": None}
    left: list[dict[str, Any]] = []
    unscored: list[dict[str, Any]] = []
    if risk is None:
        section["note"] = "Not available yet: the floorwatch.risk layer is not installed."
    else:
        try:
            frame = risk.flags(store, party=party_id, as_of=as_of, config=env.risk_config)
        except Exception as exc:  # noqa: BLE001 - e.g. no record by as_of: say so, never 500
            log.info("no party watch for %s as of %s: %s", party_id, as_of, exc)
            section["note"] = f"No party watch as of {as_of}: {exc}"
        else:
            rows = _flag_rows(frame)
            listed = [r for r in rows if r["level"] in ("red", "amber")]
            left = [r for r in rows if r["level"] == "left"]
            unscored = [r for r in rows if r["unscored"]]
            scored = sum(1 for r in rows if r["score"] is not None)
            red = sum(1 for r in listed if r["level"] == "red")
            section = {
                "available": True,
                "note": f"{red} red and {len(listed) - red} amber of {scored} members scored "
                f"({len(unscored)} without enough record, {len(left)} left).",
                "data": listed,
            }
    bodies = [{**b, "meetings": _meetings(store, b["id"], as_of)} for b in _bodies(store, party_id)]
    return {
        "as_of": as_of,
        "party": _org(store, party_id),
        "flags": section,
        "left": left,
        "unscored": unscored,
        "bodies": bodies,
    }


def build_body(store: Store, org_id: str, as_of: dt.date, env: Any) -> dict[str, Any]:
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
        "members": [{k: _plain(v) for k, v in r.items()} for r in members],
        "meetings": _meetings(store, org_id, as_of),
    }


def build_check(store: Store, as_of: dt.date, env: Any) -> dict[str, Any]:
    """The page model of ``/check``: the data-quality report (:mod:`floorwatch.quality`)."""
    from floorwatch.quality import CHECKS, check

    frame = check(store)
    rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return {"as_of": as_of, "checks": list(CHECKS), "problems": rows}
