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


def test_pooling_dial_survives_slider_ends(anoles):
    box = widgets.pooling_dial(anoles, y="time", group="stream", x="size", sigma=1.16, fitted=1.65)
    slider, out = box.children
    for value in (slider.min, slider.max):  # exponents: 10**min and 10**max
        slider.value = 10**value
        fig_outputs = [o for o in out.outputs if "image/png" in o.get("data", {})]
        assert len(fig_outputs) == 1
    assert slider.description == "σ_stream"


@pytest.mark.parametrize("kwargs, message", [
    (dict(sigma=1.0, fitted=0.0), "fitted must be positive"),
    (dict(sigma=-1.0, fitted=1.0), "sigma must be positive"),
    (dict(sigma=1.0, fitted=1.0, decades=-2), "decades must be positive"),
])
def test_pooling_dial_bad_input(anoles, kwargs, message):
    with pytest.raises(ValueError, match=message):
        widgets.pooling_dial(anoles, y="time", group="stream", x="size", **kwargs)


def test_slider_figure_needs_callable():
    import ipywidgets

    with pytest.raises(ValueError, match="draw must be callable"):
        widgets.slider_figure("not a function", ipywidgets.FloatSlider())
