"""Parametric bootstrap standard errors and intervals for EM ideal points.

The EM gives a posterior mode without uncertainty. Following Lewis & Poole (2004) and Imai, Lo &
Olmsted (2016, section 4.2), we simulate roll calls from the fitted model, with the observed
pattern of missing votes, refit each simulated data set starting from the fit, put each refit on
the same scale as the fit, and take the spread of the refitted ideal points.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

from floorwatch.idealpoints import _core
from floorwatch.idealpoints._random import check_random_state

__all__ = ["BootstrapResult", "bootstrap_ideal_points"]


@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap_ideal_points`.

    Attributes
    ----------
    se : ndarray of shape (n_members, n_dims)
        Standard deviation of the bootstrap ideal points (NaN for dropped members).
    ci : ndarray of shape (n_members, n_dims, 2)
        Percentile interval ``[lower, upper]`` at ``level``.
    samples : ndarray of shape (n_boot, n_members, n_dims)
        The aligned bootstrap ideal points.
    level : float
    n_converged : int
        Number of refits that met the tolerance.
    """

    se: np.ndarray
    ci: np.ndarray
    samples: np.ndarray
    level: float
    n_converged: int


def _procrustes(x: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Orthogonal matrix ``R`` minimising ``||x R - target||`` (a sign flip in 1-D)."""
    u, _, vt = np.linalg.svd(x.T @ target)
    return u @ vt


def bootstrap_ideal_points(
    model: Any,
    *,
    n_boot: int = 50,
    random_state: int | np.random.Generator | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    level: float = 0.95,
) -> BootstrapResult:
    """Parametric bootstrap of a fitted :class:`~floorwatch.idealpoints.IdealPoints`.

    Each replicate draws every vote that was cast (on the kept roll calls, by the kept members)
    as a yea with probability ``Phi(alpha_j + beta_j' x_i)`` from the fitted parameters and
    leaves the other cells missing. The model is refitted from the fitted parameters (warm
    start), identified like the fit (mean 0, sd 1) and rotated onto the fit (orthogonal
    Procrustes; in 1-D, a sign flip).

    Refits must converge as tightly as the fit: stopping early keeps each refit near its start
    (the fit) and shrinks the standard errors. On s109, tolerances of 1e-4, 1e-5, 1e-6 and 1e-8
    gave median standard errors of 0.025, 0.048, 0.059 and 0.059.

    Parameters
    ----------
    model : IdealPoints (fitted; any object with its fitted attributes)
        A fitted model.
    n_boot : int, default=50
        Number of replicates (at least 2).
    random_state : int, numpy Generator or None
    max_iter : int, optional
        Iteration cap per refit; default: the model's ``max_iter``.
    tol : float, optional
        Convergence tolerance per refit (same rule as the fit); default: the model's ``tol``.
    level : float, default=0.95
        Coverage of the percentile intervals.

    Returns
    -------
    BootstrapResult
    """
    model._check_fitted()
    max_iter = model.max_iter if max_iter is None else max_iter
    tol = model.tol if tol is None else tol
    if not isinstance(n_boot, Integral) or isinstance(n_boot, bool) or n_boot < 2:
        raise ValueError(f"Expected n_boot to be an int >= 2 but got {n_boot!r}")
    if not isinstance(max_iter, Integral) or isinstance(max_iter, bool) or max_iter < 1:
        raise ValueError(f"Expected max_iter to be an int >= 1 but got {max_iter!r}")
    if not isinstance(tol, Real) or not tol > 0:
        raise ValueError(f"Expected tol to be a number > 0 but got {tol!r}")
    if not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"Expected level strictly between 0 and 1 but got {level!r}")
    rng = check_random_state(random_state)

    km, kv = model.kept_members_, model.kept_votes_
    x = model.ideal_points_[km]
    alpha = model.difficulty_[kv]
    beta = model.discrimination_[kv]
    S = model._S
    M = np.abs(S)
    p_yea = _core.vote_probabilities(x, alpha, beta)
    n_kept, d = x.shape
    samples = np.full((n_boot, km.shape[0], d), np.nan)
    n_converged = 0
    for b in range(n_boot):  # replicates: each is a full (warm-started) refit
        yea = rng.random(S.shape) < p_yea
        Sb = np.where(yea, 1.0, -1.0) * M
        problem = _core.Problem(Sb, model.prior_var_x, model.prior_var_beta)
        state = _core.run_em(
            problem,
            _core.EMState(x.copy(), alpha.copy(), beta.copy()),
            max_iter=max_iter,
            tol=tol,
            accelerate=model.accelerate,
        )
        n_converged += state.converged
        xb, _, _ = _core.identify(state.x, state.alpha, state.beta)
        samples[b, km] = xb @ _procrustes(xb, x)
    se = np.std(samples, axis=0, ddof=1)
    tail = (1.0 - level) / 2.0
    ci = np.moveaxis(np.quantile(samples, [tail, 1.0 - tail], axis=0), 0, -1)
    return BootstrapResult(
        se=se, ci=ci, samples=samples, level=float(level), n_converged=n_converged
    )
