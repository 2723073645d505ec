"""Write student versions of the chapter notebooks: solutions out, answer placeholders in.

In a chapter notebook, an *answer cell* is a code cell tagged ``answer`` whose solution sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; the block must assign one ``answer_...`` variable,
and may assign fits (``idata_...``) that the check reads too.
A *solution cell* is any cell tagged ``solution`` (e.g. the model answers to conceptual questions), and a
*reference check* (tagged ``reference-check``, hidden on the site) asserts that the reference solution passes.
The student version keeps every other cell, replaces each solution block by
``answer_... = ...  # your answer`` (and ``idata_... = ...`` for each fit it assigned), drops solution cells and reference checks and clears all outputs, so running it top to
bottom works and every check says "not answered yet".

Usage: ``python -m course_lib.student [chapters_dir] [out_dir]`` (defaults ``chapters``,
``_build/student``); ``make student`` calls it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import _checks

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_ANSWER = re.compile(r"^\s*(answer_\w+)\s*=", re.MULTILINE)
# A fit the check reads too (``idata_1_8``), assigned alone or unpacked: ``model_1_8, idata_1_8 = ...``
_FIT = re.compile(r"^([A-Za-z_][\w, ]*)=(?!=)", re.MULTILINE)


def strip_solution(source: str) -> str:
    """Replace each solution block in ``source`` by a placeholder for the variable it assigns.

    Raises
    ------
    ValueError
        If the markers are unbalanced or a block assigns no ``answer_...`` variable.

    Examples
    --------
    >>> print(strip_solution("x = 1\\n### BEGIN SOLUTION\\nanswer_1_1 = x + 1\\n### END SOLUTION"))
    x = 1
    answer_1_1 = ...  # your answer
    """
    if not isinstance(source, str):
        raise ValueError(f"source must be a string, got {type(source).__name__}")
    out, rest = [], source
    while BEGIN in rest:
        before, _, after = rest.partition(BEGIN)
        if END not in after:
            raise ValueError("source has a BEGIN SOLUTION marker without a matching END SOLUTION")
        block, _, rest = after.partition(END)
        names = _ANSWER.findall(block)
        if not names:
            raise ValueError("a solution block must assign an answer_... variable, e.g. answer_3_1 = ...")
        fits = dict.fromkeys(name.strip() for target in _FIT.findall(block) for name in target.split(",")
                             if name.strip().startswith(("idata_", "table_")))
        lines = [f"{fit} = ...  # your {'fit: its InferenceData' if fit.startswith('idata_') else 'study: its table'}"
                 for fit in fits]
        out.append(before + "\n".join([*lines, f"{names[-1]} = ...  # your answer"]))
    if END in rest:
        raise ValueError("source has an END SOLUTION marker without a BEGIN SOLUTION")
    out.append(rest)
    return "".join(out).rstrip("\n")


def student_notebook(nb):
    """The student version of a notebook (an ``nbformat.NotebookNode``), as a new notebook."""
    import copy

    if not hasattr(nb, "cells") or not hasattr(nb, "metadata"):
        raise ValueError(f"nb must be a notebook read with nbformat.read, got {type(nb).__name__}")
    student = copy.deepcopy(nb)
    cells = []
    for cell in student.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "solution" in tags or "reference-check" in tags:
            continue
        if cell.cell_type == "code":
            if "answer" in tags:
                cell.source = strip_solution(cell.source)
                cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "hide-input"]
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    student.cells = cells
    student.metadata.pop("widgets", None)
    return student


def write_student_versions(chapters: str | Path = "chapters", out: str | Path = "_build/student") -> list[Path]:
    """Write the student version of every ``*.ipynb`` in ``chapters`` to ``out``; return the paths."""
    import nbformat

    chapters, out = _checks.path("chapters", chapters), _checks.path("out", out)
    notebooks = sorted(chapters.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"chapters must be a folder of notebooks; {chapters} has none")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        target = out / path.name
        nbformat.write(student_notebook(nb), target)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover
    args = sys.argv[1:]
    paths = write_student_versions(*args[:2])
    print(f"wrote {len(paths)} student notebooks to {paths[0].parent}")
