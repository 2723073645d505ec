"""The built site as readers meet it, in headless Chromium or Chrome, driven by Playwright.

The browser is found by ``tests/find_browser.py``: ``$COURSE_BROWSER``, else ``chromium``,
``chromium-browser``, ``google-chrome``... on ``PATH``; with none, the tests fail saying how to install one.

Run after the book is built (``make test`` does: ``test-book`` then ``test-browser``). Every page:
no JavaScript errors, no failed requests, no request leaving the site; every widget renders; every
slider of every control (course_lib.controls, run by Vega in the page; chapter 2's explorer, an
anywidget module) changes its figure as the model says. A screenshot of each chapter goes to
``_build/screenshots/``. Links and cross-references between the pages all resolve.
"""

from __future__ import annotations

import functools
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The build under test: $COURSE_BUILD_DIR (make test sets it to its own build), else the site's.
BUILD = ROOT / os.environ.get("COURSE_BUILD_DIR", "_build")
SITE = BUILD / "html"
SHOTS = BUILD / "screenshots"
CHAPTERS = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "chapters").glob("*.html"))
PAGES = ["index.html", "intro.html", "using.html", "glossary.html", *CHAPTERS]


def test_the_site_is_built():
    assert (SITE / "index.html").exists(), f"no site in {SITE}: build it first (make book, or make test-book)"


def _visit(browser, url):
    """Open ``url``; return the page and what went wrong while loading it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda m: problems.append(f"console error: {m.text} ({m.location.get('url')})")
            if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"external request: {r.url}")
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    page.goto(url, wait_until="networkidle")
    return page, problems


def _widgets_rendered(page):
    """Wait for the widget manager; return (views in the page's state, views rendered)."""
    expected = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if expected:
        page.wait_for_function(
            "n => document.querySelectorAll('.jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox,"
            " .jupyter-widgets.widget-output, .jupyter-widgets.widget-image, .jupyter-widgets.widget-box').length >= n",
            arg=expected, timeout=30000)
    rendered = page.locator(".cell_output .jupyter-widgets.widget-box, .cell_output .jupyter-widgets.widget-container,"
                            " .cell_output .jupyter-widgets.widget-output").count()
    return expected, rendered


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_every_widget_renders(server, browser, path):
    page, problems = _visit(browser, f"{server}/{path}")
    expected, rendered = _widgets_rendered(page)
    page.wait_for_timeout(500)
    if path in CHAPTERS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (Path(path).stem + ".png")), full_page=True)
        assert page.locator("img").count() >= 3, "a chapter shows at least three figures"
        # The equations were typeset when the site was built (KaTeX): no TeX failed to typeset, none is
        # left raw, and no script typesets in the page.
        assert page.locator(".katex").count() > 0, "no typeset equations"
        assert page.locator(".katex-error").count() == 0, "KaTeX could not typeset an equation"
        assert "$$" not in page.inner_text(".bd-article"), "raw TeX left in the page"
        assert page.evaluate("() => !window.MathJax && !window.katex"), "a typesetting script was loaded"
    assert rendered >= expected, f"{expected} widget views in the page, {rendered} rendered"
    assert not problems, "\n".join(problems)
    page.close()


def test_each_chapter_has_its_control():
    live = {p: _live_controls(p) for p in CHAPTERS}
    for stem in ["01_three_ways_to_pool", "02_pooling_and_shrinkage", "03_radon", "04_varying_slopes",
                 "06_can_we_trust_the_fit"]:
        assert live.get(f"chapters/{stem}.html"), f"no control on {stem}"


def test_pages_show_no_grading_markers_and_load_no_icon_script():
    # _ext/reader_pages.py: the solutions are shown without otter's markers; the theme's icons come from its
    # stylesheet's web fonts, not from a 1.5 MB script.
    for path in PAGES:
        html = (SITE / path).read_text()
        assert "BEGIN SOLUTION" not in html and "END SOLUTION" not in html, path
        assert "fontawesome.js" not in html, path
        if "application/vnd.jupyter.widget-state+json" not in html:  # _ext/site_controls.py
            assert "embed-amd.js" not in html and "require.js" not in html, f"{path}: widget manager with no widget"
    assert not (SITE / "_static" / "scripts" / "fontawesome.js").exists()
    assert "answer_4_1" in (SITE / "chapters" / "04_varying_slopes.html").read_text()  # the solutions are still there


