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


@pytest.mark.parametrize("sigma_group, state", [(1e-4, "complete pooling, in effect"),
                                                (0.31, "partial pooling"),
                                                (1e3, "no pooling, in effect"),
                                                (0.0, "complete pooling, in effect"),
                                                (float("inf"), "no pooling, in effect")])
def test_shrinkage_dial_figure_states(radon, sigma_group, state):
    fig = widgets.shrinkage_dial_figure(radon, y="log_radon", group="county", sigma_group=sigma_group,
                                        sigma=0.8, fitted=0.31)
    assert state in fig._suptitle.get_text()


def test_shrinkage_dial_survives_slider_ends(radon):
    box = widgets.shrinkage_dial(radon, y="log_radon", group="county", sigma=0.8, fitted=0.31)
    slider = box.children[0]
    for value in (slider.min, slider.max):
        slider.value = 10 ** value
        assert len(box.children[1].outputs) == 1


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
    with pytest.raises(ValueError, match="one value per row"):
        plots.plot_state_lines(votes, [0.5])
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.plot_statistic(0.0, {})


def test_static_frames_link_slider_and_stack():
    import matplotlib.pyplot as plt

    box = widgets.static_frames(lambda v: plt.figure(figsize=(1, 1)), [0.1, 1.0, 10.0], description="σ", start=1)
    assert box.stack.selected_index == 1 and box.slider.value == 1
    assert (box.slider.min, box.slider.max) == (0, 2)
    assert box.page_bytes > 0 and all(len(img.value) > 0 for img in box.stack.children)
    with pytest.raises(ValueError, match="values must hold"):
        widgets.static_frames(lambda v: plt.figure(), [], description="x")
    with pytest.raises(ValueError, match="start must be an index"):
        widgets.static_frames(lambda v: plt.figure(), [1], description="x", start=3)
    with pytest.raises(ValueError, match="draw must be callable"):
        widgets.static_frames(None, [1], description="x")


def test_static_wanted_reads_the_environment(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_ENV, raising=False)
    assert widgets.static_wanted(None) is False
    monkeypatch.setenv(widgets.STATIC_ENV, "1")
    assert widgets.static_wanted(None) is True
    assert widgets.static_wanted(False) is False
    with pytest.raises(ValueError, match="static must be"):
        widgets.static_wanted("yes")


@pytest.mark.parametrize("make, frames, start", [
    (lambda d: widgets.covariance_sandbox(static=True), 21, 3),
    (lambda d: widgets.shrinkage_dial(d, y="log_radon", group="county", sigma=0.8, fitted=0.31, static=True), 21, 10),
])
def test_controls_have_a_static_form(radon, make, frames, start):
    box = make(radon)
    assert len(box.stack.children) == frames and box.stack.selected_index == start
    assert "course-static-control" in box._dom_classes


def test_static_frames_with_update_draw_one_figure_and_frame_each_value():
    drawn, moved = [], []

    def draw(v):
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.plot([0, 1], [0, v])
        ax.set_title(f"v = {v}")
        drawn.append(v)
        return fig

    def update(fig, v):
        fig.axes[0].lines[0].set_ydata([0, v])
        fig.axes[0].set_title(f"v = {v}")
        moved.append(v)

    before = plt.get_fignums()
    box = widgets.static_frames(draw, [0.2, 0.5, 0.9], description="v", update=update)
    assert drawn == [0.2] and moved == [0.5, 0.9]
    pngs = [image.value for image in box.stack.children]
    assert len(set(pngs)) == 3  # each frame shows its own value
    assert plt.get_fignums() == before  # the one figure is closed
    with pytest.raises(ValueError, match="update must be callable"):
        widgets.static_frames(draw, [1], description="v", update=3)


def _png(box):
    return box.children[-1].outputs[0]["data"]["image/png"]


def test_live_redraws_move_the_figure_and_repeat_exactly(radon):
    box = widgets.shrinkage_dial(radon, y="log_radon", group="county", sigma=0.8, fitted=0.31, static=False)
    box.redraw(0.05)
    low = _png(box)
    box.redraw(3.0)
    high = _png(box)
    box.redraw(0.05)
    assert low != high and _png(box) == low


def test_sandbox_redraw_in_place_and_after_a_new_sigma():
    box = widgets.covariance_sandbox(static=False)
    rho, sigma_a = box.children[1].children[0], box.children[0].children[0]
    rho.value = 0.5
    first = _png(box)
    sigma_a.value = 2.0  # new axes limits: a full redraw
    rho.value = -0.5
    rho.value = 0.5
    assert _png(box) != first and box.children[-1].outputs


@pytest.mark.parametrize("rho, sigma_b", [(-1.0, 2.0), (1.0, 0.0)])
def test_sandbox_draws_at_the_singular_ends(rho, sigma_b):
    fig = widgets.sandbox_figure(sigma_a=2.0, sigma_b=sigma_b, rho=rho, eta=0.25)
    assert "singular covariance: every draw on one line" in fig._suptitle.get_text()
    plt.close(fig)


@pytest.mark.parametrize("eta", [1, 2, 8, 32])
def test_lkj_correlation_density_integrates_to_one(eta):
    grid = np.linspace(-1, 1, 200001)
    assert np.trapezoid(plots.lkj_correlation_density(grid, eta), grid) == pytest.approx(1, abs=2e-3)
