"""Batched solvers equal the single-game solvers point by point, degenerate games included."""

from __future__ import annotations

import numpy as np
import pytest

from games import batch_2x2, batch_verify
from games.closed_form import equilibria_2x2


def _per_game(flat, g):
    sel = flat.game == g
    return flat.x[sel], flat.y[sel]


def _random_games(rng, G, m, n, low=-2, high=2):
    """Small-integer games: ties, dominance and continua are frequent."""
    A = rng.integers(low, high + 1, (G, m, n)).astype(float)
    B = rng.integers(low, high + 1, (G, m, n)).astype(float)
    return A, B


# ---------------------------------------------------------------- 2×2 closed form
def test_2x2_textbook_games():
    # matching pennies: unique mixed equilibrium (1/2, 1/2)
    A = np.array([[[1, -1], [-1, 1]]], float)
    flat = batch_2x2.equilibria(A, -A)
    assert len(flat) == 1
    np.testing.assert_allclose(flat.x[0], [0.5, 0.5])
    np.testing.assert_allclose(flat.y[0], [0.5, 0.5])
    # battle of the sexes: two pure equilibria and the mixed one (2/3, 1/3), (1/3, 2/3)
    A = np.array([[[2, 0], [0, 1]]], float)
    B = np.array([[[1, 0], [0, 2]]], float)
    flat = batch_2x2.equilibria(A, B)
    got = sorted((round(x[0], 9), round(y[0], 9)) for x, y in zip(flat.x, flat.y))
    assert got == sorted([(1.0, 1.0), (0.0, 0.0), (round(2 / 3, 9), round(1 / 3, 9))])
    np.testing.assert_allclose(sorted(flat.payoffs[:, 0]), [2 / 3, 1, 2])


def test_2x2_all_zero_game_is_a_continuum_with_four_corners():
    Z = np.zeros((1, 2, 2))
    flat = batch_2x2.equilibria(Z, Z)
    corners = {(x[0], y[0]) for x, y in zip(flat.x, flat.y)}
    assert corners == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}


@pytest.mark.parametrize("seed,low,high", [(0, -2, 2), (1, -1, 1), (2, -50, 50), (3, 0, 1)])
def test_2x2_equals_exact_closed_form_point_by_point(seed, low, high):
    rng = np.random.default_rng(seed)
    A, B = _random_games(rng, 1500, 2, 2, low, high)
    flat = batch_2x2.equilibria(A, B)
    assert batch_verify.verified(A, B, flat.game, flat.x, flat.y).all()
    for g in range(len(A)):
        exact = equilibria_2x2(A[g], B[g])
        xs, ys = _per_game(flat, g)
        assert len(xs) == len(exact), (A[g], B[g])
        for (x, y), bx, by in zip(exact, xs, ys):
            np.testing.assert_allclose(bx, [float(v) for v in x], atol=1e-12)
            np.testing.assert_allclose(by, [float(v) for v in y], atol=1e-12)


def test_2x2_float_games_equal_closed_form():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(800, 2, 2))
    B = rng.normal(size=(800, 2, 2))
    flat = batch_2x2.equilibria(A, B)
    for g in range(len(A)):
        exact = equilibria_2x2(A[g], B[g])
        xs, ys = _per_game(flat, g)
        assert len(xs) == len(exact)
        for (x, y), bx, by in zip(exact, xs, ys):
            np.testing.assert_allclose(bx[0], float(x[0]), atol=1e-12)
            np.testing.assert_allclose(by[0], float(y[0]), atol=1e-12)


def test_batch_verification_rejects_non_equilibria():
    # prisoner's dilemma: (cooperate, cooperate) is not an equilibrium
    A = np.array([[[3, 0], [5, 1]]], float)
    B = A.transpose(0, 2, 1)
    game = np.array([0, 0])
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert batch_verify.verified(A, B, game, x, y).tolist() == [False, True]
