"""Simulators: pure functions of the model's parameters and an ``rng``, returning tidy frames.

Every simulator keeps the parameters it was given, and any group-level values it drew, in
``df.attrs["truth"]``, so a chapter can fit the data back and compare with the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks


def single_stream(*, n: int = 100, a: float = 3.0, b: float = 0.5, sigma: float = 0.5,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Simulate Allie's one-stream model: ``time ~ Normal(a + b * size, sigma)``, ``size ~ Normal(0, 1)``.

    Parameters
    ----------
    n : int, default 100
        Number of lizards.
    a, b : float, default 3.0 and 0.5
        Intercept and slope of diving time on (standardised) size.
    sigma : float, default 0.5
        Residual standard deviation, positive.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Columns ``size`` and ``time``; ``attrs["truth"]`` holds ``a``, ``b``, ``sigma``.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, ``sigma`` is not positive, or ``rng`` is not a Generator.

    Examples
    --------
    >>> single_stream(n=3, rng=np.random.default_rng(1)).shape
    (3, 2)
    """
    n = _checks.integer("n", n)
    a, b = _checks.finite("a", a), _checks.finite("b", b)
    sigma = _checks.positive("sigma", sigma)
    rng = _checks.rng(rng)
    size = rng.normal(size=n)
    df = pd.DataFrame({"size": size, "time": rng.normal(a + b * size, sigma)})
    df.attrs["truth"] = {"a": a, "b": b, "sigma": sigma}
    return df


def streams(*, n_per_stream, a_bar: float = 5.0, sigma_a: float = 1.5, b: float = 0.5,
            sigma: float = 1.0, size_between: float = 0.0, rng: np.random.Generator) -> pd.DataFrame:
    """Simulate the varying-intercepts stream model.

    ``a_j ~ Normal(a_bar, sigma_a)`` for each stream, ``size ~ Normal(m_j, 1)`` and
    ``time ~ Normal(a_stream[i] + b * size, sigma)``, where a stream's mean size is
    ``m_j = -size_between * (a_j - a_bar) / sigma_a``: with ``size_between > 0`` the streams with
    long dives have small lizards, so size and stream are confounded as in the anole data.

    Parameters
    ----------
    n_per_stream : sequence of int
        Lizards caught in each stream (each at least 1); its length is the number of streams.
    a_bar, sigma_a : float, default 5.0 and 1.5
        Mean and standard deviation (non-negative) of the stream intercepts.
    b : float, default 0.5
        Common slope on size.
    sigma : float, default 1.0
        Residual standard deviation, positive.
    size_between : float, default 0
        How far (in sds of size) a stream one ``sigma_a`` above the mean intercept has its mean
        size below 0; 0 draws size independently of stream.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Columns ``stream`` (categorical, 1..J), ``size``, ``time``; ``attrs["truth"]`` holds the
        parameters and the drawn intercepts ``a`` (one per stream).

    Raises
    ------
    ValueError
        If any argument is out of range.

    Examples
    --------
    >>> df = streams(n_per_stream=[1, 3], rng=np.random.default_rng(1))
    >>> len(df), len(df.attrs["truth"]["a"])
    (4, 2)
    """
    b, size_between = _checks.finite("b", b), _checks.finite("size_between", size_between)
    a_bar, sigma_a, sigma, rng, a, stream_idx, stream = _groups("n_per_stream", n_per_stream, a_bar, sigma_a,
                                                                sigma, rng)
    shift = -size_between * (a - a_bar) / sigma_a if sigma_a > 0 else np.zeros(a.size)
    size = rng.normal(size=stream_idx.size) + shift[stream_idx]
    time = rng.normal(a[stream_idx] + b * size, sigma)
    df = pd.DataFrame({"stream": stream, "size": size, "time": time})
    df.attrs["truth"] = {"a_bar": a_bar, "sigma_a": sigma_a, "b": b, "sigma": sigma, "size_between": size_between, "a": a}
    return df


