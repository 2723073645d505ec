"""Sphinx extension: what a reader downloads and reads on each page, and nothing more.

- **Solution markers.** A chapter's reference solutions carry the grading markers ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` (``course_lib.student`` and otter-grader cut the solution out between them).
  They are for those tools, not for a reader: the site shows the code between them without the markers.
- **The theme's icon script.** pydata-sphinx-theme loads Font Awesome's JavaScript (1.5 MB, which
  replaces each icon by an SVG) on every page, although its stylesheet already draws the same icons
  from Font Awesome's web fonts (which it ships, and which a browser fetches only for icons on the page).
  This book adds no icons of its own, so the script is dropped from every page and from the site.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
ICON_SCRIPT = re.compile(
    r'[ \t]*(<!-- So that users can add custom icons -->\s*)?'
    r'<script defer src="[^"]*_static/scripts/fontawesome\.js(\?[^"]*)?"></script>\n?')


def strip_markers(text: str) -> str:
    """The code with its solution-marker lines removed."""
    return MARKER.sub("", text)


def _strip_solution_markers(app, doctree, docname):
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if "SOLUTION" in text and MARKER.search(text):
            new = strip_markers(text)
            block.rawsource = new
            block.children = [nodes.Text(new)]


def drop_icon_script(html: str) -> str:
    """The page without the theme's Font Awesome script tag."""
    return ICON_SCRIPT.sub("", html)


def _drop_icon_script(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        lighter = drop_icon_script(html)
        if lighter != html:
            page.write_text(lighter, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (out / "_static" / "scripts" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("doctree-resolved", _strip_solution_markers)
    app.connect("build-finished", _drop_icon_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
