"""Elimination for the indifference systems of support profiles
(games/solvers/support_elimination.py), as used by every-equilibrium enumeration.

Checked against hand-derived games (two totally mixed equilibria at known points; a
double root, which must be handed back to the box search and still found), against the
box search alone (Krawczyk-proved roots: the elimination switched off) on random games of
every shape the elimination covers, and against Gambit's `enumpoly_solve` where pygambit
is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import games.solvers.polynomial_enumeration as pe
import games.solvers.support_elimination as se
from games.forms.normal_form import NormalFormGame
from games.solvers.equilibrium import _contract_axis, same_profile, verify
from games.solvers.polynomial_enumeration import all_equilibria


def _game(payoffs):
    shape = np.asarray(payoffs[0]).shape
    return NormalFormGame(
        "test", tuple(f"P{i + 1}" for i in range(len(shape))),
        tuple(tuple(f"s{j + 1}" for j in range(k)) for k in shape),
        tuple(np.asarray(u, dtype=float) for u in payoffs),
    )


def _cyclic_2x2x2(corners):
    """Each player's first strategy pays 0 and its second pays D(x, y), the bilinear
    function with corner values corners[x][y], in the others' probabilities of their
    second strategies: player 1 with (x, y) = (q, r), player 2 with (r, p), player 3 with
    (q, p) (p, q, r: players 1, 2, 3)."""
    u1, u2, u3 = (np.zeros((2, 2, 2)) for _ in range(3))
    for b in range(2):
        for c in range(2):
            u1[1, b, c] = corners[b][c]  # x: player 2's strategy b, y: player 3's c
            u2[b, 1, c] = corners[c][b]  # x: player 3's c, y: player 1's b
            u3[b, c, 1] = corners[c][b]  # x: player 2's c, y: player 1's b
    return _game([u1, u2, u3])


def _mixed(found, p, tol=1e-9):
    return [e for e in found.equilibria
            if all(abs(e.profile[i][1] - p) <= tol for i in range(len(e.profile)))]


def test_two_totally_mixed_equilibria_by_hand(monkeypatch):
    monkeypatch.setattr(pe, "TRIO_CLOSED_FORMS", False)  # the elimination, not two_strategy_trio
    # Each player's gain from its second strategy is D(x, y) = 18·x·y − 18·y + 4, zero
    # where y = f(x) = (2/9)/(1 − x): r = f(q) (player 1), p = f(r) (player 2), p = f(q)
    # (player 3). So f(r) = f(q), r = q, and q = f(q): x² − x + 2/9 = 0, x = 1/3 or 2/3,
    # and p = q = r. Two totally mixed equilibria, the roots of the elimination's quadratic.
    game = _cyclic_2x2x2([[4, -14], [4, 4]])
    found = all_equilibria(game)
    assert found.complete
    assert len(_mixed(found, 1 / 3)) == 1 and len(_mixed(found, 2 / 3)) == 1
    for e in _mixed(found, 1 / 3) + _mixed(found, 2 / 3):
        assert all(abs(p[1] - round(p[1] * 3) / 3) < 1e-14 for p in e.profile)  # to rounding
    for e in found.equilibria:
        assert verify(game, e.profile) is not None


def test_a_double_root_goes_to_the_box_search_and_is_found(monkeypatch):
    # The same construction with D(x, y) = 4·x·y − 4·y + 1: f(x) = (1/4)/(1 − x), whose
    # fixed point x = 1/2 is double (x² − x + 1/4 = (x − 1/2)²). The elimination cannot tell a
    # double root from two close ones or none, so it hands the profile back; the box
    # search finds the equilibrium (a singular root).
    handed_back = []
    real = se.solve_profiles

    def spy(C, m, rows):
        out = real(C, m, rows)
        handed_back.extend(tuple(int(v) for v in m[r]) for r in out.fallback)
        return out

    monkeypatch.setattr(pe, "solve_profiles", spy)
    game = _cyclic_2x2x2([[1, -3], [1, 1]])
    found = all_equilibria(game)
    assert (1, 1, 1) in handed_back
    assert len(_mixed(found, 0.5, 1e-6)) == 1
    for e in found.equilibria:
        assert verify(game, e.profile) is not None


def test_real_roots_flags_unreliable_polynomials():
    P = np.array([
        [2 / 9, -1.0, 1.0, 0.0],      # (x − 1/3)(x − 2/3): two roots
        [0.25, -1.0, 1.0, 0.0],       # (x − 1/2)²: a double root, unreliable
        [1e-12, 1e-12, 1e-12, 0.0],   # zero to rounding: a continuum or worse, unreliable
        [1.0, 0.0, 1.0, 0.0],         # x² + 1: no real root
        [-0.5, 1.0, 0.0, 0.0],        # degree 1: x = 1/2
        [-6 / 125, 0.44, -1.2, 1.0],  # (x − 0.2)(x − 0.4)(x − 0.6): the eigenvalue path
    ])
    found, unsure = se.real_roots(P)
    roots = {}
    for row, x in found:
        roots.setdefault(row, []).append(x)
    assert unsure == {1, 2}
    assert sorted(roots[0]) == pytest.approx([1 / 3, 2 / 3], abs=1e-15)
    assert 3 not in roots
    assert roots[4] == pytest.approx([0.5], abs=1e-15)
    assert sorted(roots[5]) == pytest.approx([0.2, 0.4, 0.6], abs=1e-14)


def _box_search_only(monkeypatch):
    """Every support profile handed to the box search: tradegame's earlier method."""
    real = se.solve_profiles

    def none(C, m, rows):
        return se.Solved([], set(rows.tolist()))

    monkeypatch.setattr(pe, "solve_profiles", none)
    return lambda: monkeypatch.setattr(pe, "solve_profiles", real)


