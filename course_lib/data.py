"""Load the course's data sets from ``data/`` by name, with their columns and types checked."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks

#: The data sets, their files, and the type of each column: "float", "int" or "category".
SCHEMAS: dict[str, dict] = {
    "anoles": {
        "file": "anoles.csv",
        "columns": {"time": "float", "size": "float", "stream": "category"},
    },
    "radon": {
        "file": "radon_mn.csv",
        "columns": {
            "idnum": "int", "county": "category", "county_fips": "int", "floor": "int",
            "activity": "float", "log_radon": "float", "log_uranium": "float",
        },
    },
    "exam": {
        "file": "exam.csv",
        "columns": {
            "school": "category", "normexam": "float", "schgend": "category",
            "schavg": "float", "vr": "category", "intake": "category",
            "standLRT": "float", "sex": "category", "type": "category", "student": "int",
        },
    },
    "gapminder": {
        "file": "gapminder.csv",
        "columns": {
            "country": "category", "continent": "category", "year": "int",
            "lifeExp": "float", "pop": "int", "gdpPercap": "float",
        },
    },
}


def data_dir() -> Path:
    """Return the folder holding the course's CSV files.

    It is ``data/`` beside the ``course_lib`` package, unless the environment variable
    ``COURSE_DATA_DIR`` names another folder.

    Examples
    --------
    >>> (data_dir() / "anoles.csv").exists()
    True
    """
    return Path(os.environ.get("COURSE_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


def load(name: str, *, folder: str | Path | None = None) -> pd.DataFrame:
    """Load one of the course's data sets by name.

    Parameters
    ----------
    name : {"anoles", "radon", "exam", "gapminder"}
        Which data set.
    folder : str or Path, optional
        Folder to read from; default :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        One row per observation; grouping columns are categoricals with their levels in
        natural order (streams 1-10, schools 1-65, counties alphabetically).

    Raises
    ------
    ValueError
        If ``name`` is not a known data set, the file is missing, or its columns or types
        are not what :data:`SCHEMAS` says.

    Examples
    --------
    >>> load("anoles").shape
    (52, 3)
    """
    _checks.choice("name", name, SCHEMAS)
    path = Path(folder) if folder is not None else data_dir()
    path = path / SCHEMAS[name]["file"]
    if not path.is_file():
        raise ValueError(f"data set {name!r}: file {path} not found (it ships in the repository's data/)")
    return validate(pd.read_csv(path), name)


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``df`` against the schema of data set ``name`` and return it with typed columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The raw table, as read from CSV.
    name : str
        A key of :data:`SCHEMAS`.

    Returns
    -------
    pandas.DataFrame
        The schema's columns, in its order, converted to its types.

    Raises
    ------
    ValueError
        If a column is missing, has missing values, or cannot hold its type.

    Examples
    --------
    >>> validate(pd.DataFrame({"time": [1.0], "size": [0.5], "stream": [1]}), "anoles").shape
    (1, 3)
    """
    _checks.choice("name", name, SCHEMAS)
    columns = SCHEMAS[name]["columns"]
    _checks.frame(f"data set {name!r}", df, columns)
    out = pd.DataFrame({col: _convert(df[col], kind, name, col) for col, kind in columns.items()})
    return out


def _convert(values: pd.Series, kind: str, name: str, column: str) -> pd.Series:
    if values.isna().any():
        raise ValueError(f"data set {name!r}: column {column!r} has {int(values.isna().sum())} missing values")
    if kind == "category":
        return values.astype("category")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"data set {name!r}: column {column!r} must be numeric ({kind}), got {values.dtype}")
    if kind == "int":
        if not np.all(np.equal(np.mod(values, 1), 0)):
            raise ValueError(f"data set {name!r}: column {column!r} must hold whole numbers")
        return values.astype("int64")
    return values.astype("float64")
