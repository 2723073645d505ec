"""Every reference solution of a modelling exercise is accepted with five other sampler seeds.

Slow (about 10 minutes: 50 fits), so not part of ``make test``: run it with ``make test-seeds``.
The solutions are the chapters' own answer cells, run with ``COURSE_SEED_OFFSET`` (added to every
sampler seed by ``course_lib.models``) set to 1 to 5.
"""

import os
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import data, exercises

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
MODELLING = [k for k, e in exercises.EXERCISES.items() if e.level == "modelling"]


def _solutions():
    """{key: (source of the answer cell, name of the fit its check reads)} from the chapters."""
    found = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for cell in cells:
            match = re.match(r'exercises\.check\("(\d\.\d)", answer_\w+, idata=(\w+)\)', cell.source)
            if match and match.group(1) in MODELLING:
                key = match.group(1)
                answer = next(c for c in cells if "answer" in c.metadata.get("tags", [])
                              and f"answer_{key.replace('.', '_')} =" in c.source)
                found[key] = (answer.source, match.group(2))
    return found


@pytest.mark.parametrize("offset", [1, 2, 3, 4, 5])
def test_reference_solutions_pass_with_other_seeds(offset, monkeypatch):
    from IPython.display import display

    from course_lib import models, simulate

    monkeypatch.setenv("COURSE_SEED_OFFSET", str(offset))
    namespace = {"np": np, "data": data, "models": models, "simulate": simulate, "display": lambda *a: None,
                 "df": data.load("anoles"), "radon": data.load("radon"), "exam": data.load("exam")}
    assert display
    failures = []
    for key, (source, fit) in sorted(_solutions().items()):
        exec(source, namespace)
        result = exercises.check(key, namespace[f"answer_{key.replace('.', '_')}"], idata=namespace[fit])
        if not result:
            failures.append(f"{key}: {result.message}")
    assert not failures, f"seed offset {offset}: " + "; ".join(failures)
