"""The dashboard's page models from the store: every page but the member's and the watch's.

Each ``build_*`` function takes an open read-only :class:`~floorwatch.store.Store` and
returns the *page model*: a dict of plain values (str, int, float, bool, None,
``datetime.date``, lists and dicts) that the JSON twin serves as is and the HTML template
draws. Plain look-ups (who is a member, what a roll call was about) are parameterised SQL
through the store's methods; the party history and switches come from
``floorwatch.memberships``, and every measured figure from the analysis layers through
:mod:`floorwatch.web.sections`. The member page is :mod:`floorwatch.web.member`, the party
watch, party-body and data-quality pages :mod:`floorwatch.web.watch`.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pandas as pd

from floorwatch import claims, idealpoints, metrics, risk
from floorwatch.dates import parse_date, record_end
from floorwatch.errors import NotFoundError
from floorwatch.jsonable import records
from floorwatch.memberships import party_spells, switches
from floorwatch.names import other_names
from floorwatch.settings import SETTINGS
from floorwatch.store import Store
from floorwatch.web.sections import (
    DOCUMENTED,
    Env,
    abbr,
    as_date,
    claims_list,
    claims_scores,
    claims_vocabulary,
    cohesion_series,
    flag_index,
    flag_list,
    party_ideal_points,
)

__all__ = [
    "RECENT_VOTES",
    "build_bounds",
    "build_claims",
    "build_definitions",
    "build_ids",
    "build_members",
    "build_overview",
    "build_party",
    "build_switches",
    "major_parties",
    "org_names",
    "spells_by",
    "switch_rows",
]

#: Roll calls listed on a member's page.
RECENT_VOTES = 25

#: The analysis layers whose functions the definitions page documents.
_LAYERS = {
    "floorwatch.metrics": metrics,
    "floorwatch.idealpoints": idealpoints,
    "floorwatch.risk": risk,
    "floorwatch.claims": claims,
}


# -- shared look-ups -----------------------------------------------------------------------
def build_ids(store: Store) -> dict[str, set[str]]:
    """Known person and organization ids (for fast 404s without opening the store)."""
    persons = {r[0] for r in store.rows("SELECT id FROM person")}
    orgs = store.records("SELECT id, classification FROM organization")
    return {
        "person": persons,
        "party": {o["id"] for o in orgs if o["classification"] != "chamber"},
        "org": {o["id"] for o in orgs},
    }


def build_bounds(store: Store) -> dict[str, Any]:
    """The first and last dates in the store; the default as-of date is the last."""
    row = store.records(
        "SELECT min(d) AS first, max(d) AS last FROM ("
        " SELECT start_date AS d FROM vote_event UNION ALL"
        " SELECT start_date FROM event WHERE classification <> 'legislative period'"
        " UNION ALL SELECT start_date FROM membership) x WHERE d IS NOT NULL"
    )[0]
    return {"first": parse_date(row["first"]), "last": record_end(store)}


def org_names(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.records(
        "SELECT id, name, abbreviation, classification, parent_id FROM organization"
    )
    return {r["id"]: r for r in rows}


def spells_by(
    store: Store, as_of: dt.date, *, person: str | None = None, env: Env | None = None
) -> pd.DataFrame:
    """Party spells begun by ``as_of`` (everyone's, or one person's), each with ``current``
    (covers ``as_of``). With ``env``, the store's spells are read once per store state."""
    if env is not None:
        spells = env.memo(("party spells",), lambda: party_spells(store))
        if person is not None:
            spells = spells[spells["person_id"] == person]
    else:
        spells = party_spells(store, person=person)
    if spells.empty:
        spells = spells.copy()
        spells["current"] = []
        return spells
    start = pd.to_datetime(spells["start_date"])
    end = pd.to_datetime(spells["end_date"])
    ts = pd.Timestamp(as_of)
    spells = spells[start.isna() | (start <= ts)].copy()
    end = end.loc[spells.index]
    spells["current"] = end.isna() | (end >= ts)
    return spells


def _member_rows(
    spells: pd.DataFrame, persons: dict[str, dict], orgs: dict[str, dict], flags: dict
) -> list[dict[str, Any]]:
    rows = []
    for r in spells.sort_values("start_date").itertuples(index=False):
        p = persons.get(r.person_id, {})
        flag = flags.get(r.person_id) or {}
        rows.append(
            {
                "person_id": r.person_id,
                "name": p.get("name", r.person_id),
                "sort_name": p.get("sort_name") or p.get("name", r.person_id),
                "other_names": p.get("other_names", []),
                "area": p.get("area"),
                "legislature_id": r.legislature_id or None,
                "party_id": r.party_id,
                "party": abbr(orgs, r.party_id),
                "start_date": as_date(r.start_date),
                "end_date": as_date(r.end_date),
                "level": flag.get("level"),
                "score": flag.get("score"),
            }
        )
    return rows


