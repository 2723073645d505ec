"""Chapter 2's shrinkage explorer: an anywidget whose JavaScript simulates, estimates and draws.

The explorer is one ES module, ``explorer.js`` beside this file (plain JavaScript, no imports). It
simulates a school of classrooms from a seed, estimates each classroom's pass rate by no pooling and
by full-Bayes partial pooling (a port of :class:`course_lib.shrinkage.PairCache`, which keeps each
``(passed, n)`` pair's integrals between settings), and draws both with their errors as SVG. The same
module runs in both places a reader meets it, with no Python kernel:

- in a notebook, as :class:`ExplorerWidget` (an ``anywidget.AnyWidget``);
- on the published site, from the page element :meth:`Explorer.html` writes, which
  ``_assets/controls.js`` runs.

This module also mirrors the module's simulation in Python (:func:`simulate`, the same generator and
the same draws) and its whole computation (:func:`explore`, :func:`summary`), so the tests can check
the JavaScript against :mod:`course_lib.shrinkage` (``tests/test_explorer.py``).

Needs anywidget for the notebook form only: :mod:`course_lib` and the site form import without it.
"""

from __future__ import annotations

import html
import json
import math
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks

#: The module: what the notebook's widget and the site's page both run.
MODULE = Path(__file__).with_name("explorer.js")
#: Class sizes before the multiplier, as in chapter 2.
BASE_SIZES = (5, 10, 25, 35)
#: Each setting's slider range (``size_multiplier``: powers of 2 from 1/4 to 8).
RANGES = {"a_bar": (-3.0, 3.0), "sigma": (0.0, 4.0), "size_multiplier": (0.25, 8.0), "n_per_size": (1, 50),
          "seed": (0, 100)}
DESCRIPTION = (
    "Shrinkage explorer: sliders set the true mean (a_bar) and sd (sigma) of the classrooms' log-odds of passing, "
    "the class sizes, the number of classrooms of each size and the seed. For each simulated school it shows "
    "every classroom's estimated pass rate by no pooling (open vermillion circles) and by partial pooling (filled "
    "blue circles), one panel per class size, and below, each estimate's absolute error against the true pass "
    "rate; the title gives each method's mean absolute error.")

# ----------------------------------------------------------------------------------------------------
# The module's random draws, operation for operation (see explorer.js: only + - * / and sqrt, which
# IEEE 754 rounds alike in Python and in every JavaScript engine).

_LN2 = 0.6931471805599453
_LN2_HI = 0.6931471803691238
_LN2_LO = 1.9082149292705877e-10
_SQRT2 = 1.4142135623730951
_MASK = 0xFFFFFFFF


def _log(x: float) -> float:
    """The natural logarithm as ``explorer.js`` computes it, bit for bit."""
    if not x > 0 or x == math.inf:
        return -math.inf if x == 0 else x if x == math.inf else math.nan
    k, m = 0, float(x)
    while m >= 2:
        m /= 2
        k += 1
    while m < 1:
        m *= 2
        k -= 1
    if m > _SQRT2:
        m /= 2
        k += 1
    s = (m - 1) / (m + 1)
    s2 = s * s
    series = 1 / 25
    for j in range(11, -1, -1):
        series = 1 / (2 * j + 1) + s2 * series
    return k * _LN2 + 2 * s * series


def _exp(x: float) -> float:
    """The exponential as ``explorer.js`` computes it, bit for bit."""
    if math.isnan(x):
        return math.nan
    if x > 709.7:
        return math.inf
    if x < -745.2:
        return 0.0
    k = math.floor(x / _LN2 + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    y = 1.0
    for i in range(18, 0, -1):
        y = 1 + y * r / i
    for _ in range(k):
        y *= 2
    for _ in range(-k):
        y /= 2
    return y


def _mulberry32(seed: int):
    """The module's generator: ``uniform()`` returns the same numbers in [0, 1) as ``mulberry32(seed)`` there."""
    state = int(seed) & _MASK

    def uniform() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & _MASK
        t = ((state ^ (state >> 15)) * (1 | state)) & _MASK
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _MASK)) & _MASK) ^ t
        return ((t ^ (t >> 14)) & _MASK) / 4294967296

    return uniform


def _normal(uniform) -> float:
    """A standard normal by Marsaglia's polar method, as the module draws it."""
    while True:
        u, v = 2 * uniform() - 1, 2 * uniform() - 1
        s = u * u + v * v
        if 0 < s < 1:
            return u * math.sqrt(-2 * _log(s) / s)


def class_sizes(size_multiplier: float) -> list[int]:
    """The four class sizes at a multiplier: ``BASE_SIZES`` times it, rounded (halves to even), at least 1."""
    size_multiplier = _checks.positive("size_multiplier", size_multiplier)
    return [int(max(1, np.round(n * size_multiplier))) for n in BASE_SIZES]


