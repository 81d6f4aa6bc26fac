"""Vectorised numerics shared by the ideal-point estimator, the bootstrap and the windows.

The model is the binary quadratic-utility item-response model of Imai, Lo & Olmsted (2016,
"Fast Estimation of Ideal Points with Massive Data", APSR 110(4), the ``binIRT`` model of the R
package emIRT)::

    y*_ij = alpha_j + beta_j' x_i + e_ij,   e_ij ~ N(0, 1),   y_ij = 1[y*_ij > 0]

Votes are coded as a *sign matrix* ``S`` of shape (n_members, n_votes): ``+1`` yea, ``-1`` nay,
``0`` missing. Everything here works on whole matrices; nothing loops over votes or members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import eigsh
from scipy.special import erfcx, ndtr

__all__ = [
    "EMState",
    "Problem",
    "e_step",
    "em_map",
    "filter_votes",
    "identify",
    "log_prior",
    "min_correlation",
    "run_em",
    "solve_batch",
    "sign_matrix",
    "start_values",
    "vote_probabilities",
]

_SQRT2 = np.sqrt(2.0)
_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_LOG2 = np.log(2.0)
# erfcx(t) overflows for t < -26; for t < -6 (a linear predictor on the right side of zero by
# more than 8.5 standard deviations) phi/Phi < 1e-16 and log Phi > -1e-16, so clipping is exact
# to double precision.
_T_MIN = -6.0
# Up to this many members a full dense eigendecomposition is the fastest way to the start.
_DENSE_EIGH_MAX = 256


@dataclass
class EMState:
    """Parameters and diagnostics of one EM run (on the unidentified scale)."""

    x: np.ndarray  # (n, d)
    alpha: np.ndarray  # (m,)
    beta: np.ndarray  # (m, d)
    n_iter: int = 0
    converged: bool = False
    objective: list[float] = field(default_factory=list)


@dataclass
class Problem:
    """A vote matrix prepared for the EM: signs, mask and constants, computed once."""

    S: np.ndarray  # (n, m) +1 / -1 / 0
    prior_var_x: float
    prior_var_beta: float
    M: np.ndarray = field(init=False)  # (n, m) 1.0 observed, 0.0 missing
    S_t: np.ndarray = field(init=False)  # -S / sqrt(2)
    S_ratio: np.ndarray = field(init=False)  # S * sqrt(2 / pi)
    n_obs_votes: np.ndarray = field(init=False)  # (m,) votes cast per roll call
    n_obs: int = field(init=False)
    # Work arrays of shape (n, m), reused by every iteration: allocating fresh ones costs
    # about as much as the arithmetic (page faults on large allocations).
    work: tuple[np.ndarray, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.M = np.abs(self.S)
        self.S_t = self.S * (-1.0 / _SQRT2)
        self.S_ratio = self.S * _SQRT_2_OVER_PI
        self.n_obs_votes = self.M.sum(axis=0)
        self.n_obs = int(np.count_nonzero(self.S))
        self.work = tuple(np.empty_like(self.S) for _ in range(3))


def sign_matrix(Y: np.ndarray) -> np.ndarray:
    """Code a 1/0/NaN vote matrix as +1 (yea), -1 (nay) and 0 (missing).

    Parameters
    ----------
    Y : ndarray of shape (n_members, n_votes)
        1 for yea, 0 for nay, NaN (or any other value) for missing.

    Returns
    -------
    S : ndarray of shape (n_members, n_votes), float64
    """
    S = np.zeros(Y.shape, dtype=np.float64)
    S[Y == 1] = 1.0
    S[Y == 0] = -1.0
    return S


def filter_votes(
    S: np.ndarray, *, min_minority: float, min_votes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Drop lopsided votes and members with too few votes, until nothing more drops.

    A vote is kept when its minority side (yeas or nays among kept members) has at least one
    member and at least ``min_minority`` of those voting. A member is kept when they cast at
    least ``min_votes`` yeas or nays on kept votes. The two rules are applied in turn until
    both are stable (dropping members can make a vote unanimous).

    Returns
    -------
    kept_members : ndarray of bool, shape (n_members,)
    kept_votes : ndarray of bool, shape (n_votes,)
    """
    n, m = S.shape
    kept_members = np.ones(n, dtype=bool)
    kept_votes = np.ones(m, dtype=bool)
    yea = (S > 0).astype(np.float64)
    cast = np.abs(S)
    for _ in range(n + m):  # each pass drops at least one row or column, or stops
        w = kept_members.astype(np.float64)
        n_yea = w @ yea
        n_cast = w @ cast
        minority = np.minimum(n_yea, n_cast - n_yea)
        new_votes = (minority >= 1) & (minority >= min_minority * n_cast)
        new_members = cast @ new_votes.astype(np.float64) >= min_votes
        if np.array_equal(new_votes, kept_votes) and np.array_equal(new_members, kept_members):
            break
        kept_votes, kept_members = new_votes, new_members
    return kept_members, kept_votes


