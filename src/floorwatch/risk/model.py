"""The fitted early-warning model: P(member leaves their party or group within 180 days | record
to date), a discrete-time hazard over member-dates.

A regularised logistic regression (scikit-learn) on the standardised features of
:func:`design`, from the member-date features of :mod:`floorwatch.risk.features`. The fitted
model is a small JSON file (coefficients, the scaler, the training manifest), never a pickle:
:func:`save` / :func:`load`; the package ships one (``risk/models/hazard-v1.json``), fitted on
the development data (docs/risk.md), and ``floorwatch risk fit`` refits it on a user's stores.

Each probability is explained by the contributions of its features: coefficient times the
standardised value, in log-odds against the average training member-date
(:func:`contributions`).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from floorwatch.errors import ConfigError
from floorwatch.risk.config import read_file

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "MODEL_VERSION",
    "contributions",
    "default_model",
    "design",
    "fit",
    "load",
    "predict",
    "save",
]

MODEL_VERSION = 1
#: Pseudo-votes of shrinkage towards the legislature's mean on the day (few votes, little said).
PRIOR_VOTES = 10.0

#: Model features: name -> what it is (docs/risk.md).
FEATURES = {
    "cw_defection": "consensus-weighted defection this term (log, shrunk to the chamber mean)",
    "cw_defection_recent": "consensus-weighted defection in the recent window (log, shrunk)",
    "cw_defection_rank": "percentile of consensus-weighted defection in the chamber on the day",
    "cw_defection_party_rank": "percentile of consensus-weighted defection within the party",
    "defection": "share of votes against the own party's majority this term (log, shrunk)",
    "gap": "agreement with the nearest other group minus agreement with the own party",
    "agreement_rise": "change of agreement with the nearest other group, recent window",
    "cohesion": "the own party's mean share voting its majority way this term",
    "group_size": "members of the own party or group (log)",
    "small_group": "the own group has fewer than 5 members (independents, groups of one)",
    "term_years": "years into the legislative period",
    "absence": "share of roll calls missed, recent window",
    "distance": "distance of the first-dimension position from the party median (party SDs)",
    "moderation": "position towards the nearest other group, from the party median (party SDs)",
    "votes": "yea/nay votes under the current party this term (log)",
}


#: The features of the shipped model, chosen by the leave-one-legislature-out harness
#: (docs/risk.md): the scale-free ones. Raw rates, vote counts and absences differ between
#: chambers in how they are recorded (the EP lists no absences; chambers differ tenfold in roll
#: calls), and adding them made the model worse on the legislatures it had not seen.
DEFAULT_FEATURES = (
    "cw_defection_rank",
    "cw_defection_party_rank",
    "gap",
    "cohesion",
    "group_size",
    "small_group",
    "term_years",
)


def _shrunk(rate: pd.Series, n: pd.Series, by: list[pd.Series]) -> pd.Series:
    """Rates with PRIOR_VOTES pseudo-votes at the vote-weighted mean of their group."""
    r = rate.fillna(0.0)
    total = (r * n).groupby(by).transform("sum")
    votes = n.groupby(by).transform("sum")
    mean = (total / votes.where(votes > 0)).fillna(0.0)
    return (r * n + PRIOR_VOTES * mean) / (n + PRIOR_VOTES)


def design(panel: pd.DataFrame) -> pd.DataFrame:
    """The model's features (columns :data:`FEATURES`) of each member-date of ``panel``.

    Every feature of a member-date is computed from that date's rows only (the chamber's and
    party's record up to the date), so no feature reads the future.
    """
    day = [panel["legislature"], panel["period"].fillna(""), panel["date"]]
    party = [*day, panel["party_id"].fillna("")]
    n = panel["n_votes"].fillna(0.0)
    nr = panel["recent_votes"].fillna(0.0)
    cw = _shrunk(panel["cw_defection"], n, day)
    cwr = _shrunk(panel["cw_defection_recent"], nr, day)
    de = _shrunk(panel["defection"], n, day)
    size = panel["group_size"].fillna(1.0).clip(lower=1.0)
    out = pd.DataFrame(index=panel.index)
    out["cw_defection"] = np.log(cw + 0.01)
    out["cw_defection_recent"] = np.log(cwr + 0.01)
    out["cw_defection_rank"] = cw.groupby(day).rank(pct=True)
    party_rank = cw.groupby(party).rank(pct=True)
    out["cw_defection_party_rank"] = party_rank.where(size >= 5, out["cw_defection_rank"])
    out["defection"] = np.log(de + 0.01)
    out["gap"] = panel["gap"].fillna(-1.0).clip(-1, 1)
    out["agreement_rise"] = panel["agreement_rise"].fillna(0.0).clip(-1, 1)
    out["cohesion"] = panel["cohesion"].fillna(1.0)
    out["group_size"] = np.log(size)
    out["small_group"] = (size < 5).astype(float)
    out["term_years"] = (panel["term_days"].fillna(0.0) / 365.25).clip(0, 6)
    out["absence"] = panel["absence"].fillna(0.0)
    out["distance"] = panel["distance"].fillna(0.0).clip(0, 5)
    out["moderation"] = panel["moderation"].fillna(0.0).clip(-5, 5)
    out["votes"] = np.log1p(n)
    return out[list(FEATURES)]


def fit(
    panel: pd.DataFrame,
    *,
    features: list[str] | None = None,
    C: float = 0.1,
    weighting: str = "units",
    manifest: dict | None = None,
) -> dict:
    """Fit the hazard model on a labelled panel (column ``positive``); returns the JSON-ready
    model. ``weighting="units"`` gives every legislature (column ``unit``, else
    ``legislature``) the same total weight, so that one big chamber does not make the model
    its own; ``"none"`` weighs every member-date alike."""
    from sklearn.linear_model import LogisticRegression

    names = list(features or DEFAULT_FEATURES)
    X = design(panel)[names].to_numpy(dtype=float)
    y = panel["positive"].to_numpy(dtype=bool)
    if y.sum() == 0 or y.all():
        raise ConfigError(
            "cannot fit the risk model: the training data need both switchers and stayers"
        )
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    Z = (X - mean) / sd
    weight = None
    if weighting == "units":
        unit = panel["unit"] if "unit" in panel else panel["legislature"]
        counts = unit.map(unit.value_counts()).to_numpy(dtype=float)
        weight = len(y) / (counts * unit.nunique())
    lr = LogisticRegression(C=C, max_iter=2000)
    with warnings.catch_warnings():  # a slow convergence is no message for the user
        warnings.simplefilter("ignore")
        lr.fit(Z, y, sample_weight=weight)
    return {
        "kind": "floorwatch-risk-hazard",
        "version": MODEL_VERSION,
        "horizon_days": 180,
        "features": names,
        "mean": [float(v) for v in mean],
        "scale": [float(v) for v in sd],
        "coef": [float(v) for v in lr.coef_[0]],
        "intercept": float(lr.intercept_[0]),
        "regularisation": {"penalty": "l2", "C": C},
        "weighting": weighting,
        "prior_votes": PRIOR_VOTES,
        "manifest": {
            "fitted": dt.date.today().isoformat(),
            "member_dates": int(len(y)),
            "positives": int(y.sum()),
            **(manifest or {}),
        },
    }


def _z(model: dict, panel: pd.DataFrame) -> np.ndarray:
    X = design(panel)[model["features"]].to_numpy(dtype=float)
    return (X - np.asarray(model["mean"])) / np.asarray(model["scale"])


def predict(model: dict, panel: pd.DataFrame) -> np.ndarray:
    """P(leaves the party within the horizon) of each member-date."""
    eta = _z(model, panel) @ np.asarray(model["coef"]) + model["intercept"]
    return 1 / (1 + np.exp(-eta))


def contributions(model: dict, panel: pd.DataFrame) -> pd.DataFrame:
    """Per member-date and feature: coefficient x standardised value (log-odds against the
    average training member-date)."""
    return pd.DataFrame(
        _z(model, panel) * np.asarray(model["coef"])[None, :],
        columns=model["features"],
        index=panel.index,
    )


def save(model: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load(path: str | Path) -> dict:
    p = Path(path)
    model = read_file(
        p, "risk model", json.loads, json.JSONDecodeError, "not a risk model, bad JSON"
    )
    if model.get("kind") != "floorwatch-risk-hazard" or model.get("version") != MODEL_VERSION:
        raise ConfigError(
            f"{p}: not a floorwatch risk model of version {MODEL_VERSION} "
            f"(kind {model.get('kind')!r}, version {model.get('version')!r})"
        )
    unknown = set(model["features"]) - set(FEATURES)
    if unknown:
        raise ConfigError(f"{p}: unknown feature(s) {', '.join(sorted(unknown))}")
    return model


def default_model() -> dict:
    """The model shipped in the package (``floorwatch/risk/models/hazard-v1.json``)."""
    text = resources.files("floorwatch.risk").joinpath("models/hazard-v1.json").read_text("utf-8")
    return json.loads(text)
