"""Adapters from the analysis layers (metrics, ideal points, risk, claims) to page sections.

Part of the dashboard's data door (:mod:`floorwatch.web.data`): the web layer's only calls
into ``floorwatch.metrics``, ``floorwatch.idealpoints``, ``floorwatch.risk`` and
``floorwatch.claims`` are here. Each adapter returns a *section* ``{available, note, data}``:
``available`` is false, with a note saying why, when the layer is not installed or cannot
answer for this scope (too few votes, no roll calls), so a page always renders.

Time series are made by calling a metric once per calendar month (``date_from`` .. ``date_to``)
for the whole legislature. Each month's result is memoised per store state, and a month that
ends before the as-of date does not depend on it, so moving the as-of control recomputes only
the last, partial month. Results are shared by every member page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import wraps
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from floorwatch.jsonable import clean, records
from floorwatch.store import Store

__all__ = [
    "DOCUMENTED",
    "MAX_MONTHS",
    "Env",
    "MemberContext",
    "claims_list",
    "claims_scores",
    "claims_vocabulary",
    "cohesion_series",
    "flag_index",
    "flag_list",
    "member_agreement",
    "member_attendance",
    "member_claims",
    "member_flag",
    "member_ideal_points",
    "member_loyalty",
    "party_ideal_points",
]

log = logging.getLogger("floorwatch.web")

#: Months shown on a member's timelines (the latest ones up to the as-of date).
MAX_MONTHS = 36

#: Functions whose docstrings the definitions page shows, per layer.
DOCUMENTED: dict[str, tuple[str, ...]] = {
    "metrics": ("attendance", "loyalty", "cohesion", "rice", "agreement", "violations"),
    "idealpoints": ("IdealPoints",),
    "risk": ("flags",),
    "claims": ("resolve_claims", "track_records", "compare_with_flags"),
}

_NAMES = {
    "metrics": "floorwatch.metrics",
    "idealpoints": "floorwatch.idealpoints",
    "risk": "floorwatch.risk",
    "claims": "floorwatch.claims",
}


def _section(available: bool, data: Any = None, note: str | None = None) -> dict[str, Any]:
    return {"available": available, "note": note, "data": data}


def _missing(layer: str) -> dict[str, Any]:
    return _section(False, None, f"Not available yet: the {_NAMES[layer]} layer is not installed.")


def _no_memo(key: Hashable, compute: Callable[[], Any]) -> Any:
    return compute()


@dataclass
class Env:
    """The installed layers, and a memo shared by the pages built from one store state."""

    layers: dict[str, ModuleType | None]
    memo: Callable[[Hashable, Callable[[], Any]], Any] = _no_memo
    #: The risk settings (``floorwatch serve --config``); None: the defaults.
    risk_config: Any = None

    def get(self, name: str) -> ModuleType | None:
        return self.layers.get(name)


@dataclass
class MemberContext:
    """What the member-page adapters need to know about the member."""

    person_id: str
    party_id: str | None
    legislature: str | None
    as_of: dt.date
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    since: dt.date | None = None  # first day of the member's history in the legislature
    groups: list[str] = field(default_factory=list)  # parties to measure agreement with


def _guard(layer: str) -> Callable:
    """Turn a layer's failure into an unavailable section (logged), never a 500 page."""

    def deco(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> dict[str, Any]:
            try:
                return fn(*args, **kw)
            except Exception as exc:  # noqa: BLE001 - a layer's error must not break the page
                log.warning("%s failed in %s: %s", _NAMES[layer], fn.__name__, exc)
                text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return _section(False, None, f"{_NAMES[layer]} could not answer: {text}")

        return wrapper

    return deco


def _abbr(orgs: dict[str, dict[str, Any]], oid: Any) -> str | None:
    if oid is None or (isinstance(oid, float) and np.isnan(oid)):
        return None
    org = orgs.get(oid)
    return (org.get("abbreviation") or org["name"]) if org else str(oid)


def _f(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) or np.isinf(v) else v


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


def _mid(first: dt.date, last: dt.date) -> dt.date:
    return first + (last - first) / 2


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
    """``fn(store, date_from=month start, date_to=month end, legislature=...)`` per month,
    each month's table indexed by person id."""
    start = ctx.since or ctx.as_of
    extra = tuple(sorted(kw.items()))
    out = []
    for first, last in _months(start, ctx.as_of):

        def compute(first: dt.date = first, last: dt.date = last) -> dict:
            frame = fn(store, date_from=first, date_to=last, legislature=ctx.legislature, **kw)
            return _by_person(frame)

        table = env.memo(("month", name, ctx.legislature, first, last, extra), compute)
        out.append((_mid(first, last), table))
    return out


def _series(
    panel: list[tuple[dt.date, dict[str, list[dict[str, Any]]]]], person_id: str, column: str
) -> list[dict[str, Any]]:
    points = []
    for date, table in panel:
        rows = table.get(person_id, [])
        value = None
        if len(rows) == 1:
            value = _f(rows[0].get(column))
        elif rows:  # counted under two parties in the month: weight by votes counted
            pairs = [(_f(r.get(column)), _f(r.get("votes")) or 0.0) for r in rows]
            pairs = [(v, w) for v, w in pairs if v is not None and w > 0]
            total = sum(w for _, w in pairs)
            value = sum(v * w for v, w in pairs) / total if total else None
        points.append({"date": date, "value": value})
    return points


def _rows(frame: pd.DataFrame, person_id: str, columns: list[str]) -> list[dict[str, Any]]:
    mine = frame[frame["person_id"] == person_id]
    return records(mine[[c for c in columns if c in mine.columns]])


# -- risk -----------------------------------------------------------------------------------
def _flags(store: Store, env: Env, legislature: str, as_of: dt.date) -> pd.DataFrame | None:
    risk = env.get("risk")
    if risk is None:
        return None

    def compute() -> pd.DataFrame | None:
        try:
            return risk.flags(
                store,
                as_of=as_of,
                legislature=legislature,
                evidence="flagged",
                config=env.risk_config,
            )
        except Exception as exc:  # noqa: BLE001 - e.g. no roll calls yet by as_of
            log.info("no flags for %s as of %s: %s", legislature, as_of, exc)
            return None

    return env.memo(("flags", legislature, as_of), compute)


def flag_index(
    store: Store, as_of: dt.date, env: Env, legislatures: list[str]
) -> dict[str, dict[str, Any]]:
    """``person_id -> {level, score}`` as of ``as_of`` (empty without the risk layer)."""
    out: dict[str, dict[str, Any]] = {}
    for leg in legislatures:
        frame = _flags(store, env, leg, as_of)
        if frame is None:
            continue
        for pid, level, score in zip(
            frame["person_id"], frame["level"], frame["score"], strict=True
        ):
            out[str(pid)] = {"level": level if isinstance(level, str) else None, "score": _f(score)}
    return out


@_guard("risk")
def flag_list(
    store: Store, as_of: dt.date, env: Env, *, legislatures: list[str], orgs: dict
) -> dict[str, Any]:
    """The red and amber members, highest score first."""
    if env.get("risk") is None:
        return _missing("risk")
    rows, scored = [], 0
    for leg in legislatures:
        frame = _flags(store, env, leg, as_of)
        if frame is None:
            continue
        scored += len(frame)
        for r in frame[frame["level"].isin(["red", "amber"])].itertuples(index=False):
            ev = r.evidence if isinstance(r.evidence, list) else []
            rows.append(
                {
                    "person_id": r.person_id,
                    "name": r.name,
                    "party_id": r.party_id,
                    "party": _abbr(orgs, r.party_id) or r.party,
                    "legislature": leg,
                    "level": r.level,
                    "score": _f(r.score),
                    "rank": int(r.rank) if _f(r.rank) is not None else None,
                    "summary": ev[0].get("detail") if ev and isinstance(ev[0], dict) else None,
                }
            )
    if not scored:
        return _section(True, [], f"Nobody could be scored by {as_of} (too few roll calls).")
    rows.sort(key=lambda r: (r["level"] != "red", -(r["score"] or 0)))
    note = f"{sum(r['level'] == 'red' for r in rows)} red of {scored} members scored."
    return _section(True, rows, note)


@_guard("risk")
def member_flag(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """The member's level, score and evidence as of the date."""
    risk = env.get("risk")
    if risk is None:
        return _missing("risk")
    if ctx.legislature is None:
        return _section(True, None, "Not a member of a legislature with roll calls.")
    frame = _flags(store, env, ctx.legislature, ctx.as_of)
    if frame is None:
        return _section(True, None, f"Nobody could be scored by {ctx.as_of}.")
    mine = frame[frame["person_id"] == ctx.person_id]
    if mine.empty:
        return _section(True, None, f"Not scored on {ctx.as_of}.")
    r = mine.iloc[0]
    signals = []
    for name, meaning in getattr(risk, "SIGNALS", {}).items():
        if name in mine.columns:
            signals.append(
                {
                    "signal": name,
                    "value": _f(r[name]),
                    "percentile": _f(r.get(f"pct_{name}")),
                    "meaning": meaning,
                }
            )
    return _section(
        True,
        {
            "level": r["level"] if isinstance(r["level"], str) else None,
            "score": _f(r["score"]),
            "rank": int(r["rank"]) if _f(r["rank"]) is not None else None,
            "of": len(frame),
            "ideal_point": _f(r.get("ideal_point")),
            "evidence": clean(r["evidence"]) if isinstance(r["evidence"], list) else [],
            "signals": signals,
        },
    )


# -- metrics --------------------------------------------------------------------------------
@_guard("metrics")
def cohesion_series(
    store: Store,
    as_of: dt.date,
    env: Env,
    *,
    legislatures: list[str],
    orgs: dict,
    parties: list[str] | None = None,
) -> dict[str, Any]:
    """Mean Rice index per party per month (one series per party in ``parties``)."""
    metrics = env.get("metrics")
    if metrics is None:
        return _missing("metrics")
    series = []
    for leg in legislatures:
        frame = env.memo(
            ("cohesion", leg, as_of),
            lambda leg=leg: metrics.cohesion(store, as_of=as_of, legislature=leg, period="month"),
        )
        for pid, g in frame.groupby("party_id", sort=False):
            if parties is not None and pid not in parties:
                continue
            points = []
            for r in g.itertuples(index=False):
                first, last = _d(r.first_date), _d(r.last_date)
                if first is None:
                    continue
                period = str(r.period)
                try:
                    y, m = int(period[:4]), int(period[5:7])
                    day = _mid(
                        dt.date(y, m, 1),
                        min(dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1), as_of),
                    )
                except ValueError:
                    day = _mid(first, last or first)
                points.append({"date": day, "value": _f(r.rice), "roll_calls": int(r.roll_calls)})
            name = _abbr(orgs, pid) or str(pid)
            if len(legislatures) > 1:
                name += f" ({orgs.get(leg, {}).get('name', leg)})"
            series.append(
                {"name": name, "party_id": pid, "abbreviation": _abbr(orgs, pid), "points": points}
            )
    return _section(
        True,
        {"series": series, "y_label": "Rice index", "y_range": [0, 1]},
        "Mean Rice index (|yes - no| / (yes + no)) of each party's roll calls per month.",
    )


def _d(value: Any) -> dt.date | None:
    v = clean(value)
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


@_guard("metrics")
def member_attendance(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly attendance rate (and the rate at crucial events, where any)."""
    metrics = env.get("metrics")
    if metrics is None:
        return _missing("metrics")
    if ctx.legislature is None:
        return _section(True, None, "Not a member of a legislature.")
    panel = _monthly(store, env, "attendance", metrics.attendance, ctx)
    series = [{"name": "attendance rate", "points": _series(panel, ctx.person_id, "rate")}]
    crucial = _series(panel, ctx.person_id, "crucial_rate")
    if any(p["value"] is not None for p in crucial):
        series.append({"name": "at crucial events", "points": crucial})
    overall = env.memo(
        ("attendance", ctx.legislature, ctx.as_of),
        lambda: metrics.attendance(store, as_of=ctx.as_of, legislature=ctx.legislature),
    )
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
    return _section(
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


@_guard("metrics")
def member_loyalty(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly Voteview loyalty and CQ party unity."""
    metrics = env.get("metrics")
    if metrics is None:
        return _missing("metrics")
    if ctx.legislature is None:
        return _section(True, None, "Not a member of a legislature.")
    panel = _monthly(store, env, "loyalty", metrics.loyalty, ctx)
    series = [
        {"name": "loyalty (Voteview)", "points": _series(panel, ctx.person_id, "loyalty")},
        {"name": "party unity (CQ)", "points": _series(panel, ctx.person_id, "party_unity")},
    ]
    overall = env.memo(
        ("loyalty", ctx.legislature, ctx.as_of),
        lambda: metrics.loyalty(store, as_of=ctx.as_of, legislature=ctx.legislature),
    )
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
    return _section(
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


@_guard("metrics")
def member_agreement(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """Monthly agreement with the majority of each main party of the legislature."""
    metrics = env.get("metrics")
    if metrics is None:
        return _missing("metrics")
    if ctx.legislature is None or not ctx.groups:
        return _section(True, None, "No group to compare with.")
    series = []
    for gid in ctx.groups:
        panel = _monthly(store, env, "agreement", metrics.agreement, ctx, group=gid)
        series.append(
            {
                "name": f"with the {_abbr(ctx.orgs, gid)} majority",
                "abbreviation": _abbr(ctx.orgs, gid),
                "points": _series(panel, ctx.person_id, "agreement"),
            }
        )
    return _section(
        True,
        {"series": series, "y_label": "share agreeing", "y_range": [0, 1]},
        "Per month: votes with the majority of the group / votes counted.",
    )


# -- ideal points ---------------------------------------------------------------------------
def _ideal_panel(store: Store, env: Env, legislature: str, as_of: dt.date) -> dict | None:
    """Ideal points up to ``as_of`` and monthly positions with roll-call parameters held fixed
    (``floorwatch.idealpoints.legislature``: ``ideal_points`` and ``ideal_windows``)."""
    if env.get("idealpoints") is None:
        return None

    def compute() -> dict | None:
        from floorwatch.errors import NotFoundError
        from floorwatch.idealpoints.legislature import ideal_points, ideal_windows

        try:
            members = ideal_points(store, legislature=legislature, as_of=as_of)
        except NotFoundError as exc:
            log.info("no ideal points for %s as of %s: %s", legislature, as_of, exc)
            return None
        try:
            windows = ideal_windows(store, window="month", legislature=legislature, as_of=as_of)
            windows["month"] = windows["window"].astype(str)
        except NotFoundError:  # undated roll calls: no months
            windows = None
        return {"members": members, "windows": windows}

    return env.memo(("ideal", legislature, as_of), compute)


@_guard("idealpoints")
def member_ideal_points(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    """The member's monthly position against the party's interquartile range and median."""
    if env.get("idealpoints") is None:
        return _missing("idealpoints")
    if ctx.legislature is None:
        return _section(True, None, "Not a member of a legislature.")
    panel = _ideal_panel(store, env, ctx.legislature, ctx.as_of)
    if panel is None:
        return _section(True, None, f"Too few roll calls by {ctx.as_of} to place members.")
    members, windows = panel["members"], panel["windows"]
    mine = members[members["person_id"] == ctx.person_id]
    term = _f(mine["dim1"].iloc[0]) if len(mine) else None
    if windows is None or windows.empty:
        return _section(True, {"series": [], "term": term}, "Undated roll calls: no trajectory.")
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
    name = _abbr(ctx.orgs, party) or "party"
    return _section(
        True,
        {
            "series": [
                {
                    "name": "this member",
                    "points": [
                        {"date": day(m), "value": _f(v)}
                        for m, v in zip(own["month"], own["dim1"], strict=True)
                    ],
                    "colour": "#000000",
                },
                {
                    "name": f"{name} median",
                    "abbreviation": _abbr(ctx.orgs, party),
                    "points": [{"date": day(m), "value": _f(v)} for m, v in q["mid"].items()],
                },
            ],
            "bands": [
                {
                    "name": f"{name} middle half",
                    "points": [
                        {"date": day(m), "low": _f(r.low), "high": _f(r.high)}
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


@_guard("idealpoints")
def party_ideal_points(
    store: Store,
    party_id: str,
    legislatures: list[str],
    as_of: dt.date,
    env: Env,
    flags: dict,
    orgs: dict,
) -> dict[str, Any]:
    """Every member of the party's legislatures on the ideal-point scale, the party first."""
    if env.get("idealpoints") is None:
        return _missing("idealpoints")
    dots = []
    for leg in legislatures:
        panel = _ideal_panel(store, env, leg, as_of)
        if panel is None:
            continue
        m = panel["members"]
        order = {party_id: 0}
        for r in m.itertuples(index=False):
            v = _f(r.dim1)
            if v is None:
                continue
            flag = flags.get(r.person_id, {})
            dots.append(
                {
                    "person_id": r.person_id,
                    "name": r.name,
                    "group": _abbr(orgs, r.party_id) or "?",
                    "party_id": r.party_id,
                    "value": v,
                    "level": flag.get("level"),
                    "in_party": r.party_id == party_id,
                    "_order": order.get(r.party_id, 1),
                }
            )
    if not dots:
        return _section(True, None, f"Too few roll calls by {as_of} to place members.")
    dots.sort(key=lambda d: (d.pop("_order"), d["group"], d["value"]))
    return _section(
        True,
        {"members": dots, "x_label": "ideal point (dimension 1; positive is right of centre)"},
        "Each member's party is the party of their latest vote by the as-of date.",
    )


# -- claims ---------------------------------------------------------------------------------
def _claims_frame(store: Store, env: Env, as_of: dt.date, person: str | None = None) -> list[dict]:
    claims = env.get("claims")
    frame = claims.list_claims(store, person=person) if person else claims.list_claims(store)
    frame = frame[frame["made_on"].map(lambda d: d is not None and d <= as_of)]
    rows = records(frame)
    for r in rows:
        # What was known on the as-of date: a later resolution is still pending then.
        resolved = r.get("resolved_on")
        if r["status"] != "pending" and resolved is not None and resolved > as_of:
            r["status"] = "pending"
            r["days_ahead"] = None
            r["note"] = None
        ids = (r.get("about") or "").split(";") if r.get("about") else []
        names = (r.get("names") or "").split(";") if r.get("names") else []
        r["people"] = [{"id": i, "name": n} for i, n in zip(ids, names, strict=False)]
    return rows


@_guard("claims")
def claims_list(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    if env.get("claims") is None:
        return _missing("claims")
    rows = _claims_frame(store, env, as_of)
    return _section(True, rows, "Statuses are as known on the as-of date.")


@_guard("claims")
def member_claims(store: Store, ctx: MemberContext, env: Env) -> dict[str, Any]:
    if env.get("claims") is None:
        return _missing("claims")
    return _section(True, _claims_frame(store, env, ctx.as_of, person=ctx.person_id))


@_guard("claims")
def claims_scores(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """Track records per source (speaker at outlet in a role)."""
    claims = env.get("claims")
    if claims is None:
        return _missing("claims")
    frame = claims.track_records(store, by="source")
    rows = records(frame)
    for r in rows:
        parts = [r.get("outlet"), r.get("speaker"), r.get("source_kind")]
        r["source"] = " / ".join(str(p) for p in parts if p) or "(unnamed)"
    cols = [
        "source",
        "claims",
        "resolved",
        "pending",
        "hits",
        "hit_rate",
        "brier",
        "mean_days_ahead",
        "median_days_ahead",
    ]
    return _section(
        True,
        {"rows": rows, "columns": cols, "caption": "Per source: speaker at outlet, in a role"},
        "Track records use every resolution in the store (the latest), whatever the as-of date.",
    )


def claims_vocabulary(env: Env) -> dict[str, Any]:
    claims = env.get("claims")
    if claims is None:
        return {}
    return {
        "predicts": list(claims.PREDICTS),
        "stances": list(claims.STANCES),
        "source_kinds": list(claims.SOURCE_KINDS),
        "statuses": list(claims.STATUSES),
    }
