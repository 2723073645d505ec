"""Many simulated data sets, one model: parameter recovery, simulation-based calibration, REML beside Bayes.

The pieces fit together as *simulate -> fit -> summarise -> tabulate -> plot*:

- :func:`run_study` calls ``simulate(rng)`` for each data set and every estimator in ``fits`` on it,
  and stacks what they return into one tidy table (one row per data set, method and parameter);
- :func:`intercepts_fitter` compiles the Bayesian varying-intercepts model once (PyMC, sampled by
  nutpie) and refits new data in a fraction of a second; :func:`bayes_estimates` wraps it as an
  estimator, :func:`reml_estimates` is the classical one;
- :func:`coverage`, :func:`errors` and :func:`sbc_ranks_check` turn the table into the numbers a
  reader checks, and :func:`plot_estimates`, :func:`plot_group_effects` and :func:`plot_sbc` draw it.

numpy, pandas and scipy only at import; PyMC, nutpie and ArviZ are imported where they are used.
"""

from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np
import pandas as pd

from . import _checks

#: Hyperparameters of the varying-intercepts model, in the chapter's notation.
HYPER = ("a_bar", "sigma_a", "sigma")
#: Their labels in figures.
LABELS = {"a_bar": r"$\bar a$", "sigma_a": r"$\sigma_a$", "sigma": r"$\sigma$"}
#: Colours of the estimators and fits compared in the chapter (Okabe-Ito, apart from the pooling colours:
#: the Bayesian fit is partial pooling's blue).
COLORS = {"Bayes": "#0072B2", "REML": "#009E73", "misfit prior": "#CC79A7"}
#: Group sizes like the radon survey's counties: a few large groups, many small ones (40 groups, 362 rows).
RADON_LIKE_SIZES = (1,) * 10 + (2,) * 8 + (4,) * 8 + (8,) * 6 + (16,) * 4 + (32,) * 2 + (64,) * 2
#: Interval probabilities every estimator reports.
PROBS = (0.5, 0.9)
_COLUMNS = ["parameter", "group", "size", "estimate", "lower_50", "upper_50", "lower_90", "upper_90",
            "rank", "n_ranks", "r_hat", "divergences"]


def run_study(simulate, fits: dict, *, n_sims: int, seed: int) -> pd.DataFrame:
    """Simulate ``n_sims`` data sets and fit each with every estimator in ``fits``.

    Parameters
    ----------
    simulate : callable
        ``simulate(rng) -> DataFrame`` with ``attrs["truth"]`` (as :mod:`course_lib.simulate` returns).
    fits : dict
        Method name -> ``fit(df, truth, sim) -> DataFrame`` with columns ``parameter`` and ``estimate``
        at least (see :func:`bayes_estimates`, :func:`reml_estimates`).
    n_sims : int
        Number of data sets.
    seed : int
        Data set ``i`` is simulated with ``np.random.default_rng([seed, i])``, so any one can be remade.

    Returns
    -------
    pandas.DataFrame
        One row per data set, method and parameter: ``sim``, ``method``, ``truth`` and the estimator's
        columns.

    Raises
    ------
    ValueError
        If an argument is out of range, or ``simulate`` returns no ``attrs["truth"]``.

    Examples
    --------
    >>> from course_lib import simulate as sim
    >>> draw = lambda rng: sim.varying_intercepts(n_per_group=[2, 3], rng=rng)
    >>> table = run_study(draw, {"REML": reml_estimates}, n_sims=2, seed=1)
    >>> sorted(table["parameter"].unique())
    ['a_bar', 'sigma', 'sigma_a']
    """
    if not callable(simulate):
        raise ValueError(f"simulate must be callable, got {type(simulate).__name__}")
    fits = _checks.mapping("fits", fits)
    if not all(callable(f) for f in fits.values()):
        raise ValueError("fits must map method names to callables")
    n_sims = _checks.integer("n_sims", n_sims)
    seed = _checks.integer("seed", seed, minimum=0)
    parts = []
    for sim in range(n_sims):
        df = simulate(np.random.default_rng([seed, sim]))
        truth = getattr(df, "attrs", {}).get("truth")
        if not isinstance(truth, dict):
            raise ValueError("simulate must return a DataFrame with the true parameters in attrs['truth']")
        for method, fit in fits.items():
            rows = fit(df, truth, sim)
            parts.append(rows.assign(sim=sim, method=method))
    table = pd.concat(parts, ignore_index=True)
    return table[["sim", "method", "truth", *[c for c in table.columns if c not in ("sim", "method", "truth")]]]


def prior_draw(rng: np.random.Generator, *, a_bar_sd: float = 2.5, sigma_a_scale: float = 1.0,
               sigma_scale: float = 1.0) -> dict:
    """One draw of the hyperparameters from the model's priors (for simulation-based calibration).

    ``a_bar ~ Normal(0, a_bar_sd)``, ``sigma_a ~ HalfNormal(sigma_a_scale)``, ``sigma ~ HalfNormal(sigma_scale)``.

    Examples
    --------
    >>> sorted(prior_draw(np.random.default_rng(1)))
    ['a_bar', 'sigma', 'sigma_a']
    """
    rng = _checks.rng(rng)
    scales = [_checks.positive(n, v) for n, v in
              (("a_bar_sd", a_bar_sd), ("sigma_a_scale", sigma_a_scale), ("sigma_scale", sigma_scale))]
    return {"a_bar": rng.normal(0.0, scales[0]), "sigma_a": abs(rng.normal(0.0, scales[1])),
            "sigma": abs(rng.normal(0.0, scales[2]))}


