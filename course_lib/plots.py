"""Plots: each draws a tidy table on the axes it is given (or new ones) and returns them.

No function here calls ``plt.show()`` or saves a file.
"""

from __future__ import annotations

import matplotlib
import matplotlib.ticker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import _checks

#: Colour of each pooling method, used by every figure of the book: grey, vermillion and blue from
#: the Okabe-Ito palette, which readers with any common colour-vision deficiency can tell apart.
METHOD_COLORS = {"complete": "#7f7f7f", "none": "#D55E00", "partial": "#0072B2", "truth": "#000000"}
#: The colours' names, for prose and captions.
METHOD_COLOR_NAMES = {"complete": "grey", "none": "vermillion (orange-red)", "partial": "blue", "truth": "black"}
METHOD_LABELS = {"complete": "complete pooling", "none": "no pooling", "partial": "partial pooling",
                 "truth": "truth"}


def plot_line_data(df: pd.DataFrame, *, x: str, y: str, a: float, b: float, ax=None, label="truth"):
    """Scatter ``y`` against ``x`` with the line ``a + b * x``.

    Parameters
    ----------
    df : pandas.DataFrame
        Holds columns ``x`` and ``y``.
    x, y : str
        Column names.
    a, b : float
        Intercept and slope of the line drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    label : str, default "truth"
        Legend text of the line.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_line_data(pd.DataFrame({"x": [0, 1], "y": [1, 2]}), x="x", y="y", a=1, b=1)
    """
    _checks.frame("df", df, [x, y])
    a, b = _checks.finite("a", a), _checks.finite("b", b)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    ax.scatter(df[x], df[y], s=14, color="0.35")
    grid = np.linspace(df[x].min(), df[x].max(), 2)
    ax.plot(grid, a + b * grid, color="C3", lw=2, label=label)
    ax.set(xlabel=x, ylabel=y)
    ax.legend(frameon=False)
    return ax


def plot_group_lines(df: pd.DataFrame, lines: pd.DataFrame, *, x: str, y: str, group: str,
                     population_mean: float | None = None, axes=None, ncols: int = 5):
    """One panel per group: its points and one line per method from a tidy table of lines.

    Parameters
    ----------
    df : pandas.DataFrame
        The observations (columns ``x``, ``y``, ``group``).
    lines : pandas.DataFrame
        Columns ``group``, ``method``, ``intercept``, ``slope`` (as from
        :func:`course_lib.pooling.pooling_table`).
    x, y, group : str
        Column names.
    population_mean : float, optional
        Draws a horizontal reference line at this value (and a vertical one at ``x = 0``).
    axes : array of Axes, optional
        One per group, in the order of the groups; default a new grid with ``ncols`` columns.
    ncols : int, default 5
        Columns of the new grid.

    Returns
    -------
    numpy.ndarray of Axes
        One per group (flattened).

    Raises
    ------
    ValueError
        If a column is missing, or ``axes`` has fewer panels than there are groups.

    Examples
    --------
    >>> from course_lib import data, pooling
    >>> d = data.load("anoles")
    >>> axes = plot_group_lines(d, pooling.pooling_table(d, y="time", group="stream", x="size"),
    ...                         x="size", y="time", group="stream")
    >>> len(axes)
    10
    """
    _checks.frame("df", df, [x, y, group])
    _checks.frame("lines", lines, [group, "method", "intercept", "slope"])
    groups = list(pd.unique(lines[group]))
    if isinstance(df[group].dtype, pd.CategoricalDtype):  # the data's order of the groups, if it has one
        order = {g: i for i, g in enumerate(df[group].cat.categories)}
        groups.sort(key=lambda g: order.get(g, len(order)))
    axes = _panels(len(groups), axes, _checks.integer("ncols", ncols))
    grid = np.linspace(df[x].min(), df[x].max(), 2)
    for ax, g in zip(axes, groups):
        here = df[df[group] == g]
        if population_mean is not None:
            ax.axhline(population_mean, color="0.8", lw=1)
            ax.axvline(0, color="0.8", lw=1)
        ax.scatter(here[x], here[y], s=14, color="0.2", zorder=3)
        for row in lines[lines[group] == g].itertuples():
            ax.plot(grid, row.intercept + row.slope * grid, color=METHOD_COLORS.get(row.method),
                    label=METHOD_LABELS.get(row.method, row.method), lw=1.6)
        # Numbered groups keep their kind ("stream 3"); named ones are their name ("Lac Qui Parle").
        name = f"{group} {g}" if str(g).isdigit() else str(g).title()
        ax.set_title(f"{name} (n = {len(here)})", fontsize=9 if len(name) < 12 else 8)
        # Few, short tick labels: a panel is about 1.5 inches wide.
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=3, steps=[1, 2, 5, 10]))
        ax.tick_params(labelsize=8)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    columns = axes[0].get_gridspec().ncols if axes[0].get_gridspec() is not None else 1
    for i, ax in enumerate(axes[:len(groups)]):
        if i + columns >= len(groups):  # the lowest panel of its column: label its x axis
            ax.set_xlabel(x, fontsize=10)
    axes[0].figure.supylabel(y, fontsize=10)
    _figure_legend(axes[0])
    return axes


