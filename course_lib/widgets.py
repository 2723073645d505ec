"""ipywidgets controls: a slider, an output area, and a callback of a few lines.

Each callback calls a compute function from :mod:`course_lib.pooling` (or friends) and a plot
function from :mod:`course_lib.plots`; the heavy lifting is testable without a browser.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import _checks, plots, pooling


#: Set to "1" (``make book`` does) to build every control in its static-site form.
STATIC_ENV = "COURSE_STATIC_WIDGETS"


def static_wanted(static: bool | None) -> bool:
    """Whether a control should take its static-site form: ``static`` if given, else the environment.

    ``make book`` sets ``COURSE_STATIC_WIDGETS=1``, so the published site gets controls that work
    without a kernel; in JupyterLab or on Binder the variable is unset and controls recompute live.
    """
    import os

    if static is None:
        return os.environ.get(STATIC_ENV, "") == "1"
    if not isinstance(static, bool):
        raise ValueError(f"static must be True, False or None, got {static!r}")
    return static


def static_frames(draw, values, *, description: str, start: int = 0, label=None, dpi: int = 60,
                  update=None):
    """A slider that flips between figures computed ahead of time: live on a static web page.

    Each value's figure is drawn once, as a PNG ``ipywidgets.Image`` inside an ``ipywidgets.Stack``,
    and the slider's ``value`` is joined to the stack's ``selected_index`` with ``ipywidgets.jslink``:
    the link runs in the browser, so the page needs no Python kernel.

    Parameters
    ----------
    draw : callable
        ``draw(value) -> matplotlib.figure.Figure`` (closed after drawing).
    values : sequence
        The slider's grid (a few dozen values: every frame is stored in the page).
    description : str
        Slider label.
    start : int, default 0
        Index of the frame shown first.
    label : callable, optional
        ``label(value) -> str``, shown beside the slider (default ``f"{value:.3g}"``).
    dpi : int, default 60
        Resolution of the frames (page weight grows with its square).
    update : callable, optional
        ``update(fig, value)``, as in :func:`slider_figure`: with it the figure is drawn once, at the
        first value, and each later frame moves its artists (the axes stay put from frame to frame,
        as in the live control, and the frames are made several times faster).

    Returns
    -------
    ipywidgets.VBox
        ``box.slider``, ``box.stack`` and ``box.page_bytes`` (the frames' total size) for inspection.

    Examples
    --------
    >>> box = static_frames(lambda v: plt.figure(figsize=(1, 1)), [1, 2, 3], description="v")
    >>> box.stack.selected_index, len(box.stack.children)
    (0, 3)
    """
    import ipywidgets as widgets

    if not callable(draw):
        raise ValueError(f"draw must be callable, got {type(draw).__name__}")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value")
    start = _checks.integer("start", start, minimum=0)
    if start >= len(values):
        raise ValueError(f"start must be an index into values (below {len(values)}), got {start}")
    if update is not None and not callable(update):
        raise ValueError(f"update must be callable or None, got {type(update).__name__}")
    label = label or (lambda v: f"{v:.3g}")
    images, labels, total = [], [], 0
    fig = bbox = None
    for value in values:
        if update is None:
            fig = draw(value)
            png = figure_png(fig, dpi=dpi).data
            plt.close(fig)
        else:
            if fig is None:
                # Lay the figure out once, at the first value; later frames keep that layout and frame.
                fig = draw(value)
                fig.canvas.draw()
                bbox = fig.get_tightbbox().padded(0.1)
                fig.set_layout_engine("none")
            else:
                update(fig, value)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi, bbox_inches=bbox)
            png = buffer.getvalue()
        total += len(png)
        images.append(widgets.Image(value=png, format="png", layout=widgets.Layout(max_width="100%")))
        labels.append(widgets.HTML(f"<b>{label(value)}</b>"))
    slider = widgets.IntSlider(value=start, min=0, max=len(values) - 1, description=description, readout=False,
                               continuous_update=True, layout=widgets.Layout(width="50%"))
    stack = widgets.Stack(images, selected_index=start)
    readout = widgets.Stack(labels, selected_index=start)
    widgets.jslink((slider, "value"), (stack, "selected_index"))
    widgets.jslink((slider, "value"), (readout, "selected_index"))
    if fig is not None and update is not None:
        plt.close(fig)
    box = widgets.VBox([widgets.HBox([slider, readout]), stack])
    box.add_class("course-static-control")
    box.slider, box.stack, box.page_bytes = slider, stack, total
    return box


def slider_figure(draw, slider, update=None):
    """Show ``draw(value)``'s figure under ``slider`` and redraw it whenever the slider moves.

    Parameters
    ----------
    draw : callable
        ``draw(value) -> matplotlib.figure.Figure``.
    slider : ipywidgets.ValueWidget
        Any widget with a ``value``.
    update : callable, optional
        ``update(fig, value)``: move the artists of the figure ``draw`` made to show ``value``.
        With it the figure is drawn and laid out once, and each redraw only changes data and
        renders (several times faster than a new figure); without it every redraw calls ``draw``.

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
    if update is not None and not callable(update):
        raise ValueError(f"update must be callable or None, got {type(update).__name__}")
    out = widgets.Output()
    kept = {}

    def redraw(value):
        fig = kept.get("fig")
        if fig is None:
            fig = draw(value)
            plt.close(fig)  # out of pyplot's hands (no duplicate inline display); still renders
            png = figure_png(fig, tight=update is None)
            if update is not None:
                fig.set_layout_engine("none")  # keep the layout of that first draw
                kept["fig"] = fig
        else:
            png = _blit(fig, update(fig, value), kept)
        out.outputs = ()
        out.append_display_data(png)

    slider.observe(lambda change: redraw(change["new"]), names="value")
    box = widgets.VBox([slider, out])
    box.redraw = redraw
    redraw(slider.value)
    return box


def _blit(fig, changed, kept):
    """Render ``fig`` after an update: only the ``changed`` artists are drawn, over a cached image of
    everything else (axes, ticks, labels, the data that does not move), then encoded as PNG.

    The first call draws the figure once without the changed artists and keeps that background.
    If ``changed`` is not a list (the update changed something else), the whole figure is rendered.
    """
    from IPython.display import Image
    from PIL import Image as PILImage

    if not isinstance(changed, list):
        kept.pop("ids", None)  # the background is stale
        for artist in fig.findobj(lambda a: a.get_animated()):
            artist.set_animated(False)
        png = figure_png(fig, tight=False)
        fig.set_layout_engine("none")  # keep the layout of this full render
        return png
    canvas = fig.canvas
    if [id(a) for a in changed] != kept.get("ids"):
        for artist in changed:
            artist.set_animated(True)
        canvas.draw()
        kept["background"] = canvas.copy_from_bbox(fig.bbox)
        kept["ids"] = [id(a) for a in changed]
    canvas.restore_region(kept["background"])
    for artist in changed:
        fig.draw_artist(artist)
    width, height = canvas.get_width_height(physical=True)
    image = PILImage.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return Image(data=buffer.getvalue(), format="png")


def figure_png(fig, dpi=None, tight: bool = True):
    """The figure as a PNG ``IPython.display.Image`` (works in a kernel and outside one).

    ``tight=False`` skips the tight bounding box (a second layout pass) for figures whose layout
    is already fixed.

    Examples
    --------
    >>> figure_png(plt.figure(figsize=(1, 1))).format
    'png'
    """
    import io

    if not isinstance(fig, matplotlib.figure.Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi, bbox_inches="tight" if tight else None)
    return Image(data=buffer.getvalue(), format="png")


def pooling_dial(df: pd.DataFrame, *, y: str, group: str, x: str, sigma: float, fitted: float,
                 decades: float = 3.0, static: bool | None = None):
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
    static : bool, optional
        Build the static-site form (frames every quarter decade, see :func:`static_frames`);
        default from the environment (:func:`static_wanted`).

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
    # The slider's grid is anchored at round values (multiples of 0.05 in log10), so 0.1, 1, 10 ... are on it.
    step = 0.05
    lo = np.floor((np.log10(fitted) - decades) / step) * step
    hi = np.ceil((np.log10(fitted) + decades) / step) * step
    slider = widgets.FloatLogSlider(value=fitted, base=10, min=round(lo, 2), max=round(hi, 2), step=step,
                                    description=f"σ_{group}", readout_format=".3g",
                                    continuous_update=False, layout=widgets.Layout(width="60%"))

    def draw(sigma_group):
        table = dial_lines(df, y=y, group=group, x=x, sigma_group=sigma_group, sigma=sigma)
        axes = plots.plot_group_lines(df, pd.concat([reference, table]), x=x, y=y, group=group,
                                      population_mean=table.attrs["mu"])
        axes[0].figure.suptitle(f"σ_{group} = {sigma_group:.3g}: partial pooling "
                                f"(weight of own data {table.attrs['weight_range']})", fontsize=10)
        return axes[0].figure

    partial_colour = matplotlib.colors.to_rgba(plots.METHOD_COLORS["partial"])

    def update(fig, sigma_group):
        # Move each panel's partial-pooling line and population-mean line; the rest stays.
        table = dial_lines(df, y=y, group=group, x=x, sigma_group=sigma_group, sigma=sigma)
        changed = [fig._suptitle]
        for ax, row in zip(fig.axes, table.itertuples()):
            ax.lines[0].set_ydata([table.attrs["mu"]] * 2)
            changed.append(ax.lines[0])
            for line in ax.lines:
                if matplotlib.colors.to_rgba(line.get_color()) == partial_colour:
                    line.set_ydata(row.intercept + row.slope * np.asarray(line.get_xdata()))
                    changed.append(line)
        fig._suptitle.set_text(f"σ_{group} = {sigma_group:.3g}: partial pooling "
                               f"(weight of own data {table.attrs['weight_range']})")
        return changed

    if static_wanted(static):
        return _static_log_grid(draw, fitted, decades, f"σ_{group}", update=update)
    return slider_figure(draw, slider, update=update)


def _static_log_grid(draw, fitted, decades, name, update=None):
    """The static form of a log slider around ``fitted``: a frame every quarter decade."""
    steps = np.arange(-np.floor(decades * 4), np.floor(decades * 4) + 1) / 4
    return static_frames(draw, fitted * 10.0**steps, description=name, start=int(np.argmin(np.abs(steps))),
                         label=lambda v: f"{name} = {v:.3g}", update=update)


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


def shrinkage_dial_figure(df: pd.DataFrame, *, y: str, group: str, sigma_group: float, sigma: float,
                          fitted: float | None = None, label_groups=()):
    """One setting of the intercepts-only pooling dial: estimates against size, and the weights.

    Parameters
    ----------
    df : pandas.DataFrame
        The observations.
    y, group : str
        Response and group columns.
    sigma_group : float
        Sd of the group means, ``0`` to ``inf``.
    sigma : float
        Residual sd (e.g. REML's).
    fitted : float, optional
        The fitted ``sigma_group``, named in the title.
    label_groups : sequence
        Groups to name on the left panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from course_lib import data
    >>> fig = shrinkage_dial_figure(data.load("radon"), y="log_radon", group="county",
    ...                             sigma_group=0.31, sigma=0.8)
    >>> len(fig.axes)
    2
    """
    est = pooling.partial_pooling(df, y=y, group=group, sigma_group=sigma_group, sigma=sigma)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=[2.2, 1], layout="constrained")
    plots.plot_estimates_by_size(est, pooled=est.attrs["mu"], ax=left, label_groups=label_groups)
    left.set_ylabel(y)
    plots.plot_weights(est, ax=right)
    fig.suptitle(_dial_title(est, group, fitted), fontsize=10)
    return fig


