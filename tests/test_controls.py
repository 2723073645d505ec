"""The controls' charts (course_lib.controls) compute in the browser what course_lib computes in Python.

Each chart's data flow is run in Node with the Vega and Vega-Lite builds the site serves
(``tests/js/run_chart.js``; ``make`` installs them into _vendor/vendor/vega), at several settings of
its sliders, and compared with the Python functions it mirrors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from course_lib import controls, pooling, widgets

ROOT = Path(__file__).resolve().parents[1]
VEGA = ROOT / "_vendor" / "vendor" / "vega"


def run_chart(chart, tmp_path, **params):
    """Every dataset of ``chart``'s Vega view after setting its parameters, as lists of rows."""
    if shutil.which("node") is None or not (VEGA / "vega.min.js").exists():
        pytest.fail("Node and the site's Vega builds are needed: `make` installs them (see README)")
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(chart.to_dict()))
    out = subprocess.run(["node", str(ROOT / "tests" / "js" / "run_chart.js"), str(VEGA), str(spec),
                          json.dumps(params)], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)["data"]


def rows_with(data, field):
    """The rows of the first dataset with ``field`` (the chart's computed table)."""
    for rows in data.values():
        if rows and field in rows[0]:
            return rows
    raise AssertionError(f"no dataset has {field!r}")


@pytest.mark.parametrize("log_sd", [np.log10(0.3095), -3.0, 0.0, 2.0])
def test_shrinkage_dial_computes_partial_pooling(radon, tmp_path, log_sd):
    chart = controls.shrinkage_dial_chart(radon, y="log_radon", group="county", sigma=0.7979, fitted=0.3095)
    rows = rows_with(run_chart(chart, tmp_path, log_sd=log_sd), "estimate")
    python = pooling.partial_pooling(radon, y="log_radon", group="county", sigma_group=10**log_sd, sigma=0.7979)
    got = {r["group"].upper(): (r["estimate"], r["w"], r["mu"]) for r in rows}
    assert len(got) == len(python) == 85
    for county, row in python.iterrows():
        estimate, weight, mu = got[county]
        assert estimate == pytest.approx(row["intercept"], abs=1e-9)
        assert weight == pytest.approx(row["weight"], abs=1e-12)
        assert mu == pytest.approx(python.attrs["mu"], abs=1e-9)


@pytest.mark.parametrize("log_sd", [np.log10(1.65), -2.8, 0.0, 3.2])
def test_pooling_dial_computes_partial_pooling_with_a_slope(anoles, tmp_path, log_sd):
    chart = controls.pooling_dial_chart(anoles, y="time", group="stream", x="size", sigma=1.16, fitted=1.65)
    rows = [r for r in rows_with(run_chart(chart, tmp_path, log_sd=log_sd), "y_partial") if r["kind"] == "line"]
    python = widgets.dial_lines(anoles, y="time", group="stream", x="size", sigma_group=10**log_sd, sigma=1.16)
    got = {r["panel"].split(" (")[0]: r for r in rows}
    assert len(rows) == 2 * len(python) == 20  # two ends per stream
    for row in python.itertuples():
        mine = got[f"stream {row.stream}"]
        assert mine["intercept"] == pytest.approx(row.intercept, abs=1e-9)
        assert mine["slope"] == pytest.approx(row.slope, abs=1e-9)
        assert mine["mu"] == pytest.approx(python.attrs["mu"], abs=1e-9)
        assert mine["y_partial"] == pytest.approx(row.intercept + row.slope * mine["x"], abs=1e-9)


def test_dials_start_at_the_fit_and_span_the_decades(radon):
    chart = controls.shrinkage_dial_chart(radon, y="log_radon", group="county", sigma=0.8, fitted=0.31, decades=2.5)
    param = chart.params[0]
    assert param.value == pytest.approx(np.log10(0.31), abs=1e-4)
    assert param.bind.min <= np.log10(0.31) - 2.5 + 1e-4 and param.bind.max >= np.log10(0.31) + 2.5 - 1e-4
    assert param.bind.name == "log₁₀ σ_county"


@pytest.mark.parametrize("which", ["pooling", "shrinkage"])
def test_dials_start_at_the_fit_on_their_slider_grid(anoles, radon, which):
    # A browser snaps a range input's value to min + k * step: the fitted value must be one of those.
    if which == "pooling":
        chart = controls.pooling_dial_chart(anoles, y="time", group="stream", x="size", sigma=1.16, fitted=1.6488)
        label = "log₁₀ σ_stream"
    else:
        chart = controls.shrinkage_dial_chart(radon, y="log_radon", group="county", sigma=0.8, fitted=0.3095)
        label = "log₁₀ σ_county"
    param = chart.params[0]
    assert param.value == pytest.approx(np.log10(1.6488 if which == "pooling" else 0.3095), abs=1e-4)
    steps = (param.value - param.bind.min) / param.bind.step
    assert steps == pytest.approx(round(steps), abs=1e-9)
    assert param.bind.max - param.bind.min == pytest.approx(2 * round(steps) * param.bind.step, abs=1e-9)
    assert param.bind.name == label


def test_control_shows_both_forms(radon):
    dial = widgets.shrinkage_dial(radon, y="log_radon", group="county", sigma=0.8, fitted=0.31,
                                  label_groups=["LAC QUI PARLE"])
    bundle = dial._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the notebook's ipywidget
    html = bundle["text/html"]  # the site's chart, with the same specification
    assert 'class="course-control"' in html and 'data-control="shrinkage-dial"' in html
    assert 'role="figure"' in html and "aria-label=" in html
    spec = json.loads(html.split('<script type="application/json">')[1].split("</script>")[0].replace("<\\/", "</"))
    assert spec == dial.spec and spec["description"] == dial.description
    assert dial.widget.spec == dial.spec


def test_control_bad_arguments():
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    with pytest.raises(TypeError, match="chart must be an Altair chart"):
        controls.Control("not a chart", description="a point")
    with pytest.raises(ValueError, match="description must be"):
        controls.Control(chart, description=" ")
    with pytest.raises(ValueError, match="name must be"):
        controls.Control(chart, description="a point", name="two words")


@pytest.mark.parametrize("kwargs, message", [
    ({"fitted": 0}, "fitted must be positive"),
    ({"sigma": -1}, "sigma must be positive"),
    ({"decades": 0}, "decades must be positive"),
    ({"label_groups": ["ATLANTIS"]}, "label_groups"),
    ({"y": "radon"}, "no column"),
])
def test_shrinkage_dial_bad_input(radon, kwargs, message):
    args = {"y": "log_radon", "group": "county", "sigma": 0.8, "fitted": 0.31, **kwargs}
    with pytest.raises(ValueError, match=message):
        controls.shrinkage_dial_chart(radon, **args)
