"""What the browser tests share: the built site under test, a local server for it, and the browser.

The build under test is ``$COURSE_BUILD_DIR`` (``make test`` sets it to its own build), else the site's
``_build``. The browser is found by ``tests/find_browser.py``.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from find_browser import BrowserNotFound, find_browser  # noqa: E402

BUILD = ROOT / os.environ.get("COURSE_BUILD_DIR", "_build")
SITE = BUILD / "html"
CHAPTERS = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "chapters").glob("*.html"))
PAGES = ["index.html", "intro.html", "using.html", "glossary.html", *CHAPTERS]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """The built site, served on a free local port."""
    assert (SITE / "index.html").exists(), f"no site in {SITE}: build it first (make book, or make test-book)"
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium or Chrome, with no network of its own beyond the local server."""
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
