"""The built site as readers meet it, in headless Chromium or Chrome, driven by Playwright.

The browser is found by ``tests/find_browser.py``: ``$COURSE_BROWSER``, else ``chromium``,
``chromium-browser``, ``google-chrome``... on ``PATH``; with none, the tests fail saying how to install one.

Run after the book is built (``make test`` does: ``test-book`` then ``test-browser``). Every page:
no JavaScript errors, no failed requests, no request leaving the site; every widget renders; on each
static-site control, moving the slider changes the figure. A screenshot of each chapter goes to
``_build/screenshots/``. Links and cross-references between the pages all resolve.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from find_browser import BrowserNotFound, find_browser  # noqa: E402

# The build under test: $COURSE_BUILD_DIR (make test sets it to its own build), else the site's.
BUILD = ROOT / os.environ.get("COURSE_BUILD_DIR", "_build")
SITE = BUILD / "html"
SHOTS = BUILD / "screenshots"
CHAPTERS = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "chapters").glob("*.html"))
PAGES = ["index.html", "intro.html", "using.html", "glossary.html", *CHAPTERS]



def test_the_site_is_built():
    assert (SITE / "index.html").exists(), f"no site in {SITE}: build it first (make book, or make test-book)"


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    try:
        executable = find_browser()
    except BrowserNotFound as error:
        pytest.fail(str(error))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


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
        # MathJax (served by the site) typeset the equations: no raw TeX delimiters are left.
        page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise", timeout=10000)
        assert page.locator("mjx-container").count() > 0, "MathJax rendered no equations"
    assert rendered >= expected, f"{expected} widget views in the page, {rendered} rendered"
    assert not problems, "\n".join(problems)
    page.close()


def _static_controls(path):
    html = (SITE / path).read_text()
    return html.count("course-static-control")


@pytest.mark.parametrize("path", [p for p in CHAPTERS if _static_controls(p)])
def test_static_controls_respond_without_a_kernel(server, browser, path):
    page, problems = _visit(browser, f"{server}/{path}")
    _widgets_rendered(page)
    controls = page.locator(".course-static-control")
    assert controls.count() >= 1
    for i in range(controls.count()):
        control = controls.nth(i)
        control.scroll_into_view_if_needed()
        figure = control.locator(".widget-image:visible")
        before = figure.first.get_attribute("src")
        handle = control.locator(".noUi-handle, .ui-slider-handle").first
        handle.focus()
        for key in ("Home", "ArrowRight", "ArrowRight", "ArrowRight"):
            handle.press(key)
        page.wait_for_timeout(300)
        after = control.locator(".widget-image:visible").first.get_attribute("src")
        assert before and after and before != after, "moving the slider did not change the figure"
        handle.press("End")
        page.wait_for_timeout(200)
        assert control.locator(".widget-image:visible").count() == 1, "one frame visible at the slider's end"
        handle.press("Home")
        page.wait_for_timeout(200)
        assert control.locator(".widget-image:visible").count() == 1, "one frame visible at the slider's start"
    assert not problems, "\n".join(problems)
    page.close()


def test_each_main_control_has_a_static_form():
    found = {p: _static_controls(p) for p in CHAPTERS}
    wanted = ["01_three_ways_to_pool", "02_pooling_and_shrinkage", "03_radon", "04_varying_slopes"]
    for stem in wanted:
        assert found.get(f"chapters/{stem}.html"), f"no static-site control on {stem}"


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
