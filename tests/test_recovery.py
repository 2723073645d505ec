"""The recovery machinery on cases whose answers are known, and its ability to catch a bad fit."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from course_lib import recovery, simulate

PRIOR_SD, NOISE_SD, N_OBS = 1.0, 1.0, 5


def _normal_mean_data(rng):
    """A mean drawn from its prior, and N_OBS observations with known sd."""
    mu = rng.normal(0.0, PRIOR_SD)
    return pd.DataFrame({"y": rng.normal(mu, NOISE_SD, N_OBS)}).pipe(_with_truth, mu)


def _with_truth(df, mu):
    df.attrs["truth"] = {"mu": mu}
    return df


def _conjugate(prior_sd):
    """The exact posterior of a normal mean (known sd, Normal(0, prior_sd) prior), as a study's rows."""
    def fit(df, truth, sim):
        precision = 1 / prior_sd**2 + len(df) / NOISE_SD**2
        mean, sd = df["y"].sum() / NOISE_SD**2 / precision, precision**-0.5
        row = {"parameter": "mu", "truth": truth["mu"], "estimate": mean}
        for prob in recovery.PROBS:
            half = stats.norm.ppf(0.5 + prob / 2) * sd
            row[f"lower_{round(prob * 100)}"], row[f"upper_{round(prob * 100)}"] = mean - half, mean + half
        draws = stats.norm.ppf((np.arange(100) + 0.5) / 100, mean, sd)
        row["rank"], row["n_ranks"] = int(np.sum(draws < truth["mu"])), 100
        return pd.DataFrame([row])
    return fit


@pytest.fixture(scope="module")
def conjugate_study():
    fits = {"exact": _conjugate(PRIOR_SD), "misfit prior": _conjugate(0.2)}
    return recovery.run_study(_normal_mean_data, fits, n_sims=2000, seed=11)


def test_exact_posterior_intervals_cover_as_promised(conjugate_study):
    cover = recovery.coverage(conjugate_study, prob=0.9).loc[("exact", "mu")]
    assert cover["low"] <= 0.9 <= cover["high"]
    assert abs(cover["coverage"] - 0.9) < 3 * np.sqrt(0.9 * 0.1 / 2000)
    half = recovery.coverage(conjugate_study, prob=0.5).loc[("exact", "mu")]
    assert half["low"] <= 0.5 <= half["high"]


def test_a_wrong_prior_undercovers_and_fails_sbc(conjugate_study):
    cover = recovery.coverage(conjugate_study, prob=0.9).loc[("misfit prior", "mu")]
    assert cover["high"] < 0.85
    checks = recovery.sbc_ranks_check(conjugate_study)
    assert checks.loc[("exact", "mu"), "band"] == "inside"
    assert checks.loc[("misfit prior", "mu"), "band"] == "outside"


def test_sbc_band_holds_uniform_ranks_about_95_percent_of_the_time():
    rng = np.random.default_rng(4)
    band = recovery.sbc_band(50, 20)
    inside = [np.all((band["lower"] <= recovery.sbc_ecdf(r, 20) + 1e-12) & (recovery.sbc_ecdf(r, 20) <= band["upper"] + 1e-12))
              for r in rng.integers(0, 21, size=(400, 50))]
    assert 0.9 <= np.mean(inside) <= 0.99


def test_reml_estimates_and_standard_errors_match_statsmodels():
    from statsmodels.regression.mixed_linear_model import MixedLM

    df = simulate.varying_intercepts(n_per_group=[3, 5, 8, 2, 10, 6, 4, 7], a_bar=1.0, sigma_a=0.6, sigma=0.8,
                                     rng=np.random.default_rng(5))
    mine = recovery.reml_estimates(df, df.attrs["truth"]).set_index("parameter")["estimate"]
    sm = MixedLM(df["y"].to_numpy(), np.ones((len(df), 1)), groups=df["group"].astype(int).to_numpy()).fit(reml=True)
    assert mine["a_bar"] == pytest.approx(np.asarray(sm.fe_params)[0], abs=1e-5)
    assert mine["sigma_a"] == pytest.approx(np.sqrt(np.asarray(sm.cov_re)[0, 0]), abs=1e-4)
    assert mine["sigma"] == pytest.approx(np.sqrt(sm.scale), abs=1e-4)
    se = recovery.reml_standard_errors(df, sigma_a=mine["sigma_a"], sigma=mine["sigma"])
    # the GLS standard error (lme4's); statsmodels takes its own from the whole likelihood's Hessian
    assert se["a_bar"] == pytest.approx(np.asarray(sm.bse_fe)[0], rel=1e-2)
    # statsmodels reports the se of psi = sigma_a^2 / sigma^2 (its profiled parameter)
    assert se["psi"] == pytest.approx(np.sqrt(np.asarray(sm.cov_params())[1, 1]), rel=1e-2)


def test_reml_at_the_boundary_has_no_interval():
    df = pd.DataFrame({"group": np.repeat([1, 2, 3], 4), "y": np.tile([0.0, 1.0, 2.0, 3.0], 3)})
    rows = recovery.reml_estimates(df, {"a_bar": 0, "sigma_a": 0, "sigma": 1}).set_index("parameter")
    assert rows.loc["sigma_a", "estimate"] == pytest.approx(0, abs=1e-6)
    assert np.isnan(rows.loc["sigma_a", "lower_90"])
    cover = recovery.coverage(rows.reset_index().assign(method="REML"), prob=0.9)
    assert cover.loc[("REML", "sigma_a"), "no_interval"] == 1 and cover.loc[("REML", "sigma_a"), "coverage"] == 0
    # sigma keeps its interval: the curvature in sigma^2 alone, sigma / sqrt(2 (N - 1))
    half = rows.loc["sigma", "upper_90"] - rows.loc["sigma", "estimate"]
    assert half == pytest.approx(stats.norm.ppf(0.95) * rows.loc["sigma", "estimate"] / np.sqrt(2 * 11), rel=1e-9)
    assert rows.loc["sigma", "lower_90"] < rows.loc["sigma", "estimate"]


def test_coverage_by_one_column_has_a_plain_index():
    t = pd.DataFrame({"size": [1, 1, 2], "truth": 0.0, "lower_90": -1.0, "upper_90": [1.0, -0.5, 1.0]})
    cover = recovery.coverage(t, by="size")
    assert cover.index.tolist() == [1, 2] and cover["coverage"].tolist() == [0.5, 1.0]


def test_centring_weights_follow_group_size():
    codes = np.repeat(np.arange(4), [1, 4, 16, 64])
    y = np.random.default_rng(2).normal(np.repeat([0.0, 1.0, -1.0, 0.5], [1, 4, 16, 64]), 1.0)
    w = recovery.centring_weights(codes, y, 5)
    assert np.all(np.diff(w[:4]) > 0) and w[4] == 0 and np.all((0 <= w) & (w < 1))


@pytest.mark.parametrize("bad", [dict(n_sims=0), dict(seed=-1), dict(fits={"x": 1})])
def test_run_study_names_bad_arguments(bad):
    args = dict(simulate=lambda rng: None, fits={"REML": recovery.reml_estimates}, n_sims=1, seed=0) | bad
    with pytest.raises(ValueError, match="n_sims|seed|fits"):
        recovery.run_study(**args)


def test_coverage_rejects_an_unknown_level():
    with pytest.raises(ValueError, match="prob"):
        recovery.coverage(pd.DataFrame({"method": ["m"], "parameter": ["p"], "truth": [0.0]}), prob=0.8)
