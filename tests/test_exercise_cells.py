"""On the site no answer and no verdict is shown unfolded: every reference solution is folded
(``hide-input``), every check's output is folded (``hide-output``), and every question says how many
decimals to give."""

import json
import re
from pathlib import Path

import pytest

from course_lib import exercises

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))


def _cells(path):
    for cell in json.loads(path.read_text())["cells"]:
        yield cell, "".join(cell["source"]), cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_answers_and_verdicts_are_folded(path):
    checks = solutions = 0
    for cell, source, tags in _cells(path):
        if cell["cell_type"] == "code" and source.startswith("exercises.check("):
            checks += 1
            assert "hide-output" in tags, f"{path.name}: a check's verdict is not folded: {source!r}"
        if "answer" in tags:
            solutions += 1
            assert "hide-input" in tags, f"{path.name}: a reference solution is not folded: {source[:60]!r}"
        if "solution" in tags:
            assert "{dropdown}" in source, f"{path.name}: a model answer is not in a dropdown"
    assert checks >= 4 and solutions >= 4


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_question_says_how_many_decimals(path):
    for cell, source, _ in _cells(path):
        m = re.match(r"### Exercise (\d\.\d) ", source)
        if cell["cell_type"] == "markdown" and m and m.group(1) in exercises.EXERCISES:
            exercise = exercises.EXERCISES[m.group(1)]
            wanted = "Give a whole number" if exercise.kind == "integer" else f"Give {exercise.digits} decimal"
            assert wanted in source, f"exercise {m.group(1)} does not say how many decimals"
