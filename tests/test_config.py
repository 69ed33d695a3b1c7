import re

import pytest

from storylens import config
from storylens.errors import StorylensError
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for _name, env, _, _ in config.describe():
        assert env in readme, f"{env} is not documented in README.md"


def test_environment_overrides_defaults_and_explicit_values_override_both() -> None:
    s = config.load({"STORYLENS_STORY_THRESHOLD": "0.4", "STORYLENS_DAYFIRST": "no"}, db="x.db")
    assert s.story_threshold == 0.4 and s.dayfirst is False and s.db == "x.db"


def _file(tmp_path, text: str) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return str(path)


def test_a_settings_file_sits_between_defaults_and_the_environment(tmp_path) -> None:
    path = _file(tmp_path, 'db = "file.db"\nalign_threshold = 1\npage_size = 5\n')
    s, sources = config.load_with_sources({"STORYLENS_PAGE_SIZE": "7"}, path)
    assert (s.db, s.align_threshold, s.page_size) == ("file.db", 1.0, 7)
    assert sources["db"] == f"file {path}" and sources["page_size"] == "environment STORYLENS_PAGE_SIZE"
    assert sources["dayfirst"] == "default"
    assert config.load({"STORYLENS_CONFIG": path}).db == "file.db"


@pytest.mark.parametrize(("text", "message"), [("align_treshold = 0.3", "unknown setting 'align_treshold'"),
                                               ("page_size = true", "page_size = True is not of type int"),
                                               ("db = 3", "db = 3 is not of type str"),
                                               ("db = [", "not a valid TOML settings file")])
def test_a_bad_settings_file_names_the_file_and_the_setting(tmp_path, text: str, message: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(StorylensError, match=re.escape(message)) as caught:
        config.load({}, path)
    assert str(caught.value).startswith(path)


def test_config_file_is_documented_in_the_readme() -> None:
    assert config.CONFIG_ENV in (ROOT / "README.md").read_text()
