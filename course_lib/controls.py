"""Controls that run in the browser: Vega-Lite charts whose sliders are bound to the chart's parameters.

A control is defined once, as an Altair chart whose transforms compute what its sliders change
(closed-form partial pooling, a 2×2 covariance applied to fixed standard-normal draws, a filter over
a study's table). The same definition runs in both places a reader meets it:

- in a notebook, :class:`Control` displays as an ipywidget (Altair's ``JupyterChart``, an anywidget);
- on the published site, as the same chart embedded in the page and run by Vega (``_assets/controls.js``
  loads Vega, Vega-Lite and vega-embed from the site itself: ``make book`` installs them from npm).

Neither needs a Python kernel: moving a slider re-runs the chart's transforms in the browser. The
transforms mirror :mod:`course_lib.pooling`'s Python, and the tests check that they give the same
numbers (``tests/test_controls.py`` compiles and runs each chart's data flow; the browser tests move
every slider on the built site).

Needs Altair (and anywidget for the notebook form); :mod:`course_lib` imports without them.
"""

from __future__ import annotations

import html
import json
import uuid

import numpy as np
import pandas as pd

from . import _checks, plots, pooling

#: Class of the element that holds a control on a page (``_assets/controls.js`` finds it by this).
CONTROL_CLASS = "course-control"
#: Width in pixels of a control's chart: the site's text column is about 700 px wide.
WIDTH = 640


