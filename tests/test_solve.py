"""Equilibria of classic games against their textbook answers, for every complete method."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from games.solvers.equilibrium import verify
from games.errors import InputError
from games.forms.normal_form import from_bimatrix, NormalFormGame
from games.solvers.solver import solve
from tests.conftest import CLASSICS, as_set, profile_set, same_profiles

COMPLETE = ["auto", "vertex-enumeration"]


@pytest.mark.parametrize("name,A,B,expected", CLASSICS, ids=[c[0] for c in CLASSICS])
@pytest.mark.parametrize("method", COMPLETE)
def test_classic_games_have_their_textbook_equilibria(name, A, B, expected, method):
    solution = solve(from_bimatrix(A, B, title=name), method)
    assert profile_set(solution.equilibria) == as_set(expected)
    assert solution.complete


@pytest.mark.parametrize("name,A,B,expected", [c for c in CLASSICS if len(c[1]) == 2 and len(c[1][0]) == 2])
def test_closed_form_matches_textbook(name, A, B, expected):
    assert profile_set(solve(from_bimatrix(A, B), "closed-form").equilibria) == as_set(expected)


@pytest.mark.parametrize("name,A,B,expected", [c for c in CLASSICS if not c[0].startswith(("degenerate", "all-ties"))])
def test_nashpy_support_enumeration_on_nondegenerate_classics(name, A, B, expected):
    solution = solve(from_bimatrix(A, B), "support-enumeration")
    assert profile_set(solution.equilibria) == as_set(expected)
    assert not solution.complete  # nashpy's list is only complete for non-degenerate games


def test_payoffs_of_mixed_equilibrium_battle_of_sexes():
    solution = solve(from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]]))
    mixed = [e for e in solution.equilibria if not e.is_pure][0]
    assert mixed.payoffs == pytest.approx((2 / 3, 2 / 3))


def test_lemke_howson_returns_only_equilibria():
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 3], [2, 6], [3, 1]]
    sol = solve(from_bimatrix(A, B), "lemke-howson")
    assert sol.equilibria and not sol.complete
    assert profile_set(sol.equilibria) <= as_set(CLASSICS[-2][3])


def test_three_player_pure_equilibria():
    # a 2x2x2 coordination game: everyone gets 1 if all choose the same action
    shape = (2, 2, 2)
    u = np.zeros(shape)
    u[0, 0, 0] = u[1, 1, 1] = 1
    game = NormalFormGame("coordination", ("A", "B", "C"), (("x", "y"),) * 3, (u, u, u))
    sol = solve(game, "pure")
    assert profile_set(sol.equilibria) == {((1, 0),) * 3, ((0, 1),) * 3}
    assert not sol.complete
    # By default every equilibrium: a mixing player is indifferent when the other two's
    # chances of x multiply to their chances of y, pB·pC = (1 − pB)(1 − pC), i.e. pB + pC = 1;
    # for all three at once, every p = 1/2. With one player pure, the others cannot mix.
    sol = solve(game)
    assert sol.complete and sol.method == "polynomial-support-enumeration"
    assert profile_set(sol.equilibria) == {((1, 0),) * 3, ((0, 1),) * 3, ((0.5, 0.5),) * 3}


def test_method_errors_name_the_option():
    with pytest.raises(InputError, match="--method"):
        solve(from_bimatrix([[1, 2, 3]], [[1, 2, 3]]), "closed-form")
    with pytest.raises(InputError, match="--method"):
        solve(from_bimatrix([[1]], [[1]]), "simplex")
    big = np.zeros((21, 21))  # 42 strategies: more than vertex enumeration takes
    with pytest.raises(InputError, match="lemke-howson"):
        solve(from_bimatrix(big, big), "vertex-enumeration")


def test_vertex_enumeration_is_not_capped_by_candidate_bases():
    """15×15 has 155 million candidate bases; pivoting visits only the vertices. In the game
    where both players are indifferent everywhere, each pair of pure strategies is an
    extreme equilibrium: 15 · 15 = 225 of them."""
    zero = np.zeros((15, 15))
    sol = solve(from_bimatrix(zero, zero), "vertex-enumeration")
    assert sol.complete and len(sol.equilibria) == 225
    assert all(eq.is_pure for eq in sol.equilibria)


small_ints = st.integers(min_value=-3, max_value=3)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.integers(2, 4).flatmap(
            lambda n: st.tuples(
                st.lists(st.lists(small_ints, min_size=n, max_size=n), min_size=m, max_size=m),
                st.lists(st.lists(small_ints, min_size=n, max_size=n), min_size=m, max_size=m),
            )
        )
    )
)
def test_every_reported_profile_is_an_equilibrium(pair):
    """Property: on random (often degenerate) games, each result passes an independent check."""
    A, B = np.array(pair[0], float), np.array(pair[1], float)
    solution = solve(from_bimatrix(A, B))
    assert solution.equilibria
    for eq in solution.equilibria:
        x, y = map(np.array, eq.profile)
        # independent check written out for the bimatrix case
        assert np.max(A @ y) - x @ A @ y <= 1e-7
        assert np.max(x @ B) - x @ B @ y <= 1e-7
        assert abs(x.sum() - 1) < 1e-9 and abs(y.sum() - 1) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-400, 400), min_size=8, max_size=8))
@example(values=[144, -368, -372, -116, 0, 0, 0, 0])  # 0.328125: rounding to 5 digits split it once
def test_2x2_closed_form_agrees_with_vertex_enumeration(values):
    # payoffs on a 0.25 grid: ties are exact, differences far above the tolerance
    values = [v / 4 for v in values]
    A = np.array(values[:4]).reshape(2, 2)
    B = np.array(values[4:]).reshape(2, 2)
    g = from_bimatrix(A, B)
    closed = [e.profile for e in solve(g, "closed-form").equilibria]
    vertex = [e.profile for e in solve(g, "vertex-enumeration").equilibria]
    assert same_profiles(closed, vertex), (closed, vertex)


def test_verify_rejects_a_non_equilibrium():
    g = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert verify(g, [[1, 0], [1, 0]]) is None  # mutual cooperation in the PD
    assert verify(g, [[0.5, 0.6], [1, 0]]) is None  # not a probability vector
    assert verify(g, [[0, 1], [0, 1]]) is not None


def test_near_tie_found_by_enumeration_still_verifies():
    """A payoff difference of ~7e-9 is a tie to the enumeration; verification must accept
    what it finds rather than fail (found by a sweep of the graded trade game)."""
    from games.model.scenarios import load
    from games.trade import graded_game

    p = dict(load("baseline").parameters)
    p["re_dependence"] = 4.499999940395355
    solution = solve(graded_game(p))
    assert solution.equilibria and solution.complete


def test_a_small_payoff_player_is_not_drowned_by_a_large_one():
    """Regression (found against Gambit): the column player's payoffs span 0..1, the row
    player's a billion. Column's c2 is strictly dominant, so row answers with r2 — the only
    equilibrium. One common scale once flattened column's payoffs into ties and verified
    three profiles in which column leaves a whole unit on the table."""
    A = [[1e9, 0, 5e8], [0, 1e9, 5e8]]
    B = [[0, 1, 0], [0, 1, 0]]
    for method in ("auto", "vertex-enumeration", "lemke-howson", "pure"):
        assert profile_set(solve(from_bimatrix(A, B), method).equilibria) == {((0, 1), (0, 1, 0))}, method
    g = from_bimatrix([[1e9, 0], [0, 1e9]], [[0, 1], [0, 1]])
    assert verify(g, [[1, 0], [1, 0]]) is None  # column would gain 1 by switching
    assert profile_set(solve(g, "pure").equilibria) == {((0, 1), (0, 1))}


def test_verification_ignores_a_common_shift_of_one_players_payoffs():
    """Equilibria are unchanged when a player's payoffs are shifted: 10⁹ + (PD payoffs)."""
    A = np.array([[3, 0], [5, 1]], float) + 1e9
    B = np.array([[3, 5], [0, 1]], float)
    sol = solve(from_bimatrix(A, B))
    assert profile_set(sol.equilibria) == {((0, 1), (0, 1))}
    assert verify(from_bimatrix(A, B), [[1, 0], [1, 0]]) is None


