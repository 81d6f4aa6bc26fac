"""Page sections drawn from the analysis layers (metrics, ideal points, risk, claims).

Every call the dashboard makes into ``floorwatch.metrics``, ``floorwatch.idealpoints``,
``floorwatch.risk`` and ``floorwatch.claims`` is in this module or in
:mod:`floorwatch.web.member` (the member page's panels). Each adapter returns a *section*
``{available, note, data}``: ``available`` is false, with a note saying why, when the layer
cannot answer for this scope (too few votes, no roll calls by the as-of date), so a page
always renders; a layer's error is logged and shown as such a note, never a 500 page.

Results a page needs from a whole legislature (the flags, the ideal points, a month of a
metric) are memoised per store state through :class:`Env`, and shared by every page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import numpy as np
import pandas as pd

from floorwatch import metrics, risk
from floorwatch.claims import (
    PREDICTS,
    SOURCE_KINDS,
    STANCES,
    STATUSES,
    list_claims,
    track_records,
)
from floorwatch.dates import parse_date
from floorwatch.errors import NotFoundError
from floorwatch.idealpoints.legislature import ideal_points, ideal_windows
from floorwatch.jsonable import clean, records
from floorwatch.risk.evidence import reasons
from floorwatch.store import Store

__all__ = [
    "DOCUMENTED",
    "Env",
    "abbr",
    "as_date",
    "claims_list",
    "claims_rows",
    "claims_scores",
    "claims_vocabulary",
    "cohesion_series",
    "flag_index",
    "flag_list",
    "guard",
    "ideal_panel",
    "legislature_flags",
    "mid",
    "num",
    "party_ideal_points",
    "section",
]

log = logging.getLogger("floorwatch.web")

#: Functions whose docstrings the definitions page shows, per layer module.
DOCUMENTED: dict[str, tuple[str, ...]] = {
    "floorwatch.metrics": ("attendance", "loyalty", "cohesion", "rice", "agreement", "violations"),
    "floorwatch.idealpoints": ("IdealPoints",),
    "floorwatch.risk": ("flags",),
    "floorwatch.claims": ("resolve_claims", "track_records", "compare_with_flags"),
}


def section(available: bool, data: Any = None, note: str | None = None) -> dict[str, Any]:
    """A page section drawn from an analysis layer: ``{available, note, data}``."""
    return {"available": available, "note": note, "data": data}


def _no_memo(key: Hashable, compute: Callable[[], Any]) -> Any:
    return compute()


@dataclass
class Env:
    """What every page builder shares: a memo per store state, and the risk settings."""

    memo: Callable[[Hashable, Callable[[], Any]], Any] = _no_memo
    #: The risk settings (``floorwatch serve --config``); None: the defaults.
    risk_config: Any = None


def guard(layer: str) -> Callable:
    """Turn a layer's failure into an unavailable section (logged), never a 500 page."""

    def deco(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> dict[str, Any]:
            try:
                return fn(*args, **kw)
            except Exception as exc:  # noqa: BLE001 - a layer's error must not break the page
                log.warning("%s failed in %s: %s", layer, fn.__name__, exc)
                text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return section(False, None, f"{layer} could not answer: {text}")

        return wrapper

    return deco


# -- values ---------------------------------------------------------------------------------
def abbr(orgs: dict[str, dict[str, Any]], oid: Any) -> str | None:
    if oid is None or (isinstance(oid, float) and np.isnan(oid)):
        return None
    org = orgs.get(oid)
    return (org.get("abbreviation") or org["name"]) if org else str(oid)


def num(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) or np.isinf(v) else v


def as_date(value: Any) -> dt.date | None:
    """A cell of a frame (date, Timestamp, NaT, None) as a date or None."""
    return parse_date(clean(value))


def mid(first: dt.date, last: dt.date) -> dt.date:
    return first + (last - first) / 2


# -- risk -----------------------------------------------------------------------------------
def legislature_flags(
    store: Store, env: Env, legislature: str, as_of: dt.date
) -> pd.DataFrame | None:
    """The risk layer's flags of one legislature as of ``as_of`` (memoised), or None when
    nobody can be scored (e.g. no roll calls yet)."""

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
    """``person_id -> {level, score}`` as of ``as_of``."""
    out: dict[str, dict[str, Any]] = {}
    for leg in legislatures:
        frame = legislature_flags(store, env, leg, as_of)
        if frame is None:
            continue
        for pid, level, score in zip(
            frame["person_id"], frame["level"], frame["score"], strict=True
        ):
            out[str(pid)] = {
                "level": level if isinstance(level, str) else None,
                "score": num(score),
            }
    return out


@guard("floorwatch.risk")
def flag_list(
    store: Store, as_of: dt.date, env: Env, *, legislatures: list[str], orgs: dict
) -> dict[str, Any]:
    """The red and amber members, highest score first."""
    rows, scored = [], 0
    for leg in legislatures:
        frame = legislature_flags(store, env, leg, as_of)
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
                    "party": abbr(orgs, r.party_id) or r.party,
                    "legislature": leg,
                    "level": r.level,
                    "score": num(r.score),
                    "rank": int(r.rank) if num(r.rank) is not None else None,
                    "summary": next(iter(reasons(ev)), None),
                }
            )
    if not scored:
        return section(True, [], f"Nobody could be scored by {as_of} (too few roll calls).")
    rows.sort(key=lambda r: (r["level"] != "red", -(r["score"] or 0)))
    note = f"{sum(r['level'] == 'red' for r in rows)} red of {scored} members scored."
    return section(True, rows, note)