def _dial_title(est, group, fitted):
    w = est["weight"]
    state = ("complete pooling, in effect" if w.max() < 0.01 else
             "no pooling, in effect" if w.min() > 0.99 else "partial pooling")
    fitted_text = f" (fitted: {fitted:.3g})" if fitted is not None else ""
    return (f"σ_{group} = {est.attrs['sigma_group']:.3g}{fitted_text}: {state}; "
            f"weights {w.min():.2f} to {w.max():.2f}")


def shrinkage_dial_update(fig, df: pd.DataFrame, *, y: str, group: str, sigma_group: float, sigma: float,
                          fitted: float | None = None) -> list:
    """Move the artists of a :func:`shrinkage_dial_figure` to ``sigma_group`` (same data, same order);
    return the artists it changed (the axes and their limits stay as they are).

    Examples
    --------
    >>> from course_lib import data
    >>> d = data.load("radon")
    >>> fig = shrinkage_dial_figure(d, y="log_radon", group="county", sigma_group=0.31, sigma=0.8)
    >>> changed = shrinkage_dial_update(fig, d, y="log_radon", group="county", sigma_group=0.0, sigma=0.8)
    >>> "complete pooling" in fig._suptitle.get_text()
    True
    """
    est = pooling.partial_pooling(df, y=y, group=group, sigma_group=sigma_group, sigma=sigma)
    left, right = fig.axes
    joins, own, shrunk = left.collections[:3]
    xs, own_y = own.get_offsets()[:, 0], own.get_offsets()[:, 1]
    new = est["intercept"].to_numpy()
    shrunk.set_offsets(np.column_stack([xs, new]))
    joins.set_segments([[(x, a), (x, b)] for x, a, b in zip(xs, own_y, new)])
    pooled = left.lines[0]
    pooled.set_ydata([est.attrs["mu"]] * 2)
    curve, half = right.lines[0], right.lines[1]
    grid = np.asarray(curve.get_xdata())
    curve.set_ydata(pooling.weights(grid, sigma_group=sigma_group, sigma=sigma))
    points = right.collections[0]
    points.set_offsets(np.column_stack([est["n"].to_numpy(float), est["weight"].to_numpy()]))
    note = right.texts[0]
    plots._place_half_weight(half, note, sigma, sigma_group, grid[0], grid[-1])
    fig._suptitle.set_text(_dial_title(est, group, fitted))
    return [joins, shrunk, pooled, curve, half, points, note, fig._suptitle]


