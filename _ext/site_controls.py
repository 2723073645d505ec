"""Sphinx extension: the site runs each control's site form, so it drops the notebook form's widget state.

A control (``course_lib.controls.Control``) is displayed in a notebook as an ipywidget (Altair's
``JupyterChart``, an anywidget) and on the site as a chart that Vega runs in the page. Executing a
chapter stores every widget's state in the notebook, and myst-nb puts that state in the page, where
the ipywidgets manager would try to load the anywidget front end from a CDN. This drops those
models from each page's widget state, and, on a page left with no widget at all, the state and the
widget manager's scripts (RequireJS and the manager: several hundred kB the page does not need).
"""

from __future__ import annotations

import json

from sphinx.builders.html._assets import _JavaScript

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Model modules of the controls' notebook form, which the site does not use.
NOTEBOOK_ONLY = {"anywidget"}


def _state(script):
    attributes = getattr(script, "attributes", None) or {}
    if attributes.get("type") != WIDGET_STATE:
        return None
    return json.loads(attributes.get("body", "{}"))


def _drop_notebook_only(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    # Sphinx stores a page's script under "_static/" + the name it was added with.
    widget_js = set(app.config.nb_ipywidgets_js) | {f"_static/{name}" for name in app.config.nb_ipywidgets_js}
    for i, script in enumerate(scripts):
        state = _state(script)
        if state is None:
            continue
        every = state.get("state", {})
        # Kept: the models of widgets the site shows, and the models they refer to (their layouts and
        # styles, "IPY_MODEL_<id>" in their state); dropped: the controls' notebook form and whatever only
        # it refers to.
        models = {key: model for key, model in every.items()
                  if model.get("model_module") not in NOTEBOOK_ONLY | {"@jupyter-widgets/base"}}
        referred = json.dumps(models)
        models.update({key: model for key, model in every.items()
                       if model.get("model_module") == "@jupyter-widgets/base" and f"IPY_MODEL_{key}" in referred})
        if models:
            body = json.dumps({**state, "state": models}).replace("</", "<\\/")
            attributes = {**script.attributes, "body": body}
            scripts[i] = _JavaScript(script.filename, priority=script.priority, **attributes)
        else:
            scripts[:] = [s for s in scripts if _state(s) is None
                          and str(getattr(s, "filename", s) or "") not in widget_js]
        return


def setup(app):
    app.connect("html-page-context", _drop_notebook_only, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
