"""The member page (``/member/{person_id}``): one member's record and its analysis panels.

:func:`build_member` gathers what the store holds about the member (party history,
switches, crucial events, votes, claims) and the panels computed by the analysis layers:
monthly attendance, loyalty and agreement, the ideal-point trajectory and the risk flag.

Time series are one call of a metric grouped by calendar month (``by="month"``) for the
whole legislature, from the first month shown to the as-of date, memoised per store state
(:class:`~floorwatch.web.sections.Env`) and shared by every member page of the legislature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from floorwatch import metrics, risk
from floorwatch.errors import NotFoundError
from floorwatch.jsonable import clean, records
from floorwatch.names import other_names
from floorwatch.store import Store
from floorwatch.web.data import RECENT_VOTES, major_parties, org_names, spells_by, switch_rows
from floorwatch.web.sections import (
    Env,
    abbr,
    as_date,
    claims_rows,
    guard,
    ideal_panel,
    legislature_flags,
    mid,
    num,
    section,
)

__all__ = ["MAX_MONTHS", "MemberContext", "build_member", "build_member_panels"]

#: Months shown on a member's timelines (the latest ones up to the as-of date).
MAX_MONTHS = 36


@dataclass
class MemberContext:
    """What the member-page panels need to know about the member."""

    person_id: str
    party_id: str | None
    legislature: str | None
    as_of: dt.date
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    since: dt.date | None = None  # first day of the member's history in the legislature
    groups: list[str] = field(default_factory=list)  # parties to measure agreement with


def _record(store: Store, person_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """What the store holds about the member as of ``as_of`` (person, party history, votes,
    switches) and the :class:`MemberContext` of the panels; memoised per store state."""
    return env.memo(
        ("member", person_id, as_of), lambda: _read_record(store, person_id, as_of, env)
    )


def _read_record(store: Store, person_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    rows = store.records(
        "SELECT id, name, sort_name, given_name, family_name, gender, birth_date, death_date,"
        " source FROM person WHERE id = ?",
        [person_id],
    )
    if not rows:
        raise NotFoundError(f"no member with id {person_id!r}")
    person = rows[0]
    person["other_names"] = other_names(store, [person_id]).get(person_id, [])
    person["identifiers"] = store.records(
        "SELECT scheme, identifier FROM identifier WHERE person_id = ? ORDER BY scheme",
        [person_id],
    )
    orgs = org_names(store)
    mine = spells_by(store, as_of, person=person_id, env=env).sort_values("start_date")
    history = []
    for r in mine.itertuples(index=False):
        end = as_date(r.end_date)
        history.append(
            {
                "legislature_id": r.legislature_id or None,
                "legislature": orgs.get(r.legislature_id, {}).get("name")
                if r.legislature_id
                else None,
                "party_id": r.party_id,
                "party": orgs.get(r.party_id, {}).get("name", r.party_id),
                "party_abbreviation": abbr(orgs, r.party_id),
                "start_date": as_date(r.start_date),
                "end_date": end if end is None or end <= as_of else None,
                "start_reason": clean(r.start_reason),
                "end_reason": clean(r.end_reason) if end is not None and end <= as_of else None,
                "current": bool(r.current),
            }
        )
    current = [h for h in history if h["current"]]
    party = current[-1] if current else (history[-1] if history else None)
    legislature = party["legislature_id"] if party else None
    votes = store.records(
        "SELECT ve.id AS vote_event_id, ve.start_date AS date, ve.question, ve.motion_text,"
        " ve.result, ve.classification, ve.crucial, v.option, v.role"
        " FROM vote v JOIN vote_event ve ON ve.id = v.vote_event_id"
        " WHERE v.voter_id = ? AND ve.start_date <= ?"
        " ORDER BY ve.start_date DESC, ve.seq DESC LIMIT ?",
        [person_id, as_of, RECENT_VOTES],
    )
    tally = store.records(
        "SELECT v.option, count(*) AS n FROM vote v JOIN vote_event ve ON ve.id = v.vote_event_id"
        " WHERE v.voter_id = ? AND ve.start_date <= ? GROUP BY v.option ORDER BY n DESC",
        [person_id, as_of],
    )
    crucial = store.records(
        "SELECT ve.start_date AS date, coalesce(ve.question, ve.motion_text) AS label, ve.crucial"
        " FROM vote_event ve JOIN vote v ON v.vote_event_id = ve.id AND v.voter_id = ?"
        " WHERE ve.crucial > 0 AND ve.start_date <= ?"
        " UNION ALL SELECT e.start_date, coalesce(e.name, e.classification), e.crucial"
        " FROM event e JOIN attendance a ON a.event_id = e.id AND a.person_id = ?"
        " WHERE e.crucial > 0 AND e.start_date <= ? ORDER BY 1",
        [person_id, as_of, person_id, as_of],
    )
    sw = switch_rows(store, as_of, person=person_id, env=env, include_elections=True)
    since = min((h["start_date"] for h in history if h["start_date"]), default=None)
    ctx = MemberContext(
        person_id=person_id,
        party_id=party["party_id"] if party else None,
        legislature=legislature,
        as_of=as_of,
        orgs=orgs,
        since=since,
    )
    model = {
        "as_of": as_of,
        "person": clean(person),
        "party": party,
        "party_history": history,
        "switches": sw,
        "crucial_events": records(crucial),
        "vote_tally": records(tally),
        "recent_votes": records(votes),
    }
    return {"model": model, "ctx": ctx}


def build_member(store: Store, person_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """One member's record as of ``as_of``: what the store holds (person, party history,
    switches, crucial events, votes). The analysis panels and the claims are
    :func:`build_member_panels`; the JSON twin holds both."""
    return _record(store, person_id, as_of, env)["model"]


def build_member_panels(store: Store, person_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """The member page's analysis panels: monthly attendance, loyalty and agreement, the
    ideal-point trajectory, the risk flag, and the claims about the member (the claims
    ledger). Most need figures of the whole legislature (each month's metric tables, the
    ideal-point fit, the flags), so the HTML page streams them after the rest (see
    :mod:`floorwatch.web.pages`)."""
    ctx = _record(store, person_id, as_of, env)["ctx"]
    if ctx.legislature:  # the main parties of the member's legislature, to compare with
        spells = spells_by(store, as_of, env=env)
        ctx = replace(
            ctx, groups=major_parties(spells[spells["legislature_id"] == ctx.legislature])
        )
    return {
        "attendance": member_attendance(store, ctx, env),
        "loyalty": member_loyalty(store, ctx, env),
        "agreement": member_agreement(store, ctx, env),
        "ideal_points": member_ideal_points(store, ctx, env),
        "flag": member_flag(store, ctx, env),
        "claims": member_claims(store, ctx, env),
    }


# -- months ----------------------------------------------------------------------------------
def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months from ``start``'s to ``end``'s, the last cut at ``end``."""
    out = []
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= end:
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append((first, min(nxt - dt.timedelta(days=1), end)))
        y, m = nxt.year, nxt.month
    return out[-MAX_MONTHS:]


