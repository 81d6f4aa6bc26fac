"""Positions per window with fixed roll-call parameters, and distances from party medians."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from floorwatch.idealpoints import (
    IdealPoints,
    block_windows,
    fit_windows,
    movement_summary,
    party_distances,
)

SPECTER_R, SPECTER_D = 14910, 94910  # Voteview icpsr codes before and after 2009-04-30


@pytest.fixture(scope="module")
def s107(voteview_senate) -> tuple[dict, IdealPoints]:
    data = voteview_senate(107)
    model = IdealPoints(random_state=0).fit(data["Y"], sign_ref=data["party_code"] == 200)
    return data, model


def test_window_positions_track_the_full_fit(s107) -> None:
    data, model = s107
    windows = block_windows(data["Y"].shape[1], 100)
    df = fit_windows(model, data["Y"], windows)
    assert list(df.columns) == ["member_index", "window", "dim1", "n_votes"]
    assert set(df["window"]) <= set(range(7))
    assert (df["n_votes"] >= 10).all()
    full = model.ideal_points_[df["member_index"], 0]
    fitted = ~np.isnan(full)  # members the full fit dropped (< 20 votes) still get windows
    assert np.corrcoef(df["dim1"][fitted], full[fitted])[0, 1] > 0.9
    # Jeffords left the Republicans on 2001-06-06: Voteview gives him two codes, two rows.
    # His Republican row (rolls 1-170) has votes in windows 0 and 1 only.
    jeffords_r = int(np.flatnonzero(data["icpsr"] == 14240)[0])
    assert set(df.loc[df["member_index"] == jeffords_r, "window"]) == {0, 1}


def test_one_window_reproduces_the_full_fit(s107) -> None:
    data, model = s107
    df = fit_windows(model, data["Y"], np.full(data["Y"].shape[1], "all"))
    assert (df["window"] == "all").all()
    full = model.ideal_points_[df["member_index"], 0]
    fitted = ~np.isnan(full)
    assert np.corrcoef(df["dim1"][fitted], full[fitted])[0, 1] > 0.999


def test_newton_and_em_reach_the_same_positions(planted) -> None:
    _, Y = planted(5, n=40, m=240)
    model = IdealPoints(random_state=0).fit(Y)
    windows = block_windows(240, 80)
    newton = fit_windows(model, Y, windows, tol=1e-10)
    em = fit_windows(model, Y, windows, method="em", max_iter=5000, tol=1e-9)
    pd.testing.assert_frame_equal(
        newton[["member_index", "window", "n_votes"]], em[["member_index", "window", "n_votes"]]
    )
    np.testing.assert_allclose(newton["dim1"], em["dim1"], atol=1e-5)


def test_specter_moves_across_the_aisle(voteview_senate) -> None:
    # Arlen Specter switched from the Republicans to the Democrats on 2009-04-30 (roll 174).
    # Merge his two Voteview codes into one row: with roll-call parameters fixed, his windows
    # after the switch must sit on the Democratic side.
    data = voteview_senate(111, merge={SPECTER_D: SPECTER_R})
    party = np.where(data["party_code"] == 200, "R", np.where(data["party_code"] == 100, "D", "I"))
    model = IdealPoints(random_state=0).fit(data["Y"], sign_ref=party == "R")
    rolls = data["rollnumber"]
    windows = np.where(rolls < 174, 0, 1 + (rolls - 174) // 130)
    df = party_distances(fit_windows(model, data["Y"], windows), party)
    specter = df[df["member_index"] == int(np.flatnonzero(data["icpsr"] == SPECTER_R)[0])]
    assert specter["party"].iloc[0] == "R"
    assert list(specter["window"]) == [0, 1, 2, 3, 4]
    before, after = specter["dim1"].iloc[0], specter["dim1"].iloc[1:]
    assert before > 0  # a moderate Republican ...
    assert (after < 0).all()  # ... then with the Democrats
    assert (after < specter["other_median"].iloc[1:] + 0.5).all()
    # Measured: 0.96 from his party's median before, 1.87 to 2.15 after.
    assert specter["change_toward_other"].iloc[1] > 0.8
    summary = movement_summary(df).loc[specter["member_index"].iloc[0]]
    assert summary["change_toward_other"] > 0.8
    # Measured on this data: nobody else moves as far towards the other party.
    assert movement_summary(df)["change_toward_other"].idxmax() == specter["member_index"].iloc[0]


@pytest.fixture()
def toy() -> tuple[pd.DataFrame, np.ndarray]:
    df = pd.DataFrame(
        {
            "member_index": [0, 1, 2, 3, 4, 0, 1, 2, 3, 4],
            "window": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
            "dim1": [1.0, 2.0, 3.0, -1.0, -2.0, 0.0, 2.0, 3.0, -1.0, -3.0],
            "n_votes": [50] * 10,
        }
    )
    return df, np.array(["R", "R", "R", "D", "D"])


def test_party_distances_by_hand(toy) -> None:
    df, party = toy
    out = party_distances(df, party).set_index(["member_index", "window"])
    # Window 0: R median 2, D median -1.5. Window 1: R median 2, D median -2.
    assert out.loc[(0, 0), "party_median"] == 2.0
    assert out.loc[(0, 0), "other_median"] == -1.5
    assert out.loc[(0, 0), "dist_party"] == 1.0
    assert out.loc[(0, 0), "dist_other"] == 2.5
    assert out.loc[(0, 0), "toward_other"] == 1.0
    assert out.loc[(0, 1), "toward_other"] == 2.0
    assert out.loc[(0, 1), "change_dim"] == -1.0
    assert out.loc[(0, 1), "change_dist_party"] == 1.0
    assert out.loc[(0, 1), "change_toward_other"] == 1.0
    assert np.isnan(out.loc[(0, 0), "change_dim"])
    assert out.loc[(3, 0), "toward_other"] == 0.5
    assert out.loc[(3, 1), "dist_party"] == 1.0
    assert out.loc[(3, 1), "toward_other"] == 1.0
    summary = movement_summary(party_distances(df, party))
    assert summary.loc[0, "change_dim"] == -1.0
    assert summary.loc[0, "change_toward_other"] == 1.0
    assert summary.loc[0, "max_toward_other"] == 2.0
    assert summary.loc[4, "change_dist_party"] == 1.0 - 0.5
    assert (summary["n_windows"] == 2).all()


def test_party_distances_to_a_named_party_or_a_group(toy) -> None:
    df, party = toy
    named = party_distances(df, party, other="D").set_index(["member_index", "window"])
    assert named.loc[(1, 0), "other_median"] == -1.5
    assert np.isnan(named.loc[(3, 0), "other_median"])
    rebels = np.array([True, False, False, False, False])
    group = party_distances(df, party, other=rebels).set_index(["member_index", "window"])
    assert group.loc[(1, 0), "other_median"] == 1.0
    assert group.loc[(1, 1), "other_median"] == 0.0
    assert group.loc[(1, 1), "dist_other"] == 2.0


def test_window_input_checks(s107) -> None:
    data, model = s107
    Y = data["Y"]
    with pytest.raises(ValueError, match=r"Expected window_index of shape \(633,\)"):
        fit_windows(model, Y, np.zeros(10))
    with pytest.raises(ValueError, match="Expected a window label for every roll call"):
        fit_windows(model, Y, np.r_[np.nan, np.zeros(632)])
    with pytest.raises(ValueError, match="Expected Y of the shape the model was fitted on"):
        fit_windows(model, Y[:, :100], np.zeros(100))
    with pytest.raises(ValueError, match="Expected method 'newton' or 'em'"):
        fit_windows(model, Y, np.zeros(633), method="mcmc")
    with pytest.raises(ValueError, match="Expected a block size >= 1"):
        block_windows(10, 0)
    with pytest.raises(ValueError, match="Expected a fit_windows"):
        party_distances(pd.DataFrame({"x": [1]}), ["R"])
    with pytest.raises(ValueError, match="boolean mask of shape"):
        party_distances(
            fit_windows(model, Y, np.zeros(633)),
            np.array(["R"] * 102),
            other=np.ones(5, dtype=bool),
        )
