"""Every automatic check accepts the reference answer and rejects plausible wrong ones, with the
message a student needs."""

import arviz as az
import numpy as np
import pytest

from course_lib import exercises

DETERMINISTIC = [k for k, e in exercises.EXERCISES.items() if not e.needs]
POSTERIOR = [k for k, e in exercises.EXERCISES.items() if "idata" in e.needs]
DECIMAL = [k for k in DETERMINISTIC if exercises.EXERCISES[k].kind != "integer"]


def test_every_chapter_has_four_checked_exercises():
    chapters = {}
    for key, exercise in exercises.EXERCISES.items():
        chapters.setdefault(key.split(".")[0], []).append(exercise.level)
    assert sorted(chapters) == ["1", "2", "3", "4", "5", "6"]
    for levels in chapters.values():
        assert len(levels) >= 4 and {"easy", "medium", "hard"} <= set(levels)


@pytest.mark.parametrize("key", DETERMINISTIC)
def test_reference_is_accepted_and_mistakes_are_named(key):
    exercise = exercises.EXERCISES[key]
    reference = exercise.reference({})
    result = exercises.check(key, reference)
    assert result and result.message.startswith("correct")
    mistakes = exercise.mistakes({})
    assert len(mistakes) >= 2
    for wrong, message, *_ in mistakes:
        result = exercises.check(key, wrong)
        assert not result
        assert message in result.message, (key, wrong, result.message)


@pytest.mark.parametrize("key", DECIMAL)
def test_every_correctly_rounded_answer_passes_and_a_coarser_one_is_told_why(key):
    exercise = exercises.EXERCISES[key]
    reference, digits = exercise.reference({}), exercise.digits
    assert digits is not None and f"Give {digits} decimal" in exercise.question
    half = 0.5 * 10.0**-digits
    for answer in (round(reference, digits), reference + 0.99 * half, reference - 0.99 * half,
                   round(reference, digits + 2)):
        assert exercises.check(key, answer), (key, answer)
    coarse = round(reference, digits - 1)
    if abs(coarse - reference) > half:
        result = exercises.check(key, coarse)
        assert not result and f"asks for {digits}" in result.message, (key, coarse, result.message)


@pytest.mark.parametrize("key, answer", [("5.1", 0.61), ("5.2", 0.59), ("3.1", 0.38), ("4.2", 0.312),
                                         ("4.2", 0.313)])
def test_the_answers_the_issue_found_rejected_now_pass(key, answer):
    assert exercises.check(key, answer)


@pytest.mark.parametrize("key, answer, message", [
    ("4.1", -0.3, "that is the covariance"),
    ("4.1", -0.83, "divides by the variances"),
    ("4.4", 1980.1, "as if it were years"),
    ("4.4", 1973.2, "the sign"),
    ("4.5", 0.1, "flat prior"),
])
def test_mistake_messages_name_the_mistake_made(key, answer, message):
    result = exercises.check(key, answer)
    assert not result and message in result.message


@pytest.mark.parametrize("key", DETERMINISTIC)
def test_far_off_answer_gets_a_hint_not_the_answer(key):
    exercise = exercises.EXERCISES[key]
    reference = exercise.reference({})
    result = exercises.check(key, reference + 123.0)
    assert not result and "Hint:" in result.message
    assert f"{reference:.4g}" not in result.message.replace(f"{reference + 123.0:.4g}", "")


@pytest.mark.parametrize("key", list(exercises.EXERCISES))
def test_unanswered(key):
    assert exercises.check(key, ...).message == exercises.NOT_ANSWERED


@pytest.mark.parametrize("answer, message", [
    ("0.06", "should be a number"),
    ([0.06, 0.1], "one number, but you gave 2 values"),
    (np.array([[1.0, 2.0]]), "one number"),
    (float("nan"), "finite"),
    (True, "should be a number"),
    ({"a": 1}, "should be a number"),
])
def test_wrong_types_get_a_clear_message(answer, message):
    result = exercises.check("4.1", answer)
    assert not result and message in result.message


def test_one_element_containers_are_accepted():
    import pandas as pd

    assert exercises.check("4.1", np.array([-0.5]))
    assert exercises.check("4.1", pd.Series([-0.5]))
    assert exercises.check("4.1", np.float32(-0.5))


def test_unknown_key():
    with pytest.raises(ValueError, match="key must be an exercise number"):
        exercises.check("9.9", 1.0)
    with pytest.raises(ValueError, match="key must be"):
        exercises.hint(3)


POSTERIOR_CASES = [("2.4", "1|classroom_sigma"), ("3.4", "rho"), ("4.3", "rho")]


