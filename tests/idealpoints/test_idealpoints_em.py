"""The EM ideal-point estimator against pscl's ideal(), Voteview's NOMINATE and planted data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from floorwatch.idealpoints import ConvergenceWarning, IdealPoints


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


@pytest.fixture(scope="module")
def s109_fit(s109: dict) -> IdealPoints:
    return IdealPoints(random_state=0).fit(s109["Y"], sign_ref=s109["party"] == "R")


@pytest.fixture(scope="module")
def s109_plain(s109: dict) -> IdealPoints:
    """Plain EM (no SQUAREM acceleration)."""
    return IdealPoints(accelerate=False, random_state=0).fit(
        s109["Y"], sign_ref=s109["party"] == "R"
    )


@pytest.fixture(scope="module")
def s109_fit2(s109: dict) -> IdealPoints:
    return IdealPoints(n_dims=2, random_state=0).fit(s109["Y"], sign_ref=s109["party"] == "R")


# -- agreement with the peers --------------------------------------------------------------


def test_s109_1d_matches_pscl_ideal(s109: dict, s109_fit: IdealPoints) -> None:
    # pscl's id1 is normalised with Republicans on the right, as our sign rule: the *signed*
    # correlation must be high.
    assert s109_fit.converged_
    assert _corr(s109_fit.ideal_points_[:, 0], s109["id1"]) >= 0.99


def test_s109_2d_first_dimension_matches_pscl_ideal(s109: dict, s109_fit2: IdealPoints) -> None:
    model = s109_fit2
    assert model.ideal_points_.shape == (102, 2)
    # pscl's 2-D fit has its own rotation and signs (Republicans negative on its dim 1).
    # Measured: |r| = 0.998 on dimension 1.
    assert abs(_corr(model.ideal_points_[:, 0], s109["id2"][:, 0])) >= 0.99
    # Our dimensions are rotated to principal axes: uncorrelated.
    kept = model.kept_members_
    assert abs(np.corrcoef(model.ideal_points_[kept].T)[0, 1]) < 1e-8


@pytest.mark.parametrize("congress", [107, 111])
def test_voteview_senate_matches_nominate_dim1(voteview_senate, congress: int) -> None:
    data = voteview_senate(congress)
    model = IdealPoints(random_state=0).fit(data["Y"], sign_ref=data["party_code"] == 200)
    # NOMINATE puts Republicans on the right too: signed correlation. Measured 0.976 / 0.976.
    assert _corr(model.ideal_points_[:, 0], data["nominate_dim1"]) >= 0.95


# -- the algorithm -------------------------------------------------------------------------


@pytest.mark.parametrize("fit", ["s109_fit", "s109_plain", "s109_fit2"])
def test_objective_never_decreases(request: pytest.FixtureRequest, fit: str) -> None:
    model = request.getfixturevalue(fit)
    obj = np.asarray(model.objective_)
    assert len(obj) >= 5
    assert np.all(np.isfinite(obj))
    steps = np.diff(obj)
    assert np.all(steps >= -1e-8 * np.abs(obj[1:])), steps.min()
    assert obj[-1] > obj[0]


def test_plain_and_accelerated_em_agree(s109_plain: IdealPoints, s109_fit: IdealPoints) -> None:
    plain = s109_plain
    assert plain.converged_
    assert plain.n_iter_ > s109_fit.n_iter_
    assert _corr(plain.ideal_points_[:, 0], s109_fit.ideal_points_[:, 0]) > 0.999


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_ideal_points_are_recovered(planted, seed: int) -> None:
    x, Y = planted(seed)
    model = IdealPoints(random_state=seed).fit(Y)
    assert model.converged_
    assert abs(_corr(model.ideal_points_[:, 0], x[:, 0])) > 0.95


def test_planted_two_dimensions_are_recovered(planted) -> None:
    x, Y = planted(3, d=2)
    est = IdealPoints(n_dims=2, random_state=3).fit(Y).ideal_points_
    # Rotation is not identified: each true dimension must be a linear function of ours.
    design = np.column_stack([np.ones(len(est)), est])
    for k in range(2):
        coef, *_ = np.linalg.lstsq(design, x[:, k], rcond=None)
        resid = x[:, k] - design @ coef
        r2 = 1 - resid @ resid / np.sum((x[:, k] - x[:, k].mean()) ** 2)
        assert r2 > 0.95


def test_fitted_model_predicts_the_votes(s109: dict, s109_fit: IdealPoints) -> None:
    P = s109_fit.predict_proba()
    assert P.shape == s109["Y"].shape
    cells = ~np.isnan(s109["Y"]) & s109_fit.kept_members_[:, None] & s109_fit.kept_votes_
    correct = np.mean((P[cells] > 0.5) == (s109["Y"][cells] == 1))
    assert correct > 0.85  # measured 0.897
    assert np.isnan(P[:, ~s109_fit.kept_votes_]).all()


def test_same_seed_same_result(s109: dict, s109_fit: IdealPoints) -> None:
    again = IdealPoints(random_state=0).fit(s109["Y"], sign_ref=s109["party"] == "R")
    np.testing.assert_array_equal(again.ideal_points_, s109_fit.ideal_points_)
    assert again.n_iter_ == s109_fit.n_iter_


# -- identification ------------------------------------------------------------------------


def test_identified_scale(s109_fit: IdealPoints) -> None:
    x = s109_fit.ideal_points_[s109_fit.kept_members_, 0]
    assert abs(x.mean()) < 1e-12
    assert abs(x.std() - 1.0) < 1e-12


def test_sign_rule_puts_the_flagged_party_positive(s109: dict, s109_fit: IdealPoints) -> None:
    rep = s109["party"] == "R"
    assert np.nanmean(s109_fit.ideal_points_[rep, 0]) > 0
    assert np.nanmean(s109_fit.ideal_points_[s109["party"] == "D", 0]) < 0
    flipped = IdealPoints(random_state=0).fit(s109["Y"], sign_ref=s109["party"] == "D")
    np.testing.assert_allclose(flipped.ideal_points_, -s109_fit.ideal_points_)
    np.testing.assert_allclose(flipped.discrimination_, -s109_fit.discrimination_)
    np.testing.assert_allclose(flipped.difficulty_, s109_fit.difficulty_)


def test_two_column_sign_ref_fixes_both_dimensions(s109: dict, s109_fit2: IdealPoints) -> None:
    rep = s109["party"] == "R"
    positive = s109_fit2.ideal_points_[:, 1] > 0  # positive on dimension 2 of the 1-column fit
    model = IdealPoints(n_dims=2, random_state=0).fit(
        s109["Y"], sign_ref=np.column_stack([rep, ~positive])
    )
    assert np.nanmean(model.ideal_points_[rep, 0]) > 0
    assert np.nanmean(model.ideal_points_[~positive, 1]) > 0
    np.testing.assert_allclose(model.ideal_points_[:, 0], s109_fit2.ideal_points_[:, 0])
    np.testing.assert_allclose(model.ideal_points_[:, 1], -s109_fit2.ideal_points_[:, 1])


# -- dropping votes and members ------------------------------------------------------------


def test_unanimous_votes_and_light_voters_are_dropped(s109: dict, s109_fit: IdealPoints) -> None:
    Y = s109["Y"]
    yeas = np.nansum(Y == 1, axis=0)
    nays = np.nansum(Y == 0, axis=0)
    # Every s109 member casts >= 20 votes, so only votes without a dissenter go (as in pscl's
    # ideal(), which keeps 544 of 645).
    assert s109_fit.kept_members_.all()
    np.testing.assert_array_equal(s109_fit.kept_votes_, np.minimum(yeas, nays) >= 1)
    assert s109_fit.kept_votes_.sum() == 544
    assert np.isnan(s109_fit.difficulty_[~s109_fit.kept_votes_]).all()

    # On the 544 contested roll calls BUSH (R USA) has 84 yeas and nays (the President's
    # announced positions), CORZINE (D NJ, left for the governorship in January 2006) 199.
    assert s109_fit.n_votes_cast_[s109["names"].index("BUSH (R USA)")] == 84
    strict = IdealPoints(random_state=0, min_votes=100).fit(Y)
    bush = s109["names"].index("BUSH (R USA)")
    assert not strict.kept_members_[bush]
    assert strict.kept_members_.sum() == 101
    assert np.isnan(strict.ideal_points_[bush]).all()
    assert strict.n_votes_cast_[bush] == 0
    stricter = IdealPoints(random_state=0, min_votes=200).fit(Y)
    corzine = s109["names"].index("CORZINE (D NJ)")
    assert not stricter.kept_members_[corzine]
    assert stricter.kept_members_.sum() == 100
    cast = (~np.isnan(Y[:, stricter.kept_votes_])).sum(axis=1)
    np.testing.assert_array_equal(stricter.kept_members_, cast >= 200)


def test_min_minority_drops_lopsided_votes(s109: dict) -> None:
    Y = s109["Y"]
    model = IdealPoints(random_state=0, min_minority=0.05).fit(Y)
    kept = model.kept_members_
    yeas = np.nansum(Y[kept] == 1, axis=0)
    nays = np.nansum(Y[kept] == 0, axis=0)
    expected = np.minimum(yeas, nays) >= np.maximum(1, 0.05 * (yeas + nays))
    np.testing.assert_array_equal(model.kept_votes_, expected)


# -- warnings and input checks ---------------------------------------------------------------


def test_convergence_warning_when_max_iter_is_reached(s109: dict) -> None:
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        model = IdealPoints(max_iter=3, random_state=0).fit(s109["Y"])
    assert not model.converged_
    assert model.n_iter_ == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        IdealPoints(random_state=0).fit(s109["Y"])


@pytest.mark.parametrize(
    ("Y", "match"),
    [
        (np.zeros(5), "Expected a 2-D vote matrix"),
        (np.zeros((1, 5)), "Expected at least 2 members and 2 votes"),
        (np.full((3, 3), 6.0), "Expected vote codes 1 \\(yea\\), 0 \\(nay\\) or NaN"),
        ([["y", "n"], ["n", "y"]], "Expected a numeric vote matrix"),
        (np.ones((30, 40)), "Expected at least 2 members and roll calls left"),
    ],
)
def test_bad_vote_matrix(Y: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        IdealPoints().fit(Y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_dims": 0}, "Expected n_dims to be an int >= 1 but got 0"),
        ({"n_dims": 1.5}, "Expected n_dims to be an int"),
        ({"max_iter": 0}, "Expected max_iter"),
        ({"tol": -1.0}, "Expected tol to be a finite number > 0 but got -1.0"),
        ({"prior_var_x": 0.0}, "Expected prior_var_x"),
        ({"prior_var_beta": float("nan")}, "Expected prior_var_beta"),
        ({"min_minority": 0.6}, "Expected min_minority < 0.5"),
        ({"min_votes": -1}, "Expected min_votes"),
        ({"random_state": "seed"}, "Expected random_state"),
    ],
)
def test_bad_hyperparameters(s109: dict, params: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        IdealPoints(**params).fit(s109["Y"])


def test_bad_sign_ref(s109: dict) -> None:
    with pytest.raises(ValueError, match="Expected sign_ref to be a boolean array"):
        IdealPoints().fit(s109["Y"], sign_ref=np.ones(102))
    with pytest.raises(ValueError, match=r"Expected sign_ref of shape \(102,\)"):
        IdealPoints().fit(s109["Y"], sign_ref=np.ones(50, dtype=bool))


def test_unfitted_model() -> None:
    with pytest.raises(ValueError, match="Expected a fitted IdealPoints"):
        IdealPoints().predict_proba()
