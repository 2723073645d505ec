"""Sphinx extension: drop repeated <script> entries from each page.

Jupyter Book 1 with launch buttons adds sphinx-thebe's and sphinx-togglebutton's inline
configuration scripts twice (once with ``filename=None``, once, restored from the pickled
environment, with ``filename=""``); the second ``const THEBE_JS_URL = ...`` is a JavaScript error
on every page. Identical scripts (same file, same attributes and inline body) are kept once.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        name = script.filename if hasattr(script, "filename") else str(script)
        key = (name or "",
               tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
