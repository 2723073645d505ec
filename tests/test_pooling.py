import numpy as np
import pandas as pd
import pytest

from course_lib import pooling, simulate


def test_complete_pooling_reproduces_lm(anoles):
    fit = pooling.complete_pooling(anoles, y="time", group="stream", x="size")
    assert round(fit.attrs["mu"], 5) == 5.60847
    assert round(fit.attrs["slope"], 5) == -0.29246
    assert round(fit.attrs["sigma"], 3) == 1.589
    assert np.allclose(fit["intercept"], fit.attrs["mu"])


def test_no_pooling_reproduces_lm(anoles):
    fit = pooling.no_pooling(anoles, y="time", group="stream", x="size")
    assert fit["intercept"].round(2).tolist() == [7.34, 2.71, 6.29, 8.20, 4.75, 8.06, 4.16, 7.70, 3.85, 3.46]
    assert round(fit.attrs["slope"], 2) == 0.47 and round(fit.attrs["sigma"], 2) == 1.15


def test_reml_reproduces_lmer_anoles(anoles):
    fit = pooling.reml(anoles, y="time", group="stream", x="size")
    assert fit.fixed.round(4).tolist() == [5.6627, 0.2339]
    effects = fit.group_effects["Intercept"].round(4).tolist()
    assert effects[0] == 1.0819 and effects[-1] == -1.6931


def test_reml_reproduces_lmer_radon(radon):
    fit = pooling.reml(radon, y="log_radon", group="county")
    assert round(fit.fixed["Intercept"], 5) == 1.31258
    assert round(fit.sd["Intercept"], 4) == 0.3095 and round(fit.sd["Residual"], 4) == 0.7979
    assert round(fit.criterion, 1) == 2259.4
    assert round(fit.coef().loc["AITKIN", "Intercept"], 5) == 1.06750


def test_reml_random_slopes_radon(radon):
    fit = pooling.reml(radon, y="log_radon", group="county", x="floor", random_slope=True)
    assert fit.fixed.round(4).tolist() == [1.4628, -0.6811]
    assert round(fit.sd["Intercept"], 4) == 0.3487 and round(fit.sd["floor"], 3) == 0.344
    assert round(fit.corr, 2) == -0.34 and round(fit.sd["Residual"], 4) == 0.7462
    assert round(fit.criterion, 1) == 2168.3


def test_closed_form_at_reml_variances_is_reml(anoles):
    fit = pooling.reml(anoles, y="time", group="stream", x="size")
    est = pooling.partial_pooling(anoles, y="time", group="stream", x="size",
                                  sigma_group=fit.sd["Intercept"], sigma=fit.sd["Residual"])
    assert np.allclose(est["intercept"], fit.coef()["Intercept"], atol=1e-8)
    assert est.attrs["slope"] == pytest.approx(fit.fixed["size"], abs=1e-8)


@pytest.mark.parametrize("x", [None, "size"])
def test_partial_pooling_limits_are_complete_and_no_pooling(anoles, x):
    args = dict(y="time", group="stream", x=x)
    tiny = pooling.partial_pooling(anoles, sigma_group=1e-9, sigma=1.0, **args)
    huge = pooling.partial_pooling(anoles, sigma_group=1e9, sigma=1.0, **args)
    assert np.allclose(tiny["intercept"], pooling.complete_pooling(anoles, **args)["intercept"], atol=1e-6)
    assert np.allclose(huge["intercept"], pooling.no_pooling(anoles, **args)["intercept"], atol=1e-6)
    assert np.all(tiny["weight"] < 1e-9) and np.all(huge["weight"] > 1 - 1e-9)


def test_partial_pooling_radon_limits_are_pooled_mean_and_county_means(radon):
    zero = pooling.partial_pooling(radon, y="log_radon", group="county", sigma_group=0.0, sigma=0.8)
    inf = pooling.partial_pooling(radon, y="log_radon", group="county", sigma_group=np.inf, sigma=0.8)
    assert np.allclose(zero["intercept"], radon["log_radon"].mean())
    county_means = radon.groupby("county", observed=True)["log_radon"].mean()
    assert np.allclose(inf["intercept"], county_means.to_numpy())


def test_partial_pooling_weights_and_order(anoles):
    est = pooling.partial_pooling(anoles, y="time", group="stream", x="size", sigma_group=1.5, sigma=1.2)
    n = est["n"].to_numpy()
    expected = (n / 1.2**2) / (n / 1.2**2 + 1 / 1.5**2)
    assert np.allclose(est["weight"], expected)
    assert est.index.tolist() == list(range(1, 11))