def start_values(S: np.ndarray, n_dims: int, rng: np.random.Generator) -> np.ndarray:
    """Starting ideal points from the double-centred agreement matrix (as emIRT's getStarts).

    The agreement of two members is the share of the votes both cast on which they voted the
    same way. The leading ``n_dims`` eigenvectors of the double-centred agreement matrix,
    scaled to standard deviation 1, plus a small jitter from ``rng`` (sd 0.01) to break ties.

    Returns
    -------
    x0 : ndarray of shape (n_members, n_dims)
    """
    n = S.shape[0]
    # Counts are integers below 2**24: exact in float32, and single-precision products are
    # twice as fast.
    S32 = S.astype(np.float32)
    present = np.abs(S32)
    both = (present @ present.T).astype(np.float64)
    same = ((S32 @ S32.T).astype(np.float64) + both) / 2.0
    agree = np.divide(same, both, out=np.full_like(same, 0.5), where=both > 0)
    agree -= agree.mean(axis=0, keepdims=True)
    agree -= agree.mean(axis=1, keepdims=True)
    k = min(n_dims, n - 1)
    if n <= _DENSE_EIGH_MAX:
        _, vecs = np.linalg.eigh(agree)
        vecs = vecs[:, ::-1][:, :k]
    else:  # Lanczos for the leading eigenvectors only: 2-10x faster than a full eigh here
        _, vecs = eigsh(agree, k=k, which="LA", v0=rng.normal(size=n))
        vecs = vecs[:, ::-1]
    x0 = vecs * np.sqrt(n)
    if k < n_dims:
        x0 = np.hstack([x0, np.zeros((n, n_dims - k))])
    x0 += rng.normal(scale=0.01, size=x0.shape)
    return x0


def log_prior(
    x: np.ndarray, alpha: np.ndarray, beta: np.ndarray, prior_var_x: float, prior_var_beta: float
) -> float:
    """Log density of the priors x ~ N(0, prior_var_x I), (alpha, beta) ~ N(0, prior_var_beta I),
    up to an additive constant."""
    return -0.5 * (
        float(np.sum(x * x)) / prior_var_x
        + (float(np.sum(alpha * alpha)) + float(np.sum(beta * beta))) / prior_var_beta
    )


