"""Every automatic check accepts the reference answer and rejects plausible wrong ones, with the
message a student needs."""

import numpy as np
import pytest

from course_lib import exercises

DETERMINISTIC = [k for k, e in exercises.EXERCISES.items() if not e.needs]
POSTERIOR = [k for k, e in exercises.EXERCISES.items() if e.needs]


def test_every_chapter_has_four_checked_exercises():
    chapters = {}
    for key, exercise in exercises.EXERCISES.items():
        chapters.setdefault(key.split(".")[0], []).append(exercise.level)
    assert sorted(chapters) == ["1", "2", "3", "4", "5"]
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
    for wrong, message in mistakes:
        result = exercises.check(key, wrong)
        assert not result
        assert message in result.message, (key, wrong, result.message)


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

    assert exercises.check("4.1", np.array([0.06]))
    assert exercises.check("4.1", pd.Series([0.06]))
    assert exercises.check("4.1", np.float32(0.06))


def test_unknown_key():
    with pytest.raises(ValueError, match="key must be an exercise number"):
        exercises.check("9.9", 1.0)
    with pytest.raises(ValueError, match="key must be"):
        exercises.hint(3)


def _posterior(values, name):
    import arviz as az

    return az.from_dict(posterior={name: np.asarray(values).reshape(4, -1)})


@pytest.mark.parametrize("key, name", [("2.4", "1|classroom_sigma"), ("3.4", "mu_a"), ("4.3", "rho")])
def test_posterior_checks_use_the_students_posterior(key, name):
    rng = np.random.default_rng(1)
    draws = rng.normal(-0.4 if name == "rho" else 1.4, 0.2, 4000)
    posterior = {name: draws.reshape(4, -1), "sigma": np.full((4, 1000), 0.75)}
    import arviz as az

    idata = az.from_dict(posterior=posterior)
    exercise = exercises.EXERCISES[key]
    context = {"idata": idata}
    reference = exercise.reference(context)
    tolerance = exercise.tolerance(context)
    assert 0 < tolerance < 0.05  # derived from the Monte Carlo error of these 4000 draws
    assert exercises.check(key, reference, idata=idata)
    assert exercises.check(key, reference + 0.9 * tolerance, idata=idata)
    assert not exercises.check(key, reference + 5 * tolerance + 0.01, idata=idata)
    for wrong, message in exercise.mistakes(context):
        if abs(wrong - reference) > tolerance:
            assert message in exercises.check(key, wrong, idata=idata).message
    assert "needs idata=" in exercises.check(key, reference).message
    other = az.from_dict(posterior={"something_else": draws.reshape(4, -1)})
    assert "posterior of the chapter's model" in exercises.check(key, reference, idata=other).message


def test_hint_and_result_display():
    assert "rho" in exercises.hint("4.1")
    result = exercises.check("4.1", 0.06)
    assert repr(result).startswith("correct") and "font-weight" in result._repr_html_()


def test_every_exercise_states_its_tolerance():
    for key, exercise in exercises.EXERCISES.items():
        text = exercises.describe(key)
        assert text.startswith(f"Exercise {key} ({exercise.level})") and "Accepted:" in text
        if exercise.needs:
            assert "Monte Carlo" in exercise.tolerance_note
