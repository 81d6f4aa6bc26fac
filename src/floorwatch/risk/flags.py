"""Red/amber/green flags as of a date, with their evidence; flags over a range of dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd

from floorwatch.dates import every, parse_date, resolve_as_of
from floorwatch.errors import InputError, NotFoundError
from floorwatch.risk.config import FLAG_COLUMNS, SIGNALS, RiskConfig, at_least_one
from floorwatch.risk.evidence import evidence_for
from floorwatch.risk.score import score_members
from floorwatch.risk.signals import compute_signals
from floorwatch.store import Store
from floorwatch.store.engine import map_units

__all__ = ["FLAG_COLUMNS", "date_grid", "flag_bodies", "flags", "flags_over"]


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


def flag_bodies(store: Store) -> pd.DataFrame:
    """Every body flags can be computed for: a legislature with dated roll calls, or a body
    (a party's own organs among them) with dated attendance records. Columns ``legislature``,
    ``first`` and ``last`` (its first and last dated record), by id."""
    return store.query(
        """SELECT organization_id AS legislature, min(start_date) AS first,
                  max(start_date) AS last
        FROM (SELECT organization_id, start_date FROM vote_event
              WHERE start_date IS NOT NULL AND organization_id IS NOT NULL
              UNION ALL
              SELECT e.organization_id, e.start_date FROM event e
              WHERE e.start_date IS NOT NULL AND e.organization_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM attendance a WHERE a.event_id = e.id)) AS r
        GROUP BY organization_id ORDER BY organization_id"""
    )


def date_grid(start: dt.date | str, end: dt.date | str, step_days: int = 30) -> list[dt.date]:
    """``start``, then every ``step_days`` days up to ``end`` (both ends parsed as dates)."""
    first = parse_date(start, name="from")
    last = parse_date(end, name="to", end=True)
    if first is None or last is None:
        raise InputError(f"{'from' if first is None else 'to'}: a date is required")
    at_least_one(step_days=step_days)
    if last < first:
        raise InputError(f"to: {last} is before from ({first})")
    return every(first, last, step_days)


def _flags_unit(
    store: Store,
    legislature: str,
    day: dt.date,
    party: str | None,
    against: str | list[str] | None,
    config: RiskConfig | None,
    evidence: str,
) -> pd.DataFrame | None:
    """One legislature on one date (a unit of work for :func:`flags_over`); None when the
    record up to that date is too thin to flag."""
    try:
        return flags(
            store, as_of=day, legislature=legislature, party=party, against=against,
            config=config, evidence=evidence,
        )  # fmt: skip
    except NotFoundError:
        return None


def flags_over(
    store: Store,
    dates: Sequence[dt.date | str],
    *,
    legislatures: Sequence[str] | None = None,
    party: str | None = None,
    against: str | list[str] | None = None,
    config: RiskConfig | None = None,
    evidence: str = "flagged",
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Flags of every member on each of ``dates``, for each of ``legislatures`` (default:
    every body of :func:`flag_bodies`), as :func:`flags` gives them on each date alone (the
    same rows, data dated on or before the date only), stacked: by legislature, date, then
    highest score first.

    A legislature is flagged only on dates within its record (its first to its last dated
    record) and where that record is enough to flag (:func:`flags` raising
    :class:`~floorwatch.errors.NotFoundError` there: no rows). Each (legislature, date) is an
    independent unit of work: ``workers > 1`` runs them in that many processes
    (:func:`floorwatch.store.engine.map_units`; a store file must be opened read-only), with
    the same result as one process. ``party`` keeps that party's members (scores still over
    the whole legislature). ``progress(done, total)`` counts units.
    """
    days = sorted({parse_date(d, name="dates") for d in dates})
    bodies = flag_bodies(store)
    if legislatures is not None:
        want = list(dict.fromkeys(legislatures))
        unknown = [x for x in want if x not in set(bodies["legislature"])]
        if unknown:
            raise NotFoundError(
                f"no dated roll calls or attendance records for {', '.join(map(repr, unknown))}"
                f"; known: {', '.join(bodies['legislature']) or 'none'}"
            )
        bodies = bodies.set_index("legislature").loc[want].reset_index()
    units = []
    for b in bodies.itertuples():
        first, last = pd.Timestamp(b.first).date(), pd.Timestamp(b.last).date()
        for day in days:
            if first <= day <= last:
                units.append((store, (b.legislature, day, party, against, config, evidence)))
    parts = map_units(_flags_unit, units, workers=workers, progress=progress)
    frames = [p for p in parts if p is not None and len(p)]
    if not frames:
        cols = [*FLAG_COLUMNS, "n_votes", "n_events", "unscored", "ideal_point", "rules"]
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)
