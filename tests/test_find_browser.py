import os
import stat

import pytest

from find_browser import VARIABLE, BrowserNotFound, find_browser


def _executable(folder, name):
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_finds_a_usual_name_on_path(tmp_path):
    chrome = _executable(tmp_path, "google-chrome")
    assert find_browser({"PATH": str(tmp_path)}) == chrome


def test_chromium_comes_before_chrome(tmp_path):
    _executable(tmp_path, "google-chrome")
    chromium = _executable(tmp_path, "chromium")
    assert find_browser({"PATH": str(tmp_path)}) == chromium


def test_the_environment_variable_wins(tmp_path):
    _executable(tmp_path, "chromium")
    elsewhere = tmp_path / "opt"
    elsewhere.mkdir()
    mine = _executable(elsewhere, "my-chrome")
    assert find_browser({"PATH": str(tmp_path), VARIABLE: mine}) == mine


def test_a_wrong_explicit_path_is_said(tmp_path):
    with pytest.raises(BrowserNotFound, match=f"{VARIABLE}=.*not an executable"):
        find_browser({"PATH": str(tmp_path), VARIABLE: str(tmp_path / "nothing")})


def test_none_found_says_how_to_install(tmp_path):
    with pytest.raises(BrowserNotFound, match="apt-get install chromium.*" + VARIABLE):
        find_browser({"PATH": str(tmp_path)})
