"""Every equilibrium of small N-player games (games/solvers/polynomial_enumeration.py).

Checked against hand derivations, against tradegame's independent exact 2×2×2 solver
(games/solvers/three_player.py, closed-form quadratics in fractions), and against Gambit's
`enumpoly_solve` when pygambit is installed: every equilibrium Gambit lists must be
ours, and every one we list beyond Gambit's must pass Gambit's own regret check.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games.solvers.equilibrium import same_profile, verify
from games.errors import InputError
from games.forms.normal_form import NormalFormGame
from games.solvers.polynomial_enumeration import MAX_UNKNOWNS, all_equilibria, check_size
from games.solvers.solver import solve
from games.solvers.three_player import solve_2x2x2


def _game(payoffs, names=None):
    shape = np.asarray(payoffs[0]).shape
    players = names or tuple(f"P{i + 1}" for i in range(len(shape)))
    strats = tuple(tuple(f"s{j + 1}" for j in range(k)) for k in shape)
    return NormalFormGame("test", players, strats, tuple(np.asarray(u, dtype=float) for u in payoffs))


def _random(shape, seed, kind="float"):
    rng = np.random.default_rng(seed)
    if kind == "float":
        return _game([np.round(rng.normal(size=shape), 3) for _ in shape])
    if kind == "ties":  # payoffs in {0, 1, 2}: ties, continua, degenerate supports
        return _game([rng.integers(0, 3, size=shape) for _ in shape])
    if kind == "01":  # payoffs in {0, 1}: heavily degenerate
        return _game([rng.integers(0, 2, size=shape) for _ in shape])
    return _game([rng.integers(-9, 10, size=shape) for _ in shape])


def _profiles(eqs):
    return [[np.asarray(p) for p in e.profile] for e in eqs]


def _contains(listing, profile, atol=1e-6):
    return any(all(np.allclose(a, b, atol=atol) for a, b in zip(profile, other)) for other in listing)


def test_three_player_matching_pennies_hand():
    # Players 1 and 2 play matching pennies; player 3's payoff does not depend on its own
    # action, so it is indifferent, and player 1's stakes double when player 3 plays s2.
    # Player 1's gain from s2 is (1 − 2q)(1 + r)·2 with q = P(2 plays s2), r = P(3 plays s2):
    # zero only at q = 1/2; player 2's at p = 1/2. Player 3 mixes freely: a continuum
    # {p = q = 1/2, any r}, represented by its two ends r = 0 and r = 1.
    u1 = np.zeros((2, 2, 2))
    for a in range(2):
        for b in range(2):
            for c in range(2):
                u1[a, b, c] = (1 if a == b else -1) * (1 + c)
    u2 = -np.sign(u1)
    u3 = np.zeros((2, 2, 2))
    found = all_equilibria(_game([u1, u2, u3]))
    assert found.complete and found.continua >= 1
    listing = _profiles(found.equilibria)
    for r in (0.0, 1.0):
        assert _contains(listing, [np.array([0.5, 0.5]), np.array([0.5, 0.5]), np.array([1 - r, r])])
    for eq in found.equilibria:
        assert eq.profile[0] == pytest.approx((0.5, 0.5)) and eq.profile[1] == pytest.approx((0.5, 0.5))


def test_four_player_symmetric_hand():
    # Four players each choose In or Out; In pays 1 if exactly one other player is In and
    # 0 otherwise, Out pays 2/5. With the others In with probability p each, In pays
    # 3p(1 − p)² (largest, 4/9, at p = 1/3): indifferent where 3p(1 − p)² = 2/5, two roots in (0, 1) — two symmetric
    # totally mixed equilibria, both of which must be found.
    import itertools

    u = [np.zeros((2,) * 4) for _ in range(4)]
    for prof in itertools.product(range(2), repeat=4):
        for i in range(4):
            others_in = sum(prof[j] for j in range(4) if j != i)
            u[i][prof] = (1.0 if others_in == 1 else 0.0) if prof[i] == 1 else 0.4
    found = all_equilibria(_game(u))
    roots = [r.real for r in np.roots([3, -6, 3, -0.4]) if abs(r.imag) < 1e-12 and 0 < r.real < 1]
    assert len(roots) == 2
    listing = _profiles(found.equilibria)
    for p in roots:
        assert _contains(listing, [np.array([1 - p, p])] * 4)
    assert found.complete
    for eq in found.equilibria:
        assert verify(_game(u), eq.profile) is not None


@pytest.mark.parametrize("seed", range(12))
def test_2x2x2_matches_the_exact_solver(seed):
    game = _random((2, 2, 2), seed, "int" if seed % 2 else "float")
    exact = solve_2x2x2(game)
    ours = all_equilibria(game)
    if exact.note:  # degenerate: the two solvers represent continua differently
        pytest.skip("degenerate game")
    assert ours.complete
    assert len(ours.equilibria) == len(exact.equilibria)
    for eq in exact.equilibria:
        assert any(same_profile(eq, o, 1e-7) for o in ours.equilibria)


def test_size_limit_names_a_method_that_fits():
    big = _game([np.zeros((3, 3, 4))] * 3)
    with pytest.raises(InputError, match="--method logit"):
        check_size(big)
    with pytest.raises(InputError, match="--method logit"):
        solve(big, "polynomial-support-enumeration")
    # 3 players × 3 strategies and 4 × 2 are within the limit
    assert MAX_UNKNOWNS >= 6
    check_size(_game([np.zeros((3, 3, 3))] * 3))
    check_size(_game([np.zeros((2, 2, 2, 2))] * 4))


def test_auto_above_the_limit_gives_one_verified_equilibrium():
    game = _random((3, 3, 4), 5)
    sol = solve(game)
    assert sol.method == "logit" and not sol.complete and len(sol.equilibria) == 1



def _meeting(players: int, places: int):
    """Each player picks a place; all at place s earn s + 1 each, any other outcome 0.

    By hand: a profile is an equilibrium when everyone meets (``places`` profiles), or when
    no player could complete a meeting by moving, i.e. no ``players − 1`` of them share a
    place. For 4 players and 3 places: 81 profiles, 3 where all four meet, 3 × 4 × 2 = 24
    where exactly three meet (the fourth gains by joining them), 81 − 3 − 24 = 54 where at
    most two share a place: 3 + 54 = 57 pure equilibria.
    """
    shape = (places,) * players
    u = np.zeros(shape)
    for s in range(places):
        u[(s,) * players] = s + 1
    return _game([u] * players)


def _pure_of(solution):
    return {tuple(int(np.argmax(p)) for p in eq.profile) for eq in solution.equilibria if eq.is_pure}


def test_auto_above_the_limit_lists_every_pure_equilibrium():
    game = _meeting(4, 3)  # Σ(strategies − 1) = 8 > 6
    with pytest.raises(InputError):
        check_size(game)
    sol = solve(game)
    assert sol.method == "pure" and not sol.complete
    assert len(sol.equilibria) == 57 and all(eq.is_pure for eq in sol.equilibria)
    assert {(s,) * 4 for s in range(3)} <= _pure_of(sol)
    assert all(max(p.count(s) for s in p) <= 2 for p in _pure_of(sol) if len(set(p)) > 1)  # no three meet
    assert "beyond polynomial support enumeration" in sol.note and "81" in sol.note
    assert "mixed equilibria were not computed" in sol.note
    # three players, four places: 4 where all meet + 4 × 3 × 2 where all are apart
    assert len(solve(_meeting(3, 4)).equilibria) == 28


def test_pure_equilibria_above_the_limit_match_gambit_enumpure():
    gambit = pytest.importorskip("pygambit")
    for game in (_meeting(4, 3), _meeting(3, 4), _random((3, 3, 4), 2, "ties")):
        theirs = {tuple(int(np.argmax([float(e[p][s]) for s in p.strategies])) for p in e.game.players)
                  for e in gambit.nash.enumpure_solve(_gambit_game(gambit, game)).equilibria}
        sol = solve(game)
        if theirs:
            assert sol.method == "pure" and _pure_of(sol) == theirs
        else:
            assert sol.method == "logit"


def _rps_with_a_bystander():
    """Rock–paper–scissors between two players; a third picks one of four numbers and is
    paid the number, whatever the others do. No pure equilibrium (the first two never
    are); the only equilibrium: both mix 1/3 each, the third picks 4."""
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
    u1 = np.repeat(rps[:, :, None], 4, axis=2)
    u3 = np.broadcast_to(np.arange(1.0, 5.0), (3, 3, 4)).copy()
    return _game([u1, -u1, u3])


def test_auto_above_the_limit_without_pure_equilibria_gives_the_logit_one():
    game = _rps_with_a_bystander()  # Σ(strategies − 1) = 7 > 6
    sol = solve(game)
    assert sol.method == "logit" and not sol.complete and len(sol.equilibria) == 1
    x, y, z = sol.equilibria[0].profile
    assert np.allclose(x, 1 / 3, atol=1e-7) and np.allclose(y, 1 / 3, atol=1e-7)
    assert np.allclose(z, [0, 0, 0, 1], atol=1e-7)
    assert "none of its 36 pure profiles is an equilibrium" in sol.note


def test_auto_above_the_pure_search_cap_gives_the_logit_one(monkeypatch):
    from games.solvers import solver

    monkeypatch.setattr(solver, "MAX_PURE_SEARCH", 80)
    sol = solve(_meeting(4, 3))  # 81 profiles: not searched, so the logit path's one
    assert sol.method == "logit" and len(sol.equilibria) == 1
    assert "more than the 80 checked" in sol.note


def test_cli_solves_a_large_nfg_for_its_pure_equilibria(tmp_path):
    import json

    from typer.testing import CliRunner

    from cli.app import app
    from games.formats.nfg import to_nfg

    for game, method, count in ((_meeting(4, 3), "pure", 57), (_rps_with_a_bystander(), "logit", 1)):
        path = tmp_path / "big.nfg"
        path.write_text(to_nfg(game))
        result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["method"] == method and data["complete"] is False
        assert len(data["equilibria"]) == count
        assert "beyond polynomial support enumeration" in data["note"]


# ------------------------------------------------------------------ Gambit
def _gambit():
    try:
        import pygambit
    except ImportError:
        pytest.skip("pygambit not installed")
    return pygambit


def _gambit_game(gambit, game):
    return gambit.Game.from_arrays(*[np.asarray(u) for u in game.payoffs])


def _gambit_regret(gambit, G, profile) -> float:
    p = G.mixed_strategy_profile(rational=False)
    for i, player in enumerate(G.players):
        for k, s in enumerate(player.strategies):
            p[s] = profile[i][k]
    return float(p.max_regret())


@pytest.mark.parametrize("shape,seed", [
    ((2, 2, 2), 1), ((2, 2, 2), 3), ((3, 3, 3), 0), ((3, 3, 3), 2),
    ((2, 2, 2, 2), 1), ((2, 2, 2, 2), 2), ((2, 2, 2, 2), 3), ((3, 2, 2), 1),
])
def test_against_gambit_enumpoly(shape, seed):
    _check_against_gambit(shape, seed, "float")


# degenerate games on which Gambit's enumpoly finishes (on others, e.g. ((2, 2, 2, 2), 2)
# with these payoffs, it ran for more than 20 s)
@pytest.mark.parametrize("shape,seed", [
    ((2, 2, 2), 0), ((2, 2, 2), 3), ((2, 2, 2, 2), 0), ((2, 2, 2, 2), 5), ((3, 2, 2), 1), ((3, 2, 2), 4),
])
def test_degenerate_games_against_gambit_enumpoly(shape, seed):
    _check_against_gambit(shape, seed, "ties")


def _check_against_gambit(shape, seed, kind):
    gambit = _gambit()
    game = _random(shape, seed, kind)
    G = _gambit_game(gambit, game)
    theirs = [[np.array([float(e[p][s]) for s in p.strategies]) for p in G.players]
              for e in gambit.nash.enumpoly_solve(G, use_strategic=True).equilibria]
    found = all_equilibria(game)
    ours = _profiles(found.equilibria)
    assert found.complete
    for t in theirs:  # nothing Gambit finds is missing
        assert _contains(ours, t, 1e-6)
    for o in ours:  # anything extra is an equilibrium by Gambit's own measure
        if not _contains(theirs, o, 1e-6):
            assert _gambit_regret(gambit, G, o) <= 1e-9
    assert len(ours) == len({tuple(np.round(np.concatenate(o), 6)) for o in ours})


def test_gambit_misses_a_totally_mixed_equilibrium_we_find():
    # A 2×2×2×2 game where Gambit 16.7's enumpoly lists 4 equilibria and not the totally
    # mixed one, which Gambit's own max_regret confirms (regret < 1e-15).
    gambit = _gambit()
    game = _random((2, 2, 2, 2), 2)
    G = _gambit_game(gambit, game)
    found = all_equilibria(game)
    mixed = [e for e in found.equilibria if all(min(p) > 0.05 for p in e.profile)]
    assert len(mixed) == 1
    assert _gambit_regret(gambit, G, mixed[0].profile) <= 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_two_player_games_match_vertex_enumeration(seed):
    # the same algorithm on two players, against tradegame's vertex enumeration (itself
    # checked against Gambit's enummixed): identical lists on generic 3×4 games
    from games.forms.normal_form import from_bimatrix

    rng = np.random.default_rng(seed)
    game = from_bimatrix(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)))
    ours = solve(game, "polynomial-support-enumeration")
    reference = solve(game, "vertex-enumeration")
    assert ours.complete and len(ours.equilibria) == len(reference.equilibria)
    for eq in reference.equilibria:
        assert any(same_profile(eq, o, 1e-7) for o in ours.equilibria)


@pytest.mark.parametrize("seed", [5, 8])
def test_degenerate_3x3x3_against_gambit_enumpoly(seed):
    # payoffs in {0, 1}: continua everywhere; these are two of the few such games on which
    # Gambit's enumpoly finishes (on most it runs for minutes)
    _check_against_gambit((3, 3, 3), seed, "01")


@pytest.mark.parametrize("seed", [0, 1])
def test_degenerate_3x3x3_complete_and_verified(seed):
    # {0, 1} payoffs. Curves of solutions of the indifference equations meet the region
    # where no outside strategy pays more in single points (ties), or pass near it; the
    # search used to stop there with an incomplete list. Every pure equilibrium (Gambit's
    # enumpure) must be listed, and every listed profile must pass Gambit's regret check.
    gambit = _gambit()
    game = _random((3, 3, 3), seed, "01")
    G = _gambit_game(gambit, game)
    found = all_equilibria(game)
    assert found.complete
    ours = _profiles(found.equilibria)
    for e in gambit.nash.enumpure_solve(G).equilibria:
        assert _contains(ours, [np.array([float(e[p][s]) for s in p.strategies]) for p in G.players])
    for o in ours:
        assert _gambit_regret(gambit, G, o) <= 1e-9


@settings(max_examples=6, deadline=None)
@given(shape=st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 2, 2, 2), (2, 3, 2)]), seed=st.integers(0, 2**32 - 1))
def test_random_small_games_against_gambit_enumpoly(shape, seed):
    # generic games (normal payoffs): everything Gambit's enumpoly lists is listed, and
    # anything more passes Gambit's own regret check
    _check_against_gambit(shape, seed, "float")


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_2x2x2_against_the_exact_solver(seed):
    # the same list as the closed-form quadratics in fractions, whenever the game is not
    # degenerate (integer payoffs in ±9 make ties, then the exact solver says so)
    game = _random((2, 2, 2), seed, "int")
    exact = solve_2x2x2(game)
    if exact.note:
        return
    ours = all_equilibria(game)
    assert ours.complete and len(ours.equilibria) == len(exact.equilibria)
    for eq in exact.equilibria:
        assert any(same_profile(eq, o, 1e-7) for o in ours.equilibria)
