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
            sigma: float = 1.0, rng: np.random.Generator) -> pd.DataFrame:
    """Simulate the varying-intercepts stream model.

    ``a_j ~ Normal(a_bar, sigma_a)`` for each stream, ``size ~ Normal(0, 1)``, and
    ``time ~ Normal(a_stream[i] + b * size, sigma)``.

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
    n = _counts("n_per_stream", n_per_stream)
    a_bar, b = _checks.finite("a_bar", a_bar), _checks.finite("b", b)
    sigma_a = _checks.positive("sigma_a", sigma_a, allow_zero=True)
    sigma = _checks.positive("sigma", sigma)
    rng = _checks.rng(rng)
    a = rng.normal(a_bar, sigma_a, size=len(n))
    stream_idx = np.repeat(np.arange(len(n)), n)
    size = rng.normal(size=stream_idx.size)
    time = rng.normal(a[stream_idx] + b * size, sigma)
    df = pd.DataFrame({
        "stream": pd.Categorical(stream_idx + 1, categories=np.arange(1, len(n) + 1)),
        "size": size,
        "time": time,
    })
    df.attrs["truth"] = {"a_bar": a_bar, "sigma_a": sigma_a, "b": b, "sigma": sigma, "a": a}
    return df


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
