"""Every equilibrium of 2×2×2 games from closed forms (games/solvers/two_strategy_trio.py).

Checked against hand-derived games (two totally mixed equilibria at 1/3 and 2/3; two
players mixing at 1/2 while the third has a dominant strategy), against the general path
(elimination and box search, the closed forms switched off) on random games, and against
Gambit's `enumpoly_solve` where pygambit is installed. Degenerate games (a continuum, a
double root) must be handed back to the general path, which still answers them.
"""

from __future__ import annotations

import numpy as np
import pytest

import games.solvers.polynomial_enumeration as pe
from games.forms.normal_form import NormalFormGame
from games.solvers.equilibrium import _verify_one, same_profile, verify, verify_all
from games.solvers.polynomial_enumeration import all_equilibria
from games.solvers.two_strategy_trio import all_equilibria_trio


def _game(payoffs):
    return NormalFormGame("test", ("P1", "P2", "P3"), (("s1", "s2"),) * 3,
                          tuple(np.asarray(u, dtype=float) for u in payoffs))


def _cyclic(corners):
    """Each player's first strategy pays 0, its second D(x, y) with corner values
    corners[x][y]: player 1 in (q, r), player 2 in (r, p), player 3 in (q, p)."""
    u1, u2, u3 = (np.zeros((2, 2, 2)) for _ in range(3))
    for b in range(2):
        for c in range(2):
            u1[1, b, c] = corners[b][c]
            u2[b, 1, c] = corners[c][b]
            u3[b, c, 1] = corners[c][b]
    return _game([u1, u2, u3])


def _general(game):
    """The general path's answer (closed forms switched off)."""
    pe.TRIO_CLOSED_FORMS = False
    try:
        return all_equilibria(game)
    finally:
        pe.TRIO_CLOSED_FORMS = True


def test_two_totally_mixed_equilibria_by_hand():
    # D(x, y) = 4 − 18·y·(1 − x) (corners 4, −14, 4, 4), negative at pure (x, y) only at
    # (0, 1). By hand (p, q, r: each player's probability of its second strategy):
    # - pure: (1, 1, 1) (every D(1, 1) = 4 > 0) and (1, 0, 0) (player 2's D(r, p) =
    #   D(0, 1) = −14 and player 3's D(q, p) = −14, player 1's D(0, 0) = 4); no other;
    # - p = 1, q and r mixing: D(r, 1) = 0 and D(q, 1) = 0 give r = q = 7/9, and player 1's
    #   D(7/9, 7/9) = 4 − 18·(7/9)(2/9) = 8/9 > 0 keeps p = 1; the other pairs fail
    #   (p = 0 makes player 2's D(r, 0) = 4; q = 0 with p = r = 2/9 leaves player 2 a gain
    #   of 8/9; r = 1 makes player 2's D(1, p) = 4);
    # - all mixing: r = f(q), p = f(r), p = f(q) with f(x) = (2/9)/(1 − x), so r = q and
    #   q² − q + 2/9 = 0: q = 1/3 or 2/3, p = q = r.
    game = _cyclic([[4, -14], [4, 4]])
    trio = all_equilibria_trio(game)
    assert trio is not None
    hand = [(1, 1, 1), (1, 0, 0), (1, 7 / 9, 7 / 9), (1 / 3, 1 / 3, 1 / 3), (2 / 3, 2 / 3, 2 / 3)]
    assert len(trio) == len(hand)
    for x in hand:
        assert sum(all(abs(e.profile[i][1] - x[i]) < 1e-14 for i in range(3)) for e in trio) == 1
    found = all_equilibria(game)
    assert found.complete and found.equilibria == tuple(sorted(trio, key=pe.sort_key))
    for e in found.equilibria:
        assert verify(game, e.profile) is not None


def test_two_players_mixing_by_hand():
    # Players 1 and 2 play matching pennies whatever player 3 does; player 3's second
    # strategy pays 1 more than its first everywhere. The only equilibrium: p = q = 1/2, r = 1.
    u1, u2, u3 = (np.zeros((2, 2, 2)) for _ in range(3))
    for a in range(2):
        for b in range(2):
            u1[a, b, :] = 1.0 if a == b else -1.0
            u2[a, b, :] = -1.0 if a == b else 1.0
    u3[:, :, 1] = 1.0
    game = _game([u1, u2, u3])
    trio = all_equilibria_trio(game)
    assert trio is not None and len(trio) == 1
    assert trio[0].profile == ((0.5, 0.5), (0.5, 0.5), (0.0, 1.0))
    assert [e.profile for e in all_equilibria(game).equilibria] == [trio[0].profile]


def test_a_continuum_is_handed_back():
    # Player 3 is indifferent everywhere (all its payoffs equal): every r goes with
    # players 1 and 2's equilibria of the game they play for that r. Closed forms refuse
    # (a tie at every pure profile); the general path represents the continuum.
    rng = np.random.default_rng(0)
    game = _game([rng.normal(size=(2, 2, 2)), rng.normal(size=(2, 2, 2)), np.zeros((2, 2, 2))])
    assert all_equilibria_trio(game) is None
    found = all_equilibria(game)
    assert found.equilibria and found.continua >= 1
    assert "continua" in found.note


