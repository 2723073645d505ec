import numpy as np
import pandas as pd
import pytest

from course_lib import simulate


def test_single_stream_is_seeded_and_tidy():
    a = simulate.single_stream(n=50, rng=np.random.default_rng(1))
    b = simulate.single_stream(n=50, rng=np.random.default_rng(1))
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["size", "time"]
    assert a.attrs["truth"] == {"a": 3.0, "b": 0.5, "sigma": 0.5}


def test_single_stream_recovers_its_line(rng):
    df = simulate.single_stream(n=20_000, a=3.0, b=0.5, sigma=0.5, rng=rng)
    slope, intercept = np.polyfit(df["size"], df["time"], 1)
    assert abs(intercept - 3.0) < 0.02 and abs(slope - 0.5) < 0.02


def test_streams_shape_truth_and_moments(rng):
    df = simulate.streams(n_per_stream=[1, 7, 6], rng=rng)
    assert len(df) == 14
    assert df["stream"].cat.categories.tolist() == [1, 2, 3]
    assert df.groupby("stream", observed=True).size().tolist() == [1, 7, 6]
    assert df.attrs["truth"]["a"].shape == (3,)
    many = simulate.streams(n_per_stream=[2] * 20_000, a_bar=5.0, sigma_a=1.5, rng=rng)
    a = many.attrs["truth"]["a"]
    assert abs(a.mean() - 5.0) < 0.05 and abs(a.std() - 1.5) < 0.05


def test_streams_sigma_a_zero_means_identical_intercepts(rng):
    df = simulate.streams(n_per_stream=[3, 3], sigma_a=0.0, rng=rng)
    assert np.all(df.attrs["truth"]["a"] == 5.0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=0), "n must be at least 1"),
    (dict(n=2.5), "n must be an integer"),
    (dict(sigma=-1.0), "sigma must be positive, got -1.0"),
    (dict(a=float("nan")), "a must be a finite number"),
])
def test_single_stream_bad_input(kwargs, message, rng):
    with pytest.raises(ValueError, match=message):
        simulate.single_stream(rng=rng, **kwargs)


def test_single_stream_needs_generator():
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        simulate.single_stream(rng=42)


@pytest.mark.parametrize("n_per_stream, message", [
    ([], "non-empty"),
    ([1, 0], "at least 1"),
    ([1.5, 2], "whole numbers"),
    ([[1, 2]], "1-D"),
])
def test_streams_bad_counts(n_per_stream, message, rng):
    with pytest.raises(ValueError, match=message):
        simulate.streams(n_per_stream=n_per_stream, rng=rng)


def test_streams_bad_sigma_a(rng):
    with pytest.raises(ValueError, match="sigma_a must be non-negative"):
        simulate.streams(n_per_stream=[1], sigma_a=-0.1, rng=rng)


def test_covariance_is_the_lessons_matrix():
    assert simulate.covariance(1.0, 0.5, -0.7) == pytest.approx(np.array([[1.0, -0.35], [-0.35, 0.25]]))


@pytest.mark.parametrize("rho", [-1.0, -0.8, 0.0, 0.5, 1.0])
def test_correlated_effects_moments_including_the_ends(rho):
    d = simulate.correlated_effects(n=20000, a=1.0, b=-1.0, sigma_a=2.0, sigma_b=0.5, rho=rho,
                                    rng=np.random.default_rng(3))
    assert np.isfinite(d.to_numpy()).all()
    assert d["a"].std() == pytest.approx(2.0, rel=0.03)
    assert d["b"].std() == pytest.approx(0.5, rel=0.03)
    assert np.corrcoef(d["a"], d["b"])[0, 1] == pytest.approx(rho, abs=0.02)


@pytest.mark.parametrize("kwargs, message", [
    ({"rho": 1.2}, "rho must lie in"),
    ({"sigma_a": -1}, "sigma_a must be"),
    ({"n": 0}, "n must be at least 1"),
])
def test_correlated_effects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate.correlated_effects(**{"n": 5, "rng": np.random.default_rng(1), **kwargs})


def test_cafes_design_and_truth():
    d = simulate.cafes(rng=np.random.default_rng(1))
    assert d.shape == (200, 5)
    assert d.groupby("cafe")["afternoon"].agg(["sum", "size"]).eq([5, 10]).all().all()
    assert d.attrs["truth"]["rho"] == -0.7 and d.attrs["truth"]["n_visits"] == 10
    assert d.groupby("cafe")[["a_cafe", "b_cafe"]].nunique().eq(1).all().all()


@pytest.mark.parametrize("kwargs, message", [
    ({"n_visits": 5}, "n_visits must be even"),
    ({"rho": -2}, "rho must lie in"),
    ({"sigma": -0.1}, "sigma must be"),
])
def test_cafes_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate.cafes(rng=np.random.default_rng(1), **kwargs)


def test_voting_shape_and_counts():
    v = simulate.voting(rng=np.random.default_rng(2004))
    assert v.shape == (250, 6)
    assert (v["republican"] <= v["n"]).all() and (v["republican"] >= 0).all()
    per_state = v.groupby("state")["n"].sum()
    assert per_state.min() >= 50 and per_state.max() <= 600
    assert list(v.attrs["truth"]["states"].columns) == ["wealth", "intercept", "slope"]


@pytest.mark.parametrize("kwargs, message", [
    ({"voters": (3, 10)}, "voters must satisfy"),
    ({"voters": "many"}, "voters must be a pair"),
    ({"n_states": 1}, "n_states must be at least 2"),
    ({"sigma_slope": -1}, "sigma_slope must be"),
])
def test_voting_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate.voting(rng=np.random.default_rng(1), **kwargs)


def test_streams_size_between_confounds_size_with_stream():
    n = [20] * 30
    plain = simulate.streams(n_per_stream=n, rng=np.random.default_rng(4))
    same = simulate.streams(n_per_stream=n, size_between=0.0, rng=np.random.default_rng(4))
    assert plain.equals(same)  # the default draws size independently of stream, as before
    df = simulate.streams(n_per_stream=n, size_between=2.0, rng=np.random.default_rng(4))
    mean_size = df.groupby("stream", observed=True)["size"].mean().to_numpy()
    assert np.corrcoef(mean_size, df.attrs["truth"]["a"])[0, 1] < -0.9
    with pytest.raises(ValueError, match="size_between"):
        simulate.streams(n_per_stream=n, size_between=float("nan"), rng=np.random.default_rng(4))
