"""EM estimation of ideal points for the binary quadratic-utility IRT model.

After Imai, Lo & Olmsted (2016), "Fast Estimation of Ideal Points with Massive Data",
American Political Science Review 110(4): 631-656, and their R package emIRT (``binIRT``).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np

from floorwatch.errors import ConvergenceWarning
from floorwatch.idealpoints import _core
from floorwatch.idealpoints._random import check_random_state
from floorwatch.idealpoints.bootstrap import bootstrap_ideal_points

__all__ = ["ConvergenceWarning", "IdealPoints", "check_random_state", "check_vote_matrix"]

DEFAULT_MIN_MINORITY = 0.005
DEFAULT_MIN_VOTES = 20


def check_vote_matrix(Y: object) -> np.ndarray:
    """Check a vote matrix and return it as a float64 array.

    Parameters
    ----------
    Y : array-like of shape (n_members, n_votes)
        1 for yea, 0 for nay, NaN for anything else (absent, abstained, not a member).

    Raises
    ------
    ValueError
        If ``Y`` is not 2-D, not numeric, too small, or holds values other than 0, 1 and NaN.
    """
    try:
        arr = np.asarray(Y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Expected a numeric vote matrix (1 yea, 0 nay, NaN missing) but got {type(Y).__name__}"
        ) from exc
    if arr.ndim != 2:
        raise ValueError(
            f"Expected a 2-D vote matrix of shape (n_members, n_votes) but got {arr.ndim} "
            f"dimension(s) with shape {arr.shape}"
        )
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"Expected at least 2 members and 2 votes but got shape {arr.shape}")
    bad = ~(np.isnan(arr) | (arr == 0) | (arr == 1))
    if bad.any():
        values = np.unique(arr[bad])[:5]
        raise ValueError(
            "Expected vote codes 1 (yea), 0 (nay) or NaN (missing) but got "
            f"{', '.join(repr(float(v)) for v in values)}; recode other cast codes to NaN first"
        )
    return arr


def _check_sign_ref(sign_ref: object, n_members: int) -> np.ndarray | None:
    if sign_ref is None:
        return None
    ref = np.asarray(sign_ref)
    if ref.dtype != bool:
        raise ValueError(f"Expected sign_ref to be a boolean array but got dtype {ref.dtype}")
    if ref.ndim not in (1, 2) or ref.shape[0] != n_members:
        raise ValueError(
            f"Expected sign_ref of shape ({n_members},) or ({n_members}, k) but got {ref.shape}"
        )
    return ref


class IdealPoints:
    """Ideal points by EM for the binary quadratic-utility IRT model (emIRT's ``binIRT``).

    The model for member ``i`` and roll call ``j`` is ``y*_ij = alpha_j + beta_j' x_i + e_ij``
    with ``e_ij ~ N(0, 1)``; a yea is ``y*_ij > 0``. Priors: ``x_i ~ N(0, prior_var_x I)`` and
    ``(alpha_j, beta_j) ~ N(0, prior_var_beta I)``. The EM computes the posterior mode: the
    E-step takes truncated-normal expectations of ``y*``, the M-steps are ridge regressions
    for the roll-call parameters (with the parameter-expansion rescaling of Liu, Rubin & Wu
    1998) and then for the ideal points. Identification: ideal points are rotated to principal
    axes (2+ dimensions), centred and scaled to sd 1 per dimension, and signed by ``sign_ref``.
    Unanimous and lopsided roll calls and members with few votes are dropped first.

    Parameters
    ----------
    n_dims : int, default=1
        Number of dimensions (1 or 2 in practice).
    max_iter : int, default=500
        Maximum number of EM iterations.
    tol : float, default=1e-6
        Stop when ``1 - min correlation`` between successive estimates of the ideal points, the
        difficulties and each column of the discriminations is below ``tol`` (emIRT's rule).
    random_state : int, numpy Generator or None, default=None
        Seeds the jitter added to the starting values.
    prior_var_x : float, default=1.0
        Prior variance of the ideal points.
    prior_var_beta : float, default=25.0
        Prior variance of the roll-call parameters ``alpha_j`` and ``beta_j``.
    min_minority : float, default=0.005
        A roll call is dropped when fewer than this share of those voting were on the losing
        side, or nobody was (unanimous votes carry no information about positions).
    min_votes : int, default=20
        A member who cast fewer yeas and nays on the kept roll calls is dropped (gets NaN).
    accelerate : bool, default=True
        Extrapolate the EM iterations (Anderson acceleration in 1-D, SQUAREM in more), with a
        safeguard that keeps the log posterior from decreasing: 20 iterations instead of 82 on
        s109. Every iteration is a parameter-expanded ECM step either way (see
        :func:`_core.em_map` and :func:`_core.run_em`).

    Attributes
    ----------
    ideal_points_ : ndarray of shape (n_members, n_dims)
        Identified ideal points (mean 0, sd 1 per dimension over kept members); NaN for dropped
        members.
    difficulty_ : ndarray of shape (n_votes,)
        ``alpha_j`` on the identified scale; NaN for dropped roll calls.
    discrimination_ : ndarray of shape (n_votes, n_dims)
        ``beta_j`` on the identified scale; NaN for dropped roll calls.
    kept_members_ : ndarray of bool, shape (n_members,)
    kept_votes_ : ndarray of bool, shape (n_votes,)
    n_votes_cast_ : ndarray of int, shape (n_members,)
        Yeas and nays each member cast on the kept roll calls.
    n_iter_ : int
    converged_ : bool
    objective_ : list of float
        Log posterior (up to a constant, on the unidentified scale the EM works on) at the
        starting values and after each iteration; length ``n_iter_ + 1``. Never decreases.

    Examples
    --------
    >>> model = IdealPoints(random_state=0).fit(Y, sign_ref=party == "R")  # doctest: +SKIP
    >>> model.ideal_points_[:, 0]  # doctest: +SKIP
    """

    def __init__(
        self,
        n_dims: int = 1,
        max_iter: int = 500,
        tol: float = 1e-6,
        random_state: int | np.random.Generator | None = None,
        prior_var_x: float = 1.0,
        prior_var_beta: float = 25.0,
        *,
        min_minority: float = DEFAULT_MIN_MINORITY,
        min_votes: int = DEFAULT_MIN_VOTES,
        accelerate: bool = True,
    ) -> None:
        self.n_dims = n_dims
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.prior_var_x = prior_var_x
        self.prior_var_beta = prior_var_beta
        self.min_minority = min_minority
        self.min_votes = min_votes
        self.accelerate = accelerate

    # -- checks -----------------------------------------------------------------------------
    def _check_params(self) -> None:
        def _int(name: str, value: object, low: int) -> None:
            if not isinstance(value, Integral) or isinstance(value, bool) or value < low:
                raise ValueError(f"Expected {name} to be an int >= {low} but got {value!r}")

        def _pos(name: str, value: object, *, allow_zero: bool = False) -> None:
            ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
            ok = ok and (value >= 0 if allow_zero else value > 0)
            if not ok:
                bound = ">= 0" if allow_zero else "> 0"
                raise ValueError(f"Expected {name} to be a finite number {bound} but got {value!r}")

        _int("n_dims", self.n_dims, 1)
        _int("max_iter", self.max_iter, 1)
        _int("min_votes", self.min_votes, 0)
        _pos("tol", self.tol)
        _pos("prior_var_x", self.prior_var_x)
        _pos("prior_var_beta", self.prior_var_beta)
        _pos("min_minority", self.min_minority, allow_zero=True)
        if self.min_minority >= 0.5:
            raise ValueError(f"Expected min_minority < 0.5 but got {self.min_minority!r}")

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, Y: object, *, sign_ref: object = None) -> IdealPoints:
        """Estimate ideal points and roll-call parameters.

        Parameters
        ----------
        Y : array-like of shape (n_members, n_votes)
            1 for yea, 0 for nay, NaN for missing.
        sign_ref : array-like of bool, shape (n_members,) or (n_members, k), optional
            Rows whose mean must be positive: column ``k`` fixes the sign of dimension ``k``;
            a 1-D array fixes dimension 1 only. E.g. ``party == "R"``. Without it the sign is
            whatever the starting values gave.

        Returns
        -------
        self : IdealPoints
        """
        self._check_params()
        Y = check_vote_matrix(Y)
        ref = _check_sign_ref(sign_ref, Y.shape[0])
        rng = check_random_state(self.random_state)

        S_all = _core.sign_matrix(Y)
        kept_members, kept_votes = _core.filter_votes(
            S_all, min_minority=self.min_minority, min_votes=self.min_votes
        )
        n_kept, m_kept = int(kept_members.sum()), int(kept_votes.sum())
        if n_kept < max(2, self.n_dims + 1) or m_kept < max(2, self.n_dims + 1):
            raise ValueError(
                f"Expected at least {max(2, self.n_dims + 1)} members and roll calls left after "
                f"dropping lopsided votes and members with < {self.min_votes} votes but got "
                f"{n_kept} members and {m_kept} roll calls; lower min_votes or min_minority"
            )
        S = S_all[np.ix_(kept_members, kept_votes)]
        problem = _core.Problem(S, self.prior_var_x, self.prior_var_beta)
        x0 = _core.start_values(S, self.n_dims, rng)
        # Roll-call parameters start at 0: the first E-step is then E[y*] = +/- sqrt(2/pi).
        start = _core.EMState(x0, np.zeros(m_kept), np.zeros((m_kept, self.n_dims)))
        state = _core.run_em(
            problem, start, max_iter=self.max_iter, tol=self.tol, accelerate=self.accelerate
        )
        if not state.converged:
            warnings.warn(
                f"IdealPoints did not converge in max_iter={self.max_iter} iterations "
                f"(tol={self.tol:g}); increase max_iter or tol",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_fitted(state, S, kept_members, kept_votes, ref)
        return self

    def _set_fitted(
        self,
        state: _core.EMState,
        S: np.ndarray,
        kept_members: np.ndarray,
        kept_votes: np.ndarray,
        ref: np.ndarray | None,
    ) -> None:
        x, alpha, beta = _core.identify(
            state.x, state.alpha, state.beta, None if ref is None else ref[kept_members]
        )
        n, m = kept_members.shape[0], kept_votes.shape[0]
        d = x.shape[1]
        self.ideal_points_ = np.full((n, d), np.nan)
        self.ideal_points_[kept_members] = x
        self.difficulty_ = np.full(m, np.nan)
        self.difficulty_[kept_votes] = alpha
        self.discrimination_ = np.full((m, d), np.nan)
        self.discrimination_[kept_votes] = beta
        self.kept_members_ = kept_members
        self.kept_votes_ = kept_votes
        self.n_votes_cast_ = np.zeros(n, dtype=np.int64)
        self.n_votes_cast_[kept_members] = np.count_nonzero(S, axis=1)
        self.n_iter_ = state.n_iter
        self.converged_ = state.converged
        self.objective_ = state.objective
        self.n_features_in_ = m
        # The kept sign matrix, for the bootstrap (same missingness) and diagnostics.
        self._S = S
        self._sign_ref = ref

    def _check_fitted(self) -> None:
        if not hasattr(self, "ideal_points_"):
            raise ValueError(
                "Expected a fitted IdealPoints but got an unfitted one; call fit(Y) first"
            )

    def predict_proba(self) -> np.ndarray:
        """Fitted probability of a yea for every member and roll call, shape (n, m).

        NaN in rows of dropped members and columns of dropped roll calls.
        """
        self._check_fitted()
        return _core.vote_probabilities(self.ideal_points_, self.difficulty_, self.discrimination_)

    def bootstrap(
        self,
        n_boot: int = 50,
        *,
        random_state: int | np.random.Generator | None = None,
        max_iter: int | None = None,
        tol: float | None = None,
        level: float = 0.95,
    ) -> IdealPoints:
        """Parametric bootstrap: set ``ideal_points_se_`` (n_members, n_dims),
        ``ideal_points_ci_`` (n_members, n_dims, 2) and ``bootstrap_samples_``.

        See :func:`floorwatch.idealpoints.bootstrap.bootstrap_ideal_points` for the parameters.

        Returns
        -------
        self : IdealPoints
        """
        result = bootstrap_ideal_points(
            self,
            n_boot=n_boot,
            random_state=random_state,
            max_iter=max_iter,
            tol=tol,
            level=level,
        )
        self.ideal_points_se_ = result.se
        self.ideal_points_ci_ = result.ci
        self.bootstrap_samples_ = result.samples
        return self

    def __repr__(self) -> str:
        params = ", ".join(
            f"{k}={getattr(self, k)!r}"
            for k in (
                "n_dims",
                "max_iter",
                "tol",
                "random_state",
                "prior_var_x",
                "prior_var_beta",
                "min_minority",
                "min_votes",
                "accelerate",
            )
        )
        return f"IdealPoints({params})"
