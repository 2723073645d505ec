"""Every public function of course_lib, called with hostile arguments, fails clearly or succeeds.

Each required argument is set to the same hostile value (a wrong type, an empty frame, NaN, a
negative size, ...). Accepted: a return value, or a ValueError/TypeError whose message names one of
the function's arguments. Anything else (AttributeError, IndexError, KeyError, a numpy or pandas
error that does not say which argument is wrong) fails, with the function and the value.
"""

from __future__ import annotations

import importlib
import inspect
import signal

import numpy as np
import pandas as pd
import pytest

MODULES = ["_checks", "checking", "data", "exercises", "models", "plots", "pooling", "shrinkage",
           "simulate", "student", "widgets", "grading", "recovery", "controls", "explorer"]
HOSTILE = {
    "None": None,
    "str": "x",
    "negative": -1,
    "nan": float("nan"),
    "empty_frame": pd.DataFrame(),
    "empty_list": [],
    "object": object(),
    "nan_array": np.full(3, np.nan),
}


def _public_functions():
    for name in MODULES:
        module = importlib.import_module(f"course_lib.{name}")
        for fname, f in inspect.getmembers(module, inspect.isfunction):
            if f.__module__ == module.__name__ and (not fname.startswith("_") or name == "_checks"):
                yield f"{name}.{fname}", f


FUNCTIONS = dict(_public_functions())


def _required(f):
    params = inspect.signature(f).parameters.values()
    required = [p for p in params if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return required or [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)][:1]


class _TimedOut(Exception):
    pass


def _alarm(signum, frame):
    raise _TimedOut


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hostile(name, value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing is written anywhere but here
    f = FUNCTIONS[name]
    params = _required(f)
    args, kwargs = [], {}
    for p in params:
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    names = list(inspect.signature(f).parameters)
    if name == "_checks.rng":
        names = ["rng"]  # it checks the argument every function calls rng
    elif name.startswith("_checks.") and names[0] == "name":
        # the argument checks name the caller's argument: they are told its name and must repeat it
        args[0] = "the_argument"
        names = ["the_argument"]
        if "options" in kwargs or len(args) > 2 and "options" in inspect.signature(f).parameters:
            args[2] = {"a", "b"}  # the options are the caller's, not the user's
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        f(*args, **kwargs)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert any(n in message for n in names), (
            f"{name}({value!r}) raised {type(error).__name__} without naming an argument {names}: {message}")
    except _TimedOut:
        pytest.fail(f"{name}({value!r}) ran for more than 20 s instead of rejecting its arguments")
    except Exception as error:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{name}({value!r}) raised {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_every_module_has_public_functions():
    assert len(FUNCTIONS) > 40
