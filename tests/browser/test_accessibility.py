"""Every page of the built site passes axe-core's WCAG 2 A and AA rules, in headless Chromium.

axe-core is the npm registry's copy that ``make`` installs into ``.cache/npm`` (nothing is fetched from
elsewhere), injected into each page once it has settled: the network idle, the widgets rendered and
the web fonts in (the equations are typeset when the site is built). Each page is checked in both of the theme's colour modes (its button switches
between them, and "auto" follows the reader's system). Any violation fails the page's test, with each
rule's id, impact and help, and the first elements it found (their CSS selectors and HTML).

axe accepts any alt text, and Sphinx gives an image without one its file's path: to axe, a chapter's
figures are all described. So one rule of our own is added to axe's (WCAG 1.1.1, failure F30): an
image's alt text must not be its file name. A notebook's figure gets its alt text from its cell's
metadata, ``"mystnb": {"image": {"alt": "..."}}`` (myst-nb's ``render_image_options``).

The site is served and the browser found as in ``test_site.py``; run after the book is built
(``make test-browser``), or against the site's own build::

    .venv/bin/python -m pytest -p no:cacheprovider -o addopts="" tests/browser/test_accessibility.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("COURSE_BUILD_DIR", "_build")
SITE = BUILD / "html"
CHAPTERS = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "chapters").glob("*.html"))
PAGES = ["index.html", "intro.html", "using.html", "glossary.html", *CHAPTERS]
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (f"axe-core is not installed ({AXE} is missing): `make book` or `make test` installs it from "
               "the npm registry into .cache/npm")
# WCAG 2.0 and 2.1, levels A and AA: the rules axe tags with these (best practices are not included).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = ["light", "dark"]  # the theme's colour modes
SHOWN_ELEMENTS = 3  # per rule, in the failure message
# WCAG failure F30: an alt text that is the image's file name (or any file name) describes nothing.
ALT_NOT_FILE_NAME = """() => axe.configure({
    checks: [{
        id: "course-alt-is-not-a-file-name",
        evaluate: node => {
            const alt = (node.getAttribute("alt") || "").trim(), src = node.getAttribute("src") || "";
            const file = src.split(/[?#]/)[0].split("/").pop();
            return !(alt === src || (file && alt.endsWith(file)) || /\\.(png|jpe?g|gif|svg|webp)$/i.test(alt));
        },
        metadata: {impact: "critical", messages: {pass: "The alt text is not a file name",
                                                  fail: "The alt text is the image's file name"}},
    }],
    rules: [{
        id: "image-alt-not-file-name", selector: "img[alt]", tags: ["wcag2a", "wcag111"],
        all: ["course-alt-is-not-a-file-name"], any: [], none: [],
        metadata: {description: "Ensures an image's alt text is not its file name",
                   help: "Images must be described by their alt text, not named by their file",
                   helpUrl: "https://www.w3.org/WAI/WCAG21/Techniques/failures/F30"},
    }],
})"""
RUN_AXE = """async tags => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html}))}));
}"""
# fonts.ready resolves once the web fonts (the theme's, KaTeX's) are in.
SETTLE = """async () => {
    await document.fonts.ready;
}"""
# The controls (_assets/controls.js) mark each `.course-control` data-ready once its chart is drawn.
CONTROLS_READY = "() => [...document.querySelectorAll('.course-control')].every(e => e.dataset.ready === 'true')"
WIDGET_VIEWS = 'script[type="application/vnd.jupyter.widget-view+json"]'
RENDERED_WIDGETS = ".jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox, " \
                   ".jupyter-widgets.widget-output, .jupyter-widgets.widget-image, .jupyter-widgets.widget-box"


def settle(page):
    """Wait until the page's widgets and controls are drawn and the web fonts are in."""
    expected = page.locator(WIDGET_VIEWS).count()
    if expected:
        page.wait_for_function(f"n => document.querySelectorAll({RENDERED_WIDGETS!r}).length >= n",
                               arg=expected, timeout=30000)
    page.wait_for_function(CONTROLS_READY, timeout=30000)
    page.evaluate(SETTLE)


def axe_violations(page) -> list[dict]:
    """Inject the local axe-core into ``page`` and return its WCAG 2 A/AA violations."""
    page.add_script_tag(path=str(AXE))
    page.evaluate(ALT_NOT_FILE_NAME)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict], shown: int = SHOWN_ELEMENTS) -> str:
    """One paragraph per violated rule: id, impact, help, and its first ``shown`` elements."""
    lines = []
    for v in violations:
        nodes = v["nodes"]
        lines.append(f"{v['id']} ({v['impact']}, {len(nodes)} element{'s' * (len(nodes) != 1)}): "
                     f"{v['help']} [{v['helpUrl']}]")
        for node in nodes[:shown]:
            html = " ".join(node["html"].split())
            lines.append(f"    {node['target']}\n        {html[:200]}{'...' * (len(html) > 200)}")
        if len(nodes) > shown:
            lines.append(f"    ... and {len(nodes) - shown} more")
    return "\n".join(lines)


def test_axe_core_is_installed():
    assert AXE.exists(), AXE_MISSING


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_violations(server, browser, path, mode):
    if not AXE.exists():
        pytest.fail(AXE_MISSING)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # The theme reads the reader's choice of colour mode from localStorage before it draws the page.
    page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    try:
        page.goto(f"{server}/{path}", wait_until="networkidle")
        settle(page)
        violations = axe_violations(page)
    finally:
        page.close()
    count = sum(len(v["nodes"]) for v in violations)
    assert not violations, (f"{path} ({mode} mode): {count} element(s) violate {len(violations)} WCAG 2 A/AA "
                            f"rule(s) (axe-core):\n{describe(violations)}")
