"""Simulators, estimators, plots and widgets for the course "Partial Pooling".

The numpy-only modules (``data``, ``simulate``, ``pooling``, ``plots``, ``widgets``)
import without Bambi or PyMC; ``models`` imports them when a model is built.
"""

__version__ = "0.1.0"
