"""Backtest the flags on real party switches: how early and how precisely would they have warned?

For every legislative period holding dated roll calls, flags are computed on a grid of dates
(every ``step_days`` from ``min_term_days`` into the period), plus 30, 60 and 90 days before
each switch, each time from data dated on or before that day only. A member-date is a
*positive* when the member switches party within ``horizon_days`` after it. The event date of
a switch is ``date_from``: the last day the record shows the member in the old party (Voteview:
their last vote under it; an announcement is often a few days earlier).

Each period is an independent unit of work (:func:`backtest_period`); :func:`backtest` runs
them in parallel processes when ``workers > 1``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from floorwatch.dates import every
from floorwatch.errors import NotFoundError
from floorwatch.memberships import switches as find_switches
from floorwatch.risk.config import RiskConfig, at_least_one
from floorwatch.risk.flags import flags
from floorwatch.store import Store, open_store
from floorwatch.store.engine import map_units

__all__ = [
    "BacktestResult",
    "backtest",
    "backtest_period",
    "first_red_dates",
    "periods",
    "roc_auc",
]

LEADS = (30, 60, 90)


@dataclass
class BacktestResult:
    """What a backtest found.

    Attributes
    ----------
    switches : DataFrame
        One row per switch: person, parties, event date, level/rank/score and red-list size
        30, 60 and 90 days before, first red date and lead time in days.
    panel : DataFrame
        One row per member and grid date: score, level, rank, positive (switched within the
        horizon).
    summary : dict
        members, dates, positives, ROC AUC, precision@k, red share, precision and recall of red.
    calibration : DataFrame
        Score bins with member-dates, positives and the observed switch rate.
    """

    switches: pd.DataFrame
    panel: pd.DataFrame
    summary: dict = field(default_factory=dict)
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)


def periods(store: Store) -> pd.DataFrame:
    """(legislature, period, first, last) for every period with dated roll calls."""
    return store.query(
        """SELECT organization_id AS legislature, legislative_period_id AS period,
                  min(start_date) AS first, max(start_date) AS last, count(*) AS rollcalls
        FROM vote_event WHERE start_date IS NOT NULL
        GROUP BY organization_id, legislative_period_id ORDER BY first"""
    )


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    ok = ~np.isnan(scores)
    scores, labels = scores[ok], labels[ok]
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _dates(
    first: dt.date, last: dt.date, cfg: RiskConfig, step: int, extra: list[dt.date]
) -> list[dt.date]:
    grid = every(first + dt.timedelta(days=cfg.min_term_days), last, step)
    return sorted({*grid, *(e for e in extra if first < e <= last)})


def backtest_period(
    store: Store | str | Path,
    legislature: str,
    period: str | None,
    *,
    config: RiskConfig | None = None,
    step_days: int = 30,
    horizon_days: int = 180,
    on_date: Callable[[float], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flags over one legislative period: (panel, switches) frames. Opens the store read-only
    when given a path, so periods can run in separate processes. ``on_date(fraction)`` is
    called after each date with the share of the period's dates it stood for."""
    at_least_one(step_days=step_days, horizon_days=horizon_days)
    cfg = config or RiskConfig()
    own = not isinstance(store, Store)
    st = open_store(store, read_only=True) if own else store
    try:
        span = st.records(
            "SELECT min(start_date) AS first, max(start_date) AS last FROM vote_event "
            "WHERE organization_id = ? AND legislative_period_id IS NOT DISTINCT FROM ? "
            "AND start_date IS NOT NULL",
            [legislature, period],
        )[0]
        first = pd.Timestamp(span["first"]).date()
        last = pd.Timestamp(span["last"]).date()
        sw = find_switches(st, legislature=legislature)
        sw = sw[
            (pd.to_datetime(sw["date_from"]).dt.date >= first)
            & (pd.to_datetime(sw["date_from"]).dt.date <= last)
        ].copy()
        sw["event"] = pd.to_datetime(sw["date_from"]).dt.date
        extra = [e - dt.timedelta(days=k) for e in sw["event"] for k in LEADS]
        rows = []
        days = _dates(first, last, cfg, step_days, extra)
        for day in days:
            if on_date is not None:
                on_date(1 / len(days))
            try:
                f = flags(st, as_of=day, legislature=legislature, config=cfg, evidence="none")
            except NotFoundError:  # too little record on that date
                continue
            f = f[f["scored"]]
            upcoming = sw[
                (sw["event"] > day) & (sw["event"] <= day + dt.timedelta(days=horizon_days))
            ]
            frame = pd.DataFrame(
                {
                    "legislature": legislature,
                    "period": period,
                    "date": day,
                    "person_id": f["person_id"].to_numpy(),
                    "name": f["name"].to_numpy(),
                    "party_id": f["party_id"].to_numpy(),
                    "score": f["score"].to_numpy(),
                    "rank": f["rank"].to_numpy(),
                    "level": f["level"].to_numpy(),
                    "red_count": int((f["level"] == "red").sum()),
                    "members": len(f),
                }
            )
            frame["positive"] = frame["person_id"].isin(set(upcoming["person_id"]))
            rows.append(frame)
        panel = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
        return panel, _per_switch(panel, sw, legislature, period)
    finally:
        if own:
            st.close()


