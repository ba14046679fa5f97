"""Graded sweeps beyond 6 levels (solved by lexicographic pivoting) find every equilibrium.

At sampled points of the sweep, the equilibria it keeps are compared with the single-game
solver's exhaustive enumeration of every candidate basis (an independent algorithm) and,
where pygambit is installed, with Gambit's enummixed.
"""

from __future__ import annotations

import numpy as np
import pytest

from games.solvers import polytope_vertices as ve
from games import trade
from games.sweeps import sweep
from games.model.scenarios import load


def _canon(pairs) -> list[tuple[float, ...]]:
    return sorted(tuple(np.round(np.concatenate([x, y]), 6)) for x, y in pairs)


def _exhaustive(A, B, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(ve, "EXHAUSTIVE_BASES", 10**9)
        return ve.vertex_enumeration(A, B)


@pytest.mark.parametrize("scenario,levels,vary", [
    ("stockholm-2025", 8, "leverage=0:10:21"),
    ("baseline", 7, "re_dependence=0:20:21"),
])
def test_sweep_points_equal_exhaustive_enumeration(scenario, levels, vary, monkeypatch):
    params = dict(load(scenario).parameters)
    spec = sweep.make_spec(params, "graded", levels, vary=[vary])
    assert sweep.method_name(spec) == "vertex enumeration by lexicographic pivoting"
    result = sweep.run(spec, keep_equilibria=True)
    eq = result.equilibria
    name = spec.axes[0].name
    for i in range(0, spec.n_points, 4):
        point = dict(params, **{name: float(spec.axes[0].values[i])})
        A, B = trade.graded_game(point, levels).bimatrix()
        mine = [(x, y) for x, y in zip(eq.x[eq.game == i], eq.y[eq.game == i])]
        assert _canon(mine) == _canon(_exhaustive(A, B, monkeypatch)), f"point {i}"


def test_sweep_points_contain_every_gambit_equilibrium():
    gbt = pytest.importorskip("pygambit")
    params = dict(load("stockholm-2025").parameters)
    spec = sweep.make_spec(params, "graded", 9, vary=["leverage=3:7:5"])
    result = sweep.run(spec, keep_equilibria=True)
    eq = result.equilibria
    for i, value in enumerate(spec.axes[0].values):
        A, B = trade.graded_game(dict(params, leverage=float(value)), 9).bimatrix()
        game = gbt.Game.from_arrays(A, B)
        theirs = gbt.nash.enummixed_solve(game, rational=False).equilibria
        mine = list(zip(eq.x[eq.game == i], eq.y[eq.game == i]))
        assert len(mine) >= len(theirs)
        for e in theirs:
            x, y = (np.array([float(e[s]) for s in p.strategies]) for p in game.players)
            assert any(np.allclose(a, x, atol=1e-6) and np.allclose(b, y, atol=1e-6) for a, b in mine)


def test_pivoting_equals_exhaustive_on_degenerate_games(monkeypatch):
    """Integer payoffs from {0, 1, 2}: ties, dominated strategies, continua (7×7 to 8×9)."""
    rng = np.random.default_rng(42)
    for m, n in [(7, 7), (8, 8), (8, 9)]:
        for _ in range(3):
            A = rng.integers(0, 3, size=(m, n)).astype(float)
            B = rng.integers(0, 3, size=(m, n)).astype(float)
            assert ve.n_bases(m, n) > ve.EXHAUSTIVE_BASES  # the pivoting path
            assert _canon(ve.vertex_enumeration(A, B)) == _canon(_exhaustive(A, B, monkeypatch))


def test_work_limit_stops_a_search_with_a_solver_error():
    from games.errors import SolverError

    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(9, 9)), rng.normal(size=(9, 9))
    seen = []
    with pytest.raises(SolverError, match="more than 50 bases"):
        ve.vertex_enumeration(A, B, max_work=50, progress=seen.append)
    assert seen and seen == sorted(seen)


def test_search_progress_shows_only_after_a_second_on_a_terminal(monkeypatch):
    import sys

    from cli import normal_form_view as view

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with view.search_progress() as progress:
        assert progress is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(view, "PROGRESS_AFTER", 3600.0)
    with view.search_progress() as progress:
        progress(10)  # well before the hour: nothing is drawn, nothing fails
    monkeypatch.setattr(view, "PROGRESS_AFTER", 0.0)
    with view.search_progress() as progress:
        progress(10)
        progress(20)


def test_pivoting_equals_exhaustive_on_small_games_of_every_kind(monkeypatch):
    """Pivoting forced on small games (2×2 to 6×5): random, tie-heavy, indifferent rows,
    duplicate strategies, constant games — the same equilibria as exhaustive enumeration."""
    rng = np.random.default_rng(7)
    games = []
    for m, n in [(2, 2), (2, 3), (3, 3), (4, 3), (4, 4), (5, 5), (6, 5)]:
        games.append((rng.normal(size=(m, n)), rng.normal(size=(m, n))))
        games.append((rng.integers(0, 2, size=(m, n)).astype(float), rng.integers(0, 3, size=(m, n)).astype(float)))
        A = rng.integers(0, 4, size=(m, n)).astype(float)
        A[-1] = A[0]  # a duplicated strategy
        games.append((A, rng.integers(0, 4, size=(m, n)).astype(float)))
        games.append((np.ones((m, n)), rng.normal(size=(m, n))))  # the row player indifferent everywhere
    for A, B in games:
        want = _canon(_exhaustive(A, B, monkeypatch))
        with monkeypatch.context() as m:
            m.setattr(ve, "EXHAUSTIVE_BASES", 0)
            got = _canon(ve.vertex_enumeration(A, B))
        assert got == want, (A, B)
