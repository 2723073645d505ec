"""The shrinkage explorer's module (course_lib/explorer.js) computes what course_lib computes in Python.

The module's named exports run in Node (``tests/js/run_explorer.mjs``, one Node process for the
whole file): its simulation must equal the Python mirror (:func:`course_lib.explorer.simulate`) draw
for draw, and its estimator :class:`course_lib.shrinkage.PairCache` to 1e-9. The site form and the
notebook form are checked here too; the browser tests move the sliders on the built site.
"""

from __future__ import annotations

import functools
import json
import math
import re
import shutil
import statistics
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from course_lib import explorer, shrinkage

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "js" / "run_explorer.mjs"

DEFAULT = {"a_bar": 1.5, "sigma": 1.5, "size_multiplier": 1.0, "n_per_size": 15, "seed": 1}
LARGEST = {**DEFAULT, "size_multiplier": 8.0, "n_per_size": 50}
SETTINGS = [
    DEFAULT,
    {"a_bar": 1.5, "sigma": 0.0, "size_multiplier": 1.0, "n_per_size": 15, "seed": 1},  # sigma = 0
    {"a_bar": 3.0, "sigma": 0.0, "size_multiplier": 0.25, "n_per_size": 50, "seed": 0},  # 1-student classes
    {"a_bar": -3.0, "sigma": 4.0, "size_multiplier": 8.0, "n_per_size": 50, "seed": 100},
    {"a_bar": 0.0, "sigma": 0.1, "size_multiplier": 0.5, "n_per_size": 1, "seed": 7},
    {"a_bar": -1.25, "sigma": 2.7, "size_multiplier": 4.0, "n_per_size": 3, "seed": 55},
]
# Counts with classrooms where all or none passed, and a school whose classrooms are all alike.
EDGE_COUNTS = [
    ([5] * 8, [5] * 8),
    ([0] * 8, [5] * 8),
    ([0, 5, 0, 5, 10, 0], [5, 5, 5, 5, 10, 10]),
    ([0], [1]),
    ([35], [35]),
    ([20, 21, 20, 19, 20, 20, 21, 19], [25] * 8),  # almost no spread: posterior sigma near 0
]


