import arviz as az
import numpy as np
import pandas as pd
import pytest

from course_lib import data, models


@pytest.fixture(scope="session")
def small_fit():
    from course_lib import data

    df = data.load("anoles")
    return models.fit("time ~ size + (1 | stream)", df, draws=300, tune=300, chains=2,
                      target_accept=0.95, random_seed=3)


def _idata(chain_means, n=500, diverging=0, seed=0):
    rng = np.random.default_rng(seed)
    draws = np.stack([rng.normal(m, 1.0, n) for m in chain_means])
    div = np.zeros(draws.shape, dtype=bool)
    div.flat[:diverging] = True
    return az.from_dict(posterior={"mu": draws}, sample_stats={"diverging": div})


def test_check_convergence_passes_good_chains():
    result = models.check_convergence(_idata([0.0, 0.0, 0.0, 0.0]))
    assert result["ok"] and result["r_hat_max"] < 1.01 and result["divergences"] == 0


def test_check_convergence_fails_on_chains_that_disagree():
    with pytest.raises(models.ConvergenceError, match="r_hat"):
        models.check_convergence(_idata([0.0, 0.0, 3.0, 3.0]))


def test_check_convergence_fails_on_divergences():
    with pytest.raises(models.ConvergenceError, match="3 divergent transitions"):
        models.check_convergence(_idata([0.0] * 4, diverging=3))


def test_check_convergence_fails_on_low_ess():
    with pytest.raises(models.ConvergenceError, match="bulk ESS"):
        models.check_convergence(_idata([0.0] * 2, n=50))


def test_check_convergence_needs_idata():
    with pytest.raises(ValueError, match="idata must be an InferenceData"):
        models.check_convergence({"mu": [1, 2]})


def test_fit_recovers_reml_neighbourhood(small_fit):
    model, idata = small_fit
    assert set(idata.posterior.data_vars) >= {"Intercept", "size", "1|stream", "1|stream_sigma"}
    assert idata.posterior.sizes["chain"] == 2 and idata.posterior.sizes["draw"] == 300
    # REML: 5.6627 and 0.2339; the posterior means sit within a posterior sd of them
    post = idata.posterior
    assert abs(float(post["Intercept"].mean()) - 5.6627) < float(post["Intercept"].std())
    assert abs(float(post["size"].mean()) - 0.2339) < float(post["size"].std())


def test_posterior_mean_and_side_by_side(small_fit):
    _, idata = small_fit
    assert models.posterior_mean(idata, "1|stream").shape == (10,)
    table = models.side_by_side({"partial": idata}, {"partial": pd.Series({"Intercept": 5.66, "size": 0.23})})
    assert table.index.tolist() == [("partial", "Intercept"), ("partial", "size")]
    assert list(table.columns) == ["classical", "mean", "sd", "hdi_3%", "hdi_97%"]
    with pytest.raises(ValueError, match="not in the posterior"):
        models.side_by_side({"partial": idata}, {"partial": pd.Series({"slope": 1.0})})
    with pytest.raises(ValueError, match="same models"):
        models.side_by_side({"partial": idata}, {"other": pd.Series({"size": 1.0})})
    with pytest.raises(ValueError, match="name 'beta' is not in the posterior"):
        models.posterior_mean(idata, "beta")


@pytest.mark.parametrize("formula, kwargs, message", [
    ("time size", {}, "formula must be a string like"),
    (42, {}, "formula must be a string like"),
    ("time ~ weight", {}, r"column\(s\) \['weight'\]"),
    ("time ~ size", dict(draws=0), "draws must be at least 1"),
    ("time ~ size", dict(chains=1.5), "chains must be an integer"),
    ("time ~ size", dict(target_accept=1.2), r"target_accept must lie in \(0, 1\)"),
    ("time ~ size", dict(random_seed="x"), "random_seed must be an integer"),
])
def test_fit_bad_input_fails_before_pymc(anoles, formula, kwargs, message):
    kwargs.setdefault("random_seed", 1)
    with pytest.raises(ValueError, match=message):
        models.fit(formula, anoles, **kwargs)


def test_diagnostics_is_a_table_a_reader_can_read():
    table = models.diagnostics({"a": _idata([0.0] * 4), "b": _idata([0.0] * 4, seed=1)})
    assert list(table.index) == ["a", "b"]
    assert list(table.columns) == ["largest r_hat", "smallest bulk ESS", "smallest tail ESS", "divergences", "draws"]
    assert (table["largest r_hat"] < 1.01).all() and (table["draws"] == 2000).all()


@pytest.mark.parametrize("chains, match", [
    (dict(chain_means=[0.0, 0.0, 3.0, 3.0]), "did not converge for \\['bad'\\]"),
    (dict(chain_means=[0.0] * 4, diverging=2), "did not converge for \\['bad'\\]"),
    (dict(chain_means=[0.0] * 2, n=50), "did not converge for \\['bad'\\]"),
])
def test_diagnostics_raises_on_a_broken_fit(chains, match):
    with pytest.raises(models.ConvergenceError, match=match):
        models.diagnostics({"good": _idata([0.0] * 4), "bad": _idata(**chains)})


def test_diagnostics_needs_idata():
    with pytest.raises(ValueError, match="fits\\['x'\\] must be an InferenceData"):
        models.diagnostics({"x": {"mu": [1, 2]}})
    with pytest.raises(ValueError, match="fits must hold"):
        models.diagnostics({})


def test_sampler_seed_adds_the_offset(monkeypatch):
    monkeypatch.setenv(models.SEED_OFFSET, "1000")
    assert models.sampler_seed(7) == 1007
    monkeypatch.setenv(models.SEED_OFFSET, "x")
    with pytest.raises(ValueError, match=models.SEED_OFFSET):
        models.sampler_seed(7)
    with pytest.raises(ValueError, match="random_seed"):
        models.sampler_seed(1.5)


def test_prior_table_lists_every_parameter_with_its_prior():
    import bambi as bmb

    radon = data.load("radon")
    model = bmb.Model("log_radon ~ floor + (floor | county)", radon)
    table = models.prior_table({"floor slopes": model})
    assert table.index.get_level_values("parameter").tolist() == ["Intercept", "floor", "1|county",
                                                                  "floor|county", "sigma"]
    assert table.loc[("floor slopes", "1|county"), "prior"].startswith("Normal(mu: 0.00, sigma: HalfNormal(")
    anoles = data.load("anoles")
    per_stream = models.prior_table({"no pooling": bmb.Model("time ~ 0 + stream + size", anoles)})
    assert "by level" in per_stream.loc[("no pooling", "stream"), "prior"]
    with pytest.raises(TypeError, match="fitted"):
        models.prior_table({"m": "not a model"})
    with pytest.raises(TypeError, match="fitted"):
        models.prior_table({})
