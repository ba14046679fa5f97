"""Components of equilibrium sets: games whose continua are known by hand."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from games.solvers.equilibrium_components import components, maximal_bicliques
from games.solvers.equilibrium import verify
from games.errors import InputError
from games.solvers.exact import solve_exact
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.solvers.solver import solve


def _by_profile(solution, comp):
    return {tuple(tuple(round(v, 9) + 0.0 for v in p) for p in solution.equilibria[k].profile) for k in comp.extreme_equilibria}


def test_nondegenerate_game_has_isolated_equilibria_only():
    sol = solve(from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]]))  # battle of the sexes
    comps = components(sol)
    assert len(comps) == 3
    assert not any(c.is_continuum for c in comps)
    assert sorted(k for c in comps for k in c.extreme_equilibria) == [0, 1, 2]
    assert all(c.summary() == "isolated equilibrium" and c.dimension == 0 for c in comps)


def test_gambit_e02_selten_segment():
    # Gambit's e02.nfg (Selten 1975, fig. 2). r2 is strictly dominated; at x = (1,0,0) the
    # column player is indifferent, and r1 stays a best reply while q(c1) ≥ 1/2: the
    # equilibria are the segment (1,0,0) × {(q, 1 − q) : 1/2 ≤ q ≤ 1}.
    sol = solve(from_bimatrix([[1, 1], [0, 0], [0, 2]], [[1, 1], [2, 3], [2, 0]]))
    (comp,) = components(sol)
    assert comp.is_continuum and comp.dimension == 1
    assert _by_profile(sol, comp) == {((1, 0, 0), (1, 0)), ((1, 0, 0), (0.5, 0.5))}
    (subset,) = comp.maximal_subsets
    assert len(subset.rows) == 1 and len(subset.columns) == 2
    assert "segment" in comp.summary()


def test_von_stengel_degenerate_segment_and_isolated_point():
    sol = solve(from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]))
    comps = components(sol)
    assert sorted(len(c.extreme_equilibria) for c in comps) == [1, 2]
    segment = next(c for c in comps if c.is_continuum)
    assert _by_profile(sol, segment) == {((1, 0, 0), (1, 0)), ((1, 0, 0), (round(2 / 3, 9), round(1 / 3, 9)))}


def test_all_ties_is_one_square():
    sol = solve(from_bimatrix([[1, 1], [1, 1]], [[2, 2], [2, 2]]))
    (comp,) = components(sol)
    assert len(comp.extreme_equilibria) == 4 and len(comp.maximal_subsets) == 1
    assert comp.dimension == 2 and "polygon" in comp.summary()


def test_three_segments_joined_into_one_component():
    # Row is indifferent everywhere; column matches row's choice. With p = P(r1) and
    # q = P(c1): q = 1 for p > 1/2, q = 0 for p < 1/2, any q at p = 1/2. The equilibrium set
    # is a Z of three segments [1/2,1]×{1}, {1/2}×[0,1], [0,1/2]×{0}: one component.
    sol = solve(from_bimatrix([[0, 0], [0, 0]], [[1, 0], [0, 1]]))
    (comp,) = components(sol)
    assert len(comp.extreme_equilibria) == 4
    assert len(comp.maximal_subsets) == 3
    assert all(s.dimension == 1 for s in comp.maximal_subsets)
    assert "3 convex pieces" in comp.summary()


def test_two_separate_continua():
    # Coordination with a duplicated block: {r1, r2} × {c1, c2} pays 1, (r3, c3) pays 1.
    # Components: the square of block profiles (any mixtures within the block), the pure
    # (r3, c3), and the mixed equilibria — half on the block (split freely), half on the
    # third strategy — another square.
    A = [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    sol = solve(from_bimatrix(A, A))
    comps = components(sol)
    assert len(comps) == 3
    assert sorted((c.is_continuum, c.dimension, len(c.extreme_equilibria)) for c in comps) == [
        (False, 0, 1),
        (True, 2, 4),
        (True, 2, 4),
    ]
    point = next(c for c in comps if not c.is_continuum)
    assert _by_profile(sol, point) == {((0, 0, 1), (0, 0, 1))}
    mixed = next(c for c in comps if c.is_continuum and 0.5 in sol.equilibria[c.extreme_equilibria[0]].profile[0])
    assert _by_profile(sol, mixed) == {
        ((a, b, 0.5), (c, d, 0.5)) for a, b in ((0.5, 0.0), (0.0, 0.5)) for c, d in ((0.5, 0.0), (0.0, 0.5))
    }


def test_exact_equilibria_work_too():
    eqs = solve_exact([[1, 1], [0, 0], [0, 2]], [[1, 1], [2, 3], [2, 0]])
    (comp,) = components(eqs)
    assert {eqs[k].profile for k in comp.extreme_equilibria} == {
        ((1, 0, 0), (1, 0)),
        ((1, 0, 0), (F(1, 2), F(1, 2))),
    }


def test_partial_or_many_player_solutions_are_refused():
    with pytest.raises(InputError, match="complete method"):
        components(solve(from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]), "lemke-howson"))
    u = np.zeros((2, 2, 2))
    with pytest.raises(InputError, match="two-player"):
        components(solve(NormalFormGame("three", ("a", "b", "c"), (("x", "y"),) * 3, (u, u, u))))


def test_maximal_bicliques_by_hand():
    # left 0—{a,b}, 1—{b,c}, 2—{a,b,c}
    graph = {0: {"a", "b"}, 1: {"b", "c"}, 2: {"a", "b", "c"}}
    got = {(X, Y) for X, Y in maximal_bicliques(graph)}
    assert got == {((2,), ("a", "b", "c")), ((0, 2), ("a", "b")), ((1, 2), ("b", "c")), ((0, 1, 2), ("b",))}


@pytest.mark.parametrize("seed", range(40))
def test_random_degenerate_games_components_are_sound(seed):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(2, 5, size=2)
    A, B = rng.integers(0, 2, size=(m, n)), rng.integers(0, 2, size=(m, n))
    game = from_bimatrix(A, B)
    sol = solve(game)
    comps = components(sol)
    # a partition of the extreme equilibria
    assert sorted(k for c in comps for k in c.extreme_equilibria) == list(range(len(sol.equilibria)))
    for comp in comps:
        assert set().union(*(s.extreme_equilibria for s in comp.maximal_subsets)) == set(comp.extreme_equilibria)
        for s in comp.maximal_subsets:
            # every point of conv(X) × conv(Y) is an equilibrium: test random mixtures
            for _ in range(5):
                wx, wy = rng.dirichlet(np.ones(len(s.rows))), rng.dirichlet(np.ones(len(s.columns)))
                x = wx @ np.asarray(s.rows, float)
                y = wy @ np.asarray(s.columns, float)
                assert verify(game, [x, y]) is not None
    # different components are not connected: no row or column vertex in two of them
    seen_rows, seen_cols = [], []
    for comp in comps:
        rows = {tuple(np.round(sol.equilibria[k].profile[0], 7)) for k in comp.extreme_equilibria}
        cols = {tuple(np.round(sol.equilibria[k].profile[1], 7)) for k in comp.extreme_equilibria}
        assert not any(rows & r for r in seen_rows) and not any(cols & c for c in seen_cols)
        seen_rows.append(rows)
        seen_cols.append(cols)


@pytest.mark.parametrize("seed", range(20))
def test_float_and_exact_solutions_give_the_same_components(seed):
    rng = np.random.default_rng(1000 + seed)
    m, n = rng.integers(2, 5, size=2)
    A, B = rng.integers(0, 3, size=(m, n)), rng.integers(0, 3, size=(m, n))
    shape = lambda comps: sorted((len(c.extreme_equilibria), len(c.maximal_subsets), c.dimension) for c in comps)  # noqa: E731
    assert shape(components(solve(from_bimatrix(A, B)))) == shape(components(solve_exact(A.tolist(), B.tolist())))