def node_results(jobs, tmp_path, module=explorer.MODULE):
    """Run ``jobs`` (see run_explorer.mjs) on ``module`` in one Node process; one result per job."""
    if shutil.which("node") is None:
        pytest.fail("Node is needed to run the explorer's module (Node 20 or later on PATH)")
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(jobs))
    out = subprocess.run(["node", str(RUNNER), str(module), str(path)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@functools.cache
def counts():
    """The classrooms' counts of each school in SETTINGS, then EDGE_COUNTS."""
    schools = [explorer.simulate(**s) for s in SETTINGS]
    return [(s["passed"].tolist(), s["n_students"].tolist()) for s in schools] + EDGE_COUNTS


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    """Every job this file needs, run once: results by kind."""
    jobs = {"simulate": [{"fn": "simulate", "settings": s} for s in SETTINGS],
            "estimate": [{"fn": "estimate", "passed": p, "n": n, "fresh": True} for p, n in counts()],
            # through one shared cache, which each later school finds partly filled: the same numbers
            "again": [{"fn": "estimate", "passed": p, "n": n} for p, n in counts()[::-1]],
            "explore": [{"fn": "explore", "settings": s} for s in SETTINGS[:4]],
            "log": [{"fn": "log", "x": X_LOG}],
            "exp": [{"fn": "exp", "x": X_EXP}],
            "bad": [{"fn": "estimate", "passed": [6], "n": [5]}, {"fn": "estimate", "passed": [1.5], "n": [5]},
                    {"fn": "estimate", "passed": [], "n": []}]}
    flat = [job for group in jobs.values() for job in group]
    results = iter(node_results(flat, tmp_path_factory.mktemp("explorer")))
    return {kind: [next(results) for _ in group] for kind, group in jobs.items()}


X_LOG = [1e-300, 2.0**-32, 1e-9, 0.0123, 0.5, 0.7071067811865476, 0.99999, 1.0, 1.0000001, 1.4142135623730951,
         2.0, 3.7, 1e6, 1.7e308]
X_EXP = [-745.0, -700.0, -30.5, -3.0, -0.3465735902799726, -1e-12, 0.0, 1e-12, 0.1, 0.3465735902799727, 2.5,
         20.0, 700.0]


# ---- (a) the simulation ------------------------------------------------------------------------------


@pytest.mark.parametrize("i", range(len(SETTINGS)))
def test_simulation_equals_python_mirror_exactly(js, i):
    school, got = explorer.simulate(**SETTINGS[i]), js["simulate"][i]
    for column in ("classroom", "n_students", "passed", "true_log_odds", "true_p"):
        assert got[column] == school[column].tolist(), column  # floats bit for bit, not approximately


def test_class_sizes_round_halves_to_even_as_numpy():
    assert explorer.class_sizes(0.25) == [1, 2, 6, 9]
    assert explorer.class_sizes(0.5) == [2, 5, 12, 18]
    assert explorer.class_sizes(8) == [40, 80, 200, 280]


def test_portable_log_and_exp_equal_in_both_languages_and_accurate(js):
    assert js["log"][0] == [explorer._log(x) for x in X_LOG]
    assert js["exp"][0] == [explorer._exp(x) for x in X_EXP]
    for x, y in zip(X_LOG, js["log"][0]):
        assert y == pytest.approx(math.log(x), rel=1e-15, abs=1e-15)
    for x, y in zip(X_EXP, js["exp"][0]):
        assert y == pytest.approx(math.exp(x), rel=1e-15)


def test_generator_draws_standard_normals_and_binomials():
    uniform = explorer._mulberry32(2024)
    z = np.array([explorer._normal(uniform) for _ in range(40_000)])
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert abs(np.mean(np.abs(z) > 1.959964) - 0.05) < 0.006  # the tails too
    school = explorer.simulate(a_bar=1.5, sigma=0.0, size_multiplier=8.0, n_per_size=50, seed=3)
    share = school["passed"].sum() / school["n_students"].sum()
    assert share == pytest.approx(1 / (1 + math.exp(-1.5)), abs=0.01)


# ---- (b) the estimator -------------------------------------------------------------------------------


@pytest.mark.parametrize("i", range(len(SETTINGS) + len(EDGE_COUNTS)))
def test_estimate_equals_pair_cache(js, i):
    passed, n = counts()[i]
    python = shrinkage.PairCache().partial_pooling(passed, n)
    got = js["estimate"][i]
    np.testing.assert_allclose(got["p_partial"], python["p_partial"], rtol=0, atol=1e-9)
    assert got["p_none"] == (np.asarray(passed) / np.asarray(n)).tolist()
    for key in ("a_bar", "sigma", "global_mean"):
        assert got[key] == pytest.approx(python.attrs[key], abs=1e-9), key
    assert js["again"][len(counts()) - 1 - i] == got  # the cached integrals give the same answer


@pytest.mark.parametrize("i", [0, 1, len(SETTINGS) + 2, len(SETTINGS) + 5])
def test_estimate_agrees_with_partial_pooling_within_the_grid_errors(js, i):
    """The fixed grid (PairCache, the module's) and partial_pooling's own grid differ by no more than the
    two grids' errors, each measured against the same estimator on a finer grid."""
    passed, n = counts()[i]
    got = np.asarray(js["estimate"][i]["p_partial"])
    fixed_fine = shrinkage.PairCache(a_points=113, sigma_points=80).partial_pooling(passed, n)["p_partial"]
    own = shrinkage.partial_pooling(passed, n)["p_partial"].to_numpy()
    own_fine = shrinkage.partial_pooling(passed, n, grid_size=80)["p_partial"].to_numpy()
    fixed_error, own_error = np.abs(got - fixed_fine).max(), np.abs(own - own_fine).max()
    gap = np.abs(got - own).max()
    print(f"counts {i}: gap {gap:.1e}, grid errors: fixed {fixed_error:.1e}, partial_pooling's {own_error:.1e}")
    assert gap <= fixed_error + own_error + 1e-6


def test_estimate_rejects_impossible_counts(js):
    assert all("error" in r for r in js["bad"])
    assert "passed <= n" in js["bad"][0]["error"]


@pytest.mark.parametrize("i", range(4))
def test_summary_equals_python(js, i):
    got = js["explore"][i]
    frame = explorer.explore(**SETTINGS[i])
    python = explorer.summary(frame)
    assert got["summary"]["settings"] == python["settings"] == SETTINGS[i]
    sizes = explorer.class_sizes(SETTINGS[i]["size_multiplier"])
    assert [r["n_students"] for r in got["summary"]["by_size"]] == sizes
    for mine, theirs in zip(got["summary"]["by_size"], python["by_size"]):
        assert mine["n_students"] == theirs["n_students"] and mine["classrooms"] == theirs["classrooms"]
        for key in ("error_none", "error_partial"):
            assert mine[key] == pytest.approx(theirs[key], abs=1e-9)
    for key in ("error_none", "error_partial"):
        assert got["summary"]["overall"][key] == pytest.approx(python["overall"][key], abs=1e-9)
    for key in ("a_bar", "sigma", "global_mean"):
        assert got["summary"]["posterior"][key] == pytest.approx(python["posterior"][key], abs=1e-9)
    np.testing.assert_allclose(got["error_partial"], frame["error_partial"], rtol=0, atol=1e-9)


def test_no_pooling_errs_more_in_small_classes(js):
    by_size = js["explore"][0]["summary"]["by_size"]
    assert by_size[0]["error_none"] > by_size[-1]["error_none"]
    assert by_size[0]["error_none"] > by_size[0]["error_partial"]


def test_estimate_timings_are_reported(tmp_path):
    """Milliseconds of estimate() in Node (medians; not asserted: they depend on the machine)."""
    jobs = [{"fn": "time", "settings": s, "repeats": 5, "seeds": 10} for s in (DEFAULT, LARGEST)]
    results = node_results(jobs, tmp_path)
    for name, timing in zip(("default", "largest (x8, 50 rooms)"), results):
        assert len(timing["cold"]) == 5 and len(timing["warm"]) == 50 and min(timing["cached"]) > 0
        print(f"{name}: " + ", ".join(f"{kind} {statistics.median(ms):.1f} ms" for kind, ms in timing.items()))


# ---- (c) the site form, (d) the arguments, and the notebook form ------------------------------------


class _Elements(HTMLParser):
    """Each element's tag, attributes and text, in document order."""

    def __init__(self):
        super().__init__()
        self.elements, self._open = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})
        self._open.append(self.elements[-1])

    def handle_endtag(self, tag):
        self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data


