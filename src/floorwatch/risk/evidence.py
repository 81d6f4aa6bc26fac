"""Evidence for a flag: the signals that drove it and the concrete votes and events behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from floorwatch.risk.config import SIGNALS, VOTE_SIGNALS, RiskConfig
from floorwatch.risk.context import Context

__all__ = ["evidence_for", "reasons"]


def reasons(evidence: list | None, n: int = 1) -> list[str]:
    """The first ``n`` sentences of a flag's evidence that say why the member stands out: the
    fitted model's probability line (the score already gives it) is passed over unless it is
    all there is. What the CLI's ``why`` column and the dashboard's "main signal" show."""
    items = [e for e in evidence or [] if isinstance(e, dict) and e.get("detail")]
    why = [e["detail"] for e in items if e.get("signal") != "probability"]
    return (why or [e["detail"] for e in items])[:n]


_VOTE_SIGNALS = set(VOTE_SIGNALS) - {"violations"}  # those that cite votes against the party
_WORD = {1.0: "yes", 0.0: "no"}


def _plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text, NaN as None."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def _fmt(value: float) -> float | None:
    return None if value is None or value != value else round(float(value), 4)


def _party_sides(ctx: Context, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per roll call: yes and no counts of the party the member voted under *at that vote*
    (NaN where the member voted under another party, or has no record), the other side's
    majority, and whether the vote counts (cast under the member's current party: after a
    switch, the old party's record no longer counts)."""
    vm = ctx.matrix
    m = vm.Y.shape[1]
    party = vm.members["party_id"].iloc[row]
    if vm.group is None or vm.group_ids is None:  # no per-vote party: the current one
        mine = (vm.members["party_id"] == party).to_numpy()
        yes = np.nansum(vm.Y[mine] == 1, axis=0).astype(float)
        no = np.nansum(vm.Y[mine] == 0, axis=0).astype(float)
        counts = np.ones(m, dtype=bool)
    else:
        g = vm.group[row]
        code = vm.group_ids.index(party) if party in vm.group_ids else -2
        counts = g == code
        key = ("group_sides", code)
        if key not in ctx.cache:
            in_g = vm.group == code
            ctx.cache[key] = (
                ((vm.Y == 1) & in_g).sum(axis=0).astype(float),
                ((vm.Y == 0) & in_g).sum(axis=0).astype(float),
            )
        yes, no = ctx.cache[key]
    other = ctx.other_party.get(party)
    other_major = np.full(m, np.nan)
    if other:
        key = ("other", other)
        if key not in ctx.cache:
            if vm.group is not None and other in (vm.group_ids or []):
                theirs = vm.group == vm.group_ids.index(other)
                oy = ((vm.Y == 1) & theirs).sum(axis=0)
                on = ((vm.Y == 0) & theirs).sum(axis=0)
            else:
                rows = (vm.members["party_id"] == other).to_numpy()
                oy = np.nansum(vm.Y[rows] == 1, axis=0)
                on = np.nansum(vm.Y[rows] == 0, axis=0)
            ctx.cache[key] = np.where(oy > on, 1.0, np.where(on > oy, 0.0, np.nan))
        other_major = ctx.cache[key]
    return yes, no, other_major, counts


def _rollcall_lists(ctx: Context) -> dict[str, list]:
    if "rollcalls" not in ctx.cache:
        rc = ctx.matrix.rollcalls
        dates = [None if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in rc["date"]]
        ctx.cache["rollcalls"] = {
            "date": dates,
            "id": rc["vote_event_id"].tolist(),
            "question": rc["question"].tolist(),
            "motion": rc["motion_text"].tolist(),
        }
    return ctx.cache["rollcalls"]


def _votes_against_party(ctx: Context, row: int, limit: int) -> list[dict]:
    """The member's latest votes against the majority of their party *as it was at the vote*
    (the members voting under that label on that roll call), cast under the party they sit
    for now."""
    vm = ctx.matrix
    y = vm.Y[row]
    yes, no, other_major, counts = _party_sides(ctx, row)
    major = np.where(yes > no, 1.0, np.where(no > yes, 0.0, np.nan))
    against = counts & ~np.isnan(y) & ~np.isnan(major) & (y != major)
    idx = np.flatnonzero(against)[::-1][:limit]
    party = vm.members["party"].iloc[row]
    rc = _rollcall_lists(ctx)
    return [
        {
            "date": rc["date"][j],
            "vote_event_id": rc["id"][j],
            "question": rc["question"][j],
            "motion": rc["motion"][j],
            "member_voted": _WORD[float(y[j])],
            "party_majority": _WORD[float(major[j])],
            "party_split": f"{int(yes[j])} yes / {int(no[j])} no ({party})",
            "with_other_side": bool(other_major[j] == y[j]),
        }
        for j in idx
    ]


def _missed_events(ctx: Context, person_id: str, limit: int) -> list[dict]:
    missed = ctx.cache["missed_events"]
    mine = missed[missed["person_id"] == person_id].head(limit)
    return [
        {
            "date": pd.Timestamp(r.date).date().isoformat(),
            "event_id": r.event_id,
            "event": r.name,
            "classification": r.classification,
            "crucial": float(r.crucial),
            "member_attended": "absent",
        }
        for r in mine.itertuples()
    ]


def _missed(ctx: Context, row: int, limit: int) -> list[dict]:
    vm = ctx.matrix
    rc = _rollcall_lists(ctx)
    recent = np.array([d is not None and d >= ctx.recent_from.isoformat() for d in rc["date"]])
    idx = np.flatnonzero(vm.missed[row] & recent)[::-1][:limit]
    return [
        {
            "date": rc["date"][j],
            "vote_event_id": rc["id"][j],
            "question": rc["question"][j],
            "motion": rc["motion"][j],
            "member_voted": "did not vote",
        }
        for j in idx
    ]


