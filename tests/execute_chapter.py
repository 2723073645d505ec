"""Execute chapter notebooks in place, top to bottom, and store their outputs (as JupyterLab's
"Run all" then "Save" would): ``python tests/execute_chapter.py chapters/03_radon.ipynb ...``.

The stored outputs are what ``make test`` compares the book build's execution with.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    """Run the notebook at ``path`` top to bottom in its folder and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   record_timing=False).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: executed in {execute(Path(name)):.0f} s", flush=True)
