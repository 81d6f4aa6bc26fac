"""Flags on real switches, their evidence, the no-peeking guarantee, and the configuration."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import floorwatch
from floorwatch.errors import ConfigError
from floorwatch.risk import RiskConfig, Rule, flags, load_config
from floorwatch.risk.score import percentiles
from realdata import vv_senate


def _check_evidence_votes(store, real_data, congress, row):
    """Every vote the evidence cites is real: the member's cast in the raw Voteview file and
    the party's majority recomputed from the raw file agree with what the evidence says."""
    members = pd.read_csv(vv_senate(congress)[0])
    votes = pd.read_csv(vv_senate(congress)[2])
    rollcalls = pd.read_csv(vv_senate(congress)[1])
    bioguide = row["person_id"].removeprefix("bioguide-")
    icpsrs = set(members.loc[members.bioguide_id == bioguide, "icpsr"])
    cited = [v for e in row["evidence"] for v in e.get("votes", [])]
    assert cited, "the flag cites no votes"
    for v in cited:
        roll = int(v["vote_event_id"].rsplit("-", 1)[1])
        rc = rollcalls[rollcalls.rollnumber == roll].iloc[0]
        assert v["date"] == rc.date
        assert pd.Timestamp(v["date"]).date() <= row["as_of"]
        on_roll = votes[votes.rollnumber == roll].merge(members[["icpsr", "party_code"]])
        mine = on_roll[on_roll.icpsr.isin(icpsrs)].iloc[0]
        cast = (
            "yes" if mine.cast_code in (1, 2, 3) else "no" if mine.cast_code in (4, 5, 6) else "?"
        )
        if "did not vote" not in v["member_voted"]:
            assert v["member_voted"] == cast
        if "party_majority" in v:
            party = on_roll[on_roll.party_code == mine.party_code]
            yes = party.cast_code.isin([1, 2, 3]).sum()
            no = party.cast_code.isin([4, 5, 6]).sum()
            assert v["party_majority"] == ("yes" if yes > no else "no")
            assert v["member_voted"] != v["party_majority"]


@pytest.mark.parametrize(
    ("fixture", "congress", "person", "before"),
    [
        ("s107_store", 107, "bioguide-J000072", dt.date(2001, 5, 24)),  # Jeffords announced
        ("s111_store", 111, "bioguide-S000709", dt.date(2009, 4, 28)),  # Specter announced
    ],
)
def test_switcher_is_red_before_the_announcement(
    request, real_data, fixture, congress, person, before
):
    store = request.getfixturevalue(fixture)
    as_of = before - dt.timedelta(days=4)
    f = flags(store, as_of=as_of)
    me = f[f.person_id == person].iloc[0]
    assert me["level"] == "red", f[["name", "level", "score"]].head(10)
    assert (f["level"] == "red").mean() <= 0.05
    _check_evidence_votes(store, real_data, congress, me)
    # The fitted model (the default): the probability, then the features with contributions.
    assert me["evidence"][0]["signal"] == "probability"
    assert me["evidence"][0]["value"] == pytest.approx(me["score"], abs=1e-4)
    assert any("contribution" in e for e in me["evidence"][1:])


def test_no_peeking(s107_store, real_data, tmp_path):
    """Flags as of T are the same whether or not the store holds data dated after T."""
    as_of = dt.date(2001, 4, 24)
    rollcalls = pd.read_csv(vv_senate(107)[1])
    votes = pd.read_csv(vv_senate(107)[2])
    early = rollcalls[pd.to_datetime(rollcalls.date).dt.date <= as_of]
    early.to_csv(tmp_path / "r.csv", index=False)
    votes[votes.rollnumber.isin(early.rollnumber)].to_csv(tmp_path / "v.csv", index=False)
    members = pd.read_csv(vv_senate(107)[0])
    # Jeffords' Independent row has no votes before T: drop it, as if it did not exist yet.
    members[members.icpsr != 94240].to_csv(tmp_path / "m.csv", index=False)
    past = floorwatch.open(tmp_path / "past.duckdb")
    floorwatch.ingest_voteview(past, tmp_path / "m.csv", tmp_path / "r.csv", tmp_path / "v.csv")
    full = flags(s107_store, as_of=as_of).set_index("person_id").sort_index()
    only_past = flags(past, as_of=as_of).set_index("person_id").sort_index()
    assert list(full.index) == list(only_past.index)
    np.testing.assert_allclose(full["score"], only_past["score"], rtol=1e-9)
    assert (full["level"] == only_past["level"]).all()
    assert full["evidence"].tolist() == only_past["evidence"].tolist()


def test_party_filter_and_levels_are_ordered(s107_store):
    f = flags(s107_store, as_of="2001-05-20", party="R")
    assert set(f.party) == {"Republican Party"}
    scored = f[f.scored]
    assert scored.score.is_monotonic_decreasing
    red_min = scored[scored.level == "red"].score.min()
    assert scored[scored.level != "red"].score.max() <= max(red_min, 1.0)


