import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import data  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def anoles():
    return data.load("anoles")


@pytest.fixture(scope="session")
def radon():
    return data.load("radon")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
