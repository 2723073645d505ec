"""Predictive checks: the test statistics, on known data and on bad input."""

import numpy as np
import pandas as pd
import pytest

from course_lib import checking, simulate


def test_empirical_slopes_recover_the_simulated_slopes():
    votes = simulate.voting(voters=(4000, 5000), rng=np.random.default_rng(1))
    truth = votes.attrs["truth"]["states"]["slope"]
    slopes = checking.empirical_slopes(votes, successes="republican", trials="n", x="income", group="state")
    assert np.abs(slopes - truth.reindex(slopes.index)).max() < 0.1


def test_slope_trend_sees_the_wealth_pattern_and_its_absence():
    def trend(votes):
        return checking.slope_trend(votes, successes="republican", trials="n", x="income", group="state",
                                    covariate="wealth")

    steeper_when_poor = simulate.voting(voters=(2000, 3000), rng=np.random.default_rng(2))
    same_slope = simulate.voting(voters=(2000, 3000), slope_by_wealth=0.0, rng=np.random.default_rng(2))
    assert trend(steeper_when_poor) == pytest.approx(-0.3, abs=0.05)
    assert trend(same_slope) == pytest.approx(0.0, abs=0.05)


def test_replicated_statistic_and_tail_probability():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0]})
    reps = np.arange(30.0).reshape(10, 3)
    stats = checking.replicated_statistic(lambda f: f["y"].sum(), df, reps, column="y")
    assert stats.tolist() == [3.0 + 9 * i for i in range(10)]
    assert df["y"].tolist() == [1.0, 2.0, 3.0]  # the real data are untouched
    assert checking.tail_probability(-5.0, stats) == 0.0
    assert checking.tail_probability(np.median(stats), stats) == 1.0


@pytest.mark.parametrize("call, message", [
    (lambda d: checking.empirical_slopes(d, successes=[1, 2], trials="n", x="x", group="g"), "one value per row"),
    (lambda d: checking.empirical_slopes(d.assign(s=99), successes="s", trials="n", x="x", group="g"),
     "between 0 and the number of trials"),
    (lambda d: checking.empirical_slopes(d.assign(x=1), successes="s", trials="n", x="x", group="g"),
     "fewer than two values"),
    (lambda d: checking.slope_trend(d, successes="s", trials="n", x="x", group="g", covariate="c"),
     "same in every group"),
    (lambda d: checking.replicated_statistic(len, d, np.zeros((2, 3)), column="s"), r"shape \(n_replicates, 4\)"),
    (lambda d: checking.replicated_statistic(3, d, np.zeros((2, 4)), column="s"), "statistic must be callable"),
    (lambda d: checking.tail_probability(0.0, []), "non-empty"),
    (lambda d: checking.tail_probability(float("nan"), [1.0]), "observed must be a finite"),
])
def test_bad_input(call, message):
    d = pd.DataFrame({"g": list("aabb"), "x": [0, 1, 0, 1], "s": [1, 2, 3, 4], "n": [5] * 4, "c": [1.0] * 4})
    with pytest.raises(ValueError, match=message):
        call(d)
