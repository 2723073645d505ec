"""A guard against prose drifting from computation.

Every number with a decimal point in a chapter's prose (its markdown cells, formulas included) must
be grounded: it is printed by one of the chapter's cells (to the digits the prose gives: prose
"0.23" is grounded by a printed 0.23 or 0.2339), or written in the chapter's code (a parameter
the code sets), or on the chapter's list of numbers quoted from elsewhere
(``tests/quoted_numbers.py``: the source lesson, lme4), each with a comment saying where from.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+\.\d+(?![\w.]*\d)")
#: Exercise numbers ("Exercise 2.5", ``check("2.5", ...)``) are labels, not quantities.
LABEL = re.compile(r"(?i)exercises?\s+\d+\.\d+|[\"']\d+\.\d+[\"']")
ANY_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _text(x) -> str:
    return x if isinstance(x, str) else "".join(x)


def _decimals(token: str) -> int:
    return len(token.partition(".")[2])


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def prose_numbers(nb: dict) -> list[str]:
    """Numbers with a decimal point in the markdown cells, in order."""
    return [m.group(0) for c in nb["cells"] if c["cell_type"] == "markdown"
            for m in NUMBER.finditer(LABEL.sub(" ", _text(c["source"])))]


def printed_numbers(nb: dict) -> list[str]:
    """Every number in the code and in the text outputs (stdout, plain text, HTML) of the code cells."""
    texts = []
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        texts.append(_text(c["source"]))
        for out in c.get("outputs", []):
            if out["output_type"] == "stream":
                texts.append(_text(out["text"]))
            for kind in ("text/plain", "text/html"):
                texts.append(_text(out.get("data", {}).get(kind, "")))
    return [m.group(0) for t in texts for m in ANY_NUMBER.finditer(t)]


def grounded(token: str, printed: list[str]) -> bool:
    """True if a printed number, rounded to ``token``'s decimals, has ``token``'s magnitude (prose
    may write "0.41 s shorter" for a printed -0.41)."""
    d, target = _decimals(token), abs(_value(token))
    for p in printed:
        if _decimals(p) >= d or "e" in p.lower():
            try:
                if abs(round(_value(p), d)) == target:
                    return True
            except ValueError:
                continue
    return False


def ungrounded(nb: dict, quoted: dict[str, str]) -> list[str]:
    """The prose numbers of ``nb`` that nothing grounds."""
    printed = printed_numbers(nb)
    return sorted({t for t in prose_numbers(nb) if t.replace("−", "-") not in quoted and not grounded(t, printed)},
                  key=prose_numbers(nb).index)
