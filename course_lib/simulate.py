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
