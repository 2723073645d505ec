"""Student notebooks: generated from the chapters, with no solution text, and runnable unanswered."""

import os
import re
from pathlib import Path

import nbformat
import pytest

from course_lib import exercises, student

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student.write_student_versions(ROOT / "chapters", out)
    return out


def test_one_student_notebook_per_chapter(student_dir):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_text_in_student_notebooks(student_dir, chapter):
    original = nbformat.read(chapter, as_version=4)
    nb = nbformat.read(student_dir / chapter.name, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert student.BEGIN not in text and student.END not in text
    assert "Model answer" not in text and "{dropdown} Solution" not in text
    questions = "\n".join(c.source for c in original.cells if c.cell_type == "markdown")
    for cell in original.cells:  # every line of every reference solution is gone (unless the question gives it)
        if "answer" in cell.metadata.get("tags", []):
            block = cell.source.split(student.BEGIN)[1].split(student.END)[0]
            for line in block.strip().splitlines():
                if line.strip() and not line.strip().startswith("#") and line not in questions:
                    assert line not in text, line
    assert not [c for c in nb.cells if "reference-check" in c.metadata.get("tags", [])]
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_exercises_with_checks(chapter):
    nb = nbformat.read(chapter, as_version=4)
    answers = [c for c in nb.cells if "answer" in c.metadata.get("tags", [])]
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("exercises.check(")]
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    asserted = [c for c in nb.cells if "reference-check" in c.metadata.get("tags", [])]
    assert all(c.source.startswith("assert exercises.check(") and "remove-cell" in c.metadata["tags"]
               for c in asserted)
    assert len(answers) >= 4 and len(checks) == len(answers)
    assert len(answers) + len(solutions) >= 6
    assert all("hide-input" in c.metadata["tags"] for c in answers)
    keys = re.findall(r'exercises\.check\("([\d.]+)"', "\n".join(c.source for c in checks))
    assert set(keys) <= set(exercises.EXERCISES)
    for cell in checks:  # the reference solution passes its check, in the stored output
        text = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)
        assert text.startswith("correct"), (chapter.name, cell.source, text)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_unanswered_exercises_run_and_say_so(student_dir, chapter):
    """Run the exercise cells of the student notebook (the answer placeholders and the checks)."""
    nb = nbformat.read(student_dir / chapter.name, as_version=4)
    namespace = {}
    exec("from course_lib import exercises", namespace)
    messages = []
    for cell in nb.cells:
        if "answer" in cell.metadata.get("tags", []):
            exec(cell.source, namespace)
        elif cell.cell_type == "code" and cell.source.startswith("exercises.check("):
            call = re.sub(r", idata=\w+", ", idata=None", cell.source)
            messages.append(eval(call, namespace).message)
    assert messages and all(m == exercises.NOT_ANSWERED for m in messages)


def test_strip_solution_errors():
    with pytest.raises(ValueError, match="without a matching END"):
        student.strip_solution(student.BEGIN + "\nanswer_1 = 2")
    with pytest.raises(ValueError, match="must assign an answer_"):
        student.strip_solution(f"{student.BEGIN}\nx = 2\n{student.END}")
    with pytest.raises(ValueError, match="END SOLUTION marker without"):
        student.strip_solution(f"x\n{student.END}")
    with pytest.raises(ValueError, match="folder of notebooks"):
        student.write_student_versions(ROOT / "data", ROOT / "_build" / "nothing")


def test_a_student_notebook_runs_top_to_bottom_unanswered(student_dir):
    """Chapter 2 (the quickest to run) as a student gets it: every cell runs, every check says so."""
    from nbclient import NotebookClient

    path = student_dir / "02_pooling_and_shrinkage.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(ROOT / "chapters")}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("exercises.check(")]
    assert checks
    for cell in checks:
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert exercises.NOT_ANSWERED in text


def test_binder_builds_the_student_versions():
    post_build = ROOT / "postBuild"
    assert post_build.exists() and os.access(post_build, os.X_OK)
    assert "python -m course_lib.student chapters student" in post_build.read_text()
    assert "student/" in (ROOT / ".gitignore").read_text().split()
