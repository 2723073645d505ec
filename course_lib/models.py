"""Thin helpers around Bambi and PyMC: fit a formula, check convergence, summarise.

Bambi, PyMC and ArviZ are imported inside the functions, so ``import course_lib`` stays fast
and the numpy-only modules work without them.
"""

from __future__ import annotations

import numbers
import os
import re

import numpy as np
import pandas as pd

from . import _checks


class ConvergenceError(AssertionError):
    """Raised by :func:`check_convergence` when a fit should not be trusted."""


#: Environment variable added to every sampler seed (not to the seeds of simulated data).
#: ``make test`` sets it, so the checked outputs are shown to hold with other sampler seeds,
#: as they must on another machine, where the same seed gives other chains.
SEED_OFFSET = "COURSE_SEED_OFFSET"


def sampler_seed(random_seed: int) -> int:
    """``random_seed`` plus the integer in the environment variable :data:`SEED_OFFSET` (0 if unset).

    Examples
    --------
    >>> sampler_seed(7) - sampler_seed(0)
    7
    """
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise ValueError(f"random_seed must be an integer, got {random_seed!r}")
    offset = os.environ.get(SEED_OFFSET, "0").strip() or "0"
    try:
        return int(random_seed) + int(offset)
    except ValueError:
        raise ValueError(f"the environment variable {SEED_OFFSET} must be an integer, got {offset!r}") from None


def fit(formula: str, df: pd.DataFrame, *, family: str = "gaussian", priors: dict | None = None,
        draws: int = 1000, tune: int = 1000, chains: int = 4, cores: int = 2,
        target_accept: float = 0.9, random_seed: int, noncentered: bool = True,
        inference_method: str = "nutpie", **kwargs):
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
        Seed for the sampler (plus ``$COURSE_SEED_OFFSET``, see :func:`sampler_seed`): on one machine
        the same seed gives the same draws; another machine's draws differ within Monte Carlo error.
    noncentered : bool, default True
        Bambi's parametrisation of the group-specific effects. Non-centred suits groups with little
        data; centred (False) samples better when every group has plenty.
    inference_method : {"nutpie", "pymc"}, default "nutpie"
        The NUTS implementation: nutpie (compiled, faster on every model of the book, see
        ``benchmarks/results.md``) or PyMC's own sampler.
    **kwargs
        Passed to ``bambi.Model.fit``.

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
    draws, tune, chains, cores = _sampler_args(draws, tune, chains, cores, target_accept, random_seed)
    inference_method = _checks.choice("inference_method", inference_method, {"nutpie", "pymc"})
    import bambi as bmb

    model = bmb.Model(formula, df, family=family, priors=priors, noncentered=bool(noncentered))
    idata = model.fit(draws=draws, tune=tune, chains=chains, cores=cores, target_accept=target_accept,
                      random_seed=sampler_seed(random_seed), progressbar=False,
                      inference_method=inference_method, **kwargs)
    return model, idata


def _sampler_args(draws, tune, chains, cores, target_accept, random_seed) -> tuple[int, int, int, int]:
    """Check the sampler's arguments (each ValueError names its argument); return the four counts."""
    draws, tune = _checks.integer("draws", draws), _checks.integer("tune", tune, minimum=0)
    chains, cores = _checks.integer("chains", chains), _checks.integer("cores", cores)
    if not 0 < _checks.finite("target_accept", target_accept) < 1:
        raise ValueError(f"target_accept must lie in (0, 1), got {target_accept}")
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise ValueError(f"random_seed must be an integer, got {random_seed!r}")
    return draws, tune, chains, cores


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


#: The variables :func:`diagnostics` checks in a :func:`correlated_slopes` fit (not its internals).
CORRELATED_VARS = ["mu", "sigma_group", "rho", "sigma", "effects"]


