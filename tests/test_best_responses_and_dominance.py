"""Best responses, pure equilibria and dominance on games with known structure."""

from __future__ import annotations

import numpy as np

from games.solvers.best_response import best_responses, deviation_gains, pure_equilibria
from games.solvers.dominance import dominant_strategies, iterated_elimination
from games.forms.normal_form import NormalFormGame, from_bimatrix

PD = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], row_strategies=["C", "D"], col_strategies=["C", "D"])


def test_prisoners_dilemma_defection_is_strictly_dominant():
    assert dominant_strategies(PD) == {0: 1, 1: 1}
    assert iterated_elimination(PD).surviving == ((1,), (1,))


def test_best_responses_with_ties():
    g = from_bimatrix([[1, 0], [1, 2]], [[0, 0], [0, 0]])
    assert best_responses(g, 0, [0]) == (0, 1)
    assert best_responses(g, 0, [1]) == (1,)
    assert best_responses(g, 1, [0]) == (0, 1)


def test_pure_equilibria_of_coordination_game():
    g = from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert pure_equilibria(g) == [(0, 0), (1, 1)]


def test_deviation_gains_report_margins():
    # at (D, D) each player loses 1 by switching to C
    assert deviation_gains(PD, (1, 1)) == [(0, -1.0), (0, -1.0)]
    # at (C, C) each gains 2 by defecting
    assert deviation_gains(PD, (0, 0)) == [(1, 2.0), (1, 2.0)]


def test_iterated_elimination_needs_several_rounds():
    # classic 3x3 solved by iterated strict dominance to (r1, c1)... known example:
    A = np.array([[4, 5, 6], [2, 8, 3], [3, 9, 2]])
    B = np.array([[3, 1, 2], [1, 4, 6], [0, 6, 8]])
    result = iterated_elimination(from_bimatrix(A, B))
    assert result.surviving == ((0,), (0,))
    assert len(result.steps) == 4


def test_weak_dominance_is_reported_as_weak():
    g = from_bimatrix([[1, 1], [1, 0]], [[0, 0], [0, 0]])
    result = iterated_elimination(g, strict=False)
    assert result.steps[0].dominated == 1 and not result.steps[0].strict


def test_first_pure_equilibria_counts_all_and_builds_only_the_first():
    """An all-zero 3×4×5 game: all 60 profiles are equilibria; the first 7 in profile order
    (last player's strategy varying fastest) are built, and the count is still 60."""
    from games.solvers.best_response import first_pure_equilibria

    zero = NormalFormGame("zero", ("A", "B", "C"), (("a1", "a2", "a3"), tuple("b" + str(k) for k in range(4)),
                          tuple("c" + str(k) for k in range(5))), tuple(np.zeros((3, 4, 5)) for _ in range(3)))
    first, total = first_pure_equilibria(zero, 7)
    assert total == 60
    assert first == [(0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 0, 3), (0, 0, 4), (0, 1, 0), (0, 1, 1)]
    # the prisoner's dilemma: one pure equilibrium, mutual defection
    pd = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert first_pure_equilibria(pd, 100) == ([(1, 1)], 1)
    assert first_pure_equilibria(pd, None) == ([(1, 1)], 1)
