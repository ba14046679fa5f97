"""`explain` says each fact once, in the section it belongs to; `--brief` fits one screen.

`explain stockholm-2025` once ran to about 130 lines and repeated the Pareto and
payoff-dominance sentences two or three times.
"""

from __future__ import annotations

import collections
import re

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
FORMS = ["simultaneous", "graded", "us-first", "china-first", "snapback", "bayesian", "with-ally",
         "repeated", "bargaining"]


def _explain(*args: str) -> str:
    r = runner.invoke(app, ["explain", *args], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    return r.stdout


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(0-9-])", flat) if len(s) > 40]


def test_stockholm_says_each_fact_once():
    flat = " ".join(_explain("stockholm-2025").split())
    assert flat.count("is payoff-dominant") == 1
    assert flat.count("(Restrict, Restrict) is not Pareto efficient") == 1
    assert flat.count("cooperating together is best for both") == 1
    assert flat.count("the US would lose 0.6 by switching to Relax") == 1


@pytest.mark.parametrize("scenario", ["stockholm-2025", "escalation-2025", "controls-2023"])
@pytest.mark.parametrize("form", FORMS)
def test_no_sentence_is_repeated(scenario, form):
    counts = collections.Counter(_sentences(_explain(scenario, "--game", form)))
    repeated = [s for s, n in counts.items() if n > 1]
    assert not repeated, repeated[:3]


def test_binding_outside_options_are_said_once_per_solution():
    out = _explain("escalation-2025", "--game", "bargaining", "--proposer", "china", "--set", "outside_option_cn=2.6")
    counts = collections.Counter(_sentences(out))
    assert not [s for s, n in counts.items() if n > 1]


@pytest.mark.parametrize("form", FORMS)
def test_brief_is_one_screen(form):
    out = _explain("escalation-2025", "--game", form, "--brief")
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= 30 and all(len(line) <= 80 for line in lines), len(lines)
    assert "quilibri" in out  # it still names the equilibria


def test_brief_is_refused_where_it_would_be_ignored():
    r = runner.invoke(app, ["explain", "--brief", "--format", "json"])
    assert r.exit_code == 2 and "option --brief" in r.stderr


def test_brief_gives_the_gist_of_a_normal_form_game():
    out = _explain("stockholm-2025", "--brief")
    assert "In brief: " in out and "Stag Hunt" in out and "payoff-dominant" in out
    assert "Thresholds" not in out