def test_lemke_howson_finishes_on_large_degenerate_trade_games():
    """The graded trade game is full of ties (nashpy's Lemke–Howson cycled on it for
    hours); lexicographic pivoting ends every path, and each result is verified."""
    from games.model.scenarios import load
    from games.trade import graded_game

    for name in ("baseline", "escalation-2025", "stockholm-2025"):
        game = graded_game(dict(load(name).parameters), 30)
        sol = solve(game, "lemke-howson")
        assert sol.equilibria and not sol.complete
        for eq in sol.equilibria:
            assert verify(game, eq.profile) is not None


def test_too_large_for_a_method_names_one_that_can():
    with pytest.raises(InputError, match="vertex-enumeration"):  # 12×12: 2^24 supports, 2.7M bases
        solve(from_bimatrix(np.eye(12), np.eye(12)), "support-enumeration")
    with pytest.raises(InputError, match="too large") as exc:  # 30×30: only Lemke–Howson fits
        solve(from_bimatrix(np.eye(30), np.eye(30)), "support-enumeration")
    assert "lemke-howson" in str(exc.value) and "vertex-enumeration" not in str(exc.value)
    with pytest.raises(InputError, match="lemke-howson"):
        solve(from_bimatrix(np.eye(30), np.eye(30)))
    assert solve(from_bimatrix(np.eye(30), np.eye(30)), "lemke-howson").equilibria


def test_nashpy_failures_are_one_clear_solver_error():
    """nashpy assumes non-degenerate games of at least 2×2; on a 1×1 game its vertex
    enumeration fails deep inside SciPy. That is reported as a SolverError (exit 1) naming
    the method that works, not as an internal error."""
    from games.errors import SolverError

    with pytest.raises(SolverError, match="--method vertex-enumeration"):
        solve(from_bimatrix([[0]], [[0]]), "nashpy-vertex-enumeration")
    assert profile_set(solve(from_bimatrix([[0]], [[0]]), "vertex-enumeration").equilibria) == {((1,), (1,))}