def solve_batch(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A[k] z[k] = b[k]`` for a stack of small symmetric positive definite systems."""
    if A.shape[-1] == 1:
        return b / A[..., 0]
    if A.shape[-1] == 2:  # closed form: faster than a batched LAPACK call
        a, c, d = A[..., 0, 0], A[..., 0, 1], A[..., 1, 1]
        det = a * d - c * c
        z0 = (d * b[..., 0] - c * b[..., 1]) / det
        z1 = (a * b[..., 1] - c * b[..., 0]) / det
        return np.stack([z0, z1], axis=-1)
    return np.linalg.solve(A, b[..., None])[..., 0]


def min_correlation(new: list[np.ndarray], old: list[np.ndarray]) -> float:
    """Smallest Pearson correlation between matching columns of successive estimates.

    A column with zero variance counts as correlation 0 (not converged).
    """
    worst = 1.0
    for u, v in zip(new, old, strict=True):
        u2 = u.reshape(u.shape[0], -1)
        v2 = v.reshape(v.shape[0], -1)
        uc = u2 - u2.mean(axis=0)
        vc = v2 - v2.mean(axis=0)
        den = np.sqrt(np.sum(uc * uc, axis=0) * np.sum(vc * vc, axis=0))
        num = np.sum(uc * vc, axis=0)
        r = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        worst = min(worst, float(r.min()))
    return worst


def _linear_predictor(
    x: np.ndarray, alpha: np.ndarray, beta: np.ndarray, *, out: np.ndarray, tmp: np.ndarray
) -> np.ndarray:
    """``alpha_j + beta_j' x_i`` into ``out`` (n, m), by broadcasting one dimension at a time.

    (No BLAS product: see :func:`_gram`.)
    """
    np.multiply(x[:, :1], beta[:, 0], out=out)
    for k in range(1, x.shape[1]):  # dimensions, not members or votes
        out += np.multiply(x[:, k : k + 1], beta[:, k], out=tmp)
    out += alpha
    return out


def _gram(M: np.ndarray, V: np.ndarray, *, per_column: bool) -> np.ndarray:
    """Masked Gram matrices from matrix-vector products.

    With ``per_column``: ``sum_i M_ij v_i v_i'`` for each column ``j`` of ``M`` (``V`` has one
    row per row of ``M``); else ``sum_j M_ij v_j v_j'`` for each row ``i``. One matrix-vector
    product per pair of columns of ``V`` (3 in 1-D).

    The iterations use ``np.einsum`` rather than BLAS for these skinny products: they are small,
    and a multithreaded BLAS keeps its worker threads spinning between calls, which on a busy
    machine slows the whole iteration several times over (measured: 3x on two cores).

    Returns
    -------
    ndarray of shape (n_columns or n_rows of M, k, k)
    """
    k = V.shape[1]
    out = np.empty((M.shape[1] if per_column else M.shape[0], k, k))
    for a in range(k):  # pairs of columns of V: at most a handful
        for b in range(a, k):
            w = V[:, a] * V[:, b]
            out[:, a, b] = np.einsum("ij,i->j", M, w) if per_column else np.einsum("ij,j->i", M, w)
            out[:, b, a] = out[:, a, b]
    return out


def _sum_log(values: np.ndarray) -> float:
    """``sum(log(values))`` for positive values, with one logarithm per 8 values.

    Products of 8 values of ``erfcx(t)`` with ``t >= -6`` stay within about 1e-130 to 1e128,
    far from under- or overflow, and the logarithm is the slow part of the sum.
    """
    flat = values.ravel()
    k = flat.size // 8 * 8
    blocks = flat[:k].reshape(8, -1)
    prod = blocks[0] * blocks[1]
    for i in range(2, 8):  # the 8 blocks, not members or votes
        prod *= blocks[i]
    return float(np.log(prod).sum() + np.log(flat[k:]).sum())


def e_step(t: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The E-step's one special function, shared by the fit and the windows.

    ``t`` holds ``-z / sqrt(2)`` for ``z = s mu`` (``s`` = +1 yea, -1 nay, 0 missing); it is
    clipped in place at -6 (exact to double precision). Returns ``ex = erfcx(t)`` (into
    ``out``), from which ``phi(z) / Phi(z) = sqrt(2/pi) / ex`` (the inverse Mills ratio:
    ``E[y*] - mu = s sqrt(2/pi) / ex``) and ``log Phi(z) = log(ex) - t^2 - log 2``.
    """
    np.maximum(t, _T_MIN, out=t)
    return erfcx(t, out=out) if out is not None else erfcx(t)


