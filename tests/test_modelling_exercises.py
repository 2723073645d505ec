"""The modelling exercises' checks look at the student's fit, not only at the number: the right data,
the right terms, posterior (not prior) draws, chains that agree. Shown here on synthetic posteriors
(``arviz.from_dict``), so every way a fit can be wrong is tried in milliseconds; the reference solutions
themselves run in the chapters, and ``tests/test_exercise_seeds.py`` runs them with other seeds."""

import arviz as az
import numpy as np
import pytest

from course_lib import exercises

MODELLING = [k for k, e in exercises.EXERCISES.items() if e.level == "modelling" and "idata" in e.needs]
STUDIES = [k for k, e in exercises.EXERCISES.items() if e.level == "modelling" and "table" in e.needs]


def _data(key):
    """(observed values, {group-effect variable: level labels}) of the exercise's model."""
    load, sim = exercises._load, exercises._sim
    if key == "1.8":
        d = sim(key)
        return d["time"], {"1|stream": d["stream"].cat.categories}
    if key == "5.9":
        d = sim(key)
        return d["score"], {"1|school": d["school"].cat.categories, "standLRT|school": d["school"].cat.categories}
    if key == "1.9":
        d = load("anoles")
        return d["time"], {"1|stream": sorted(d["stream"].unique())}
    if key in ("2.8", "2.9"):
        d = sim("2.8")
        return d["passed"], {"1|classroom": d["classroom"].unique()}
    if key == "3.8":
        d = sim("3.8")
        return d["republican"], {"1|state": d["state"].unique(), "income|state": d["state"].unique()}
    if key == "3.9":
        d = load("radon")
        return d["log_radon"], {"1|county": d["county"].unique()}
    if key in ("4.8", "4.9"):
        d = sim("4.8")
        return d["wait"], {"1|cafe": d["cafe"].unique(), "afternoon|cafe": d["cafe"].unique()}
    d = load("exam")
    return d["normexam"], {"1|school": d["school"].cat.categories, "standLRT|school": d["school"].cat.categories}


SCALARS = {"1.8": ["1|stream_sigma", "size"], "1.9": ["size", "Intercept"],
           "2.8": ["1|classroom_sigma", "Intercept"], "2.9": ["1|classroom_sigma", "Intercept"],
           "3.8": ["income:wealth", "income", "wealth", "Intercept"], "3.9": ["floor:log_uranium", "floor"],
           "4.8": ["rho", "sigma"], "4.9": ["Intercept", "afternoon"], "5.8": ["standLRT", "Intercept"],
           "5.9": ["standLRT|school_sigma", "1|school_sigma", "standLRT"]}


def _idata(key, *, chains=4, draws=500, observed="right", drop=None, stuck=False, seed=1):
    rng = np.random.default_rng(seed)
    y, groups = _data(key)
    posterior = {}
    for name in SCALARS[key]:
        centre = -0.4 if name in ("rho", "income:wealth", "floor:log_uranium") else 0.8
        posterior[name] = rng.normal(centre, 0.1, (chains, draws))
    dims, coords = {}, {}
    if key == "5.8":
        posterior["sex"] = rng.normal(-0.17, 0.03, (chains, draws, 1))
        dims["sex"], coords["sex_dim"] = ["sex_dim"], ["M"]
    for name, levels in groups.items() if key != "4.8" else []:
        labels = [str(v) for v in levels]
        dim = name.split("|")[1] + "__factor_dim"
        posterior[name] = rng.normal(0.0, 0.5, (chains, draws, len(labels)))
        dims[name], coords[dim] = [dim], labels
    if stuck:
        for value in posterior.values():
            value[-1] += 1.0  # the last chain sits elsewhere
    for name in drop or []:
        posterior.pop(name)
    data = {"right": {"y": np.asarray(y, dtype=float)}, "other": {"y": np.arange(7.0)}, None: None}[observed]
    return az.from_dict(posterior=posterior, observed_data=data, dims=dims, coords=coords)


def _fit_name(key):
    return exercises.EXERCISES[key]


@pytest.mark.parametrize("key", MODELLING)
def test_the_students_own_posterior_value_passes_and_rounding_too(key):
    exercise = exercises.EXERCISES[key]
    idata = _idata(key)
    reference = exercise.reference({"idata": idata})
    assert exercises.check(key, reference, idata=idata)
    assert exercises.check(key, round(reference, exercise.digits), idata=idata)
    assert not exercises.check(key, reference + 0.2, idata=idata)
    assert "needs idata=" in exercises.check(key, reference).message