def diagnostics(fits, *, var_names=None, r_hat_max: float = 1.01, ess_min: float = 400.0) -> pd.DataFrame:
    """A table of convergence diagnostics, one row per fit; raise if any fit should not be trusted.

    For each fit: the largest rank-normalised split r_hat over all parameters (near 1 when the chains
    agree), the smallest bulk and tail effective sample sizes (how many independent draws the chains
    are worth, for the centre and for the tails of each posterior), and the number of divergent
    transitions (where the sampler met curvature it could not follow).

    Parameters
    ----------
    fits : arviz.InferenceData or dict of str to arviz.InferenceData
        One fit, or fits by name.
    var_names : list of str, optional
        Variables to check; by default all, or :data:`CORRELATED_VARS` for a
        :func:`correlated_slopes` fit.
    r_hat_max, ess_min : float, default 1.01 and 400
        The thresholds of :func:`check_convergence`.

    Returns
    -------
    pandas.DataFrame
        Indexed by fit name: ``largest r_hat``, ``smallest bulk ESS``, ``smallest tail ESS``,
        ``divergences``, ``draws``.

    Raises
    ------
    ConvergenceError
        If a fit has r_hat >= ``r_hat_max``, an ESS under ``ess_min`` or any divergence.
    ValueError
        If ``fits`` holds something that is not an InferenceData with a posterior.

    Examples
    --------
    >>> diagnostics({"complete pooling": idata})  # doctest: +SKIP
    """
    import arviz as az

    if not isinstance(fits, dict):
        fits = {"fit": fits}
    if not fits:
        raise ValueError("fits must hold at least one InferenceData")
    rows = {}
    for name, idata in fits.items():
        if not hasattr(idata, "posterior"):
            raise ValueError(f"fits[{name!r}] must be an InferenceData with a posterior, got {type(idata).__name__}")
        names = var_names
        if names is None and set(CORRELATED_VARS) <= set(idata.posterior.data_vars):
            names = CORRELATED_VARS
        summary = az.summary(idata, var_names=names, kind="diagnostics", round_to="none")
        stats = getattr(idata, "sample_stats", None)
        rows[name] = {
            "largest r_hat": float(summary["r_hat"].max()),
            "smallest bulk ESS": float(summary["ess_bulk"].min()),
            "smallest tail ESS": float(summary["ess_tail"].min()),
            "divergences": int(stats["diverging"].sum()) if stats is not None else 0,
            "draws": int(idata.posterior.sizes["chain"] * idata.posterior.sizes["draw"]),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    bad = table[(table["largest r_hat"] >= r_hat_max) | (table["smallest bulk ESS"] < ess_min)
                | (table["smallest tail ESS"] < ess_min) | (table["divergences"] > 0)]
    if len(bad):
        raise ConvergenceError(f"the sampler did not converge for {list(bad.index)} (r_hat must be under "
                               f"{r_hat_max}, ESS at least {ess_min:.0f}, no divergences):\n{bad.to_string()}")
    return table.round({"largest r_hat": 3, "smallest bulk ESS": 0, "smallest tail ESS": 0}).astype(
        {"smallest bulk ESS": int, "smallest tail ESS": int})


def prior_table(fitted: dict) -> pd.DataFrame:
    """Every prior of one or more Bambi models, one row per parameter, numbers to 2 decimals.

    Parameters
    ----------
    fitted : dict of str to bambi.Model
        Model name to the model (e.g. the first value :func:`fit` returns).

    Returns
    -------
    pandas.DataFrame
        Index (model, parameter); column ``prior``. A group-specific term's row gives its offsets'
        distribution, with the hyperprior of their standard deviation inside it.

    Raises
    ------
    TypeError
        If ``fitted`` is not a non-empty dict of Bambi models.

    Examples
    --------
    >>> prior_table({"complete pooling": model})  # doctest: +SKIP
    """
    if not isinstance(fitted, dict) or not fitted:
        raise TypeError(f"fitted must be a non-empty dict of name -> bambi.Model, got {type(fitted).__name__}")
    import bambi as bmb

    def text(prior) -> str:
        if not isinstance(prior, bmb.Prior):
            return re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group()):.2f}", str(prior))
        parts = []
        for key, value in prior.args.items():
            if isinstance(value, bmb.Prior):
                parts.append(f"{key}: {text(value)}")
                continue
            values = np.atleast_1d(np.asarray(value, dtype=float))
            parts.append(f"{key}: {values.flat[0]:.2f}" if np.all(values == values.flat[0])
                         else f"{key}: {values.min():.2f} to {values.max():.2f} by level")
        return f"{prior.name}({', '.join(parts)})"

    rows = []
    for name, model in fitted.items():
        if not isinstance(model, bmb.Model):
            raise TypeError(f"fitted[{name!r}] must be a bambi.Model, got {type(model).__name__}")
        for component in model.components.values():
            terms = {}
            if getattr(component, "intercept_term", None) is not None:
                terms["Intercept"] = component.intercept_term
            terms |= dict(getattr(component, "common_terms", None) or {})
            terms |= dict(getattr(component, "group_specific_terms", None) or {})
            for term_name, term in terms.items():
                rows.append((str(name), term_name, text(term.prior)))
            if not terms and getattr(component, "prior", None) is not None:
                rows.append((str(name), component.name, text(component.prior)))
    return pd.DataFrame(rows, columns=["model", "parameter", "prior"]).set_index(["model", "parameter"])


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
    _checks.idata("idata", idata)
    if not isinstance(name, str) or name not in idata.posterior:
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

    _checks.mapping("idatas", idatas)
    _checks.mapping("classical", classical)
    for name, idata in idatas.items():
        _checks.idata(f"idatas[{name!r}]", idata)
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