def _live_controls(path):
    return (SITE / path).read_text().count('class="course-control"')


# Move one input of a control (by index among the control's inputs) and return every dataset of its
# Vega view, with the SVG it drew. A range input is set and sent an "input" event, as a dragged slider
# is; a radio button is clicked.
_MOVE = """async ([id, index, value]) => {
  const control = window.courseControls.find(c => c.id === id);
  const input = document.getElementById(id).querySelectorAll("input")[index];
  if (input.type === "radio") { input.click(); }
  else { input.value = value; input.dispatchEvent(new Event("input", {bubbles: true})); }
  const data = {};
  if (control.view) {  // a Vega-Lite chart: its datasets
    await control.view.runAsync();
    for (const name of Object.keys(control.view._runtime.data)) {
      try {  // each row's own fields with plain values (facet rows also hold references to their groups)
        data[name] = control.view.data(name).map(row => Object.fromEntries(
          Object.entries(row).filter(([key, value]) => value === null || typeof value !== "object")));
      } catch (error) {}
    }
  } else {  // an anywidget module (the explorer): what it keeps in its model
    data.summary = [control.model.get("summary")];
  }
  return {data, svg: document.getElementById(id).querySelector("svg").outerHTML};
}"""


def _rows(state, *fields):
    """The rows of the first dataset of a view state that has all ``fields`` (the chart's computed table)."""
    for rows in state["data"].values():
        if rows and set(fields) <= set(rows[0]):
            return rows
    raise AssertionError(f"no dataset with the fields {fields}")


def _spread(values):
    return max(values) - min(values)


def _check_shrinkage_dial(label, low, high):
    # Left end: every estimate at the population mean; right end: every group at its own mean.
    rows_low, rows_high = _rows(low, "estimate"), _rows(high, "estimate")
    scale = _spread([r["own"] for r in rows_low])
    assert max(abs(r["estimate"] - r["mu"]) for r in rows_low) < 0.02 * scale
    assert max(abs(r["estimate"] - r["own"]) for r in rows_high) < 0.02 * scale


def _check_pooling_dial(label, low, high):
    # Left end: every group's line is the population line; right end: each is the no-pooling line.
    lines_low = [r for r in _rows(low, "y_partial") if r["kind"] == "line"]
    lines_high = [r for r in _rows(high, "y_partial") if r["kind"] == "line"]
    scale = _spread([r["y_none"] for r in lines_low])
    assert _spread([r["intercept"] for r in lines_low]) < 0.02 * scale
    assert max(abs(r["y_partial"] - r["y_none"]) for r in lines_high) < 0.02 * scale


def _check_covariance_sandbox(label, low, high):
    # Each slider at its two ends: a standard deviation of 0 flattens the cloud onto an axis; rho = -1
    # and +1 put every draw on a falling and a rising line; a small LKJ shape favours extreme
    # correlations, a large one correlations near 0.
    def points(state):
        return _rows(state, "z1", "z2", "a", "b")

    def correlation(rows):
        import numpy as np

        return np.corrcoef([r["a"] for r in rows], [r["b"] for r in rows])[0, 1]

    if label.startswith("σa"):
        assert all(r["a"] == 0 for r in points(low))
        assert all(abs(r["a"] - 2 * r["z1"]) < 1e-9 for r in points(high))
    elif label.startswith("σb"):
        assert all(r["b"] == 0 for r in points(low))
    elif label.startswith("ρ"):
        assert correlation(points(low)) < -0.999 and correlation(points(high)) > 0.999
    elif "η" in label:
        def shape(state):
            rows = sorted(_rows(state, "density"), key=lambda r: r["correlation"])
            middle = min(rows, key=lambda r: abs(r["correlation"]))
            return middle["density"], rows[0]["density"]

        centre, edge = shape(low)
        assert edge > centre, "a small LKJ shape should favour correlations near ±1"
        centre, edge = shape(high)
        assert centre > edge, "a large LKJ shape should favour correlations near 0"
    else:
        raise AssertionError(f"covariance sandbox: an unexpected slider {label!r}")


