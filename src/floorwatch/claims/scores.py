"""Track records of sources, and claims set against floorwatch's own flags.

Definitions (per group of claims, using each claim's current, effective status):

* **claims**: claims made; **resolved**: true or false; **pending**: the rest.
* **hits**: resolved true; **hit_rate** = hits / resolved (missing when nothing is resolved).
* **brier**: the Brier score (Brier 1950, *Monthly Weather Review* 78:1-3) over resolved claims
  with a probability: the mean of ``(p - o)**2``, where ``p`` is the probability of the claim
  as stated (for a denial, of the denial) and ``o`` is 1 if it came true, else 0. 0 is perfect;
  always saying 0.5 scores 0.25. **scored** counts the claims in it.
* **days_ahead**: for a true claim with an event date (the matching switch, or for a count the
  switch that reached ``count_min``), ``event_date - made_on``; **mean_days_ahead** and
  **median_days_ahead** summarise them. True denials have no event and no days ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from floorwatch.claims._frames import as_date
from floorwatch.claims.resolve import subject_outcomes
from floorwatch.errors import InputError
from floorwatch.store import Store

__all__ = ["GROUPINGS", "compare_with_flags", "track_records"]

#: ``by`` values of :func:`track_records` and the claim columns they group on. ``source`` is
#: one speaker at one outlet in one role.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "source": ("outlet", "speaker", "source_kind"),
    "outlet": ("outlet",),
    "speaker": ("speaker",),
    "kind": ("source_kind",),
    "source_kind": ("source_kind",),
    "all": (),
}

_RECORD_SQL = """
WITH x AS (
    SELECT c.*, coalesce(r.status, 'pending') AS status,
           CASE WHEN r.status = 'true' AND r.event_date IS NOT NULL
                THEN r.event_date - c.made_on END AS days_ahead,
           CASE WHEN r.status IN ('true', 'false') AND c.probability IS NOT NULL
                THEN (c.probability - CASE WHEN r.status = 'true' THEN 1.0 ELSE 0.0 END)
                   * (c.probability - CASE WHEN r.status = 'true' THEN 1.0 ELSE 0.0 END)
           END AS sq_error
    FROM claim c LEFT JOIN claim_resolution r ON r.claim_id = c.id
)
SELECT {keys}
       count(*) AS claims,
       sum(CASE WHEN status IN ('true', 'false') THEN 1 ELSE 0 END) AS resolved,
       sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
       sum(CASE WHEN status = 'true' THEN 1 ELSE 0 END) AS hits,
       CAST(sum(CASE WHEN status = 'true' THEN 1 ELSE 0 END) AS DOUBLE)
           / nullif(sum(CASE WHEN status IN ('true', 'false') THEN 1 ELSE 0 END), 0) AS hit_rate,
       count(sq_error) AS scored,
       avg(sq_error) AS brier,
       count(days_ahead) AS timed,
       avg(CAST(days_ahead AS DOUBLE)) AS mean_days_ahead,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days_ahead) AS median_days_ahead