@pytest.mark.parametrize("kwargs, message", [
    (dict(sigma_group=-1.0, sigma=1.0), "sigma_group must be non-negative, got -1.0"),
    (dict(sigma_group=1.0, sigma=0.0), "sigma must be positive, got 0.0"),
    (dict(sigma_group="big", sigma=1.0), "sigma_group must be a number"),
    (dict(sigma_group=1.0, sigma=np.inf), "sigma must be finite"),
])
def test_partial_pooling_bad_sds(anoles, kwargs, message):
    with pytest.raises(ValueError, match=message):
        pooling.partial_pooling(anoles, y="time", group="stream", **kwargs)


def test_bad_columns(anoles):
    with pytest.raises(ValueError, match=r"no column\(s\) \['weight'\]"):
        pooling.no_pooling(anoles, y="weight", group="stream")
    with pytest.raises(ValueError, match="'stream' must be numeric"):
        pooling.no_pooling(anoles, y="stream", group="stream")
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        pooling.complete_pooling([1, 2], y="time", group="stream")


def test_slope_needs_variation_within_groups():
    df = pd.DataFrame({"g": ["a", "b"], "x": [1.0, 2.0], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="does not vary within any group"):
        pooling.no_pooling(df, y="y", group="g", x="x")


def test_reml_bad_input(anoles):
    with pytest.raises(ValueError, match="random_slope=True needs a predictor x"):
        pooling.reml(anoles, y="time", group="stream", random_slope=True)


@pytest.mark.parametrize("x", [None, "size"])
def test_fast_reml_matches_statsmodels(anoles, radon, x):
    df, y, g = (anoles, "time", "stream")
    fast = pooling.reml_intercepts(df, y=y, group=g, x=x)
    slow = pooling.reml(df, y=y, group=g, x=x)
    assert fast["sigma_group"] == pytest.approx(slow.sd["Intercept"], rel=1e-5)
    assert fast["sigma"] == pytest.approx(slow.sd["Residual"], rel=1e-5)
    assert fast["mu"] == pytest.approx(slow.fixed["Intercept"], abs=1e-5)


def test_fast_reml_boundary_when_groups_do_not_differ(rng):
    df = simulate.streams(n_per_stream=[20] * 10, sigma_a=0.0, rng=rng)
    assert pooling.reml_intercepts(df, y="time", group="stream", x="size")["sigma_group"] < 0.3


def test_fast_reml_needs_more_rows_than_parameters():
    df = pd.DataFrame({"g": ["a"], "y": [1.0]})
    with pytest.raises(ValueError, match="more than 1 rows"):
        pooling.reml_intercepts(df, y="y", group="g")


def test_pooling_table_is_tidy(anoles):
    table = pooling.pooling_table(anoles, y="time", group="stream", x="size")
    assert sorted(table["method"].unique()) == ["complete", "none", "partial"]
    assert table.groupby("method").size().tolist() == [10, 10, 10]
    assert table.attrs["mu_partial"] == pytest.approx(5.66269, abs=1e-4)


def test_partial_pooling_beats_no_pooling_for_single_lizard_streams():
    # A statistical property: over 200 simulated data sets partial pooling's mean absolute error
    # for n = 1 streams is about 0.80 against no pooling's 0.96 (sd of each mean about 0.03),
    # so a margin of 0.08 is more than three standard errors of the difference.
    errors = pooling.stream_errors([1, 1, 1, 5, 5, 5, 10, 10], n_sims=200, sigma=1.2,
                                   rng=np.random.default_rng(7))
    assert errors.loc[1, "partial"] < errors.loc[1, "none"] - 0.08
    assert errors.loc[10, "partial"] == pytest.approx(errors.loc[10, "none"], rel=0.1)


def test_reml_with_a_county_level_predictor(radon):
    # Gelman and Hill (2007), section 12.6: 1.47, -0.67, 0.72; county sd 0.16, residual sd 0.76.
    fit = pooling.reml(radon, y="log_radon", group="county", x=["floor", "log_uranium"])
    assert fit.fixed.round(2).to_dict() == {"Intercept": 1.47, "floor": -0.67, "log_uranium": 0.72}
    assert fit.sd.round(2).to_dict() == {"Intercept": 0.16, "Residual": 0.76}


@pytest.mark.parametrize("x", [["floor", "floor"], [1, 2]])
def test_reml_bad_predictor_list(radon, x):
    with pytest.raises(ValueError, match="x must be a column name"):
        pooling.reml(radon, y="log_radon", group="county", x=x)
