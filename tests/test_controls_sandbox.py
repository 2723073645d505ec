"""The covariance sandbox's chart computes in the browser what course_lib computes in Python.

:func:`course_lib.controls.covariance_sandbox_chart` is run in Node with the Vega and Vega-Lite builds the
site serves (``tests/js/run_chart.js``), at settings of its sliders that include the singular ends
(ρ = ±1, σ = 0) and priors on both sides of η = 1, and compared with :mod:`course_lib.simulate` and
:mod:`course_lib.plots`: the draws, the ellipses, the least-squares line, the LKJ density and the title.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from course_lib import controls, plots, simulate

ROOT = Path(__file__).resolve().parents[1]
VEGA = ROOT / "_vendor" / "vendor" / "vega"
HAVE_VEGA = shutil.which("node") is not None and (VEGA / "vega.min.js").exists()
needs_vega = pytest.mark.skipif(not HAVE_VEGA, reason="needs Node and the site's Vega builds (`make` installs them)")

# (sigma_a, sigma_b, rho, log2_eta): the chapter's start, both singular ends of ρ, a zero σ on each
# axis, a covariance that rounds to 0.00, and η from 0.25 (U-shaped) through 1 (flat) to 32.
SETTINGS = [(1.0, 0.5, -0.7, 1.0), (2.0, 2.0, 1.0, -2.0), (1.5, 0.5, -1.0, 5.0), (0.0, 1.2, 0.3, -0.75),
            (0.7, 0.0, 0.5, 2.25), (0.1, 0.1, -0.3, 0.0), (1.3, 0.4, 0.45, 0.5)]

# Renders the chart as the site does (without a canvas: text widths are estimated) and prints the
# computed parameters, every title's text and the size of the drawing.
RENDER_JS = """
const fs = require("fs"), vm = require("vm"), path = require("path");
const [vendor, specFile, settings] = process.argv.slice(2);
for (const f of ["vega.min.js", "vega-lite.min.js"]) vm.runInThisContext(fs.readFileSync(path.join(vendor, f), "utf8"));
(async () => {
  const view = new vega.View(vega.parse(vegaLite.compile(JSON.parse(fs.readFileSync(specFile, "utf8"))).spec),
                             {renderer: "none"});
  for (const [name, value] of Object.entries(JSON.parse(settings))) view.signal(name, value);
  await view.runAsync();
  const titles = [], walk = item => {
    if (item.mark && item.mark.role === "title-text") titles.push([].concat(item.text).join(" "));
    for (const child of item.items || []) walk(child);
  };
  walk(view.scenegraph().root);
  const svg = await view.toSVG();
  const size = name => +svg.match(new RegExp(`<svg[^>]* ${name}="([0-9.]+)"`))[1];
  process.stdout.write(JSON.stringify({eta: view.signal("eta"), title_text: view.signal("title_text"),
                                       titles, width: size("width"), height: size("height")}));
})().catch(error => { console.error(error); process.exit(1); });
"""


def _node(script, chart, tmp_path, params):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(chart.to_dict()))
    out = subprocess.run(["node", str(script), str(VEGA), str(spec), json.dumps(params)],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def run_chart(chart, tmp_path, **params):
    """Every dataset of the chart's Vega view after setting its parameters, as lists of rows."""
    return _node(ROOT / "tests" / "js" / "run_chart.js", chart, tmp_path, params)["data"]


def render(chart, tmp_path, **params):
    script = tmp_path / "render.js"
    script.write_text(RENDER_JS)
    return _node(script, chart, tmp_path, params)


def dataset(data, *fields, exact=False):
    """The rows of the first dataset whose rows have ``fields`` (exactly those, if ``exact``)."""
    for rows in data.values():
        if rows and (set(rows[0]) == set(fields) if exact else set(fields) <= set(rows[0])):
            return rows
    raise AssertionError(f"no dataset has {fields}")


def expected_title(sigma_a, sigma_b, rho):
    """The old figure's title (widgets.sandbox_update), with the minus sign d3 writes and no "-0.00"."""
    cov = simulate.covariance(sigma_a, sigma_b, rho)
    note = ("singular covariance: every draw on one line" if abs(np.linalg.det(cov)) < 1e-12
            else f"covariance ρ·σa·σb = {cov[0, 1]:.2f}".replace("-0.00", "0.00"))
    return f"σa = {sigma_a:.2g}, σb = {sigma_b:.2g}, ρ = {rho:.2f}: {note}".replace("-", "−")


@pytest.fixture(scope="module")
def chart():
    return controls.covariance_sandbox_chart()  # the chapter's settings; the tests move its sliders


