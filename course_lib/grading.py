"""Grade a folder of submitted chapter notebooks with otter-grader: a grades table and feedback per student.

The grading tool is `otter-grader <https://otter-grader.readthedocs.io>`_ (``otter generate`` builds the
autograder, ``otter run`` grades one submission in this environment). Its tests are written here from
the chapter's own check cells, so a submission earns exactly the points its checks say "correct" for:

* every ``exercises.check("N.M", answer_N_M[, idata=idata_...])`` cell of the chapter becomes one otter
  test ``N.M`` (1 point; 2 for a modelling exercise) that runs the same check on the submission's
  variables and fails with the check's message;
* an instructor's own tests (otter's exception-based test files, e.g. hidden ones for summative
  grading, since this open book prints its reference answers) are added with ``hidden_tests=``.

Each submission is graded in its own process: the notebook is copied (the submission is never
changed), run top to bottom with a time limit per cell (a cell that runs longer is interrupted and
the rest of the notebook still runs) and one for the whole submission, and the checks are run on
what it defined. A cell that raises does not stop the others; a missing answer scores 0 with the
message "not answered yet"; a file that is not a notebook, or a run that exceeds the time limit,
scores 0 with the reason in its feedback. The other submissions are unaffected.

Usage::

    python -m course_lib.grading chapters/05_schools.ipynb submissions/ --out grades/
    make grade CHAPTER=05_schools SUBMISSIONS=submissions/

writes ``grades/grades.csv`` (student, exercise, points, possible, message) and
``grades/feedback/<student>.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import _checks

_CHECK = re.compile(r'^exercises\.check\("(\d+\.\d+)", (answer_\w+)(?:, (idata|table)=(\w+))?\)\s*$')

_TEST = '''"""Exercise {key} of {chapter}: the chapter's own check, run on the submission's variables."""

from otter.test_files import test_case

OK_FORMAT = False

name = "{key}"
points = {points}


@test_case(points={points}, hidden=False)
def check_{ident}(env):
    from course_lib import exercises

    context = {context}
    result = exercises.check("{key}", env.get("{answer}", ...), **context)
    assert result, result.message
'''


@dataclass(frozen=True)
class Check:
    """One checked exercise of a chapter: its key, answer variable, fit (or study table) variable and points."""

    key: str
    answer: str
    fit: str | None
    points: int
    keyword: str = "idata"


def chapter_checks(chapter: str | Path) -> list[Check]:
    """The checked exercises of a chapter notebook, in order, from its ``exercises.check(...)`` cells.

    Raises
    ------
    ValueError
        If ``chapter`` is not a notebook or has no check cells.
    """
    import nbformat

    from . import exercises

    path = _checks.path("chapter", chapter)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"chapter must be a chapter notebook (.ipynb), got {str(chapter)!r}")
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        match = _CHECK.match(cell.source) if cell.cell_type == "code" else None
        if match:
            key, answer, keyword, fit = match.groups()
            level = exercises.EXERCISES[key].level if key in exercises.EXERCISES else ""
            found.append(Check(key, answer, fit, 2 if level == "modelling" else 1, keyword or "idata"))
    if not found:
        raise ValueError(f"chapter {path.name} has no exercises.check(...) cells to grade")
    return found


def write_tests(chapter: str | Path, out: str | Path) -> list[Path]:
    """Write one otter test file per checked exercise of ``chapter`` into the folder ``out``."""
    out = _checks.path("out", out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for check in chapter_checks(chapter):
        context = f'{{"{check.keyword}": env.get("{check.fit}")}}' if check.fit else "{}"
        source = _TEST.format(key=check.key, chapter=Path(chapter).stem, points=check.points,
                              ident=check.key.replace(".", "_"), answer=check.answer, context=context)
        target = out / f"q{check.key.replace('.', '_')}.py"
        target.write_text(source)
        written.append(target)
    return written


def build_autograder(chapter: str | Path, out: str | Path, *, hidden_tests: str | Path | None = None) -> Path:
    """Build otter's ``autograder.zip`` for ``chapter`` in ``out``; return its path.

    ``hidden_tests`` is a folder of the instructor's own otter test files (``*.py``), added as they are.
    """
    out = _checks.path("out", out)
    tests = out / "tests"
    if tests.exists():
        shutil.rmtree(tests)
    write_tests(chapter, tests)
    if hidden_tests is not None:
        extra = _checks.path("hidden_tests", hidden_tests)
        files = sorted(extra.glob("*.py")) if extra.is_dir() else []
        if not files:
            raise ValueError(f"hidden_tests must be a folder of otter test files (*.py); {extra} has none")
        for file in files:
            shutil.copy(file, tests / file.name)
    target = out / "autograder.zip"
    # otter generate reads ./requirements.txt and ./otter_config.json if present: run it where neither is
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run([sys.executable, "-m", "otter", "generate", "-t", str(tests.resolve()),
                               "-o", str(target.resolve()), "--no-requirements", "--no-environment",
                               "--no-config"], cwd=empty, capture_output=True, text=True)
    if done.returncode != 0 or not target.exists():
        raise RuntimeError(f"otter generate failed:\n{done.stdout}\n{done.stderr}")
    return target


def _read_submission(path: Path) -> str | None:
    """Why ``path`` cannot be graded as a notebook, or None if it can."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as problem:  # noqa: BLE001 -- any reason a file is not a notebook is reported
        return f"not a valid notebook ({type(problem).__name__}: {str(problem).splitlines()[0][:160]})"
    if not any(cell.cell_type == "code" for cell in nb.cells):
        return "the notebook has no code cells"
    return None


