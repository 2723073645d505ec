"""The instructor's grading run, end to end, on chapter 5's exercises: otter-grader grades a folder of
submissions (each in its own process, with time limits) into grades.csv and a feedback file per student.

The submissions are made from the chapter itself: its set-up cells and its exercise section, as the
student version gives it (``course_lib.student``), answered in different ways.
"""

import csv
import hashlib
import re
from pathlib import Path

import nbformat
import pytest

from course_lib import exercises, grading, student

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "05_schools.ipynb"
KEYS = ["5.1", "5.2", "5.3", "5.4", "5.7", "5.8", "5.9"]
POSSIBLE = {"5.1": 1, "5.2": 1, "5.3": 1, "5.4": 1, "5.7": 1, "5.8": 2, "5.9": 2}


def _submission(answers="solutions", extra=None):
    """Chapter 5's set-up cells (imports, data, the fits the answers use) and its exercise section, as a
    student hands it in.

    ``answers``: "solutions" (the reference solutions), "empty" (the student version untouched), or a
    dict {exercise key: new source of its answer cell} (the other answers are the reference solutions). ``extra``: (position among the exercise cells, source)
    of a cell to add.
    """
    original = nbformat.read(CHAPTER, as_version=4)
    handed_out = student.student_notebook(original)
    setup = [c for c in handed_out.cells if c.cell_type == "code"  # imports, data, and what answers use
             and re.match(r"(import |exam = data\.load|lines = |fit = )", c.source)]
    start = next(i for i, c in enumerate(handed_out.cells) if c.source.startswith("## Exercises"))
    end = next(i for i, c in enumerate(handed_out.cells) if c.source.startswith("## Versions"))
    cells = handed_out.cells[start:end]
    solutions = {re.search(r"answer_(\d)_(\d)", c.source).group(0): c.source for c in original.cells
                 if "answer" in c.metadata.get("tags", [])}
    for cell in cells:
        if "answer" in cell.metadata.get("tags", []):
            name = re.search(r"answer_(\d)_(\d)", cell.source).group(0)
            key = name[len("answer_"):].replace("_", ".")
            if isinstance(answers, dict) and key in answers:
                cell.source = answers[key]
            elif answers != "empty":
                cell.source = solutions[name]
    if extra is not None:
        cells.insert(extra[0], nbformat.v4.new_code_cell(extra[1]))
    return nbformat.v4.new_notebook(cells=setup + cells, metadata=handed_out.metadata)


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


