"""Misspelt scenario, parameter, form and method names get the closest valid names."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from games.suggestions import closest_names, did_you_mean

runner = CliRunner()


def test_closest_names_by_hand():
    assert closest_names("stockholm2025", ["baseline", "stockholm-2025", "escalation-2025"])[0] == "stockholm-2025"
    assert closest_names("hawk_cst", ["hawk_cost", "re_dependence", "leverage"]) == ["hawk_cost"]
    assert closest_names("usfirst", ["us-first", "china-first", "snapback"])[0] == "us-first"
    assert closest_names("zzzz", ["us-first", "china-first"]) == []
    assert did_you_mean("zzzz", ["a"]) == ""
    assert did_you_mean("grded", ["graded", "simultaneous"]) == " (did you mean graded?)"


@pytest.mark.parametrize(
    "args,expected",
    [
        (["solve", "stockholm2025"], "did you mean stockholm-2025"),
        (["solve", "--set", "hawk_cst=2"], "did you mean hawk_cost"),
        (["solve", "--game", "usfirst"], "did you mean us-first"),
        (["solve", "--method", "vertex-enumaration"], "did you mean vertex-enumeration"),
        (["show", "--game", "graeded"], "did you mean graded"),
    ],
)
def test_the_one_line_error_names_the_closest_valid_name(args, expected):
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], r.stderr


def test_an_unknown_scenario_lists_each_model_once():
    from games.errors import InputError
    from games.model.scenarios import load

    with pytest.raises(InputError) as err:
        load("stockholm2025")
    models = str(err.value).split("a model (")[1].split(")")[0].split(", ")
    assert "trade" in models and len(models) == len(set(models))
