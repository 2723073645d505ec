"""The rules that compare executed chapters with their stored outputs, and a build that must fail.

``make test`` executes each chapter once, in the strict book build, then compares the checked cells
(``tests/book``). These tests show that both halves can fail: a changed checked output is reported,
and a cell that raises fails the build.
"""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

import checked_outputs as co

ROOT = Path(__file__).resolve().parent.parent


def _cell(source, text, tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)}, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def _nb(*cells):
    return json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=list(cells))))


@pytest.mark.parametrize("stored, new, same", [
    ("slope 0.2339", "slope 0.2339", True),
    ("slope 0.2339", "slope 0.2340", False),       # deterministic: to the digit printed
    ("largest 1.2e-14", "largest 5.3e-15", False),  # so floating-point noise must not be printed
])
def test_exact_rule(stored, new, same):
    assert (co.compare_exact(stored, new) is None) is same


@pytest.mark.parametrize("stored, new, same", [
    ("mean 0.24, sd 0.19", "mean 0.25, sd 0.18", True),   # one unit of the last digit
    ("mean 0.24, sd 0.19", "mean 0.26, sd 0.19", False),  # two units
    ("mean 1.8", "mean 1.79", True),                      # the coarser of the two units
    ("rho -0.01", "rho  0.00", True),                     # white space may move
    ("rho -0.09", "rho −0.10", True),                     # a typographic minus is a minus
    ("covers: True", "covers: False", False),            # words must not change
    ("hdi_3% 1.2", "hdi_3% 1.3", True),                   # a label's digits are not numbers
    ("P = 0.99", "P = 0.97", False),
])
def test_posterior_rule(stored, new, same):
    assert (co.compare_posterior(stored, new) is None) is same


def test_differences_reports_a_changed_checked_cell_and_ignores_unchecked_ones():
    stored = _nb(_cell("print(1)", "1\n", [co.EXACT]), _cell("print(2)", "2\n"),
                 _cell("print(0.5)", "0.5\n", [co.POSTERIOR]))
    new = _nb(_cell("print(1)", "2\n", [co.EXACT]), _cell("print(2)", "3\n"),
              _cell("print(0.5)", "0.6\n", [co.POSTERIOR]))
    problems = co.differences(stored, new)
    assert len(problems) == 1 and problems[0].startswith("cell 0 (nbval-check-output)")
    assert co.checked_cells(stored) == 2


def test_differences_reports_an_error_output():
    new = _nb(_cell("1/0", ""))
    new["cells"][0]["outputs"] = [{"output_type": "error", "ename": "ZeroDivisionError",
                                   "evalue": "division by zero", "traceback": []}]
    assert co.differences(_nb(_cell("1/0", "")), new) == ["cell 0 raised ZeroDivisionError: division by zero"]


def test_output_text_reads_stdout_and_results_not_stderr_or_images():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a  \n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "b", "image/png": "AAA"},
                                           execution_count=1)]
    assert co.output_text(cell) == "a\nb"


def test_the_book_build_fails_on_a_raising_cell_and_a_changed_output_is_caught(tmp_path):
    """A two-page book under the course's own execution settings: one page raises, one has a
    checked cell whose stored output is not what its code prints."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(
        {"title": "t", "execute": config["execute"], "only_build_toc_files": True}))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: changed\n- file: raises\n")
    (tmp_path / "index.md").write_text("# Index\n")
    changed = _nb(_cell("print(2)", "1\n", [co.EXACT]))
    raises = _nb(_cell("raise RuntimeError('boom')", ""))
    for name, nb in (("changed", changed), ("raises", raises)):
        nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(nb))
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    build = subprocess.run([str(jupyter_book), "build", str(tmp_path), "--builder", "html",
                            "--warningiserror", "--keep-going"], capture_output=True, text=True, timeout=300)
    assert build.returncode != 0, "a raising cell must fail the strict build"
    assert "boom" in build.stdout + build.stderr or (tmp_path / "_build/html/reports/raises.err.log").exists()
    executed = json.loads((tmp_path / "_build/jupyter_execute/changed.ipynb").read_text())
    problems = co.differences(changed, executed)
    assert problems and "expected:\n1\ngot:\n2" in problems[0]
