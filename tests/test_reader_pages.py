"""The site's page clean-up (_ext/reader_pages.py): grading markers and the redundant icon script go."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))

from reader_pages import drop_icon_script, strip_markers  # noqa: E402


def test_solution_markers_are_removed_and_the_code_between_them_kept():
    code = "### BEGIN SOLUTION\nanswer_4_1 = 0.3 / (2 * 0.3)\n### END SOLUTION"
    assert strip_markers(code) == "answer_4_1 = 0.3 / (2 * 0.3)\n"
    indented = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    assert strip_markers(indented) == "def f():\n    return 1\n"


def test_other_comments_are_left_alone():
    code = "# the solution: BEGIN with the data\nx = 1  ### END SOLUTION is not a line of its own\n"
    assert strip_markers(code) == code


def test_the_icon_script_tag_is_dropped_and_nothing_else():
    page = ('<head>\n  <!-- So that users can add custom icons -->\n'
            '  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>\n'
            '  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=55c2" />\n'
            '<script src="../_static/controls.js"></script>\n</head>')
    lighter = drop_icon_script(page)
    assert "fontawesome" not in lighter and "custom icons" not in lighter
    assert "bootstrap.js" in lighter and "controls.js" in lighter
    assert drop_icon_script(lighter) == lighter
