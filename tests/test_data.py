import numpy as np
import pandas as pd
import pytest

from course_lib import data, pooling


@pytest.mark.parametrize("name, shape, groups", [
    ("anoles", (52, 3), ("stream", 10)),
    ("radon", (919, 7), ("county", 85)),
    ("exam", (4059, 10), ("school", 65)),
    ("gapminder", (1704, 6), ("country", 142)),
])
def test_load_shapes_and_groups(name, shape, groups):
    df = data.load(name)
    assert df.shape == shape
    column, count = groups
    assert isinstance(df[column].dtype, pd.CategoricalDtype)
    assert df[column].nunique() == count
    assert list(df.columns) == list(data.SCHEMAS[name]["columns"])


def test_exam_school_sizes():
    sizes = data.load("exam").groupby("school", observed=True).size()
    assert (sizes.min(), sizes.max()) == (2, 198)


def test_anoles_single_lizard_streams(anoles):
    counts = anoles.groupby("stream", observed=True).size()
    assert counts[counts == 1].index.tolist() == [1, 5, 9]


@pytest.mark.parametrize("label, slope, sd", [(8, 0.47, 1.15), (7, 0.27, 1.23)])
def test_recovered_stream_label_is_the_one_that_reproduces_the_lesson(anoles, label, slope, sd):
    # Row 42 lost its stream label in the lesson's listing: 8 reproduces lm's printout, 7 does not.
    df = anoles.copy()
    df["stream"] = df["stream"].astype(int)
    df.loc[41, "stream"] = label
    df["stream"] = df["stream"].astype("category")
    fit = pooling.no_pooling(df, y="time", group="stream", x="size")
    assert round(fit.attrs["slope"], 2) == slope
    assert round(fit.attrs["sigma"], 2) == sd


def test_recovered_label_in_the_shipped_file(anoles):
    assert anoles.loc[41, "stream"] == 8


def test_load_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        data.load("radonn")


def test_load_missing_file(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        data.load("anoles", folder=tmp_path)


def test_load_rejects_missing_column(tmp_path):
    pd.DataFrame({"time": [1.0], "stream": [1]}).to_csv(tmp_path / "anoles.csv", index=False)
    with pytest.raises(ValueError, match=r"no column\(s\) \['size'\]"):
        data.load("anoles", folder=tmp_path)


def test_load_rejects_wrong_type(tmp_path):
    pd.DataFrame({"time": ["fast"], "size": [0.1], "stream": [1]}).to_csv(tmp_path / "anoles.csv", index=False)
    with pytest.raises(ValueError, match="'time' must be numeric"):
        data.load("anoles", folder=tmp_path)


def test_load_rejects_missing_values(tmp_path):
    pd.DataFrame({"time": [1.0, np.nan], "size": [0.1, 0.2], "stream": [1, 1]}).to_csv(
        tmp_path / "anoles.csv", index=False)
    with pytest.raises(ValueError, match="1 missing values"):
        data.load("anoles", folder=tmp_path)


def test_validate_rejects_non_integer_counts():
    raw = pd.DataFrame({"country": ["A"], "continent": ["B"], "year": [1952.5], "lifeExp": [30.0],
                        "pop": [10], "gdpPercap": [1.0]})
    with pytest.raises(ValueError, match="whole numbers"):
        data.validate(raw, "gapminder")


def test_validate_rejects_non_frame():
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        data.validate([1, 2], "anoles")


def test_data_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path