@needs_vega
@pytest.mark.parametrize("sigma_a, sigma_b, rho, log2_eta", SETTINGS)
def test_sandbox_computes_the_draws_ellipses_line_and_prior(chart, tmp_path, sigma_a, sigma_b, rho, log2_eta):
    data = run_chart(chart, tmp_path, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, log2_eta=log2_eta)
    python = simulate.correlated_effects(n=1000, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho,
                                         rng=np.random.default_rng(1))
    points = dataset(data, "z1", "z2", "a", "b")
    assert len(points) == 1000
    np.testing.assert_allclose([r["a"] for r in points], python["a"], rtol=0, atol=1e-9)
    np.testing.assert_allclose([r["b"] for r in points], python["b"], rtol=0, atol=1e-9)

    rings = dataset(data, "t", "prob", "a", "b")
    for prob in (0.5, 0.89):
        ring = sorted((r for r in rings if r["prob"] == prob), key=lambda r: r["i"])
        want = plots.ellipse_points(sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, prob=prob)
        assert len(ring) == len(want) == 200
        np.testing.assert_allclose([[r["a"], r["b"]] for r in ring], want, rtol=0, atol=1e-12)

    fit = dataset(data, "a", "b", exact=True)
    ends = np.array([python["a"].min(), python["a"].max()])
    np.testing.assert_allclose([r["a"] for r in fit], ends, rtol=0, atol=1e-12)
    if sigma_a > 0:
        slope, intercept = np.polyfit(python["a"], python["b"], 1)
        np.testing.assert_allclose([r["b"] for r in fit], intercept + slope * ends, rtol=0, atol=1e-9)
    # at sigma_a = 0 the old figure drew no line; the chart's has length 0 (both ends at a = 0)

    curve = dataset(data, "correlation", "density")
    grid = np.array([r["correlation"] for r in curve])
    assert len(grid) == 400 and grid[0] == -0.999 and grid[-1] == 0.999
    np.testing.assert_allclose([r["density"] for r in curve], plots.lkj_correlation_density(grid, 2**log2_eta),
                               rtol=1e-9)
    assert dataset(data, "marker", "correlation")[0]["correlation"] == rho


@needs_vega
@pytest.mark.parametrize("sigma_a, sigma_b, rho, log2_eta", SETTINGS)
def test_sandbox_titles(chart, tmp_path, sigma_a, sigma_b, rho, log2_eta):
    out = render(chart, tmp_path, sigma_a=sigma_a, sigma_b=sigma_b, rho=rho, log2_eta=log2_eta)
    assert out["title_text"] == expected_title(sigma_a, sigma_b, rho)
    assert out["eta"] == 2**log2_eta
    assert sorted(out["titles"]) == sorted([out["title_text"], f"LKJ({2**log2_eta:.3g}) prior on ρ"])


@needs_vega
def test_sandbox_starts_at_its_arguments_and_fits_the_text_column(tmp_path):
    chart = controls.covariance_sandbox_chart(sigma_a=0.3, sigma_b=1.7, rho=0.85, eta=0.5, n=50, seed=7)
    data = run_chart(chart, tmp_path)
    python = simulate.correlated_effects(n=50, sigma_a=0.3, sigma_b=1.7, rho=0.85, rng=np.random.default_rng(7))
    points = dataset(data, "z1", "a", "b")
    np.testing.assert_allclose([[r["a"], r["b"]] for r in points], python[["a", "b"]], rtol=0, atol=1e-9)
    out = render(chart, tmp_path)
    assert out["title_text"] == expected_title(0.3, 1.7, 0.85) and out["eta"] == pytest.approx(0.5, rel=1e-12)
    assert 500 < out["width"] <= controls.WIDTH and out["height"] < 450


def test_lkj_nodes_integrate_the_prior():
    # The chart's normaliser, sum(dw * q**(eta - 1)), against the exact 2**(2 eta - 1) B(eta, eta).
    from scipy.special import beta

    nodes = controls._lkj_nodes()
    for eta in 2.0 ** np.arange(-2, 5.01, 0.25):
        exact = 2 ** (2 * eta - 1) * beta(eta, eta)
        assert np.sum(nodes["dw"] * nodes["q"] ** (eta - 1)) == pytest.approx(exact, rel=1e-12)


def test_sandbox_sliders(chart):
    params = {p.name: p for p in chart.params}
    assert list(params) == ["sigma_a", "sigma_b", "rho", "log2_eta", "eta", "title_text"]
    ranges = {name: (p.value, p.bind.min, p.bind.max, p.bind.step, p.bind.name)
              for name, p in params.items() if name in ("sigma_a", "sigma_b", "rho", "log2_eta")}
    assert ranges == {"sigma_a": (1.0, 0, 2, 0.1, "σa"), "sigma_b": (0.5, 0, 2, 0.1, "σb"),
                      "rho": (-0.7, -1, 1, 0.05, "ρ"), "log2_eta": (1.0, -2, 5, 0.25, "log₂ η (LKJ shape)")}


@pytest.mark.parametrize("kwargs, message", [
    ({"sigma_a": -0.1}, "sigma_a must be non-negative, got -0.1"),
    ({"sigma_b": 2.5}, r"sigma_b must lie in \[0, 2\]"),
    ({"sigma_a": "1"}, "sigma_a must be a number"),
    ({"rho": 1.2}, r"rho must lie in \[-1, 1\], got 1.2"),
    ({"rho": float("nan")}, "rho must be a finite number"),
    ({"eta": 0}, "eta must be positive"),
    ({"eta": 64}, r"eta must lie in \[0.25, 32\]"),
    ({"n": 0}, "n must be at least 1"),
    ({"n": 10.0}, "n must be an integer"),
    ({"seed": -1}, "seed must be at least 0"),
])
def test_sandbox_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        controls.covariance_sandbox_chart(**kwargs)