def _check_explorer(label, low, high):
    # In every school simulated with 10 or more classrooms of each size, no pooling's mean error is
    # larger in the smallest classes than in the largest (its error shrinks like 1/sqrt(class size)).
    for state in (low, high):
        summary = state["data"]["summary"][0]
        if summary["settings"]["n_per_size"] >= 10:
            sizes = sorted(summary["by_size"], key=lambda s: s["n_students"])
            assert sizes[0]["error_none"] > sizes[-1]["error_none"], f"{label}: {summary}"


CHECKS = {"shrinkage-dial": _check_shrinkage_dial, "pooling-dial": _check_pooling_dial,
          "covariance-sandbox": _check_covariance_sandbox, "explorer": _check_explorer}


@pytest.mark.parametrize("path", [p for p in CHAPTERS if _live_controls(p)])
def test_every_slider_of_every_control_moves_its_figure(server, browser, path):
    """Each input of each control, moved to its two ends on the built site, changes the figure; where
    the model says what the ends must show (a dial's complete and no pooling), the chart shows it."""
    page, problems = _visit(browser, f"{server}/{path}")
    page.wait_for_function("() => [...document.querySelectorAll('.course-control')].every(e => e.dataset.ready)",
                           timeout=30000)
    controls = page.locator(".course-control")
    for i in range(controls.count()):
        control = controls.nth(i)
        control_id, name = control.get_attribute("id"), control.get_attribute("data-control")
        inputs = control.locator("input")
        assert inputs.count() >= 1, f"{name}: no input"
        for j in range(inputs.count()):
            field = inputs.nth(j)
            label = field.evaluate("e => e.labels && e.labels.length ? e.labels[0].innerText : ''")
            assert label.strip(), f"{name}: input {j} has no label"
            if field.get_attribute("type") == "radio":
                continue  # radio groups are checked below, option by option
            start = field.input_value()
            low = page.evaluate(_MOVE, [control_id, j, field.get_attribute("min")])
            high = page.evaluate(_MOVE, [control_id, j, field.get_attribute("max")])
            assert low["svg"] != high["svg"], f"{name}: moving {label!r} did not change the figure"
            if name in CHECKS:
                CHECKS[name](label, low, high)
            page.evaluate(_MOVE, [control_id, j, start])
        radios = control.locator("input[type=radio]")
        drawn = set()
        for j in range(inputs.count()):
            if inputs.nth(j).get_attribute("type") == "radio":
                state = page.evaluate(_MOVE, [control_id, j, None])
                drawn.add(state["svg"])
                if name == "design":  # the chart shows that design's data sets, and only them
                    chosen = float(inputs.nth(j).get_attribute("value"))
                    rows = max((r for r in state["data"].values() if r and {"rmse", "sim"} <= set(r[0])), key=len)
                    assert {row["n_groups"] for row in rows} == {chosen}
        assert radios.count() == 0 or len(drawn) == radios.count(), f"{name}: not every option changes the figure"
    assert not problems, "\n".join(problems)
    page.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def test_no_broken_internal_links_or_cross_references():
    broken = []
    for page in SITE.rglob("*.html"):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        for link in _parse(page).links:
            parsed = urlparse(link)
            if parsed.scheme or link.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not parsed.path else (page.parent / unquote(parsed.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)}: {link}")
            elif parsed.fragment and target.suffix == ".html" and parsed.fragment not in _parse(target).ids:
                broken.append(f"{page.relative_to(SITE)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_launch_buttons_open_notebooks_that_exist():
    for path in CHAPTERS:
        html = (SITE / path).read_text()
        links = re.findall(r'href="(https://mybinder\.org/[^"]+)"', html)
        assert links, f"{path} has no Binder launch button"
        for link in links:
            target = re.search(r"urlpath=(?:lab/tree/|tree/)([^&\"]+)", unquote(link.replace("&amp;", "&")))
            assert target, link
            assert (ROOT / target.group(1)).exists(), f"{path}: Binder would open {target.group(1)}, which does not exist"
