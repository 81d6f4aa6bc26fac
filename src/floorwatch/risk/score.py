"""The default risk model: within-party percentiles, a weighted mean, and levels.

For each signal, a member's percentile is the share of the other members of their party
(parties smaller than ``min_party_size``: of the legislature) with a strictly lower value, so
the most extreme member of a party scores 1; a signal on which everybody in the party is equal
carries no information there and drops out of their score.
The score is the weighted mean of the percentiles of the signals that have data. A member is
red when the score reaches ``red_threshold`` and is among the highest ``max_red_share`` of
their party; amber when it reaches ``amber_threshold`` and is among the next highest
``max_amber_share`` of their party; green otherwise. Places are allotted per party because
flags are read party by party (a party's committee marks its own members) and because the
within-party percentiles put the top of every party at the same height. Parties with fewer
than ``1 / max_red_share`` scored members share one pool of places. So at most
``max_red_share`` of the legislature is red (``red_count`` members per party instead, when
set); a body with fewer scored members than ``1 / max_red_share`` still gets one red and one
amber place. A member is scored with at least ``min_votes`` votes or ``min_events`` recorded
sittings and meetings (column ``n_events``); an unscored member's reason is in ``unscored``
("4 events so far; 5 needed"). User rules can raise a member's level.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from floorwatch.risk.config import LEVELS, SIGNALS, RiskConfig

__all__ = ["percentiles", "score_members"]


def _strict_share_below(values: np.ndarray) -> np.ndarray:
    """For each value: share of the *other* values strictly below it (NaN stays NaN)."""
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    v = values[ok]
    if len(v) < 2 or v.min() == v.max():  # nobody stands out: the signal says nothing here
        return out
    below = np.searchsorted(np.sort(v), v, side="left")
    out[ok] = below / (len(v) - 1)
    return out


def percentiles(signals: pd.DataFrame, config: RiskConfig) -> pd.DataFrame:
    """Within-party percentiles of every signal column (0..1)."""
    pct = pd.DataFrame(index=signals.index)
    sizes = signals.groupby("party_id")["person_id"].transform("size")
    group = np.where(sizes >= config.min_party_size, signals["party_id"].astype(str), "\x00all")
    for name in SIGNALS:
        values = signals[name].to_numpy(dtype="float64", na_value=np.nan)
        col = np.full(len(values), np.nan)
        for g in np.unique(group):
            idx = np.flatnonzero(group == g)
            if g == "\x00all":  # small parties: compare with the whole legislature
                col[idx] = _strict_share_below(values)[idx]
            else:
                col[idx] = _strict_share_below(values[idx])
        pct[name] = col
    return pct


def _cap_groups(parties: np.ndarray, scored: np.ndarray, config: RiskConfig) -> np.ndarray:
    """The group each member's red/amber places come from: their party when it has enough
    scored members for one red place (1 / max_red_share), else one pool of small parties."""
    need = math.ceil(1 / config.max_red_share - 1e-9)
    counts = pd.Series(parties[scored]).value_counts()
    big = set(counts[counts >= need].index)
    return np.array([p if p in big else "\x00small" for p in parties], dtype=object)


def _places(n: int, config: RiskConfig, small: bool) -> tuple[int, int]:
    """Red and amber places in a group of ``n`` scored members."""
    red = math.floor(config.max_red_share * n + 1e-9)
    amber = math.floor(config.max_amber_share * n + 1e-9)
    if small:  # a small body can still have a red and an amber member
        red, amber = max(red, 1), max(amber, 1)
    if config.red_count is not None:
        red = config.red_count
    if config.amber_count is not None:
        amber = config.amber_count
    return red, amber


def _unscored_reason(
    n_votes: float, n_events: float, enough: bool, has_score: bool, config: RiskConfig
) -> str | None:
    """Why a member has no score (None when scored)."""
    if enough and has_score:
        return None
    if enough:
        return "no signal with data"
    if not n_votes and not n_events:
        return "no record (no votes or recorded events) in the window"
    parts = []
    if n_events:
        parts.append(f"{int(n_events)} events so far; {config.min_events} needed")
    if n_votes:
        parts.append(f"{int(n_votes)} votes so far; {config.min_votes} needed")
    return " and ".join(parts)


def score_members(signals: pd.DataFrame, config: RiskConfig) -> pd.DataFrame:
    """Add ``score``, ``rank``, ``level``, ``rules`` and the percentile columns ``pct_*``."""
    out = signals.copy()
    pct = percentiles(signals, config)
    weights = np.array([config.weights.get(s, 0.0) for s in SIGNALS])
    P = pct[list(SIGNALS)].to_numpy(dtype="float64")
    has = ~np.isnan(P)
    # A signal with no data anywhere in the legislature drops out of everybody's mean.
    w = np.where(has, weights, 0.0)
    denom = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # no signal with data: NaN, no warning
        score = np.where(denom > 0, np.nansum(np.where(has, P, 0.0) * w, axis=1) / denom, np.nan)
    n_votes = signals["n_votes"].fillna(0).to_numpy(dtype="float64")
    n_events = (
        signals["n_events"].fillna(0).to_numpy(dtype="float64")
        if "n_events" in signals
        else np.zeros(len(signals))
    )
    enough = (n_votes >= config.min_votes) | (n_events >= config.min_events)
    has_score = ~np.isnan(score)
    scored = enough & has_score
    score = np.where(scored, score, np.nan)
    out["unscored"] = [
        _unscored_reason(v, e, ok, has, config)
        for v, e, ok, has in zip(n_votes, n_events, enough, has_score, strict=True)
    ]
    out["score"] = score
    out["rank"] = pd.Series(score).rank(ascending=False, method="first").to_numpy()
    # Red and amber are allotted per party (each party's highest scores), as a party's
    # committee marks its own members; parties too small for one red place are pooled.
    groups = _cap_groups(signals["party_id"].astype(str).to_numpy(), scored, config)
    small = int(scored.sum()) < math.ceil(1 / config.max_red_share - 1e-9)
    party_rank = np.full(len(out), np.nan)
    level = np.full(len(out), "green", dtype=object)
    for g in np.unique(groups):
        idx = np.flatnonzero((groups == g) & scored)
        if not len(idx):
            continue
        n = len(idx)
        order = idx[np.argsort(-score[idx], kind="stable")]
        party_rank[order] = np.arange(1, n + 1)
        red_cap, amber_n = _places(n, config, small)
        amber_cap = red_cap + amber_n
        for k, i in enumerate(order, 1):
            if k <= red_cap and score[i] >= config.red_threshold:
                level[i] = "red"
            elif k <= amber_cap and score[i] >= config.amber_threshold:
                level[i] = "amber"
    out["party_rank"] = party_rank
    fired: list[list[str]] = [[] for _ in range(len(out))]
    for rule in config.rules:
        values = signals[rule.signal].to_numpy(dtype="float64", na_value=np.nan)
        for i, x in enumerate(values):
            if rule.holds(float(x)):
                fired[i].append(rule.name)
                if LEVELS.index(rule.level) > LEVELS.index(level[i]):
                    level[i] = rule.level
    out["level"] = level
    out["rules"] = fired
    out["scored"] = scored
    for name in SIGNALS:
        out[f"pct_{name}"] = pct[name].to_numpy()
    return out