def correlated_slopes(df: pd.DataFrame, *, y: str, x: str, group: str, eta: float = 2.0,
                      intercept_prior: tuple[float, float] | None = None,
                      slope_prior: tuple[float, float] | None = None,
                      sd_rate: float | None = None, sigma_rate: float | None = None,
                      draws: int = 1000, tune: int = 1000, chains: int = 2, cores: int = 2,
                      target_accept: float = 0.9, random_seed: int, sampler: str = "nutpie",
                      centered: bool = False):
    """Fit varying intercepts and slopes that are *correlated*, with an LKJ prior, in PyMC.

    Bambi 0.17 fits ``(1 + x | g)`` with independent intercepts and slopes; this is the model
    with the full covariance matrix, the one ``lmer`` fits::

        y_i ~ Normal(a[g[i]] + b[g[i]] * x_i, sigma)
        (a_j, b_j) ~ MVNormal((mu_a, mu_b), S),  S = diag(sigma_group) @ R @ diag(sigma_group)
        R ~ LKJ(eta),  sigma_group ~ Exponential(sd_rate),  sigma ~ Exponential(sigma_rate)
        mu_a ~ Normal(*intercept_prior),  mu_b ~ Normal(*slope_prior)

    By default written non-centred (``(a_j, b_j) = mu + L z_j`` with ``L`` the Cholesky factor of
    ``S``), which samples well when groups have little data and a group sd may be near zero (radon,
    cafes). When every group has plenty of data (gapminder: 12 years per country, little noise) the
    centred form ``(a_j, b_j) ~ MVNormal(mu, S)`` samples far better: pass ``centered=True``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, x, group : str
        Response, predictor and grouping columns.
    eta : float, default 2
        LKJ shape: 1 is uniform over correlations; larger values make extreme ones less likely.
    intercept_prior, slope_prior : (mean, sd), optional
        Normal priors of ``mu_a`` and ``mu_b``. Defaults are weakly informative on the data's
        scale: ``(mean(y), 2.5 sd(y))`` and ``(0, 2.5 sd(y) / sd(x))``.
    sd_rate, sigma_rate : float, optional
        Rates of the exponential priors on the group sds (both) and on ``sigma``;
        default ``1 / sd(y)``.
    draws, tune, chains, cores, target_accept :
        As in :func:`fit` (default 2 chains).
    random_seed : int
        Sampler seed.
    sampler : {"nutpie", "pymc"}, default "nutpie"
        NUTS implementation; nutpie had the higher ESS per second on every model in the book (see ``benchmarks/``).
    centered : bool, default False
        Centred or non-centred group effects (see above).

    Returns
    -------
    (pymc.Model, arviz.InferenceData)
        Posterior variables ``mu`` (dim ``effect``: ``intercept``, ``slope``), ``sigma_group``
        (dim ``effect``), ``rho``, ``sigma``, and ``effects`` (dims ``group``, ``effect``: each
        group's own intercept and slope, population mean included).

    Raises
    ------
    ValueError
        If a column is missing or not numeric, or an argument is out of range.

    Examples
    --------
    >>> model, idata = correlated_slopes(df, y="wait", x="afternoon", group="cafe",
    ...                                  random_seed=1)  # doctest: +SKIP
    """
    _checks.frame("df", df, [y, x, group])
    y_values = _checks.numeric_column("df", df, y)
    x_values = _checks.numeric_column("df", df, x)
    eta = _checks.positive("eta", eta)
    draws, tune, chains, cores = _sampler_args(draws, tune, chains, cores, target_accept, random_seed)
    sampler = _checks.choice("sampler", sampler, {"pymc", "nutpie"})
    if len(df) < 3:
        raise ValueError(f"df must have at least 3 rows, got {len(df)}")
    sd_y = float(np.std(y_values)) or 1.0
    sd_x = float(np.std(x_values))
    if sd_x == 0:
        raise ValueError(f"df: column {x!r} is constant, so there is no slope to estimate")
    intercept_prior = _normal_prior("intercept_prior", intercept_prior, (float(np.mean(y_values)), 2.5 * sd_y))
    slope_prior = _normal_prior("slope_prior", slope_prior, (0.0, 2.5 * sd_y / sd_x))
    sd_rate = _checks.positive("sd_rate", 1 / sd_y if sd_rate is None else sd_rate)
    sigma_rate = _checks.positive("sigma_rate", 1 / sd_y if sigma_rate is None else sigma_rate)
    codes, levels = pd.factorize(df[group], sort=True)
    if isinstance(levels, pd.CategoricalIndex):
        levels = levels.astype(object)

    import pymc as pm

    coords = {"group": [str(v) for v in levels], "effect": ["intercept", "slope"], "obs": np.arange(len(df))}
    with pm.Model(coords=coords) as model:
        g = pm.Data("g", codes, dims="obs")
        xd = pm.Data("x", x_values, dims="obs")
        mu_a = pm.Normal("mu_a", *intercept_prior)
        mu_b = pm.Normal("mu_b", *slope_prior)
        mu = pm.Deterministic("mu", pm.math.stack([mu_a, mu_b]), dims="effect")
        chol, corr, stds = pm.LKJCholeskyCov("chol", n=2, eta=eta, compute_corr=True,
                                             sd_dist=pm.Exponential.dist(sd_rate, shape=2))
        pm.Deterministic("sigma_group", stds, dims="effect")
        pm.Deterministic("rho", corr[0, 1])
        if centered:
            effects = pm.MvNormal("effects", mu=mu, chol=chol, dims=("group", "effect"))
        else:
            z = pm.Normal("z", 0.0, 1.0, dims=("group", "effect"))
            effects = pm.Deterministic("effects", mu + z @ chol.T, dims=("group", "effect"))
        sigma = pm.Exponential("sigma", sigma_rate)
        pm.Normal("y", effects[g, 0] + effects[g, 1] * xd, sigma, observed=y_values, dims="obs")
        idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=cores, target_accept=target_accept,
                          random_seed=sampler_seed(random_seed), progressbar=False, nuts_sampler=sampler)
    return model, idata


