"""Complete, no and partial pooling estimates for grouped data, as tidy tables.

The model throughout is the varying-intercepts regression

    y_i ~ Normal(a[g[i]] + b * x_i, sigma),   a_j ~ Normal(mu, sigma_group),

with ``x`` optional. Given the two standard deviations, the partial-pooling estimates have a
closed form (the generalised least squares / BLUP solution that REML and ``lmer`` report),
so :func:`partial_pooling` is fast enough for a slider. ``sigma_group = 0`` is complete
pooling and ``sigma_group = inf`` is no pooling, exactly.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _checks


def group_summary(df: pd.DataFrame, *, y: str, group: str, x: str | None = None) -> pd.DataFrame:
    """Per-group sufficient statistics of ``y`` (and ``x``).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, group : str
        Names of the response and of the grouping column.
    x : str, optional
        Name of a numeric predictor with a common slope.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (groups without observations dropped), columns ``n``, ``y_mean``,
        and with ``x``: ``x_mean``, ``sxx``, ``sxy`` (within-group sums of squares and products).

    Raises
    ------
    ValueError
        If a column is missing or not numeric.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "a", "b"], "y": [1.0, 3.0, 5.0]})
    >>> group_summary(d, y="y", group="g")["y_mean"].tolist()
    [2.0, 5.0]
    """
    _checks.frame("df", df, [y, group] + ([x] if x else []))
    cols = {"y": _checks.numeric_column("df", df, y)}
    if x is not None:
        cols["x"] = _checks.numeric_column("df", df, x)
    work = pd.DataFrame(cols, index=df.index)
    work["g"] = df[group]
    grouped = work.groupby("g", observed=True, sort=True)
    out = pd.DataFrame({"n": grouped.size(), "y_mean": grouped["y"].mean()})
    if x is not None:
        centred = work[["x", "y"]] - grouped[["x", "y"]].transform("mean")
        out["x_mean"] = grouped["x"].mean()
        out["sxx"] = (centred["x"] ** 2).groupby(work["g"], observed=True).sum()
        out["sxy"] = (centred["x"] * centred["y"]).groupby(work["g"], observed=True).sum()
    out.index.name = group
    return out


def partial_pooling(df: pd.DataFrame, *, y: str, group: str, sigma_group: float, sigma: float,
                    x: str | None = None) -> pd.DataFrame:
    """Partial-pooling estimates of every group's intercept, given the two standard deviations.

    Each group's intercept is a weighted average of its own data and the population mean:
    ``a_j = w_j * (ybar_j - b * xbar_j) + (1 - w_j) * mu`` with weight
    ``w_j = (n_j / sigma**2) / (n_j / sigma**2 + 1 / sigma_group**2)``; ``mu`` and ``b`` are the
    generalised least squares estimates. With REML's standard deviations this reproduces
    ``lmer``'s (and statsmodels') fixed effects and conditional modes.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, group : str
        Response and grouping columns.
    sigma_group : float
        Standard deviation of the group intercepts, ``0`` (complete pooling) to ``inf`` (no pooling).
    sigma : float
        Residual standard deviation, positive and finite.
    x : str, optional
        Predictor with a slope common to all groups.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n``, ``y_mean``, ``weight`` (w_j), ``intercept`` (a_j) and ``slope``.
        ``attrs["mu"]`` is the population mean of the intercepts and ``attrs["slope"]`` the slope
        (``mu`` under no pooling is the unweighted mean of the intercepts, its limit).

    Raises
    ------
    ValueError
        If a standard deviation is out of range or a column is missing or not numeric.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 5.0, 7.0]})
    >>> partial_pooling(d, y="y", group="g", sigma_group=0.0, sigma=1.0)["intercept"].tolist()
    [4.0, 4.0]
    """
    sigma_group = _checks.positive("sigma_group", sigma_group, allow_zero=True, allow_inf=True)
    sigma = _checks.positive("sigma", sigma)
    stats = group_summary(df, y=y, group=group, x=x)
    n = stats["n"].to_numpy(float)
    weight = weights(n, sigma_group=sigma_group, sigma=sigma)
    mu, slope = _gls(stats, weight, has_x=x is not None)
    x_mean = stats["x_mean"].to_numpy() if x is not None else 0.0
    own = stats["y_mean"].to_numpy() - slope * x_mean
    out = stats[["n", "y_mean"]].copy()
    out["weight"] = weight
    out["intercept"] = weight * own + (1 - weight) * mu
    out["slope"] = slope
    out.attrs.update(mu=float(mu), slope=float(slope), sigma_group=sigma_group, sigma=sigma)
    return out


def weights(n, *, sigma_group: float, sigma: float) -> np.ndarray:
    """Each group's weight on its own mean, ``w = (n / sigma**2) / (n / sigma**2 + 1 / sigma_group**2)``.

    The precision of the group's data against the precision of the population: 0 for
    ``sigma_group = 0`` (complete pooling), 1 for ``sigma_group = inf`` (no pooling).

    Examples
    --------
    >>> weights([1, 4], sigma_group=0.5, sigma=1.0).tolist()
    [0.2, 0.5]
    """
    n = np.asarray(n, dtype=float)
    if np.isinf(sigma_group):
        return np.ones_like(n)
    return n * sigma_group**2 / (n * sigma_group**2 + sigma**2)


def _gls(stats: pd.DataFrame, weight: np.ndarray, *, has_x: bool) -> tuple[float, float]:
    """GLS estimates of (mu, slope) in the random-intercepts model, from group summaries."""
    n, ybar = stats["n"].to_numpy(float), stats["y_mean"].to_numpy()
    v = n * (1 - weight)  # between-group precision of each group mean (times sigma**2)
    if not np.any(v > 0):  # no pooling: mu's limit is the plain mean of the intercepts
        v = np.ones_like(n)
    if not has_x:
        return float(np.sum(v * ybar) / np.sum(v)), 0.0
    xbar, sxx, sxy = (stats[c].to_numpy() for c in ("x_mean", "sxx", "sxy"))
    if np.all(weight == 1):  # no pooling: the slope comes from within groups only
        slope = np.sum(sxy) / _nonzero(np.sum(sxx))
        return float(np.sum(v * (ybar - slope * xbar)) / np.sum(v)), float(slope)
    lhs = np.array([[np.sum(v), np.sum(v * xbar)], [np.sum(v * xbar), np.sum(sxx) + np.sum(v * xbar**2)]])
    rhs = np.array([np.sum(v * ybar), np.sum(sxy) + np.sum(v * xbar * ybar)])
    mu, slope = np.linalg.solve(lhs, rhs)
    return float(mu), float(slope)


def _nonzero(value: float) -> float:
    if value <= 0:
        raise ValueError("x does not vary within any group, so a common slope cannot be estimated")
    return value


def reml_intercepts(df: pd.DataFrame, *, y: str, group: str, x: str | None = None) -> dict:
    """REML estimates of the random-intercepts model in milliseconds, from group sums.

    The restricted likelihood is profiled over the residual variance and maximised over the
    variance ratio ``sigma_group**2 / sigma**2`` alone, so it is fast enough to repeat over
    hundreds of simulated data sets. It agrees with :func:`reml` (statsmodels) to about 1e-6.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, group : str
        Response and grouping columns.
    x : str, optional
        Predictor with a common slope.

    Returns
    -------
    dict
        ``mu``, ``slope`` (0 without ``x``), ``sigma_group`` and ``sigma``.

    Raises
    ------
    ValueError
        If a column is missing or not numeric, or there are not more rows than fixed effects.

    Examples
    --------
    >>> from course_lib.data import load
    >>> round(reml_intercepts(load("radon"), y="log_radon", group="county")["sigma_group"], 4)
    0.3095
    """
    from scipy.optimize import minimize_scalar

    stats = group_summary(df, y=y, group=group, x=x)
    p = 1 + (x is not None)
    if len(df) <= p:
        raise ValueError(f"df must have more than {p} rows to estimate the variances, got {len(df)}")
    sums = _squares(df, y=y, group=group, x=x)
    fit = minimize_scalar(lambda t: -_restricted_loglik(np.exp(t), stats, sums, x is not None, len(df)),
                          bounds=(-25.0, 15.0), method="bounded", options={"xatol": 1e-9})
    ratio = np.exp(fit.x) if fit.x > -24.9 else 0.0
    sigma2 = _restricted_loglik(ratio, stats, sums, x is not None, len(df), sigma2_only=True)
    est = partial_pooling(df, y=y, group=group, x=x, sigma_group=np.sqrt(ratio * sigma2),
                          sigma=np.sqrt(sigma2))
    return {"mu": est.attrs["mu"], "slope": est.attrs["slope"],
            "sigma_group": float(np.sqrt(ratio * sigma2)), "sigma": float(np.sqrt(sigma2))}


def _squares(df, *, y, group, x) -> pd.DataFrame:
    """Per-group sums of y**2 (and x*y, x**2), aligned with :func:`group_summary`."""
    work = pd.DataFrame({"yy": df[y].to_numpy(float) ** 2}, index=df.index)
    if x is not None:
        xv = df[x].to_numpy(float)
        work["xy"], work["xx"] = xv * df[y].to_numpy(float), xv**2
    return work.groupby(df[group], observed=True, sort=True).sum()


def _restricted_loglik(ratio, stats, sums, has_x, n_obs, sigma2_only=False, sigma2=None):
    """REML log-likelihood (constants dropped) at variance ratio ``ratio = sigma_group**2 / sigma**2``,
    with the residual variance profiled out, or at ``sigma2`` if given (for curvatures in both variances)."""
    n = stats["n"].to_numpy(float)
    shrink = ratio / (1 + ratio * n)  # H_j^-1 = I - shrink_j 11'
    weight = ratio * n / (1 + ratio * n)
    mu, slope = _gls(stats, weight, has_x=has_x)
    ybar = stats["y_mean"].to_numpy()
    xbar = stats["x_mean"].to_numpy() if has_x else 0.0
    sum_r = n * (ybar - mu - slope * xbar)
    rr = sums["yy"].to_numpy() - 2 * mu * n * ybar + n * mu**2
    if has_x:
        rr = rr - 2 * slope * (sums["xy"].to_numpy() - mu * n * xbar) + slope**2 * sums["xx"].to_numpy()
    quad = np.sum(rr - shrink * sum_r**2)
    p = 1 + has_x
    profiled = sigma2 is None
    if profiled:
        sigma2 = quad / (n_obs - p)
    if sigma2_only:
        return float(sigma2)
    xtx = np.array([[np.sum(n - shrink * n**2)]])
    if has_x:
        sx = n * xbar
        off = np.sum(sx - shrink * n * sx)
        xx = np.sum(sums["xx"].to_numpy() - shrink * sx**2)
        xtx = np.array([[xtx[0, 0], off], [off, xx]])
    logdet = np.sum(np.log1p(ratio * n)) + np.linalg.slogdet(xtx)[1]
    fit_term = 0.0 if profiled else quad / sigma2  # profiled: quad / sigma2 is the constant n_obs - p, dropped
    return float(-0.5 * ((n_obs - p) * np.log(sigma2) + logdet + fit_term))


def complete_pooling(df: pd.DataFrame, *, y: str, group: str, x: str | None = None) -> pd.DataFrame:
    """Complete pooling: one line for every group (ordinary least squares, ``lm(y ~ 1 + x)``).

    Same arguments and return value as :func:`partial_pooling`, with ``sigma_group = 0``;
    ``attrs["sigma"]`` is the residual standard deviation on ``n - p`` degrees of freedom.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "b"], "y": [1.0, 3.0]})
    >>> complete_pooling(d, y="y", group="g").attrs["mu"]
    2.0
    """
    out = partial_pooling(df, y=y, group=group, x=x, sigma_group=0.0, sigma=1.0)
    out.attrs["sigma"] = _residual_sd(df, out, y=y, group=group, x=x, n_params=1 + (x is not None))
    return out


def no_pooling(df: pd.DataFrame, *, y: str, group: str, x: str | None = None) -> pd.DataFrame:
    """No pooling: every group its own intercept, a common slope (``lm(y ~ 0 + group + x)``).

    Same arguments and return value as :func:`partial_pooling`, with ``sigma_group = inf``;
    ``attrs["sigma"]`` is the residual standard deviation on ``n - J - 1`` degrees of freedom.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "a", "b"], "y": [1.0, 3.0, 5.0]})
    >>> no_pooling(d, y="y", group="g")["intercept"].tolist()
    [2.0, 5.0]
    """
    out = partial_pooling(df, y=y, group=group, x=x, sigma_group=np.inf, sigma=1.0)
    n_params = len(out) + (x is not None)
    out.attrs["sigma"] = _residual_sd(df, out, y=y, group=group, x=x, n_params=n_params)
    return out


def _residual_sd(df, table, *, y, group, x, n_params) -> float:
    fitted = table["intercept"].reindex(df[group]).to_numpy()
    if x is not None:
        fitted = fitted + table.attrs["slope"] * df[x].to_numpy(float)
    dof = len(df) - n_params
    if dof <= 0:
        return float("nan")
    return float(np.sqrt(np.sum((df[y].to_numpy(float) - fitted) ** 2) / dof))


@dataclass
class RemlFit:
    """The parts of a REML fit of a linear mixed model that the chapters print.

    Attributes
    ----------
    fixed : pandas.Series
        Fixed effects (``Intercept`` and the predictor's name).
    sd : pandas.Series
        Standard deviations: one per group-level term, and ``Residual``.
    corr : float or None
        Correlation of the group intercepts and slopes (random-slopes models only).
    group_effects : pandas.DataFrame
        Each group's deviations from the fixed effects (``ranef`` in lme4), indexed by group.
    criterion : float
        The REML criterion at convergence (``-2 * restricted log-likelihood``, as lme4 prints).
    result : object
        The statsmodels ``MixedLMResults``, for anything else.
    """

    fixed: pd.Series
    sd: pd.Series
    corr: float | None
    group_effects: pd.DataFrame
    criterion: float
    result: object

    def coef(self) -> pd.DataFrame:
        """Each group's own intercept (and slope): fixed effects plus its deviations (``coef`` in lme4)."""
        return self.group_effects + self.fixed.reindex(self.group_effects.columns).to_numpy()


def reml(df: pd.DataFrame, *, y: str, group: str, x: str | list[str] | None = None,
         random_slope: bool = False) -> RemlFit:
    """Fit ``y ~ 1 + x + (1 | group)`` (or ``(1 + x | group)``) by REML with statsmodels.

    The Python counterpart of ``lme4::lmer``: same estimates, same REML criterion.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, group : str
        Response and grouping columns.
    x : str or list of str, optional
        Numeric predictor(s), at the observation or the group level (e.g. ``["floor", "log_uranium"]``).
    random_slope : bool, default False
        Let the slope on ``x`` (the first predictor, if several) vary by group too, correlated
        with the intercepts.

    Returns
    -------
    RemlFit

    Raises
    ------
    ValueError
        If a column is missing or not numeric, ``random_slope`` is asked without ``x``,
        or the optimiser does not converge.

    Examples
    --------
    >>> from course_lib.data import load
    >>> round(float(reml(load("radon"), y="log_radon", group="county").fixed["Intercept"]), 5)
    1.31258
    """
    import statsmodels.formula.api as smf

    xs = [] if x is None else [x] if isinstance(x, str) else list(x)
    if not all(isinstance(v, str) for v in xs) or len(set(xs)) != len(xs):
        raise ValueError(f"x must be a column name or a list of distinct column names, got {x!r}")
    _checks.frame("df", df, [y, group] + xs)
    if random_slope and not xs:
        raise ValueError("random_slope=True needs a predictor x")
    data = pd.DataFrame({"y": _checks.numeric_column("df", df, y)}, index=df.index)
    for i, name in enumerate(xs):
        data[f"x{i}"] = _checks.numeric_column("df", df, name)
    data["g"] = df[group].astype(str) if not isinstance(df[group].dtype, pd.CategoricalDtype) else df[group]
    fixed_terms = " + ".join(["1"] + [f"x{i}" for i in range(len(xs))])
    model = smf.mixedlm(f"y ~ {fixed_terms}", data, groups=data["g"],
                        re_formula="~ 1 + x0" if random_slope else "~ 1")
    result = _fit_quietly(model)
    names = {"Intercept": "Intercept", **{f"x{i}": name for i, name in enumerate(xs)}}
    fixed = result.fe_params.rename(index=names)
    cov = np.asarray(result.cov_re)
    re_names = ["Intercept"] + (xs[:1] if random_slope else [])
    sd = pd.Series(np.sqrt(np.diag(cov)), index=re_names)
    sd["Residual"] = np.sqrt(result.scale)
    corr = float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])) if random_slope else None
    effects = pd.DataFrame({k: np.asarray(v) for k, v in result.random_effects.items()}).T
    effects.columns = re_names
    effects.index.name = group
    if isinstance(df[group].dtype, pd.CategoricalDtype):
        effects = effects.reindex([c for c in df[group].cat.categories if c in effects.index])
    return RemlFit(fixed, sd, corr, effects, float(-2 * result.llf), result)


