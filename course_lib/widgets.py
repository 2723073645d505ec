"""ipywidgets controls: a slider, an output area, and a callback of a few lines.

Each callback calls a compute function from :mod:`course_lib.pooling` (or friends) and a plot
function from :mod:`course_lib.plots`; the heavy lifting is testable without a browser.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import _checks, plots, pooling


def slider_figure(draw, slider):
    """Show ``draw(value)``'s figure under ``slider`` and redraw it whenever the slider moves.

    Parameters
    ----------
    draw : callable
        ``draw(value) -> matplotlib.figure.Figure``.
    slider : ipywidgets.ValueWidget
        Any widget with a ``value``.

    Returns
    -------
    ipywidgets.VBox
        The slider above an ``Output`` holding the figure; ``box.redraw(value)`` redraws by hand.

    Examples
    --------
    >>> import ipywidgets as w
    >>> box = slider_figure(lambda v: plt.figure(), w.FloatSlider())
    >>> len(box.children[1].outputs)
    1
    """
    import ipywidgets as widgets

    if not callable(draw):
        raise ValueError(f"draw must be callable, got {type(draw).__name__}")
    out = widgets.Output()

    def redraw(value):
        fig = draw(value)
        out.outputs = ()
        out.append_display_data(figure_png(fig))
        plt.close(fig)

    slider.observe(lambda change: redraw(change["new"]), names="value")
    box = widgets.VBox([slider, out])
    box.redraw = redraw
    redraw(slider.value)
    return box


def figure_png(fig):
    """The figure as a PNG ``IPython.display.Image`` (works in a kernel and outside one).

    Examples
    --------
    >>> figure_png(plt.figure(figsize=(1, 1))).format
    'png'
    """
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    return Image(data=buffer.getvalue(), format="png")


def pooling_dial(df: pd.DataFrame, *, y: str, group: str, x: str, sigma: float, fitted: float,
                 decades: float = 3.0):
    """A log slider over ``sigma_group`` that redraws every group's partial-pooling line.

    From ``fitted / 10**decades`` (complete pooling, in effect) to ``fitted * 10**decades``
    (no pooling, in effect); the closed form :func:`course_lib.pooling.partial_pooling` makes
    each redraw take milliseconds.

    Parameters
    ----------
    df : pandas.DataFrame
        The observations.
    y, group : str
        Response and group columns.
    sigma : float
        Residual standard deviation (e.g. REML's), positive.
    fitted : float
        The fitted ``sigma_group``, where the slider starts; positive.
    x : str
        Predictor with a common slope (the lines are drawn against it).
    decades : float, default 3
        How many powers of ten the slider spans either side of ``fitted``.

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> from course_lib import data
    >>> box = pooling_dial(data.load("anoles"), y="time", group="stream", x="size",
    ...                    sigma=1.16, fitted=1.65)
    """
    import ipywidgets as widgets

    fitted = _checks.positive("fitted", fitted)
    sigma = _checks.positive("sigma", sigma)
    decades = _checks.positive("decades", decades)
    reference = pooling.pooling_table(df, y=y, group=group, x=x)
    reference = reference[reference["method"] == "none"]
    slider = widgets.FloatLogSlider(value=fitted, base=10, min=np.log10(fitted) - decades,
                                    max=np.log10(fitted) + decades, step=0.05,
                                    description=f"σ_{group}", readout_format=".3g",
                                    continuous_update=False, layout=widgets.Layout(width="60%"))

    def draw(sigma_group):
        table = dial_lines(df, y=y, group=group, x=x, sigma_group=sigma_group, sigma=sigma)
        axes = plots.plot_group_lines(df, pd.concat([reference, table]), x=x, y=y, group=group,
                                      population_mean=table.attrs["mu"])
        axes[0].figure.suptitle(f"σ_{group} = {sigma_group:.3g}: partial pooling "
                                f"(weight of own data {table.attrs['weight_range']})", fontsize=10)
        return axes[0].figure

    return slider_figure(draw, slider)


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