def shrinkage_dial(df: pd.DataFrame, *, y: str, group: str, sigma: float, fitted: float,
                   decades: float = 2.5, label_groups=(), static: bool | None = None):
    """A log slider over ``sigma_group`` for a model with no predictor: every group's estimate
    moves between the pooled mean and its own mean, and the right panel shows why (the weights).

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
    static : bool, optional
        Build the static-site form (a frame every quarter decade); default from the environment.

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> from course_lib import data
    >>> box = shrinkage_dial(data.load("radon"), y="log_radon", group="county", sigma=0.8, fitted=0.31)
    """
    import ipywidgets as widgets

    fitted = _checks.positive("fitted", fitted)
    sigma = _checks.positive("sigma", sigma)
    decades = _checks.positive("decades", decades)
    pooling.group_summary(df, y=y, group=group)  # checks the columns before any widget exists
    slider = widgets.FloatLogSlider(value=fitted, base=10, min=np.log10(fitted) - decades,
                                    max=np.log10(fitted) + decades, step=0.1,
                                    description=f"σ_{group}", readout_format=".3g",
                                    continuous_update=False, layout=widgets.Layout(width="60%"))

    def draw(sigma_group):
        return shrinkage_dial_figure(df, y=y, group=group, sigma_group=sigma_group, sigma=sigma,
                                     fitted=fitted, label_groups=label_groups)

    def update(fig, sigma_group):
        return shrinkage_dial_update(fig, df, y=y, group=group, sigma_group=sigma_group, sigma=sigma,
                                     fitted=fitted)

    if static_wanted(static):
        return _static_log_grid(draw, fitted, decades, f"σ_{group}", update=update)
    return slider_figure(draw, slider, update=update)


