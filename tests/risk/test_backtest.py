"""The backtest on the real S107 switch, and its summary figures checked independently."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from floorwatch.risk.backtest import backtest, roc_auc


def test_roc_auc_matches_pairwise_count():
    rng = np.random.default_rng(0)
    scores = rng.random(60).round(1)  # ties on purpose
    labels = rng.random(60) < 0.2
    pos, neg = scores[labels], scores[~labels]
    pairs = [(1.0 if p > n else 0.5 if p == n else 0.0) for p, n in itertools.product(pos, neg)]
    assert roc_auc(scores, labels) == np.mean(pairs)


def test_backtest_s107(s107_store):
    result = backtest(s107_store, step_days=30)
    sw = result.switches
    assert list(sw.name) == ["JEFFORDS, James Merrill"]
    row = sw.iloc[0]
    assert row.date_from == dt.date(2001, 5, 26)
    assert row.first_red is not None and row.first_red < dt.date(2001, 5, 24)
    assert row.lead_days == (row.date_from - row.first_red).days
    assert row.level_30d == "red"
    assert row.red_list_30d <= 5

    panel = result.panel
    # Positives: Jeffords on the dates within 180 days before his switch, nobody else.
    pos = panel[panel.positive]
    assert set(pos.person_id) == {"bioguide-J000072"}
    assert (pos.date < dt.date(2001, 5, 26)).all()
    assert ((dt.date(2001, 5, 26) - pos.date).map(lambda d: d.days) <= 180).all()
    # Summary figures recomputed here from the panel.
    s = result.summary
    assert s["member_dates"] == len(panel)
    assert s["roc_auc"] == roc_auc(panel.score.to_numpy(), panel.positive.to_numpy())
    red = panel.level == "red"
    assert s["red_share"] == red.mean()
    assert s["red_precision"] == panel[red].positive.mean()
    assert s["max_red_share_on_a_date"] <= 0.05
    dates = panel[panel.date.isin(pos.date)]
    p5 = dates.groupby("date").apply(lambda g: g.nsmallest(5, "rank").positive.mean())
    assert np.isclose(s["precision_at_5"], p5.mean())
    cal = result.calibration
    assert cal.member_dates.sum() == len(panel)
    assert cal.positives.sum() == len(pos)
