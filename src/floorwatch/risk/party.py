"""The party's own watch: one red list of a party across assemblies, party bodies and former
lawmakers (``floorwatch flags --party P`` without ``--legislature``).

Who is on it, as of a date D:

* everybody whose seat for the party (``on_behalf_of``, in any legislature, national or
  provincial), direct membership of it, or membership of one of its party bodies
  (organizations classified ``party body`` under it, at any depth) covers D. A former lawmaker
  who is still a party member is on it through the party membership;
* members who left: a switch away from the party (:func:`floorwatch.memberships.switches`:
  a breakaway group, a faction or another party joined, a seat resigned and another party
  joined, an expulsion) dated on or before D, within the record window and not undone by a
  later switch back, drops the member off the list: level ``left``, ``note`` "left on DATE
  for Y".

What counts, from records dated in the record window (``record_days`` up to D) only:

* every recorded sitting and meeting of any body (the legislatures' sittings, the party
  bodies' meetings): ``absence`` (share missed in the recent window), ``crucial_absence``
  (share missed weighted by ``crucial``), ``absence_streak``. An event counts for a member
  when an attendance record names them; ``leave``, ``excused`` and ``suspended`` are left out.
  The evidence names the body of each missed event;
* roll calls where they exist: the vote signals of :func:`floorwatch.risk.signals.compute_signals`
  in each legislature where members voted;
* ``appearances`` at public events of the ``against`` group (default: the breakaway groups
  and factions under the party), and agreement with it where roll calls exist;
* published claims, weighted by what they had proved by D (:mod:`floorwatch.risk.claims_view`).

Scores are the default model's (:mod:`floorwatch.risk.score`) with the party watch's list
weights ``party_weights`` (merged over ``weights``, when no member has roll calls in the
window: then the register's signals are all the evidence) and list shares ``party_red_share`` /
``party_amber_share`` (or ``red_count`` / ``amber_count``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from floorwatch.dates import days_before
from floorwatch.errors import FloorwatchError, NotFoundError
from floorwatch.memberships import PARTY_SPELLS_SQL, switches
from floorwatch.risk.claims_view import claim_counts
from floorwatch.risk.config import FLAG_COLUMNS, SIGNALS, VOTE_SIGNALS, RiskConfig
from floorwatch.risk.context import Context
from floorwatch.risk.evidence import evidence_for
from floorwatch.risk.score import score_members
from floorwatch.risk.signals import appearances, compute_signals
from floorwatch.store import Store

__all__ = ["PARTY_COLUMNS", "party_bodies", "party_flags", "party_members"]

#: The leading columns of :func:`party_flags`.
PARTY_COLUMNS = (
    *FLAG_COLUMNS[: FLAG_COLUMNS.index("legislature")],
    "bodies",
    "note",
    "n_events",
    "n_votes",
    "unscored",
    "as_of",
    "evidence",
)

_NOT_EVENTS = ("legislative period", "election")


def party_bodies(store: Store, party_id: str) -> list[str]:
    """Ids of the party bodies under ``party_id`` (children, grandchildren...)."""
    found: list[str] = []
    frontier = [party_id]
    while frontier:
        marks = ", ".join("?" for _ in frontier)
        rows = store.records(
            f"SELECT id FROM organization WHERE classification = 'party body' "
            f"AND parent_id IN ({marks}) ORDER BY id",
            frontier,
        )
        frontier = [r["id"] for r in rows if r["id"] not in found]
        found.extend(frontier)
    return found


def _groups_under(store: Store, party_id: str) -> list[str]:
    rows = store.records(
        "SELECT id FROM organization WHERE parent_id = ? "
        "AND classification IN ('breakaway group', 'faction') ORDER BY id",
        [party_id],
    )
    return [r["id"] for r in rows]


def party_members(store: Store, party_id: str, as_of: dt.date) -> pd.DataFrame:
    """Everybody belonging to the party on ``as_of``: person_id, name, bodies (the bodies
    they sit in for it that day, names joined by ``; ``), former (a former lawmaker: no seat
    that day, an earlier seat for the party)."""
    bodies = party_bodies(store, party_id)
    marks = ", ".join("?" for _ in bodies) or "NULL"
    rows = store.query(
        f"""WITH spells AS ({PARTY_SPELLS_SQL}),
        cover AS (
            SELECT s.person_id, s.legislature_id AS body_id FROM spells s
            WHERE s.party_id = ? AND (s.start_date IS NULL OR s.start_date <= ?)
              AND (s.end_date IS NULL OR s.end_date >= ?)
            UNION
            SELECT m.person_id, m.organization_id FROM membership m
            WHERE m.organization_id IN ({marks}) AND (m.start_date IS NULL OR m.start_date <= ?)
              AND (m.end_date IS NULL OR m.end_date >= ?)
        ),
        seated_before AS (
            SELECT DISTINCT person_id FROM spells
            WHERE party_id = ? AND legislature_id <> '' AND end_date < ?
        )
        SELECT c.person_id, p.name, o.name AS body, c.body_id,
               CASE WHEN sb.person_id IS NULL THEN FALSE ELSE TRUE END AS seated_before
        FROM cover c JOIN person p ON p.id = c.person_id
        LEFT JOIN organization o ON o.id = c.body_id
        LEFT JOIN seated_before sb ON sb.person_id = c.person_id
        ORDER BY p.name, c.person_id, o.name""",
        [party_id, as_of, as_of, *bodies, as_of, as_of, party_id, as_of],
    )
    seats = set(
        r["id"]
        for r in store.records(
            "SELECT id FROM organization WHERE classification IN ('legislature', 'chamber')"
        )
    )
    out = []
    for pid, grp in rows.groupby("person_id", sort=False):
        names = [b for b in grp["body"].dropna().unique()]
        has_seat = grp["body_id"].isin(seats).any()
        former = bool(grp["seated_before"].iloc[0]) and not has_seat
        if former:
            names.append("former lawmaker")
        out.append(
            {
                "person_id": pid,
                "name": grp["name"].iloc[0],
                "bodies": "; ".join(names) or "party member",
                "former": former,
            }
        )
    return pd.DataFrame(out, columns=["person_id", "name", "bodies", "former"])


def _left(store: Store, party_id: str, as_of: dt.date, since: dt.date) -> pd.DataFrame:
    """Members whose last switch involving the party, dated in [since, as_of], left it."""
    sw = switches(store, include_elections=True)
    if sw.empty:
        return sw
    sw = sw[(sw["date_to"] <= as_of)]
    mine = sw[(sw["from_party_id"] == party_id) | (sw["to_party_id"] == party_id)]
    last = mine.sort_values(["date_to"]).groupby("person_id").tail(1)
    return last[(last["from_party_id"] == party_id) & (last["date_to"] >= since)]


def _event_records(
    store: Store, person_ids: list[str], date_from: dt.date, as_of: dt.date, skip: list[str]
) -> pd.DataFrame:
    store.register("_pw_people", pa.table({"person_id": pa.array(person_ids, pa.string())}))
    try:
        marks = ", ".join("?" for _ in skip) or "NULL"
        frame = store.query(
            f"""SELECT a.person_id, e.id AS event_id, e.name AS event, e.classification,
                   e.start_date AS date, e.crucial, a.status, e.organization_id,
                   coalesce(o.name, e.organization_id) AS body
            FROM attendance a JOIN _pw_people p ON p.person_id = a.person_id
            JOIN event e ON e.id = a.event_id
            LEFT JOIN organization o ON o.id = e.organization_id
            WHERE e.start_date BETWEEN ? AND ? AND e.classification NOT IN (?, ?)
              AND a.status IN ('present', 'absent')
              AND (e.organization_id IS NULL OR e.organization_id NOT IN ({marks}))
            ORDER BY a.person_id, e.start_date, e.id""",
            [date_from, as_of, *_NOT_EVENTS, *skip],
        )
    finally:
        store.unregister("_pw_people")
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _event_signals(records: pd.DataFrame, ids: pd.Series, recent_from: dt.date) -> pd.DataFrame:
    out = pd.DataFrame(
        {"n_events": 0, "absence": np.nan, "crucial_absence": np.nan, "absence_streak": np.nan},
        index=ids,
    )
    for pid, rec in records.groupby("person_id", sort=False):
        missed = (rec["status"] == "absent").to_numpy()
        crucial = rec["crucial"].to_numpy(dtype="float64")
        recent = (rec["date"] >= recent_from).to_numpy()
        out.loc[pid, "n_events"] = len(rec)
        if recent.any():
            out.loc[pid, "absence"] = missed[recent].mean()
        if crucial.sum() > 0:
            out.loc[pid, "crucial_absence"] = float((crucial * missed).sum() / crucial.sum())
        present = np.flatnonzero(~missed)
        out.loc[pid, "absence_streak"] = float(
            len(missed) - (present[-1] + 1 if len(present) else 0)
        )
    return out.reset_index(drop=True)


def _vote_signals(
    store: Store, members: pd.DataFrame, party_id: str, as_of: dt.date, against, cfg
) -> tuple[pd.DataFrame, dict[str, tuple[Context, pd.DataFrame]]]:
    """Vote signals from every legislature where members voted by ``as_of``."""
    cols = [*VOTE_SIGNALS, "ideal_point", "n_votes", "vote_absence", "vote_streak"]
    out = pd.DataFrame(np.nan, index=members["person_id"], columns=cols)
    out["n_votes"] = 0.0
    out["vote_body"] = None
    contexts: dict[str, tuple[Context, pd.DataFrame]] = {}
    if not store.scalar("SELECT count(*) FROM vote_event WHERE start_date <= ?", [as_of]):
        return out.reset_index(drop=True), contexts
    store.register(
        "_pw_people", pa.table({"person_id": pa.array(list(members["person_id"]), pa.string())})
    )
    try:
        bodies = store.records(
            """SELECT DISTINCT ve.organization_id AS org FROM vote v
            JOIN _pw_people p ON p.person_id = v.voter_id
            JOIN vote_event ve ON ve.id = v.vote_event_id
            WHERE ve.start_date <= ? ORDER BY 1""",
            [as_of],
        )
    finally:
        store.unregister("_pw_people")
    for body in [b["org"] for b in bodies]:
        try:
            sig, ctx = compute_signals(store, as_of, legislature=body, against=against, config=cfg)
        except (NotFoundError, FloorwatchError):
            continue
        sig = sig[sig["party_id"] == party_id]
        contexts[body] = (ctx, sig)
        for row in sig.itertuples():
            if row.person_id not in out.index or out.loc[row.person_id, "n_votes"] >= row.n_votes:
                continue
            for c in [*VOTE_SIGNALS, "ideal_point", "n_votes"]:
                out.loc[row.person_id, c] = getattr(row, c)
            out.loc[row.person_id, "vote_absence"] = row.absence
            out.loc[row.person_id, "vote_streak"] = row.absence_streak
            out.loc[row.person_id, "vote_body"] = body
    return out.reset_index(drop=True), contexts


def _missed_events(records: pd.DataFrame, person_id: str, limit: int) -> list[dict]:
    mine = records[(records["person_id"] == person_id) & (records["status"] == "absent")]
    mine = mine.sort_values(["crucial", "date"], ascending=[False, False]).head(limit)
    return [
        {
            "date": r.date.isoformat(),
            "event_id": r.event_id,
            "event": r.event,
            "body": r.body,
            "classification": r.classification,
            "crucial": float(r.crucial),
            "member_attended": "absent",
        }
        for r in mine.itertuples()
    ]


def _appearance_events(store: Store, person_id: str, orgs: list[str], since, as_of) -> list[dict]:
    if not orgs:
        return []
    marks = ", ".join("?" for _ in orgs)
    rows = store.records(
        f"""SELECT e.start_date AS date, e.id AS event_id, e.name AS event, e.classification,
               coalesce(o.name, e.organization_id) AS organizer
        FROM attendance a JOIN event e ON e.id = a.event_id
        LEFT JOIN organization o ON o.id = e.organization_id
        WHERE a.person_id = ? AND a.status = 'present' AND e.organization_id IN ({marks})
          AND e.start_date BETWEEN ? AND ? ORDER BY e.start_date DESC""",
        [person_id, *orgs, since, as_of],
    )
    return [{**r, "date": pd.Timestamp(r["date"]).date().isoformat()} for r in rows]


def party_flags(
    store: Store,
    party: str,
    *,
    as_of: dt.date,
    against: str | list[str] | None = None,
    config: RiskConfig | None = None,
    evidence: str = "flagged",
) -> pd.DataFrame:
    """The party's red list as of ``as_of`` across all its bodies (see the module docstring).

    Returns :data:`PARTY_COLUMNS`, then every signal and its ``pct_`` percentile; scored
    members first (highest score first), then the unscored, then those who left.
    """
    from floorwatch.metrics._filters import resolve_parties

    cfg = config or RiskConfig()
    party_id = resolve_parties(store, party)[0]
    label = store.scalar("SELECT name FROM organization WHERE id = ?", [party_id])
    since = days_before(as_of, cfg.record_days)
    recent_from = max(since, days_before(as_of, cfg.recent_days))
    orgs = against if against is not None else _groups_under(store, party_id)
    orgs_list = [orgs] if isinstance(orgs, str) else list(orgs or [])
    members = party_members(store, party_id, as_of)
    left = _left(store, party_id, as_of, since)
    members = members[~members["person_id"].isin(set(left["person_id"]))].reset_index(drop=True)
    ids = members["person_id"]
    records = _event_records(store, list(ids), since, as_of, orgs_list)
    sig = members[["person_id", "name", "bodies"]].copy()
    sig["party_id"], sig["party"] = party_id, label
    ev = _event_signals(records, ids, recent_from)
    votes, contexts = _vote_signals(store, members, party_id, as_of, against, cfg)
    for c in ev.columns:
        sig[c] = ev[c].to_numpy()
    for c in votes.columns:
        sig[c] = votes[c].to_numpy()
    no_events = np.isnan(sig["absence"].to_numpy(dtype="float64"))
    sig.loc[no_events, "absence"] = sig.loc[no_events, "vote_absence"]
    sig.loc[no_events, "absence_streak"] = sig.loc[no_events, "vote_streak"]
    sig["appearances"] = appearances(store, ids, orgs_list, since, as_of)
    sig["claims"] = claim_counts(store, sig, as_of)
    # Without roll calls the register's own signals are the evidence: the party weights.
    weights = cfg.weights if sig["n_votes"].gt(0).any() else {**cfg.weights, **cfg.party_weights}
    cfg = cfg.replace(
        weights=weights, max_red_share=cfg.party_red_share, max_amber_share=cfg.party_amber_share
    )
    scored = score_members(sig, cfg)
    scored["note"] = None
    scored["as_of"] = as_of
    claims = None
    if scored["claims"].notna().any():
        from floorwatch.risk.claims_view import claim_weights

        claims = claim_weights(store, as_of)
    names = [
        store.scalar("SELECT name FROM organization WHERE id = ?", [o]) or o for o in orgs_list
    ]
    ctx = Context(as_of, "", None, since, recent_from, None, None, {}, ", ".join(names))
    ctx.cache["missed_events"] = records
    ev_lists = []
    for _, member in scored.iterrows():
        want = evidence == "all" or (evidence == "flagged" and member["level"] != "green")
        ev_lists.append(
            _evidence(store, member, ctx, contexts, cfg, claims, records, orgs_list) if want else []
        )
    scored["evidence"] = ev_lists
    scored = scored.sort_values(
        ["score", "name"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    gone = _left_rows(left, label, party_id, as_of)
    cols = list(PARTY_COLUMNS) + [*SIGNALS] + [f"pct_{s}" for s in SIGNALS]
    frame = pd.concat([scored, gone], ignore_index=True) if len(gone) else scored
    for c in cols:
        if c not in frame:
            frame[c] = np.nan
    return frame[cols + ["scored", "rules"]].reset_index(drop=True)


def _left_rows(left: pd.DataFrame, label: str, party_id: str, as_of: dt.date) -> pd.DataFrame:
    rows = []
    for r in left.sort_values(["date_to", "name"]).itertuples():
        to = r.to_party if isinstance(r.to_party, str) else None
        note = (
            f"left on {r.date_to.isoformat()} for {to}"
            if to
            else (f"left on {r.date_to.isoformat()} ({r.kind})")
        )
        rows.append(
            {
                "name": r.name,
                "party": label,
                "level": "left",
                "person_id": r.person_id,
                "party_id": party_id,
                "bodies": "",
                "note": f"{note}; kind: {r.kind}",
                "as_of": as_of,
                "evidence": [],
                "scored": False,
                "rules": [],
            }
        )
    return pd.DataFrame(rows)


def _evidence(store, member, ctx, contexts, cfg, claims, records, orgs) -> list[dict]:
    """Evidence: votes from the member's legislature (where roll calls exist), and the missed
    events with the body of each, the appearances and the claims with their status."""
    body = member.get("vote_body")
    if isinstance(body, str) and body in contexts:
        vctx = contexts[body][0]
        vctx.against_label = ctx.against_label
        row = int(
            np.flatnonzero(vctx.matrix.members["person_id"].to_numpy() == member["person_id"])[0]
        )
        items = evidence_for(member, row, vctx, cfg, claims=claims)
    else:
        items = evidence_for(member, 0, ctx, cfg, claims=claims, votes=0)
    has_events = bool(member.get("n_events"))
    for entry in items:
        if entry["signal"] in ("absence", "crucial_absence", "absence_streak") and has_events:
            mine = records
            if entry["signal"] == "crucial_absence":
                mine = records[records["crucial"] > 0]
            elif entry["signal"] == "absence":
                mine = records[records["date"] >= ctx.recent_from]
            entry["events"] = _missed_events(mine, member["person_id"], 5)
            bodies = sorted({e["body"] for e in entry["events"] if e["body"]})
            if bodies and entry["signal"] == "absence":
                entry["detail"] = (
                    f"missed {entry['value']:.0%} of recorded sittings and meetings since "
                    f"{ctx.recent_from} ({', '.join(bodies)})"
                )
        elif entry["signal"] == "appearances":
            entry["events"] = _appearance_events(
                store, member["person_id"], orgs, ctx.start, ctx.as_of
            )
    return items
