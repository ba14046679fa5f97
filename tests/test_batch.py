"""Batched solvers equal the single-game solvers point by point, degenerate games included."""

from __future__ import annotations

import numpy as np
import pytest

from games.sweeps import batch_2x2, batch_verify
from games.solvers.closed_form import equilibria_2x2


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


# ---------------------------------------------------------------- m×n vertex enumeration
from games.sweeps import batch  # noqa: E402
from games.forms.normal_form import from_bimatrix  # noqa: E402
from games.solvers.solver import solve  # noqa: E402

from conftest import CLASSICS, as_set  # noqa: E402


def _rounded(xs, ys, digits=7):
    return {(tuple(np.round(x, digits) + 0.0), tuple(np.round(y, digits) + 0.0)) for x, y in zip(xs, ys)}


@pytest.mark.parametrize("name,A,B,expected", [c for c in CLASSICS if np.shape(c[1]) != (2, 2)])
def test_mxn_textbook_games(name, A, B, expected):
    flat = batch.equilibria(np.array([A], float), np.array([B], float))
    assert as_set(zip(flat.x, flat.y)) == as_set(expected)


@pytest.mark.parametrize(
    "m,n,low,high,G,seed",
    [(3, 3, -2, 2, 250, 0), (4, 4, -1, 1, 150, 1), (5, 5, -2, 2, 60, 2), (3, 4, -1, 1, 150, 3),
     (2, 5, -1, 1, 150, 4), (4, 2, 0, 1, 150, 5), (3, 3, -100, 100, 150, 6)],
)
def test_mxn_equals_single_game_vertex_enumeration(m, n, low, high, G, seed):
    rng = np.random.default_rng(seed)
    A, B = _random_games(rng, G, m, n, low, high)
    flat = batch.equilibria(A, B, chunk=37)  # several chunks, uneven last one
    assert batch_verify.verified(A, B, flat.game, flat.x, flat.y).all()
    for g in range(G):
        single = solve(from_bimatrix(A[g], B[g]), "vertex-enumeration").equilibria
        xs, ys = _per_game(flat, g)
        assert len(xs) == len(single), (A[g], B[g])
        assert _rounded(xs, ys) == _rounded([e.profile[0] for e in single], [e.profile[1] for e in single])
        for e in single:  # payoffs agree too
            k = [i for i, (x, y) in enumerate(zip(xs, ys)) if np.allclose(x, e.profile[0], atol=1e-7) and np.allclose(y, e.profile[1], atol=1e-7)]
            np.testing.assert_allclose(flat.payoffs[flat.game == g][k[0]], e.payoffs, atol=1e-9)


def test_mxn_float_games_equal_single_game():
    rng = np.random.default_rng(11)
    A = rng.normal(size=(300, 4, 4))
    B = rng.normal(size=(300, 4, 4))
    flat = batch.equilibria(A, B)
    for g in range(len(A)):
        single = solve(from_bimatrix(A[g], B[g]), "vertex-enumeration").equilibria
        xs, ys = _per_game(flat, g)
        assert _rounded(xs, ys) == _rounded([e.profile[0] for e in single], [e.profile[1] for e in single])


def test_batch_2x2_route_equals_closed_form_too():
    rng = np.random.default_rng(12)
    A, B = _random_games(rng, 200, 2, 2)
    flat = batch.equilibria(A, B, chunk=50)
    for g in range(len(A)):
        xs, _ = _per_game(flat, g)
        assert len(xs) == len(equilibria_2x2(A[g], B[g]))


def test_compact_2x2_verification_flags_a_wrong_candidate():
    A = np.array([[[3, 0], [5, 1]], [[2, 0], [0, 1]]], float)  # prisoner's dilemma, coordination
    B = A.transpose(0, 2, 1).copy()
    c = batch_2x2.candidates(A, B)
    assert batch_2x2.verify_candidates(A, B, c).all()
    wrong = c.mask.copy()
    assert not wrong[0, 1, 1]
    wrong[0, 1, 1] = True  # p = q = 1: (cooperate, cooperate) in the prisoner's dilemma
    bad = batch_2x2.Candidates2x2(wrong, c.p, c.q)
    assert batch_2x2.verify_candidates(A, B, bad).tolist() == [False, True]
    assert batch_2x2.verify_candidates(A, B, bad, batch_verify.tolerances(A, B)).tolist() == [False, True]


def test_2x2_expected_payoffs_equal_einsum_bit_for_bit():
    """expand sums x·M·y column by column; it must give einsum's bits (sweep output is
    byte-stable), signed zeros and mixed probabilities included."""
    rng = np.random.default_rng(21)
    E = 20_000
    M = np.concatenate([rng.normal(size=(E, 2, 2)) * 10.0 ** rng.integers(-5, 6, (E, 1, 1)),
                        rng.choice([0.0, -0.0, 1.0, -3.0, 1e-300], (E, 2, 2))])
    p = np.concatenate([rng.random(E), rng.choice([0.0, 1.0, 0.5], E)])
    q = np.concatenate([rng.random(E), rng.choice([0.0, 1.0, 1 / 7], E)])
    x, y = np.stack([p, 1 - p], 1), np.stack([q, 1 - q], 1)
    g = np.arange(2 * E)
    want = np.einsum("ei,eij,ej->e", x, M, y)
    assert np.array_equal(batch_2x2._expected(M, g, x, y).view(np.int64), want.view(np.int64))