def _normal_prior(name: str, value, default) -> tuple[float, float]:
    """``(mean, sd)`` of a normal prior, checked; ``default`` when ``value`` is None."""
    if value is None:
        return default
    try:
        mean, sd = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (mean, sd) pair, got {value!r}") from None
    return _checks.finite(f"{name} mean", mean), _checks.positive(f"{name} sd", sd)


#: The summary labels :func:`slopes_summary` reports, in order.
SLOPES_SUMMARY = ["intercept", "slope", "sd intercept", "sd slope", "correlation", "sd residual"]


def slopes_summary(idata, *, kind: str) -> pd.Series:
    """Posterior means of a varying-slopes model under common labels, to set beside REML.

    Parameters
    ----------
    idata : arviz.InferenceData
        From :func:`correlated_slopes` (``kind="correlated"``) or from Bambi's
        ``y ~ x + (x | g)`` (``kind="bambi"``: no correlation, reported as NaN).
    kind : {"correlated", "bambi"}

    Returns
    -------
    pandas.Series
        Indexed by :data:`SLOPES_SUMMARY`.

    Examples
    --------
    >>> slopes_summary(idata, kind="correlated")  # doctest: +SKIP
    """
    kind = _checks.choice("kind", kind, {"correlated", "bambi"})
    if not hasattr(idata, "posterior"):
        raise ValueError(f"idata must be an InferenceData with a posterior, got {type(idata).__name__}")
    post = idata.posterior.mean(("chain", "draw"))
    if kind == "correlated":
        values = [*post["mu"].to_numpy(), *post["sigma_group"].to_numpy(), post["rho"], post["sigma"]]
    else:
        names = [n for n in post.data_vars if not n.endswith("__")]  # nutpie keeps transformed values
        slope = [n for n in names if n not in ("Intercept", "sigma") and "|" not in n]
        group_sds = [n for n in names if n.endswith("_sigma") and "|" in n]
        if len(slope) != 1 or len(group_sds) != 2:
            raise ValueError(f"idata does not look like a Bambi 'y ~ x + (x | g)' fit; it has {names}")
        sd_slope = [n for n in group_sds if not n.startswith("1|")]
        sd_int = [n for n in group_sds if n.startswith("1|")]
        values = [post["Intercept"], post[slope[0]], post[sd_int[0]], post[sd_slope[0]], np.nan, post["sigma"]]
    return pd.Series([float(v) for v in values], index=SLOPES_SUMMARY)


