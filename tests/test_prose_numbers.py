"""Every number with a decimal point in a chapter's prose is printed by the chapter, set in its code,
or quoted from the source lesson (tests/quoted_numbers.py)."""

import json
from pathlib import Path

import nbformat
import pytest

import prose_numbers
from quoted_numbers import QUOTED

CHAPTERS = sorted((Path(__file__).resolve().parent.parent / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_prose_number_is_grounded(path):
    nb = json.loads(path.read_text())
    missing = prose_numbers.ungrounded(nb, QUOTED.get(path.stem, {}))
    assert not missing, (f"{path.name}: these numbers in the prose are neither printed by the chapter nor "
                         f"quoted in tests/quoted_numbers.py: {missing}")


def test_every_chapter_has_a_quoted_list_and_every_quote_is_used():
    for path in CHAPTERS:
        assert path.stem in QUOTED, f"add {path.stem} to tests/quoted_numbers.py"
        prose = {t.replace("−", "-") for t in prose_numbers.prose_numbers(json.loads(path.read_text()))}
        unused = set(QUOTED[path.stem]) - prose
        assert not unused, f"{path.stem}: quoted numbers no longer in the prose: {sorted(unused)}"


def _nb(markdown, printed):
    cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("x")]
    cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))


@pytest.mark.parametrize("markdown, printed, quoted, missing", [
    ("The slope is 0.23.", "slope 0.2339", {}, []),             # printed, rounded as the prose rounds
    ("The slope is 0.24.", "slope 0.2339", {}, ["0.24"]),       # a typed number no cell prints is caught
    ("The slope is 0.2339.", "slope 0.23", {}, ["0.2339"]),     # more digits than printed are not grounded
    ("lme4 printed 5.6626895.", "5.6627", {"5.6626895": "lme4"}, []),
    ("Shrinks from 0.47 to −0.29.", "0.47 -0.29", {}, []),      # a typographic minus
    ("Ten streams, 52 lizards.", "", {}, []),                   # integers are not checked
    ("### Exercise 2.5 (easy)", "", {}, []),                    # exercise labels are not quantities
])
def test_the_guard_catches_a_number_no_cell_prints(markdown, printed, quoted, missing):
    assert prose_numbers.ungrounded(_nb(markdown, printed), quoted) == missing