def explorer_frame(*, a_bar: float, sigma: float, size_multiplier: float, n_per_size: int,
                   seed: int, base_sizes=(5, 10, 25, 35), cache=None) -> pd.DataFrame:
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
    cache : course_lib.shrinkage.PairCache, optional
        Estimate on its fixed grid, reusing integrals between calls (what the live explorer does);
        default :func:`course_lib.shrinkage.partial_pooling`.

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
    if cache is None:
        est = shrinkage.partial_pooling(sim["passed"], sim["n_students"])
    else:
        est = cache.partial_pooling(sim["passed"], sim["n_students"])
    out = sim.join(est)
    out["error_none"] = (out["p_none"] - out["true_p"]).abs()
    out["error_partial"] = (out["p_partial"] - out["true_p"]).abs()
    out.attrs["global_mean"] = est.attrs["global_mean"]
    return out


def shrinkage_explorer(*, a_bar: float = 1.5, sigma: float = 1.5, n_per_size: int = 15, seed: int = 1,
                       static: bool | None = None):
    """Sliders for the true ``a_bar`` and ``sigma``, the class sizes, the number of classrooms
    and the seed; each change re-simulates and redraws the estimates and their errors.

    The static-site form (``static=True``, or by default from the environment) has one slider, the
    true ``sigma`` from 0 to 4 in steps of 0.25, with the other settings fixed.

    Returns
    -------
    ipywidgets.VBox
        The controls above an ``Output``; ``box.redraw()`` redraws by hand.

    Examples
    --------
    >>> box = shrinkage_explorer(n_per_size=3)
    """
    import ipywidgets as widgets

    a_bar = _checks.finite("a_bar", a_bar)
    sigma = _checks.positive("sigma", sigma, allow_zero=True)
    n_per_size = _checks.integer("n_per_size", n_per_size)
    seed = _checks.integer("seed", seed, minimum=0)

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

    from . import shrinkage

    cache = shrinkage.PairCache()  # every (passed, n) integral computed once per explorer

    def settings(**fixed):
        return {k: c.value for k, c in controls.items()} | {"cache": cache} | fixed

    def plot_frame(fig, axes, frame):
        for legend in list(fig.legends):
            legend.remove()
        plots.plot_classroom_panels(frame, columns={"p_none": "no pooling", "p_partial": "partial pooling"},
                                    global_mean=frame.attrs["global_mean"], axes=axes[0])
        plots.plot_classroom_panels(frame, columns={"error_none": "no pooling", "error_partial": "partial pooling"},
                                    ylabel="absolute error", axes=axes[1])
        fig.legends[1].remove()
        axes[0, 0].set_ylim(-0.03, 1.03)  # fixed, so that a redraw only moves the points
        axes[1, 0].set_ylim(-0.02, 1.0)
        fig._explorer_rooms = frame["classroom"].to_numpy().copy()
        return _explorer_title(fig, frame)

    def draw(_, **fixed):
        frame = explorer_frame(**settings(**fixed))
        fig, axes = plt.subplots(2, 4, figsize=(12, 5.5), layout="constrained", sharey="row")
        plot_frame(fig, axes, frame)
        return fig

    def update(fig, _, **fixed):
        frame = explorer_frame(**settings(**fixed))
        axes = np.asarray(fig.axes).reshape(2, 4)
        if not np.array_equal(frame["classroom"].to_numpy(), fig._explorer_rooms):
            for ax in axes.ravel():  # a new number of classrooms: new panels' contents, new layout
                ax.cla()
            fig.set_layout_engine("constrained")
            plot_frame(fig, axes, frame)
            return None
        changed = [_explorer_title(fig, frame)]
        sizes = sorted(frame["n_students"].unique())
        for row, columns in enumerate([("p_none", "p_partial"), ("error_none", "error_partial")]):
            for ax, size in zip(axes[row], sizes):
                here = frame[frame["n_students"] == size]
                for points, column in zip(ax.collections, columns):
                    points.set_offsets(np.column_stack([here["classroom"], here[column]]))
                    changed.append(points)
                if row == 0:
                    ax.lines[0].set_ydata([frame.attrs["global_mean"]] * 2)
                    changed.append(ax.lines[0])
        return changed

    if static_wanted(static):
        grid = np.arange(0, 4.01, 0.25)
        return static_frames(lambda v: draw(None, sigma=float(v)), grid, description="sigma",
                             start=int(np.argmin(np.abs(grid - sigma))), label=lambda v: f"true sigma = {v:.2f}",
                             update=lambda fig, v: update(fig, None, sigma=float(v)))
    box = slider_figure(draw, controls["seed"], update=update)
    for name, control in controls.items():
        if name != "seed":
            control.observe(lambda change: box.redraw(None), names="value")
    box.children = (widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:]),
                    box.children[1])
    return box


