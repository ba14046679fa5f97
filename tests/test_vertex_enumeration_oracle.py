"""Vertex enumeration (single-game and batched) against Gambit's enummixed, 2×2 to 6×6.

Non-degenerate (random real) games: exactly Gambit's equilibria. Degenerate games (tiny
integer payoffs: ties, weakly dominated strategies, continua): every equilibrium Gambit
lists is found, and everything found is an equilibrium (checked here, independently).
"""

from __future__ import annotations

import numpy as np
import pytest

from games.sweeps import batch
from games.solvers.polytope_vertices import vertex_enumeration

gbt = pytest.importorskip("pygambit")

SIZES = [(m, n) for m in range(2, 7) for n in range(2, 7) if abs(m - n) <= 1]


def _gambit(A, B, rational: bool):
    if rational:
        game = gbt.Game.from_arrays(A.astype(int), B.astype(int))
    else:
        game = gbt.Game.from_arrays(A, B)
    result = gbt.nash.enummixed_solve(game, rational=rational)
    return [tuple(np.array([float(eq[s]) for s in p.strategies]) for p in game.players) for eq in result.equilibria]


def _contains(pairs, x, y, atol=1e-7):
    return any(np.allclose(a, x, atol=atol) and np.allclose(b, y, atol=atol) for a, b in pairs)


def _is_equilibrium(A, B, x, y, tol=1e-7):
    return np.max(A @ y) - x @ A @ y <= tol and np.max(x @ B) - x @ B @ y <= tol


@pytest.mark.parametrize("m,n", SIZES)
def test_generic_games_match_gambit_exactly(m, n):
    rng = np.random.default_rng(100 * m + n)
    for _ in range(2):
        A = rng.normal(size=(m, n)).round(6)
        B = rng.normal(size=(m, n)).round(6)
        theirs = _gambit(A, B, rational=False)
        ours = vertex_enumeration(A, B)
        assert len(ours) == len(theirs)
        for x, y in theirs:
            assert _contains(ours, x, y, atol=1e-6)


@pytest.mark.parametrize("m,n", SIZES)
def test_degenerate_games_contain_every_gambit_equilibrium(m, n):
    rng = np.random.default_rng(7 * m + n)
    G = 6
    A = rng.integers(0, 3, size=(G, m, n)).astype(float)
    B = rng.integers(0, 3, size=(G, m, n)).astype(float)
    flat = batch.equilibria(A, B)
    for g in range(G):
        ours = vertex_enumeration(A[g], B[g])
        mine_batched = [(x, y) for x, y in zip(flat.x[flat.game == g], flat.y[flat.game == g])]
        for x, y in ours + mine_batched:
            assert _is_equilibrium(A[g], B[g], x, y)
        for x, y in _gambit(A[g], B[g], rational=True):
            assert _contains(ours, x, y), f"single-game method misses {x}, {y}"
            assert _contains(mine_batched, x, y), f"batched method misses {x}, {y}"


@pytest.mark.parametrize("m,n", [(7, 7), (8, 7)])
def test_pivoting_sizes_match_gambit(m, n):
    """Beyond 500 candidate bases the single-game solver pivots; still Gambit's equilibria,
    exactly on random games and every one of them on degenerate integer games."""
    rng = np.random.default_rng(11 * m + n)
    A = rng.normal(size=(m, n)).round(6)
    B = rng.normal(size=(m, n)).round(6)
    theirs = _gambit(A, B, rational=False)
    ours = vertex_enumeration(A, B)
    assert len(ours) == len(theirs)
    for x, y in theirs:
        assert _contains(ours, x, y, atol=1e-6)
    for _ in range(2):
        A = rng.integers(0, 3, size=(m, n)).astype(float)
        B = rng.integers(0, 3, size=(m, n)).astype(float)
        ours = vertex_enumeration(A, B)
        for x, y in ours:
            assert _is_equilibrium(A, B, x, y)
        for x, y in _gambit(A, B, rational=True):
            assert _contains(ours, x, y), f"pivoting misses {x}, {y}"
