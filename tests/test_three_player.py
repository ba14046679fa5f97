"""Exact equilibria of 2×2×2 games: textbook games, a hand-built quadratic case, Gambit as oracle."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from games.solvers.equilibrium import verify
from games.errors import InputError
from games.forms.normal_form import NormalFormGame
from games.solvers.three_player import real_roots, solve_2x2x2


def game(payoff_fn, title="g") -> NormalFormGame:
    arrays = [np.zeros((2, 2, 2)) for _ in range(3)]
    for idx in np.ndindex(2, 2, 2):
        for n, v in enumerate(payoff_fn(*idx)):
            arrays[n][idx] = v
    return NormalFormGame(title, ("1", "2", "3"), (("a", "b"),) * 3, arrays)


def second_probs(solution):
    return {tuple(round(p[1], 9) + 0.0 for p in eq.profile) for eq in solution.equilibria}


def test_jordan_three_player_matching_pennies():
    # 1 wants to match 2, 2 wants to match 3, 3 wants to mismatch 1: the unique equilibrium
    # has everyone mixing 50:50 (Jordan 1993).
    g = game(lambda i, j, k: (float(i == j), float(j == k), float(k != i)))
    s = solve_2x2x2(g)
    assert second_probs(s) == {(0.5, 0.5, 0.5)}
    assert s.complete and s.note == ""


def test_seltens_horse_components():
    # Players 1 (A/D), 2 (a/d), 3 (L/R). Components: (A, a, P(L) ≤ 1/4) and (D, P(d) ≤ 2/3, L).
    def pay(s1, s2, s3):
        if s1 == 1:
            return (3, 3, 2) if s3 == 0 else (0, 0, 0)
        if s2 == 0:
            return (1, 1, 1)
        return (4, 4, 0) if s3 == 0 else (0, 0, 1)

    s = solve_2x2x2(game(pay, "Selten's horse"))
    assert second_probs(s) == {(0.0, 0.0, 1.0), (0.0, 0.0, 0.75), (1.0, 0.0, 0.0), (1.0, round(2 / 3, 9), 0.0)}
    assert "segments" in s.note


def test_two_totally_mixed_equilibria_from_a_quadratic():
    # g0 = p1 - p2, g1 = p2 - p0, g2 = 2 - 4.5 p0 - 4.5 p1 + 9 p0 p1: every player mixing
    # needs p0 = p1 = p2 = r with 9r² - 9r + 2 = 0, r ∈ {1/3, 2/3}.
    def pay(i, j, k):
        return (i * (j - k), j * (k - i), k * (2 - 4.5 * i - 4.5 * j + 9 * i * j))

    found = second_probs(solve_2x2x2(game(pay)))
    third, two_thirds = round(1 / 3, 9), round(2 / 3, 9)
    assert (third,) * 3 in found and (two_thirds,) * 3 in found


def test_real_roots_exact_and_irrational():
    assert real_roots([Fraction(2), Fraction(-9), Fraction(9)]) == [Fraction(1, 3), Fraction(2, 3)]
    assert real_roots([Fraction(1), Fraction(0), Fraction(1)]) == []
    assert real_roots([Fraction(0)] * 3) is None
    r = real_roots([Fraction(-2), Fraction(0), Fraction(1)])
    assert r == pytest.approx([-2 ** 0.5, 2 ** 0.5])


def test_pure_only_game_prisoners_dilemma_of_three():
    # each player's second strategy (defect) strictly dominates: unique equilibrium all defect
    s = solve_2x2x2(game(lambda i, j, k: (2 * i + 3 * (2 - j - k), 2 * j + 3 * (2 - i - k), 2 * k + 3 * (2 - i - j))))
    assert second_probs(s) == {(1.0, 1.0, 1.0)}


def test_rejects_other_shapes():
    g = NormalFormGame("two", ("1", "2"), (("a", "b"), ("a", "b")), (np.eye(2), np.eye(2)))
    with pytest.raises(InputError, match="2×2×2"):
        solve_2x2x2(g)


def test_generic_games_have_an_odd_number_of_equilibria():
    # Wilson's oddness theorem: almost every finite game has an odd number of equilibria
    rng = np.random.default_rng(7)
    for _ in range(100):
        arrays = [rng.normal(size=(2, 2, 2)) for _ in range(3)]
        s = solve_2x2x2(NormalFormGame("r", ("1", "2", "3"), (("a", "b"),) * 3, arrays))
        assert s.complete and len(s.equilibria) % 2 == 1
        for eq in s.equilibria:
            assert verify(s.game, eq.profile) is not None


def test_agrees_with_gambit_enumpoly():
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(11)
    extra = 0
    for _ in range(60):
        arrays = [np.round(rng.normal(size=(2, 2, 2)) * 10, 2) for _ in range(3)]
        g = NormalFormGame("r", ("1", "2", "3"), (("a", "b"),) * 3, arrays)
        mine = solve_2x2x2(g)
        ref = gbt.nash.enumpoly_solve(gbt.Game.from_arrays(*arrays), use_strategic=True).equilibria
        theirs = [[[float(e[s]) for s in p.strategies] for p in e.game.players] for e in ref]
        for prof in theirs:  # everything Gambit finds, we find
            assert any(
                all(np.allclose(a, b, atol=1e-6) for a, b in zip(prof, eq.profile)) for eq in mine.equilibria
            ), (arrays, prof)
        extra += len(mine.equilibria) - len(theirs)
    assert extra >= 0