def _persons(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.records(
        "SELECT p.id, p.name, p.sort_name, a.area FROM person p LEFT JOIN ("
        " SELECT person_id, max(area) AS area FROM membership GROUP BY person_id) a"
        " ON a.person_id = p.id"
    )
    others = other_names(store, other_script=True)
    for r in rows:
        r["other_names"] = others.get(r["id"], [])
    return {r["id"]: r for r in rows}


def major_parties(spells: pd.DataFrame, share: float = 0.1) -> list[str]:
    """Parties holding at least ``share`` of the distinct members in ``spells``, largest first."""
    if spells.empty:
        return []
    counts = spells.groupby("party_id")["person_id"].nunique().sort_values(ascending=False)
    total = spells["person_id"].nunique()
    return [str(p) for p, n in counts.items() if n >= max(2, share * total)]


def switch_rows(
    store: Store, as_of: dt.date, *, person: str | None = None, env: Env | None = None, **kw: Any
) -> list[dict[str, Any]]:
    """Switches (:func:`floorwatch.switches`, options ``kw``) dated by ``as_of``, everyone's
    or one person's. With ``env``, the store's switches are read once per store state."""
    if env is not None:
        frame = env.memo(("switches", tuple(sorted(kw.items()))), lambda: switches(store, **kw))
        if person is not None and not frame.empty:
            frame = frame[frame["person_id"] == person]
    else:
        frame = switches(store, person=person, **kw)
    if frame.empty:
        return []
    frame = frame[frame["date_to"].map(lambda d: d is not None and d <= as_of)]
    return records(frame)


# -- pages ---------------------------------------------------------------------------------
def build_overview(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """Legislatures with their parties' seats, the red/amber list, cohesion, recent switches."""
    orgs = org_names(store)
    spells = spells_by(store, as_of, env=env)
    rc = store.records(
        "SELECT organization_id, count(*) AS roll_calls, min(start_date) AS first_vote,"
        " max(start_date) AS last_vote FROM vote_event WHERE start_date <= ?"
        " GROUP BY organization_id",
        [as_of],
    )
    rc_by = {r["organization_id"]: r for r in rc}
    legislatures = []
    for leg_id in sorted(set(spells["legislature_id"]) - {""}):
        cur = spells[(spells["legislature_id"] == leg_id) & spells["current"]]
        seats = cur.groupby("party_id")["person_id"].nunique().sort_values(ascending=False)
        info = rc_by.get(leg_id, {})
        legislatures.append(
            {
                "id": leg_id,
                "name": orgs.get(leg_id, {}).get("name", leg_id),
                "members": int(cur["person_id"].nunique()),
                "members_ever": int(
                    spells[spells["legislature_id"] == leg_id]["person_id"].nunique()
                ),
                "roll_calls": int(info.get("roll_calls") or 0),
                "first_vote": as_date(info.get("first_vote")),
                "last_vote": as_date(info.get("last_vote")),
                "parties": [
                    {
                        "id": pid,
                        "name": orgs.get(pid, {}).get("name", pid),
                        "abbreviation": abbr(orgs, pid),
                        "seats": int(n),
                    }
                    for pid, n in seats.items()
                ],
            }
        )
    activity = store.records(
        "SELECT EXTRACT(year FROM start_date) AS y, EXTRACT(month FROM start_date) AS m,"
        " count(*) AS n FROM vote_event WHERE start_date <= ? GROUP BY 1, 2 ORDER BY 1, 2",
        [as_of],
    )
    leg_ids = [leg["id"] for leg in legislatures]
    major = major_parties(spells)
    return {
        "as_of": as_of,
        "legislatures": legislatures,
        "activity": [
            {"month": f"{int(r['y']):04d}-{int(r['m']):02d}", "roll_calls": int(r["n"])}
            for r in activity
        ],
        "flags": flag_list(store, as_of, env, legislatures=leg_ids, orgs=orgs),
        "cohesion": cohesion_series(
            store, as_of, env, legislatures=leg_ids, orgs=orgs, parties=major
        ),
        "switches": switch_rows(store, as_of, env=env)[-10:],
    }


def build_members(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """Every member of every legislature by ``as_of``: sitting ones and former ones."""
    orgs = org_names(store)
    persons = _persons(store)
    spells = spells_by(store, as_of, env=env)
    legs = sorted(set(spells["legislature_id"]) - {""})
    flags = flag_index(store, as_of, env, legs)
    out = []
    for leg_id in sorted(set(spells["legislature_id"]) - {""}):
        leg = spells[spells["legislature_id"] == leg_id]
        cur = leg[leg["current"]].drop_duplicates("person_id", keep="last")
        former = leg[~leg["person_id"].isin(cur["person_id"])].drop_duplicates(
            "person_id", keep="last"
        )
        key = lambda r: (r["sort_name"] or "").lower()  # noqa: E731
        out.append(
            {
                "id": leg_id,
                "name": orgs.get(leg_id, {}).get("name", leg_id),
                "members": sorted(_member_rows(cur, persons, orgs, flags), key=key),
                "former": sorted(_member_rows(former, persons, orgs, {}), key=key),
            }
        )
    return {"as_of": as_of, "legislatures": out, "flags_available": bool(flags)}


def build_party(store: Store, org_id: str, as_of: dt.date, env: Env) -> dict[str, Any]:
    """A party's members as of ``as_of`` on the ideal-point map, and its cohesion."""
    orgs = org_names(store)
    org = orgs.get(org_id)
    if org is None or org["classification"] == "chamber":
        raise NotFoundError(f"no party with id {org_id!r}")
    persons = _persons(store)
    spells = spells_by(store, as_of, env=env)
    ours = spells[spells["party_id"] == org_id]
    legs = sorted(set(ours["legislature_id"]) - {""})
    flags = flag_index(store, as_of, env, legs)
    cur = ours[ours["current"]].drop_duplicates("person_id", keep="last")
    former = ours[~ours["person_id"].isin(cur["person_id"])].drop_duplicates(
        "person_id", keep="last"
    )
    members = sorted(_member_rows(cur, persons, orgs, flags), key=lambda r: r["sort_name"].lower())
    return {
        "as_of": as_of,
        "party": {k: org.get(k) for k in ("id", "name", "abbreviation", "classification")},
        "legislatures": [{"id": leg, "name": orgs.get(leg, {}).get("name", leg)} for leg in legs],
        "members": members,
        "former": sorted(
            _member_rows(former, persons, orgs, {}), key=lambda r: r["sort_name"].lower()
        ),
        "ideal_points": party_ideal_points(store, org_id, legs, as_of, env, flags, orgs),
        "cohesion": cohesion_series(
            store, as_of, env, legislatures=legs, orgs=orgs, parties=[org_id]
        ),
        "switches": [
            s
            for s in switch_rows(store, as_of, env=env, include_elections=True)
            if org_id in (s.get("from_party_id"), s.get("to_party_id"))
        ],
    }


def build_switches(
    store: Store,
    as_of: dt.date,
    env: Env,
    *,
    include_elections: bool = False,
) -> dict[str, Any]:
    """Every change of party known by ``as_of``."""
    return {
        "as_of": as_of,
        "include_elections": include_elections,
        "switches": switch_rows(store, as_of, env=env, include_elections=include_elections),
    }


def build_claims(store: Store, as_of: dt.date, env: Env) -> dict[str, Any]:
    """The claims ledger and the sources' track records."""
    return {
        "as_of": as_of,
        "claims": claims_list(store, as_of, env),
        "track_records": claims_scores(store, as_of, env),
        "vocabulary": claims_vocabulary(),
    }


_TERMS = (
    (
        "As-of date",
        "Every page shows what the public record held on that day: roll calls, events and "
        "membership changes dated later are left out. It defaults to the last date in the store.",
        "floorwatch",
    ),
    (
        "Party spell",
        "A stretch of time in which a member sat for a party (a seat held on behalf of a party, "
        "Popolo's on_behalf_of, or a party's own membership register).",
        "Popolo membership; floorwatch.memberships",
    ),
    (
        "Switch",
        "Two consecutive party spells of one person in one legislature under different parties, "
        "dated between the last day under the old party and the first day under the new one.",
        "floorwatch.memberships.switches",
    ),
    (
        "Vote options",
        "yes, no, abstain, absent, not voting, paired (Popolo), present, both (voted in both "
        "lobbies, as Public Whip records). Voteview cast codes 1-3 are yea, 4-6 nay, 7-8 present "
        "and 9 not voting.",
        "Popolo vote; Voteview",
    ),
    (
        "Crucial event",
        "A roll call or sitting given a positive crucial weight (a confidence vote, a budget, a "
        "leadership election...). They are marked on the member's timelines.",
        "floorwatch schema (event.crucial, vote_event.crucial)",
    ),
    (
        "Risk level",
        "red / amber / green from the early-warning model, with the evidence that drove it. "
        "Grey dots have no level (the member was not scored).",
        "floorwatch.risk",
    ),
)


def build_definitions() -> dict[str, Any]:
    """Terms, settings and the definitions documented by the analysis layers."""
    terms = [{"name": n, "definition": d, "source": s} for n, d, s in _TERMS]
    for name, meaning in risk.SIGNALS.items():
        terms.append(
            {"name": f"Risk signal: {name}", "definition": meaning, "source": "floorwatch.risk"}
        )
    for module_name, fn_names in DOCUMENTED.items():
        module = _LAYERS[module_name]
        for fn_name in fn_names:
            doc = inspect.getdoc(getattr(module, fn_name))
            if doc:
                terms.append(
                    {
                        "name": f"{module_name}.{fn_name}",
                        "definition": doc.split("\n\n")[0].replace("\n", " "),
                        "source": module_name,
                    }
                )
    return {
        "terms": terms,
        "settings": [
            {"name": s.name, "default": s.default, "help": s.help, "env": s.env} for s in SETTINGS
        ],
    }