def varying_intercepts(*, n_per_group, a_bar: float = 0.0, sigma_a: float = 1.0, sigma: float = 1.0,
                       rng: np.random.Generator) -> pd.DataFrame:
    """Simulate the varying-intercepts model, ``y_i ~ Normal(a[group[i]], sigma)``, ``a_j ~ Normal(a_bar, sigma_a)``.

    Parameters
    ----------
    n_per_group : sequence of int
        Observations in each group (each at least 1); its length is the number of groups.
    a_bar, sigma_a : float, default 0.0 and 1.0
        Mean and standard deviation (non-negative) of the group intercepts.
    sigma : float, default 1.0
        Residual standard deviation, positive.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (categorical, 1..J) and ``y``; ``attrs["truth"]`` holds the parameters and
        the drawn intercepts ``a`` (one per group).

    Raises
    ------
    ValueError
        If any argument is out of range.

    Examples
    --------
    >>> df = varying_intercepts(n_per_group=[1, 3], rng=np.random.default_rng(1))
    >>> len(df), df["group"].nunique(), len(df.attrs["truth"]["a"])
    (4, 2, 2)
    """
    a_bar, sigma_a, sigma, rng, a, group_idx, group = _groups("n_per_group", n_per_group, a_bar, sigma_a, sigma, rng)
    df = pd.DataFrame({"group": group, "y": rng.normal(a[group_idx], sigma)})
    df.attrs["truth"] = {"a_bar": a_bar, "sigma_a": sigma_a, "sigma": sigma, "a": a}
    return df


def _groups(name: str, counts, a_bar, sigma_a, sigma, rng):
    """Check the arguments every varying-intercepts simulator shares and draw its groups.

    Returns the checked ``a_bar``, ``sigma_a``, ``sigma`` and ``rng``, the intercepts ``a`` (one per
    group, drawn first from ``rng``), each row's group index, and the categorical group column (1..J).
    """
    n = _counts(name, counts)
    a_bar = _checks.finite("a_bar", a_bar)
    sigma_a = _checks.positive("sigma_a", sigma_a, allow_zero=True)
    sigma = _checks.positive("sigma", sigma)
    rng = _checks.rng(rng)
    a = rng.normal(a_bar, sigma_a, size=len(n))
    idx = np.repeat(np.arange(len(n)), n)
    return a_bar, sigma_a, sigma, rng, a, idx, pd.Categorical(idx + 1, categories=np.arange(1, len(n) + 1))


def _counts(name: str, values) -> np.ndarray:
    """Return ``values`` as an int array of positive counts, or raise."""
    try:
        arr = np.asarray(values)
    except Exception as exc:  # pragma: no cover - numpy accepts nearly anything
        raise ValueError(f"{name} must be a sequence of positive integers") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of integers, got {values!r}")
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
        raise ValueError(f"{name} must hold whole numbers, got {values!r}")
    if np.any(arr < 1):
        raise ValueError(f"{name} must hold counts of at least 1, got {values!r}")
    return arr.astype(int)


def classrooms(*, a_bar: float = 1.5, sigma: float = 1.5, n_students=(5, 10, 25, 35),
               n_per_size: int = 15, rng: np.random.Generator) -> pd.DataFrame:
    """Simulate students passing an exam in classrooms of several sizes.

    ``a_j ~ Normal(a_bar, sigma)`` is classroom j's log-odds of passing, and
    ``passed_j ~ Binomial(n_j, logistic(a_j))``. Priors play no part: they describe what we
    know, not how the data are made.

    Parameters
    ----------
    a_bar : float, default 1.5
        Mean log-odds of passing across classrooms.
    sigma : float, default 1.5
        Standard deviation of the classrooms' log-odds, non-negative.
    n_students : sequence of int, default (5, 10, 25, 35)
        The class sizes.
    n_per_size : int, default 15
        Classrooms of each size.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        One row per classroom: ``classroom`` (1..J), ``n_students``, ``passed``,
        ``true_log_odds``, ``true_p``; ``attrs["truth"]`` holds ``a_bar`` and ``sigma``.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> classrooms(rng=np.random.default_rng(1)).shape
    (60, 5)
    """
    a_bar = _checks.finite("a_bar", a_bar)
    sigma = _checks.positive("sigma", sigma, allow_zero=True)
    sizes = _counts("n_students", n_students)
    n_per_size = _checks.integer("n_per_size", n_per_size)
    rng = _checks.rng(rng)
    n = np.repeat(sizes, n_per_size)
    log_odds = rng.normal(a_bar, sigma, size=n.size)
    p = 1 / (1 + np.exp(-log_odds))
    df = pd.DataFrame({
        "classroom": np.arange(1, n.size + 1),
        "n_students": n,
        "passed": rng.binomial(n, p),
        "true_log_odds": log_odds,
        "true_p": p,
    })
    df.attrs["truth"] = {"a_bar": a_bar, "sigma": sigma}
    return df


