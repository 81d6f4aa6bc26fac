"""The early-warning harness and the fitted model on real switches (Jeffords 2001, Specter
2009; the shared development data in the ``shared`` test)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import floorwatch
from floorwatch.risk import model as hazard
from floorwatch.risk.evaluate import METHODS, build_panel, evaluate
from floorwatch.risk.features import PeriodRecord, period_features
from realdata import vv_senate

JEFFORDS_R, JEFFORDS_I = 14240, 94240  # Voteview icpsr: Republican row, Independent row
JEFFORDS_EVENT = dt.date(2001, 5, 26)  # his last vote as a Republican


def _raw(congress: int):
    members, rollcalls, votes = (pd.read_csv(p) for p in vv_senate(congress))
    members = members[members.chamber == "Senate"]
    votes = votes.merge(members[["icpsr", "party_code"]], on="icpsr")
    votes = votes.merge(rollcalls[["rollnumber", "date"]], on="rollnumber")
    votes["date"] = pd.to_datetime(votes["date"]).dt.date
    votes["y"] = np.where(
        votes.cast_code.between(1, 3), 1.0, np.where(votes.cast_code.between(4, 6), 0.0, np.nan)
    )
    return members, votes


def _person(store, icpsr: int) -> str:
    return store.scalar(
        "SELECT person_id FROM identifier WHERE scheme = 'icpsr' AND identifier = ?", [str(icpsr)]
    )


def test_panel_marks_the_run_up_to_jeffords_switch(s107_store):
    panel, switches = build_panel(s107_store)
    assert len(switches) == 1
    assert switches["event"].iloc[0] == JEFFORDS_EVENT
    jeffords = switches["person_id"].iloc[0]
    pos = panel[panel.positive]
    assert set(pos.person_id) == {jeffords}
    mine = panel[panel.person_id == jeffords]
    before = mine[(mine.date < JEFFORDS_EVENT) & (mine.date >= JEFFORDS_EVENT - dt.timedelta(180))]
    assert before.positive.all() and len(before) >= 4
    # 30, 60 and 90 days before the switch are member-dates, besides the 30-day grid.
    for k in (30, 60, 90):
        assert (mine.date == JEFFORDS_EVENT - dt.timedelta(k)).any()
    # His party at each date: Republican before the switch, Independent after it.
    parties = dict(zip(mine.date, mine.party_id, strict=True))
    rep = parties[JEFFORDS_EVENT - dt.timedelta(30)]
    ind = parties[max(parties)]
    assert rep != ind
    assert "Republican" in s107_store.scalar("SELECT name FROM organization WHERE id = ?", [rep])
    assert "Independent" in s107_store.scalar("SELECT name FROM organization WHERE id = ?", [ind])


def test_features_count_only_votes_under_the_current_party(s107_store):
    """Checked against the raw Voteview files: after his switch Jeffords' record holds only
    his votes as an Independent; a Republican's defection is his share of votes against the
    Republican majority of each roll call."""
    members, votes = _raw(107)
    rec = PeriodRecord(s107_store, "us-senate", s107_store.scalar(
        "SELECT DISTINCT legislative_period_id FROM vote_event"))  # fmt: skip
    day = dt.date(2001, 9, 30)
    f = period_features(rec, [day]).set_index("person_id")
    jeffords = _person(s107_store, JEFFORDS_I)
    as_ind = votes[(votes.icpsr == JEFFORDS_I) & (votes.date <= day) & votes.y.notna()]
    assert f.loc[jeffords, "n_votes"] == len(as_ind)
    # A Republican, by hand from the raw file.
    upto = votes[(votes.date <= day) & votes.y.notna()]
    rep = upto[upto.party_code == 200]
    share = rep.groupby("rollnumber").y.mean()
    major = share.map(lambda s: 1.0 if s > 0.5 else (0.0 if s < 0.5 else np.nan))
    mccain = members[members.bioname.str.startswith("McCAIN")].icpsr.iloc[0]
    mine = rep[rep.icpsr == mccain].assign(major=lambda d: d.rollnumber.map(major))
    mine = mine[mine.major.notna()]
    want = float((mine.y != mine.major).mean())
    assert f.loc[_person(s107_store, mccain), "defection"] == pytest.approx(want, abs=1e-12)


def test_no_peeking(s107_store, tmp_path):
    """Features as of T are the same whether or not the store holds roll calls after T."""
    as_of = dt.date(2001, 4, 24)
    m_file, r_file, v_file = vv_senate(107)
    rollcalls = pd.read_csv(r_file)
    early = rollcalls[pd.to_datetime(rollcalls.date).dt.date <= as_of]
    early.to_csv(tmp_path / "r.csv", index=False)
    votes = pd.read_csv(v_file)
    votes[votes.rollnumber.isin(early.rollnumber)].to_csv(tmp_path / "v.csv", index=False)
    members = pd.read_csv(m_file)
    members[members.icpsr != JEFFORDS_I].to_csv(tmp_path / "m.csv", index=False)
    past = floorwatch.open(tmp_path / "past.duckdb")
    floorwatch.ingest_voteview(past, tmp_path / "m.csv", tmp_path / "r.csv", tmp_path / "v.csv")

    def feats(store):
        period = store.scalar("SELECT DISTINCT legislative_period_id FROM vote_event")
        f = period_features(PeriodRecord(store, "us-senate", period), [as_of])
        return f.set_index("person_id").sort_index()

    full, only_past = feats(s107_store), feats(past)
    assert list(full.index) == list(only_past.index)
    numeric = [c for c in full.columns if full[c].dtype.kind == "f"]
    np.testing.assert_allclose(full[numeric], only_past[numeric], rtol=1e-6, atol=1e-9)
    model = hazard.default_model()
    np.testing.assert_allclose(
        hazard.predict(model, full.reset_index()), hazard.predict(model, only_past.reset_index()),
        rtol=1e-6,
    )  # fmt: skip


def test_evaluate_two_senates_leave_one_out(s107_store, s111_store, tmp_path):
    ev = evaluate({"s107": s107_store, "s111": s111_store})
    table = ev.table.set_index(["legislature", "method"])
    assert set(table.index) == {(u, m) for u in ("s107", "s111", "pooled") for m in METHODS}
    assert table.loc[("pooled", "model"), "switches"] == 2
    # The model scoring a Senate was fitted on the other only.
    assert ev.models["s107"]["manifest"]["units"] == ["s111"]
    assert ev.models["s111"]["manifest"]["units"] == ["s107"]
    for col in ("recall_30d", "recall_90d", "roc_auc", "brier"):
        assert table[col].dropna().between(0, 1).all()
    # The red list is at most 5% of the members on every date.
    panel = ev.panel
    for m in METHODS:
        share = panel.groupby(["unit", "date"])[f"red_{m}"].mean()
        assert share.max() <= 0.05 + 1e-9
    # Per-switch rows: Jeffords and Specter, both methods' levels 30 days ahead known.
    names = set(ev.switches["name"])
    assert any("JEFFORDS" in n for n in names) and any("SPECTER" in n for n in names)
    # fit / save / load / predict round trip.
    fitted = ev.models["s107"]
    hazard.save(fitted, tmp_path / "m.json")
    again = hazard.load(tmp_path / "m.json")
    p = panel[panel.unit == "s107"]
    np.testing.assert_allclose(hazard.predict(again, p), panel.loc[p.index, "p_model"])


def test_model_file_is_json_with_a_manifest():
    model = hazard.default_model()
    assert model["kind"] == "floorwatch-risk-hazard" and model["version"] == hazard.MODEL_VERSION
    assert set(model["features"]) <= set(hazard.FEATURES)
    assert len(model["coef"]) == len(model["features"]) == len(model["mean"])
    assert model["manifest"]["positives"] > 100


def test_bad_model_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "something else"}')
    with pytest.raises(floorwatch.errors.ConfigError, match="not a floorwatch risk model"):
        hazard.load(bad)


def _devstores():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "devstores.py"
    spec = importlib.util.spec_from_file_location("devstores", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.shared(
    "voteview-senate", "voteview-senate-108-and-110", "voteview-hsall", "uk-publicwhip-votematrix"
)
def test_leave_one_legislature_out_on_shared_data(shared_data, tmp_path):
    """The LOLO harness on the US Senate (five Congresses), the House 107 and the UK Commons:
    the switches SOURCE.md documents are found, each scored by a model fitted without it."""
    dev = _devstores()
    stores = dev.build(tmp_path, shared_data, only=("senate", "house", "uk"))
    ev = evaluate(stores)
    found = {(r.unit, r.name.split(",")[0].split()[-1].upper()) for r in ev.switches.itertuples()}
    assert found == {
        ("senate", "JEFFORDS"),
        ("senate", "SPECTER"),
        ("house", "GOODE"),
        ("uk", "THOMSON"),
        ("uk", "MCGARRY"),
    }
    for unit, fitted in ev.models.items():
        assert unit not in fitted["manifest"]["units"]
    pooled = ev.table[ev.table.legislature == "pooled"].set_index("method")
    assert set(pooled.index) == set(METHODS)
    assert (pooled["switches"] == 5).all()
    assert pooled["roc_auc"].between(0, 1).all()


def test_risk_fit_cli_and_flags_with_the_refitted_model(tmp_path):
    from floorwatch.cli import main
    from floorwatch.risk import RiskConfig, flags

    store = floorwatch.open(tmp_path / "s107.duckdb")
    floorwatch.ingest_voteview(store, *vv_senate(107))
    store.close()
    out = tmp_path / "mine.json"
    assert main(["risk", "fit", f"s107={tmp_path / 's107.duckdb'}", "--output", str(out)]) == 0
    model = hazard.load(out)
    assert model["manifest"]["units"]["s107"]["positives"] == model["manifest"]["positives"] > 0
    store = floorwatch.open(tmp_path / "s107.duckdb", read_only=True)
    f = flags(store, as_of="2001-05-20", config=RiskConfig(model_file=str(out)))
    store.close()
    scored = f[f.scored]
    assert scored["probability"].between(0, 1).all()
    assert (f.level == "red").sum() == int(0.05 * len(scored))
    # Nobody is unscored for a short record alone: one vote under the current party suffices.
    assert (f[~f.scored].n_votes < 1).all()


def test_evaluate_cli_without_switches_is_a_clear_error(tmp_path, capsys):
    from floorwatch.cli import main

    empty = floorwatch.open(tmp_path / "empty.duckdb")
    empty.close()
    assert main(["evaluate", str(tmp_path / "empty.duckdb")]) == 1
    assert "nothing to evaluate" in capsys.readouterr().err


def test_hand_weighted_baseline_is_score_members_date_by_date(s107_store):
    """The harness's vectorised hand-weighted baseline gives the scores and red levels that
    :func:`floorwatch.risk.score.score_members` gives on each date's signals."""
    from floorwatch.risk.config import SIGNALS, RiskConfig
    from floorwatch.risk.evaluate import hand_weighted
    from floorwatch.risk.score import score_members

    panel, _ = build_panel(s107_store, unit="s107")
    score, red = hand_weighted(panel)
    for _, idx in panel.groupby("date").indices.items():
        day = panel.iloc[idx]
        sig = pd.DataFrame(
            {"person_id": day.person_id.values, "party_id": day.party_id.values,
             "n_votes": day.n_votes.values, "n_events": 0}
        )  # fmt: skip
        for s in SIGNALS:
            sig[s] = np.nan
        sig["moderation"] = day.moderation.values
        sig["disloyalty"] = day.defection.values
        sig["recent_disloyalty"] = day.defection_recent.values
        sig["loyalty_drop"] = (day.defection_recent - day.defection).values
        sig["other_agreement"] = day.nearest_agreement.values
        sig["agreement_rise"] = day.agreement_rise.values
        sig["absence"] = day.absence.values
        want = score_members(sig, RiskConfig())
        np.testing.assert_allclose(want["score"].to_numpy(float), score[idx], equal_nan=True)
        assert ((want["level"] == "red").to_numpy() == red[idx]).all()