def _figure_legend(ax) -> None:
    """One legend for the whole figure, from the labelled artists of ``ax``."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    handles, labels = ax.get_legend_handles_labels()
    if isinstance(ax.figure.get_layout_engine(), ConstrainedLayoutEngine):
        # Inside the figure, below the panels: drawn even when the figure is rendered without
        # a tight bounding box (the live controls' fast redraws).
        ax.figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False,
                         fontsize=9)
    else:
        ax.figure.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False,
                         bbox_to_anchor=(0.5, -0.06))


def _panels(n: int, axes, ncols: int) -> np.ndarray:
    if axes is None:
        nrows = int(np.ceil(n / ncols))
        # About 1.55 inches a column: five columns fit the site's 750-pixel text width unscaled.
        _, axes = plt.subplots(nrows, min(ncols, n), figsize=(1.55 * min(ncols, n), 1.75 * nrows),
                               sharex=True, sharey=True, squeeze=False, layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size < n:
        raise ValueError(f"axes must hold at least {n} panels (one per group), got {axes.size}")
    return axes


def plot_recovery(table: pd.DataFrame, *, group: str, truth: str = "truth",
                  methods=("none", "partial"), ax=None):
    """Estimates of each group's parameter against its true value, one marker per method.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group with a column ``truth`` and one column per method.
    group : str
        Name of the group column (or index), used for the axis label.
    truth : str, default "truth"
        Column of true values.
    methods : sequence of str
        Columns of estimates to draw.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"truth": [1.0, 2.0], "none": [1.5, 2.5], "partial": [1.2, 2.2]})
    >>> len(plot_recovery(t, group="stream").collections)
    2
    """
    _checks.frame("table", table, [truth, *methods])
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    lo, hi = table[[truth, *methods]].min().min(), table[[truth, *methods]].max().max()
    ax.plot([lo, hi], [lo, hi], color="0.7", lw=1, zorder=0)
    for m in methods:
        ax.scatter(table[truth], table[m], color=METHOD_COLORS.get(m), label=METHOD_LABELS.get(m, m), s=22)
    ax.set(xlabel=f"true {group} intercept", ylabel="estimate")
    ax.legend(frameon=False)
    return ax


def plot_passes(df: pd.DataFrame, *, ax=None):
    """Students who passed in each classroom, coloured by class size.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``classroom``, ``passed``, ``n_students`` (as from
        :func:`course_lib.simulate.classrooms`).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_passes(pd.DataFrame({"classroom": [1], "passed": [3], "n_students": [5]}))
    """
    _checks.frame("df", df, ["classroom", "passed", "n_students"])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    points = ax.scatter(df["classroom"], df["passed"], c=df["n_students"], cmap="viridis", s=22)
    ax.figure.colorbar(points, ax=ax, label="students in class")
    ax.set(xlabel="classroom", ylabel="students who passed",
           title="Simulated students who passed the test, per classroom")
    return ax


def plot_classroom_panels(df: pd.DataFrame, *, columns, global_mean: float | None = None,
                          ylabel: str = "probability of passing", axes=None,
                          global_label: str = "pass rate of the median classroom"):
    """One panel per class size; in each, the chosen columns against the classroom number.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per classroom: ``classroom``, ``n_students`` and the ``columns``.
    columns : dict of str to str
        Column name to legend label, e.g. ``{"p_none": "no pooling", "p_partial": "partial pooling"}``.
    global_mean : float, optional
        Draws a black dashed horizontal line there (e.g. the estimated pass rate of the median
        classroom, expit of a_bar).
    ylabel : str
        Label of the y axes.
    axes : array of Axes, optional
        One per class size; default a new 2 x 2 grid (for four sizes) sharing its y axis.
    global_label : str
        Legend label of the dashed line.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> d = pd.DataFrame({"classroom": [1, 2], "n_students": [5, 10], "p": [0.2, 0.4]})
    >>> len(plot_classroom_panels(d, columns={"p": "raw"}))
    2
    """
    _checks.mapping("columns", columns)
    _checks.frame("df", df, ["classroom", "n_students", *columns])
    sizes = sorted(df["n_students"].unique())
    if axes is None:
        ncols = 2 if len(sizes) > 1 else 1
        _, axes = plt.subplots(int(np.ceil(len(sizes) / ncols)), ncols, figsize=(8, 5.5),
                               squeeze=False, sharey=True, layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size < len(sizes):
        raise ValueError(f"axes must hold at least {len(sizes)} panels (one per class size), got {axes.size}")
    # columns named <quantity>_<method> take the method's colour
    colors = {c: METHOD_COLORS.get(c.rsplit("_", 1)[-1]) for c in columns}
    columns_of_grid = axes[0].get_gridspec().ncols if axes[0].get_gridspec() is not None else 1
    for i, (ax, size) in enumerate(zip(axes, sizes)):
        here = df[df["n_students"] == size]
        for col, label in columns.items():
            ax.scatter(here["classroom"], here[col], s=20, alpha=0.8, label=label, color=colors.get(col))
        if global_mean is not None:
            ax.axhline(global_mean, color="black", ls="--", lw=1, label=global_label)
        ax.set_title(f"classrooms of {size} students", fontsize=10)
        ax.set_xlabel("classroom", fontsize=10)
        if i % columns_of_grid == 0:  # the y label once per row
            ax.set_ylabel(ylabel, fontsize=10)
        ax.tick_params(labelsize=9)
    for ax in axes[len(sizes):]:
        ax.set_visible(False)
    _figure_legend(axes[0])
    return axes


def plot_estimates_by_size(estimates: pd.DataFrame, *, pooled: float, ax=None, own: str = "y_mean",
                           shrunk: str = "intercept", label_groups=(), seed: int = 0,
                           xlabel: str = "observations in the group (log scale)"):
    """Each group's own mean and its partial-pooling estimate against the group's size.

    The own (no-pooling) mean is an open circle, the partial-pooling estimate a filled one, and a
    thin line joins them, so the pull toward the pooled mean (a horizontal line) shows as the
    length of the line: long for small groups, short for large ones.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Indexed by group with columns ``n``, ``own`` and ``shrunk``, e.g. the output of
        :func:`course_lib.pooling.partial_pooling`.
    pooled : float
        The complete-pooling (population) mean, drawn as a horizontal line.
    ax : matplotlib.axes.Axes, optional
    own, shrunk : str
        Columns of the no-pooling and the partial-pooling estimates.
    label_groups : sequence
        Groups to name on the plot.
    seed : int
        Seed of the small horizontal jitter that separates groups of equal size.
    xlabel : str
        Label of the horizontal axis.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"n": [1, 10], "y_mean": [0.0, 2.0], "intercept": [0.8, 1.9]}, index=["a", "b"])
    >>> len(plot_estimates_by_size(t, pooled=1.0).collections)  # joining lines, two sets of circles
    3
    """
    _checks.frame("estimates", estimates, ["n", own, shrunk])
    pooled = _checks.finite("pooled", pooled)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    jitter = np.exp(np.random.default_rng(seed).uniform(-0.08, 0.08, len(estimates)))
    n = estimates["n"].to_numpy(float) * jitter
    ax.vlines(n, estimates[own], estimates[shrunk], color="0.75", lw=0.8, zorder=1)
    ax.scatter(n, estimates[own], facecolor="white", edgecolor=METHOD_COLORS["none"], s=22,
               label=METHOD_LABELS["none"], zorder=2)
    ax.scatter(n, estimates[shrunk], color=METHOD_COLORS["partial"], s=18, label=METHOD_LABELS["partial"],
               zorder=3)
    ax.axhline(pooled, color=METHOD_COLORS["complete"], ls="--", lw=1.2, label=METHOD_LABELS["complete"])
    for name in label_groups:
        if name not in estimates.index:
            raise ValueError(f"label_groups: {name!r} is not a group in estimates")
        i = estimates.index.get_loc(name)
        ax.annotate(str(name).title(), (n[i], estimates[own].iloc[i]), xytext=(6, 4),
                    textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel="estimate")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return ax


def plot_weights(estimates: pd.DataFrame, *, ax=None):
    """Each group's weight on its own data, ``w_j = (n_j/σ²) / (n_j/σ² + 1/σ_group²)``, against ``n_j``.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`course_lib.pooling.partial_pooling` (columns ``n`` and ``weight``;
        ``attrs`` ``sigma`` and ``sigma_group``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from course_lib import data, pooling
    >>> est = pooling.partial_pooling(data.load("radon"), y="log_radon", group="county",
    ...                               sigma_group=0.31, sigma=0.8)
    >>> plot_weights(est).get_xscale()
    'log'
    """
    _checks.frame("estimates", estimates, ["n", "weight"])
    sigma, sigma_group = estimates.attrs.get("sigma"), estimates.attrs.get("sigma_group")
    if sigma is None or sigma_group is None:
        raise ValueError("estimates must come from pooling.partial_pooling (attrs sigma and sigma_group)")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    n_max = max(2.0, float(estimates["n"].max()) * 1.5)
    grid = np.geomspace(0.7, n_max, 200)
    from .pooling import weights

    ax.plot(grid, weights(grid, sigma_group=sigma_group, sigma=sigma), color=METHOD_COLORS["partial"], lw=1.5)
    ax.scatter(estimates["n"], estimates["weight"], color=METHOD_COLORS["partial"], s=14, zorder=3)
    # The n at which a group gets half weight, n = sigma² / sigma_group²: always created (hidden
    # when off the axis) so that a live control can move it.
    line = ax.axvline(1.0, color="0.6", ls=":", lw=1)
    note = ax.annotate("", (1.0, 0.5), xytext=(5, -25), textcoords="offset points", fontsize=8)
    _place_half_weight(line, note, sigma, sigma_group, grid[0], grid[-1])
    ax.set_xscale("log")
    ax.set(xlabel="n_j (log scale)", ylabel="weight on own mean  w_j", ylim=(-0.03, 1.03))
    return ax


def _place_half_weight(line, note, sigma, sigma_group, lo, hi) -> None:
    half = sigma**2 / sigma_group**2 if 0 < sigma_group < np.inf else np.nan
    shown = bool(lo <= half <= hi)
    line.set_visible(shown)
    note.set_visible(shown)
    if shown:
        line.set_xdata([half, half])
        note.xy = (half, 0.5)
        note.set_text(f"n = σ²/σ_group² = {half:.3g}\n(half weight)")


def plot_state_lines(df: pd.DataFrame, p, *, x: str = "income", group: str = "state", color_by: str = "wealth",
                     ax=None, title: str | None = None, points: bool = False, n: str = "n"):
    """One line per group of a probability against ``x``, coloured by a group-level covariate.

    Dark purple for the lowest values of ``color_by``, yellow-green for the highest (viridis).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group and value of ``x``.
    p : str or array-like
        Column of probabilities (or an array of ``len(df)``), e.g. raw shares or fitted means.
    x, group, color_by : str
        Predictor, group and colouring columns.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    points : bool, default False
        Draw markers sized by the number of trials ``n`` (for raw data).
    n : str, default "n"
        Column of trials, used when ``points``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> d = pd.DataFrame({"state": list("aabb"), "income": [0, 1, 0, 1], "wealth": [0, 0, 1, 1]})
    >>> len(plot_state_lines(d, [0.2, 0.4, 0.3, 0.35]).lines)
    2
    """
    _checks.frame("df", df, [x, group, color_by] + ([n] if points else []))
    values = df[p].to_numpy(float) if isinstance(p, str) else np.asarray(p, dtype=float)
    if values.shape != (len(df),):
        raise ValueError(f"p must have one value per row of df ({len(df)}), got shape {values.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.5))
    cov = df.groupby(group, sort=True, observed=True)[color_by].first()
    scale = _covariate_scale(cov)
    for name, part in df.assign(_p=values).groupby(group, sort=True, observed=True):
        colour = scale.to_rgba(cov[name])
        part = part.sort_values(x)
        ax.plot(part[x], part["_p"], color=colour, lw=0.9, alpha=0.8)
        if points:
            ax.scatter(part[x], part["_p"], s=np.sqrt(part[n]) * 1.5, color=colour, alpha=0.6, lw=0)
    ax.set_ylim(0, 1)
    ax.set_xlabel(x, fontsize=10)
    spec = ax.get_subplotspec()
    if spec is None or spec.is_first_col():  # panels side by side share one y label
        ax.set_ylabel("share voting Republican", fontsize=10)
    ax.tick_params(labelsize=9)
    ax.set_title(title, fontsize=10)
    return ax


def _covariate_scale(values: pd.Series):
    """The colour scale of a group-level covariate: dark purple (lowest) to yellow-green (highest), the
    lower 85% of viridis, so not the red and blue of the pooling kinds, and readable in grey."""
    lo, hi = float(values.min()), float(values.max())
    cmap = matplotlib.colors.ListedColormap(plt.get_cmap("viridis")(np.linspace(0, 0.85, 256)))
    norm = matplotlib.colors.Normalize(lo, hi if hi > lo else lo + 1.0)
    return matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)


def covariate_colorbar(df: pd.DataFrame, *, ax, group: str = "state", color_by: str = "wealth",
                       label: str | None = None):
    """The colour bar of :func:`plot_state_lines`: which colour is which value of ``color_by``.

    Parameters
    ----------
    df : pandas.DataFrame
        The data the lines were drawn from (columns ``group`` and ``color_by``).
    ax : matplotlib.axes.Axes or array of Axes
        The panel(s) the bar serves; it takes its space from them.
    group, color_by : str
        Group and colouring columns, as given to :func:`plot_state_lines`.
    label : str, optional
        Label of the bar; default ``color_by``.

    Returns
    -------
    matplotlib.colorbar.Colorbar

    Examples
    --------
    >>> d = pd.DataFrame({"state": list("aabb"), "income": [0, 1, 0, 1], "wealth": [-1.0, -1.0, 2.0, 2.0]})
    >>> ax = plot_state_lines(d, [0.2, 0.4, 0.3, 0.35])
    >>> [float(v) for v in covariate_colorbar(d, ax=ax).ax.get_ylim()]
    [-1.0, 2.0]
    """
    _checks.frame("df", df, [group, color_by])
    scale = _covariate_scale(df.groupby(group, sort=True, observed=True)[color_by].first())
    bar = np.ravel(ax)[0].figure.colorbar(scale, ax=ax)
    bar.set_label(color_by if label is None else label, fontsize=10)  # as plot_state_lines' axis labels
    bar.ax.tick_params(labelsize=9)
    return bar


def plot_statistic(observed: float, replicated: dict, *, ax=None, xlabel: str = "test statistic T"):
    """Histograms of a test statistic over replicated data sets, one per model, and the observed value.

    Parameters
    ----------
    observed : float
        The statistic of the real data (a vertical line).
    replicated : dict of str to array-like
        Model name to the statistic of each replicated data set.
    ax : matplotlib.axes.Axes, optional
    xlabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_statistic(0.0, {"m": [1.0, 2.0, 3.0]})
    >>> ax.get_xlabel()
    'test statistic T'
    """
    observed = _checks.finite("observed", observed)
    if not isinstance(replicated, dict) or not replicated:
        raise ValueError("replicated must be a non-empty dict of model name to statistics")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    colours = plt.get_cmap("Dark2").colors
    for i, (name, values) in enumerate(replicated.items()):
        ax.hist(np.asarray(values, float), bins=30, alpha=0.55, color=colours[i % len(colours)], label=name)
    ax.axvline(observed, color="black", lw=2, label="real data")
    ax.set(xlabel=xlabel, ylabel="replicated data sets")
    ax.legend(frameon=False, fontsize=10)
    return ax


def ellipse_points(*, mean=(0.0, 0.0), sigma_a: float, sigma_b: float, rho: float, prob: float,
                   n: int = 200) -> np.ndarray:
    """Points on the contour of a bivariate normal that holds probability ``prob``.

    The contour is ``mean + r L [cos t, sin t]`` with ``r² = -2 log(1 - prob)`` (the chi-square
    quantile with 2 degrees of freedom) and ``L = [[σa, 0], [ρσb, σb√(1-ρ²)]]``, which stays
    defined at ``ρ = ±1``, where the ellipse collapses to a line segment.

    Returns
    -------
    numpy.ndarray of shape (n, 2)

    Examples
    --------
    >>> p = ellipse_points(sigma_a=1.0, sigma_b=1.0, rho=0.0, prob=0.5)
    >>> round(float(np.hypot(p[0, 0], p[0, 1]) ** 2), 4)  # r² = 2 log 2
    1.3863
    """
    from . import simulate

    simulate.covariance(sigma_a, sigma_b, rho)  # checks the three
    if not 0 < _checks.finite("prob", prob) < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob}")
    t = np.linspace(0, 2 * np.pi, _checks.integer("n", n, minimum=3))
    r = np.sqrt(-2 * np.log(1 - prob))
    chol = np.array([[sigma_a, 0.0], [rho * sigma_b, sigma_b * np.sqrt(max(0.0, 1 - rho**2))]])
    return np.asarray(mean, dtype=float) + r * (np.column_stack([np.cos(t), np.sin(t)]) @ chol.T)


def plot_draws(draws: pd.DataFrame, *, ax=None, probs=(0.5, 0.89), fit_line: bool = True, s: float = 6):
    """Draws of ``(a, b)`` with the contours of the distribution they came from and a fitted line.

    Parameters
    ----------
    draws : pandas.DataFrame
        Columns ``a`` and ``b`` with ``attrs["truth"]`` (as from
        :func:`course_lib.simulate.correlated_effects`).
    ax : matplotlib.axes.Axes, optional
    probs : sequence of float
        Probabilities of the contours drawn.
    fit_line : bool, default True
        Draw the least-squares line of ``b`` on ``a`` (skipped if ``a`` does not vary).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from course_lib import simulate
    >>> d = simulate.correlated_effects(n=50, rho=0.5, rng=np.random.default_rng(1))
    >>> len(plot_draws(d).lines)  # two contours and the line
    3
    """
    _checks.frame("draws", draws, ["a", "b"])
    truth = draws.attrs.get("truth")
    if not truth:
        raise ValueError("draws must carry attrs['truth'] (use simulate.correlated_effects)")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(draws["a"], draws["b"], s=s, alpha=0.35, color="#1f77b4", lw=0)
    for p in probs:
        pts = ellipse_points(mean=(truth["a"], truth["b"]), sigma_a=truth["sigma_a"], sigma_b=truth["sigma_b"],
                             rho=truth["rho"], prob=p)
        ax.plot(pts[:, 0], pts[:, 1], color="black", lw=1, alpha=0.4 + 0.5 * (1 - p))
    if fit_line and np.ptp(draws["a"]) > 0:
        slope, intercept = np.polyfit(draws["a"], draws["b"], 1)
        grid = np.array([draws["a"].min(), draws["a"].max()])
        ax.plot(grid, intercept + slope * grid, color="#d62728", lw=1.5)
    ax.set(xlabel="a (intercepts)", ylabel="b (slopes)")
    return ax


def plot_shrinkage_2d(observed: pd.DataFrame, estimated: pd.DataFrame, *, mean, sigma_a: float, sigma_b: float,
                      rho: float, ax=None, probs=(0.1, 0.3, 0.5, 0.8, 0.99), labels=("observed", "posterior mean")):
    """Shrinkage in two dimensions: each unit's observed ``(a, b)`` joined to its estimate, over the
    contours of the estimated population distribution.

    Parameters
    ----------
    observed, estimated : pandas.DataFrame
        Same index (one row per unit), columns ``a`` and ``b``.
    mean : (float, float)
        Population mean of ``(a, b)``.
    sigma_a, sigma_b, rho : float
        Population sds and correlation.
    ax : matplotlib.axes.Axes, optional
    probs : sequence of float
        Contours drawn.
    labels : (str, str)
        Legend labels of the two sets of points.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> o = pd.DataFrame({"a": [1.0, 3.0], "b": [0.0, -1.0]})
    >>> ax = plot_shrinkage_2d(o, o * 0.9, mean=(2, -0.5), sigma_a=1, sigma_b=0.5, rho=-0.5)
    >>> len(ax.collections)
    3
    """
    _checks.frame("observed", observed, ["a", "b"])
    _checks.frame("estimated", estimated, ["a", "b"])
    if not observed.index.equals(estimated.index):
        raise ValueError("observed and estimated must have the same index (one row per unit, same order)")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    for p in probs:
        pts = ellipse_points(mean=mean, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, prob=p)
        ax.plot(pts[:, 0], pts[:, 1], color="black", lw=0.8, alpha=0.25)
    from matplotlib.collections import LineCollection

    segments = np.stack([observed[["a", "b"]].to_numpy(), estimated[["a", "b"]].to_numpy()], axis=1)
    ax.add_collection(LineCollection(segments, colors="0.6", lw=0.8))
    ax.scatter(observed["a"], observed["b"], facecolor="white", edgecolor=METHOD_COLORS["none"], s=26,
               label=labels[0], zorder=3)
    ax.scatter(estimated["a"], estimated["b"], color=METHOD_COLORS["partial"], s=22, label=labels[1], zorder=4)
    ax.set(xlabel="intercept a", ylabel="slope b")
    ax.legend(frameon=False, fontsize=8)
    return ax


def lkj_correlation_density(rho, eta: float) -> np.ndarray:
    """Density of the correlation ``ρ`` under an LKJ(η) prior on a 2×2 correlation matrix.

    For two dimensions ``(ρ + 1) / 2 ~ Beta(η, η)``, so ``p(ρ) ∝ (1 - ρ²)^(η - 1)``: flat for η = 1,
    peaked at 0 for η > 1 (extreme correlations unlikely), U-shaped for η < 1.

    Examples
    --------
    >>> lkj_correlation_density([0.0, 0.5], 1.0).round(3).tolist()
    [0.5, 0.5]
    """
    from scipy.stats import beta

    eta = _checks.positive("eta", eta)
    rho = np.asarray(rho, dtype=float)
    if np.any(np.abs(rho) > 1):
        raise ValueError("rho must lie in [-1, 1]")
    return beta.pdf((rho + 1) / 2, eta, eta) / 2


def plot_slope_shrinkage(table: pd.DataFrame, *, pooled: float, ax=None, clip=None, size_scale: float = 1.5,
                         reference_label: str = "complete pooling", ylabel: str = "groups, sorted by their own slope",
                         label=()):
    """Each group's no-pooling slope (open circle) joined to its partial-pooling slope (filled),
    one row per group, sorted by the no-pooling slope, against the pooled slope (a vertical line).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by group, columns ``n``, ``none`` and ``partial``.
    pooled : float
        The complete-pooling slope.
    ax : matplotlib.axes.Axes, optional
    clip : (float, float), optional
        Horizontal limits; a group outside is drawn as an arrowhead at the edge, with its name and value.
    reference_label, ylabel : str
        Legend label of the vertical line at ``pooled``, and the y axis label.
    size_scale : float
        Marker area per observation (markers are sized by ``n``, at least 20).
    label : sequence, optional
        Groups to name beside their no-pooling circle.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"n": [2, 50], "none": [-3.0, 0.6], "partial": [0.4, 0.58]}, index=[1, 2])
    >>> ax = plot_slope_shrinkage(t, pooled=0.5, clip=(-1, 2))
    >>> len(ax.texts)
    1
    """
    _checks.frame("table", table, ["n", "none", "partial"])
    pooled = _checks.finite("pooled", pooled)
    t = table.dropna(subset=["none"]).sort_values("none")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.13 * len(t) + 1.5))
    rows, none = np.arange(len(t)), t["none"].to_numpy(float)
    inside = np.ones(len(t), dtype=bool)
    if clip is not None:
        inside = _mark_clipped(ax, t, clip)
        none = np.clip(none, *clip)
    size = np.maximum(size_scale * t["n"].to_numpy(float), 20.0)
    ax.hlines(rows, none, t["partial"], color="0.7", lw=0.8)
    ax.axvline(pooled, color="black", lw=1.2, label=reference_label, zorder=2)
    ax.scatter(none[inside], rows[inside], s=size[inside], facecolor="white", edgecolor=METHOD_COLORS["none"],
               label=METHOD_LABELS["none"], zorder=3)
    ax.scatter(t["partial"], rows, s=size, color=METHOD_COLORS["partial"], edgecolor="white", linewidth=0.5,
               label=METHOD_LABELS["partial"], zorder=4)
    for group in label:
        r = t.index.get_loc(group)
        ax.annotate(f"{_name(t, group)} (n = {t['n'].iloc[r]})", (none[r], r), xytext=(-8, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=9)
    ax.set(yticks=[], ylabel=ylabel, xlabel="slope")
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    return ax


def _mark_clipped(ax, t: pd.DataFrame, clip) -> np.ndarray:
    """Draw the groups of ``t`` whose ``none`` lies outside ``clip`` as arrowheads at the edge, with their
    name and value on a white box (so that the group's grey line does not run through the label); set the
    x limits; return which groups lie inside."""
    lo, hi = clip
    none = t["none"].to_numpy(float)
    outside = (none < lo) | (none > hi)
    for r in np.flatnonzero(outside):
        v = none[r]
        edge = lo if v < lo else hi
        ax.plot([edge], [r], marker="<" if v < lo else ">", color=METHOD_COLORS["none"], ms=8, clip_on=False,
                zorder=5)
        ax.annotate(f"{_name(t, t.index[r])} (n = {t['n'].iloc[r]}): {v:.2f}", (edge, r), fontsize=9,
                    xytext=(8 if v < lo else -8, 0), textcoords="offset points",
                    ha="left" if v < lo else "right", va="center", zorder=6,
                    bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    ax.set_xlim(lo, hi)
    return ~outside


def _name(t: pd.DataFrame, group) -> str:
    """A group's label: with the index's name when it has one ("school 48"), else the group alone."""
    return f"{t.index.name} {group}" if t.index.name else str(group)