HIDDEN_TEST = '''from otter.test_files import test_case

OK_FORMAT = False
name = "5.2-hidden"
points = 1


@test_case(points=1, hidden=True)
def pooled_slope_to_four_decimals(env):
    assert abs(env.get("answer_5_2", 0) - 0.58878) < 5e-5, "the girls' pooled slope is not right to 4 decimals"
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    mistakes = {"5.1": "answer_5_1 = pooling.separate_lines(exam, y='normexam', x='standLRT', group='school')"
                       ".loc[14, 'intercept']",
                "5.2": "answer_5_2 = 0.5890",
                "5.3": "answer_5_3 = 1.3",
                "5.8": "answer_5_8 = 0.2",  # no fit: the check says it needs one (and the test stays quick)
                "5.9": "answer_5_9 = ..."}
    nbformat.write(_submission(), folder / "full.ipynb")
    nbformat.write(_submission("empty"), folder / "empty.ipynb")
    nbformat.write(_submission(mistakes), folder / "mistakes.ipynb")
    nbformat.write(_submission({k: v for k, v in mistakes.items() if k != "5.2"},
                               extra=(3, "raise RuntimeError('a bug in my notebook')")), folder / "crash.ipynb")
    (folder / "not_a_notebook.ipynb").write_text("{this is not JSON")
    hidden = tmp_path_factory.mktemp("hidden")
    (hidden / "q5_2_hidden.py").write_text(HIDDEN_TEST)
    before = _digest(folder)
    out = tmp_path_factory.mktemp("grades")
    rows = grading.grade(folder, CHAPTER, out, cell_timeout=600, hidden_tests=hidden)
    assert _digest(folder) == before, "grading changed a submission"
    table = {(r["student"], r["exercise"]): r for r in csv.DictReader(open(out / "grades.csv"))}
    return rows, table, out


def _points(table, name):
    return {e: float(r["points"]) for (s, e), r in table.items() if s == name}


def test_a_fully_correct_submission_gets_full_marks(graded):
    _, table, out = graded
    assert _points(table, "full") == {**{k: float(v) for k, v in POSSIBLE.items()}, "5.2-hidden": 1.0}
    assert "10 of 10 points" in (out / "feedback" / "full.md").read_text()


def test_an_empty_submission_gets_zero_and_is_told_what_is_missing(graded):
    _, table, _ = graded
    assert set(_points(table, "empty").values()) == {0.0}
    assert table[("empty", "5.1")]["message"] == exercises.NOT_ANSWERED


def test_mistakes_get_zero_with_the_mistake_named(graded):
    _, table, _ = graded
    points = _points(table, "mistakes")
    assert points["5.1"] == 0 and "that is the intercept" in table[("mistakes", "5.1")]["message"]
    assert points["5.3"] == 0 and "Hint:" in table[("mistakes", "5.3")]["message"]
    assert points["5.2"] == 1 and points["5.4"] == 1  # the rounded answer and the untouched solution pass
    assert "idata" in table[("mistakes", "5.8")]["message"]
    assert table[("mistakes", "5.9")]["message"] == exercises.NOT_ANSWERED


def test_a_crash_is_graded_as_far_as_it_goes_and_reported(graded):
    _, table, out = graded
    points = _points(table, "crash")
    assert points["5.2"] == 1 and points["5.4"] == 1 and points["5.1"] == 0
    feedback = (out / "feedback" / "crash.md").read_text()
    assert "raised RuntimeError: a bug in my notebook" in feedback


def test_a_file_that_is_not_a_notebook_is_reported_and_the_others_unaffected(graded):
    _, table, out = graded
    assert set(_points(table, "not_a_notebook").values()) == {0.0}
    assert "not a valid notebook" in (out / "feedback" / "not_a_notebook.md").read_text()
    assert sorted({s for s, _ in table}) == ["crash", "empty", "full", "mistakes", "not_a_notebook"]


def test_the_instructors_hidden_test_is_graded(graded):
    _, table, _ = graded
    assert table[("full", "5.2-hidden")]["points"] == "1"
    assert table[("mistakes", "5.2-hidden")]["points"] == "0"  # 0.5890: right to 2 decimals, not to 4
    assert "not right to 4 decimals" in table[("mistakes", "5.2-hidden")]["message"]
    assert table[("empty", "5.2-hidden")]["points"] == "0"


def test_an_infinite_loop_is_stopped_and_the_rest_graded(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    loop = _submission({"5.8": "answer_5_8 = 0", "5.9": "answer_5_9 = 0"}, extra=(3, "while True:\n    pass"))
    nbformat.write(loop, folder / "loop.ipynb")
    grading.grade(folder, CHAPTER, tmp_path / "out", cell_timeout=45)  # well above any of its other cells
    table = {r["exercise"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert table["5.1"]["points"] == "1" and table["5.4"]["points"] == "1"
    assert "ran longer than 45 s and was stopped" in (tmp_path / "out" / "feedback" / "loop.md").read_text()
    grading.grade(folder, CHAPTER, tmp_path / "out2", timeout=20, cell_timeout=600)
    feedback = (tmp_path / "out2" / "feedback" / "loop.md").read_text()
    assert "grading stopped after 20 s" in feedback and "0 of 9 points" in feedback


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="submissions must be a folder"):
        grading.grade(tmp_path, CHAPTER, tmp_path / "out")
    with pytest.raises(ValueError, match="chapter must be a chapter notebook"):
        grading.chapter_checks(ROOT / "README.md")
    with pytest.raises(ValueError, match="cell_timeout"):
        nbformat.write(_submission("empty"), tmp_path / "a.ipynb")
        grading.grade(tmp_path, CHAPTER, tmp_path / "out", cell_timeout=0)
