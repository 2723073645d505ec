"""Compare the checked outputs of an executed chapter with the outputs the repository stores.

The book build executes every chapter once (myst-nb, jupyter-cache) and writes the executed
notebooks to ``_build/jupyter_execute``; ``tests/book/test_checked_outputs.py`` compares them with
``chapters/*.ipynb`` using the two rules below (README, "How the numbers are checked").

- A cell tagged ``nbval-check-output`` prints deterministic results (data, closed forms, REML):
  its text must be what the notebook stores, exactly (as ``pytest --nbval`` compares it).
- A cell tagged ``check-posterior`` prints numbers computed from posterior draws, rounded so that one
  unit of the last printed digit is at least five Monte Carlo standard errors: every number may
  differ from the stored one by at most one unit of its last printed digit; everything else (words,
  ``True``/``False``, the layout but for white space) must be the same.

Only text is compared: streams on stdout and the ``text/plain`` of results; stderr and images are not.
"""

from __future__ import annotations

import re

EXACT = "nbval-check-output"
POSTERIOR = "check-posterior"

_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def output_text(cell: dict) -> str:
    """The text a reader sees under a code cell: stdout and the plain-text form of each result."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream" and out.get("name") == "stdout":
            parts.append(_join(out["text"]))
        elif out["output_type"] in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
            parts.append(_join(out["data"]["text/plain"]) + "\n")
    lines = "".join(parts).splitlines()
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _join(text) -> str:
    return text if isinstance(text, str) else "".join(text)


def compare_exact(stored: str, new: str) -> str | None:
    """None if the texts are equal, else a short description of the first difference."""
    if stored == new:
        return None
    return f"expected:\n{stored}\ngot:\n{new}"


def _unit(token: str) -> float:
    """One unit of the last printed digit of a number token (``0.23`` -> 0.01, ``1.2e-3`` -> 1e-4)."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def compare_posterior(stored: str, new: str) -> str | None:
    """None if the texts agree up to one unit in each number's last digit, else what differs."""
    skeleton = [" ".join(_NUMBER.sub("#", t).split()) for t in (stored, new)]
    if skeleton[0] != skeleton[1]:
        return f"the words differ:\nexpected:\n{stored}\ngot:\n{new}"
    far = []
    for a, b in zip(_NUMBER.findall(stored), _NUMBER.findall(new)):
        tolerance = max(_unit(a), _unit(b)) * (1 + 1e-9)
        if abs(_value(a) - _value(b)) > tolerance:
            far.append(f"{b} (expected {a} ± {tolerance:.3g})")
    if far:
        return "numbers beyond one unit of their last digit: " + ", ".join(far) + f"\nexpected:\n{stored}\ngot:\n{new}"
    return None


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def differences(stored_nb: dict, executed_nb: dict) -> list[str]:
    """Every checked cell whose executed output breaks its rule, and every cell that raised."""
    problems = errors(executed_nb)
    stored_cells, new_cells = stored_nb["cells"], executed_nb["cells"]
    if len(stored_cells) != len(new_cells):
        return problems + [f"the executed notebook has {len(new_cells)} cells, the stored one {len(stored_cells)}"]
    for i, (old, new) in enumerate(zip(stored_cells, new_cells)):
        if old["cell_type"] != "code":
            continue
        if _join(old["source"]) != _join(new["source"]):
            problems.append(f"cell {i}: the executed notebook has other code (rebuild the book)")
            continue
        tags = _tags(old)
        rule = compare_posterior if POSTERIOR in tags else compare_exact if EXACT in tags else None
        if rule is not None:
            problem = rule(output_text(old), output_text(new))
            if problem:
                problems.append(f"cell {i} ({POSTERIOR if POSTERIOR in tags else EXACT}): {problem}")
    return problems


def errors(nb: dict) -> list[str]:
    """The cells of ``nb`` whose outputs hold an error."""
    return [f"cell {i} raised {out.get('ename')}: {out.get('evalue')}"
            for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
            for out in cell.get("outputs", []) if out["output_type"] == "error"]


def checked_cells(nb: dict) -> int:
    """How many code cells of ``nb`` carry one of the two check tags."""
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and {EXACT, POSTERIOR} & set(_tags(c)))
