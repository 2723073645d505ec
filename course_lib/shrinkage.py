"""Fast partial pooling of binomial counts: adaptive Gauss-Hermite quadrature on a grid.

The model is the classrooms' multilevel binomial,

    passed_j ~ Binomial(n_j, logistic(a_j)),  a_j ~ Normal(a_bar, sigma),
    a_bar ~ Normal(0, 1.5),                   sigma ~ Exponential(1).

:func:`conditional_means` integrates each ``a_j`` out exactly (to quadrature error) for given
``a_bar`` and ``sigma``, centring the quadrature at each classroom's posterior mode (as lme4's
``nAGQ`` does), so it stays accurate from ``sigma = 0`` to very large ``sigma`` and for classrooms
where everyone or no one passed. :func:`partial_pooling` then integrates ``a_bar`` and ``sigma``
over a grid: full Bayes, in milliseconds, for the shrinkage explorer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, gammaln

from . import _checks

_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(15)


def _counts(passed, n_students) -> tuple[np.ndarray, np.ndarray]:
    passed, n = np.asarray(passed), np.asarray(n_students)
    if passed.shape != n.shape or passed.ndim != 1 or passed.size == 0:
        raise ValueError(f"passed and n_students must be 1-D and of the same length, "
                         f"got shapes {passed.shape} and {n.shape}")
    for name, arr in (("passed", passed), ("n_students", n)):
        if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold whole numbers")
    if np.any(n < 1):
        raise ValueError("n_students must be at least 1 in every classroom")
    if np.any(passed < 0) or np.any(passed > n):
        raise ValueError("passed must lie between 0 and n_students in every classroom")
    return passed.astype(float), n.astype(float)


def _laplace(passed, n, a_bar, sigma):
    """Posterior mode and sd of each a_j given (a_bar, sigma), by damped Newton steps."""
    a = np.broadcast_to(a_bar, np.broadcast_shapes(np.shape(a_bar), passed.shape, np.shape(sigma))).copy()
    precision = 1.0 / sigma**2
    for _ in range(50):
        p = expit(a)
        grad = passed - n * p - (a - a_bar) * precision
        hess = -n * p * (1 - p) - precision
        step = np.clip(grad / hess, -2.0, 2.0)
        a = a - step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = expit(a)
    return a, 1.0 / np.sqrt(n * p * (1 - p) + precision)


def _quadrature(passed, n, a_bar, sigma):
    """Log marginal likelihood of each classroom and its posterior mean probability."""
    mode, sd = _laplace(passed, n, a_bar, sigma)
    a = mode[..., None] + np.sqrt(2.0) * sd[..., None] * _NODES
    log_binom = gammaln(n + 1) - gammaln(passed + 1) - gammaln(n - passed + 1)
    log_lik = log_binom[..., None] + passed[..., None] * a - n[..., None] * np.logaddexp(0, a)
    sig = np.asarray(sigma)[..., None]
    log_prior = -0.5 * ((a - np.asarray(a_bar)[..., None]) / sig) ** 2 - np.log(sig * np.sqrt(2 * np.pi))
    log_terms = log_lik + log_prior + _NODES**2 + np.log(_WEIGHTS)
    top = log_terms.max(axis=-1, keepdims=True)
    terms = np.exp(log_terms - top)
    total = terms.sum(axis=-1)
    log_marginal = np.log(total) + top[..., 0] + np.log(np.sqrt(2.0) * sd)
    return log_marginal, (terms * expit(a)).sum(axis=-1) / total


def conditional_means(passed, n_students, *, a_bar: float, sigma: float) -> np.ndarray:
    """Posterior mean probability of passing in each classroom, given ``a_bar`` and ``sigma``.

    Parameters
    ----------
    passed, n_students : array-like of int
        Students who passed, and students, in each classroom.
    a_bar : float
        Mean log-odds of the classrooms.
    sigma : float
        Their standard deviation; positive (use a tiny value for "no variation").

    Returns
    -------
    numpy.ndarray
        One probability per classroom. As ``sigma -> 0`` every value tends to
        ``logistic(a_bar)``; as ``sigma`` grows, to ``passed / n_students`` (for classrooms where
        some but not all passed).

    Raises
    ------
    ValueError
        If the counts are not whole numbers with ``0 <= passed <= n_students``, or ``sigma`` is
        not positive.

    Examples
    --------
    >>> conditional_means([3], [5], a_bar=0.0, sigma=1e4).round(3).tolist()
    [0.6]
    """
    passed, n = _counts(passed, n_students)
    a_bar = _checks.finite("a_bar", a_bar)
    sigma = _checks.positive("sigma", sigma)
    return _quadrature(passed, n, np.float64(a_bar), np.float64(sigma))[1]


def partial_pooling(passed, n_students, *, a_bar_sd: float = 1.5, sigma_rate: float = 1.0,
                    grid_size: int = 40) -> pd.DataFrame:
    """Posterior mean probability of passing in each classroom under the full multilevel model.

    ``a_bar`` and ``sigma`` are integrated over a ``grid_size`` x ``grid_size`` grid with their
    priors (``Normal(0, a_bar_sd)`` and ``Exponential(sigma_rate)``); each classroom's log-odds is
    integrated out by adaptive Gauss-Hermite quadrature.

    Parameters
    ----------
    passed, n_students : array-like of int
        Students who passed, and students, in each classroom.
    a_bar_sd : float, default 1.5
        Prior standard deviation of ``a_bar``.
    sigma_rate : float, default 1.0
        Rate of the exponential prior on ``sigma``.
    grid_size : int, default 40
        Grid points per hyperparameter (at least 5).

    Returns
    -------
    pandas.DataFrame
        One row per classroom: ``p_partial`` (posterior mean) and ``p_none`` (raw proportion).
        ``attrs`` holds the posterior means ``a_bar``, ``sigma`` and ``global_mean`` (the mean of
        ``logistic(a_bar)``: the pass rate of the median classroom, which half the classrooms exceed;
        not the mean classroom's pass rate).

    Raises
    ------
    ValueError
        If the counts or the prior settings are out of range.

    Examples
    --------
    >>> partial_pooling([5, 0, 3], [5, 5, 5])["p_partial"].between(0, 1).all()
    np.True_
    """
    passed, n = _counts(passed, n_students)
    a_bar_sd = _checks.positive("a_bar_sd", a_bar_sd)
    sigma_rate = _checks.positive("sigma_rate", sigma_rate)
    grid_size = _checks.integer("grid_size", grid_size, minimum=5)
    a_grid, s_grid, log_prior = _hyper_grid(passed, n, a_bar_sd, sigma_rate, grid_size)
    log_marginal, means = _quadrature(passed, n, a_grid[..., None], s_grid[..., None])
    log_post = log_prior + log_marginal.sum(axis=-1)
    weight = np.exp(log_post - log_post.max())
    weight /= weight.sum()
    out = pd.DataFrame({"p_partial": np.tensordot(weight, means, axes=([0, 1], [0, 1])),
                        "p_none": passed / n})
    out.attrs.update(a_bar=float(np.sum(weight * a_grid)), sigma=float(np.sum(weight * s_grid)),
                     global_mean=float(np.sum(weight * expit(a_grid))))
    return out


def _hyper_grid(passed, n, a_bar_sd, sigma_rate, size):
    """A grid over (a_bar, sigma) wide enough for the posterior, with the log prior on it."""
    pooled = np.log((passed.sum() + 0.5) / (n.sum() - passed.sum() + 0.5))
    a_values = np.linspace(pooled - 4.0, pooled + 4.0, size)
    s_values = np.linspace(0.0, 6.0 / sigma_rate, size + 1)[1:]
    a_grid, s_grid = np.meshgrid(a_values, s_values, indexing="ij")
    log_prior = -0.5 * (a_grid / a_bar_sd) ** 2 - sigma_rate * s_grid
    return a_grid, s_grid, log_prior


def error_table(df: pd.DataFrame, *, estimates=("p_none", "p_partial"), truth: str = "true_p",
                size: str = "n_students", loss: str = "absolute") -> pd.DataFrame:
    """Mean absolute (or root-mean-square) error of each estimate against the truth, by class size.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per classroom, with the estimate columns, the truth and the size.
    estimates : sequence of str
        Columns of estimated probabilities.
    truth, size : str
        Columns of true probabilities and of class sizes.
    loss : {"absolute", "squared"}, default "absolute"
        ``"absolute"``: the mean of ``|estimate - truth|``. ``"squared"``: the root-mean-square error,
        the square root of the mean of ``(estimate - truth) ** 2`` (on the scale of a probability, like
        the absolute error; the posterior mean is the estimate that minimises the expected squared error).

    Returns
    -------
    pandas.DataFrame
        Indexed by class size; one column of mean errors per estimate.

    Raises
    ------
    ValueError
        If a column is missing or ``loss`` is neither ``"absolute"`` nor ``"squared"``.

    Examples
    --------
    >>> d = pd.DataFrame({"n_students": [5, 5], "true_p": [0.5, 0.5], "p_none": [0.4, 0.8]})
    >>> error_table(d, estimates=["p_none"])["p_none"].round(2).tolist()
    [0.2]
    >>> error_table(d, estimates=["p_none"], loss="squared")["p_none"].round(3).tolist()
    [0.224]
    """
    _checks.frame("df", df, [*estimates, truth, size])
    if loss not in ("absolute", "squared"):
        raise ValueError(f"loss must be 'absolute' or 'squared', got {loss!r}")
    errors = df[list(estimates)].sub(df[truth], axis=0)
    if loss == "absolute":
        return errors.abs().groupby(df[size]).mean()
    return (errors**2).groupby(df[size]).mean() ** 0.5


def replicate_errors(*, n_sims: int, a_bar: float, sigma: float, n_students=(5, 10, 25, 35),
                     n_per_size: int = 15, rng: np.random.Generator, a_bar_sd: float = 1.5,
                     sigma_rate: float = 1.0, loss="absolute") -> pd.DataFrame:
    """Simulate ``n_sims`` schools and measure each estimator's error against the truth.

    Each school is :func:`course_lib.simulate.classrooms`; it is estimated by no pooling (raw
    proportions) and by :func:`partial_pooling`. One row per school and class size.

    Parameters
    ----------
    n_sims : int
        Number of simulated schools.
    a_bar, sigma, n_students, n_per_size :
        The simulation's truth and design, as in :func:`course_lib.simulate.classrooms`.
    rng : numpy.random.Generator
    a_bar_sd, sigma_rate : float
        The estimator's priors, as in :func:`partial_pooling`.
    loss : {"absolute", "squared"} or a sequence of them, default "absolute"
        How an error is measured, as in :func:`error_table`: mean absolute error, or root-mean-square
        error. Several losses measure the same simulated schools, one row per loss.

    Returns
    -------
    pandas.DataFrame
        Columns ``sim``, ``n_students``, ``error_none`` and ``error_partial`` (mean errors of the
        classrooms of that size, by ``loss``) and ``difference`` (``error_none - error_partial``:
        positive where partial pooling did better); with several losses, also ``loss``.

    Examples
    --------
    >>> t = replicate_errors(n_sims=2, a_bar=1.5, sigma=1.5, n_per_size=3, rng=np.random.default_rng(1))
    >>> t.shape
    (8, 5)
    >>> replicate_errors(n_sims=2, a_bar=1.5, sigma=1.5, n_per_size=3, rng=np.random.default_rng(1),
    ...                  loss=("absolute", "squared")).shape
    (16, 6)
    """
    from . import simulate

    n_sims = _checks.integer("n_sims", n_sims)
    rng = _checks.rng(rng)
    losses = (loss,) if isinstance(loss, str) else tuple(loss)
    if not losses or any(name not in ("absolute", "squared") for name in losses):
        raise ValueError(f"loss must be 'absolute' or 'squared' (or a sequence of them), got {loss!r}")
    rows = []
    for sim in range(n_sims):
        df = simulate.classrooms(a_bar=a_bar, sigma=sigma, n_students=n_students, n_per_size=n_per_size, rng=rng)
        fast = partial_pooling(df["passed"], df["n_students"], a_bar_sd=a_bar_sd, sigma_rate=sigma_rate)
        df = df.assign(p_none=df["passed"] / df["n_students"], p_partial=fast["p_partial"].to_numpy())
        for name in losses:
            table = error_table(df, loss=name).rename(columns={"p_none": "error_none", "p_partial": "error_partial"})
            rows.append(table.reset_index().assign(sim=sim, loss=name))
    out = pd.concat(rows, ignore_index=True)
    out["difference"] = out["error_none"] - out["error_partial"]
    return out[["sim", *(["loss"] if len(losses) > 1 else []), "n_students", "error_none", "error_partial",
                "difference"]]


class PairCache:
    """Partial pooling on a *fixed* hyper-grid, remembering each (passed, n) pair's integrals.

    :func:`partial_pooling` centres its grid on each data set's pooled proportion, so nothing can be
    reused between data sets. Here the grid is fixed (``a_bar`` in [-7, 7], ``sigma`` in (0, 6/rate]),
    so a classroom's marginal likelihood and conditional mean on it depend only on its
    ``(passed, n)``; they are computed once and reused. With class sizes 5, 10, 25 and 35 there are
    only 79 possible pairs, so after a few simulations every redraw of the shrinkage explorer is a
    lookup and a weighted sum. The answer is the same model's posterior mean, on a different grid:
    it agrees with :func:`partial_pooling` to a few thousandths.

    Examples
    --------
    >>> cache = PairCache()
    >>> cache.partial_pooling([5, 0, 3], [5, 5, 5])["p_partial"].between(0, 1).all()
    np.True_
    """

    def __init__(self, *, a_bar_sd: float = 1.5, sigma_rate: float = 1.0, a_points: int = 57,
                 sigma_points: int = 40):
        self.a_bar_sd = _checks.positive("a_bar_sd", a_bar_sd)
        self.sigma_rate = _checks.positive("sigma_rate", sigma_rate)
        a_values = np.linspace(-7.0, 7.0, _checks.integer("a_points", a_points, minimum=5))
        s_values = np.linspace(0.0, 6.0 / self.sigma_rate, _checks.integer("sigma_points", sigma_points, minimum=5) + 1)[1:]
        self.a_grid, self.s_grid = np.meshgrid(a_values, s_values, indexing="ij")
        self.log_prior = -0.5 * (self.a_grid / self.a_bar_sd) ** 2 - self.sigma_rate * self.s_grid
        self._pairs: dict = {}

    def _integrals(self, passed: np.ndarray, n: np.ndarray):
        keys = list(zip(passed.tolist(), n.tolist()))
        missing = sorted({k for k in keys if k not in self._pairs})
        if missing:
            mp = np.array([k[0] for k in missing], dtype=float)
            mn = np.array([k[1] for k in missing], dtype=float)
            log_marginal, means = _quadrature(mp, mn, self.a_grid[..., None], self.s_grid[..., None])
            for i, key in enumerate(missing):
                self._pairs[key] = (log_marginal[..., i], means[..., i])
        return keys

    def partial_pooling(self, passed, n_students) -> pd.DataFrame:
        """As :func:`partial_pooling` (same columns and ``attrs``), on the fixed grid."""
        passed, n = _counts(passed, n_students)
        keys = self._integrals(passed, n)
        log_post = self.log_prior + sum(self._pairs[k][0] for k in keys)
        weight = np.exp(log_post - log_post.max())
        weight /= weight.sum()
        means = {k: float(np.sum(weight * self._pairs[k][1])) for k in set(keys)}
        out = pd.DataFrame({"p_partial": [means[k] for k in keys], "p_none": passed / n})
        out.attrs.update(a_bar=float(np.sum(weight * self.a_grid)), sigma=float(np.sum(weight * self.s_grid)),
                         global_mean=float(np.sum(weight * expit(self.a_grid))))
        return out