def _explorer_title(fig, frame):
    mae = frame[["error_none", "error_partial"]].mean()
    return fig.suptitle(f"mean absolute error: no pooling {mae['error_none']:.3f}, "
                        f"partial pooling {mae['error_partial']:.3f}", fontsize=10)


def sandbox_figure(*, sigma_a: float, sigma_b: float, rho: float, eta: float, n: int = 1000, seed: int = 1):
    """One setting of the covariance sandbox: draws with their 50% and 89% ellipses, the covariance
    matrix, and the LKJ(η) prior on ρ with the chosen ρ marked.

    At ``ρ = ±1`` the covariance matrix is singular: every draw lies on one line and the ellipses
    collapse to a segment (the title says so). With ``σ = 0`` the draws collapse onto a line too.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = sandbox_figure(sigma_a=1.0, sigma_b=0.5, rho=-1.0, eta=2.0, n=50)
    >>> "singular" in fig._suptitle.get_text()
    True
    """
    fig, _ = plt.subplots(1, 2, figsize=(8, 4), width_ratios=[1.25, 1], layout="constrained")
    sandbox_update(fig, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, eta=eta, n=n, seed=seed)
    return fig


def sandbox_update(fig, *, sigma_a: float, sigma_b: float, rho: float, eta: float, n: int = 1000,
                   seed: int = 1):
    """Redraw a :func:`sandbox_figure` in place (its layout is kept).

    When only ``rho`` changed since the last call, the draws, ellipses, fitted line, marker and title
    move and the list of those artists is returned (the axes stay as they are); otherwise both
    panels are redrawn and None is returned.
    """
    from . import simulate

    cov = simulate.covariance(sigma_a, sigma_b, rho)
    draws = simulate.correlated_effects(n=n, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho,
                                        rng=np.random.default_rng(_checks.integer("seed", seed, minimum=0)))
    left, right = fig.axes
    singular = abs(np.linalg.det(cov)) < 1e-12
    note = ("singular covariance: every draw on one line" if singular
            else f"covariance ρ·σa·σb = {cov[0, 1]:.2f}")
    title = f"σa = {sigma_a:.2g}, σb = {sigma_b:.2g}, ρ = {rho:.2f}: {note}"
    fixed = (sigma_a, sigma_b, eta, n, seed)
    if getattr(fig, "_sandbox_fixed", None) == fixed:
        left.collections[0].set_offsets(draws[["a", "b"]].to_numpy())
        contours = left.lines[:-1]
        for line, prob in zip(contours, (0.5, 0.89)):
            pts = plots.ellipse_points(sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, prob=prob)
            line.set_data(pts[:, 0], pts[:, 1])
        fit = left.lines[-1]
        if np.ptp(draws["a"]) > 0:
            slope, intercept = np.polyfit(draws["a"], draws["b"], 1)
            grid = np.array([draws["a"].min(), draws["a"].max()])
            fit.set_data(grid, intercept + slope * grid)
        right.lines[1].set_xdata([rho, rho])
        fig._suptitle.set_text(title)
        return [left.collections[0], *contours, fit, right.lines[1], fig._suptitle]
    left.cla()
    right.cla()
    plots.plot_draws(draws, ax=left)
    reach = 3.2 * max(sigma_a, sigma_b, 0.1)
    left.set(xlim=(-reach, reach), ylim=(-reach, reach), aspect="equal")
    grid = np.linspace(-0.999, 0.999, 400)
    right.plot(grid, plots.lkj_correlation_density(grid, eta), color="black")
    right.axvline(rho, color="#d62728", lw=1.5)
    right.set(xlabel="ρ", ylabel="prior density", title=f"LKJ({eta:.3g}) prior on ρ", xlim=(-1, 1), ylim=(0, None))
    fig.suptitle(title, fontsize=10)
    fig._sandbox_fixed = fixed if len(left.lines) == 3 else None  # in-place needs both contours and the line
    return None