def simulate(*, a_bar: float, sigma: float, size_multiplier: float, n_per_size: int, seed: int) -> pd.DataFrame:
    """Simulate the school the explorer draws at these settings: the same draws as its JavaScript.

    The model is :func:`course_lib.simulate.classrooms`'s (``a_j = a_bar + sigma z_j``,
    ``passed_j ~ Binomial(n_j, logistic(a_j))``), drawn from the module's own generator (mulberry32,
    normals by the polar method, a binomial as ``n_j`` uniforms below ``p_j``) rather than numpy's, so
    that a seed gives the same school in the browser and here. (Hence a ``seed``, not an ``rng``.)

    Parameters
    ----------
    a_bar, sigma : float
        True mean and sd (non-negative) of the classrooms' log-odds.
    size_multiplier : float
        Multiplies the class sizes 5, 10, 25 and 35 (see :func:`class_sizes`).
    n_per_size : int
        Classrooms of each size.
    seed : int
        Seed of the generator (0 or more).

    Returns
    -------
    pandas.DataFrame
        One row per classroom: ``classroom`` (1..J), ``n_students``, ``passed``, ``true_log_odds``,
        ``true_p``; ``attrs["truth"]`` holds the settings.

    Raises
    ------
    ValueError
        If a setting is out of range.

    Examples
    --------
    >>> simulate(a_bar=1.5, sigma=1.5, size_multiplier=1, n_per_size=2, seed=1)["n_students"].tolist()
    [5, 5, 10, 10, 25, 25, 35, 35]
    """
    settings = _settings(a_bar=a_bar, sigma=sigma, size_multiplier=size_multiplier, n_per_size=n_per_size,
                         seed=seed, ranges=False)
    uniform = _mulberry32(settings["seed"])
    n = np.repeat(class_sizes(settings["size_multiplier"]), settings["n_per_size"])
    log_odds = [settings["a_bar"] + settings["sigma"] * _normal(uniform) for _ in n]
    p = [1 / (1 + _exp(-a)) for a in log_odds]
    passed = [sum(uniform() < p_j for _ in range(n_j)) for n_j, p_j in zip(n.tolist(), p)]
    df = pd.DataFrame({"classroom": np.arange(1, n.size + 1), "n_students": n, "passed": passed,
                       "true_log_odds": log_odds, "true_p": p})
    df.attrs["truth"] = settings
    return df


def explore(*, a_bar: float, sigma: float, size_multiplier: float, n_per_size: int, seed: int,
            cache=None) -> pd.DataFrame:
    """One setting of the explorer, in Python: :func:`simulate`, then partial pooling on a fixed grid.

    Parameters
    ----------
    a_bar, sigma, size_multiplier, n_per_size, seed :
        As in :func:`simulate`.
    cache : course_lib.shrinkage.PairCache, optional
        The estimator (default a new one: the module's grid and priors).

    Returns
    -------
    pandas.DataFrame
        :func:`simulate`'s columns with ``p_none``, ``p_partial``, ``error_none`` and ``error_partial``;
        ``attrs`` holds the settings (``truth``) and the posterior means ``a_bar``, ``sigma`` and
        ``global_mean``.

    Examples
    --------
    >>> explore(a_bar=1.5, sigma=0.0, size_multiplier=1, n_per_size=2, seed=1).shape
    (8, 9)
    """
    from . import shrinkage

    school = simulate(a_bar=a_bar, sigma=sigma, size_multiplier=size_multiplier, n_per_size=n_per_size, seed=seed)
    fit = (cache or shrinkage.PairCache()).partial_pooling(school["passed"], school["n_students"])
    out = school.join(fit)
    out["error_none"] = (out["p_none"] - out["true_p"]).abs()
    out["error_partial"] = (out["p_partial"] - out["true_p"]).abs()
    out.attrs.update(truth=school.attrs["truth"], **fit.attrs)
    return out


def summary(df: pd.DataFrame) -> dict:
    """The explorer's ``summary`` of an :func:`explore` frame: what the widget keeps in its model.

    Returns
    -------
    dict
        ``settings`` (the five settings); ``by_size``, one dict per class size with ``n_students``,
        ``classrooms``, ``error_none`` and ``error_partial`` (mean absolute errors); ``overall``, the mean
        absolute error of each method over every classroom; ``posterior``, the posterior means of
        ``a_bar``, ``sigma`` and ``global_mean`` (of ``logistic(a_bar)``).

    Examples
    --------
    >>> s = summary(explore(a_bar=1.5, sigma=1.5, size_multiplier=1, n_per_size=3, seed=1))
    >>> [row["n_students"] for row in s["by_size"]]
    [5, 10, 25, 35]
    """
    _checks.frame("df", df, ["n_students", "error_none", "error_partial"])
    by_size = [{"n_students": int(n), "classrooms": int(len(rows)), "error_none": float(rows["error_none"].mean()),
                "error_partial": float(rows["error_partial"].mean())}
               for n, rows in df.groupby("n_students", sort=False)]
    overall = {column: float(df[column].mean()) for column in ("error_none", "error_partial")}
    return {"settings": dict(df.attrs.get("truth", {})), "by_size": by_size, "overall": overall,
            "posterior": {key: df.attrs.get(key) for key in ("a_bar", "sigma", "global_mean")}}


