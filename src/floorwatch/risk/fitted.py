"""Flags from the fitted model: the probability of leaving the party within 180 days, levels
from it, and the features and votes behind it.

A member is scored with at least ``model_min_votes`` (1) yea/nay vote under their current
party (the model's features are shrunk towards the chamber's mean, so a short record says
little rather than nothing: the first weeks of a term are scored). Red: among the highest
``max_red_share`` of the chamber's scored members (``red_count`` members instead, when set; a
body with fewer than ``1 / max_red_share`` scored members still has one red place) and with a
probability of at least ``red_probability``; amber: the next ``max_amber_share`` (or
``amber_count``) with at least ``amber_probability``. Places are allotted over the whole
chamber, not per party: the probability is comparable across parties, and a party's top
member need not be at risk. Members tied with the first member left out of a list are left
out too (early in a term many members share one probability). Independents and groups of one
or two are scored like anyone else.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from floorwatch.risk import model as hazard
from floorwatch.risk.config import LEVELS, RiskConfig
from floorwatch.risk.context import Context
from floorwatch.risk.features import PeriodRecord, period_features
from floorwatch.store import Store

__all__ = ["fitted_levels", "load_model"]

_MODELS: dict[str, dict] = {}


def load_model(cfg: RiskConfig) -> dict:
    """The model of ``cfg.model_file`` (default: the shipped one), read once per process."""
    key = str(cfg.model_file or "")
    if key not in _MODELS:
        _MODELS[key] = hazard.load(cfg.model_file) if cfg.model_file else hazard.default_model()
    return _MODELS[key]


def member_features(store: Store, ctx: Context) -> pd.DataFrame:
    """The model's raw features of every member as of ``ctx.as_of`` (records up to it only)."""
    rec = PeriodRecord(store, ctx.legislature, ctx.period, as_of=ctx.as_of)
    return period_features(rec, [ctx.as_of])


def _tie_cut(ranked: np.ndarray, places: int) -> int:
    """How many of the ``ranked`` (highest first) take ``places`` places: members tied with
    the first one left out are left out too (a tie is not broken by the order of the list)."""
    if places >= len(ranked):
        return len(ranked)
    if places <= 0:
        return 0
    return int(np.searchsorted(-ranked, -ranked[places], side="left"))


def _places(n: int, share: float, count: int | None, small: bool) -> int:
    if count is not None:
        return count
    k = math.floor(share * n + 1e-9)
    return max(k, 1) if small else k


def fitted_levels(
    store: Store, scored: pd.DataFrame, ctx: Context, cfg: RiskConfig
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Replace the hand-weighted score and levels of ``scored`` (from
    :func:`floorwatch.risk.score.score_members`) by the fitted model's. Returns the frame,
    the contributions per member (index aligned) and the model."""
    model = load_model(cfg)
    feats = member_features(store, ctx)
    out = scored.copy()
    n = len(out)
    prob = np.full(n, np.nan)
    contrib = pd.DataFrame(np.nan, index=out.index, columns=model["features"])
    raw = pd.DataFrame(index=out.index, columns=list(hazard.FEATURES), dtype=float)
    if not feats.empty:
        feats = feats.reset_index(drop=True)
        p = hazard.predict(model, feats)
        # Contributions relative to the average member scored here on this date: a feature
        # every member shares (the time into the term, a two-party chamber's group sizes)
        # explains no one's place on the list, so it contributes 0 and the evidence names
        # what sets the member apart.
        c = hazard.contributions(model, feats)
        c = c - c.mean(axis=0)
        d = hazard.design(feats)
        pos = {pid: k for k, pid in enumerate(feats["person_id"])}
        rows = [pos.get(pid, -1) for pid in out["person_id"]]
        have = np.array([r >= 0 for r in rows])
        take = np.array([r for r in rows if r >= 0], dtype=int)
        ok_votes = feats["n_votes"].to_numpy(float)[take] >= cfg.model_min_votes
        where = np.flatnonzero(have)[ok_votes]
        take = take[ok_votes]
        prob[where] = p[take]
        contrib.iloc[where] = c.iloc[take].to_numpy()
        raw.iloc[where] = d.iloc[take].to_numpy()
    scoredm = ~np.isnan(prob)
    out["score"] = prob
    out["probability"] = prob
    out["scored"] = scoredm
    out["unscored"] = [
        None
        if ok
        else (r or f"no votes under the current party (model needs {cfg.model_min_votes})")
        for ok, r in zip(scoredm, out["unscored"], strict=True)
    ]
    out["rank"] = pd.Series(prob).rank(ascending=False, method="first").to_numpy()
    party_rank = (
        pd.DataFrame({"p": prob, "party": out["party_id"].astype(str).to_numpy()})
        .groupby("party")["p"]
        .rank(ascending=False, method="first")
        .to_numpy()
    )
    out["party_rank"] = party_rank
    total = int(scoredm.sum())
    small = total < math.ceil(1 / cfg.max_red_share - 1e-9)
    red_n = _places(total, cfg.max_red_share, cfg.red_count, small)
    amber_n = _places(total, cfg.max_amber_share, cfg.amber_count, small)
    level = np.full(n, "green", dtype=object)
    order = np.flatnonzero(scoredm)[np.argsort(-prob[scoredm], kind="stable")]
    ranked = prob[order]
    red_cut = _tie_cut(ranked, red_n)
    amber_cut = _tie_cut(ranked, red_n + amber_n)
    for k, i in enumerate(order):
        if k < red_cut and prob[i] >= cfg.red_probability:
            level[i] = "red"
        elif k < amber_cut and prob[i] >= cfg.amber_probability:
            level[i] = "amber"
    # User rules raise a level whatever the probability.
    for i, fired in enumerate(out["rules"]):
        for name in fired or []:
            rule = next(r for r in cfg.rules if r.name == name)
            if LEVELS.index(rule.level) > LEVELS.index(level[i]):
                level[i] = rule.level
    out["level"] = level
    for name in hazard.FEATURES:
        out[f"feature_{name}"] = raw[name].to_numpy(dtype=float)
    return out, contrib, model


def _detail(name: str, value: float, contribution: float) -> str:
    direction = "raises" if contribution > 0 else "lowers"
    size = abs(contribution)
    return (
        f"{hazard.FEATURES[name]}: {value:.3g} ({direction} the log-odds by {size:.2f} "
        "against the chamber's average member)"
    )


def model_evidence(
    member: pd.Series, contrib: pd.Series, model: dict, *, top: int = 5
) -> list[dict]:
    """The features that drove a member's probability, largest contribution first."""
    items = []
    for name in model["features"]:
        c = contrib.get(name)
        if c is None or c != c or abs(c) < 0.01:  # shared by the whole chamber: no reason
            continue
        items.append((float(c), name))
    items.sort(key=lambda t: -t[0])
    out = [
        {
            "signal": "probability",
            "value": None
            if member["probability"] != member["probability"]
            else round(float(member["probability"]), 4),
            "detail": f"P(leaves the party within {model.get('horizon_days', 180)} days) from "
            f"the fitted model (version {model['version']})",
        }
    ]
    for c, name in items[:top]:
        value = float(member.get(f"feature_{name}", np.nan))
        out.append(
            {
                "signal": name,
                "value": None if value != value else round(value, 4),
                "contribution": round(c, 4),
                "detail": _detail(name, value, c),
            }
        )
    return out
