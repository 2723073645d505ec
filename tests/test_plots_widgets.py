import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import plots, pooling, widgets


def test_plot_line_data_draws_points_and_line(anoles):
    ax = plots.plot_line_data(anoles, x="size", y="time", a=3.0, b=0.5)
    assert len(ax.lines) == 1 and len(ax.collections) == 1
    assert ax.get_legend().get_texts()[0].get_text() == "truth"
    assert ax.get_xlabel() == "size"


def test_plot_group_lines_one_panel_per_group(anoles):
    table = pooling.pooling_table(anoles, y="time", group="stream", x="size")
    axes = plots.plot_group_lines(anoles, table[table["method"] != "complete"], x="size", y="time",
                                  group="stream", population_mean=5.0)
    assert len(axes) == 10
    assert axes[0].get_title() == "stream 1 (n = 1)"
    # two model lines plus the two reference lines in every panel
    assert all(len(ax.lines) == 4 for ax in axes)
    legend = axes[0].figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["no pooling", "partial pooling"]


def test_plot_group_lines_too_few_axes(anoles):
    import matplotlib.pyplot as plt

    table = pooling.pooling_table(anoles, y="time", group="stream", x="size")
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="at least 10 panels"):
        plots.plot_group_lines(anoles, table, x="size", y="time", group="stream", axes=axes)


def test_plot_recovery_markers():
    import pandas as pd

    t = pd.DataFrame({"truth": [1.0, 2.0], "none": [1.5, 2.5], "partial": [1.2, 2.2]})
    ax = plots.plot_recovery(t, group="stream")
    assert [c.get_label() for c in ax.collections] == ["no pooling", "partial pooling"]
    with pytest.raises(ValueError, match="no column"):
        plots.plot_recovery(t.drop(columns="partial"), group="stream")


def test_dial_lines_ends(anoles):
    tiny = widgets.dial_lines(anoles, y="time", group="stream", x="size", sigma_group=1e-12, sigma=1.0)
    huge = widgets.dial_lines(anoles, y="time", group="stream", x="size", sigma_group=1e12, sigma=1.0)
    assert np.allclose(tiny["intercept"], 5.60847, atol=1e-5)
    assert huge["intercept"].round(2).tolist()[:3] == [7.34, 2.71, 6.29]
    assert tiny.attrs["weight_range"] == "0.00-0.00" and huge.attrs["weight_range"] == "1.00-1.00"


@pytest.mark.parametrize("kwargs, message", [
    (dict(sigma=1.0, fitted=0.0), "fitted must be positive"),
    (dict(sigma=-1.0, fitted=1.0), "sigma must be positive"),
    (dict(sigma=1.0, fitted=1.0, decades=-2), "decades must be positive"),
])
def test_pooling_dial_bad_input(anoles, kwargs, message):
    with pytest.raises(ValueError, match=message):
        widgets.pooling_dial(anoles, y="time", group="stream", x="size", **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"fitted": 0}, "fitted must be positive"),
    ({"sigma": -1}, "sigma must be positive"),
    ({"y": "radon"}, "no column"),
])
def test_shrinkage_dial_bad_input(radon, kwargs, message):
    args = {"y": "log_radon", "group": "county", "sigma": 0.8, "fitted": 0.31, **kwargs}
    with pytest.raises(ValueError, match=message):
        widgets.shrinkage_dial(radon, **args)


def test_plot_estimates_and_weights_bad_input(radon):
    from course_lib import pooling

    est = pooling.partial_pooling(radon, y="log_radon", group="county", sigma_group=0.3, sigma=0.8)
    with pytest.raises(ValueError, match="label_groups"):
        plots.plot_estimates_by_size(est, pooled=1.3, label_groups=["ATLANTIS"])
    bare = est[["n", "weight"]].copy()
    bare.attrs = {}
    with pytest.raises(ValueError, match="attrs sigma"):
        plots.plot_weights(bare)


def test_plot_state_lines_and_statistic():
    import numpy as np

    from course_lib import simulate

    votes = simulate.voting(n_states=5, rng=np.random.default_rng(1))
    ax = plots.plot_state_lines(votes, votes["true_p"], points=True)
    assert len(ax.lines) == 5
    bar = plots.covariate_colorbar(votes, ax=ax, label="state wealth")
    assert bar.ax.get_ylabel() == "state wealth"
    assert bar.mappable.norm.vmin == votes["wealth"].min() and bar.mappable.norm.vmax == votes["wealth"].max()
    with pytest.raises(ValueError, match="one value per row"):
        plots.plot_state_lines(votes, [0.5])
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.plot_statistic(0.0, {})


@pytest.mark.parametrize("eta", [1, 2, 8, 32])
def test_lkj_correlation_density_integrates_to_one(eta):
    grid = np.linspace(-1, 1, 200001)
    assert np.trapezoid(plots.lkj_correlation_density(grid, eta), grid) == pytest.approx(1, abs=2e-3)
