"""The early-warning harness: how early and how precisely each model warns of real switches,
scored on legislatures it was not fitted on.

For every legislative period with dated roll calls, member-dates are taken every ``step_days``
(30) from 30 days into the period, plus 30, 60 and 90 days before every switch; their
features come from :func:`floorwatch.risk.features.period_features` (vectorised, records up to
the date only, the party as it was at each vote). A member-date is *positive* when the member
switches (the last day under the old party, :func:`floorwatch.memberships.switches`) within
``horizon_days`` (180) after it.

Methods scored side by side (each a score per member-date; higher = more at risk):

``model``
    the fitted hazard model (:mod:`floorwatch.risk.model`), leave-one-legislature-out: the
    model scoring a legislature was fitted on the others only.
``hand_weighted``
    today's default model (:func:`floorwatch.risk.score.score_members`: within-party
    percentiles, hand weights, its own red/amber rule) on the harness's signals.
``rebellion``
    Public Whip's rebellion rate (votes against the own party's majority / votes).
``cw_defection``
    consensus-weighted defection.
``moderation``
    first-dimension moderation towards the nearest other group (Shor).

Measures, per legislature and pooled: recall of switchers 30/60/90 days ahead with the red list
at most ``red_share`` (5%) of the members on the date (the method's top 5%; today's model: its
own red level, itself capped at 5%); ROC AUC over member-dates; precision at 5 and 10 (dates
with an upcoming switch); the median lead time of the first red in the 180 days before a
switch; and, for a probability (the baselines' scores mapped to one by a logistic fit on the
other legislatures, the same leave-one-out), the Brier score and a calibration table.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from floorwatch.dates import every
from floorwatch.memberships import switches as find_switches
from floorwatch.risk import model as hazard
from floorwatch.risk.backtest import periods, roc_auc
from floorwatch.risk.config import RiskConfig
from floorwatch.risk.features import PeriodRecord, period_features
from floorwatch.risk.fitted import _tie_cut
from floorwatch.store import Store, open_store
from floorwatch.store.engine import map_units

__all__ = [
    "LEADS", "METHODS", "Evaluation", "build_panel", "evaluate", "metrics", "period_panel",
]  # fmt: skip

LEADS = (30, 60, 90)
METHODS = ("model", "hand_weighted", "rebellion", "cw_defection", "moderation")
CAL_BINS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0000001)


@dataclass
class Evaluation:
    """What the harness found: ``table`` (one row per legislature and method, plus
    ``pooled``), ``switches`` (one row per switch and method), ``calibration`` (per method,
    pooled), the scored ``panel``, ``seconds`` and the ``models`` fitted per held-out
    legislature."""

    table: pd.DataFrame
    switches: pd.DataFrame
    calibration: pd.DataFrame
    panel: pd.DataFrame
    seconds: float = 0.0
    models: dict = field(default_factory=dict)
    signals: pd.DataFrame = field(default_factory=pd.DataFrame)


def build_panel(
    store: Store,
    *,
    unit: str | None = None,
    step_days: int = 30,
    horizon_days: int = 180,
    recent_days: int = 90,
    start_days: int = 30,
    no_party: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, switches) of every period with dated roll calls in ``store``; ``unit`` names
    the legislature for the leave-one-out split (default: the legislature id). Moves to or
    from a label of ``no_party`` (Brazil's ``S.Part.``) are not switches."""
    one = functools.partial(
        period_panel, unit=unit, step_days=step_days, horizon_days=horizon_days,
        recent_days=recent_days, start_days=start_days, no_party=tuple(no_party),
    )  # fmt: skip
    return _stack([one(store, u.legislature, u.period) for u in _periods(store)])


def _periods(store: Store) -> list:
    return list(periods(store).itertuples())


