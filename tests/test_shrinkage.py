import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from course_lib import shrinkage, simulate


def test_classrooms_simulator_shape_truth_and_seed():
    a = simulate.classrooms(rng=np.random.default_rng(3))
    b = simulate.classrooms(rng=np.random.default_rng(3))
    assert a.equals(b) and a.shape == (60, 5)
    assert a["n_students"].value_counts().to_dict() == {5: 15, 10: 15, 25: 15, 35: 15}
    assert a["passed"].between(0, a["n_students"]).all()
    assert np.allclose(a["true_p"], expit(a["true_log_odds"]))
    assert a.attrs["truth"] == {"a_bar": 1.5, "sigma": 1.5}


@pytest.mark.parametrize("kwargs, message", [
    (dict(sigma=-1.0), "sigma must be non-negative"),
    (dict(n_students=(5, 0)), "at least 1"),
    (dict(n_per_size=0), "n_per_size must be at least 1"),
])
def test_classrooms_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate.classrooms(rng=np.random.default_rng(1), **kwargs)


def test_conditional_means_limits():
    passed, n = [0, 2, 5, 20, 35], [5, 5, 5, 35, 35]
    # sigma -> 0: every classroom gets logistic(a_bar); at a_bar = logit(pooled) that is the pooled proportion
    pooled = sum(passed) / sum(n)
    tiny = shrinkage.conditional_means(passed, n, a_bar=np.log(pooled / (1 - pooled)), sigma=1e-8)
    assert np.allclose(tiny, pooled, atol=1e-7)
    # sigma large: the raw proportions, for classrooms where some but not all passed
    huge = shrinkage.conditional_means(passed, n, a_bar=0.0, sigma=1e4)
    assert np.allclose(huge[[1, 3]], [0.4, 20 / 35], atol=1e-4)
    # all or none passed: finite and on the right side
    assert 0 <= huge[0] < 0.05 and 0.95 < huge[2] <= 1 and huge[4] > 0.95


def test_conditional_means_match_brute_force_integral():
    grid = np.linspace(-15, 15, 200_001)
    a_bar, sigma, s, n = 0.7, 1.3, 4, 10
    weight = np.exp(s * grid - n * np.logaddexp(0, grid) - 0.5 * ((grid - a_bar) / sigma) ** 2)
    exact = np.sum(weight * expit(grid)) / np.sum(weight)
    assert shrinkage.conditional_means([s], [n], a_bar=a_bar, sigma=sigma)[0] == pytest.approx(exact, abs=1e-6)


def test_partial_pooling_shrinks_toward_the_global_mean():
    df = simulate.classrooms(rng=np.random.default_rng(11))
    est = shrinkage.partial_pooling(df["passed"], df["n_students"])
    g = est.attrs["global_mean"]
    # shrinkage acts on the log-odds scale, so a classroom right next to the global mean can land
    # just past it on the probability scale; every classroom 0.1 or more away is pulled closer
    far = (est["p_none"] - g).abs() >= 0.1
    assert far.sum() > 20
    assert np.all((est["p_partial"] - g).abs()[far] < (est["p_none"] - g).abs()[far])
    # small classes are shrunk more than large ones
    pull = (est["p_none"] - est["p_partial"]).abs() / (est["p_none"] - g).abs().clip(lower=1e-9)
    assert pull[df["n_students"] == 5].median() > pull[df["n_students"] == 35].median()


def test_partial_pooling_beats_no_pooling_for_small_classes():
    # A statistical property over 40 simulated schools (2,400 classrooms). In 200 schools the mean
    # errors were about 0.097 (no pooling) vs 0.080 (partial) for classes of 5 and 0.072 vs 0.065
    # for classes of 10, with standard errors of the difference about 0.002: the margins below are
    # several standard errors wide, so this cannot pass by luck (or fail by it).
    rng = np.random.default_rng(99)
    tables = []
    for _ in range(40):
        df = simulate.classrooms(rng=rng)
        df = df.join(shrinkage.partial_pooling(df["passed"], df["n_students"]))
        tables.append(shrinkage.error_table(df))
    mae = sum(tables) / len(tables)
    assert mae.loc[5, "p_partial"] < mae.loc[5, "p_none"] - 0.008
    assert mae.loc[10, "p_partial"] < mae.loc[10, "p_none"] - 0.003