#: Optimiser chains tried by :func:`reml`; the fit with the highest restricted likelihood wins.
#: No single one is safe: L-BFGS alone can stop at sigma_group = 0 with a -inf likelihood and
#: still say "converged" (radon, random intercepts), and Powell stops short on random slopes.
_OPTIMISERS = (["nm", "lbfgs"], ["bfgs"], ["powell", "lbfgs"])


def _fit_quietly(model, reml: bool = True):
    """Fit a statsmodels MixedLM by REML (or, ``reml=False``, by maximum likelihood), the best of the
    optimisers in ``_OPTIMISERS``; raise ValueError if none converged."""
    fits = []
    for method in _OPTIMISERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = model.fit(reml=reml, method=method, maxiter=5000)
            except (np.linalg.LinAlgError, ValueError):
                continue
        if result.converged and np.isfinite(result.llf):
            fits.append(result)
    if not fits:
        raise ValueError(f"the {'REML' if reml else 'ML'} optimiser did not converge; check the data and the model")
    return max(fits, key=lambda r: r.llf)


def pooling_table(df: pd.DataFrame, *, y: str, group: str, x: str | None = None) -> pd.DataFrame:
    """Complete, no and partial (REML) pooling estimates side by side, one row per group and method.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, group : str
        Response and grouping columns.
    x : str, optional
        Predictor with a common slope.

    Returns
    -------
    pandas.DataFrame
        Tidy: columns ``group`` (named after ``group``), ``method`` (``"complete"``, ``"none"``,
        ``"partial"``), ``n``, ``intercept`` and ``slope``. ``attrs`` holds each method's
        population mean ``mu_<method>`` and residual sd ``sigma_<method>``.

    Examples
    --------
    >>> from course_lib.data import load
    >>> pooling_table(load("anoles"), y="time", group="stream", x="size").shape
    (30, 5)
    """
    fit = reml(df, y=y, group=group, x=x)
    tables = {
        "complete": complete_pooling(df, y=y, group=group, x=x),
        "none": no_pooling(df, y=y, group=group, x=x),
        "partial": partial_pooling(df, y=y, group=group, x=x,
                                   sigma_group=fit.sd["Intercept"], sigma=fit.sd["Residual"]),
    }
    tables["partial"].attrs["sigma"] = float(fit.sd["Residual"])
    rows = [t[["n", "intercept", "slope"]].assign(method=m).reset_index() for m, t in tables.items()]
    out = pd.concat(rows, ignore_index=True)[[group, "method", "n", "intercept", "slope"]]
    for m, t in tables.items():
        out.attrs[f"mu_{m}"], out.attrs[f"sigma_{m}"] = t.attrs["mu"], t.attrs["sigma"]
    return out


