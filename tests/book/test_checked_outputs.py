"""The chapters as the book build executed them: no cell raised, every checked output holds.

Run after the strict book build (``make test`` runs ``test-book``, then this), which executes each
chapter once and writes it to ``<build>/jupyter_execute``, where ``<build>`` is ``$COURSE_BUILD_DIR``
(``make test`` sets it to its own build) or ``_build``. The rules are in ``tests/checked_outputs.py``.
"""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import checked_outputs  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXECUTED = ROOT / os.environ.get("COURSE_BUILD_DIR", "_build") / "jupyter_execute" / "chapters"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_checked_outputs_hold(path):
    executed = EXECUTED / path.name
    if not executed.exists():
        pytest.fail(f"{executed} is missing: build the book first (make test-book)")
    stored = json.loads(path.read_text())
    assert checked_outputs.checked_cells(stored) > 0, f"{path.name} checks no output"
    problems = checked_outputs.differences(stored, json.loads(executed.read_text()))
    assert not problems, f"{path.name}:\n" + "\n\n".join(problems)