def _per_switch(
    panel: pd.DataFrame, sw: pd.DataFrame, legislature: str, period: str | None
) -> pd.DataFrame:
    out = []
    for s in sw.itertuples():
        row = {
            "name": s.name,
            "person_id": s.person_id,
            "legislature": legislature,
            "period": period,
            "from_party": s.from_party,
            "to_party": s.to_party,
            "date_from": s.event,
            "date_to": s.date_to,
            "kind": s.kind,
        }
        mine = panel[panel["person_id"] == s.person_id] if not panel.empty else panel
        for k in LEADS:
            day = s.event - dt.timedelta(days=k)
            at = mine[mine["date"] == day] if not mine.empty else mine
            sizes = panel.loc[panel["date"] == day, "red_count"] if not panel.empty else []
            row[f"level_{k}d"] = at["level"].iloc[0] if len(at) else None
            row[f"rank_{k}d"] = int(at["rank"].iloc[0]) if len(at) else None
            row[f"score_{k}d"] = float(at["score"].iloc[0]) if len(at) else None
            row[f"red_list_{k}d"] = int(sizes.iloc[0]) if len(sizes) else None
        before = mine[(mine["date"] < s.event)] if not mine.empty else mine
        reds = before[before["level"] == "red"] if len(before) else before
        first_red = reds["date"].min() if len(reds) else None
        row["first_red"] = first_red
        row["lead_days"] = (s.event - first_red).days if first_red else None
        row["red_on_last_date"] = (
            bool(len(before)) and before.sort_values("date")["level"].iloc[-1] == "red"
        )
        out.append(row)
    return pd.DataFrame(out)


def _summary(panel: pd.DataFrame, ks: tuple[int, ...] = (1, 5, 10)) -> tuple[dict, pd.DataFrame]:
    if panel.empty:
        return {"member_dates": 0}, pd.DataFrame()
    y = panel["positive"].to_numpy(bool)
    s = panel["score"].to_numpy(float)
    red = panel["level"].eq("red").to_numpy()
    summary = {
        "periods": int(panel[["legislature", "period"]].drop_duplicates().shape[0]),
        "dates": int(panel[["legislature", "period", "date"]].drop_duplicates().shape[0]),
        "member_dates": len(panel),
        "positives": int(y.sum()),
        "roc_auc": roc_auc(s, y),
        "red_share": float(red.mean()),
        "max_red_share_on_a_date": float(
            panel.groupby(["legislature", "date"])["level"]
            .apply(lambda x: (x == "red").mean())
            .max()
        ),
        "red_precision": float(y[red].mean()) if red.any() else float("nan"),
        "red_recall": float(red[y].mean()) if y.any() else float("nan"),
    }
    with_pos = panel.groupby(["legislature", "date"]).filter(lambda g: g["positive"].any())
    for k in ks:
        if with_pos.empty:
            summary[f"precision_at_{k}"] = float("nan")
            continue
        per_date = with_pos.groupby(["legislature", "date"]).apply(
            lambda g, k=k: g.nsmallest(k, "rank")["positive"].mean(), include_groups=False
        )
        summary[f"precision_at_{k}"] = float(per_date.mean())
    bins = [0, 0.5, 0.65, 0.8, 0.9, 1.0000001]
    labels = ["0-0.5", "0.5-0.65", "0.65-0.8", "0.8-0.9", "0.9-1"]
    cut = pd.cut(panel["score"], bins=bins, labels=labels, right=False)
    cal = (
        panel.groupby(cut, observed=False)
        .agg(
            member_dates=("positive", "size"),
            positives=("positive", "sum"),
            mean_score=("score", "mean"),
        )
        .reset_index()
        .rename(columns={"score": "score_bin"})
    )
    cal["switch_rate"] = cal["positives"] / cal["member_dates"].where(cal["member_dates"] > 0)
    by_level = (
        panel.groupby("level")
        .agg(member_dates=("positive", "size"), positives=("positive", "sum"))
        .reset_index()
    )
    summary["by_level"] = {
        r.level: {
            "member_dates": int(r.member_dates),
            "positives": int(r.positives),
            "switch_rate": float(r.positives / r.member_dates),
        }
        for r in by_level.itertuples()
    }
    return summary, cal