def test_user_rule_raises_a_level(s107_store, tmp_path):
    cfg_file = tmp_path / "risk.toml"
    cfg_file.write_text(
        'red_threshold = 0.99\nred_probability = 1.0\n[[rules]]\nname = "votes against party"\n'
        'signal = "disloyalty"\nop = ">="\nvalue = 0.30\nlevel = "red"\n'
    )
    cfg = load_config(cfg_file)
    f = flags(s107_store, as_of="2001-05-20", config=cfg)
    red = f[f.level == "red"]
    assert len(red) and (red.disloyalty >= 0.30).all()
    assert (f[f.disloyalty >= 0.30].level == "red").all()
    assert all("votes against party" in r for r in red.rules)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[weights]\nnonsense = 1\n", "unknown signal"),
        ("red_threshold = 0.5\namber_threshold = 0.9\n", "amber_threshold <= red_threshold"),
        ("max_red_share = 0\n", "max_red_share"),
        ("colour = 'red'\n", "unknown setting"),
        ("[[rules]]\nsignal = 'absence'\n", "numeric value"),
        ("red_threshold = \n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words):
        load_config(path)


def test_percentiles_are_within_party_and_strict():
    signals = pd.DataFrame(
        {
            "person_id": list("abcdefg"),
            "party_id": ["P"] * 5 + ["Q"] * 2,
            **{s: [np.nan] * 7 for s in floorwatch.risk.SIGNALS},
        }
    )
    signals["disloyalty"] = [0.1, 0.2, 0.2, 0.4, 0.0, 0.3, 0.9]
    pct = percentiles(signals, RiskConfig(min_party_size=3))
    # Party P: strictly-below shares out of the 4 others; party Q (2 members, below
    # min_party_size) is compared with all 7.
    assert pct["disloyalty"].tolist() == [1 / 4, 2 / 4, 2 / 4, 4 / 4, 0.0, 4 / 6, 6 / 6]
    assert pct["absence"].isna().all()
    signals["violations"] = 0.0  # everybody equal: no information, not a 0 for all
    assert percentiles(signals, RiskConfig(min_party_size=3))["violations"].isna().all()


def test_rule_holds():
    rule = Rule("r", "absence", ">=", 0.5)
    assert rule.holds(0.5) and not rule.holds(0.49) and not rule.holds(float("nan"))


def test_matrix_signals_match_the_sql_metrics(s107_store):
    """The risk layer recomputes loyalty and agreement on the vote matrix for speed; they must
    equal the metrics layer's SQL (Voteview loyalty; agreement with the other party)."""
    from floorwatch.metrics.agreement import agreement
    from floorwatch.metrics.loyalty import loyalty

    as_of = dt.date(2001, 5, 20)
    f = flags(s107_store, as_of=as_of, evidence="none").set_index("person_id")
    common = dict(legislature="us-senate", date_from="2001-01-03", as_of=as_of)
    sql = loyalty(s107_store, **common).set_index("person_id")
    both = f.join(sql[["loyalty"]], how="inner")
    assert len(both) == 100
    np.testing.assert_allclose(1 - both["disloyalty"], both["loyalty"], atol=1e-12)
    rep = agreement(s107_store, "us-party-100", **common).set_index("person_id")
    reps = f[f.party_id == "us-party-200"].join(rep[["agreement"]], how="inner")
    assert len(reps) == 50
    np.testing.assert_allclose(reps["other_agreement"], reps["agreement"], atol=1e-12)


def test_claims_appear_as_evidence_only_once_made(tmp_path, real_data, capsys):
    from floorwatch.claims import add_claim
    from floorwatch.cli import main

    path = tmp_path / "c.duckdb"
    store = floorwatch.open(path)
    floorwatch.ingest_voteview(store, *vv_senate(107))
    cid = add_claim(
        store,
        made_on="2001-05-22",
        predicts="leaves",
        about=["bioguide-J000072"],
        organization="us-party-200",
        outlet="Example Wire",
        wording="likely",
    )
    before = flags(store, as_of="2001-05-21").set_index("person_id").loc["bioguide-J000072"]
    assert before["claims"] == 0
    assert "claims" not in [e["signal"] for e in before["evidence"]]
    after = flags(store, as_of="2001-05-23").set_index("person_id").loc["bioguide-J000072"]
    # One pending claim of an outlet with no settled claim yet: Laplace's (0 + 1) / (0 + 2).
    assert after["claims"] == 0.5
    cited = [e for e in after["evidence"] if e["signal"] == "claims"]
    assert cited and cited[0]["claims"][0]["claim_id"] == cid
    assert cited[0]["claims"][0]["outlet"] == "Example Wire"
    assert cited[0]["claims"][0]["status_as_of"] == "pending"
    store.close()
    assert main(["--db", str(path), "claims", "compare", "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    (row,) = rows
    assert row["person_id"] == "bioguide-J000072" and row["earlier"] == "flag"
    assert row["first_red_date"] < "2001-05-22" and row["switch_date"] == "2001-06-06"
