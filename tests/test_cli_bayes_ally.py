"""The bayesian and with-ally game forms: run() directly and through the typer app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.bayes_ally import run
from cli.request import Request
from games.errors import InputError
from games.model.scenarios import load

runner = CliRunner()


def request(game="bayesian", scenario="baseline", fmt="text", full=False, values=None, **kw) -> Request:
    s = load(scenario)
    if values:
        s = s.with_values(values)
    return Request(target=scenario, scenario=s, game=game, fmt=fmt, full=full, **kw)


def cli(*args):
    return runner.invoke(app, list(args))


# ------------------------------------------------------------------ bayesian
def test_bayesian_json_contract():
    data = run(request(fmt="json")).data
    assert data["game"]["players"] == ["US", "China"]
    assert data["game"]["strategies"][0] == ["Restrict", "Relax"]
    assert len(data["game"]["strategies"][1]) == 4
    for e in data["equilibria"]:
        assert len(e["profile"]) == 2 and len(e["profile"][1]) == 4
        assert all(abs(sum(p) - 1) < 1e-9 for p in e["profile"])
        assert len(e["payoffs"]) == 2 and e["explanation"]
    deal = [e for e in data["equilibria"] if e["outcome"] == "(Relax; pragmatist Supply, self-reliant Restrict)"]
    assert len(deal) == 1
    assert deal[0]["types"]["self-reliant"] == {"Restrict": 1.0, "Supply": 0.0}
    (th,) = data["belief_thresholds"]
    assert th["exact"] == "1/7" and th["above"] == "Relax"
    assert data["types"]["prior"] == {"pragmatist": 0.5, "self-reliant": 0.5}


def test_bayesian_prior_below_threshold_loses_the_deal():
    data = run(request(fmt="json", values={"prior_pragmatist": 0.1})).data
    assert [e["outcome"] for e in data["equilibria"] if e["pure"]] == [
        "(Restrict; pragmatist Restrict, self-reliant Restrict)"
    ]
    assert "is below it" in data["belief_thresholds"][0]["sentence"]


def test_bayesian_text_and_markdown():
    text = run(request()).text
    assert "above 0.143" in text and "If the US moves first" in text
    md = run(request(fmt="markdown", full=True)).text
    assert md.startswith("# ") and "## Belief thresholds" in md
    assert "The self-reliant type plays Restrict" in md


def test_bayesian_rejects_options():
    with pytest.raises(InputError, match="--format"):
        run(request(fmt="dot"))
    with pytest.raises(InputError, match="--rounds"):
        run(request(options={"rounds": 3}))
    with pytest.raises(InputError, match="--method"):
        run(request(method="lemke-howson"))


def test_bayesian_through_the_app():
    r = cli("solve", "stockholm-2025", "--game", "bayesian", "--set", "prior_pragmatist=0.6", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["types"]["prior"]["pragmatist"] == 0.6
    r = cli("solve", "--game", "bayesian", "--set", "prior_pragmatist=1.5")
    assert r.exit_code == 2 and "prior_pragmatist" in r.output


# ------------------------------------------------------------------ with-ally
def test_ally_json_contract():
    data = run(request(game="with-ally", fmt="json")).data
    assert data["game"]["players"] == ["US", "China", "Ally"]
    assert data["game"]["strategies"][2] == ["Align", "Sell"]
    (eq,) = data["equilibria"]  # baseline: the deal with an aligned ally, nothing else
    assert eq["profile"] == [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    assert len(eq["payoffs"]) == 3 and eq["explanation"]["Ally"].startswith("The ally plays Align")
    assert data["pivotal"] is True and data["complete"] is True


def test_ally_mixed_equilibria_and_pure_method():
    data = run(request(game="with-ally", scenario="stockholm-2025", fmt="json")).data
    assert len(data["equilibria"]) == 3 and sum(not e["pure"] for e in data["equilibria"]) == 2
    for e in data["equilibria"]:
        assert all(abs(sum(p) - 1) < 1e-9 for p in e["profile"])
    pure = run(request(game="with-ally", scenario="stockholm-2025", fmt="json", method="pure")).data
    assert len(pure["equilibria"]) == 1 and pure["complete"] is False


def test_ally_text_says_whether_pivotal():
    text = run(request(game="with-ally", full=True)).text
    assert "Is the ally pivotal?" in text and "Farrell & Newman" in text
    assert "[Relax, Supply, Align]" in text
    text = run(request(game="with-ally", values={"tool_leak": 0.0})).text
    assert "not pivotal" in text


def test_ally_through_the_app():
    r = cli("explain", "escalation-2025", "--game", "with-ally", "--format", "markdown")
    assert r.exit_code == 0, r.output
    assert "(Restrict, Restrict, Sell)" in r.stdout
    r = cli("solve", "--game", "with-ally", "--method", "lemke-howson")
    assert r.exit_code == 2 and "--method" in r.output


@pytest.mark.parametrize("values", [
    {"prior_pragmatist": 0.0},
    {"prior_pragmatist": 1.0},
    {"self_reliance_hardliner": 2.0},  # both types identical: every plan ties across types
    {"tool_leak": 1.0, "ally_retaliation": 0.0, "ally_alignment_value": 3.0},  # ally indifferent at times
])
def test_edge_values_still_give_verified_equilibria(values):
    for game in ("bayesian", "with-ally"):
        data = run(request(game=game, fmt="json", full=True, values=values)).data
        assert data["equilibria"]
        for e in data["equilibria"]:
            assert all(abs(sum(p) - 1) < 1e-9 for p in e["profile"])
            assert e["max_regret"] <= data["tolerance"]