def covariance(sigma_a: float, sigma_b: float, rho: float) -> np.ndarray:
    """The 2×2 covariance matrix ``diag(sigmas) @ R @ diag(sigmas)`` of two correlated effects.

    Variances on the diagonal, the covariance ``rho * sigma_a * sigma_b`` off it.

    Parameters
    ----------
    sigma_a, sigma_b : float
        Standard deviations, non-negative.
    rho : float
        Correlation, in [-1, 1].

    Returns
    -------
    numpy.ndarray of shape (2, 2)

    Examples
    --------
    >>> covariance(1.0, 0.5, -0.7)
    array([[ 1.  , -0.35],
           [-0.35,  0.25]])
    """
    sigmas = np.diag([_checks.positive("sigma_a", sigma_a, allow_zero=True),
                      _checks.positive("sigma_b", sigma_b, allow_zero=True)])
    rho = _checks.correlation("rho", rho)
    return sigmas @ np.array([[1.0, rho], [rho, 1.0]]) @ sigmas


def correlated_effects(*, n: int, a: float = 0.0, b: float = 0.0, sigma_a: float = 1.0,
                       sigma_b: float = 1.0, rho: float = 0.0, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` pairs ``(a_j, b_j)`` from a bivariate normal with the given sds and correlation.

    Works at ``rho = ±1`` (and at zero sds), where the covariance matrix is singular and every
    draw lies on a line: the draws use ``a + sigma_a z1`` and
    ``b + sigma_b (rho z1 + sqrt(1 - rho²) z2)``, not a Cholesky factorisation.

    Parameters
    ----------
    n : int
        Number of draws.
    a, b : float
        Means.
    sigma_a, sigma_b : float
        Standard deviations, non-negative.
    rho : float
        Correlation, in [-1, 1].
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns ``a`` and ``b``; ``attrs["truth"]`` holds the arguments.

    Examples
    --------
    >>> d = correlated_effects(n=5, rho=1.0, rng=np.random.default_rng(0))
    >>> bool(np.allclose(d["a"], d["b"]))
    True
    """
    n = _checks.integer("n", n)
    a, b = _checks.finite("a", a), _checks.finite("b", b)
    covariance(sigma_a, sigma_b, rho)  # checks the three
    rng = _checks.rng(rng)
    z = rng.standard_normal((n, 2))
    out = pd.DataFrame({"a": a + sigma_a * z[:, 0],
                        "b": b + sigma_b * (rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1])})
    out.attrs["truth"] = {"a": a, "b": b, "sigma_a": sigma_a, "sigma_b": sigma_b, "rho": rho}
    return out


def cafes(*, n_cafes: int = 20, n_visits: int = 10, a: float = 3.5, b: float = -1.0, sigma_a: float = 1.0,
          sigma_b: float = 0.5, rho: float = -0.7, sigma: float = 0.5, rng: np.random.Generator) -> pd.DataFrame:
    """Simulate waiting times at cafes visited in the morning and in the afternoon.

    Cafe ``j`` has its own morning wait ``a_j`` and afternoon difference ``b_j``, drawn together from a
    bivariate normal with correlation ``rho`` (busy cafes have long morning waits *and* a large
    afternoon drop). Each cafe is visited ``n_visits`` times, half in the afternoon, and
    ``wait ~ Normal(a_j + b_j * afternoon, sigma)``.

    Parameters
    ----------
    n_cafes : int, default 20
    n_visits : int, default 10
        Visits per cafe, an even number (half mornings, half afternoons).
    a, b : float, default 3.5, -1
        Average morning wait and average afternoon difference, in minutes.
    sigma_a, sigma_b : float, default 1, 0.5
        Their standard deviations across cafes.
    rho : float, default -0.7
        Their correlation.
    sigma : float, default 0.5
        Visit-to-visit standard deviation.
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per visit: ``cafe`` (1..n_cafes), ``afternoon`` (0/1), ``wait``, and the cafe's true
        ``a_cafe`` and ``b_cafe``; ``attrs["truth"]`` holds the arguments.

    Raises
    ------
    ValueError
        If an argument is out of range, or ``n_visits`` is odd.

    Examples
    --------
    >>> cafes(rng=np.random.default_rng(1)).shape
    (200, 5)
    """
    n_cafes, n_visits = _checks.integer("n_cafes", n_cafes), _checks.integer("n_visits", n_visits, minimum=2)
    if n_visits % 2:
        raise ValueError(f"n_visits must be even (half mornings, half afternoons), got {n_visits}")
    sigma = _checks.positive("sigma", sigma, allow_zero=True)
    effects = correlated_effects(n=n_cafes, a=a, b=b, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, rng=rng)
    cafe = np.repeat(np.arange(n_cafes), n_visits)
    afternoon = np.tile(np.repeat([0, 1], n_visits // 2), n_cafes)
    mean = effects["a"].to_numpy()[cafe] + effects["b"].to_numpy()[cafe] * afternoon
    out = pd.DataFrame({"cafe": cafe + 1, "afternoon": afternoon, "wait": rng.normal(mean, sigma),
                        "a_cafe": effects["a"].to_numpy()[cafe], "b_cafe": effects["b"].to_numpy()[cafe]})
    out.attrs["truth"] = {**effects.attrs["truth"], "sigma": sigma, "n_cafes": n_cafes, "n_visits": n_visits}
    return out


def voting(*, n_states: int = 50, voters=(50, 600), slope: float = 0.4, slope_by_wealth: float = -0.3,
           intercept_by_wealth: float = -0.6, sigma_intercept: float = 0.3, sigma_slope: float = 0.05,
           rng: np.random.Generator) -> pd.DataFrame:
    """Simulate votes by income in states, Gelman's "red state, blue state" pattern.

    **Simulated, not real data.** Each state has a wealth ``w_s ~ Normal(0, 1)``. A voter with income
    ``x`` in {-2, -1, 0, 1, 2} votes Republican with probability
    ``logistic(a_s + b_s * x)``, where richer states lean Democratic
    (``a_s = intercept_by_wealth * w_s + noise``) and income matters more in poorer states
    (``b_s = slope + slope_by_wealth * w_s + noise``).

    Parameters
    ----------
    n_states : int, default 50
    voters : (int, int), default (50, 600)
        Smallest and largest number of voters polled in a state (log-uniform between them).
    slope, slope_by_wealth, intercept_by_wealth : float
        Average income slope, its change per unit of state wealth, and the intercept's.
    sigma_intercept, sigma_slope : float
        Sds of the state intercepts and slopes around those lines, non-negative.
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per state and income level: ``state`` (``S01`` ...), ``wealth``, ``income``,
        ``n`` (voters polled), ``republican`` (how many voted Republican), ``true_p``; ``attrs["truth"]``
        holds each state's ``intercept`` and ``slope`` (a DataFrame) and the arguments.

    Examples
    --------
    >>> voting(rng=np.random.default_rng(1)).shape
    (250, 6)
    """
    n_states = _checks.integer("n_states", n_states, minimum=2)
    try:
        low, high = (int(v) for v in voters)
    except (TypeError, ValueError):
        raise ValueError(f"voters must be a pair of integers (smallest, largest), got {voters!r}") from None
    if not 5 <= low <= high:
        raise ValueError(f"voters must satisfy 5 <= smallest <= largest, got {voters!r}")
    values = {k: _checks.finite(k, v) for k, v in
              {"slope": slope, "slope_by_wealth": slope_by_wealth, "intercept_by_wealth": intercept_by_wealth}.items()}
    sigma_intercept = _checks.positive("sigma_intercept", sigma_intercept, allow_zero=True)
    sigma_slope = _checks.positive("sigma_slope", sigma_slope, allow_zero=True)
    rng = _checks.rng(rng)
    wealth = rng.normal(size=n_states)
    intercept = values["intercept_by_wealth"] * wealth + rng.normal(0, sigma_intercept, n_states)
    slopes = values["slope"] + values["slope_by_wealth"] * wealth + rng.normal(0, sigma_slope, n_states)
    size = np.round(np.exp(rng.uniform(np.log(low), np.log(high), n_states))).astype(int)
    states = [f"S{i + 1:02d}" for i in range(n_states)]
    income = np.arange(-2, 3)
    rows = []
    for s in range(n_states):
        counts = rng.multinomial(size[s], np.full(income.size, 1 / income.size))
        p = 1 / (1 + np.exp(-(intercept[s] + slopes[s] * income)))
        rows.append(pd.DataFrame({"state": states[s], "wealth": wealth[s], "income": income, "n": counts,
                                  "republican": rng.binomial(counts, p), "true_p": p}))
    out = pd.concat(rows, ignore_index=True)
    out.attrs["truth"] = {"states": pd.DataFrame({"wealth": wealth, "intercept": intercept, "slope": slopes},
                                                 index=pd.Index(states, name="state")), **values,
                          "sigma_intercept": sigma_intercept, "sigma_slope": sigma_slope}
    return out