FROM x
{group}
ORDER BY claims DESC{order}
"""


def track_records(store: Store, by: str | Sequence[str] = "outlet") -> pd.DataFrame:
    """Track records per source, outlet, speaker or kind of source.

    Parameters
    ----------
    store:
        The store, after :func:`~floorwatch.claims.resolve_claims`.
    by:
        A key of :data:`GROUPINGS` (``source``, ``outlet``, ``speaker``, ``kind``, ``all``) or a
        list of claim columns among outlet, speaker and source_kind.

    Returns
    -------
    pandas.DataFrame
        One row per group: the grouping columns, then claims, resolved, pending, hits,
        hit_rate, scored, brier, timed, mean_days_ahead, median_days_ahead (see the module
        docstring). Sorted by claims, most first.
    """
    if isinstance(by, str):
        if by not in GROUPINGS:
            raise InputError(
                f"cannot group track records by {by!r}; use one of {', '.join(GROUPINGS)}",
                column="by",
            )
        keys = GROUPINGS[by]
    else:
        keys = tuple(by)
        allowed = {"outlet", "speaker", "source_kind"}
        bad = [k for k in keys if k not in allowed]
        if bad:
            raise InputError(
                f"cannot group track records by {', '.join(bad)}; use outlet, speaker, source_kind",
                column="by",
            )
    sql = _RECORD_SQL.format(
        keys="".join(f"{k}, " for k in keys),
        group=f"GROUP BY {', '.join(keys)}" if keys else "",
        order="".join(f", {k}" for k in keys),
    )
    frame = store.query(sql)
    for col in ("claims", "resolved", "pending", "hits", "scored", "timed"):
        frame[col] = frame[col].fillna(0).astype("int64")
    return frame


def compare_with_flags(
    store: Store, flags: pd.DataFrame, *, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Set claims about people against floorwatch's own flags on the same people.

    Parameters
    ----------
    store:
        The store holding the claims.
    flags:
        One row per flagged person: ``person_id`` and ``first_red_date`` (the first day
        floorwatch rated them red). The early-warning layer (``floorwatch.risk``) supplies it;
        any DataFrame with those two columns will do.
    as_of:
        As for :func:`~floorwatch.claims.resolve_claims` (default: the store's record end).

    Returns
    -------
    pandas.DataFrame
        One row per claim and person named (count claims have no people and are left out):
        claim_id, person_id, predicts, stance, departure (True when the claim as stated says
        the person will go: an asserted joins/leaves/expelled or a denied stays), made_on,
        switch_date (the first matching switch, if any by ``as_of``), first_red_date,
        claim_days_ahead and flag_days_ahead (``switch_date`` minus ``made_on`` /
        ``first_red_date``), and earlier: for departure claims, ``claim`` or ``flag`` (which
        warned first), ``same``, ``claim only`` / ``flag only`` (the other came after the
        switch or never), or missing when neither warned before the switch. A warning counts
        only if it came on or before the switch date (any date, when no switch happened).
    """
    missing = [c for c in ("person_id", "first_red_date") if c not in flags.columns]
    if missing:
        raise InputError(
            f"the flags table lacks column(s) {', '.join(missing)}; expected person_id and "
            "first_red_date",
            column=missing[0],
        )
    outcomes = subject_outcomes(store, as_of=as_of)
    cols = [
        "claim_id",
        "person_id",
        "predicts",
        "stance",
        "departure",
        "made_on",
        "switch_date",
        "first_red_date",
        "claim_days_ahead",
        "flag_days_ahead",
        "earlier",
    ]
    if outcomes.empty:
        return pd.DataFrame({c: [] for c in cols})
    first = flags[["person_id", "first_red_date"]].copy()
    first["person_id"] = first["person_id"].astype(str)
    first["first_red_date"] = [
        as_date(pd.Timestamp(v)) if isinstance(v, str) else as_date(v)
        for v in first["first_red_date"]
    ]
    first = first.dropna().groupby("person_id", as_index=False)["first_red_date"].min()
    table = outcomes[
        ["claim_id", "person_id", "predicts", "stance", "made_on", "switch_date"]
    ].merge(first, on="person_id", how="left")
    table["departure"] = (table["predicts"] != "stays") == (table["stance"] == "asserts")
    table["claim_days_ahead"] = pd.array(
        [_days(s, m) for s, m in zip(table["switch_date"], table["made_on"], strict=True)],
        dtype="Int64",
    )
    table["flag_days_ahead"] = pd.array(
        [_days(s, f) for s, f in zip(table["switch_date"], table["first_red_date"], strict=True)],
        dtype="Int64",
    )
    table["earlier"] = [
        _earlier(d, m, f, s) if d else None
        for d, m, f, s in zip(
            table["departure"],
            table["made_on"],
            table["first_red_date"],
            table["switch_date"],
            strict=True,
        )
    ]
    table = table[cols].sort_values(["made_on", "claim_id", "person_id"], ignore_index=True)
    table["departure"] = table["departure"].astype(bool)
    return table


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or bool(pd.isna(value))


def _days(later: object, earlier: object) -> int | None:
    if _missing(later) or _missing(earlier):
        return None
    return (later - earlier).days  # type: ignore[operator]


def _earlier(_departure: bool, made_on: object, red: object, switch: object) -> str | None:
    claim_ok = not _missing(made_on) and (_missing(switch) or made_on <= switch)  # type: ignore[operator]
    flag_ok = not _missing(red) and (_missing(switch) or red <= switch)  # type: ignore[operator]
    if claim_ok and flag_ok:
        if made_on < red:  # type: ignore[operator]
            return "claim"
        if red < made_on:  # type: ignore[operator]
            return "flag"
        return "same"
    if claim_ok:
        return "claim only"
    if flag_ok:
        return "flag only"
    return None
