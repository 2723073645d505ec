"""The book's controls, one call each: a chapter shows a control with one line.

Every control computes in the reader's browser, so it works the same in a notebook and on the
published site (which has no Python kernel): the dials, the covariance sandbox and the design control
are Vega-Lite charts (:mod:`course_lib.controls`), the shrinkage explorer an anywidget
(:mod:`course_lib.explorer`). The computations they mirror (:func:`course_lib.pooling.partial_pooling`,
:mod:`course_lib.shrinkage`, ...) keep their Python versions and tests.
"""

from __future__ import annotations

import pandas as pd

from . import pooling


def pooling_dial(df: pd.DataFrame, *, y: str, group: str, x: str, sigma: float, fitted: float,
                 decades: float = 3.0):
    """A log slider over ``sigma_group`` that moves every group's partial-pooling line.

    From ``fitted / 10**decades`` (complete pooling, in effect) to ``fitted * 10**decades``
    (no pooling, in effect). The chart (:func:`course_lib.controls.pooling_dial_chart`) computes
    :func:`course_lib.pooling.partial_pooling` in the browser, in a notebook and on the site alike.

    Parameters
    ----------
    df : pandas.DataFrame
        The observations.
    y, group : str
        Response and group columns.
    x : str
        Predictor with a common slope (the lines are drawn against it).
    sigma : float
        Residual standard deviation (e.g. REML's), positive.
    fitted : float
        The fitted ``sigma_group``, where the slider starts; positive.
    decades : float, default 3
        How many powers of ten the slider spans either side of ``fitted``.

    Returns
    -------
    course_lib.controls.Control

    Examples
    --------
    >>> from course_lib import data
    >>> dial = pooling_dial(data.load("anoles"), y="time", group="stream", x="size", sigma=1.16, fitted=1.65)
    """
    from . import controls

    chart = controls.pooling_dial_chart(df, y=y, group=group, x=x, sigma=sigma, fitted=fitted, decades=decades)
    return controls.Control(chart, description=(
        f"One panel per {group}: its observations of {y} against {x}, its no-pooling line (vermillion, fixed), "
        f"its partial-pooling line (blue) at the slider's standard deviation of the {group} intercepts, and a "
        f"dashed grey line at the estimated population mean. As the slider goes left the blue lines become the "
        f"complete-pooling line, the same sloped line in every panel; as it goes right they reach the vermillion "
        f"ones."), name="pooling-dial")


def dial_lines(df: pd.DataFrame, *, y: str, group: str, sigma_group: float, sigma: float,
               x: str | None = None) -> pd.DataFrame:
    """The partial-pooling lines at one setting of the dial, as a tidy table for plotting.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``method`` (``"partial"``), ``n``, ``intercept``, ``slope``, ``weight``;
        ``attrs`` has ``mu`` and ``weight_range`` (a short text, e.g. ``"0.31-0.88"``).

    Examples
    --------
    >>> from course_lib import data
    >>> dial_lines(data.load("anoles"), y="time", group="stream", x="size",
    ...            sigma_group=1e-9, sigma=1.0)["intercept"].round(3).unique().tolist()
    [5.608]
    """
    est = pooling.partial_pooling(df, y=y, group=group, x=x, sigma_group=sigma_group, sigma=sigma)
    out = est[["n", "intercept", "slope", "weight"]].reset_index().assign(method="partial")
    out.attrs["mu"] = est.attrs["mu"]
    out.attrs["weight_range"] = f"{est['weight'].min():.2f}-{est['weight'].max():.2f}"
    return out