def intercepts_fitter(n_groups: int, *, a_bar_sd: float = 2.5, sigma_a_scale: float = 1.0,
                      sigma_scale: float = 1.0, draws: int = 800, tune: int = 400, chains: int = 2,
                      target_accept: float = 0.8):
    """Compile the Bayesian varying-intercepts model once; return a function that fits new data fast.

    The model::

        y_i ~ Normal(a[group[i]], sigma)
        a_j ~ Normal(a_bar, sigma_a)
        a_bar ~ Normal(0, a_bar_sd),  sigma_a ~ HalfNormal(sigma_a_scale),  sigma ~ HalfNormal(sigma_scale)

    is sampled in a *partially non-centred* form (Papaspiliopoulos, Roberts and Sköld 2007; Gorinova,
    Moore and Hoffman 2020): ``a_j = a_bar + sigma_a**(1 - w_j) * (t_j - w_j * a_bar)`` with
    ``t_j ~ Normal(w_j * a_bar, sigma_a**w_j)``, which gives ``a_j`` the same distribution for any
    ``w_j`` in [0, 1]. ``w_j = 0`` is the non-centred form (``t_j`` is a standard normal ``z_j``), best
    for groups whose data say little; ``w_j = 1`` is the centred form (``t_j`` is ``a_j``), best for
    groups whose data pin their mean down. Each fit sets ``w_j`` by :func:`centring_weights` (group
    ``j``'s partial-pooling weight at a cautious value of ``sigma_a`` from a quick REML fit of the same
    data); the weights change how the sampler moves, not the model or its posterior.

    nutpie compiles it with the data in ``pm.Data`` containers; each fit swaps in new data (and, if
    asked, another ``sigma_a_scale``) with ``compiled.with_data``, so nothing is recompiled. A data
    set may have fewer than ``n_groups`` groups: the unused ``a_j`` touch no data and are sampled
    from their prior, which leaves the posterior of every other parameter unchanged.

    Parameters
    ----------
    n_groups : int
        Largest number of groups a data set will have.
    a_bar_sd, sigma_a_scale, sigma_scale : float, default 2.5, 1.0, 1.0
        Prior scales (see above).
    draws, tune, chains : int, default 800, 400, 2
        Per fit: draws kept and tuning steps per chain, and chains (run in parallel).
    target_accept : float, default 0.8
        nutpie's target acceptance rate; larger means smaller steps (fewer divergences, slower).
        A fit may override it.

    Returns
    -------
    callable
        ``fit(df, *, random_seed, sigma_a_scale=None, target_accept=None) -> arviz.InferenceData``; ``df`` has a ``group``
        column (at most ``n_groups`` distinct values) and a numeric ``y`` column. The posterior holds
        ``a_bar``, ``sigma_a``, ``sigma`` and ``a`` (dim ``group``). ``fit.n_groups`` and ``fit.priors``
        describe the model.

    Raises
    ------
    ValueError
        If an argument is out of range (when the fitter is made, or when it is called).

    Examples
    --------
    >>> fit = intercepts_fitter(40)  # doctest: +SKIP
    >>> idata = fit(df, random_seed=1)  # doctest: +SKIP
    """
    n_groups = _checks.integer("n_groups", n_groups)
    scales = {n: _checks.positive(n, v) for n, v in
              (("a_bar_sd", a_bar_sd), ("sigma_a_scale", sigma_a_scale), ("sigma_scale", sigma_scale))}
    draws, tune, chains = _checks.integer("draws", draws), _checks.integer("tune", tune), _checks.integer("chains", chains)
    default_accept = _accept(target_accept)
    compiled = _compile_intercepts(n_groups, scales)

    def fit(df: pd.DataFrame, *, random_seed: int, sigma_a_scale: float | None = None,
            target_accept: float | None = None):
        import nutpie

        from .models import sampler_seed

        codes, y = _group_codes(df, n_groups)
        prior = scales["sigma_a_scale"] if sigma_a_scale is None else _checks.positive("sigma_a_scale", sigma_a_scale)
        model = compiled.with_data(group_idx=codes, y=y, sigma_a_scale=np.asarray(prior),
                                   w=centring_weights(codes, y, n_groups))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return nutpie.sample(model, draws=draws, tune=tune, chains=chains, cores=chains,
                                 target_accept=default_accept if target_accept is None else _accept(target_accept),
                                 seed=sampler_seed(random_seed), progress_bar=False, save_warmup=False)

    fit.n_groups, fit.priors = n_groups, dict(scales)
    return fit


def _accept(value) -> float:
    value = _checks.finite("target_accept", value)
    if not 0 < value < 1:
        raise ValueError(f"target_accept must lie in (0, 1), got {value}")
    return value


def _compile_intercepts(n_groups: int, scales: dict):
    import nutpie
    import pymc as pm

    with pm.Model(coords={"group": np.arange(1, n_groups + 1)}) as model:
        group_idx = pm.Data("group_idx", np.zeros(2, dtype="int64"))
        y = pm.Data("y", np.zeros(2))
        sigma_a_scale = pm.Data("sigma_a_scale", scales["sigma_a_scale"])
        a_bar = pm.Normal("a_bar", 0.0, scales["a_bar_sd"])
        sigma_a = pm.HalfNormal("sigma_a", sigma_a_scale)
        sigma = pm.HalfNormal("sigma", scales["sigma_scale"])
        w = pm.Data("w", np.zeros(n_groups))
        t = pm.Normal("t", w * a_bar, sigma_a**w, dims="group")
        a = pm.Deterministic("a", a_bar + sigma_a ** (1 - w) * (t - w * a_bar), dims="group")
        pm.Normal("y_obs", a[group_idx], sigma, observed=y, shape=group_idx.shape)
    return nutpie.compile_pymc_model(model)


def centring_weights(codes, y, n_groups: int) -> np.ndarray:
    """How centred :func:`intercepts_fitter` makes each group's parameter: the group's partial-pooling
    weight ``n_j s_a^2 / (n_j s_a^2 + s^2)`` at a cautious ``s_a`` (0 for unused groups).

    ``s`` is REML's estimate of ``sigma``; ``s_a`` is REML's ``sigma_a`` minus two of its Wald standard
    errors (0 if that is negative, or if REML puts ``sigma_a`` at 0). A group is centred only where
    even a small plausible ``sigma_a`` leaves its own data in charge: centring a group whose
    posterior reaches ``sigma_a`` near 0 makes a funnel the sampler diverges in.

    Examples
    --------
    >>> codes = np.repeat(np.arange(12), [2] * 6 + [60] * 6)
    >>> y = np.random.default_rng(1).normal(np.repeat(np.arange(12.0), [2] * 6 + [60] * 6), 1.0)
    >>> w = centring_weights(codes, y, 13)
    >>> bool(w[0] < w[6]), bool(w[6] > 0.9), float(w[12])
    (True, True, 0.0)
    """
    from .pooling import reml_intercepts, weights

    df = pd.DataFrame({"group": codes, "y": y})
    fit = reml_intercepts(df, y="y", group="group")
    se = reml_standard_errors(df, sigma_a=fit["sigma_group"], sigma=fit["sigma"])["sigma_a"]
    s_a = max(fit["sigma_group"] - 2 * se, 0.0) if np.isfinite(se) else 0.0
    return weights(np.bincount(codes, minlength=n_groups), sigma_group=s_a, sigma=fit["sigma"])