def _stack(parts: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    panels = [p for p, _ in parts if p is not None]
    sws = [s for p, s in parts if p is not None]
    panel = pd.concat(panels, ignore_index=True) if panels else pd.DataFrame()
    switches = pd.concat(sws, ignore_index=True) if sws else pd.DataFrame()
    return panel, switches


def period_panel(
    store: Store,
    legislature: str,
    period: str | None,
    unit: str | None = None,
    step_days: int = 30,
    horizon_days: int = 180,
    recent_days: int = 90,
    start_days: int = 30,
    no_party: tuple[str, ...] = (),
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(panel, switches) of one legislative period, a unit of work of the harness
    (:func:`floorwatch.store.engine.map_units`); (None, None) when it has no member-dates."""
    rec = PeriodRecord(store, legislature, period)
    if not len(rec.dates):
        return None, None
    first, last = rec.first, rec.last
    sw = find_switches(store, legislature=legislature)
    ev = pd.to_datetime(sw["date_from"]).dt.date
    keep = (ev >= first) & (ev <= last)
    keep &= ~sw["from_party"].isin(no_party) & ~sw["to_party"].isin(no_party)
    sw = sw[keep].copy()
    sw["event"] = pd.to_datetime(sw["date_from"]).dt.date
    extra = [e - dt.timedelta(days=k) for e in sw["event"] for k in LEADS]
    grid = every(first + dt.timedelta(days=start_days), last, step_days)
    days = sorted(set(grid) | {e for e in extra if first < e <= last})
    p = period_features(rec, days, recent_days=recent_days, ideal_days=set(grid))
    if p.empty:
        return None, None
    p["on_grid"] = p["date"].isin(set(grid))
    # Positive: the member's next switch falls within the horizon after the date.
    nxt = np.full(len(p), np.nan)
    by_person = sw.groupby("person_id")["event"].apply(sorted).to_dict()
    dates = p["date"].to_numpy()
    for k, (pid, day) in enumerate(zip(p["person_id"].to_numpy(), dates, strict=True)):
        events = by_person.get(pid)
        if events:
            later = [(e - day).days for e in events if e > day]
            if later:
                nxt[k] = later[0]
    p["days_to_switch"] = nxt
    p["positive"] = p["days_to_switch"] <= horizon_days
    p["unit"] = unit or legislature
    sw["unit"] = unit or legislature
    sw["period"] = period
    return p, sw


_HW_SIGNALS = {
    "moderation": "moderation",
    "disloyalty": "defection",
    "recent_disloyalty": "defection_recent",
    "loyalty_drop": None,  # recent minus term defection
    "other_agreement": "nearest_agreement",
    "agreement_rise": "agreement_rise",
    "absence": "absence",
}


def hand_weighted(
    panel: pd.DataFrame, config: RiskConfig | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Today's default model on every date of ``panel`` at once: (score, red). The same rule as
    :func:`floorwatch.risk.score.score_members` (within-party percentiles of the signals,
    parties under ``min_party_size`` against the whole chamber, the weighted mean of the
    signals with data, red = score >= ``red_threshold`` among the top ``max_red_share`` of
    each party, small parties pooled), vectorised over dates; signals the harness does not
    compute (drift, streaks, whips, claims) drop out as they do where there are no data."""
    cfg = config or RiskConfig()
    keys = ["unit", "legislature", "period", "date"]
    day = panel.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    n_votes = panel["n_votes"].fillna(0).to_numpy(dtype=float)
    enough = n_votes >= cfg.min_votes
    party = pd.Series(panel["party_id"].fillna("").to_numpy(), dtype=object)
    size = pd.Series(day).groupby([day, party.to_numpy()]).transform("size").to_numpy()
    grp = np.where(size >= cfg.min_party_size, party.to_numpy(), "\x00all")
    num, den = np.zeros(len(panel)), np.zeros(len(panel))
    for sig, col in _HW_SIGNALS.items():
        w = cfg.weights.get(sig, 0.0)
        if w <= 0:
            continue
        if col is None:
            v = (panel["defection_recent"] - panel["defection"]).to_numpy(dtype=float)
        else:
            v = panel[col].to_numpy(dtype=float)
        frame = pd.DataFrame({"v": v, "day": day, "grp": grp})
        # Small parties are compared with the whole chamber on the day.
        pct = np.full(len(v), np.nan)
        for keys_, mask in (
            (["day", "grp"], grp != "\x00all"),
            (["day"], np.ones(len(v), bool)),
        ):
            sub = frame[mask & ~np.isnan(v)]
            g = sub.groupby(keys_)["v"]
            below = g.rank(method="min") - 1
            n = g.transform("size")
            spread = g.transform("max") - g.transform("min")
            share = np.where((n > 1) & (spread > 0), below / (n - 1).clip(lower=1), np.nan)
            target = sub.index.to_numpy()
            if keys_ == ["day"]:
                keep = grp[target] == "\x00all"
                pct[target[keep]] = share[keep]
            else:
                pct[target] = share
        has = ~np.isnan(pct)
        num += np.where(has, pct * w, 0.0)
        den += np.where(has, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, num / den, np.nan)
    score = np.where(enough, score, np.nan)
    scored = ~np.isnan(score)
    # Red places per party: parties with fewer than 1 / max_red_share scored members pooled.
    need = math.ceil(1 / cfg.max_red_share - 1e-9)
    frame = pd.DataFrame({"day": day, "party": party.to_numpy(), "s": score, "ok": scored})
    n_party = frame.groupby(["day", "party"])["ok"].transform("sum").to_numpy()
    pool = np.where(n_party >= need, party.to_numpy(), "\x00small")
    frame["pool"] = pool
    n_day = frame.groupby("day")["ok"].transform("sum").to_numpy()
    sub = frame[scored]
    rank = sub.groupby(["day", "pool"])["s"].rank(method="first", ascending=False)
    n_pool = sub.groupby(["day", "pool"])["s"].transform("size")
    places = np.floor(cfg.max_red_share * n_pool + 1e-9).to_numpy()
    small_body = n_day[sub.index.to_numpy()] < need
    places = np.where(small_body, np.maximum(places, 1), places)
    if cfg.red_count is not None:
        places = np.full(len(places), cfg.red_count)
    red = np.zeros(len(panel), bool)
    idx = sub.index.to_numpy()
    red[idx] = (rank.to_numpy() <= places) & (sub["s"].to_numpy() >= cfg.red_threshold)
    return score, red


def _top_share(panel: pd.DataFrame, score: np.ndarray, share: float) -> np.ndarray:
    """Red: the top ``share`` of the members on each date by ``score`` (NaN never red; members
    tied with the first one left out are left out too)."""
    red = np.zeros(len(panel), dtype=bool)
    keys = ["unit", "legislature", "period", "date"]
    for _, idx in panel.groupby(keys, dropna=False).indices.items():
        s = score[idx]
        places = math.floor(share * len(idx) + 1e-9)
        ok = np.flatnonzero(~np.isnan(s))
        if places <= 0 or not len(ok):
            continue
        ranked = ok[np.argsort(-s[ok], kind="stable")]
        top = ranked[: _tie_cut(s[ranked], places)]
        red[idx[top]] = True
    return red


def _calibrate(train_s, train_y, test_s) -> np.ndarray:
    """A score mapped to a probability by a one-feature logistic fit on the training part."""
    from sklearn.linear_model import LogisticRegression

    def prep(s):
        s = np.asarray(s, dtype=float)
        return np.nan_to_num(s, nan=np.nanmin(train_s) if np.any(~np.isnan(train_s)) else 0.0)

    x = prep(train_s)
    mu, sd = x.mean(), x.std() or 1.0
    lr = LogisticRegression(C=1.0, max_iter=1000)
    lr.fit(((x - mu) / sd)[:, None], train_y)
    return lr.predict_proba(((prep(test_s) - mu) / sd)[:, None])[:, 1]


def _fill_low(s: np.ndarray) -> np.ndarray:
    s = np.asarray(s, dtype=float)
    low = np.nanmin(s) - 1 if np.any(~np.isnan(s)) else 0.0
    return np.where(np.isnan(s), low, s)


def metrics(
    panel: pd.DataFrame,
    switches: pd.DataFrame,
    score: np.ndarray,
    red: np.ndarray,
    prob: np.ndarray | None,
    *,
    horizon_days: int = 180,
) -> tuple[dict, pd.DataFrame]:
    """Measures of one method on ``panel`` (and per-switch rows)."""
    grid = panel["on_grid"].to_numpy(dtype=bool)
    y = panel["positive"].to_numpy(dtype=bool)
    s = _fill_low(score)
    yg, sg, rg = y[grid], s[grid], red[grid]
    out: dict = {
        "member_dates": int(grid.sum()),
        "positives": int(yg.sum()),
        "switches": len(switches),
        "roc_auc": roc_auc(sg, yg),
        "red_share": float(rg.mean()) if len(rg) else math.nan,
        "red_precision": float(yg[rg].mean()) if rg.any() else math.nan,
    }
    # Per switch: red 30/60/90 days before, first red in the horizon before.
    movers = panel["person_id"].isin(set(switches["person_id"])).to_numpy()
    keyed = panel.loc[movers, ["person_id", "date"]].assign(_red=red[movers])
    look = {
        (pid, d): r
        for pid, d, r in zip(keyed["person_id"], keyed["date"], keyed["_red"], strict=True)
    }
    per_person = keyed[keyed["_red"]].groupby("person_id")["date"].apply(sorted).to_dict()
    rows = []
    for sw in switches.itertuples():
        row = {"unit": sw.unit, "person_id": sw.person_id, "name": sw.name, "event": sw.event,
               "from_party": sw.from_party, "to_party": sw.to_party}  # fmt: skip
        for k in LEADS:
            row[f"red_{k}d"] = look.get((sw.person_id, sw.event - dt.timedelta(days=k)))
        reds = [
            d for d in per_person.get(sw.person_id, [])
            if sw.event - dt.timedelta(days=horizon_days) <= d < sw.event
        ]  # fmt: skip
        row["lead_days"] = (sw.event - reds[0]).days if reds else None
        rows.append(row)
    per = pd.DataFrame(rows)
    for k in LEADS:
        col = per[f"red_{k}d"] if len(per) else pd.Series(dtype=object)
        known = col.dropna()
        out[f"recall_{k}d"] = float(known.astype(bool).mean()) if len(known) else math.nan
        out[f"n_{k}d"] = len(known)
    leads = per["lead_days"].dropna() if len(per) else pd.Series(dtype=float)
    out["warned"] = len(leads)
    out["median_lead_days"] = float(leads.median()) if len(leads) else math.nan
    keys = ["unit", "legislature", "period", "date"]
    on_grid = panel[grid]
    y, s = yg, sg
    for k in (5, 10):
        hits = []
        for _, idx in on_grid.groupby(keys, dropna=False).indices.items():
            if not y[idx].any():
                continue
            top = idx[np.argsort(-s[idx], kind="stable")[:k]]
            hits.append(y[top].mean())
        out[f"precision_at_{k}"] = float(np.mean(hits)) if hits else math.nan
    if prob is not None:
        prob = prob[grid]
        out["brier"] = float(np.mean((prob - y) ** 2))
        out["brier_base"] = float(np.mean((y.mean() - y) ** 2)) if len(y) else math.nan
    return out, per


def _calibration_table(prob: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    cut = pd.cut(prob, bins=list(CAL_BINS), right=False)
    frame = pd.DataFrame({"bin": cut, "p": prob, "y": y})
    cal = frame.groupby("bin", observed=False).agg(
        member_dates=("y", "size"), mean_p=("p", "mean"), positives=("y", "sum")
    )
    cal["observed"] = cal["positives"] / cal["member_dates"].where(cal["member_dates"] > 0)
    cal = cal.reset_index()
    cal["bin"] = cal["bin"].astype(str)
    return cal


def single_signal_auc(panel: pd.DataFrame) -> pd.DataFrame:
    """ROC AUC of each raw feature and model feature alone, per legislature (higher = riskier)."""
    X = hazard.design(panel)
    cols = {f"feature:{c}": X[c].to_numpy() for c in X.columns}
    rows = []
    grid = panel["on_grid"].to_numpy(bool)
    for unit, idx in panel.groupby("unit").indices.items():
        idx = idx[grid[idx]]
        y = panel["positive"].to_numpy(bool)[idx]
        row = {"unit": unit}
        for name, v in cols.items():
            row[name] = roc_auc(_fill_low(v[idx]), y)
        rows.append(row)
    return pd.DataFrame(rows)


def evaluate(
    stores: dict[str, Store | str | Path],
    *,
    step_days: int = 30,
    horizon_days: int = 180,
    red_share: float = 0.05,
    C: float = 0.1,
    config: RiskConfig | None = None,
    no_party: tuple[str, ...] = (),
    features: list[str] | None = None,
    weighting: str = "units",
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Run the harness over ``stores`` (unit name -> store or path: each is one legislature of
    the leave-one-out split). Every legislative period of every store is an independent unit
    of work: ``workers > 1`` builds them in that many processes
    (:func:`floorwatch.store.engine.map_units`; a store given open must be read-only), with
    the same result as one process."""
    t0 = time.perf_counter()
    opened: list[Store] = []
    panels, sws = [], []
    try:
        tasks, names = [], []
        for unit, st in stores.items():
            if isinstance(st, Store):
                store = st
            else:
                store = open_store(st, read_only=True)
                opened.append(store)
            for u in _periods(store):
                tasks.append((store, (u.legislature, u.period, unit)))
                names.append(unit)

        def tick(done: int, total: int) -> None:
            if progress:
                progress(f"{done}/{total} legislative periods ({time.perf_counter() - t0:.0f} s)")

        one = functools.partial(
            period_panel, step_days=step_days, horizon_days=horizon_days, no_party=tuple(no_party)
        )
        parts = map_units(one, tasks, workers=workers, progress=tick)
    finally:
        for store in opened:
            store.close()
    for unit in stores:
        p, s = _stack([part for part, name in zip(parts, names, strict=True) if name == unit])
        if progress:
            progress(f"{unit}: {len(p)} member-dates, {len(s)} switches")
        if not p.empty:
            panels.append(p)
            sws.append(s)
    if not panels:
        raise ValueError("no period with dated roll calls and members")
    panel = pd.concat(panels, ignore_index=True)
    switches = pd.concat(sws, ignore_index=True)
    ev = evaluate_panel(
        panel, switches, horizon_days=horizon_days, red_share=red_share, C=C, config=config,
        features=features, weighting=weighting,
    )  # fmt: skip
    ev.seconds = time.perf_counter() - t0
    return ev


def evaluate_panel(
    panel: pd.DataFrame,
    switches: pd.DataFrame,
    *,
    horizon_days: int = 180,
    red_share: float = 0.05,
    C: float = 0.1,
    config: RiskConfig | None = None,
    features: list[str] | None = None,
    weighting: str = "units",
) -> Evaluation:
    """The harness's scoring over a built panel (:func:`build_panel` of every unit)."""
    t0 = time.perf_counter()
    panel = panel.reset_index(drop=True)
    units = list(dict.fromkeys(panel["unit"]))
    y = panel["positive"].to_numpy(bool)
    grid = panel["on_grid"].to_numpy(bool)
    scores = {
        "rebellion": panel["defection"].to_numpy(float),
        "cw_defection": panel["cw_defection"].to_numpy(float),
        "moderation": panel["moderation"].to_numpy(float),
    }
    hw_score, hw_red = hand_weighted(panel, config)
    scores["hand_weighted"] = hw_score
    # Leave one legislature out: the model and every calibration scoring a unit are fitted on
    # the other units.
    model_p = np.full(len(panel), np.nan)
    probs = {m: np.full(len(panel), np.nan) for m in METHODS}
    models = {}
    unit_of = panel["unit"].to_numpy()
    for u in units:
        test = unit_of == u
        train = ~test & grid  # fitted on the regular grid: every 30 days, no extra dates
        if y[train].sum() == 0:
            continue
        fitted = hazard.fit(
            panel[train], C=C, features=features, weighting=weighting,
            manifest={"units": [x for x in units if x != u]},
        )  # fmt: skip
        models[u] = fitted
        model_p[test] = hazard.predict(fitted, panel[test])
        for m, s in scores.items():
            probs[m][test] = _calibrate(s[train], y[train], s[test])
    scores["model"] = model_p
    probs["model"] = model_p
    reds = {m: _top_share(panel, scores[m], red_share) for m in METHODS if m != "hand_weighted"}
    reds["hand_weighted"] = hw_red
    rows, per_rows, cals = [], [], []
    for scope in [*units, "pooled"]:
        mask = np.ones(len(panel), bool) if scope == "pooled" else unit_of == scope
        sub = panel[mask]
        sw_sub = switches if scope == "pooled" else switches[switches["unit"] == scope]
        for m in METHODS:
            pm = probs[m][mask]
            ok = not np.isnan(pm).any()
            res, per = metrics(
                sub, sw_sub, scores[m][mask], reds[m][mask], pm if ok else None,
                horizon_days=horizon_days,
            )  # fmt: skip
            rows.append({"legislature": scope, "method": m, **res})
            if scope == "pooled":
                per["method"] = m
                per_rows.append(per)
                if ok:
                    cal = _calibration_table(pm[grid], y[grid])
                    cal.insert(0, "method", m)
                    cals.append(cal)
    for m in METHODS:
        panel[f"score_{m}"] = scores[m]
        panel[f"red_{m}"] = reds[m]
        panel[f"p_{m}"] = probs[m]
    return Evaluation(
        table=pd.DataFrame(rows),
        switches=pd.concat(per_rows, ignore_index=True),
        calibration=pd.concat(cals, ignore_index=True) if cals else pd.DataFrame(),
        panel=panel,
        seconds=time.perf_counter() - t0,
        models=models,
        signals=single_signal_auc(panel),
    )
