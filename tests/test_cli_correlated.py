"""`--method correlated` and N-player games through the command line (cli/correlated_view.py,
the N-player paths of cli/normal_form_view.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_chicken_correlated_json():
    r = run("solve", str(DATA / "chicken.nfg"), "--method", "correlated", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "correlated"
    best = data["correlated"]["welfare_maximizing"]
    # hand answer: (Chicken, Chicken) 1/2, (Dare, Chicken) 1/4, (Chicken, Dare) 1/4; 5.25 each
    cells = {tuple(c["profile"]): c["probability"] for c in best["distribution"]}
    assert cells == pytest.approx({("Chicken", "Chicken"): 0.5, ("Dare", "Chicken"): 0.25, ("Chicken", "Dare"): 0.25})
    assert best["payoffs"] == pytest.approx([5.25, 5.25])
    assert max(best["max_violation"]) <= 1e-8
    assert set(data["correlated"]["best_for"]) == {"Row", "Column"}
    assert len(data["correlated"]["vertices"]) == 5
    # the Nash equilibria stay under the contract's key, for comparison
    assert len(data["equilibria"]) == 3 and all(len(e["profile"]) == 2 for e in data["equilibria"])
    assert data["correlated"]["explanation"]["welfare_gain"] == pytest.approx(10.5 - 28 / 3)


def test_chicken_correlated_text_and_explain():
    r = run("explain", str(DATA / "chicken.nfg"), "--method", "correlated")
    assert r.exit_code == 0, r.output
    assert "What a mediator would do" in r.stdout
    assert "(Chicken, Chicken) 0.5" in r.stdout
    assert "Coarse correlated" in r.stdout


def test_trade_scenario_names_the_verifier():
    r = run("explain", "baseline", "--method", "correlated", "--format", "markdown")
    assert r.exit_code == 0, r.output
    assert "third-party verifier or a signed schedule" in r.stdout


def test_correlated_with_exact_is_refused():
    r = run("solve", str(DATA / "chicken.nfg"), "--method", "correlated", "--exact")
    assert r.exit_code == 2
    assert "--exact" in r.output and "Traceback" not in r.output


def test_unknown_method_lists_correlated():
    r = run("solve", "--method", "simplex")
    assert r.exit_code == 2
    assert "correlated" in r.output and "polynomial-support-enumeration" in r.output


def test_three_player_file_every_equilibrium():
    # Matcher and Mismatcher play matching pennies (at 1/2 each); the Bystander's payoff is
    # always 0, so any mixture of it completes an equilibrium: a continuum, shown by its ends.
    r = run("solve", str(DATA / "pennies_bystander.nfg"), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "polynomial-support-enumeration" and data["complete"]
    assert "continua" in data["note"]
    bystander = sorted(e["profile"][2][0] for e in data["equilibria"])
    assert bystander[0] == pytest.approx(0.0) and bystander[-1] == pytest.approx(1.0)
    for e in data["equilibria"]:
        assert e["profile"][0] == pytest.approx([0.5, 0.5]) and e["profile"][1] == pytest.approx([0.5, 0.5])
        assert e["max_regret"] <= 1e-8


def test_three_player_explain_names_margins():
    r = run("explain", str(DATA / "pennies_bystander.nfg"))
    assert r.exit_code == 0, r.output
    assert "Matcher mixes Heads 0.5 and Tails 0.5" in r.stdout
    assert "would gain nothing by switching" in r.stdout  # the Bystander, playing one side for sure


def test_three_player_correlated_and_logit():
    r = run("solve", str(DATA / "pennies_bystander.nfg"), "--method", "correlated", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    best = data["correlated"]["welfare_maximizing"]
    # every Nash equilibrium pays everyone 0 and is a correlated equilibrium: the best one does no worse
    assert all(e["payoffs"] == pytest.approx([0, 0, 0]) for e in data["equilibria"])
    assert best["welfare"] >= -1e-9 and max(best["max_violation"]) <= 1e-8
    assert data["correlated"]["vertices"] is None or len(data["correlated"]["vertices"]) >= 1
    r = run("solve", str(DATA / "pennies_bystander.nfg"), "--method", "logit", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert len(data["equilibria"]) == 1 and data["qre"]["path"]


def test_nfg_round_trip_three_players(tmp_path):
    out = tmp_path / "copy.nfg"
    r = run("export", str(DATA / "pennies_bystander.nfg"), "-o", str(out))
    assert r.exit_code == 0, r.output
    a = json.loads(run("solve", str(DATA / "pennies_bystander.nfg"), "--format", "json").stdout)
    b = json.loads(run("solve", str(out), "--format", "json").stdout)
    assert a["equilibria"] == b["equilibria"] and a["payoff_matrices"] == b["payoff_matrices"]


def test_a_game_too_large_for_the_linear_programs_is_refused_before_any_work():
    """101 levels: 10,201 profiles but 2,040,200 obedience-constraint entries (10,201 × 200),
    half a minute or more of linear programming; refused in one line, exit 2. The limit
    counts entries, so a three-player game with more profiles and fewer entries still runs."""
    from games.forms.normal_form import NormalFormGame
    from games.solvers import correlated

    result = run("solve", "--game", "graded", "--levels", "101", "--method", "correlated")
    assert result.exit_code == 2
    assert "option --method" in result.output and "2,040,200 constraint entries" in result.output
    assert "Traceback" not in result.output
    big = NormalFormGame("big", ("a", "b"), (tuple(f"s{k}" for k in range(64)),) * 2,
                         (np.zeros((64, 64)), np.zeros((64, 64))))
    with pytest.raises(correlated.InputError, match="516,096 constraint entries"):
        correlated._check_size(big)
    three = np.zeros((17, 17, 17))  # 4,913 profiles × 48 = 235,824 entries: within the limit
    game = NormalFormGame("three", ("a", "b", "c"), (tuple(f"s{k}" for k in range(17)),) * 3, (three, three, three))
    assert correlated._check_size(game) == 4913
