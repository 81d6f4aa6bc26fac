"""Red/amber/green flags as of a date, with their evidence."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from floorwatch.dates import resolve_as_of
from floorwatch.risk.config import FLAG_COLUMNS, SIGNALS, RiskConfig
from floorwatch.risk.evidence import evidence_for
from floorwatch.risk.score import score_members
from floorwatch.risk.signals import compute_signals
from floorwatch.store import Store

__all__ = ["FLAG_COLUMNS", "flags"]


def flags(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    legislature: str | None = None,
    party: str | None = None,
    against: str | list[str] | None = None,
    config: RiskConfig | None = None,
    evidence: str = "flagged",
) -> pd.DataFrame:
    """Flags for every member of ``legislature`` as of ``as_of`` (data dated <= as_of only).

    Parameters
    ----------
    as_of:
        The date to look from (default: the store's record end,
        :func:`floorwatch.dates.record_end`).
    party:
        With ``legislature``: only members sitting for this party (id, abbreviation or name),
        scores computed over the whole legislature first. Without ``legislature``: the party
        watch, every person of the party across all bodies
        (:func:`floorwatch.risk.party.party_flags`, columns
        :data:`floorwatch.risk.party.PARTY_COLUMNS`).
    against:
        A group (party, faction, breakaway group, or person ids) to measure agreement with,
        instead of each member's largest other party.
    evidence:
        ``"flagged"`` (evidence for red and amber members), ``"all"`` or ``"none"``.

    Returns
    -------
    DataFrame
        Highest score first: :data:`FLAG_COLUMNS`, then every signal and its ``pct_`` percentile.
    """
    cfg = config or RiskConfig()
    when = resolve_as_of(store, as_of)
    if party and legislature is None:
        from floorwatch.risk.party import party_flags

        return party_flags(store, party, as_of=when, against=against, config=cfg, evidence=evidence)
    signals, ctx = compute_signals(
        store, when, legislature=legislature, against=against, config=cfg
    )
    scored = score_members(signals, cfg)
    contrib = model = None
    if cfg.model == "fitted" and ctx.matrix is not None and not against:
        from floorwatch.risk.fitted import fitted_levels

        scored, contrib, model = fitted_levels(store, scored, ctx, cfg)
    scored["legislature"] = ctx.legislature
    scored["as_of"] = when
    claims = None
    if "claims" in scored and scored["claims"].notna().any():
        from floorwatch.risk.claims_view import claim_weights

        claims = claim_weights(store, when)
    ev = []
    for row, (key, member) in enumerate(scored.iterrows()):
        want = evidence == "all" or (evidence == "flagged" and member["level"] != "green")
        if not want:
            ev.append([])
        elif model is not None:
            from floorwatch.risk.fitted import model_evidence

            items = model_evidence(member, contrib.loc[key], model)
            items += evidence_for(member, row, ctx, cfg, claims=claims, votes_only=True)
            ev.append(items)
        else:
            ev.append(evidence_for(member, row, ctx, cfg, claims=claims))
    scored["evidence"] = ev
    if party:
        from floorwatch.metrics._filters import resolve_parties

        ids = set(resolve_parties(store, party))
        scored = scored[scored["party_id"].isin(ids)]
    cols = list(FLAG_COLUMNS) + ["n_votes", "n_events", "unscored", "ideal_point", "rules"]
    cols += ["scored", "probability"]
    if "probability" not in scored:
        scored["probability"] = float("nan")
    cols += [s for s in SIGNALS] + [f"pct_{s}" for s in SIGNALS]
    return scored.sort_values(["score", "name"], ascending=[False, True], na_position="last")[
        cols
    ].reset_index(drop=True)