def _observed(key):
    """The chapter's data the exercise's model is fitted to."""
    if key == "2.4":
        return {"p(passed, n_students)": exercises._classrooms()["passed"].to_numpy()}
    if key == "3.4":
        return {"log_radon": exercises._load("radon")["log_radon"].to_numpy()}
    return {"y": exercises._cafes()["wait"].to_numpy()}


def _idata(key, name, draws, observed=True):

    posterior = {name: draws.reshape(4, -1), "sigma": np.full((4, draws.size // 4), 0.75)}
    if key == "2.4":  # the population's mean log-odds, beside its sd
        posterior["Intercept"] = np.random.default_rng(3).normal(1.3, 0.3, draws.size).reshape(4, -1)
    if key == "3.4":  # the correlated model's population: means, the two county sds (and rho, drawn above)
        rng = np.random.default_rng(2)
        posterior["mu_a"] = rng.normal(1.4, 0.05, draws.size).reshape(4, -1)
        posterior["mu_b"] = rng.normal(-0.6, 0.1, draws.size).reshape(4, -1)
        posterior["sigma_group"] = np.abs(rng.normal([0.3, 0.25], 0.05, (draws.size, 2))).reshape(4, -1, 2)
    return az.from_dict(posterior=posterior, observed_data=_observed(key) if observed else None,
                        coords={"effect": ["intercept", "slope"]}, dims={"sigma_group": ["effect"]})


@pytest.mark.parametrize("key, name", POSTERIOR_CASES)
def test_posterior_checks_look_at_the_model(key, name):
    rng = np.random.default_rng(1)
    draws = rng.normal(-0.4 if name == "rho" else 1.4, 0.2, 4000)
    reference = exercises.EXERCISES[key].reference({"idata": _idata(key, name, draws)})
    no_data = exercises.check(key, reference, idata=_idata(key, name, draws, observed=False))
    assert not no_data and "no observed data" in no_data.message

    other = az.from_dict(posterior={name: draws.reshape(4, -1), "sigma": np.full((4, 1000), 0.75)},
                         observed_data={"y": np.arange(7.0)})
    assert "not the chapter's data" in exercises.check(key, reference, idata=other).message
    stuck = draws.reshape(4, -1) + np.array([[0.0], [0.0], [0.0], [1.0]])  # one chain elsewhere
    result = exercises.check(key, reference, idata=_idata(key, name, stuck.ravel()))
    assert not result and "not converged" in result.message


@pytest.mark.parametrize("key, name", POSTERIOR_CASES)
def test_posterior_checks_use_the_students_posterior(key, name):
    rng = np.random.default_rng(1)
    draws = rng.normal(-0.4 if name == "rho" else 1.4, 0.2, 4000)
    idata = _idata(key, name, draws)
    exercise = exercises.EXERCISES[key]
    context = {"idata": idata}
    reference = exercise.reference(context)
    assert 0 < exercise.tolerance(context) < 0.05  # derived from the Monte Carlo error of these 4000 draws
    tolerance = exercise.accepted_error(context)  # and at least half a unit of the decimal asked for
    assert exercises.check(key, reference, idata=idata)
    assert exercises.check(key, reference + 0.9 * tolerance, idata=idata)
    assert not exercises.check(key, reference + 5 * tolerance + 0.01, idata=idata)
    for wrong, message, *_ in exercise.mistakes(context):
        if abs(wrong - reference) > tolerance:
            assert message in exercises.check(key, wrong, idata=idata).message
    assert "needs idata=" in exercises.check(key, reference).message
    other = az.from_dict(posterior={"something_else": draws.reshape(4, -1)})
    assert "posterior of the chapter's model" in exercises.check(key, reference, idata=other).message


def test_hint_and_result_display():
    assert "rho" in exercises.hint("4.1")
    result = exercises.check("4.1", -0.5)
    assert repr(result).startswith("correct") and "font-weight" in result._repr_html_()


def test_every_exercise_states_its_tolerance():
    for key, exercise in exercises.EXERCISES.items():
        text = exercises.describe(key)
        assert text.startswith(f"Exercise {key} ({exercise.level})") and "Accepted:" in text
        if "idata" in exercise.needs:
            assert "Monte Carlo" in exercise.tolerance_note


def test_a_count_must_be_a_whole_number():
    assert exercises.check("6.2", 3600) and exercises.check("6.2", 3600.0) and exercises.check("6.7", 180)
    result = exercises.check("6.2", 3600.5)
    assert not result and "whole number" in result.message
