"""Find a Chromium or Chrome for the browser tests (``tests/browser``).

In order: the path in the environment variable ``COURSE_BROWSER``; then the first of the usual
names found on ``PATH``. When none is found, :func:`find_browser` raises with how to install one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

VARIABLE = "COURSE_BROWSER"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
HOW_TO_INSTALL = (
    "no Chromium or Chrome found for the browser tests: looked for {names} on PATH. Install one "
    "(Debian/Ubuntu: `sudo apt-get install chromium`; .ci/run does this), or set {variable} to the "
    "browser's executable, e.g. `{variable}=/opt/google/chrome/chrome make test`.")


class BrowserNotFound(RuntimeError):
    """No browser to run the site's tests in."""


def find_browser(environ=None, path=None) -> str:
    """The browser's executable: ``$COURSE_BROWSER`` if set, else the first usual name on ``PATH``."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(VARIABLE, "").strip()
    if explicit:
        found = shutil.which(explicit, path=path)
        if not found or not Path(found).is_file():
            raise BrowserNotFound(f"{VARIABLE}={explicit!r} is not an executable file")
        return found
    for name in NAMES:
        found = shutil.which(name, path=environ.get("PATH") if path is None else path)
        if found:
            return found
    raise BrowserNotFound(HOW_TO_INSTALL.format(names=", ".join(NAMES), variable=VARIABLE))
