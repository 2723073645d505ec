"""Plots: each draws a tidy table on the axes it is given (or new ones) and returns them.

No function here calls ``plt.show()`` or saves a file.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import _checks

#: Colour of each pooling method, used by every chapter.
METHOD_COLORS = {"complete": "#7f7f7f", "none": "#d95f02", "partial": "#1b9e77", "truth": "#000000"}
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
        ax.set_title(f"{group} {g} (n = {len(here)})", fontsize=9)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    axes[0].figure.supxlabel(x)
    axes[0].figure.supylabel(y)
    _figure_legend(axes[0])
    return axes


def _figure_legend(ax) -> None:
    """One legend for the whole figure, below it, from the labelled artists of ``ax``."""
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False,
                     bbox_to_anchor=(0.5, -0.06))


def _panels(n: int, axes, ncols: int) -> np.ndarray:
    if axes is None:
        nrows = int(np.ceil(n / ncols))
        _, axes = plt.subplots(nrows, min(ncols, n), figsize=(2.2 * min(ncols, n), 2.1 * nrows),
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
                          ylabel: str = "probability of passing", axes=None):
    """One panel per class size; in each, the chosen columns against the classroom number.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per classroom: ``classroom``, ``n_students`` and the ``columns``.
    columns : dict of str to str
        Column name to legend label, e.g. ``{"p_none": "no pooling", "p_partial": "partial pooling"}``.
    global_mean : float, optional
        Draws a dashed horizontal line there (the estimated global mean).
    ylabel : str
        Label of the y axes.
    axes : array of Axes, optional
        One per class size; default a new 2 x 2 grid (for four sizes).

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> d = pd.DataFrame({"classroom": [1, 2], "n_students": [5, 10], "p": [0.2, 0.4]})
    >>> len(plot_classroom_panels(d, columns={"p": "raw"}))
    2
    """
    _checks.frame("df", df, ["classroom", "n_students", *columns])
    sizes = sorted(df["n_students"].unique())
    if axes is None:
        ncols = 2 if len(sizes) > 1 else 1
        _, axes = plt.subplots(int(np.ceil(len(sizes) / ncols)), ncols, figsize=(9, 5.5),
                               squeeze=False, layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size < len(sizes):
        raise ValueError(f"axes must hold at least {len(sizes)} panels (one per class size), got {axes.size}")
    # columns named <quantity>_<method> take the method's colour
    colors = {c: METHOD_COLORS.get(c.rsplit("_", 1)[-1]) for c in columns}
    for ax, size in zip(axes, sizes):
        here = df[df["n_students"] == size]
        for col, label in columns.items():
            ax.scatter(here["classroom"], here[col], s=20, alpha=0.8, label=label, color=colors.get(col))
        if global_mean is not None:
            ax.axhline(global_mean, color="C3", ls="--", lw=1, label="estimated global mean")
        ax.set_title(f"classrooms of {size} students", fontsize=10)
        ax.set(xlabel="classroom", ylabel=ylabel)
    for ax in axes[len(sizes):]:
        ax.set_visible(False)
    _figure_legend(axes[0])
    return axes