def backtest(
    store: Store,
    *,
    legislature: str | None = None,
    config: RiskConfig | None = None,
    step_days: int = 30,
    horizon_days: int = 180,
    only_with_switches: bool = False,
    workers: int = 1,
    progress: Callable[[float, int], None] | None = None,
) -> BacktestResult:
    """Backtest the flags on every legislative period with dated roll calls.

    ``workers > 1`` runs periods in that many processes
    (:func:`floorwatch.store.engine.map_units`; a store file must be opened read-only).
    ``progress(advance, total)`` reports progress in periods (fractions while a
    period runs in this process).
    """
    at_least_one(step_days=step_days, horizon_days=horizon_days, workers=workers)
    units = periods(store)
    if legislature:
        units = units[units["legislature"] == legislature]
    if only_with_switches:
        sw = find_switches(store)
        keep = []
        for u in units.itertuples():
            d = pd.to_datetime(sw["date_from"]).dt.date
            keep.append(
                bool(
                    (
                        (sw["legislature"] == u.legislature)
                        & (d >= pd.Timestamp(u.first).date())
                        & (d <= pd.Timestamp(u.last).date())
                    ).any()
                )
            )
        units = units[keep]
    kwargs = dict(config=config, step_days=step_days, horizon_days=horizon_days)
    if workers > 1 and len(units) > 1:
        tasks = [(store, (u.legislature, u.period)) for u in units.itertuples()]
        tick = None if progress is None else (lambda done, total: progress(1.0, total))
        one = functools.partial(backtest_period, **kwargs)
        results = map_units(one, tasks, workers=workers, progress=tick)
    else:
        step = None if progress is None else (lambda share: progress(share, len(units)))
        results = [
            backtest_period(store, u.legislature, u.period, on_date=step, **kwargs)
            for u in units.itertuples()
        ]
    panels = [p for p, _ in results if not p.empty]
    sws = [s for _, s in results if not s.empty]
    panel = pd.concat(panels, ignore_index=True) if panels else pd.DataFrame()
    switches = pd.concat(sws, ignore_index=True) if sws else pd.DataFrame()
    summary, cal = _summary(panel)
    if not switches.empty:
        summary["switches"] = len(switches)
        summary["red_before_switch"] = int(switches["first_red"].notna().sum())
        leads = switches["lead_days"].dropna()
        summary["median_lead_days"] = float(leads.median()) if len(leads) else math.nan
    return BacktestResult(switches=switches, panel=panel, summary=summary, calibration=cal)


def first_red_dates(result: BacktestResult) -> pd.DataFrame:
    """Per member: the first backtest date on which they were red (``person_id``,
    ``first_red_date``), the input :func:`floorwatch.claims.compare_with_flags` takes."""
    panel = result.panel
    if panel.empty:
        return pd.DataFrame({"person_id": [], "first_red_date": []})
    red = panel[panel["level"] == "red"]
    out = red.groupby("person_id", as_index=False)["date"].min()
    return out.rename(columns={"date": "first_red_date"})