def stream_errors(n_per_stream, *, n_sims: int, rng: np.random.Generator, a_bar: float = 5.0,
                  sigma_a: float = 1.5, b: float = 0.5, sigma: float = 1.0) -> pd.DataFrame:
    """Mean absolute error of no and partial pooling, by stream size, over many simulations.

    Each simulation draws streams with :func:`course_lib.simulate.streams`, estimates every
    stream's intercept by no pooling and by partial pooling (REML variances, via
    :func:`reml_intercepts`), and scores both against the true intercepts.

    Parameters
    ----------
    n_per_stream : sequence of int
        Lizards per stream, as for :func:`course_lib.simulate.streams`.
    n_sims : int
        Number of simulated data sets, at least 1.
    rng : numpy.random.Generator
        Source of randomness.
    a_bar, sigma_a, b, sigma : float
        The true parameters (see :func:`course_lib.simulate.streams`).

    Returns
    -------
    pandas.DataFrame
        Indexed by stream size ``n``: ``streams`` (stream-simulations averaged), ``none`` and
        ``partial`` (mean absolute errors) and ``partial_wins`` (share of stream-simulations in
        which partial pooling was closer to the truth).

    Examples
    --------
    >>> stream_errors([1, 5, 5], n_sims=3, rng=np.random.default_rng(1)).index.tolist()
    [1, 5]
    """
    from . import simulate

    n_sims = _checks.integer("n_sims", n_sims)
    rows = []
    for _ in range(n_sims):
        sim = simulate.streams(n_per_stream=n_per_stream, a_bar=a_bar, sigma_a=sigma_a, b=b,
                               sigma=sigma, rng=rng)
        fit = reml_intercepts(sim, y="time", group="stream", x="size")
        est = {"none": no_pooling(sim, y="time", group="stream", x="size"),
               "partial": partial_pooling(sim, y="time", group="stream", x="size",
                                          sigma_group=fit["sigma_group"], sigma=fit["sigma"])}
        truth = sim.attrs["truth"]["a"]
        rows.append(pd.DataFrame({"n": est["none"]["n"].to_numpy(),
                                  "none": np.abs(est["none"]["intercept"].to_numpy() - truth),
                                  "partial": np.abs(est["partial"]["intercept"].to_numpy() - truth)}))
    errors = pd.concat(rows, ignore_index=True)
    errors["partial_wins"] = errors["partial"] < errors["none"]
    out = errors.groupby("n").agg(streams=("none", "size"), none=("none", "mean"),
                                  partial=("partial", "mean"), partial_wins=("partial_wins", "mean"))
    return out


def separate_lines(df: pd.DataFrame, *, y: str, x: str, group: str) -> pd.DataFrame:
    """No pooling of slopes: a least-squares line fitted to each group on its own.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    y, x, group : str
        Response, predictor and group columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n``, ``intercept``, ``slope`` and ``sxx`` (the sum of squares of ``x``
        about the group's mean, which sets the precision of its slope, ``sigma² / sxx``). Groups
        whose ``x`` does not vary have NaN intercept and slope.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "a", "b", "b", "b"], "x": [0, 1, 0, 1, 2], "y": [1, 3, 0, 1, 2.0]})
    >>> separate_lines(d, y="y", x="x", group="g")["slope"].tolist()
    [2.0, 1.0]
    """
    stats = group_summary(df, y=y, group=group, x=x)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(stats["sxx"] > 0, stats["sxy"] / stats["sxx"], np.nan)
    out = pd.DataFrame({"n": stats["n"], "intercept": stats["y_mean"] - slope * stats["x_mean"],
                        "slope": slope, "sxx": stats["sxx"]}, index=stats.index)
    return out
