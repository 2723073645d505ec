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