def covariance_sandbox(*, sigma_a: float = 1.0, sigma_b: float = 0.5, rho: float = -0.7, eta: float = 2.0,
                       static: bool | None = None):
    """Sliders for ``σa``, ``σb``, ``ρ`` and the LKJ shape ``η``; each change redraws
    :func:`sandbox_figure` (1,000 draws, about 15 ms).

    The static-site form (``static=True``, or by default from the environment) has one slider,
    ``ρ`` from -1 to 1 in steps of 0.1, with the other settings fixed.

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> box = covariance_sandbox()
    """
    import ipywidgets as widgets

    sigma_a = _checks.positive("sigma_a", sigma_a, allow_zero=True)
    sigma_b = _checks.positive("sigma_b", sigma_b, allow_zero=True)
    rho = _checks.correlation("rho", rho)
    eta = _checks.positive("eta", eta)

    controls = {
        "sigma_a": widgets.FloatSlider(value=sigma_a, min=0, max=2, step=0.1, description="σa"),
        "sigma_b": widgets.FloatSlider(value=sigma_b, min=0, max=2, step=0.1, description="σb"),
        "rho": widgets.FloatSlider(value=rho, min=-1, max=1, step=0.1, description="ρ"),
        "eta": widgets.FloatLogSlider(value=eta, base=2, min=-2, max=5, step=0.5, description="LKJ η"),
    }
    for c in controls.values():
        c.continuous_update = False

    def draw(_):
        return sandbox_figure(**{k: c.value for k, c in controls.items()})

    def update(fig, _):
        return sandbox_update(fig, **{k: c.value for k, c in controls.items()})

    if static_wanted(static):
        grid = np.round(np.linspace(-1, 1, 21), 2)
        return static_frames(lambda r: sandbox_figure(sigma_a=sigma_a, sigma_b=sigma_b, rho=float(r), eta=eta),
                             grid, description="ρ", start=int(np.argmin(np.abs(grid - rho))),
                             label=lambda r: f"ρ = {r:.1f}",
                             update=lambda fig, r: sandbox_update(fig, sigma_a=sigma_a, sigma_b=sigma_b,
                                                                  rho=float(r), eta=eta))
    box = slider_figure(draw, controls["eta"], update=update)
    for name, control in controls.items():
        if name != "eta":
            control.observe(lambda change: box.redraw(None), names="value")
    box.children = (widgets.HBox(list(controls.values())[:2]), widgets.HBox(list(controls.values())[2:]),
                    box.children[1])
    return box