def site_elements(explorer_object):
    parser = _Elements()
    parser.feed(explorer_object.html())
    parser.close()
    return parser.elements


def test_site_form_holds_state_and_source(tmp_path):
    div, state, source = site_elements(explorer.shrinkage_explorer(sigma=0.5, n_per_size=7, seed=3))
    assert div["tag"] == "div" and div["attrs"]["class"] == "course-control"
    assert re.fullmatch(r"control-[0-9a-f]{12}", div["attrs"]["id"])
    assert div["attrs"]["data-control"] == "explorer" and div["attrs"]["data-module"] == "1"
    assert div["attrs"]["role"] == "figure" and "partial pooling" in div["attrs"]["aria-label"]
    assert state["attrs"]["type"] == "application/json" and source["attrs"]["type"] == "text/plain"
    assert json.loads(state["text"]) == {**DEFAULT, "sigma": 0.5, "n_per_size": 7, "seed": 3, "summary": {}}
    module = explorer.MODULE.read_text(encoding="utf-8")
    assert "</" not in source["text"] and source["text"].replace("<\\/", "</") == module
    assert not re.search(r"<!--|<script", module, flags=re.IGNORECASE)  # would end the page's script early
    # what the page holds is what the browser imports: it must run as it is
    page_module = tmp_path / "page_module.js"
    page_module.write_text(source["text"], encoding="utf-8")
    got = node_results([{"fn": "simulate", "settings": DEFAULT}], tmp_path, module=page_module)[0]
    assert got["passed"] == explorer.simulate(**DEFAULT)["passed"].tolist()


def test_site_forms_have_their_own_ids():
    ids = {site_elements(explorer.shrinkage_explorer())[0]["attrs"]["id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("kwargs, name", [
    ({"a_bar": float("nan")}, "a_bar"), ({"a_bar": "1"}, "a_bar"), ({"a_bar": True}, "a_bar"),
    ({"a_bar": 5}, "a_bar"),
    ({"sigma": -1.0}, "sigma"), ({"sigma": 4.5}, "sigma"), ({"sigma": None}, "sigma"),
    ({"n_per_size": 0}, "n_per_size"), ({"n_per_size": 51}, "n_per_size"), ({"n_per_size": 2.5}, "n_per_size"),
    ({"seed": -1}, "seed"), ({"seed": 101}, "seed"), ({"seed": 1.0}, "seed"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        explorer.shrinkage_explorer(**kwargs)


@pytest.mark.parametrize("kwargs, name", [({"size_multiplier": 0}, "size_multiplier"),
                                          ({"sigma": -0.1}, "sigma"), ({"seed": 2**33}, "seed"),
                                          ({"n_per_size": 0}, "n_per_size")])
def test_simulate_checks_its_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        explorer.simulate(**{**DEFAULT, **kwargs})


def test_notebook_form_is_an_anywidget_with_synced_settings():
    pytest.importorskip("anywidget")
    shown = explorer.shrinkage_explorer(sigma=0.5, seed=3)
    widget = shown.widget
    assert widget._esm == explorer.MODULE.read_text(encoding="utf-8")
    for name in ("a_bar", "sigma", "size_multiplier", "n_per_size", "seed", "summary"):
        assert name in widget.keys, name  # synced with the view
    assert (widget.sigma, widget.seed, widget.summary) == (0.5, 3, {})
    bundle = shown._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)
    assert 'data-control="explorer"' in bundle["text/html"]
    with pytest.raises(ValueError, match="size_multiplier"):
        widget.size_multiplier = 3.0
    widget.size_multiplier = 0.25
    assert widget.size_multiplier == 0.25