class Control:
    """A chart with sliders, shown as an ipywidget in a notebook and as an embedded chart on the site.

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The chart; its parameters bound to inputs are the sliders.
    description : str
        What the chart shows, in a sentence: screen readers announce it as the figure's text.
    name : str, default "control"
        A short name of the kind of control (e.g. ``"shrinkage-dial"``), the page element's
        ``data-control`` (the browser tests find a control by it).

    Attributes
    ----------
    spec : dict
        The Vega-Lite specification (what both forms run).

    Examples
    --------
    >>> import altair as alt
    >>> c = Control(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x"), description="one point")
    >>> "course-control" in c.html()
    True
    """

    def __init__(self, chart, *, description: str, name: str = "control"):
        import altair as alt

        if not isinstance(chart, alt.TopLevelMixin):
            raise TypeError(f"chart must be an Altair chart, got {type(chart).__name__}")
        if not isinstance(description, str) or not description.strip():
            raise ValueError("description must be a non-empty sentence saying what the chart shows")
        if not isinstance(name, str) or not name.replace("-", "").isalnum():
            raise ValueError(f"name must be letters, digits and hyphens, got {name!r}")
        self.chart = chart.properties(description=description)
        self.description, self.name = description, name
        self.spec = self.chart.to_dict()
        self._widget = None

    @property
    def widget(self):
        """The notebook form: an ``altair.JupyterChart`` (an ipywidget) running the same chart."""
        if self._widget is None:
            import altair as alt

            self._widget = alt.JupyterChart(self.chart)
        return self._widget

    def html(self) -> str:
        """The site form: the chart's specification in a page element that ``controls.js`` embeds."""
        spec = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        label = html.escape(self.description, quote=True)
        return (f'<div class="{CONTROL_CLASS}" id="control-{uuid.uuid4().hex[:12]}" data-control="{self.name}" '
                f'role="figure" aria-label="{label}"><script type="application/json">{spec}</script></div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _both_forms(self, f"Control: {self.description}", include=include, exclude=exclude)

    def __repr__(self):
        return f"Control({self.description!r})"


def _both_forms(control, text: str, include=None, exclude=None) -> dict:
    """A control's display: its notebook form (``control.widget``'s ipywidget view), its site form
    (``control.html()``) and ``text``. Jupyter shows the widget; the book's site shows the HTML (its
    ``nb_mime_priority_overrides`` put ``text/html`` first); without anywidget a notebook shows the HTML.
    """
    bundle = {"text/html": control.html()}
    try:
        widget = control.widget._repr_mimebundle_(include=include, exclude=exclude)
    except ImportError:
        widget = None
    if isinstance(widget, tuple):  # anywidget returns (data, metadata)
        widget = widget[0]
    bundle.update(widget or {})
    bundle["text/plain"] = text
    return bundle


def _log_slider(name: str, label: str, fitted: float, decades: float, step: float = 0.05):
    """A parameter holding log10 of a standard deviation, bound to a range slider ``decades`` either side
    of ``fitted``. Its steps are counted from the fitted value, so the slider starts exactly on one of them
    (a browser snaps a range input's value to its step grid)."""
    import altair as alt

    start = round(float(np.log10(fitted)), 4)
    reach = float(np.ceil(decades / step - 1e-9) * step)
    return alt.param(name=name, value=start,
                     bind=alt.binding_range(min=round(start - reach, 4), max=round(start + reach, 4), step=step,
                                            name=label))


def _weight_expr(n: str, log_sd: str, sigma: float) -> str:
    """Vega expression for :func:`course_lib.pooling.weights` at ``sigma_group = 10**log_sd``."""
    s2 = repr(float(sigma) ** 2)
    return f"{n} * pow(10, 2 * {log_sd}) / ({n} * pow(10, 2 * {log_sd}) + {s2})"


def _state_expr(n_min: float, n_max: float, log_sd: str, sigma: float) -> str:
    """Text naming the state of the dial and the range of the weights (the weight grows with n)."""
    low, high = _weight_expr(repr(float(n_min)), log_sd, sigma), _weight_expr(repr(float(n_max)), log_sd, sigma)
    return (f"(({high}) < 0.01 ? 'complete pooling, in effect' : ({low}) > 0.99 ? 'no pooling, in effect' "
            f": 'partial pooling') + '; weights ' + format({low}, '.3f') + ' to ' + format({high}, '.3f')")


def shrinkage_dial_chart(df: pd.DataFrame, *, y: str, group: str, sigma: float, fitted: float,
                         decades: float = 2.5, label_groups=()):
    """The intercepts-only pooling dial as a Vega-Lite chart (see :func:`course_lib.widgets.shrinkage_dial`).

    Left: each group's own mean (open circle) and partial-pooling estimate (filled) against its size,
    with the population mean dashed; right: each group's weight on its own mean, the weight curve and
    the size at which the weight is one half. The slider is ``log10 sigma_group``.

    Returns
    -------
    altair.HConcatChart

    Examples
    --------
    >>> from course_lib import data
    >>> chart = shrinkage_dial_chart(data.load("radon"), y="log_radon", group="county", sigma=0.8, fitted=0.31)
    >>> [p.name for p in chart.params]
    ['log_sd']
    """
    import altair as alt

    fitted = _checks.positive("fitted", fitted)
    sigma = _checks.positive("sigma", sigma)
    decades = _checks.positive("decades", decades)
    stats = pooling.group_summary(df, y=y, group=group)
    missing = [g for g in label_groups if g not in stats.index]
    if missing:
        raise ValueError(f"label_groups: {missing[0]!r} is not a group in df")
    jitter = np.exp(np.random.default_rng(0).uniform(-0.08, 0.08, len(stats)))
    groups = pd.DataFrame({"group": [str(g).title() for g in stats.index], "n": stats["n"].to_numpy(float),
                           "n_shown": stats["n"].to_numpy(float) * jitter, "own": stats["y_mean"].to_numpy(),
                           "label": [str(g).title() if g in label_groups else "" for g in stats.index]})
    n_lo, n_hi = float(groups["n"].min()), float(groups["n"].max())
    curve = pd.DataFrame({"n": np.geomspace(n_lo, n_hi, 80)})
    log_sd = _log_slider("log_sd", f"log₁₀ σ_{group}", fitted, decades)
    w = _weight_expr("datum.n", "log_sd", sigma)
    title = alt.Title(alt.ExprRef(f"'σ_{group} = ' + format(pow(10, log_sd), '.3g') + ' (fitted: {fitted:.3g}): ' + "
                                  + _state_expr(n_lo, n_hi, "log_sd", sigma)), fontSize=13)
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if n_lo * 0.8 <= t <= n_hi * 1.25]
    x_size = alt.X("n_shown:Q", title=f"observations in the {group} (log scale)", axis=alt.Axis(values=ticks),
                   scale=alt.Scale(type="log", domain=[n_lo * 0.8, n_hi * 1.25], nice=False))
    y_scale = alt.Scale(domain=[float(groups["own"].min()) - 0.1, float(groups["own"].max()) + 0.1], nice=False)
    colours = plots.METHOD_COLORS
    base = (alt.Chart(groups)
            .transform_calculate(w=w)
            .transform_calculate(v="datum.n * (1 - datum.w)", vy="datum.n * (1 - datum.w) * datum.own")
            .transform_joinaggregate(sum_v="sum(v)", sum_vy="sum(vy)")
            .transform_calculate(mu="datum.sum_v > 0 ? datum.sum_vy / datum.sum_v : datum.own",
                                 estimate="datum.w * datum.own + (1 - datum.w) * datum.mu"))
    joins = base.mark_rule(color="#bfbfbf", strokeWidth=0.8).encode(
        x_size, y=alt.Y("own:Q", scale=y_scale, title=y), y2="estimate:Q")
    own = base.mark_point(shape="circle", filled=False, color=colours["none"], size=28).encode(
        x_size, y="own:Q", tooltip=["group:N", "n:Q", alt.Tooltip("own:Q", format=".2f", title="own mean")])
    shrunk = base.mark_circle(color=colours["partial"], size=22).encode(
        x_size, y="estimate:Q", tooltip=["group:N", "n:Q", alt.Tooltip("estimate:Q", format=".2f")])
    mean_line = base.mark_rule(color=colours["complete"], strokeDash=[6, 4], strokeWidth=1.4).encode(y="mean(mu):Q")
    names = base.transform_filter("datum.label != ''").mark_text(align="left", dx=6, dy=-6, fontSize=11).encode(
        x_size, y="own:Q", text="label:N")
    left = alt.layer(joins, own, shrunk, mean_line, names).properties(width=int(WIDTH * 0.6), height=300)
    x_n = alt.X("n:Q", title=f"observations in the {group} (log scale)",
                axis=alt.Axis(values=[t for t in ticks if n_lo <= t <= n_hi]),
                scale=alt.Scale(type="log", domain=[n_lo, n_hi], nice=False))
    y_w = alt.Y("w:Q", scale=alt.Scale(domain=[0, 1]), title="weight on own mean")
    weight_curve = (alt.Chart(curve).transform_calculate(w=w)
                    .mark_line(color=colours["partial"]).encode(x_n, y_w))
    weight_points = (alt.Chart(groups).transform_calculate(w=w)
                     .mark_circle(color=colours["partial"], size=18, opacity=0.7).encode(x_n, y_w))
    # The size at which a group's weight is one half, shown while it lies within the groups' sizes.
    half = (alt.Chart(pd.DataFrame({"one": [1]}))
            .transform_calculate(half=f"{float(sigma) ** 2!r} / pow(10, 2 * log_sd)", w="0.5")
            .transform_calculate(n=f"clamp(datum.half, {n_lo!r}, {n_hi!r})",
                                 shown=f"datum.half >= {n_lo!r} && datum.half <= {n_hi!r} ? 1 : 0",
                                 text="'half weight at n = ' + format(datum.half, '.3g') + "
                                      f"(datum.half > {n_hi!r} ? ' (beyond the largest)' : "
                                      f"datum.half < {n_lo!r} ? ' (below the smallest)' : '')"))
    half_rule = half.mark_rule(color="#7f7f7f", strokeDash=[3, 3]).encode(
        x="n:Q", opacity=alt.Opacity("shown:Q", scale=None))
    # Stated above the panel whatever its value, so it never leaves the panel or crosses the curve.
    half_text = half.mark_text(align="left", fontSize=11).encode(x=alt.value(0), y=alt.value(-8), text="text:N")
    right = alt.layer(weight_curve, weight_points, half_rule, half_text).properties(
        width=int(WIDTH * 0.3), height=300)
    return alt.hconcat(left, right, title=title).add_params(log_sd)