@pytest.mark.parametrize("passed, n, message", [
    ([6], [5], "between 0 and n_students"),
    ([-1], [5], "between 0 and n_students"),
    ([1, 2], [5], "same length"),
    ([1.5], [5], "passed must hold whole numbers"),
    ([1], [0], "at least 1"),
    (["a"], [5], "passed must hold whole numbers"),
])
def test_bad_counts(passed, n, message):
    with pytest.raises(ValueError, match=message):
        shrinkage.partial_pooling(passed, n)


def test_bad_settings():
    with pytest.raises(ValueError, match="sigma must be positive"):
        shrinkage.conditional_means([1], [5], a_bar=0.0, sigma=0.0)
    with pytest.raises(ValueError, match="grid_size must be at least 5"):
        shrinkage.partial_pooling([1], [5], grid_size=2)
    with pytest.raises(ValueError, match="a_bar_sd must be positive"):
        shrinkage.partial_pooling([1], [5], a_bar_sd=-1)


def test_pair_cache_agrees_with_the_centred_grid_and_reuses_its_integrals():
    cache = shrinkage.PairCache()
    for seed in range(5):
        d = simulate.classrooms(rng=np.random.default_rng(seed))
        a = shrinkage.partial_pooling(d["passed"], d["n_students"])
        b = cache.partial_pooling(d["passed"], d["n_students"])
        # the same model on two grids: both within their discretisation error (about 0.02 at worst)
        assert np.abs(a["p_partial"] - b["p_partial"]).max() < 0.03
        assert abs(a.attrs["global_mean"] - b.attrs["global_mean"]) < 0.01
        assert (b["p_none"] == a["p_none"]).all()
    pairs = len(cache._pairs)
    assert pairs <= 79  # class sizes 5, 10, 25, 35 allow 6 + 11 + 26 + 36 pairs
    again = cache.partial_pooling(d["passed"], d["n_students"])
    assert len(cache._pairs) == pairs and again.equals(b)


def test_pair_cache_bad_input():
    with pytest.raises(ValueError, match="a_points must be at least 5"):
        shrinkage.PairCache(a_points=2)
    with pytest.raises(ValueError, match="passed"):
        shrinkage.PairCache().partial_pooling([6], [5])


def test_replicate_errors_partial_pooling_wins_on_average_for_small_classes():
    table = shrinkage.replicate_errors(n_sims=20, a_bar=1.5, sigma=1.5, n_per_size=10,
                                       rng=np.random.default_rng(3))
    assert list(table.columns) == ["sim", "n_students", "error_none", "error_partial", "difference"]
    assert len(table) == 20 * 4
    by_size = table.groupby("n_students")["difference"].mean()
    assert by_size.loc[5] > 0.01  # a clear average gain where classes are small
    assert abs(by_size.loc[35]) < by_size.loc[5]  # and less to gain where they are large


def test_error_table_squared_loss_is_the_root_mean_square_error():
    d = pd.DataFrame({"n_students": [5, 5, 10], "true_p": [0.5, 0.5, 0.2], "p_none": [0.4, 0.8, 0.2]})
    table = shrinkage.error_table(d, estimates=["p_none"], loss="squared")
    assert table.loc[5, "p_none"] == pytest.approx(np.sqrt((0.1**2 + 0.3**2) / 2))
    assert table.loc[10, "p_none"] == pytest.approx(0.0)
    assert shrinkage.error_table(d, estimates=["p_none"]).loc[5, "p_none"] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="loss must be 'absolute' or 'squared'"):
        shrinkage.error_table(d, estimates=["p_none"], loss="median")
    with pytest.raises(ValueError, match="loss must be"):
        shrinkage.replicate_errors(n_sims=1, a_bar=0.0, sigma=1.0, rng=np.random.default_rng(0), loss="median")


def test_several_losses_measure_the_same_simulated_schools():
    both = shrinkage.replicate_errors(n_sims=3, a_bar=0.5, sigma=2.0, n_per_size=4, rng=np.random.default_rng(7),
                                      loss=("absolute", "squared"))
    for name in ("absolute", "squared"):
        alone = shrinkage.replicate_errors(n_sims=3, a_bar=0.5, sigma=2.0, n_per_size=4,
                                           rng=np.random.default_rng(7), loss=name)
        mine = both[both["loss"] == name].drop(columns="loss").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)
