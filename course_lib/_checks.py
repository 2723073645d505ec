"""Argument checks shared by the public functions: each raises ValueError naming the argument."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd


def positive(name: str, value, *, allow_zero: bool = False, allow_inf: bool = False) -> float:
    """Return ``value`` as a float, or raise if it is not a positive number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (value == 0 and not allow_zero):
        need = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be {need}, got {value}")
    return value


def finite(name: str, value) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def integer(name: str, value, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def correlation(name: str, value) -> float:
    """Return ``value`` as a float in [-1, 1], or raise."""
    value = finite(name, value)
    if not -1.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [-1, 1], got {value}")
    return value


def rng(value) -> np.random.Generator:
    """Return ``value`` if it is a numpy Generator, or raise."""
    if not isinstance(value, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(value).__name__}"
        )
    return value


def frame(name: str, value, columns=()) -> pd.DataFrame:
    """Return ``value`` if it is a non-empty DataFrame holding ``columns``, or raise."""
    if not isinstance(value, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(value).__name__}")
    if value.empty:
        raise ValueError(f"{name} must not be empty")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} has no column(s) {missing}; it has {list(value.columns)}")
    return value


def numeric_column(name: str, df: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``df[column]`` as a float array, or raise if it is not numeric and finite."""
    frame(name, df)
    try:
        present = column in df.columns
    except TypeError:
        present = False
    if not present:
        raise ValueError(f"{name} has no column {column!r}; it has {list(df.columns)}")
    values = df[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"{name}: column {column!r} must be numeric, got dtype {values.dtype}")
    values = values.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name}: column {column!r} has missing or infinite values")
    return values


def choice(name: str, value, options) -> str:
    """Return ``value`` if it is one of ``options``, or raise."""
    try:
        known = value in options
    except TypeError:  # an unhashable value (a list, a frame) is not an option either
        known = False
    if not known:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


def idata(name: str, value):
    """Return ``value`` if it is an InferenceData-like object with a posterior, or raise."""
    if not hasattr(value, "posterior"):
        raise ValueError(f"{name} must be an arviz InferenceData with a posterior, got {type(value).__name__}")
    return value


def mapping(name: str, value) -> dict:
    """Return ``value`` if it is a non-empty dict, or raise."""
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{name} must be a non-empty dict, got {type(value).__name__}")
    return value


def path(name: str, value):
    """Return ``value`` as a pathlib.Path if it is a str or path, or raise."""
    import os
    from pathlib import Path

    if not isinstance(value, (str, os.PathLike)):
        raise ValueError(f"{name} must be a folder path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)