def predict_new(idata, *, x: float, group: str | None = None, rng: np.random.Generator) -> np.ndarray:
    """Predictive draws of one new observation with predictor ``x``, from :func:`correlated_slopes`.

    For an existing group, each posterior draw gives that group's ``(a_j, b_j)`` and ``sigma``:
    ``y = a_j + b_j x + sigma * e``. For a new group (``group=None``) each draw first makes a new
    group, ``(a, b) ~ MVNormal(mu, S)`` with that draw's ``mu``, sds and correlation, and then
    the observation: the group's uncertainty is added, so the distribution is wider.

    Parameters
    ----------
    idata : arviz.InferenceData
        From :func:`correlated_slopes`.
    x : float
        Predictor of the new observation.
    group : str, optional
        An existing group, or None for a new one.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        One predictive draw per posterior draw.

    Raises
    ------
    ValueError
        If ``group`` is not one of the model's groups, or ``idata`` is not from
        :func:`correlated_slopes`.

    Examples
    --------
    >>> predict_new(idata, x=0.0, group=None, rng=np.random.default_rng(1))  # doctest: +SKIP
    """
    x = _checks.finite("x", x)
    rng = _checks.rng(rng)
    post = getattr(idata, "posterior", None)
    if post is None or not {"effects", "mu", "sigma_group", "rho", "sigma"} <= set(post.data_vars):
        raise ValueError("idata must come from models.correlated_slopes (effects, mu, sigma_group, rho, sigma)")
    stacked = post.stack(sample=("chain", "draw"))
    sigma = stacked["sigma"].to_numpy()
    if group is None:
        mu = stacked["mu"].transpose("sample", "effect").to_numpy()
        sd = stacked["sigma_group"].transpose("sample", "effect").to_numpy()
        rho = stacked["rho"].to_numpy()
        z1, z2 = rng.standard_normal(sigma.size), rng.standard_normal(sigma.size)
        a = mu[:, 0] + sd[:, 0] * z1
        b = mu[:, 1] + sd[:, 1] * (rho * z1 + np.sqrt(np.clip(1 - rho**2, 0, None)) * z2)
    else:
        groups = [str(g) for g in post["group"].to_numpy()]
        if str(group) not in groups:
            raise ValueError(f"group {group!r} is not one of the model's groups (e.g. {groups[:3]})")
        ab = stacked["effects"].sel(group=str(group)).transpose("sample", "effect").to_numpy()
        a, b = ab[:, 0], ab[:, 1]
    return a + b * x + sigma * rng.standard_normal(sigma.size)