def shrinkage_dial(df: pd.DataFrame, *, y: str, group: str, sigma: float, fitted: float,
                   decades: float = 2.5, label_groups=(), plural: str | None = None):
    """A log slider over ``sigma_group`` for a model with no predictor: every group's estimate
    moves between the pooled mean and its own mean, and the right panel shows why (the weights).

    The chart (:func:`course_lib.controls.shrinkage_dial_chart`) computes
    :func:`course_lib.pooling.partial_pooling` in the browser, in a notebook and on the site alike.

    Parameters
    ----------
    df : pandas.DataFrame
        The observations.
    y, group : str
        Response and group columns.
    sigma : float
        Residual sd (e.g. REML's), positive.
    fitted : float
        The fitted ``sigma_group``, where the slider starts; positive.
    decades : float, default 2.5
        Powers of ten the slider spans either side of ``fitted``.
    label_groups : sequence
        Groups to name on the figure.
    plural : str, optional
        The plural of ``group`` for the description, e.g. ``"counties"``; default ``group + "s"``.

    Returns
    -------
    course_lib.controls.Control

    Examples
    --------
    >>> from course_lib import data
    >>> dial = shrinkage_dial(data.load("radon"), y="log_radon", group="county", sigma=0.8, fitted=0.31,
    ...                       plural="counties")
    >>> dial.description.endswith("small counties last.")
    True
    """
    from . import controls

    chart = controls.shrinkage_dial_chart(df, y=y, group=group, sigma=sigma, fitted=fitted, decades=decades,
                                          label_groups=label_groups)
    return controls.Control(chart, description=(
        f"Left: each {group}'s own mean of {y} (open circle) and its partial-pooling estimate (filled) against "
        f"the {group}'s number of observations (shifted a little sideways at random, so that groups of equal "
        f"size do not hide each other), with the population mean dashed. Right: each {group}'s weight "
        f"on its own mean against its size. Moving the slider left pulls every estimate to the population "
        f"mean; moving it right leaves each at its own mean, small {plural or group + 's'} last."),
        name="shrinkage-dial")


def shrinkage_explorer(*, a_bar: float = 1.5, sigma: float = 1.5, n_per_size: int = 15, seed: int = 1):
    """Sliders for the true ``a_bar`` and ``sigma``, the class sizes, the number of classrooms and the
    seed; each change simulates a school, estimates it by no and by partial pooling, and draws the
    estimates and their errors (:func:`course_lib.explorer.shrinkage_explorer`, computed in the browser).

    Examples
    --------
    >>> box = shrinkage_explorer(n_per_size=3)
    """
    from . import explorer

    return explorer.shrinkage_explorer(a_bar=a_bar, sigma=sigma, n_per_size=n_per_size, seed=seed)


def covariance_sandbox(*, sigma_a: float = 1.0, sigma_b: float = 0.5, rho: float = -0.7, eta: float = 2.0):
    """Sliders for ``σa``, ``σb``, ``ρ`` and the LKJ shape ``η`` over 1,000 draws of a bivariate normal,
    its 50% and 89% ellipses, and the LKJ(η) prior on ``ρ``
    (:func:`course_lib.controls.covariance_sandbox_chart`, computed in the browser).

    Returns
    -------
    course_lib.controls.Control

    Examples
    --------
    >>> box = covariance_sandbox()
    """
    from . import controls

    chart = controls.covariance_sandbox_chart(sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, eta=eta)
    return controls.Control(chart, name="covariance-sandbox", description=(
        "Left: 1,000 draws of intercepts a and slopes b (blue) with the ellipses holding 50% and 89% of "
        "their distribution (black) and their least-squares line (vermillion); right: the LKJ(η) prior "
        "density of ρ with the chosen ρ marked. σa and σb stretch the cloud, ρ tilts and thins it, η "
        "reshapes the prior."))


def design_control(grid: pd.DataFrame, *, parameter: str = "sigma_a"):
    """A control over the number of groups of a recovery study's designs: for each, the estimates of
    ``parameter`` by each estimator with their intervals, coverage and error
    (:func:`course_lib.recovery.design_chart`, computed in the browser from ``grid``).

    Returns
    -------
    course_lib.controls.Control

    Examples
    --------
    >>> grid = pd.DataFrame({"n_groups": 5, "group_size": 3, "method": "REML", "parameter": "sigma_a",
    ...                      "estimate": [0.1, 0.4], "truth": 0.3, "lower_90": 0.0, "upper_90": 1.0})
    >>> control = design_control(grid)
    """
    from . import controls, recovery

    chart = recovery.design_chart(grid, parameter=parameter)
    return controls.Control(chart, name="design", description=(
        f"For the chosen number of groups, one panel per group size: the estimate of {parameter} in each "
        f"simulated data set with its 90% interval, by each method (a cross where a method gave no interval), "
        f"the truth as a black line, and the coverage and RMSE of each method above its strip."))