def em_map(
    x: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    P: Problem,
    *,
    with_objective: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """One PX-ECM iteration: E-step, item M-step with parameter expansion, member M-step.

    E-step: for a yea, ``E[y* | y* > 0] = mu + phi(mu) / Phi(mu)``; for a nay,
    ``E[y* | y* < 0] = mu - phi(mu) / Phi(-mu)`` (inverse Mills ratios of the truncated
    normal); a missing vote drops out. With ``z = s mu`` (``s`` = +1 yea, -1 nay) and
    ``t = -z / sqrt(2)``, ``phi(z) / Phi(z) = sqrt(2/pi) / erfcx(t)`` and
    ``log Phi(z) = log(erfcx(t) / 2) - t^2``, both stable for any ``z``.

    Item step: a ridge regression of ``E[y*_ij]`` on ``[1, x_i]`` over the members who voted
    on ``j``, with prior precision ``1 / prior_var_beta``, followed by the
    parameter-expansion step of Liu, Rubin & Wu (1998): the latent utilities of roll call ``j``
    get a working scale, ``y*_ij ~ N(mu_ij / tau_j, 1 / tau_j^2)``, which leaves the vote
    probabilities unchanged. Maximising the expected complete-data log posterior jointly over
    the item parameters and ``tau_j`` gives the ridge estimate times
    ``tau_j = sqrt(n_j / (sum_i E[y*_ij^2] - c_j' Z' E[y*_j]))`` in closed form. This
    speeds up plain EM's slow growth of the discrimination parameters (on s109 EM stops
    much nearer the posterior mode with it). The member step
    then maximises the same function over ``x`` (a ridge regression of ``tau_j E[y*_ij] -
    alpha_j`` on ``beta_j``). Every step maximises the same expected complete-data log
    posterior, so the observed-data log posterior never decreases.

    Returns
    -------
    x, alpha, beta : the updated parameters
    objective : float
        Log posterior at the *input* parameters (NaN if ``with_objective`` is false).
    """
    n, d = x.shape
    M = P.M
    mu, t, ex = P.work
    _linear_predictor(x, alpha, beta, out=mu, tmp=t)
    np.multiply(P.S_t, mu, out=t)
    if alpha.any() or beta.any():
        e_step(t, out=ex)
    else:  # the usual start, mu = 0: erfcx(0) = 1 (t = 0 needs no clipping)
        ex.fill(1.0)
    objective = np.nan
    if with_objective:
        prior = log_prior(x, alpha, beta, P.prior_var_x, P.prior_var_beta)
        tt = float(np.einsum("ij,ij->", t, t))
    # g = s * phi/Phi = E[y*] - mu on cast votes (0 on missing ones); stored in t.
    g = np.divide(P.S_ratio, ex, out=t)
    if with_objective:
        loglik = _sum_log(ex) - tt - P.n_obs * _LOG2
        objective = loglik + prior
    ME = np.multiply(M, mu, out=ex)
    ME += g  # E[y*] on cast votes, 0 on missing ones
    # Item step: ridge regression on Z = [1, x] over the members who voted. Z'MZ has the vote
    # counts in its corner, M'x in its margins and the masked Gram matrix of x inside.
    A = np.empty((M.shape[1], d + 1, d + 1))
    A[:, 0, 0] = P.n_obs_votes
    A[:, 1:, 1:] = _gram(M, x, per_column=True)
    rhs = np.empty((M.shape[1], d + 1))
    rhs[:, 0] = ME.sum(axis=0)
    for k in range(d):  # dimensions
        A[:, 0, k + 1] = A[:, k + 1, 0] = np.einsum("ij,i->j", M, x[:, k])
        rhs[:, k + 1] = np.einsum("ij,i->j", ME, x[:, k])
    A += np.eye(d + 1) / P.prior_var_beta
    coef = solve_batch(A, rhs)
    # Parameter expansion: sum_i E[y*^2] = n_j + sum_i E[y*] mu (see the docstring).
    second = P.n_obs_votes + np.einsum("ij,ij->j", ME, mu)
    tau = np.sqrt(P.n_obs_votes / (second - np.einsum("jk,jk->j", coef, rhs)))
    coef *= tau[:, None]
    new_alpha = coef[:, 0]
    new_beta = coef[:, 1:]
    # Member step: x_i = (B' M_i B + I / v)^-1 sum_j M_ij b_j (tau_j E[y*_ij] - a_j).
    Ax = _gram(M, new_beta, per_column=False)
    Ax += np.eye(d) / P.prior_var_x
    rx = np.einsum("ij,jk->ik", ME, new_beta * tau[:, None])
    rx -= np.einsum("ij,jk->ik", M, new_beta * new_alpha[:, None])
    new_x = solve_batch(Ax, rx)
    if d > 1:
        new_x, new_beta = _principal_axes(new_x, new_beta)
    return new_x, new_alpha, new_beta, objective


def _principal_axes(x: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotate ``x`` (and ``beta`` with it) to the principal axes of ``x``.

    The posterior is invariant to rotations ``x -> x R``, ``beta -> beta R`` (the likelihood
    depends on ``beta_j' x_i`` and both priors are isotropic), so this changes nothing but
    stops the iterates from drifting along that flat direction, which would otherwise delay
    the correlation-based convergence test. Axis signs are chosen to keep ``R`` close to the
    identity (``diag(R) > 0``), so successive iterates stay aligned.
    """
    xc = x - x.mean(axis=0)
    _, vecs = np.linalg.eigh(xc.T @ xc)
    R = vecs[:, ::-1]
    R = R * np.where(np.diag(R) < 0, -1.0, 1.0)
    return x @ R, beta @ R


def _pack(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return np.concatenate([x.ravel(), alpha, beta.ravel()])


def _unpack(theta: np.ndarray, n: int, m: int, d: int) -> tuple[np.ndarray, ...]:
    x = theta[: n * d].reshape(n, d)
    alpha = theta[n * d : n * d + m]
    beta = theta[n * d + m :].reshape(m, d)
    return x, alpha, beta


def run_em(
    P: Problem,
    state: EMState,
    *,
    max_iter: int,
    tol: float,
    accelerate: bool = True,
) -> EMState:
    """Iterate :func:`em_map` from ``state`` until convergence or ``max_iter`` iterations.

    Convergence (emIRT's rule): ``1 - min correlation`` between an iterate and its EM update,
    over the ideal points, the difficulties and each column of the discriminations, is below
    ``tol``. The iterate that passed the test is returned.

    With ``accelerate``, the EM map is extrapolated with a safeguard that never lets the log
    posterior fall: Anderson acceleration (:func:`_anderson`) in one dimension, SQUAREM
    (:func:`_squarem`) in more. Measured numbers of EM evaluations (1-D / 2-D):

    ============  =========  =========  ==========
    data          plain EM   SQUAREM    Anderson
    ============  =========  =========  ==========
    s109          82 / -     26 / 96    20 / 270
    Senate 107    -          36 / 47    21 / 33
    Senate 111    -          36 / 55    25 / 37
    House 107     -          31 / 35    21 / 29
    ============  =========  =========  ==========

    Anderson needs fewer evaluations, but on s109 in 2-D it crawls along a flat direction of
    the posterior, where SQUAREM does not; hence the split.

    ``state.objective`` receives the log posterior of every iterate the algorithm moved to
    (every EM iterate without acceleration; the accepted iterates with it), so it never
    decreases.
    """
    n, d = state.x.shape
    m = state.alpha.shape[0]
    x, alpha, beta = state.x, state.alpha, state.beta
    objective: list[float] = []
    n_iter = 0
    converged = False
    if not accelerate:
        while n_iter < max_iter:
            new_x, new_alpha, new_beta, obj = em_map(x, alpha, beta, P)
            n_iter += 1
            objective.append(obj)
            r = min_correlation([new_x, new_alpha, new_beta], [x, alpha, beta])
            if 1.0 - r < tol:
                converged = True
                break
            x, alpha, beta = new_x, new_alpha, new_beta
        else:
            objective.append(em_map(x, alpha, beta, P)[3])
        return EMState(x, alpha, beta, n_iter=n_iter, converged=converged, objective=objective)

    theta0 = _pack(x, alpha, beta)
    if d == 1:
        return _anderson(P, theta0, (n, m, d), max_iter=max_iter, tol=tol)
    return _squarem(P, theta0, (n, m, d), max_iter=max_iter, tol=tol)


def _finish(
    P: Problem,
    theta: np.ndarray,
    shape: tuple[int, int, int],
    n_iter: int,
    converged: bool,
    objective: list[float],
) -> EMState:
    """The final state; the log posterior of the last iterate if it was not yet computed."""
    x, alpha, beta = (np.array(a) for a in _unpack(theta, *shape))
    if not converged:
        objective.append(em_map(x, alpha, beta, P)[3])
    return EMState(x, alpha, beta, n_iter=n_iter, converged=converged, objective=objective)


def _anderson(
    P: Problem,
    theta: np.ndarray,
    shape: tuple[int, int, int],
    *,
    max_iter: int,
    tol: float,
    memory: int = 5,
) -> EMState:
    """Anderson acceleration of the EM map (Walker & Ni 2011; for EM, Henderson & Varadhan
    2019), with a monotonicity safeguard.

    With ``G_k = F(theta_k)`` and residuals ``f_k = G_k - theta_k`` over the last ``memory``
    iterations, the next iterate is ``G_k - sum_i gamma_i (G_{i+1} - G_i)`` with ``gamma`` the
    least-squares fit of ``f_k`` on the residual differences. If its log posterior is below
    that of ``theta_k``, the algorithm moves to the plain EM update ``G_k`` instead (whose log
    posterior is at least ``theta_k``'s) and clears the history.
    """
    objective: list[float] = []
    residuals: list[np.ndarray] = []
    updates: list[np.ndarray] = []
    fallback: np.ndarray | None = None
    base_obj = -np.inf
    n_iter = 0
    converged = False
    while n_iter < max_iter:
        x1, a1, b1, obj = em_map(*_unpack(theta, *shape), P)
        n_iter += 1
        if fallback is not None and not obj >= base_obj:
            theta, fallback = fallback, None
            residuals.clear()
            updates.clear()
            continue
        fallback = None
        objective.append(obj)
        base_obj = obj
        r = min_correlation([x1, a1, b1], list(_unpack(theta, *shape)))
        if 1.0 - r < tol:
            converged = True
            break
        update = _pack(x1, a1, b1)
        residuals.append(update - theta)
        updates.append(update)
        if len(residuals) > memory + 1:
            residuals.pop(0)
            updates.pop(0)
        if len(residuals) < 2:
            theta = update
            continue
        d_res = np.diff(np.array(residuals), axis=0)
        d_upd = np.diff(np.array(updates), axis=0)
        gamma, *_ = np.linalg.lstsq(d_res.T, residuals[-1], rcond=None)
        theta = update - gamma @ d_upd
        fallback = update
    if fallback is not None:  # stopped at max_iter on an unchecked extrapolation
        theta = fallback
    return _finish(P, theta, shape, n_iter, converged, objective)


def _squarem(
    P: Problem,
    theta0: np.ndarray,
    shape: tuple[int, int, int],
    *,
    max_iter: int,
    tol: float,
) -> EMState:
    """SQUAREM cycles (Varadhan & Roland 2008, scheme S3) with a monotonicity safeguard.

    Two EM updates ``theta1 = F(theta0)``, ``theta2 = F(theta1)`` give ``r = theta1 - theta0``
    and ``v = theta2 - 2 theta1 + theta0``; the next cycle starts from
    ``theta0 + 2 s r + s^2 v`` with ``s = |r| / |v|`` (at least 1, at most an adaptive cap)
    when its log posterior is not below that of ``theta0``, else from ``theta2``.
    """
    n, m, d = shape
    objective: list[float] = []
    n_iter = 0
    converged = False
    step_max = 1.0
    fallback: np.ndarray | None = None  # theta2 of the last cycle while theta0 is extrapolated
    base_obj = -np.inf  # log posterior of the last accepted cycle start
    step = 1.0
    while n_iter < max_iter:
        x1, a1, b1, obj0 = em_map(*_unpack(theta0, n, m, d), P)
        n_iter += 1
        if fallback is not None and not obj0 >= base_obj:
            # The extrapolated start lost ground: restart from theta2 (an EM iterate, whose
            # log posterior is at least that of the last cycle start) with a shorter cap.
            theta0, fallback = fallback, None
            step_max = max(1.0, step / 4.0)
            continue
        fallback = None
        objective.append(obj0)
        base_obj = obj0
        r = min_correlation([x1, a1, b1], list(_unpack(theta0, n, m, d)))
        if 1.0 - r < tol:
            converged = True
            break
        theta1 = _pack(x1, a1, b1)
        if n_iter >= max_iter:
            theta0 = theta1
            break
        theta2 = _pack(*em_map(x1, a1, b1, P, with_objective=False)[:3])
        n_iter += 1
        r_vec = theta1 - theta0
        v_vec = theta2 - theta1 - r_vec
        v_norm = float(np.sqrt(v_vec @ v_vec))
        step = float(np.sqrt(r_vec @ r_vec)) / v_norm if v_norm > 0 else 1.0
        step = min(max(step, 1.0), step_max)
        if step == step_max:
            step_max *= 4.0
        if step == 1.0:  # the S3 point for s = 1 is theta2 itself: nothing to check
            theta0 = theta2
        else:
            theta0 = theta0 + (2.0 * step) * r_vec + (step * step) * v_vec
            fallback = theta2
    if fallback is not None:  # stopped at max_iter on an unchecked extrapolation
        theta0 = fallback
    return _finish(P, theta0, shape, n_iter, converged, objective)


def identify(
    x: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    sign_ref: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotate to principal axes (2+ dimensions), rescale to mean 0 and sd 1 per dimension and
    fix signs; item parameters follow.

    With ``x = s x' + c``: ``alpha' = alpha + beta c`` and ``beta' = beta * s``, so the linear
    predictors (and the likelihood) are unchanged.

    Parameters
    ----------
    x : ndarray of shape (n, d)
    alpha : ndarray of shape (m,)
    beta : ndarray of shape (m, d)
    sign_ref : ndarray of bool, shape (n,) or (n, k) with k <= d, optional
        Dimension ``k`` is flipped when the mean of the flagged rows in column ``k`` (column 0
        for a 1-D array) is negative. Dimensions without a column keep their sign.
    """
    if x.shape[1] > 1:
        # The posterior is invariant to rotations (x -> x R, beta -> beta R with R orthogonal:
        # the likelihood depends on beta_j' x_i and both priors are isotropic). Rotate to the
        # principal axes of the ideal points, so that dimension 1 has the most variance and the
        # dimensions are uncorrelated.
        xc = x - x.mean(axis=0)
        _, vecs = np.linalg.eigh(xc.T @ xc)
        R = vecs[:, ::-1]
        x = x @ R
        beta = beta @ R
    c = x.mean(axis=0)
    s = x.std(axis=0)
    s = np.where(s > 0, s, 1.0)
    alpha = alpha + beta @ c
    beta = beta * s
    x = (x - c) / s
    if sign_ref is not None:
        ref = sign_ref.reshape(sign_ref.shape[0], -1)
        flip = np.ones(x.shape[1])
        for k in range(min(ref.shape[1], x.shape[1])):  # at most n_dims: tiny
            rows = ref[:, k]
            if rows.any() and x[rows, k].mean() < 0:
                flip[k] = -1.0
        x = x * flip
        beta = beta * flip
    return x, alpha, beta


def vote_probabilities(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Probability of a yea, ``Phi(alpha_j + beta_j' x_i)``, shape (n, m)."""
    return ndtr(alpha + x @ beta.T)
