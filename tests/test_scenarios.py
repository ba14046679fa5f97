"""Scenario TOML files: built-ins load, user files work, bad keys and values are named."""

from __future__ import annotations

import pytest

from games.errors import InputError
from games.model.scenarios import builtin_names, load, parse_assignments, parse_scenario


def test_builtins_include_the_2023_2025_story():
    assert {"baseline", "controls-2023", "escalation-2025", "stockholm-2025"} <= set(builtin_names())
    for name in builtin_names():
        s = load(name)
        assert s.summary and s.story and s.sources


def test_default_target_is_baseline():
    assert load(None).name == "baseline"


def test_user_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('title = "Mine"\n[parameters]\nre_dependence = 9\n')
    s = load(str(path))
    assert s.parameters["re_dependence"] == 9 and s.parameters["hawk_cost"] == 2.0


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("[parameters]\nre_dependency = 3", "unknown parameter 're_dependency'"),
        ('[parameters]\nre_dependence = "high"', "'re_dependence' must be a number"),
        ("[parameters]\nre_dependence = 30", "'re_dependence' must be between 0 and 20"),
        ("[parameters]\nre_dependence = nan", "finite"),
        ("[parameters]\nre_linkage = true", "must be a number"),
        ("colour = 1", "unknown key 'colour'"),
        ("title = 3", "key 'title' must be a str"),
        ("parameters = 3", "key 'parameters' must be a dict"),
        ("sources = [1]", r"sources\[0\]"),
        ("[parameters\n", "not valid TOML"),
    ],
)
def test_bad_scenarios_name_the_key(text, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        parse_scenario(text, "my.toml", "my")
    assert str(info.value).startswith("my.toml") and "\n" not in str(info.value)


def test_unknown_builtin_and_missing_file():
    with pytest.raises(InputError, match="no such built-in scenario"):
        load("stockholm")
    with pytest.raises(InputError, match="cannot read"):
        load("nowhere/else.toml")


def test_a_missing_model_file_is_named_with_the_scenario_key(tmp_path):
    # the scenario's own file and key are named, and where the path was looked for
    path = tmp_path / "mine.toml"
    path.write_text('title = "Mine"\nmodel = "models/absent.toml"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(str(path))
    message = str(info.value)
    assert message == (f"{path}: model: no model file {tmp_path / 'models' / 'absent.toml'} "
                       "(a path is read relative to the scenario file)")


def test_assignments():
    assert parse_assignments(["re_dependence=8", " hawk_cost = 1.5 "]) == {"re_dependence": 8.0, "hawk_cost": 1.5}
    for bad, fragment in [("re_dependence", "name=value"), ("x=1", "unknown parameter"),
                          ("re_dependence=abc", "must be a number"), ("re_linkage=2", "between 0 and 1"),
                          ("re_dependence=inf", "finite")]:
        with pytest.raises(InputError, match=fragment):
            parse_assignments([bad])


def test_with_values_records_overrides():
    s = load("baseline").with_values({"leverage": 6.0})
    assert s.parameters["leverage"] == 6.0 and s.overrides == (("leverage", 6.0),)