@pytest.mark.parametrize("key", MODELLING)
def test_a_fit_that_is_not_the_asked_model_is_named(key):
    exercise = exercises.EXERCISES[key]
    reference = exercise.reference({"idata": _idata(key)})
    prior_only = exercises.check(key, reference, idata=_idata(key, observed=None))
    assert not prior_only and "no observed data" in prior_only.message
    other_data = exercises.check(key, reference, idata=_idata(key, observed="other"))
    assert not other_data and "not the exercise's data" in other_data.message
    stuck = exercises.check(key, reference, idata=_idata(key, stuck=True))
    assert not stuck and "not converged" in stuck.message
    one_chain = exercises.check(key, reference, idata=_idata(key, chains=1))
    assert not one_chain and "at least 2 chains" in one_chain.message
    term = {"4.8": "rho", "5.8": "sex"}.get(key) or next(n for n in _data(key)[1])
    missing = exercises.check(key, reference, idata=_idata(key, drop=[term]))
    assert not missing and "your posterior has no" in missing.message and term in missing.message
    not_idata = exercises.check(key, reference, idata=[1, 2])
    assert not not_idata and "InferenceData" in not_idata.message


@pytest.mark.parametrize("key", MODELLING)
def test_mistakes_are_named(key):
    exercise = exercises.EXERCISES[key]
    idata = _idata(key)
    context = {"idata": idata}
    reference, tolerance = exercise.reference(context), exercise.accepted_error(context)
    named = 0
    for wrong, message, *_ in exercise.mistakes(context):
        if abs(wrong - reference) > 2 * tolerance:
            result = exercises.check(key, wrong, idata=idata)
            assert not result and message in result.message, (key, wrong, result.message)
            named += 1
    assert named >= 1, f"exercise {key}: no mistake could be told apart from the reference here"


def test_a_recovery_check_says_whether_the_truth_was_recovered():
    idata = _idata("2.8")
    reference = exercises.EXERCISES["2.8"].reference({"idata": idata})
    message = exercises.check("2.8", reference, idata=idata).message
    assert "The true value was 1" in message and "90% interval" in message and "drew have sd" in message


def test_every_chapter_has_two_modelling_exercises_one_a_recovery():
    by_chapter = {}
    for key in MODELLING + STUDIES:
        by_chapter.setdefault(key.split(".")[0], []).append(exercises.EXERCISES[key])
    assert sorted(by_chapter) == ["1", "2", "3", "4", "5", "6"]
    for chapter, found in by_chapter.items():
        assert len(found) >= 2
        assert any(e.question.startswith(("Simulate", "Run a recovery study")) for e in found), chapter


def _study_table(method, hits, misses, missing=0):
    """A recovery study's sigma_a rows: ``hits`` intervals containing 0.3, ``misses`` not, ``missing`` NaN."""
    import pandas as pd

    n = hits + misses + missing
    lower = [0.1] * hits + [0.5] * misses + [np.nan] * missing
    upper = [0.6] * hits + [0.9] * misses + [np.nan] * missing
    return pd.DataFrame({"sim": range(n), "method": method, "parameter": "sigma_a", "truth": 0.3,
                         "lower_90": lower, "upper_90": upper, "r_hat": 1.0})


@pytest.mark.parametrize("key, method, right", [("6.5", "Bayes", 40 / 50), ("6.6", "REML", 40 / 46)])
def test_a_study_is_checked_against_its_own_coverage(key, method, right):
    # 6.5 counts a missing interval as a miss; 6.6 asks about the data sets that have one
    table = _study_table(method, 40, 6, 4)
    assert exercises.check(key, round(right, 2), table=table) and exercises.check(key, right, table=table)
    result = exercises.check(key, round(1 - right, 2), table=table)
    assert not result and "miss the truth" in result.message
    assert not exercises.check(key, 0.95, table=table)


def test_a_study_too_small_or_of_the_wrong_method_is_named():
    small = exercises.check("6.5", 0.8, table=_study_table("Bayes", 8, 2))
    assert not small and "at least 50" in small.message
    wrong = exercises.check("6.6", 0.8, table=_study_table("Bayes", 40, 10))
    assert not wrong and "'REML'" in wrong.message
    not_a_table = exercises.check("6.5", 0.8, table=[1, 2])
    assert not not_a_table and "run_study" in not_a_table.message


def test_counting_missing_intervals_as_misses_is_named():
    table = _study_table("REML", 40, 6, 4)
    result = exercises.check("6.6", 0.80, table=table)
    assert not result and "counts the data sets with no interval as misses" in result.message
    message = exercises.check("6.6", 0.87, table=table).message
    assert "40 of the 46 intervals" in message and "4 of your 50 data sets had no interval" in message
