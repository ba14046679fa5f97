"""Exact mode against answers worked out by hand in fractions (Gambit comparisons: test_oracle)."""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

import numpy as np
import pytest

from games.errors import InputError
from games.solvers.exact import (
    EXACT_MAX_BASES,
    exact_parameters,
    exact_simultaneous_game,
    solve_exact,
    solve_exact_game,
    to_fraction,
    verify_exact,
)
from games.forms.normal_form import from_bimatrix
from games.model.scenarios import load
from games.trade import simultaneous_game


def _profiles(eqs):
    return {eq.profile for eq in eqs}


def test_battle_of_the_sexes_exact():
    eqs = solve_exact([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert _profiles(eqs) == {
        ((1, 0), (1, 0)),
        ((0, 1), (0, 1)),
        ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
    }
    mixed = [e for e in eqs if not e.is_pure][0]
    assert mixed.payoffs == (F(2, 3), F(2, 3))
    assert all(isinstance(v, F) for p in mixed.profile for v in p)


def test_decimal_payoffs_are_read_exactly():
    # cyclic best responses: the unique equilibrium mixes 1/3–2/3 for both, payoff 1/6 each
    A = [["0.3", "0.1"], ["0.1", "0.2"]]
    B = [[0.1, 0.3], [0.2, 0.1]]  # floats are read as the decimals they print as
    (eq,) = solve_exact(A, B)
    assert eq.profile == ((F(1, 3), F(2, 3)), (F(1, 3), F(2, 3)))
    assert eq.payoffs == (F(1, 6), F(1, 6))


def test_degenerate_segment_extremes_exact():
    # von Stengel (2002): a segment ((1,0,0), y) for y from (1,0) to (2/3,1/3), and an isolated one
    eqs = solve_exact([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
    assert _profiles(eqs) == {
        ((1, 0, 0), (1, 0)),
        ((1, 0, 0), (F(2, 3), F(1, 3))),
        ((0, F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
    }


def test_exact_mode_separates_what_a_tolerance_would_merge():
    # Row's second strategy beats its first by 10⁻¹² against column 0: a strict gain in
    # exact arithmetic, so (r1, c1) is not an equilibrium. The equilibria are the segment
    # x = (p, 1 − p), p ≤ 1/2, against c2.
    A = [["1", "0"], ["1.000000000001", "0"]]
    B = [[1, 0], [0, 1]]
    assert _profiles(solve_exact(A, B)) == {
        ((0, 1), (0, 1)),
        ((F(1, 2), F(1, 2)), (0, 1)),
    }


def test_verify_exact_rejects_a_tiny_regret():
    A, B = [[F(2), F(0)], [F(0), F(1)]], [[F(1), F(0)], [F(0), F(2)]]
    eps = F(1, 10**30)
    assert verify_exact(A, B, (F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))) is not None
    assert verify_exact(A, B, (F(2, 3), F(1, 3)), (F(1, 3) + eps, F(2, 3) - eps)) is None
    assert verify_exact(A, B, (F(1), F(1)), (F(1), F(0))) is None  # not a probability vector


def test_all_ties_has_every_pure_profile_as_an_extreme_point():
    eqs = solve_exact([[1, 1], [1, 1]], [[0, 0], [0, 0]])
    assert _profiles(eqs) == {((1, 0), (1, 0)), ((1, 0), (0, 1)), ((0, 1), (1, 0)), ((0, 1), (0, 1))}


def test_one_strategy_games():
    assert _profiles(solve_exact([[5]], [[-5]])) == {((1,), (1,))}
    assert _profiles(solve_exact([[1, 2, 0]], [[0, 3, 3]])) == {((1,), (0, 1, 0)), ((1,), (0, 0, 1))}


def test_pure_equilibria_come_first():
    eqs = solve_exact([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert [e.is_pure for e in eqs] == [True, True, False]


def test_to_equilibrium_gives_floats():
    eq = solve_exact([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])[0]
    flt = eq.to_equilibrium()
    assert flt.profile == ((0.5, 0.5), (0.5, 0.5)) and flt.max_regret == 0.0


@pytest.mark.parametrize(
    "value,expected",
    [(0.1, F(1, 10)), ("0.1", F(1, 10)), ("2/3", F(2, 3)), ("-1e-3", F(-1, 1000)), (7, F(7)), (np.float64(2.5), F(5, 2))],
)
def test_to_fraction(value, expected):
    assert to_fraction(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "abc", "1/0", "", None, [1]])
def test_to_fraction_rejects(value):
    with pytest.raises(InputError):
        to_fraction(value, "payoff")


def test_bad_shapes_and_sizes_are_input_errors():
    with pytest.raises(InputError):
        solve_exact([[1, 2]], [[1], [2]])
    with pytest.raises(InputError):
        solve_exact([[1, 2], [3]], [[1, 2], [3, 4]])
    with pytest.raises(InputError):
        solve_exact([], [])
    n = 10
    assert math.comb(2 * n, n) > EXACT_MAX_BASES
    with pytest.raises(InputError, match="too large"):
        solve_exact(np.zeros((n, n)), np.zeros((n, n)))


def test_solve_exact_game_needs_two_players():
    from games.forms.normal_form import NormalFormGame

    u = np.zeros((2, 2, 2))
    with pytest.raises(InputError):
        solve_exact_game(NormalFormGame("three", ("a", "b", "c"), (("x", "y"),) * 3, (u, u, u)))
    game = from_bimatrix([[0.1, 0], [0, 0.2]], [[0.2, 0], [0, 0.1]])
    mixed = [e for e in solve_exact_game(game) if not e.is_pure]
    assert mixed[0].profile == ((F(1, 3), F(2, 3)), (F(2, 3), F(1, 3)))


# --- the trade model ---------------------------------------------------------------------


def test_exact_trade_game_by_hand_at_defaults():
    game, (A, B) = exact_simultaneous_game({})
    p = exact_parameters({})
    # both restrict: no chips, no rare earths
    assert A[0, 0] == -p["re_dependence"] - p["escalation_cost_us"] == F(-7)
    assert B[0, 0] == p["leverage"] - p["diversification"] - p["escalation_cost_cn"]
    # both open: full flows
    assert A[1, 1] == p["chip_sales"] - p["security_risk"] - p["hawk_cost"] + p["deal_value_us"]
    assert all(isinstance(v, F) for v in list(A.flat) + list(B.flat))


def test_exact_trade_game_reads_decimals_exactly():
    _, (A, _) = exact_simultaneous_game({"hawk_cost": "0.1", "chip_sales": 0.2, "security_risk": "0.3"})
    p = exact_parameters({"hawk_cost": "0.1", "chip_sales": 0.2, "security_risk": "0.3"})
    # US, Relax vs Supply: chips flow fully; 0.2 − 0.3 − 0.1 is exactly −1/5
    assert A[1, 1] - p["deal_value_us"] == F(-1, 5)


@pytest.mark.parametrize("name", ["baseline", "controls-2023", "escalation-2025", "stockholm-2025"])
def test_exact_trade_game_agrees_with_float_model(name):
    params = dict(load(name).parameters)
    game, exact = exact_simultaneous_game(params)
    ref = simultaneous_game(params)
    for mine, theirs in zip(exact, ref.payoffs):
        assert np.allclose(mine.astype(float), theirs, atol=1e-12)
    assert game.strategies == ref.strategies


def test_stockholm_deal_and_conflict_are_exact_equilibria():
    _, (A, B) = exact_simultaneous_game(dict(load("stockholm-2025").parameters))
    pure = {eq.profile for eq in solve_exact(A, B) if eq.is_pure}
    assert ((0, 1), (0, 1)) in pure  # (Relax, Supply): the deal
    assert ((1, 0), (1, 0)) in pure  # (Restrict, Restrict): conflict


@pytest.mark.parametrize("values", [{"nope": 1}, {"hawk_cost": -1}, {"hawk_cost": "x"}, {"re_linkage": "1.5"}])
def test_exact_parameters_are_checked(values):
    with pytest.raises(InputError):
        exact_parameters(values)


def test_cli_exact_reports_fractions_worked_by_hand():
    # baseline 2×2: A = [[-7, -3], [-7.5, 0]], B = [[1.5, 1], [4, 6]]. China's q on Restrict
    # makes the US indifferent: −7q − 3(1−q) = −7.5q, q = 6/7; the US's p makes China
    # indifferent: 1.5p + 4(1−p) = p + 6(1−p), p = 4/5; the US then gets −7.5·6/7 = −45/7.
    import json

    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, ["solve", "baseline", "--exact", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    mixed = [e for e in data["equilibria"] if not e["pure"]]
    assert mixed[0]["profile_exact"] == [["4/5", "1/5"], ["6/7", "1/7"]]
    assert mixed[0]["payoffs_exact"] == ["-45/7", "2"]
    assert data["method"] == "exact" and data["complete"]


def test_games_beyond_the_old_exact_limit_are_solved():
    """Integer (fraction-free) elimination brought 9×9 (48,620 bases) within reach; here an
    8×9 game (24,310 bases, over the old limit of 13,000). The 8×8 identity coordination game
    has one equilibrium per nonempty common support, uniform on it: 2⁸ − 1 = 255. A ninth
    column that the column player strictly dislikes changes nothing."""
    A = [[int(i == j) for j in range(8)] + [0] for i in range(8)]
    B = [[int(i == j) for j in range(8)] + [-1] for i in range(8)]
    eqs = solve_exact(A, B)
    assert len(eqs) == 2**8 - 1
    for eq in eqs:
        x, y = eq.profile
        support = [i for i in range(8) if x[i] > 0]
        assert all(x[i] == F(1, len(support)) for i in support) and list(y[:8]) == list(x) and y[8] == 0


def test_graded_game_exactly_matches_the_float_model_without_its_rounding_noise():
    from games.solvers.exact import exact_graded_payoffs
    from games.trade import graded_game

    params = dict(load("stockholm-2025").parameters)
    exact = exact_graded_payoffs(params, 4)
    floats = graded_game(params, 4).payoffs
    for E, G in zip(exact, floats):
        assert np.allclose(E.astype(float), G, atol=1e-12, rtol=0)
        # levels are thirds and parameters tenths: denominators divide 9·10 (times 2 for the
        # convex terms), nothing like the 10¹⁶ of a float read back as a decimal
        assert all(v.denominator <= 180 for v in E.flat)
    # at x, y ∈ {0, 1} it is the 2×2 game
    _, (A, B) = exact_simultaneous_game(params)
    assert [[exact[0][i * 3, j * 3] for j in range(2)] for i in range(2)] == A.tolist()
    assert [[exact[1][i * 3, j * 3] for j in range(2)] for i in range(2)] == B.tolist()


def test_cli_exact_graded_game_uses_the_parameters_as_written():
    from typer.testing import CliRunner

    from cli.app import app

    r = CliRunner().invoke(app, ["solve", "stockholm-2025", "--game", "graded", "--levels", "4", "--exact", "-f", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["note"] == "payoffs computed in fractions from the parameters as written"
    for eq in data["equilibria"]:
        assert all(len(v) < 20 for p in eq["profile_exact"] for v in p)  # no 10¹⁶ denominators
