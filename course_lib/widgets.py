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


def explorer_frame(*, a_bar: float, sigma: float, size_multiplier: float, n_per_size: int,
                   seed: int, base_sizes=(5, 10, 25, 35)) -> pd.DataFrame:
    """One setting of the shrinkage explorer: simulate classrooms, estimate, score.

    Parameters
    ----------
    a_bar, sigma : float
        True mean and sd of the classrooms' log-odds (``sigma`` may be 0).
    size_multiplier : float
        Multiplies every class size (rounded, at least 1 student).
    n_per_size : int
        Classrooms of each size.
    seed : int
        Seed of the simulation.
    base_sizes : sequence of int
        Class sizes before the multiplier.

    Returns
    -------
    pandas.DataFrame
        One row per classroom: the simulation, ``p_none``, ``p_partial``, ``error_none`` and
        ``error_partial``; ``attrs`` holds the estimator's ``global_mean``.

    Examples
    --------
    >>> explorer_frame(a_bar=1.5, sigma=0.0, size_multiplier=1.0, n_per_size=2, seed=1).shape
    (8, 9)
    """
    from . import shrinkage, simulate

    multiplier = _checks.positive("size_multiplier", size_multiplier)
    sizes = np.maximum(1, np.round(np.asarray(base_sizes) * multiplier)).astype(int)
    sim = simulate.classrooms(a_bar=a_bar, sigma=sigma, n_students=sizes, n_per_size=n_per_size,
                              rng=np.random.default_rng(_checks.integer("seed", seed, minimum=0)))
    est = shrinkage.partial_pooling(sim["passed"], sim["n_students"])
    out = sim.join(est)
    out["error_none"] = (out["p_none"] - out["true_p"]).abs()
    out["error_partial"] = (out["p_partial"] - out["true_p"]).abs()
    out.attrs["global_mean"] = est.attrs["global_mean"]
    return out


def shrinkage_explorer(*, a_bar: float = 1.5, sigma: float = 1.5, n_per_size: int = 15, seed: int = 1):
    """Sliders for the true ``a_bar`` and ``sigma``, the class sizes, the number of classrooms
    and the seed; each change re-simulates and redraws the estimates and their errors.

    Returns
    -------
    ipywidgets.VBox
        The controls above an ``Output``; ``box.redraw()`` redraws by hand.

    Examples
    --------
    >>> box = shrinkage_explorer(n_per_size=3)
    """
    import ipywidgets as widgets

    controls = {
        "a_bar": widgets.FloatSlider(value=a_bar, min=-3, max=3, step=0.25, description="a_bar"),
        "sigma": widgets.FloatSlider(value=sigma, min=0, max=4, step=0.1, description="sigma"),
        "size_multiplier": widgets.FloatLogSlider(value=1, base=2, min=-2, max=3, step=1,
                                                  description="× class size"),
        "n_per_size": widgets.IntSlider(value=n_per_size, min=1, max=50, description="rooms/size"),
        "seed": widgets.IntSlider(value=seed, min=0, max=100, description="seed"),
    }
    for c in controls.values():
        c.continuous_update = False

    def draw(_):
        frame = explorer_frame(**{k: c.value for k, c in controls.items()})
        fig, axes = plt.subplots(2, 4, figsize=(12, 5.5), layout="constrained", sharey="row")
        plots.plot_classroom_panels(frame, columns={"p_none": "no pooling", "p_partial": "partial pooling"},
                                    global_mean=frame.attrs["global_mean"], axes=axes[0])
        plots.plot_classroom_panels(frame, columns={"error_none": "no pooling", "error_partial": "partial pooling"},
                                    ylabel="absolute error", axes=axes[1])
        fig.legends[1].remove()
        mae = frame[["error_none", "error_partial"]].mean()
        fig.suptitle(f"mean absolute error: no pooling {mae['error_none']:.3f}, "
                     f"partial pooling {mae['error_partial']:.3f}", fontsize=10)
        return fig

    box = slider_figure(draw, controls["seed"])
    for name, control in controls.items():
        if name != "seed":
            control.observe(lambda change: box.redraw(None), names="value")
    box.children = (widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:]),
                    box.children[1])
    return box