def test_a_continuum_without_ties_at_pure_profiles_is_handed_back():
    # Players 1 and 2 play matching pennies whatever player 3 does; player 3 gains p − 1/2
    # from its second strategy (−1/2 or 1/2 at pure profiles: no tie there). At p = q = 1/2
    # player 3 is indifferent, so every r gives an equilibrium: a segment. The quadratic
    # of the totally mixed profiles is identically zero; the closed forms refuse and the
    # general path represents the segment.
    u1, u2, u3 = (np.zeros((2, 2, 2)) for _ in range(3))
    for a in range(2):
        for b in range(2):
            u1[a, b, :] = 1.0 if a == b else -1.0
            u2[a, b, :] = -1.0 if a == b else 1.0
            u3[a, b, 1] = a - 0.5
    game = _game([u1, u2, u3])
    assert all_equilibria_trio(game) is None
    found = all_equilibria(game)
    assert found.complete and found.continua >= 1
    assert found.equilibria
    for e in found.equilibria:
        assert abs(e.profile[0][1] - 0.5) < 1e-9 and abs(e.profile[1][1] - 0.5) < 1e-9


def test_a_double_root_is_handed_back():
    # D(x, y) = 4·x·y − 4·y + 1: the quadratic (q − 1/2)² has a double root at 1/2;
    # the closed forms refuse and the general path finds the equilibrium.
    game = _cyclic([[1, -3], [1, 1]])
    assert all_equilibria_trio(game) is None
    found = all_equilibria(game)
    assert any(all(abs(p[1] - 0.5) < 1e-6 for p in e.profile) for e in found.equilibria)


@pytest.mark.parametrize("kind", ["normal", "rounded", "small integers"])
def test_same_equilibria_as_the_general_path(kind):
    rng = np.random.default_rng({"normal": 1, "rounded": 2, "small integers": 3}[kind])
    closed = 0
    for _ in range(150):
        if kind == "normal":
            pays = [rng.normal(size=(2, 2, 2)) * 10.0 ** rng.integers(-3, 4) for _ in range(3)]
        elif kind == "rounded":
            pays = [np.round(rng.normal(size=(2, 2, 2)), 1) for _ in range(3)]
        else:
            pays = [rng.integers(-3, 4, size=(2, 2, 2)) for _ in range(3)]
        game = _game(pays)
        trio = all_equilibria_trio(game)
        if trio is None:
            continue
        closed += 1
        general = _general(game)
        assert general.complete
        assert len(trio) == len(general.equilibria)
        for e in general.equilibria:
            assert any(same_profile(e, f, 1e-9) for f in trio)
        assert all_equilibria(game).equilibria == tuple(sorted(trio, key=pe.sort_key))
    assert closed >= 15  # the closed forms answered a share (with small integers, ties hand most back)


@pytest.mark.parametrize("seed", range(20))
def test_against_gambit(seed):
    try:
        import pygambit as gambit
    except ImportError:
        pytest.skip("pygambit not installed")
    rng = np.random.default_rng(500 + seed)
    pays = [rng.normal(size=(2, 2, 2)) for _ in range(3)]
    game = _game(pays)
    trio = all_equilibria_trio(game)
    assert trio is not None
    G = gambit.Game.from_arrays(*pays)
    theirs = [[np.array([float(e[p][s]) for s in p.strategies]) for p in G.players]
              for e in gambit.nash.enumpoly_solve(G, use_strategic=True).equilibria]
    # every equilibrium Gambit lists is listed; Gambit sometimes lists fewer (seed 503: it
    # misses a totally mixed equilibrium whose regrets are 2e-16, which the general path
    # finds too), so ours beyond Gambit's must pass `verify` and be found by the general path
    for t in theirs:
        assert any(all(np.allclose(a, b, atol=1e-6) for a, b in zip(t, e.profile)) for e in trio)
    assert len(trio) >= len(theirs)
    general = _general(game)
    assert len(general.equilibria) == len(trio)
    for e in trio:
        assert verify(game, e.profile) is not None
        assert any(same_profile(e, f, 1e-9) for f in general.equilibria)


@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (3, 2, 4)])
def test_verify_all_is_verify_one_bit_for_bit(shape):
    # `verify_all` on games of three or more players takes `_verify_small` (the same NumPy
    # calls with the per-game work done once); its answers must be `_verify_one`'s, every
    # number the same float: on equilibria (found by the enumeration) nudged by up to
    # 1e-9, which mostly pass, and on random profiles, which mostly fail
    rng = np.random.default_rng(sum(shape))
    accepted = 0
    for _ in range(8 if shape == (3, 3, 3) else 25):
        pays = [rng.normal(size=shape) * 10.0 ** rng.integers(-3, 4) + rng.normal() * 10.0 ** rng.integers(-2, 6)
                for _ in shape]
        game = NormalFormGame("t", tuple(f"P{i}" for i in range(len(shape))),
                              tuple(tuple(f"s{j}" for j in range(k)) for k in shape), tuple(pays))
        profiles = [[np.array(p) + (rng.normal(size=len(p)) * 10.0 ** -rng.integers(9, 16) if t else 0.0)
                     for p in e.profile] for e in all_equilibria(game).equilibria for t in range(6)]
        profiles += [[rng.dirichlet(np.ones(k)) for k in shape] for _ in range(10)]
        profiles += [[np.eye(k)[rng.integers(0, k)] for k in shape] for _ in range(10)]
        for profile, new in zip(profiles, verify_all(game, profiles)):
            old = _verify_one(game, profile)
            assert (old is None) == (new is None)
            if old is not None:
                accepted += 1
                assert old.max_regret == new.max_regret
                assert np.array_equal(np.array(old.payoffs), np.array(new.payoffs))
                assert all(np.array_equal(np.array(a), np.array(b)) for a, b in zip(old.profile, new.profile))
    assert accepted >= 50