def _settings(*, a_bar, sigma, size_multiplier, n_per_size, seed, ranges: bool = True) -> dict:
    """Check the five settings (and, with ``ranges``, that each lies on its slider); return them."""
    given = {"a_bar": a_bar, "sigma": sigma, "size_multiplier": size_multiplier, "n_per_size": n_per_size,
             "seed": seed}
    return {name: _setting(name, value, ranges=ranges) for name, value in given.items()}


def _setting(name: str, value, *, ranges: bool = True):
    """One setting, checked: its kind, and with ``ranges`` its slider's range; raises ValueError naming it."""
    checks = {"a_bar": lambda v: _checks.finite(name, v),
              "sigma": lambda v: _checks.positive(name, v, allow_zero=True),
              "size_multiplier": lambda v: _checks.positive(name, v),
              "n_per_size": lambda v: _checks.integer(name, v),
              "seed": lambda v: _checks.integer(name, v, minimum=0)}
    value = checks[name](value)
    if name == "seed" and value > _MASK:
        raise ValueError(f"seed must be below 2**32, got {value}")
    low, high = RANGES[name]
    if ranges and not low <= value <= high:
        raise ValueError(f"{name} must lie between {low} and {high} (its slider's range), got {value}")
    if ranges and name == "size_multiplier" and value not in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0):
        raise ValueError(f"size_multiplier must be a power of 2 from 1/4 to 8, got {value}")
    return value


# ----------------------------------------------------------------------------------------------------
# The two forms.

try:  # the notebook form; the site form and the mirror above need neither
    import anywidget
    import traitlets
except ImportError:  # pragma: no cover - anywidget is in requirements.txt
    anywidget = None

if anywidget is not None:

    class ExplorerWidget(anywidget.AnyWidget):
        """The explorer in a notebook: ``explorer.js`` run by anywidget, its settings synced with Python.

        Setting a trait (``w.sigma = 0``) redraws the view; moving a slider sets the trait. After each
        draw the view stores ``summary`` (see :func:`summary`), which Python can read.
        """

        _esm = MODULE
        a_bar = traitlets.Float(1.5).tag(sync=True)
        sigma = traitlets.Float(1.5).tag(sync=True)
        size_multiplier = traitlets.Float(1.0).tag(sync=True)
        n_per_size = traitlets.Int(15).tag(sync=True)
        seed = traitlets.Int(1).tag(sync=True)
        summary = traitlets.Dict().tag(sync=True)

        @traitlets.validate(*RANGES)
        def _valid_setting(self, proposal):
            return _setting(proposal["trait"].name, proposal["value"])


class Explorer:
    """The explorer at its starting settings: an anywidget in a notebook, a page element on the site.

    Attributes
    ----------
    settings : dict
        The five starting settings.
    widget : ExplorerWidget
        The notebook form (made on first use; needs anywidget).
    """

    def __init__(self, settings: dict):
        self.settings = dict(settings)
        self._widget = None

    @property
    def widget(self):
        if self._widget is None:
            if anywidget is None:
                raise ImportError("the explorer's notebook form needs anywidget: pip install anywidget")
            self._widget = ExplorerWidget(**self.settings)
        return self._widget

    def html(self) -> str:
        """The site form: the state and the module's source in an element that ``controls.js`` runs."""
        state = json.dumps({**self.settings, "summary": {}}, separators=(",", ":")).replace("</", "<\\/")
        source = MODULE.read_text(encoding="utf-8").replace("</", "<\\/")
        label = html.escape(DESCRIPTION, quote=True)
        return (f'<div class="course-control" id="control-{uuid.uuid4().hex[:12]}" data-control="explorer" '
                f'data-module="1" role="figure" aria-label="{label}">'
                f'<script type="application/json">{state}</script>'
                f'<script type="text/plain">{source}</script></div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .controls import _both_forms

        return _both_forms(self, f"Explorer({self.settings})", include=include, exclude=exclude)

    def __repr__(self):
        return f"Explorer({self.settings})"


def shrinkage_explorer(*, a_bar: float = 1.5, sigma: float = 1.5, n_per_size: int = 15, seed: int = 1) -> Explorer:
    """Sliders for the true ``a_bar`` and ``sigma``, the class sizes, the classrooms per size and the seed;
    every move re-simulates the school, re-estimates it (full-Bayes partial pooling) and redraws.

    Everything runs in the browser (``explorer.js``), in a notebook and on the site alike.

    Parameters
    ----------
    a_bar : float, default 1.5
        Starting true mean of the classrooms' log-odds, in [-3, 3].
    sigma : float, default 1.5
        Starting true sd of the log-odds, in [0, 4].
    n_per_size : int, default 15
        Starting number of classrooms of each size, 1 to 50.
    seed : int, default 1
        Starting seed, 0 to 100.

    Returns
    -------
    Explorer
        Displays as the widget in a notebook and as the page element on the site.

    Raises
    ------
    ValueError
        If an argument is not a number of the right kind or lies outside its slider's range.

    Examples
    --------
    >>> "data-module" in shrinkage_explorer(n_per_size=3).html()
    True
    """
    return Explorer(_settings(a_bar=a_bar, sigma=sigma, size_multiplier=1.0, n_per_size=n_per_size, seed=seed))