def _by_person(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Rows of a per-member metric table, keyed by person id (a member may have several)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame.to_dict(orient="records"):
        out.setdefault(str(row["person_id"]), []).append(row)
    return out


def _monthly(
    store: Store,
    env: Env,
    name: str,
    fn: Callable[..., pd.DataFrame],
    ctx: MemberContext,
    **kw: Any,
) -> list[tuple[dt.date, dict[str, list[dict[str, Any]]]]]:
    """``fn(store, date_from=first month's start, date_to=as-of date, legislature=...,
    by="month")``, one call for every month shown (the metric grouped by month), memoised
    for the legislature: each month's rows indexed by person id."""
    months = _months(ctx.since or ctx.as_of, ctx.as_of)
    first = months[0][0]
    extra = tuple(sorted(kw.items()))

    def compute() -> dict[str, dict[str, list[dict[str, Any]]]]:
        frame = fn(
            store, date_from=first, date_to=ctx.as_of, legislature=ctx.legislature, by="month", **kw
        )
        return {str(m): _by_person(part) for m, part in frame.groupby("month", sort=False)}

    tables = env.memo(("months", name, ctx.legislature, first, ctx.as_of, extra), compute)
    return [(mid(a, b), tables.get(a.strftime("%Y-%m"), {})) for a, b in months]


def _series(
    panel: list[tuple[dt.date, dict[str, list[dict[str, Any]]]]], person_id: str, column: str
) -> list[dict[str, Any]]:
    points = []
    for date, table in panel:
        rows = table.get(person_id, [])
        value = None
        if len(rows) == 1:
            value = num(rows[0].get(column))
        elif rows:  # counted under two parties in the month: weight by votes counted
            pairs = [(num(r.get(column)), num(r.get("votes")) or 0.0) for r in rows]
            pairs = [(v, w) for v, w in pairs if v is not None and w > 0]
            total = sum(w for _, w in pairs)
            value = sum(v * w for v, w in pairs) / total if total else None
        points.append({"date": date, "value": value})
    return points


def _overall_rows(
    store: Store, env: Env, name: str, fn: Callable[..., pd.DataFrame], ctx: MemberContext
) -> dict[str, pd.DataFrame]:
    """``fn(store, as_of=..., legislature=...)`` for the whole legislature, split by person
    (memoised: every member page of the legislature reads its own rows from it)."""

    def compute() -> dict[str, pd.DataFrame]:
        frame = fn(store, as_of=ctx.as_of, legislature=ctx.legislature)
        return {str(pid): part for pid, part in frame.groupby("person_id", sort=False)}

    return env.memo((name, ctx.legislature, ctx.as_of), compute)


def _rows(parts: dict[str, pd.DataFrame], person_id: str, columns: list[str]) -> list[dict]:
    mine = parts.get(person_id)
    if mine is None:
        return []
    return records(mine[[c for c in columns if c in mine.columns]])


@guard("floorwatch.risk")
def member_flag(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """The member's level, score and evidence as of the date."""
    if ctx.legislature is None:
        return section(True, None, "Not a member of a legislature with roll calls.")
    frame = legislature_flags(store, env, ctx.legislature, ctx.as_of)
    if frame is None:
        return section(True, None, f"Nobody could be scored by {ctx.as_of}.")
    mine = frame[frame["person_id"] == ctx.person_id]
    if mine.empty:
        return section(True, None, f"Not scored on {ctx.as_of}.")
    r = mine.iloc[0]
    signals = []
    for name, meaning in risk.SIGNALS.items():
        if name in mine.columns:
            signals.append(
                {
                    "signal": name,
                    "value": num(r[name]),
                    "percentile": num(r.get(f"pct_{name}")),
                    "meaning": meaning,
                }
            )
    return section(
        True,
        {
            "level": r["level"] if isinstance(r["level"], str) else None,
            "score": num(r["score"]),
            "rank": int(r["rank"]) if num(r["rank"]) is not None else None,
            "of": len(frame),
            "ideal_point": num(r.get("ideal_point")),
            "evidence": clean(r["evidence"]) if isinstance(r["evidence"], list) else [],
            "signals": signals,
        },
    )


@guard("floorwatch.metrics")
def member_attendance(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly attendance rate (and the rate at crucial events, where any)."""
    if ctx.legislature is None:
        return section(True, None, "Not a member of a legislature.")
    panel = _monthly(store, env, "attendance", metrics.attendance, ctx)
    series = [{"name": "attendance rate", "points": _series(panel, ctx.person_id, "rate")}]
    crucial = _series(panel, ctx.person_id, "crucial_rate")
    if any(p["value"] is not None for p in crucial):
        series.append({"name": "at crucial events", "points": crucial})
    overall = _overall_rows(store, env, "attendance", metrics.attendance, ctx)
    cols = [
        "possible",
        "attended",
        "missed",
        "excused",
        "rate",
        "crucial_rate",
        "current_streak",
        "longest_streak",
        "window_rate",
        "window_change",
    ]
    return section(
        True,
        {
            "series": series,
            "y_label": "share attended",
            "y_range": [0, 1],
            "summary": _rows(overall, ctx.person_id, cols),
            "summary_columns": cols,
        },
        "Per month: roll calls (or recorded sittings) attended / possible.",
    )


@guard("floorwatch.metrics")
def member_loyalty(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly Voteview loyalty and CQ party unity."""
    if ctx.legislature is None:
        return section(True, None, "Not a member of a legislature.")
    panel = _monthly(store, env, "loyalty", metrics.loyalty, ctx)
    series = [
        {"name": "loyalty (Voteview)", "points": _series(panel, ctx.person_id, "loyalty")},
        {"name": "party unity (CQ)", "points": _series(panel, ctx.person_id, "party_unity")},
    ]
    overall = _overall_rows(store, env, "loyalty", metrics.loyalty, ctx)
    cols = [
        "party",
        "votes",
        "with_party",
        "loyalty",
        "rebellions",
        "rebellion_rate",
        "unity_votes",
        "party_unity",
    ]
    return section(
        True,
        {
            "series": series,
            "y_label": "share with party",
            "y_range": [0, 1],
            "summary": _rows(overall, ctx.person_id, cols),
            "summary_columns": cols,
        },
        "Per month, with the party the member sat for at each vote.",
    )


@guard("floorwatch.metrics")
def member_agreement(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly agreement with the majority of each main party of the legislature."""
    if ctx.legislature is None or not ctx.groups:
        return section(True, None, "No group to compare with.")
    series = []
    for gid in ctx.groups:
        panel = _monthly(store, env, "agreement", metrics.agreement, ctx, group=gid)
        series.append(
            {
                "name": f"with the {abbr(ctx.orgs, gid)} majority",
                "abbreviation": abbr(ctx.orgs, gid),
                "points": _series(panel, ctx.person_id, "agreement"),
            }
        )
    return section(
        True,
        {"series": series, "y_label": "share agreeing", "y_range": [0, 1]},
        "Per month: votes with the majority of the group / votes counted.",
    )


@guard("floorwatch.idealpoints")
def member_ideal_points(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """The member's monthly position against the party's interquartile range and median."""
    if ctx.legislature is None:
        return section(True, None, "Not a member of a legislature.")
    panel = ideal_panel(store, env, ctx.legislature, ctx.as_of)
    if panel is None:
        return section(True, None, f"Too few roll calls by {ctx.as_of} to place members.")
    members, windows = panel["members"], panel["windows"]
    mine = members[members["person_id"] == ctx.person_id]
    term = num(mine["dim1"].iloc[0]) if len(mine) else None
    if windows is None or windows.empty:
        return section(True, {"series": [], "term": term}, "Undated roll calls: no trajectory.")
    party = ctx.party_id
    sizes = members["party_id"].value_counts()
    if party is None or sizes.get(party, 0) < 3:
        party = (
            members.loc[members["person_id"] == ctx.person_id, "party_id"].iloc[0]
            if len(mine)
            else None
        )
        if party is None or sizes.get(party, 0) < 3:
            party = ctx.groups[0] if ctx.groups else None
    ids = set(members.loc[members["party_id"] == party, "person_id"])
    ours = windows[windows["person_id"].isin(ids)]
    by_month = ours.groupby("month")["dim1"]
    q = pd.DataFrame(
        {"low": by_month.quantile(0.25), "mid": by_month.median(), "high": by_month.quantile(0.75)}
    )

    def day(month: str) -> dt.date:
        y, m = int(month[:4]), int(month[5:7])
        return dt.date(y, m, 15)

    own = windows[windows["person_id"] == ctx.person_id].sort_values("month")
    name = abbr(ctx.orgs, party) or "party"
    return section(
        True,
        {
            "series": [
                {
                    "name": "this member",
                    "points": [
                        {"date": day(m), "value": num(v)}
                        for m, v in zip(own["month"], own["dim1"], strict=True)
                    ],
                    "colour": "#000000",
                },
                {
                    "name": f"{name} median",
                    "abbreviation": abbr(ctx.orgs, party),
                    "points": [{"date": day(m), "value": num(v)} for m, v in q["mid"].items()],
                },
            ],
            "bands": [
                {
                    "name": f"{name} middle half",
                    "points": [
                        {"date": day(m), "low": num(r.low), "high": num(r.high)}
                        for m, r in q.iterrows()
                    ],
                }
            ],
            "y_label": "ideal point (dim. 1)",
            "term": term,
        },
        "Positions per month with the roll-call parameters of the fit up to the as-of date "
        "held fixed (Nokken & Poole); positive is right of centre.",
    )


@guard("floorwatch.claims")
def member_claims(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    return section(True, claims_rows(store, ctx.as_of, person=ctx.person_id))