def _random(shape, seed, kind="float"):
    rng = np.random.default_rng(seed)
    if kind == "int":
        return _game([rng.integers(-9, 10, size=shape) for _ in shape])
    return _game([np.round(rng.normal(size=shape), 3) for _ in shape])


@pytest.mark.parametrize("shape,seed,kind", [
    ((2, 2, 2), 0, "float"), ((2, 2, 2), 1, "float"), ((2, 2, 2), 2, "int"),
    ((3, 2, 2), 3, "float"), ((3, 3, 2), 4, "float"), ((3, 3, 2), 5, "int"),
    ((3, 3, 3), 6, "float"), ((3, 3, 3), 7, "float"), ((3, 3, 3), 8, "int"),
    ((2, 2, 2, 2), 9, "float"), ((2, 2, 2, 2), 10, "float"), ((2, 2, 2, 2), 11, "int"),
    ((2, 2, 2, 2, 2), 12, "float"), ((4, 3, 2), 13, "float"),
])
def test_same_equilibria_as_the_box_search(monkeypatch, shape, seed, kind):
    # the elimination against the verified box search (each isolated root proved by
    # Krawczyk's test), on games covering every pattern: one, two, three and four players
    # mixing, 2 and 3 unknowns per player, and hand-backs (five mixing players); 2×2×2
    # games without the closed forms of two_strategy_trio (tested in test_two_strategy_trio.py)
    monkeypatch.setattr(pe, "TRIO_CLOSED_FORMS", False)
    game = _random(shape, seed, kind)
    fast = all_equilibria(game)
    restore = _box_search_only(monkeypatch)
    slow = all_equilibria(game)
    restore()
    assert fast.complete and slow.complete
    assert len(fast.equilibria) == len(slow.equilibria)
    for e in slow.equilibria:
        assert any(same_profile(e, f, 1e-9) for f in fast.equilibria)


def test_every_pattern_is_exercised():
    # the games above reach each closed form: constants, linear, quadratic (2×2×2),
    # quartic (3×3×2 supports), the (2, 1, 1) quadratic, both resultants
    seen = set()
    real = se.solve_profiles
    for shape, seed in [((3, 3, 3), 6), ((3, 3, 3), 7), ((2, 2, 2, 2), 9), ((3, 3, 2), 4)]:
        game = _random(shape, seed)
        P = pe._support_profiles(game)
        tables = [se.subset_tables(k) for k in game.shape]
        m = np.stack([t[4][P[:, j]] for j, t in enumerate(tables)], axis=1) - 1
        out = real(se.coefficients(se.scaled_payoffs(game), P), m, np.arange(len(P)))
        for s, xs, _ in out.points:
            seen.add(tuple(sorted(int(v) for v in m[s] if v)))
    for pattern in [(1, 1), (2, 2), (1, 1, 1), (1, 2, 2), (1, 1, 2), (2, 2, 2), (1, 1, 1, 1)]:
        assert pattern in seen, pattern


