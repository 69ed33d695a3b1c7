from storylens import config
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for _name, env, _, _ in config.describe():
        assert env in readme, f"{env} is not documented in README.md"


def test_environment_overrides_defaults_and_explicit_values_override_both() -> None:
    s = config.load({"STORYLENS_STORY_THRESHOLD": "0.4", "STORYLENS_DAYFIRST": "no"}, db="x.db")
    assert s.story_threshold == 0.4 and s.dayfirst is False and s.db == "x.db"