def _detail(name: str, value: float, member: pd.Series, ctx: Context) -> str:
    party = member["party"] or member["party_id"]
    if name in ("disloyalty", "recent_disloyalty"):
        span = "this term" if name == "disloyalty" else f"since {ctx.recent_from}"
        return f"voted against the {party} majority on {value:.0%} of votes {span}"
    if name == "loyalty_drop":
        return f"disloyalty in the last window is {value:+.0%} against the term"
    if name == "other_agreement":
        other = ctx.nearest.get(member["person_id"]) or ctx.other_party.get(member["party_id"])
        names = dict(zip(ctx.matrix.members["party_id"], ctx.matrix.members["party"], strict=True))
        side = ctx.against_label or names.get(other) or other or "the other side"
        return f"voted with the majority of {side} on {value:.0%} of votes this term"
    if name == "agreement_rise":
        return f"agreement with the other side changed by {value:+.0%} in the latest window"
    if name == "moderation":
        return (
            f"ideal point {member['ideal_point']:+.2f} lies {value:+.2f} party standard "
            "deviations from the party median towards the other side"
        )
    if name == "drift":
        return f"moved {value:+.2f} party standard deviations towards the other side recently"
    if name == "absence":
        what = "roll calls" if ctx.matrix is not None else "sittings and meetings"
        return f"missed {value:.0%} of {what} since {ctx.recent_from}"
    if name == "crucial_absence":
        return f"missed {value:.0%} of crucial sittings and meetings (weighted)"
    if name == "absence_streak":
        return f"has missed the last {int(value)} events in a row"
    if name == "violations":
        return f"voted against the party whip {int(value)} time(s) this term"
    if name == "appearances":
        return f"appeared at {int(value)} public event(s) of {ctx.against_label or 'the group'}"
    if name == "claims":
        return (
            f"published claims that the member will leave or join another group weigh "
            f"{value:.2f} (by what each had proved by {ctx.as_of}; see each claim's status)"
        )
    return SIGNALS[name]


def evidence_for(
    member: pd.Series,
    row: int,
    ctx: Context,
    config: RiskConfig,
    *,
    top: int = 5,
    votes: int = 5,
    claims: pd.DataFrame | None = None,
    votes_only: bool = False,
) -> list[dict]:
    """The evidence list of one scored member (``member`` is a row of the scored frame).
    ``votes_only``: only the concrete records (votes against the party as it was at each vote,
    claims, user rules), for the fitted model, whose features give the rest."""
    if votes_only:
        out = []
        if ctx.matrix is not None and votes:
            cited = _votes_against_party(ctx, row, votes)
            out.append(
                {
                    "signal": "votes_against_party",
                    "value": len(cited),
                    "detail": "the latest votes against the majority of the member's party as "
                    "it was at each vote (cast under the party the member sits for now)",
                    "votes": cited,
                }
            )
        mine = None
        if claims is not None and not claims.empty:
            mine = claims[claims["person_id"] == member["person_id"]]
        if mine is not None and not mine.empty:
            out.append(
                {
                    "signal": "claims",
                    "value": _fmt(member.get("claims")),
                    "detail": "published claims about the member (not in the model)",
                    "claims": [
                        {k: _plain(v) for k, v in r.items()}
                        for r in mine.drop(columns=["person_id"]).to_dict(orient="records")
                    ],
                }
            )
        for rule in member.get("rules") or []:
            out.insert(0, {"signal": "rule", "rule": rule, "detail": f"user rule {rule!r} holds"})
        return out
    items = []
    for name in SIGNALS:
        value = member.get(name)
        pct = member.get(f"pct_{name}")
        weight = config.weights.get(name, 0.0)
        if value is None or value != value or pct != pct or weight <= 0:
            continue
        items.append((weight * pct, name, value, pct, weight))
    items.sort(key=lambda t: -t[0])
    shown = items[:top]
    # Published claims about the member are always shown, whatever their weight or status.
    mine = None
    if claims is not None and not claims.empty:
        mine = claims[claims["person_id"] == member["person_id"]]
    if mine is not None and not mine.empty and all(t[1] != "claims" for t in shown):
        value = member.get("claims")
        value = 0.0 if value is None or value != value else float(value)
        pct = member.get("pct_claims")
        shown += [(0.0, "claims", value, pct, config.weights.get("claims", 0.0))]
    out = []
    cited_votes = False
    for contribution, name, value, pct, weight in shown:
        entry = {
            "signal": name,
            "value": _fmt(value),
            "percentile": _fmt(pct),
            "weight": weight,
            "contribution": _fmt(contribution),
            "detail": _detail(name, float(value), member, ctx),
        }
        if name in _VOTE_SIGNALS and votes and not cited_votes:
            entry["votes"] = _votes_against_party(ctx, row, votes)
            cited_votes = True
        elif name in ("absence", "absence_streak", "crucial_absence") and votes:
            if ctx.matrix is None:
                entry["events"] = _missed_events(ctx, member["person_id"], votes)
            elif name != "crucial_absence":
                entry["votes"] = _missed(ctx, row, votes)
        elif name == "claims" and mine is not None:
            entry["claims"] = [
                {k: _plain(v) for k, v in r.items()}
                for r in mine.drop(columns=["person_id"]).to_dict(orient="records")
            ]
        out.append(entry)
    for rule in member.get("rules") or []:
        out.insert(0, {"signal": "rule", "rule": rule, "detail": f"user rule {rule!r} holds"})
    return out