def design_control(grid: pd.DataFrame, *, parameter: str = "sigma_a", static: bool | None = None):
    """A slider over the number of groups of a recovery study's designs: for each, the estimates of
    ``parameter`` by each estimator, with their coverage and error (:func:`course_lib.recovery.plot_design`).

    Everything is drawn from ``grid`` (computed in the chapter), so the static-site form works
    without a kernel.

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> grid = pd.DataFrame({"n_groups": 5, "group_size": 3, "method": "REML", "parameter": "sigma_a",
    ...                      "estimate": [0.1, 0.4], "truth": 0.3, "lower_90": 0.0, "upper_90": 1.0})
    >>> box = design_control(grid, static=True)
    >>> len(box.stack.children)
    1
    """
    import ipywidgets as widgets

    from . import recovery

    _checks.frame("grid", grid, ["n_groups", "group_size", "method", "parameter", "estimate", "truth"])
    designs = sorted(int(j) for j in grid["n_groups"].unique())

    def draw(n_groups):
        axes = recovery.plot_design(grid, n_groups=int(n_groups), parameter=parameter)
        return np.ravel(axes)[0].figure

    if static_wanted(static):
        return static_frames(draw, designs, description="groups", label=lambda j: f"{j} groups", dpi=80)
    slider = widgets.SelectionSlider(options=designs, value=designs[0], description="groups",
                                     continuous_update=False)
    return slider_figure(draw, slider)
