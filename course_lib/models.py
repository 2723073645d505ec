"""Thin helpers around Bambi and PyMC: fit a formula, check convergence, summarise.

Bambi, PyMC and ArviZ are imported inside the functions, so ``import course_lib`` stays fast
and the numpy-only modules work without them.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from . import _checks


class ConvergenceError(AssertionError):
    """Raised by :func:`check_convergence` when a fit should not be trusted."""


def fit(formula: str, df: pd.DataFrame, *, family: str = "gaussian", priors: dict | None = None,
        draws: int = 1000, tune: int = 1000, chains: int = 4, cores: int = 2,
        target_accept: float = 0.9, random_seed: int, **kwargs):
    """Build a Bambi model from ``formula`` and sample its posterior quietly.

    Parameters
    ----------
    formula : str
        A Bambi (formulae) model formula, e.g. ``"time ~ size + (1 | stream)"``.
    df : pandas.DataFrame
        The data; every column the formula names must be in it.
    family : str, default "gaussian"
        Bambi family name.
    priors : dict, optional
        Bambi priors by term name.
    draws, tune, chains : int, default 1000, 1000, 4
        Posterior draws and tuning steps per chain, and the number of chains.
    cores : int, default 2
        Chains run in parallel (PyMC otherwise runs them one after another on this machine).
    target_accept : float, default 0.9
        NUTS target acceptance rate, in (0, 1).
    random_seed : int
        Seed for the sampler, so the book prints the same posterior every time.
    **kwargs
        Passed to ``bambi.Model.fit`` (e.g. ``inference_method="nutpie"``).

    Returns
    -------
    (bambi.Model, arviz.InferenceData)

    Raises
    ------
    ValueError
        If an argument is out of range or the formula names a column ``df`` lacks.

    Examples
    --------
    >>> model, idata = fit("time ~ size", df, random_seed=1)  # doctest: +SKIP
    """
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must be a string like 'y ~ x', got {formula!r}")
    _checks.frame("df", df, _formula_columns(formula, df))
    draws, tune = _checks.integer("draws", draws), _checks.integer("tune", tune, minimum=0)
    chains, cores = _checks.integer("chains", chains), _checks.integer("cores", cores)
    if not 0 < _checks.finite("target_accept", target_accept) < 1:
        raise ValueError(f"target_accept must lie in (0, 1), got {target_accept}")
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise ValueError(f"random_seed must be an integer, got {random_seed!r}")
    import bambi as bmb

    model = bmb.Model(formula, df, family=family, priors=priors)
    idata = model.fit(draws=draws, tune=tune, chains=chains, cores=cores, target_accept=target_accept,
                      random_seed=int(random_seed), progressbar=False, **kwargs)
    return model, idata


def _formula_columns(formula: str, df: pd.DataFrame) -> list[str]:
    """Names in ``formula`` that look like columns: every identifier not known to formulae."""
    import re

    words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", formula))
    known = {"C", "I", "np", "log", "exp", "scale", "center", "p", "c"}
    missing = [w for w in words - known if w not in df.columns]
    if missing:
        raise ValueError(f"formula names column(s) {sorted(missing)} that df does not have; "
                         f"df has {list(df.columns)}")
    return [w for w in words if w in df.columns]


def check_convergence(idata, *, var_names=None, r_hat_max: float = 1.01, max_divergences: int = 0,
                      ess_min: float = 400.0) -> pd.Series:
    """Check a posterior sample: largest r_hat, smallest bulk ESS and the number of divergences.

    Parameters
    ----------
    idata : arviz.InferenceData
        A posterior sample with ``sample_stats``.
    var_names : list of str, optional
        Variables to check; default all.
    r_hat_max : float, default 1.01
        Largest acceptable rank-normalised r_hat.
    max_divergences : int, default 0
        Largest acceptable number of divergent transitions.
    ess_min : float, default 400
        Smallest acceptable bulk effective sample size.

    Returns
    -------
    pandas.Series
        ``r_hat_max``, ``ess_bulk_min``, ``divergences`` and ``ok`` (always True: otherwise it raises).

    Raises
    ------
    ConvergenceError
        If any of the three checks fails (so a notebook cell, and the tests, fail).
    ValueError
        If ``idata`` has no posterior.

    Examples
    --------
    >>> check_convergence(idata)  # doctest: +SKIP
    """
    import arviz as az

    if not hasattr(idata, "posterior"):
        raise ValueError(f"idata must be an InferenceData with a posterior, got {type(idata).__name__}")
    summary = az.summary(idata, var_names=var_names, kind="diagnostics", round_to="none")
    divergences = int(idata.sample_stats["diverging"].sum()) if hasattr(idata, "sample_stats") else 0
    result = pd.Series({
        "r_hat_max": float(summary["r_hat"].max()),
        "ess_bulk_min": float(summary["ess_bulk"].min()),
        "divergences": divergences,
    })
    problems = []
    if not result["r_hat_max"] < r_hat_max:
        problems.append(f"r_hat {result['r_hat_max']:.3f} >= {r_hat_max}")
    if result["ess_bulk_min"] < ess_min:
        problems.append(f"bulk ESS {result['ess_bulk_min']:.0f} < {ess_min:.0f}")
    if divergences > max_divergences:
        problems.append(f"{divergences} divergent transitions (allowed {max_divergences})")
    if problems:
        raise ConvergenceError("the sampler did not converge: " + "; ".join(problems))
    result["ok"] = True
    return result


def posterior_mean(idata, name: str) -> np.ndarray:
    """Posterior mean of variable ``name`` over chains and draws, as a numpy array.

    Raises
    ------
    ValueError
        If ``name`` is not in the posterior.

    Examples
    --------
    >>> posterior_mean(idata, "size")  # doctest: +SKIP
    """
    if name not in idata.posterior:
        raise ValueError(f"name {name!r} is not in the posterior; it has {list(idata.posterior.data_vars)}")
    return idata.posterior[name].mean(("chain", "draw")).to_numpy()


def side_by_side(idatas: dict, classical: dict) -> pd.DataFrame:
    """Classical estimates beside posterior summaries, one row per model and parameter.

    Parameters
    ----------
    idatas : dict of str to arviz.InferenceData
        Posterior samples by model name.
    classical : dict of str to pandas.Series
        For the same model names, classical estimates indexed by ArviZ's parameter labels
        (``"Intercept"``, ``"stream[3]"``, ``"1|stream_sigma"``, ...).

    Returns
    -------
    pandas.DataFrame
        Indexed by (model, parameter): ``classical``, ``mean``, ``sd``, ``hdi_3%``, ``hdi_97%``.

    Raises
    ------
    ValueError
        If the model names differ, or a classical label is not a posterior parameter.

    Examples
    --------
    >>> side_by_side({"m": idata}, {"m": pd.Series({"Intercept": 5.6})})  # doctest: +SKIP
    """
    import arviz as az

    if set(idatas) != set(classical):
        raise ValueError(f"idatas and classical must name the same models, got {sorted(idatas)} "
                         f"and {sorted(classical)}")
    parts = {}
    for name, idata in idatas.items():
        stats = az.summary(idata, kind="stats", hdi_prob=0.94)
        wanted = pd.Series(classical[name], dtype=float)
        unknown = [p for p in wanted.index if p not in stats.index]
        if unknown:
            raise ValueError(f"classical[{name!r}] names {unknown}, not in the posterior "
                             f"(it has {list(stats.index)})")
        parts[name] = stats.loc[wanted.index].assign(classical=wanted)
    out = pd.concat(parts, names=["model", "parameter"])
    return out[["classical", "mean", "sd", "hdi_3%", "hdi_97%"]]