def _group_codes(df: pd.DataFrame, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..J-1 of ``df["group"]`` (in sorted order) and ``df["y"]``, checked."""
    _checks.frame("df", df, ["group", "y"])
    y = _checks.numeric_column("df", df, "y")
    codes, levels = pd.factorize(df["group"], sort=True)
    if len(levels) > n_groups:
        raise ValueError(f"df has {len(levels)} groups; this fitter was compiled for at most {n_groups}")
    if np.any(codes < 0):
        raise ValueError("df: column 'group' has missing values")
    return codes.astype("int64"), y


def bayes_estimates(fitter, *, n_ranks: int = 100, sigma_a_scale: float | None = None,
                    target_accept: float | None = None):
    """An estimator for :func:`run_study`: the Bayesian fit, summarised for recovery and calibration.

    Parameters
    ----------
    fitter : callable
        Made by :func:`intercepts_fitter`.
    n_ranks : int, default 100
        Posterior draws (thinned evenly from all chains) against which each true value is ranked.
    sigma_a_scale : float, optional
        Fit with this prior scale for ``sigma_a`` instead of the fitter's (a model that differs from
        the simulator's on purpose).
    target_accept : float, optional
        Sample with this target acceptance rate instead of the fitter's.

    Returns
    -------
    callable
        ``estimate(df, truth, sim) -> DataFrame``: per parameter (``a_bar``, ``sigma_a``, ``sigma``,
        then ``a`` per group) the posterior mean, the central 50% and 90% intervals, the rank of the
        true value among ``n_ranks`` draws, and for the fit: largest r_hat and number of divergences.

    Examples
    --------
    >>> estimate = bayes_estimates(intercepts_fitter(40))  # doctest: +SKIP
    """
    if not callable(fitter) or not hasattr(fitter, "n_groups"):
        raise ValueError("fitter must be made by intercepts_fitter")
    n_ranks = _checks.integer("n_ranks", n_ranks)
    if sigma_a_scale is not None:
        sigma_a_scale = _checks.positive("sigma_a_scale", sigma_a_scale)
    if target_accept is not None:
        target_accept = _accept(target_accept)

    def estimate(df, truth, sim):
        idata = fitter(df, random_seed=int(sim), sigma_a_scale=sigma_a_scale, target_accept=target_accept)
        return posterior_rows(idata, truth, sizes=df.groupby("group", observed=True).size().to_numpy(),
                              n_ranks=n_ranks)

    return estimate


def posterior_rows(idata, truth: dict, *, sizes, n_ranks: int = 100) -> pd.DataFrame:
    """Summarise one fit against the truth: a row per hyperparameter and per group effect ``a``.

    ``sizes`` gives each used group's number of rows; the truth's ``a`` holds the drawn intercepts.
    """
    import arviz as az

    idata = _checks.idata("idata", idata)
    missing = [name for name in (*HYPER, "a") if name not in idata.posterior]
    if missing:
        raise ValueError(f"idata: its posterior has no {missing} (fit it with intercepts_fitter)")
    if not isinstance(truth, dict) or not {*HYPER, "a"} <= set(truth):
        raise ValueError(f"truth must be a dict with {[*HYPER, 'a']}, got {truth!r}")
    n_ranks = _checks.integer("n_ranks", n_ranks)
    try:
        sizes = np.asarray(sizes, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be the groups' numbers of rows, got {sizes!r}") from None
    if sizes.ndim != 1 or sizes.size == 0 or not np.all(np.isfinite(sizes)) or len(truth["a"]) < sizes.size:
        raise ValueError(f"sizes must be a non-empty list of the used groups' sizes, one per true a, got {sizes!r}")
    post = idata.posterior
    r_hat = float(az.rhat(post[list(HYPER)]).to_array().max())
    divergences = int(idata.sample_stats["diverging"].sum())
    rows = []
    for name in HYPER:
        rows.append(_row(post[name].values.ravel(), truth[name], n_ranks, parameter=name))
    a = post["a"].values.reshape(-1, post["a"].shape[-1])
    for j, size in enumerate(sizes):
        rows.append(_row(a[:, j], truth["a"][j], n_ranks, parameter="a", group=j + 1, size=int(size)))
    table = pd.DataFrame(rows)
    table["r_hat"], table["divergences"] = r_hat, divergences
    return table


def _row(draws: np.ndarray, truth: float, n_ranks: int, **labels) -> dict:
    q = np.quantile(draws, [0.05, 0.25, 0.75, 0.95])
    thinned = draws[np.linspace(0, draws.size - 1, n_ranks).round().astype(int)]
    return {**labels, "truth": float(truth), "estimate": float(draws.mean()),
            "lower_90": q[0], "lower_50": q[1], "upper_50": q[2], "upper_90": q[3],
            "rank": int(np.sum(thinned < truth)), "n_ranks": n_ranks}


def reml_estimates(df: pd.DataFrame, truth: dict, sim: int = 0) -> pd.DataFrame:
    """An estimator for :func:`run_study`: REML estimates with Wald intervals (50% and 90%).

    The estimates are the REML ones of :func:`course_lib.pooling.reml_intercepts` (those of statsmodels'
    ``MixedLM`` and lme4's ``lmer``, from group sums). Each Wald interval is ``estimate ± z * se`` with
    ``se`` from the curvature of the restricted log-likelihood at its maximum (the inverse of the
    observed information), carried to the standard deviations by the delta method and cut at 0.
    When REML puts ``sigma_a`` at 0, on the boundary, the maximum is not a peak with zero slope (the
    likelihood still falls as ``sigma_a**2`` grows), so no Wald interval applies: its interval is NaN,
    as statsmodels' standard error is; ``sigma`` keeps an interval (see :func:`reml_standard_errors`).

    Examples
    --------
    >>> from course_lib import simulate as sim
    >>> df = sim.varying_intercepts(n_per_group=[5] * 8, a_bar=1.0, sigma_a=0.5, rng=np.random.default_rng(3))
    >>> reml_estimates(df, df.attrs["truth"])["parameter"].tolist()
    ['a_bar', 'sigma_a', 'sigma']
    """
    from scipy.stats import norm

    from .pooling import reml_intercepts

    _checks.frame("df", df, ["group", "y"])
    if not isinstance(truth, dict) or not set(HYPER) <= set(truth):
        raise ValueError(f"truth must be a dict with {list(HYPER)}, got {truth!r}")
    fit = reml_intercepts(df, y="y", group="group")
    se = reml_standard_errors(df, sigma_a=fit["sigma_group"], sigma=fit["sigma"])
    rows = []
    for name, value in (("a_bar", fit["mu"]), ("sigma_a", fit["sigma_group"]), ("sigma", fit["sigma"])):
        row = {"parameter": name, "truth": float(truth[name]), "estimate": float(value)}
        for prob in PROBS:
            half = norm.ppf(0.5 + prob / 2) * se[name]
            low = value - half if name == "a_bar" else max(value - half, 0.0)
            row[f"lower_{round(prob * 100)}"], row[f"upper_{round(prob * 100)}"] = low, value + half
        rows.append(row)
    return pd.DataFrame(rows)


def reml_standard_errors(df: pd.DataFrame, *, sigma_a: float, sigma: float) -> dict:
    """Wald standard errors of the REML estimates of ``a_bar``, ``sigma_a`` and ``sigma``.

    From the observed information (minus the Hessian of the restricted log-likelihood in the two
    variances, by central differences), then the delta method: ``se(sd) = se(var) / (2 sd)``.
    ``a_bar``'s is the GLS one, ``1 / sqrt(sum_j n_j / (sigma^2 + n_j sigma_a^2))``.
    ``psi`` is the standard error of ``sigma_a**2 / sigma**2`` (the variance ratio statsmodels'
    ``MixedLM`` reports in ``cov_params``). ``sigma_a``'s and ``psi``'s are NaN when the estimate is
    0 (on the boundary, where the maximum is not a peak and a Wald interval does not apply); ``sigma``'s is then the
    curvature in ``sigma**2`` alone, with ``sigma_a`` held at 0: ``sigma / sqrt(2 (N - 1))`` for ``N`` rows.

    Examples
    --------
    >>> df = pd.DataFrame({"group": [1, 1, 2, 2, 3, 3], "y": [0.1, 0.3, 1.2, 1.0, 2.2, 1.9]})
    >>> sorted(reml_standard_errors(df, sigma_a=0.9, sigma=0.2))
    ['a_bar', 'psi', 'sigma', 'sigma_a']
    """
    from .pooling import _restricted_loglik, _squares, group_summary

    _checks.frame("df", df, ["group", "y"])
    sigma_a = _checks.positive("sigma_a", sigma_a, allow_zero=True)
    sigma = _checks.positive("sigma", sigma)
    stats, sums = group_summary(df, y="y", group="group"), _squares(df, y="y", group="group", x=None)
    n = stats["n"].to_numpy(float)
    out = {"a_bar": float(1 / np.sqrt(np.sum(n / (sigma**2 + n * sigma_a**2))))}
    if sigma_a < 1e-6 * sigma:
        # -0.5 ((N - 1) log s2 + q / s2) has curvature (N - 1) / (2 s2^2) at its maximum: se(s2) = s2 sqrt(2 / (N - 1))
        return {**out, "sigma_a": float("nan"), "sigma": float(sigma / np.sqrt(2 * (len(df) - 1))), "psi": float("nan")}

    def loglik(s2a, s2):
        return _restricted_loglik(s2a / s2, stats, sums, False, len(df), sigma2=s2)

    x = np.array([sigma_a**2, sigma**2])
    hessian = np.empty((2, 2))
    steps = 1e-4 * x
    for i in range(2):
        for k in range(2):
            ei, ek = np.eye(2)[i] * steps[i], np.eye(2)[k] * steps[k]
            f = [loglik(*(x + si * ei + sk * ek)) for si, sk in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
            hessian[i, k] = (f[0] - f[1] - f[2] + f[3]) / (4 * steps[i] * steps[k])
    cov = np.linalg.inv(-hessian)
    var_se = np.sqrt(np.clip(np.diag(cov), 0, None))
    gradient = np.array([1 / x[1], -x[0] / x[1] ** 2])
    return {**out, "sigma_a": float(var_se[0] / (2 * sigma_a)), "sigma": float(var_se[1] / (2 * sigma)),
            "psi": float(np.sqrt(gradient @ cov @ gradient))}


def coverage(table: pd.DataFrame, *, by=("method", "parameter"), prob: float = 0.9,
             confidence: float = 0.95) -> pd.DataFrame:
    """How often the central ``prob`` intervals contain the truth, with a binomial interval.

    A missing interval (NaN) counts as a miss. The binomial interval is Clopper-Pearson's at
    ``confidence``: the range of true coverages that this many hits out of this many data sets
    leaves plausible.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``coverage``, ``low``, ``high``, ``n`` (data sets), ``no_interval``.

    Examples
    --------
    >>> t = pd.DataFrame({"method": "m", "parameter": "p", "truth": 0.0,
    ...                   "lower_90": [-1, -1, 1, -1], "upper_90": [1, 1, 2, 1]})
    >>> float(coverage(t).loc[("m", "p"), "coverage"])
    0.75
    """
    from scipy.stats import binomtest

    by = _by(table, by)
    level = _level(prob)
    _checks.frame("table", table, ["truth", f"lower_{level}", f"upper_{level}"])
    confidence = _checks.finite("confidence", confidence)
    hit = (table[f"lower_{level}"] <= table["truth"]) & (table["truth"] <= table[f"upper_{level}"])
    work = table.assign(hit=hit, missing=table[f"lower_{level}"].isna())
    rows = {}
    for key, part in work.groupby(by, sort=False):
        k, n = int(part["hit"].sum()), len(part)
        ci = binomtest(k, n).proportion_ci(confidence_level=confidence)
        rows[key] = {"coverage": k / n, "low": ci.low, "high": ci.high, "n": n, "no_interval": int(part["missing"].sum())}
    return _frame(rows, by)


def _frame(rows: dict, by: list[str]) -> pd.DataFrame:
    """A frame from ``{groupby key: row}``, indexed by ``by`` (a plain index for one column)."""
    keys = list(rows)
    if len(by) == 1:
        index = pd.Index([k[0] if isinstance(k, tuple) else k for k in keys], name=by[0])
    else:
        index = pd.MultiIndex.from_tuples(keys, names=by)
    return pd.DataFrame(list(rows.values()), index=index)


def _by(table, by) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    _checks.frame("table", table, by)
    return by


def _level(prob) -> int:
    if prob not in PROBS:
        raise ValueError(f"prob must be one of {PROBS}, got {prob!r}")
    return round(prob * 100)


def errors(table: pd.DataFrame, *, by=("method", "parameter")) -> pd.DataFrame:
    """Bias (mean of estimate - truth) with its standard error, root-mean-square error and mean
    estimate, by ``by``.

    ``bias_se`` is the standard error of the bias over the data sets: the standard deviation of the
    errors divided by the square root of ``n``, the number of data sets.

    Examples
    --------
    >>> t = pd.DataFrame({"method": "m", "parameter": "p", "truth": 1.0, "estimate": [0.0, 4.0]})
    >>> errors(t).loc[("m", "p")].round(3).tolist()
    [1.0, 2.0, 2.236, 2.0, 2.0]
    """
    by = _by(table, by)
    _checks.frame("table", table, ["truth", "estimate"])
    err = table["estimate"] - table["truth"]
    grouped = table.assign(err=err, sq=err**2).groupby(by, sort=False)
    n = grouped.size()
    return pd.DataFrame({"bias": grouped["err"].mean(), "bias_se": grouped["err"].std() / np.sqrt(n),
                         "rmse": np.sqrt(grouped["sq"].mean()), "mean_estimate": grouped["estimate"].mean(),
                         "n": n.astype(int)})


def fit_health(table: pd.DataFrame, *, by="method") -> pd.DataFrame:
    """How the fits of a study went: per ``by``, the number of fits, the largest r_hat, how many fits
    had an r_hat of 1.01 or more, and how many had divergences.

    Examples
    --------
    >>> t = pd.DataFrame({"method": "m", "sim": [0, 0, 1], "r_hat": [1.0, 1.0, 1.02], "divergences": [0, 0, 3]})
    >>> fit_health(t).to_dict("records")
    [{'fits': 2, 'largest r_hat': 1.02, 'fits with r_hat >= 1.01': 1, 'fits with divergences': 1}]
    """
    by = _by(table, by)
    _checks.frame("table", table, ["sim", "r_hat", "divergences"])
    fits = table.groupby([*by, "sim"], sort=False)[["r_hat", "divergences"]].first()
    grouped = fits.groupby(level=by, sort=False)
    return pd.DataFrame({"fits": grouped.size().astype(int), "largest r_hat": grouped["r_hat"].max(),
                         "fits with r_hat >= 1.01": grouped["r_hat"].apply(lambda r: int((r >= 1.01).sum())),
                         "fits with divergences": grouped["divergences"].apply(lambda d: int((d > 0).sum()))})


def sbc_band(n_sims: int, n_ranks: int, *, prob: float = 0.95) -> pd.DataFrame:
    """The simultaneous band of the rank ECDF for a calibrated model (ArviZ's "optimized" method).

    Ranks of a calibrated model are uniform on ``0..n_ranks``. With ``n_sims`` ranks the whole ECDF,
    at every point at once, lies inside this band with probability ``prob``.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` (rank / (n_ranks + 1), the fraction of draws below the truth), ``expected``
        (the uniform ECDF there), ``lower``, ``upper``.

    Examples
    --------
    >>> band = sbc_band(100, 20)
    >>> bool((band["lower"] <= band["expected"]).all() and (band["expected"] <= band["upper"]).all())
    True
    """
    n_sims, n_ranks = _checks.integer("n_sims", n_sims), _checks.integer("n_ranks", n_ranks)
    prob = _checks.finite("prob", prob)
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob}")
    return _band(n_sims, n_ranks, prob).copy()


@functools.lru_cache(maxsize=32)
def _band(n_sims: int, n_ranks: int, prob: float) -> pd.DataFrame:
    """The band itself, computed once per (n_sims, n_ranks, prob): ArviZ's optimisation takes seconds."""
    from arviz.stats.ecdf_utils import ecdf_confidence_band

    ranks = np.arange(n_ranks)
    expected = (ranks + 1) / (n_ranks + 1)
    lower, upper = ecdf_confidence_band(n_sims, ranks, expected, prob=prob, method="optimized",
                                        random_state=np.random.default_rng(0))
    return pd.DataFrame({"x": expected, "expected": expected, "lower": lower, "upper": upper})


def sbc_ecdf(ranks, n_ranks: int) -> np.ndarray:
    """ECDF of ``ranks`` at ``0..n_ranks-1``: the fraction of ranks at or below each."""
    n_ranks = _checks.integer("n_ranks", n_ranks)
    try:
        ranks = np.asarray(ranks, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"ranks must be numbers, got {ranks!r}") from None
    if ranks.ndim != 1 or ranks.size == 0 or not np.all(np.isfinite(ranks)):
        raise ValueError(f"ranks must be a non-empty 1-d array of finite ranks, got {ranks!r}")
    return np.searchsorted(np.sort(ranks), np.arange(n_ranks), side="right") / ranks.size


def sbc_ranks_check(table: pd.DataFrame, *, prob: float = 0.95, by=("method", "parameter")) -> pd.DataFrame:
    """Whether each parameter's rank ECDF stays inside the simultaneous ``prob`` band.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n`` (data sets), ``mean_rank`` (as a fraction of ``n_ranks``; 0.5 if
        calibrated), ``largest_gap`` (largest distance of the ECDF from the uniform one), ``band``
        (``"inside"`` if the whole ECDF stays inside the band, else ``"outside"``).

    Examples
    --------
    >>> t = pd.DataFrame({"method": "m", "parameter": "p", "rank": np.arange(100) % 21, "n_ranks": 20})
    >>> sbc_ranks_check(t).loc[("m", "p"), "band"]
    'inside'
    """
    by = _by(table, by)
    _checks.frame("table", table, ["rank", "n_ranks"])
    rows = {}
    for key, part in table.dropna(subset=["rank"]).groupby(by, sort=False):
        n_ranks = int(part["n_ranks"].iloc[0])
        band = sbc_band(len(part), n_ranks, prob=prob)
        ecdf = sbc_ecdf(part["rank"].to_numpy(), n_ranks)
        inside = bool(np.all((band["lower"] <= ecdf + 1e-12) & (ecdf <= band["upper"] + 1e-12)))
        rows[key] = {"n": len(part), "mean_rank": float(part["rank"].mean() / n_ranks),
                     "largest_gap": float(np.max(np.abs(ecdf - band["expected"]))),
                     "band": "inside" if inside else "outside"}
    return _frame(rows, by)


def plot_estimates(table: pd.DataFrame, *, methods=None, axes=None):
    """Histograms of each hyperparameter's estimates over the data sets, a line at the truth.

    One panel per hyperparameter; one colour per method (:data:`COLORS`), each histogram drawn as an
    outline so that where they overlap both stay visible. Returns the axes.
    """
    import matplotlib.pyplot as plt

    _checks.frame("table", table, ["method", "parameter", "estimate", "truth"])
    methods = list(table["method"].unique()) if methods is None else list(methods)
    if axes is None:
        _, axes = plt.subplots(1, len(HYPER), figsize=(9, 2.8), layout="constrained")
    for ax, name in zip(np.ravel(axes), HYPER):
        part = table[table["parameter"] == name]
        values = part["estimate"].to_numpy()
        bins = np.linspace(np.nanmin(values), np.nanmax(values), 30)
        for method in methods:
            ax.hist(part.loc[part["method"] == method, "estimate"], bins=bins, histtype="step", lw=1.6,
                    color=COLORS.get(method), label=method)
        ax.axvline(part["truth"].iloc[0], color="black", lw=1.5, label="truth")
        ax.set(title=LABELS[name], xlabel=f"estimate of {LABELS[name]}", yticks=[])
    np.ravel(axes)[0].set_ylabel("data sets")
    # beside the last panel, where it hides no bar
    np.ravel(axes)[-1].legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return axes


def group_effects_by_size(table: pd.DataFrame, *, prob: float = 0.9) -> pd.DataFrame:
    """Coverage and error of the group effects ``a``, by group size, beside each group's own mean.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``size``: ``coverage``, ``low``, ``high`` (as :func:`coverage`), ``rmse`` of the
        partial-pooling estimate, ``rmse_own`` of the group's own sample mean (no pooling), ``n``.
    """
    _checks.frame("table", table, ["parameter", "size", "estimate", "truth", "own_mean"])
    part = table[table["parameter"] == "a"]
    cover = coverage(part, by="size", prob=prob)
    rmse = part.assign(sq=(part["estimate"] - part["truth"]) ** 2, sq_own=(part["own_mean"] - part["truth"]) ** 2)
    grouped = rmse.groupby("size", sort=True)
    out = cover.join(pd.DataFrame({"rmse": np.sqrt(grouped["sq"].mean()), "rmse_own": np.sqrt(grouped["sq_own"].mean())}))
    out.index = out.index.astype(int)
    return out.sort_index()


def add_own_means(table: pd.DataFrame, simulate, *, seed: int) -> pd.DataFrame:
    """Add ``own_mean`` (each group's sample mean, no pooling) to the ``a`` rows of a study's table.

    Remakes each data set from its seed (as :func:`run_study` made it) instead of storing it.
    """
    _checks.frame("table", table, ["sim", "parameter", "group"])
    out = table.copy()
    out["own_mean"] = np.nan
    rows = out["parameter"] == "a"
    for sim in out.loc[rows, "sim"].unique():
        df = simulate(np.random.default_rng([seed, int(sim)]))
        means = df.groupby("group", observed=True)["y"].mean()
        means.index = means.index.astype(int)
        pick = rows & (out["sim"] == sim)
        out.loc[pick, "own_mean"] = means.reindex(out.loc[pick, "group"].astype(int)).to_numpy()
    return out


def plot_group_effects(summary: pd.DataFrame, *, prob: float = 0.9, axes=None):
    """Two panels by group size: coverage of the group effects' intervals (with its binomial interval
    and the nominal ``prob``), and the error of partial pooling against each group's own mean."""
    import matplotlib.pyplot as plt

    from .plots import METHOD_COLORS, METHOD_LABELS

    _checks.frame("summary", summary, ["coverage", "low", "high", "rmse", "rmse_own"])
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.5, 3), layout="constrained")
    size = summary.index.to_numpy(float)
    cov, err = axes
    cov.errorbar(size, summary["coverage"], yerr=[summary["coverage"] - summary["low"], summary["high"] - summary["coverage"]],
                 fmt="o", color=METHOD_COLORS["partial"], capsize=3)
    cov.axhline(prob, color="black", ls=":", lw=1)
    cov.set(xscale="log", xlabel="rows in the group", ylabel="coverage", ylim=(0.7, 1.0))
    cov.set_title(f"coverage of the {round(prob * 100)}% intervals of $a_j$", fontsize=12)
    err.plot(size, summary["rmse_own"], "o-", color=METHOD_COLORS["none"], label=METHOD_LABELS["none"] + " (group mean)")
    err.plot(size, summary["rmse"], "o-", color=METHOD_COLORS["partial"], label=METHOD_LABELS["partial"] + " (posterior mean)")
    err.set(xscale="log", xlabel="rows in the group", ylabel="RMSE of $a_j$", ylim=(0, None))
    err.set_title("error of the estimates of $a_j$", fontsize=12)
    err.legend(frameon=False, fontsize=9)
    for ax in axes:
        ax.set_xticks(size, [str(int(s)) for s in size])
        ax.minorticks_off()
    return axes


def plot_sbc(table: pd.DataFrame, *, prob: float = 0.95, methods=None, axes=None):
    """Rank ECDF minus the uniform ECDF, per hyperparameter, inside the simultaneous ``prob`` band.

    A calibrated model's curve stays inside the grey band (with probability ``prob``); a curve
    below it means the truth ranks high (the posterior sits too low), above it the reverse. The
    x-axis is the rank as a fraction of ``n_ranks``; the curve ends at 0 at rank ``n_ranks`` (x = 1),
    where every ECDF reaches 1.
    """
    import matplotlib.pyplot as plt

    _checks.frame("table", table, ["method", "parameter", "rank", "n_ranks"])
    methods = list(table["method"].unique()) if methods is None else list(methods)
    if axes is None:
        _, axes = plt.subplots(1, len(HYPER), figsize=(9, 2.8), layout="constrained", sharey=True)
    for ax, name in zip(np.ravel(axes), HYPER):
        part = table[table["parameter"] == name]
        n_ranks = int(part["n_ranks"].iloc[0])
        # ranks 0..n_ranks at x = rank / n_ranks; the last (every draw below the truth) has ECDF 1, gap 0
        x = np.arange(n_ranks + 1) / n_ranks
        for i, method in enumerate(methods):
            ranks = part.loc[part["method"] == method, "rank"].to_numpy()
            band = sbc_band(ranks.size, n_ranks, prob=prob)
            if i == 0:
                ax.fill_between(x, np.r_[band["lower"] - band["expected"], 0], np.r_[band["upper"] - band["expected"], 0],
                                step="post", color="0.85", label=f"{round(prob * 100)}% band")
            ax.step(x, np.r_[sbc_ecdf(ranks, n_ranks) - band["expected"], 0], where="post", color=COLORS.get(method),
                    label=method, lw=1.5)
        ax.axhline(0, color="black", lw=0.6)
        ax.set(title=LABELS[name], xlim=(0, 1))
    np.ravel(axes)[0].figure.supxlabel("fraction of the posterior draws below the true value", fontsize=10)
    np.ravel(axes)[0].set_ylabel("ECDF − uniform")
    np.ravel(axes)[-1].legend(frameon=False, fontsize=9)
    return axes


def plot_design(grid: pd.DataFrame, *, n_groups: int, parameter: str = "sigma_a", prob: float = 0.9, axes=None):
    """For one number of groups: each estimator's estimates of ``parameter`` over the data sets, one
    panel per group size, with the truth, and each estimator's coverage and error in the panel's text.

    ``grid`` is a study's table with columns ``n_groups`` and ``group_size`` (one design per pair).
    """
    import matplotlib.pyplot as plt

    _checks.frame("grid", grid, ["n_groups", "group_size", "method", "parameter", "estimate", "truth"])
    part = grid[(grid["n_groups"] == n_groups) & (grid["parameter"] == parameter)]
    if part.empty:
        raise ValueError(f"n_groups must be one of {sorted(grid['n_groups'].unique())}, got {n_groups!r}")
    sizes = sorted(grid["group_size"].unique())
    if axes is None:
        _, axes = plt.subplots(1, len(sizes), figsize=(8.5, 3), layout="constrained", sharey=True)
    values = grid.loc[grid["parameter"] == parameter, "estimate"]
    bins = np.linspace(0, float(np.nanquantile(values, 0.99)), 25)
    cover, error = coverage(part, by=["group_size", "method"], prob=prob), errors(part, by=["group_size", "method"])
    for ax, size in zip(np.ravel(axes), sizes):
        here = part[part["group_size"] == size]
        lines = []
        for method in here["method"].unique():
            ax.hist(here.loc[here["method"] == method, "estimate"].clip(upper=bins[-1]), bins=bins, alpha=0.45,
                    color=COLORS.get(method), histtype="stepfilled", edgecolor=COLORS.get(method), label=method)
            c, e = cover.loc[(size, method)], error.loc[(size, method)]
            lines.append(f"{method}: covers {c['coverage']:.0%}, RMSE {e['rmse']:.2f}")
        ax.axvline(here["truth"].iloc[0], color="black", lw=1.5, label="truth")
        ax.set(title=f"{n_groups} groups of {size}", xlabel=f"estimate of {LABELS[parameter]}", yticks=[])
        ax.text(0.98, 0.97, "\n".join(lines), transform=ax.transAxes, ha="right", va="top", fontsize=8)
    np.ravel(axes)[0].set_ylabel("data sets")
    np.ravel(axes)[0].legend(frameon=False, fontsize=8, loc="center right")
    return axes


#: An × (a symbol path in Vega's unit square): a data set with no interval in :func:`design_chart`.
_CROSS = ("M-0.69,1.08L0,0.39L0.69,1.08L1.08,0.69L0.39,0L1.08,-0.69L0.69,-1.08L0,-0.39L-0.69,-1.08L-1.08,-0.69"
          "L-0.39,0L-1.08,0.69Z")


def design_chart(grid: pd.DataFrame, *, parameter: str = "sigma_a", prob: float = 0.9):
    """The designs of a recovery study as a Vega-Lite chart, with a control choosing the number of groups.

    The browser form of :func:`plot_design`, for :class:`course_lib.controls.Control`. One panel per
    group size; in it, each method's estimate of ``parameter`` in each data set (a dot, a cross when
    the data set has no interval) with its central ``prob`` interval, the truth (black rule), and above
    each method's strip its coverage and root-mean-square error. The chart draws a strip of data sets
    rather than :func:`plot_design`'s histograms: a design has few data sets (8 in the chapter), too
    few to fill a histogram's bins at 640 px, and the strip shows what the coverage counts, which
    intervals miss the truth and which data sets have none.

    The control is the parameter ``n_groups``: a range slider with the designs' common step when their
    numbers of groups are evenly spaced (5, 10, 15, 20), else radio buttons (5, 10, 20, 40: a slider
    would stop on numbers that have no design), or a menu when there are more than eight. The chart's
    transforms keep that design's rows and give each, in the chart's top-level dataset, its group
    size's and method's ``coverage`` (the share of data sets whose interval contains the truth, a
    missing interval counting as a miss, as in :func:`coverage`), ``rmse`` (as in :func:`errors`),
    ``n`` (data sets) and ``no_interval``.

    Parameters
    ----------
    grid : pandas.DataFrame
        A study's table with columns ``n_groups`` and ``group_size`` (one design per pair), ``method``,
        ``parameter``, ``estimate``, ``truth`` and the ``prob`` interval's ``lower_90``, ``upper_90``.
    parameter : str, default "sigma_a"
        The parameter shown (a value of ``grid["parameter"]``).
    prob : float, default 0.9
        Probability of the intervals shown and counted (one of :data:`PROBS`).

    Returns
    -------
    altair.HConcatChart

    Raises
    ------
    ValueError
        If ``grid`` lacks a column, its ``n_groups``, ``group_size`` or ``truth`` are not numbers,
        ``parameter`` has no rows in it, or ``prob`` is not in :data:`PROBS`.

    Examples
    --------
    >>> grid = pd.DataFrame({"n_groups": [5, 5, 10, 10], "group_size": 3, "method": "REML",
    ...                      "parameter": "sigma_a", "estimate": [0.0, 0.4, 0.2, 0.3], "truth": 0.3,
    ...                      "lower_90": [np.nan, 0.1, 0.0, 0.1], "upper_90": [np.nan, 0.7, 0.5, 0.6]})
    >>> chart = design_chart(grid)
    >>> [p.name for p in chart.params], chart.params[0].bind.options
    (['n_groups'], [5, 10])
    """
    import altair as alt

    from .controls import WIDTH

    rows, methods = _design_rows(grid, parameter=parameter, prob=prob)
    sizes = sorted(rows["group_size"].unique())
    label = LABELS.get(parameter, parameter).strip("$").replace("\\sigma", "σ").replace("\\bar a", "ā")
    axis = 20 + 8 * max(len(m) for m in methods)  # the method names on the first panel's axis
    width = int((WIDTH - axis) / len(sizes)) - 16
    domain = _design_domain(rows, from_zero=parameter.startswith("sigma"))
    panels = [_design_panel(size, methods, label=label, domain=domain, width=width, first=i == 0)
              for i, size in enumerate(sizes)]
    title = alt.Title(alt.ExprRef(f"'{round(prob * 100)}% intervals of {label} over the data sets, ' + n_groups "
                                  "+ ' groups'"), fontSize=13)
    return (alt.hconcat(*panels, data=rows, title=title, spacing=12, bounds="flush")
            .transform_filter("datum.n_groups == n_groups")
            .transform_calculate(missing="isValid(datum.lower) && isValid(datum.upper) ? 0 : 1")
            # Vega compares null as 0: a missing interval is a miss only by the explicit check.
            .transform_calculate(hit="!datum.missing && datum.lower <= datum.truth && datum.truth <= datum.upper "
                                     "? 1 : 0",
                                 sq="isValid(datum.estimate) ? pow(datum.estimate - datum.truth, 2) : null")
            .transform_joinaggregate(coverage="mean(hit)", hits="sum(hit)", mse="mean(sq)", n="count()",
                                     no_interval="sum(missing)",
                                     groupby=["group_size", "method"])
            .transform_calculate(rmse="isValid(datum.mse) ? sqrt(datum.mse) : null")
            .add_params(_design_param(sorted(rows["n_groups"].unique()))))


def _design_panel(size: int, methods: list, *, label: str, domain: list, width: int, first: bool):
    """One panel of :func:`design_chart`: the chosen design's data sets with groups of ``size`` rows."""
    import altair as alt

    y = alt.Y("method:N", sort=methods, title=None, axis=alt.Axis(labelFontSize=11) if first else None,
              scale=alt.Scale(paddingInner=0.5, paddingOuter=0.45))
    x = dict(scale=alt.Scale(domain=domain, nice=False, clamp=True), title=f"estimate of {label}")
    colour = alt.Color("method:N", legend=None, scale=alt.Scale(domain=methods, range=[
        COLORS.get(m, "#7f7f7f") for m in methods]))
    strip = dict(y=y, yOffset=alt.YOffset("sim:N"), color=colour)
    base = alt.Chart().transform_filter(f"datum.group_size == {int(size)}")
    intervals = base.mark_rule(strokeWidth=1.2, opacity=0.7).encode(alt.X("lower:Q", **x), x2="upper:Q", **strip)
    points = base.mark_point(filled=True, size=22, opacity=1).encode(
        alt.X("estimate:Q", **x), **strip,
        shape=alt.condition("datum.missing", alt.value(_CROSS), alt.value("circle")),
        tooltip=["method:N", alt.Tooltip("sim:N", title="data set"), alt.Tooltip("estimate:Q", format=".3f"),
                 alt.Tooltip("lower:Q", format=".3f"), alt.Tooltip("upper:Q", format=".3f")])
    truth = base.mark_rule(color="black", strokeWidth=1.5).encode(x="mean(truth):Q")
    text = (base.transform_calculate(text="'covers ' + datum.hits + ' of ' + datum.n + ', RMSE ' + "
                                     "format(datum.rmse, '.2f') + (datum.no_interval > 0 ? ', ' + "
                                     "datum.no_interval + ' without interval (×)' : '')")
            .transform_aggregate(groupby=["method", "text"])
            .mark_text(align="left", baseline="bottom", dy=-2, fontSize=10, clip=True)
            .encode(x=alt.value(0), y=alt.Y("method:N", sort=methods, bandPosition=0), text="text:N"))
    return alt.layer(intervals, points, truth, text).properties(
        width=width, height=40 + 90 * len(methods),
        title=alt.Title(alt.ExprRef(f"n_groups + ' groups of {int(size)} rows'"), fontSize=12, fontWeight="normal"))


def _design_rows(grid: pd.DataFrame, *, parameter: str, prob: float) -> tuple[pd.DataFrame, list]:
    """The columns of ``grid``'s ``parameter`` rows that :func:`design_chart` needs, checked, and its methods."""
    level = _level(prob)
    _checks.frame("grid", grid, ["n_groups", "group_size", "method", "parameter", "estimate", "truth",
                                 f"lower_{level}", f"upper_{level}"])
    _checks.choice("parameter", parameter, set(grid["parameter"].unique()))
    part = grid[grid["parameter"] == parameter]
    for column in ("n_groups", "group_size", "truth"):
        _checks.numeric_column("grid", part, column)
    sim = part["sim"] if "sim" in part.columns else part.groupby(["n_groups", "group_size", "method"]).cumcount()
    rows = pd.DataFrame({"n_groups": part["n_groups"].astype(int), "group_size": part["group_size"].astype(int),
                         "method": part["method"].astype(str), "sim": np.asarray(sim, dtype=int),
                         "estimate": part["estimate"].astype(float), "truth": part["truth"].astype(float),
                         "lower": part[f"lower_{level}"].astype(float), "upper": part[f"upper_{level}"].astype(float)})
    return rows.reset_index(drop=True), list(dict.fromkeys(rows["method"]))


def _design_domain(rows: pd.DataFrame, *, from_zero: bool) -> list[float]:
    """The estimate axis of :func:`design_chart`, the same for every design: every estimate, interval
    end and truth (from 0 for a standard deviation), so that no interval is cut at the axis."""
    values = np.r_[rows["estimate"], rows["lower"], rows["upper"], rows["truth"]]
    values = values[np.isfinite(values)]
    lo = min(0.0 if from_zero else np.inf, float(values.min()))
    hi = max(float(values.max()), lo + 1e-3)
    pad = 0.02 * (hi - lo)
    return [float(np.floor((lo - (0 if from_zero else pad)) * 1e3) / 1e3), float(np.ceil((hi + pad) * 1e3) / 1e3)]


def _design_param(designs: list):
    """The parameter ``n_groups`` of :func:`design_chart`: a slider over evenly spaced designs, else buttons."""
    import altair as alt

    designs = [int(j) for j in designs]
    if len(designs) > 2 and len(set(np.diff(designs))) == 1:
        bind = alt.binding_range(min=designs[0], max=designs[-1], step=designs[1] - designs[0], name="groups ")
    elif len(designs) > 8:
        bind = alt.binding_select(options=designs, name="groups ")
    else:
        bind = alt.binding_radio(options=designs, name="groups ")
    return alt.param(name="n_groups", value=designs[0], bind=bind)