def _grade_one(autograder: Path, submission: Path, results: Path, cell_timeout: int) -> None:
    """Grade one submission with ``otter run`` (in this process): results.json and errors.json in ``results``.

    Each cell may run ``cell_timeout`` seconds; a longer one is interrupted and the notebook goes on.
    """
    import otter.execute
    from otter.run import main as otter_run
    from traitlets.config import Config

    class _Limited(Config):  # otter builds the executor's Config itself: give it a time limit per cell
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ExecutePreprocessor.timeout = cell_timeout
            self.ExecutePreprocessor.interrupt_on_timeout = True

    otter.execute.Config = _Limited
    graded = otter_run(str(submission), autograder=str(autograder), output_dir=str(results), no_logo=True)
    import nbformat

    own = [c.source for c in nbformat.read(submission, as_version=4).cells if c.cell_type == "code"]
    errors = []
    for cell in getattr(graded, "notebook", None) and graded.notebook.cells or []:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":  # numbered as the student's own code cells
                number = own.index(cell.source) + 1 if cell.source in own else "?"
                first = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
                errors.append({"cell": number, "error": output.get("ename", ""),
                               "message": str(output.get("evalue", ""))[:200], "source": first})
    (results / "errors.json").write_text(json.dumps(errors, indent=1))


def _reason_lines(errors: list[dict], cell_timeout: int) -> list[str]:
    lines = []
    for e in errors:
        if e["error"] == "KeyboardInterrupt":
            lines.append(f"code cell {e['cell']} (`{e['source']}`) ran longer than {cell_timeout} s and was "
                         f"stopped; the cells after it still ran")
        elif e["error"] != "AssertionError" or "exercises.check" not in e["source"]:
            lines.append(f"code cell {e['cell']} (`{e['source']}`) raised {e['error']}: {e['message']}")
    return lines