@pytest.mark.parametrize("seed", range(3))
def test_full_support_3x3x3_against_gambit(seed):
    try:
        import pygambit as gambit
    except ImportError:
        pytest.skip("pygambit not installed")
    game = _random((3, 3, 3), 100 + seed)
    G = gambit.Game.from_arrays(*[np.asarray(u) for u in game.payoffs])
    theirs = [[np.array([float(e[p][s]) for s in p.strategies]) for p in G.players]
              for e in gambit.nash.enumpoly_solve(G, use_strategic=True).equilibria]
    found = all_equilibria(game)
    assert found.complete
    for t in theirs:
        assert any(all(np.allclose(a, b, atol=1e-6) for a, b in zip(t, e.profile)) for e in found.equilibria)


def test_contract_axis_is_tensordot_bit_for_bit():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(x) for x in rng.integers(1, 5, size=nd))
        v = rng.normal(size=shape) * 10.0 ** int(rng.integers(-3, 4))
        axis = int(rng.integers(0, nd))
        p = rng.dirichlet(np.ones(shape[axis]))
        assert np.array_equal(np.tensordot(v, p, axes=([axis], [0])), _contract_axis(v, p, axis))


@pytest.mark.parametrize("shape", [(2, 2, 2, 2), (3, 3, 3)])
def test_resultant_degree_bounds_hold(monkeypatch, shape):
    # The hidden unknown's resultant is interpolated at bound + 1 points, exact only if
    # its degree is at most the bound (13 for four two-strategy players, 16 for 3×3×3):
    # at 40 points, every Chebyshev coefficient past the bound must be rounding.
    seen = []
    real = se._hidden_roots

    def spy(poly_at, S, dF, dG, bound):
        seen.append((poly_at, S, dF, dG, bound))
        return real(poly_at, S, dF, dG, bound)

    monkeypatch.setattr(se, "_hidden_roots", spy)
    for seed in range(3):
        all_equilibria(_random(shape, 200 + seed))
    assert seen
    for poly_at, S, dF, dG, bound in seen:
        nodes, T = se._chebyshev(40)
        F, G = poly_at(np.broadcast_to(nodes, (S, 40)))
        c = se._sylvester(F, G, dF, dG) @ T.T
        top = np.abs(c).max(axis=1, keepdims=True)
        assert np.all(np.abs(c[:, bound + 1 :]) <= 1e-12 * top)
        assert np.any(np.abs(c[:, bound - 3 : bound + 1]) > 1e-12 * top)  # and it is not lower by much


def test_quadratic_fast_path_matches_the_general_one():
    # real_roots takes a shortcut for quadratics; the general path (reached by padding the
    # same polynomials with a zero cubic coefficient) must find the same roots and flag
    # the same rows, including double roots, complex pairs and roots at the interval's ends
    rng = np.random.default_rng(3)
    roots = rng.uniform(-0.3, 1.3, size=(400, 2))
    roots[:40, 1] = roots[:40, 0] + rng.uniform(-1e-6, 1e-6, size=40)  # (nearly) double
    roots[40:60] = [[0.0, 1.0]] * 20  # the ends of [0, 1]
    P = np.stack([roots[:, 0] * roots[:, 1], -(roots[:, 0] + roots[:, 1]), np.ones(400)], axis=1)
    P[60:100, 0] += rng.uniform(0.5, 2.0, size=40)  # some complex pairs
    P *= rng.uniform(0.1, 10.0, size=(400, 1))
    fast, fast_unsure = se.real_roots(P)
    slow, slow_unsure = se.real_roots(np.concatenate([P, np.zeros((400, 1))], axis=1))
    assert fast_unsure == slow_unsure
    assert len(fast_unsure) >= 20  # the (nearly) double roots near [0, 1]
    assert sorted(r for r, _ in fast) == sorted(r for r, _ in slow)
    assert np.allclose(sorted(fast), sorted(slow), atol=1e-14)