def test_first_weeks_of_a_term_are_scored_and_ties_stay_green(s107_store):
    """Three weeks into the 107th Senate (a dozen roll calls), the fitted model scores every
    senator who has voted, where min_votes = 20 left them all unscored; members tied at the
    edge of the red list are not split by the order of the list."""
    from floorwatch.risk import RiskConfig, flags

    f = flags(s107_store, as_of="2001-01-25")
    voted = f[f.n_votes >= 1]
    assert len(voted) > 90 and voted.scored.all()
    hand = flags(s107_store, as_of="2001-01-25", config=RiskConfig(model="hand_weighted"))
    assert not hand.scored.any()
    red, rest = f[f.level == "red"], f[f.scored & (f.level != "red")]
    if len(red):
        assert red.score.min() > rest.score.max()
    assert (f.level == "red").mean() <= 0.05


def test_evidence_after_a_switch_cites_only_votes_against_the_new_party(s111_store):
    """Specter (R -> D, his last Republican vote 2009-04-29), as of 2009-12-01: every vote his
    evidence cites was cast as a Democrat, against the majority of the Democrats voting on that
    roll call, checked against the raw Voteview file by the party code of the row that cast
    it; none of his Republican votes counts any more."""
    from floorwatch.risk import flags

    members, votes = _raw(111)
    f = flags(s111_store, as_of="2009-12-01", evidence="all")
    me = f[f.person_id == "bioguide-S000709"].iloc[0]
    assert me["party"] == "Democratic Party"
    cited = [v for e in me["evidence"] for v in e.get("votes", [])]
    assert cited, "no votes against the party cited"
    specter = set(members.loc[members.bioguide_id == "S000709", "icpsr"])
    for v in cited:
        roll = int(v["vote_event_id"].rsplit("-", 1)[1])
        on_roll = votes[votes.rollnumber == roll]
        mine = on_roll[on_roll.icpsr.isin(specter)].iloc[0]
        assert mine.party_code == 100, v  # cast under his Democratic row
        assert v["date"] > "2009-04-29"
        dems = on_roll[(on_roll.party_code == 100) & on_roll.y.notna()]
        major = "yes" if dems.y.mean() > 0.5 else "no"
        assert v["party_majority"] == major
        assert v["member_voted"] == ("yes" if mine.y == 1 else "no") != major


def test_feature_defection_is_one_minus_the_loyalty_metric(s107_store):
    """One definition per figure: the harness's vectorised defection (risk/features.py) and the
    SQL Voteview loyalty (metrics/loyalty.py) agree for every senator of one party all term."""
    from floorwatch.metrics import loyalty
    from floorwatch.risk.features import load_period, period_features

    rec = load_period(s107_store, "us-senate", "us-congress-107")
    feats = period_features(rec, [rec.last], ideal=False)
    loy = loyalty(s107_store, legislature="us-senate", as_of=rec.last)
    one_party = loy.person_id.value_counts()
    both = feats.merge(loy, on="person_id")
    both = both[both.person_id.map(one_party) == 1]
    # The metric leaves parties below its minimum size unscored (the Independents: Barkley
    # here, Jeffords being left out as a switcher); the harness scores small groups too.
    small = both[both["loyalty"].isna()]
    assert len(small) >= 1 and (small["group_size"] <= 2).all()
    both = both[both["loyalty"].notna()]
    assert len(both) >= 95
    np.testing.assert_allclose(both["defection"], 1 - both["loyalty"], atol=1e-12)
