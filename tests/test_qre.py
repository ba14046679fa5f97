"""Logit QRE against closed forms and against Gambit's logit tracer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from games.errors import InputError
from games.solvers.qre import logit_at, logit_path

PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
# Each player's second strategy beats its first by exactly 1 whatever the other does, so
# the logit response is P(second) = 1 / (1 + e^(−λ)) at every λ.
DOMINANT = ([[1, 0], [2, 1]], [[1, 2], [0, 1]])


def test_lambda_zero_is_uniform():
    point = logit_at([[1, 2, 3], [4, 5, 6]], [[0, 1, 0], [1, 0, 1]], 0)
    assert point.profile == ((0.5, 0.5), (1 / 3, 1 / 3, 1 / 3))
    assert logit_path([[1, 2, 3], [4, 5, 6]], [[0, 1, 0], [1, 0, 1]]).points[0].lam == 0


@pytest.mark.parametrize("lam", [0.5, 3.0, 20.0])
def test_matching_pennies_is_uniform_for_every_lambda(lam):
    point = logit_at(*PENNIES, lam)
    assert point.lam == pytest.approx(lam)
    assert np.allclose(point.profile, [[0.5, 0.5], [0.5, 0.5]], atol=1e-9)


@pytest.mark.parametrize("lam", [0.3, 1.0, 2.0, 6.0])
def test_dominant_strategy_closed_form(lam):
    p = 1 / (1 + math.exp(-lam))
    point = logit_at(*DOMINANT, lam)
    assert np.allclose(point.profile, [[1 - p, p], [1 - p, p]], atol=1e-9)


def test_dominant_strategy_limit_is_the_pure_equilibrium():
    path = logit_path(*DOMINANT)
    assert path.converged and path.limit.profile[0][1] > 1 - 1e-8
    assert path.nash == ((0.0, 1.0), (0.0, 1.0))
    lams = path.lambdas
    assert lams[0] == 0 and lams[-1] > 10


def test_mixed_limit_is_polished_to_the_nash_equilibrium():
    # Rock–paper–scissors with a twist (generic): a unique, completely mixed equilibrium
    A = np.array([[0, -1, 2], [1, 0, -1], [-1, 1, 0]])
    path = logit_path(A, -A)
    assert path.converged
    # the unique equilibrium: y makes row indifferent, x makes column indifferent
    y = np.linalg.solve(np.vstack([A[1:] - A[0], np.ones(3)]), [0, 0, 1])
    x = np.linalg.solve(np.vstack([(-A.T)[1:] - (-A.T)[0], np.ones(3)]), [0, 0, 1])
    assert np.allclose(path.nash[0], x, atol=1e-9) and np.allclose(path.nash[1], y, atol=1e-9)


@pytest.mark.parametrize(
    "args",
    [([[1, 2]], [[1], [2]]), ([[np.nan, 1]], [[0, 0]]), ([], [])],
)
def test_bad_games_are_input_errors(args):
    with pytest.raises(InputError):
        logit_path(*args)


@pytest.mark.parametrize("lam", [-1.0, float("inf"), float("nan")])
def test_bad_lambda_is_an_input_error(lam):
    with pytest.raises(InputError):
        logit_at(*PENNIES, lam)


# --- against Gambit ---------------------------------------------------------------------


def _gambit_profile(game, profile) -> np.ndarray:
    return np.concatenate([[float(profile[s]) for s in p.strategies] for p in game.players])


@pytest.mark.parametrize("seed", range(15))
def test_logit_at_matches_gambit(seed):
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(seed)
    m, n = rng.integers(2, 6, size=2)
    A, B = np.round(rng.normal(size=(m, n)), 3), np.round(rng.normal(size=(m, n)), 3)
    game = gbt.Game.from_arrays(A, B)
    lams = [0.1, 0.7, 2.0, 6.0]
    for lam, theirs in zip(lams, gbt.qre.logit_solve_lambda(game, lam=lams)):
        mine = np.concatenate(logit_at(A, B, lam).profile)
        assert np.allclose(mine, _gambit_profile(game, theirs.profile), atol=1e-6), f"λ = {lam}"


@pytest.mark.parametrize("seed", range(25))
def test_limit_matches_gambit_logit_solve(seed):
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(100 + seed)
    m, n = rng.integers(2, 6, size=2)
    A, B = rng.integers(-9, 10, size=(m, n)), rng.integers(-9, 10, size=(m, n))  # ties included
    game = gbt.Game.from_arrays(A, B)
    (theirs,) = gbt.nash.logit_solve(game).equilibria
    path = logit_path(A, B)
    assert path.converged
    assert np.allclose(np.concatenate(path.limit.profile), _gambit_profile(game, theirs), atol=1e-3)


def test_solve_method_logit_through_the_command_line(tmp_path):
    """`--method logit`: the selected equilibrium is verified and is Gambit's logit choice;
    the path starts at uniform noise and every point is a logit response to the other."""
    import json

    from typer.testing import CliRunner

    from cli.app import app
    from games.formats.nfg import to_nfg
    from games.forms.normal_form import from_bimatrix

    A = np.array([[3, 0, 1], [1, 2, 0]])
    B = np.array([[1, 0, 2], [0, 3, 1]])
    path = tmp_path / "g.nfg"
    path.write_text(to_nfg(from_bimatrix(A, B)))
    r = CliRunner().invoke(app, ["solve", str(path), "--method", "logit", "-f", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "logit" and not data["complete"] and "components" not in data
    (eq,) = data["equilibria"]
    x, y = (np.array(p) for p in eq["profile"])
    assert np.max(A @ y) - x @ A @ y <= 1e-7 and np.max(x @ B) - x @ B @ y <= 1e-7
    points = data["qre"]["path"]
    assert points[0]["lambda"] == 0 and points[0]["profile"] == [[0.5, 0.5], [1 / 3] * 3]
    for pt in points[1:]:
        lam, (px, py) = pt["lambda"], (np.array(p) for p in pt["profile"])
        expect_x = np.exp(lam * (A @ py)) / np.exp(lam * (A @ py)).sum()
        expect_y = np.exp(lam * (px @ B)) / np.exp(lam * (px @ B)).sum()
        assert np.allclose(px, expect_x, atol=1e-6) and np.allclose(py, expect_y, atol=1e-6)
    gbt = pytest.importorskip("pygambit")
    game = gbt.Game.from_arrays(A, B)
    (theirs,) = gbt.nash.logit_solve(game).equilibria
    assert np.allclose(np.concatenate([x, y]), _gambit_profile(game, theirs), atol=1e-3)
    text = CliRunner().invoke(app, ["solve", str(path), "--method", "logit"]).stdout
    assert "logit quantal response path" in text and "λ = 0: Row: r1 0.5, r2 0.5" in text


def test_logit_limit_inside_a_continuum_is_still_reported():
    """Row's r1 is dominant and column is indifferent between c1 and c2: the branch tends
    to (r1, uniform on c1, c2), one point of a continuum. It is reported, verified."""
    from games.forms.normal_form import from_bimatrix
    from games.solvers.solver import solve

    sol = solve(from_bimatrix([[2, 2, 1], [0, 0, 0]], [[1, 1, 0], [1, 1, 0]]), "logit")
    (eq,) = sol.equilibria
    assert eq.profile[0] == (1.0, 0.0)
    assert eq.profile[1][2] == 0 and eq.profile[1][0] == pytest.approx(0.5, abs=1e-6)


def test_a_newton_step_that_overflows_is_retried_smaller():
    """Regression: on this game a corrector step overshot, exp() overflowed and the SVD
    behind least squares raised LinAlgError (an internal error for `--method logit`)."""
    A = [[1, 1, 2], [2, 2, 1], [0, 1, 0]]
    B = [[0, 2, 0], [1, 0, 1], [1, 2, 1]]
    path = logit_path(A, B)
    assert path.nash is not None
    x, y = (np.array(p) for p in path.nash)
    A, B = np.array(A), np.array(B)
    assert np.max(A @ y) - x @ A @ y <= 1e-8 and np.max(x @ B) - x @ B @ y <= 1e-8