def pooling_dial_chart(df: pd.DataFrame, *, y: str, group: str, x: str, sigma: float, fitted: float,
                       decades: float = 3.0, columns: int = 5):
    """The pooling dial with a common slope as a Vega-Lite chart (see :func:`course_lib.widgets.pooling_dial`).

    One panel per group: its points, its no-pooling line (fixed) and its partial-pooling line at the
    slider's ``sigma_group``; the grey lines mark the population mean (at ``x = 0``). The chart's
    transforms compute :func:`course_lib.pooling.partial_pooling` (weights, then the GLS estimates of
    the population mean and the slope from group summaries) in the browser.

    Returns
    -------
    altair.FacetChart

    Examples
    --------
    >>> from course_lib import data
    >>> chart = pooling_dial_chart(data.load("anoles"), y="time", group="stream", x="size", sigma=1.16, fitted=1.65)
    >>> [p.name for p in chart.params]
    ['log_sd']
    """
    import altair as alt

    fitted = _checks.positive("fitted", fitted)
    sigma = _checks.positive("sigma", sigma)
    decades = _checks.positive("decades", decades)
    columns = _checks.integer("columns", columns)
    stats = pooling.group_summary(df, y=y, group=group, x=x)
    none = pooling.pooling_table(df, y=y, group=group, x=x)
    none = none[none["method"] == "none"].set_index(group)
    ends = np.array([df[x].min(), df[x].max()], dtype=float)
    names = {g: (f"{group} {g}" if str(g).isdigit() else str(g).title()) + f" (n = {int(n)})"
             for g, n in stats["n"].items()}
    order = list(names.values())
    # Two rows per group (the ends of its lines) carry its summaries; each summary thus enters every
    # sum twice, which cancels in the ratios that give the population mean and the slope.
    lines = pd.DataFrame([
        {"panel": names[g], "kind": "line", "x": end, "n": row.n, "xbar": row.x_mean, "ybar": row.y_mean,
         "sxx": row.sxx, "sxy": row.sxy, "y_none": none.loc[g, "intercept"] + none.loc[g, "slope"] * end}
        for g, row in stats.iterrows() for end in ends])
    points = pd.DataFrame({"panel": df[group].map(names).to_numpy(), "kind": "point",
                           "x": df[x].to_numpy(float), "y": df[y].to_numpy(float)})
    table = pd.concat([lines, points], ignore_index=True).fillna({"n": 0, "xbar": 0, "ybar": 0, "sxx": 0, "sxy": 0})
    log_sd = _log_slider("log_sd", f"log₁₀ σ_{group}", fitted, decades)
    w = _weight_expr("datum.n", "log_sd", sigma)
    n_lo, n_hi = float(stats["n"].min()), float(stats["n"].max())
    # The GLS normal equations for (mu, slope) from the group summaries, as in pooling._gls.
    gls = {"A": "datum.s_v", "B": "datum.s_vx", "C": "(datum.s_sxx + datum.s_vxx)",
           "P": "datum.s_vy", "Q": "(datum.s_sxy + datum.s_vxy)"}
    det = f"({gls['A']} * {gls['C']} - {gls['B']} * {gls['B']})"
    colours = plots.METHOD_COLORS
    x_enc = alt.X("x:Q", title=x, scale=alt.Scale(domain=[float(ends[0]), float(ends[1])], nice=False))
    y_lo, y_hi = float(df[y].min()), float(df[y].max())
    pad = 0.08 * (y_hi - y_lo)
    y_enc = alt.Y("y:Q", title=y, scale=alt.Scale(domain=[y_lo - pad, y_hi + pad], nice=False))
    base = alt.Chart().properties(width=int(WIDTH / columns) - 30, height=110)
    pts = base.transform_filter("datum.kind == 'point'").mark_circle(color="#333333", size=16).encode(x_enc, y_enc)
    line_rows = base.transform_filter("datum.kind == 'line'")
    no_line = line_rows.mark_line(color=colours["none"], strokeWidth=1.6, clip=True).encode(
        x_enc, alt.Y("y_none:Q", title=y))
    partial = line_rows.mark_line(color=colours["partial"], strokeWidth=1.8, clip=True).encode(
        x_enc, alt.Y("y_partial:Q", title=y))
    # Reference lines: no ARIA role of their own (the chart's description says what they are).
    mean = line_rows.mark_rule(color=colours["complete"], strokeDash=[5, 3], strokeWidth=1.2, aria=False).encode(
        y="mean(mu):Q")
    zero = base.mark_rule(color="#cccccc", strokeWidth=1, aria=False).encode(x=alt.datum(0))
    title = alt.Title(alt.ExprRef(f"'σ_{group} = ' + format(pow(10, log_sd), '.3g') + ' (fitted: {fitted:.3g}): ' + "
                                  + _state_expr(n_lo, n_hi, "log_sd", sigma)), fontSize=13)
    return (alt.layer(zero, mean, pts, no_line, partial, data=table)
            .facet(facet=alt.Facet("panel:N", sort=order, title=None,
                                   header=alt.Header(labelFontSize=11)), columns=columns, title=title)
            .transform_calculate(w=w)
            .transform_calculate(v="datum.n * (1 - datum.w)")
            .transform_calculate(vx="datum.v * datum.xbar", vy="datum.v * datum.ybar",
                                 vxx="datum.v * datum.xbar * datum.xbar", vxy="datum.v * datum.xbar * datum.ybar")
            .transform_joinaggregate(s_v="sum(v)", s_vx="sum(vx)", s_vy="sum(vy)", s_vxx="sum(vxx)",
                                     s_vxy="sum(vxy)", s_sxx="sum(sxx)", s_sxy="sum(sxy)")
            .transform_calculate(
                mu=f"({gls['P']} * {gls['C']} - {gls['B']} * {gls['Q']}) / {det}",
                slope=f"({gls['A']} * {gls['Q']} - {gls['B']} * {gls['P']}) / {det}")
            .transform_calculate(intercept="datum.w * (datum.ybar - datum.slope * datum.xbar) + (1 - datum.w) * datum.mu")
            .transform_calculate(y_partial="datum.intercept + datum.slope * datum.x")
            .add_params(log_sd))


