"""Structure of the chapter notebooks: listed in the book, executed, figures stored, outputs checked."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _code_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_is_in_the_toc_executed_and_checked(path):
    assert f"chapters/{path.stem}" in (ROOT / "_toc.yml").read_text()
    code = _code_cells(path)
    assert all(c["execution_count"] is not None for c in code), "run the notebook before saving it"
    assert any("nbval-check-output" in c["metadata"].get("tags", []) for c in code), "no output is checked"
    assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_stores_its_figures(path):
    # A kernel started with MPLBACKEND=Agg shows no figures at all; the book would be blank.
    pngs = sum("image/png" in o.get("data", {}) for c in _code_cells(path) for o in c["outputs"])
    assert pngs >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_harness_stays_off_the_page(path):
    """Checks are cell tags, never comments a reader would see; no cell shows a bare True/False."""
    for c in _code_cells(path):
        source = "".join(c["source"])
        assert "NBVAL" not in source, f"use the cell tags nbval-check-output / nbval-ignore-output:\n{source}"
        for o in c["outputs"]:
            text = "".join(o.get("data", {}).get("text/plain", ""))
            assert text.strip() not in ("True", "False"), f"a bare {text.strip()} under:\n{source}"
