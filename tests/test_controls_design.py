"""Chapter 6's design control (course_lib.recovery.design_chart) computes in the browser what
recovery.coverage and recovery.errors compute in Python, for every setting of its control.

The chart's data flow runs in Node with the Vega and Vega-Lite builds the site serves
(``tests/js/run_chart.js``; ``make`` installs them into _vendor/vendor/vega); those tests are
skipped when Node or the builds are missing.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_lib import controls, recovery, simulate

pytest.importorskip("altair")

ROOT = Path(__file__).resolve().parents[1]
VEGA = ROOT / "_vendor" / "vendor" / "vega"
HAVE_NODE = shutil.which("node") is not None and (VEGA / "vega.min.js").exists()
needs_node = pytest.mark.skipif(not HAVE_NODE, reason="needs node and the site's Vega builds (`make` installs them)")

TRUTH = {"a_bar": 1.3, "sigma_a": 0.3, "sigma": 0.8}
DESIGNS = (5, 10, 20, 40)
SIZES = (3, 12)
BY = ["group_size", "method"]


def _equal_groups(n_groups, size):
    return lambda rng: simulate.varying_intercepts(n_per_group=[size] * n_groups, **TRUTH, rng=rng)


@pytest.fixture(scope="module")
def grid():
    """A small study like chapter 6's: REML (whose sigma_a intervals are NaN at 0) and a stand-in
    second method (REML's estimates moved up, intervals always present, one estimate missing)."""
    reml = pd.concat([recovery.run_study(_equal_groups(j, n), {"REML": recovery.reml_estimates}, n_sims=6,
                                         seed=100 + j + n).assign(n_groups=j, group_size=n)
                      for j in DESIGNS for n in SIZES], ignore_index=True)
    other = reml.assign(method="Bayes", estimate=reml["estimate"].abs() + 0.08)
    other = other.assign(lower_90=0.4 * other["estimate"], upper_90=1.8 * other["estimate"])
    other.loc[(other["parameter"] == "sigma_a") & (other["n_groups"] == 10) & (other["group_size"] == 3)
              & (other["sim"] == 2), "estimate"] = np.nan
    return pd.concat([other, reml], ignore_index=True)


def run_chart(chart, tmp_path, **params):
    """Every dataset of ``chart``'s Vega view after setting its parameters, as lists of rows."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(chart.to_dict()))
    out = subprocess.run(["node", str(ROOT / "tests" / "js" / "run_chart.js"), str(VEGA), str(spec),
                          json.dumps(params)], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def shown_rows(data):
    """The chart's rows of the chosen design: the largest dataset whose rows carry ``rmse`` and ``sim``
    (the top-level one; each panel's and layer's datasets take their rows from it)."""
    found = sorted((rows for rows in data.values() if rows and {"rmse", "sim"} <= set(rows[0])), key=len)
    assert found, "no dataset has rmse and sim"
    return found[-1]


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def test_fixture_has_what_the_checks_need(grid):
    sigma_a = grid[grid["parameter"] == "sigma_a"]
    cover = recovery.coverage(sigma_a, by=["n_groups", *BY])
    assert cover["no_interval"].sum() > 0  # REML at the boundary: misses without an interval
    assert cover["coverage"].nunique() > 2
    assert sigma_a["estimate"].isna().sum() == 1


@pytest.fixture(scope="module")
def runs(grid, tmp_path_factory):
    """The chart's data flow run in Node once at each setting of the control: {n_groups: output}."""
    if not HAVE_NODE:
        pytest.skip("needs node and the site's Vega builds (`make` installs them)")
    chart, folder = recovery.design_chart(grid), tmp_path_factory.mktemp("design")
    return {j: run_chart(chart, folder, n_groups=j) for j in DESIGNS}


@pytest.mark.parametrize("n_groups", DESIGNS)
def test_chart_computes_coverage_and_rmse_of_the_chosen_design(grid, runs, n_groups):
    out = runs[n_groups]
    assert out["signals"] == {"n_groups": n_groups}
    rows = shown_rows(out["data"])
    part = grid[(grid["parameter"] == "sigma_a") & (grid["n_groups"] == n_groups)]
    # The rows shown are exactly that design's.
    mine = sorted((r["group_size"], r["method"], r["sim"], _number(r["estimate"]), _number(r["lower"]),
                   _number(r["upper"])) for r in rows)
    python = sorted((int(r.group_size), r.method, int(r.sim), _number(r.estimate), _number(r.lower_90),
                     _number(r.upper_90)) for r in part.itertuples())
    assert mine == python
    assert {r["n_groups"] for r in rows} == {n_groups}
    # Each row carries its panel's and method's coverage and RMSE, as recovery computes them.
    cover, error = recovery.coverage(part, by=BY), recovery.errors(part, by=BY)
    for r in rows:
        key = (r["group_size"], r["method"])
        assert r["coverage"] == pytest.approx(cover.loc[key, "coverage"], abs=1e-12)
        assert r["no_interval"] == cover.loc[key, "no_interval"]
        assert r["n"] == cover.loc[key, "n"]
        assert r["rmse"] == pytest.approx(error.loc[key, "rmse"], abs=1e-12)


@pytest.mark.parametrize("n_groups", DESIGNS)
def test_chart_writes_what_it_computed(grid, runs, n_groups):
    texts = {r["text"] for rows in runs[n_groups]["data"].values() for r in rows if "text" in r}
    part = grid[(grid["parameter"] == "sigma_a") & (grid["n_groups"] == n_groups)]
    cover, error = recovery.coverage(part, by=BY), recovery.errors(part, by=BY)
    expected = set()
    for key, row in cover.iterrows():
        hits = round(row["coverage"] * len(part[(part["group_size"] == key[0]) & (part["method"] == key[1])]))
        text = f"covers {hits} of {int(error.loc[key, 'n'])}, RMSE {error.loc[key, 'rmse']:.2f}"
        expected.add(text + (f", {int(row['no_interval'])} without interval (×)" if row["no_interval"] else ""))
    assert texts == expected


@needs_node
def test_a_missing_interval_is_a_miss_even_at_a_truth_of_zero(tmp_path):
    # Vega compares a missing value (null) as 0: only an explicit check keeps it from covering a truth of 0.
    table = pd.DataFrame({"n_groups": 5, "group_size": 3, "method": ["REML"] * 4, "parameter": "sigma_a",
                          "sim": range(4), "truth": 0.0, "estimate": [0.0, 0.0, 0.1, 0.2],
                          "lower_90": [np.nan, np.nan, 0.0, 0.1], "upper_90": [np.nan, np.nan, 0.3, 0.4]})
    rows = shown_rows(run_chart(recovery.design_chart(table), tmp_path, n_groups=5)["data"])
    assert recovery.coverage(table).loc[("REML", "sigma_a"), "coverage"] == 0.25
    assert [r["coverage"] for r in rows] == [0.25] * 4
    assert rows[0]["rmse"] == pytest.approx(recovery.errors(table).loc[("REML", "sigma_a"), "rmse"], abs=1e-12)


WIDTH_JS = """
const fs = require("fs"), vm = require("vm"), path = require("path");
const [vendor, specFile] = process.argv.slice(2);
for (const f of ["vega.min.js", "vega-lite.min.js"]) vm.runInThisContext(fs.readFileSync(path.join(vendor, f), "utf8"));
const spec = vegaLite.compile(JSON.parse(fs.readFileSync(specFile, "utf8"))).spec;
new vega.View(vega.parse(spec), {renderer: "none"}).toSVG()
  .then(svg => process.stdout.write(svg.match(/width="([0-9.]+)"/)[1]));
"""


@needs_node
def test_chart_fits_the_text_column(grid, tmp_path):
    spec, script = tmp_path / "spec.json", tmp_path / "width.js"
    spec.write_text(json.dumps(recovery.design_chart(grid).to_dict()))
    script.write_text(WIDTH_JS)
    out = subprocess.run(["node", str(script), str(VEGA), str(spec)], capture_output=True, text=True, check=True,
                         timeout=120)
    # Node measures text by an estimate wider than a browser's: a width within the column here is within it there.
    assert 500 < float(out.stdout) <= controls.WIDTH


def test_chart_holds_only_the_columns_and_rows_it_needs(grid):
    spec = recovery.design_chart(grid).to_dict()
    (values,) = spec["datasets"].values()
    assert len(values) == (grid["parameter"] == "sigma_a").sum()
    assert set(values[0]) == {"n_groups", "group_size", "method", "sim", "estimate", "truth", "lower", "upper"}


def test_chart_draws_each_method_in_its_colour(grid):
    spec = recovery.design_chart(grid).to_dict()
    colours = [layer["encoding"]["color"]["scale"] for layer in spec["hconcat"][0]["layer"][:2]]
    for scale in colours:
        assert dict(zip(scale["domain"], scale["range"])) == {m: recovery.COLORS[m] for m in ("Bayes", "REML")}


@pytest.mark.parametrize("designs, kind", [((5, 10, 20, 40), "radio"), ((5, 10, 15), "range"),
                                           ((2, 3, 5, 8, 13, 21, 34, 55, 89), "select")])
def test_control_binds_n_groups_to_the_designs(grid, designs, kind):
    rows = grid[(grid["n_groups"] == 5)]
    table = pd.concat([rows.assign(n_groups=j) for j in designs], ignore_index=True)
    (param,) = recovery.design_chart(table).params
    assert param.name == "n_groups" and param.value == designs[0]
    assert param.bind.input == kind
    if kind == "range":
        assert (param.bind.min, param.bind.max, param.bind.step) == (5, 15, 5)
    else:
        assert list(param.bind.options) == list(designs)


def test_chart_works_as_a_control(grid):
    control = controls.Control(recovery.design_chart(grid, parameter="sigma", prob=0.5),
                               description="Estimates of sigma by design", name="design")
    assert 'data-control="design"' in control.html()
    assert "50% intervals of σ over the data sets" in json.dumps(control.spec, ensure_ascii=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"parameter": "tau"}, "parameter must be one of"),
    ({"prob": 0.8}, "prob must be one of"),
    ({"grid": pd.DataFrame({"n_groups": [5]})}, "grid has no column"),
    ({"grid": "not a frame"}, "grid must be a pandas DataFrame"),
])
def test_design_chart_names_bad_arguments(grid, kwargs, message):
    with pytest.raises(ValueError, match=message):
        recovery.design_chart(**{"grid": grid, **kwargs})


def test_design_chart_rejects_non_numeric_designs(grid):
    with pytest.raises(ValueError, match="n_groups"):
        recovery.design_chart(grid.assign(n_groups=grid["n_groups"].astype(str) + " groups"))
