"""The correlated varying-slopes model (PyMC, LKJ prior) and predictions from it."""

import numpy as np
import pandas as pd
import pytest

from course_lib import models, simulate


@pytest.fixture(scope="session")
def cafe_fit():
    # 40 cafes with a known correlation of -0.7 between morning waits and afternoon differences.
    df = simulate.cafes(n_cafes=40, n_visits=10, rng=np.random.default_rng(7))
    model, idata = models.correlated_slopes(df, y="wait", x="afternoon", group="cafe", chains=4,
                                            draws=2000, tune=2000, target_accept=0.95, random_seed=7)
    return df, idata


def test_correlated_slopes_recovers_the_correlation(cafe_fit):
    import arviz as az

    df, idata = cafe_fit
    models.check_convergence(idata, var_names=["mu", "sigma_group", "rho", "sigma"])
    lo, hi = az.hdi(idata, var_names=["rho"], hdi_prob=0.94)["rho"].to_numpy()
    assert lo < -0.7 < hi
    assert hi < 0  # 40 cafes are enough to tell the sign
    truth = df.attrs["truth"]
    summary = models.slopes_summary(idata, kind="correlated")
    assert summary["intercept"] == pytest.approx(truth["a"], abs=0.5)
    assert summary["slope"] == pytest.approx(truth["b"], abs=0.4)
    assert summary["sd residual"] == pytest.approx(truth["sigma"], abs=0.1)


def test_correlated_slopes_group_effects_track_the_truth(cafe_fit):
    df, idata = cafe_fit
    effects = idata.posterior["effects"].mean(("chain", "draw")).to_pandas()
    truth = df.groupby("cafe")[["a_cafe", "b_cafe"]].first()
    truth.index = truth.index.astype(str)
    assert np.corrcoef(effects.loc[truth.index, "intercept"], truth["a_cafe"])[0, 1] > 0.95
    assert np.corrcoef(effects.loc[truth.index, "slope"], truth["b_cafe"])[0, 1] > 0.8


def test_predict_new_group_is_wider(cafe_fit):
    _, idata = cafe_fit
    rng = np.random.default_rng(1)
    known = models.predict_new(idata, x=1.0, group="3", rng=rng)
    new = models.predict_new(idata, x=1.0, group=None, rng=rng)
    assert known.shape == new.shape == (8000,)
    assert new.std() > known.std()


@pytest.mark.parametrize("kwargs, message", [
    ({"x": 0.0, "group": "no such cafe"}, "group 'no such cafe' is not one"),
    ({"x": float("nan"), "group": None}, "x must be a finite"),
])
def test_predict_new_bad_input(cafe_fit, kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.predict_new(cafe_fit[1], rng=np.random.default_rng(1), **kwargs)


def test_predict_new_needs_the_correlated_model():
    import arviz as az

    idata = az.from_dict(posterior={"mu_a": np.zeros((2, 10))})
    with pytest.raises(ValueError, match="correlated_slopes"):
        models.predict_new(idata, x=0.0, rng=np.random.default_rng(1))


CAFES = simulate.cafes(n_cafes=4, n_visits=4, rng=np.random.default_rng(1))


@pytest.mark.parametrize("kwargs, message", [
    ({"y": "nope"}, "no column"),
    ({"eta": 0}, "eta must be positive"),
    ({"eta": -1}, "eta must be positive"),
    ({"intercept_prior": (0, -1)}, "intercept_prior sd must be positive"),
    ({"slope_prior": 3}, "slope_prior must be a"),
    ({"sd_rate": 0}, "sd_rate must be positive"),
    ({"draws": 0}, "draws must be at least 1"),
    ({"target_accept": 1.0}, "target_accept"),
    ({"random_seed": 1.5}, "random_seed must be an integer"),
    ({"sampler": "blackjax"}, "sampler must be one of"),
])
def test_correlated_slopes_bad_input_fails_before_pymc(kwargs, message):
    args = {"y": "wait", "x": "afternoon", "group": "cafe", "random_seed": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        models.correlated_slopes(CAFES, **args)


def test_correlated_slopes_constant_predictor():
    with pytest.raises(ValueError, match="constant"):
        models.correlated_slopes(CAFES.assign(afternoon=1), y="wait", x="afternoon", group="cafe", random_seed=1)


def test_slopes_summary_bad_input():
    import arviz as az

    with pytest.raises(ValueError, match="kind must be one of"):
        models.slopes_summary(None, kind="lmer")
    with pytest.raises(ValueError, match="Bambi"):
        models.slopes_summary(az.from_dict(posterior={"Intercept": np.zeros((2, 5))}), kind="bambi")
