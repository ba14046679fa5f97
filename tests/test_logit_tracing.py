"""The N-player logit path (games/solvers/logit_tracing.py): one verified equilibrium of any game.

Checked against hand answers and Gambit's `logit_solve` (same branch, so the same
selected equilibrium) when pygambit is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

from games.solvers.equilibrium import verify
from games.solvers.logit_tracing import trace_logit
from games.forms.normal_form import NormalFormGame
from games.solvers.solver import solve


def _random(shape, seed):
    rng = np.random.default_rng(seed)
    return NormalFormGame(
        "random", tuple(f"P{i + 1}" for i in range(len(shape))),
        tuple(tuple(f"s{j + 1}" for j in range(k)) for k in shape),
        tuple(np.round(rng.normal(size=shape), 3) for _ in shape),
    )


def test_starts_uniform_and_ends_at_the_dominant_profile():
    # each player's second strategy pays 1 more whatever the others do
    shape = (2, 3, 2)
    pays = []
    for i in range(3):
        u = np.zeros(shape)
        idx = [slice(None)] * 3
        idx[i] = 1
        u[tuple(idx)] = 1.0
        pays.append(u)
    game = NormalFormGame("dominant", ("A", "B", "C"), (("a", "b"), ("x", "y", "z"), ("c", "d")), tuple(pays))
    path = trace_logit(game)
    assert path.points[0].profile[1] == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert path.nash == ((0.0, 1.0), (0.0, 1.0, 0.0), (0.0, 1.0))


def test_three_player_matching_pennies_stays_uniform():
    # Jordan's three-player matching pennies: A wants to match B, B to match C, C to
    # mismatch A; the
    # unique equilibrium is uniform, and by symmetry every logit point is uniform too.
    shape = (2, 2, 2)
    pays = []
    for i in range(3):
        u = np.zeros(shape)
        for idx in np.ndindex(shape):
            match = idx[i] == idx[(i + 1) % 3]
            u[idx] = (1.0 if match else -1.0) if i < 2 else (-1.0 if match else 1.0)
        pays.append(u)
    game = NormalFormGame("pennies", ("A", "B", "C"), (("h", "t"),) * 3, tuple(pays))
    path = trace_logit(game)
    for pt in path.points:
        for p in pt.profile:
            assert p == pytest.approx((0.5, 0.5), abs=1e-9)
    assert np.allclose(path.nash, 0.5)


@pytest.mark.parametrize("shape", [(5, 5, 5, 5, 5), (20, 20, 20)])
def test_large_games_end_at_a_verified_equilibrium(shape):
    game = _random(shape, 1)
    sol = solve(game, "logit")
    assert len(sol.equilibria) == 1 and not sol.complete
    assert verify(game, sol.equilibria[0].profile) is not None
    assert sol.qre.nash is not None


@pytest.mark.parametrize("shape,seed", [((2, 2, 2), 0), ((3, 3, 3), 1), ((3, 3, 3, 3), 2), ((4, 4, 4), 3)])
def test_same_selection_as_gambit_logit(shape, seed):
    gambit = pytest.importorskip("pygambit")
    game = _random(shape, seed)
    G = gambit.Game.from_arrays(*[np.asarray(u) for u in game.payoffs])
    e = gambit.nash.logit_solve(G).equilibria[0]
    theirs = [np.array([float(e[p][s]) for s in p.strategies]) for p in G.players]
    ours = trace_logit(game).nash
    for a, b in zip(ours, theirs):
        assert np.allclose(a, b, atol=1e-6)