# -- metrics --------------------------------------------------------------------------------
@guard("floorwatch.metrics")
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
                first, last = as_date(r.first_date), as_date(r.last_date)
                if first is None:
                    continue
                period = str(r.period)
                try:
                    y, m = int(period[:4]), int(period[5:7])
                    day = mid(
                        dt.date(y, m, 1),
                        min(dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1), as_of),
                    )
                except ValueError:
                    day = mid(first, last or first)
                points.append({"date": day, "value": num(r.rice), "roll_calls": int(r.roll_calls)})
            name = abbr(orgs, pid) or str(pid)
            if len(legislatures) > 1:
                name += f" ({orgs.get(leg, {}).get('name', leg)})"
            series.append(
                {"name": name, "party_id": pid, "abbreviation": abbr(orgs, pid), "points": points}
            )
    return section(
        True,
        {"series": series, "y_label": "Rice index", "y_range": [0, 1]},
        "Mean Rice index (|yes - no| / (yes + no)) of each party's roll calls per month.",
    )


# -- ideal points ---------------------------------------------------------------------------
def ideal_panel(store: Store, env: Env, legislature: str, as_of: dt.date) -> dict | None:
    """Ideal points up to ``as_of`` and monthly positions with roll-call parameters held fixed
    (``floorwatch.idealpoints.legislature``: ``ideal_points`` and ``ideal_windows``)."""

    def compute() -> dict | None:
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


@guard("floorwatch.idealpoints")
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
    dots = []
    for leg in legislatures:
        panel = ideal_panel(store, env, leg, as_of)
        if panel is None:
            continue
        m = panel["members"]
        order = {party_id: 0}
        for r in m.itertuples(index=False):
            v = num(r.dim1)
            if v is None:
                continue
            flag = flags.get(r.person_id, {})
            dots.append(
                {
                    "person_id": r.person_id,
                    "name": r.name,
                    "group": abbr(orgs, r.party_id) or "?",
                    "party_id": r.party_id,
                    "value": v,
                    "level": flag.get("level"),
                    "in_party": r.party_id == party_id,
                    "_order": order.get(r.party_id, 1),
                }
            )
    if not dots:
        return section(True, None, f"Too few roll calls by {as_of} to place members.")
    dots.sort(key=lambda d: (d.pop("_order"), d["group"], d["value"]))
    return section(
        True,
        {"members": dots, "x_label": "ideal point (dimension 1; positive is right of centre)"},
        "Each member's party is the party of their latest vote by the as-of date.",
    )


# -- claims ---------------------------------------------------------------------------------
def claims_rows(store: Store, as_of: dt.date, person: str | None = None) -> list[dict]:
    frame = list_claims(store, person=person) if person else list_claims(store)
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


@guard("floorwatch.claims")
def claims_list(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    rows = claims_rows(store, as_of)
    return section(True, rows, "Statuses are as known on the as-of date.")


@guard("floorwatch.claims")
def claims_scores(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """Track records per source (speaker at outlet in a role)."""
    frame = track_records(store, by="source")
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
    return section(
        True,
        {"rows": rows, "columns": cols, "caption": "Per source: speaker at outlet, in a role"},
        "Track records use every resolution in the store (the latest), whatever the as-of date.",
    )


def claims_vocabulary() -> dict[str, Any]:
    """The words a claim may use (the add-a-claim form's choices)."""
    return {
        "predicts": list(PREDICTS),
        "stances": list(STANCES),
        "source_kinds": list(SOURCE_KINDS),
        "statuses": list(STATUSES),
    }