def grade(submissions: str | Path, chapter: str | Path, out: str | Path, *, timeout: float = 1800,
          cell_timeout: int = 600, hidden_tests: str | Path | None = None) -> list[dict]:
    """Grade every ``*.ipynb`` in ``submissions`` against ``chapter``'s checks; write the grades and feedback.

    Parameters
    ----------
    submissions : path
        A folder of submitted notebooks, one per student, named after the student (``ada.ipynb``).
    chapter : path
        The chapter notebook the exercises come from (its check cells say what to grade).
    out : path
        Where to write ``grades.csv``, ``feedback/<student>.md`` and the autograder.
    timeout : float, default 1800
        Seconds one submission may take in all; a longer one is stopped and scores 0.
    cell_timeout : int, default 600
        Seconds one cell may run; a longer one is interrupted and the rest of the notebook runs.
    hidden_tests : path, optional
        A folder of the instructor's own otter test files, added to the chapter's.

    Returns
    -------
    list of dict
        The rows of ``grades.csv``: student, exercise, points, possible, message.
    """
    submissions = _checks.path("submissions", submissions)
    if not submissions.is_dir():
        raise ValueError(f"submissions must be a folder of notebooks, got {str(submissions)!r}")
    files = sorted(submissions.glob("*.ipynb"))
    if not files:
        raise ValueError(f"submissions must be a folder of notebooks; {submissions} has no *.ipynb")
    timeout = _checks.positive("timeout", timeout)
    if isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int) or cell_timeout < 1:
        raise ValueError(f"cell_timeout must be a whole number of seconds, at least 1, got {cell_timeout!r}")
    out = _checks.path("out", out)
    out.mkdir(parents=True, exist_ok=True)
    checks = chapter_checks(chapter)
    autograder = build_autograder(chapter, out / "autograder", hidden_tests=hidden_tests)
    feedback_dir = out / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    rows = []
    for path in files:
        student = path.stem
        student_rows, reasons = _grade_submission(path, autograder, checks, timeout, cell_timeout)
        rows += [{"student": student, **row} for row in student_rows]
        _write_feedback(feedback_dir / f"{student}.md", student, path.name, student_rows, reasons)
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", "exercise", "points", "possible", "message"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _grade_submission(path, autograder, checks, timeout, cell_timeout):
    """(rows without the student, reasons) for one submission, graded in a child process."""
    possible = {c.key: c.points for c in checks}
    problem = _read_submission(path)
    if problem is not None:
        return [{"exercise": k, "points": 0, "possible": p, "message": f"not graded: {problem}"}
                for k, p in possible.items()], [problem]
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        copy, results = work / "submission.ipynb", work / "results"
        shutil.copy(path, copy)  # the submission itself is never opened for writing
        results.mkdir()
        try:
            done = subprocess.run([sys.executable, "-m", "course_lib.grading", "--one", str(autograder.resolve()),
                                   str(copy), str(results), str(cell_timeout)],
                                  capture_output=True, text=True, timeout=timeout, cwd=work)
        except subprocess.TimeoutExpired:
            reason = f"grading stopped after {timeout:g} s (the time limit for one submission)"
            return [{"exercise": k, "points": 0, "possible": p, "message": f"not graded: {reason}"}
                    for k, p in possible.items()], [reason]
        result_file = results / "results.json"
        if done.returncode != 0 or not result_file.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            reason = f"the grader could not run this notebook ({tail[0][:200]})"
            return [{"exercise": k, "points": 0, "possible": p, "message": f"not graded: {reason}"}
                    for k, p in possible.items()], [reason]
        graded = json.loads(result_file.read_text())
        errors_file = results / "errors.json"
        errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    rows = [_row(test, possible) for test in graded.get("tests", []) if "score" in test]
    rows.sort(key=lambda r: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", r["exercise"])])
    return rows, _reason_lines(errors, cell_timeout)


def _row(test: dict, possible: dict) -> dict:
    """A grades row from otter's result for one test file (an entry of results.json's "tests")."""
    name, points = test["name"], float(test.get("score") or 0)
    total = possible.get(name, test.get("max_score", 1))
    message = "correct" if points >= float(test.get("max_score") or total) else _check_message(test.get("output", ""))
    return {"exercise": name, "points": int(points) if points == int(points) else points,
            "possible": total, "message": message}


def _check_message(otter_message: str) -> str:
    """The check's own message out of otter's failure report (its last ``AssertionError: ...`` line)."""
    match = re.search(r"AssertionError: (.*)\Z", otter_message.strip(), re.DOTALL)
    if match:
        return match.group(1).strip()
    return otter_message.strip().splitlines()[-1] if otter_message.strip() else "failed"


def _write_feedback(target: Path, student: str, filename: str, rows: list[dict], reasons: list[str]) -> None:
    total, possible = sum(r["points"] for r in rows), sum(r["possible"] for r in rows)
    lines = [f"# Feedback for {student}", "", f"Submission `{filename}`: **{total:g} of {possible:g} points**.", ""]
    if reasons:
        lines += ["While grading:", *[f"- {r}" for r in reasons], ""]
    lines += ["| exercise | points | message |", "|---|---|---|"]
    lines += [f"| {r['exercise']} | {r['points']:g} / {r['possible']:g} | {r['message'].replace('|', '/')} |"
              for r in rows]
    target.write_text("\n".join(lines) + "\n")


def _main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m course_lib.grading CHAPTER SUBMISSIONS [--out DIR] ...``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:  # the child process that grades one submission
        autograder, submission, results, cell_timeout = argv[1:5]
        _grade_one(Path(autograder), Path(submission), Path(results), int(cell_timeout))
        return 0
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading",
                                     description="Grade a folder of submitted notebooks of one chapter.")
    parser.add_argument("chapter", help="the chapter notebook, e.g. chapters/05_schools.ipynb")
    parser.add_argument("submissions", help="a folder of submitted notebooks, one per student (ada.ipynb)")
    parser.add_argument("--out", default="_build/grades", help="where to write grades.csv and feedback/")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per submission (default 1800)")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--hidden-tests", default=None, help="a folder of your own otter test files")
    args = parser.parse_args(argv)
    rows = grade(args.submissions, args.chapter, args.out, timeout=args.timeout, cell_timeout=args.cell_timeout,
                 hidden_tests=args.hidden_tests)
    students = sorted({r["student"] for r in rows})
    for student in students:
        mine = [r for r in rows if r["student"] == student]
        print(f"{student}: {sum(r['points'] for r in mine):g} / {sum(r['possible'] for r in mine):g}")
    print(f"wrote {Path(args.out) / 'grades.csv'} and {len(students)} feedback files in {Path(args.out) / 'feedback'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