#: The covariance sandbox's sliders: σa and σb from 0 to this, ρ over [-1, 1], η over [0.25, 32].
SANDBOX_SD_MAX = 2.0
SANDBOX_ETA_RANGE = (0.25, 32.0)
#: Both axes of the sandbox's draws run from -6.5 to 6.5: the 89% ellipse at σ = 2 (radius 4.2) and
#: nearly every draw fit, and a change of σ shows as a stretch of the cloud, not of the axes.
SANDBOX_REACH = 6.5


def covariance_sandbox_chart(*, sigma_a: float = 1.0, sigma_b: float = 0.5, rho: float = -0.7, eta: float = 2.0,
                             n: int = 1000, seed: int = 1):
    """The covariance sandbox as a Vega-Lite chart (see :func:`course_lib.widgets.covariance_sandbox`).

    Left: ``n`` draws of ``(a, b)``, their 50% and 89% ellipses and the least-squares line of ``b``
    on ``a``, on fixed axes (±6.5, equal scales; what falls outside is clipped). Right: the LKJ(η)
    density of ``ρ`` with the slider's ``ρ`` marked. The sliders are the parameters ``sigma_a``,
    ``sigma_b`` (0 to 2), ``rho`` (-1 to 1) and ``log2_eta`` (``log₂ η``, -2 to 5: a range input is
    linear, so it moves η by factors of 2^0.25); ``eta`` and ``title_text`` are computed from them.

    Everything that moves is computed in the browser. The chart carries the standard-normal draws
    ``z1, z2`` of :func:`course_lib.simulate.correlated_effects` (its ``rng.standard_normal((n, 2))``)
    and computes ``a = σa z1``, ``b = σb (ρ z1 + √(1-ρ²) z2)``, so its points are that function's at
    the same settings and seed. The ellipses are :func:`course_lib.plots.ellipse_points` on its grid
    of 200 angles. The line is Vega-Lite's regression transform, fitted to the draws as the old
    figure's ``np.polyfit`` was and as the chapter describes it: at 1,000 draws it lies within
    sampling error of the population's slope ρσb/σa, and unlike that slope it is defined at σa = 0
    (Vega gives slope 0 over a segment of zero length, so nothing shows: the old figure drew no
    line). The density is :func:`course_lib.plots.lkj_correlation_density`: Vega has no Beta
    function, so the chart normalises ``(1-ρ²)^(η-1)`` by a sum over 145 fixed nodes of the
    double-exponential substitution ``ρ = tanh(π/2 sinh s)``, which stays accurate (relative
    error below 1e-13) where a grid in ρ fails, at η < 1, whose density is infinite at ±1.

    Parameters
    ----------
    sigma_a, sigma_b : float, default 1.0 and 0.5
        Standard deviations of the intercepts and the slopes, in [0, 2].
    rho : float, default -0.7
        Their correlation, in [-1, 1].
    eta : float, default 2.0
        Shape of the LKJ prior, in [0.25, 32].
    n : int, default 1000
        Number of draws (each adds about 50 bytes to the page).
    seed : int, default 1
        Seed of the draws, non-negative.

    Returns
    -------
    altair.HConcatChart

    Raises
    ------
    ValueError
        If an argument is not a number or lies outside its slider's range.

    Examples
    --------
    >>> chart = covariance_sandbox_chart()
    >>> [p.name for p in chart.params]
    ['sigma_a', 'sigma_b', 'rho', 'log2_eta', 'eta', 'title_text']
    """
    import altair as alt

    sigma_a, sigma_b = (_in_range(name, _checks.positive(name, value, allow_zero=True), 0.0, SANDBOX_SD_MAX)
                        for name, value in (("sigma_a", sigma_a), ("sigma_b", sigma_b)))
    rho = _checks.correlation("rho", rho)
    eta = _in_range("eta", _checks.positive("eta", eta), *SANDBOX_ETA_RANGE)
    n = _checks.integer("n", n)
    seed = _checks.integer("seed", seed, minimum=0)
    draws = _sandbox_draws_panel(n, seed).properties(width=300, height=300)
    prior = _lkj_panel().properties(width=200, height=300)
    return (alt.hconcat(draws, prior, title=alt.Title(alt.ExprRef("title_text"), fontSize=13))
            .add_params(*_sandbox_params(sigma_a, sigma_b, rho, eta)))


def _in_range(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` if it lies on its slider, in ``[low, high]``, or raise naming ``name``."""
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}] (the slider's range), got {value}")
    return value


def _sandbox_params(sigma_a: float, sigma_b: float, rho: float, eta: float) -> list:
    """The sandbox's four sliders, then ``eta`` and the title's text computed from them."""
    import altair as alt

    def slider(name, value, low, high, step, label):
        return alt.param(name=name, value=value, bind=alt.binding_range(min=low, max=high, step=step, name=label))

    eta_low, eta_high = np.log2(SANDBOX_ETA_RANGE)
    # As the old title (f"{x:.2g}" and f"{x:.2f}"), with d3's minus sign, "−"; the covariance is
    # computed as simulate.covariance computes it, (σa ρ) σb, and d3 writes -0.001 as "0.00".
    det = "pow(sigma_a * sigma_b, 2) * (1 - rho * rho)"
    note = (f"(sigma_a == 0 && sigma_b == 0 ? 'singular covariance: every draw at one point' "
            f": abs({det}) < 1e-12 ? 'singular covariance: every draw on one line' "
            f": 'covariance ρ·σa·σb = ' + format(sigma_a * rho * sigma_b, '.2f'))")
    title = (f"'σa = ' + format(sigma_a, '.2~g') + ', σb = ' + format(sigma_b, '.2~g') "
             f"+ ', ρ = ' + format(rho, '.2f') + ': ' + {note}")
    return [slider("sigma_a", sigma_a, 0, SANDBOX_SD_MAX, 0.1, "σa"),
            slider("sigma_b", sigma_b, 0, SANDBOX_SD_MAX, 0.1, "σb"),
            slider("rho", rho, -1, 1, 0.05, "ρ"),
            slider("log2_eta", float(np.log2(eta)), float(eta_low), float(eta_high), 0.25, "log₂ η (LKJ shape)"),
            alt.param(name="eta", expr="pow(2, log2_eta)"),
            alt.param(name="title_text", expr=title)]


def _sandbox_draws_panel(n: int, seed: int):
    """Left panel: the draws, their 50% and 89% ellipses and the least-squares line of b on a."""
    import altair as alt

    z = np.random.default_rng(seed).standard_normal((n, 2))  # as simulate.correlated_effects draws them
    axis = alt.Scale(domain=[-SANDBOX_REACH, SANDBOX_REACH], nice=False)
    x, y = alt.X("a:Q", scale=axis, title="a (intercepts)"), alt.Y("b:Q", scale=axis, title="b (slopes)")
    root = "sqrt(max(0, 1 - rho * rho))"  # √(1-ρ²), as in plots.ellipse_points
    points = alt.Chart(pd.DataFrame({"z1": z[:, 0], "z2": z[:, 1]})).transform_calculate(
        a="sigma_a * datum.z1", b=f"sigma_b * (rho * datum.z1 + {root} * datum.z2)")
    # 200 angles from 0 to 2π for each ellipse, as np.linspace(0, 2 * np.pi, 200) in plots.ellipse_points.
    ellipses = (alt.Chart(alt.sequence(0, 400, as_="k"))
                .transform_calculate(prob="datum.k < 200 ? 0.5 : 0.89", i="datum.k % 200")
                .transform_calculate(t="datum.i * (2 * PI / 199)", r="sqrt(-2 * log(1 - datum.prob))",
                                     opacity="0.4 + 0.5 * (1 - datum.prob)")
                .transform_calculate(a="datum.r * sigma_a * cos(datum.t)",
                                     b=f"datum.r * (rho * sigma_b * cos(datum.t) + sigma_b * {root} * sin(datum.t))")
                .mark_line(color=plots.METHOD_COLORS["truth"], strokeWidth=1, clip=True)
                .encode(x, y, order="i:Q", detail="prob:N", opacity=alt.Opacity("opacity:Q", scale=None)))
    fit = (points.transform_regression("a", "b")
           .mark_line(color=plots.METHOD_COLORS["none"], strokeWidth=1.5, clip=True).encode(x, y))
    cloud = points.mark_circle(color=plots.METHOD_COLORS["partial"], size=8, opacity=0.35, clip=True).encode(x, y)
    return alt.layer(cloud, ellipses, fit)


def _lkj_nodes(h: float = 1 / 16, reach: float = 4.5) -> pd.DataFrame:
    """Nodes to integrate ``(1-ρ²)^(η-1)`` over [-1, 1]: ``ρ = tanh(x)``, ``x = π/2 sinh s``, ``s`` on a grid.

    Columns ``q = 1 - ρ² = sech² x`` and ``dw = h dρ/ds``: the integral is ``sum(dw * q**(η-1))``. The
    integrand in ``s`` decays doubly exponentially at both ends for every η > 0, so the sum's relative
    error is below 1e-13 for η in [0.25, 32] (against ``2^(2η-1) B(η, η)``; with ``h = 1/8``, 7e-4).
    """
    s = np.arange(-reach, reach + h / 2, h)
    x = np.abs(np.pi / 2 * np.sinh(s))
    log_q = -2 * (x + np.log1p(np.exp(-2 * x)) - np.log(2))  # log sech² x, without overflow
    return pd.DataFrame({"kind": "node", "q": np.exp(log_q), "dw": h * np.pi / 2 * np.cosh(s) * np.exp(log_q)})


def _lkj_panel():
    """Right panel: the LKJ(η) density of ρ, normalised in the chart, and a rule at the slider's ρ."""
    import altair as alt

    curve = [{"kind": "curve", "correlation": r} for r in np.linspace(-0.999, 0.999, 400).tolist()]
    x = alt.X("correlation:Q", title="ρ", scale=alt.Scale(domain=[-1, 1], nice=False))
    density = (alt.Chart(alt.InlineData(values=_lkj_nodes().to_dict("records") + curve))
               .transform_calculate(w="datum.kind == 'node' ? datum.dw * pow(datum.q, eta - 1) : 0")
               .transform_joinaggregate(norm="sum(w)")
               .transform_filter("datum.kind == 'curve'")
               .transform_calculate(density="pow(1 - datum.correlation * datum.correlation, eta - 1) / datum.norm")
               .mark_line(color=plots.METHOD_COLORS["truth"], strokeWidth=1.5)
               .encode(x, alt.Y("density:Q", title="prior density")))
    marker = (alt.Chart(pd.DataFrame({"marker": ["rho"]})).transform_calculate(correlation="rho")
              .mark_rule(color=plots.METHOD_COLORS["none"], strokeWidth=1.5).encode(x))
    title = alt.Title(alt.ExprRef("'LKJ(' + format(eta, '.3~g') + ') prior on ρ'"), fontSize=12)
    return alt.layer(density, marker, title=title)
