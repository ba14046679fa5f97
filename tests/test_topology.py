"""Robinson–Goforth classification against published examples and an independent reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from games.normal_form import from_bimatrix
from games.topology import as_bimatrix, classify, classify_game, strict_games

# ---------------------------------------------------------------- published examples
# (name, A, B, expected class name): textbook payoffs (Rapoport & Guyer 1966; Rapoport 1967;
# Robinson & Goforth 2005; Bruns 2015 for the tie families).
EXAMPLES = [
    ("prisoner's dilemma", [[3, 0], [5, 1]], [[3, 5], [0, 1]], "Prisoner's Dilemma"),
    ("chicken", [[0, -1], [1, -10]], [[0, 1], [-1, -10]], "Chicken"),
    ("stag hunt (strict)", [[5, 0], [4, 2]], [[5, 4], [0, 2]], "Stag Hunt"),
    ("deadlock", [[1, 0], [3, 2]], [[1, 3], [0, 2]], "Deadlock"),
    ("harmony", [[4, 3], [2, 1]], [[4, 2], [3, 1]], "Harmony"),
    # Rapoport's Leader: C,C 2,2; C,D 3,4; D,C 4,3; D,D 1,1
    ("leader", [[2, 3], [4, 1]], [[2, 4], [3, 1]], "Battle of the Sexes"),
    # Rapoport's Hero: C,C 2,2; C,D 4,3; D,C 3,4; D,D 1,1
    ("hero", [[2, 4], [3, 1]], [[2, 3], [4, 1]], "Hero"),
    # the classic Battle of the Sexes has tied miscoordination payoffs: Bruns' low Battle
    ("battle of the sexes", [[2, 0], [0, 1]], [[1, 0], [0, 2]], "a game with ties: low Battle of the Sexes"),
    # Stag Hunt with hare paying the same whatever the other does (T = P): middle Stag Hunt
    ("stag hunt (tied hare)", [[4, 0], [3, 3]], [[4, 3], [0, 3]], "a game with ties: middle Stag Hunt"),
]


@pytest.mark.parametrize("label,A,B,expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_published_examples(label, A, B, expected):
    assert classify(A, B).name == expected


def test_escalation_is_a_prisoners_dilemma_and_stockholm_a_stag_hunt():
    from games import trade
    from games.scenarios import load

    assert classify_game(trade.simultaneous_game(load("escalation-2025").parameters)).name == "Prisoner's Dilemma"
    assert classify_game(trade.simultaneous_game(load("stockholm-2025").parameters)).name == "Stag Hunt"


def test_ties_are_named_as_such_with_their_strict_neighbours():
    c = classify([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert not c.strict and c.row_ties == "low"
    assert {"Battle of the Sexes", "Hero"} <= set(c.nearest)
    zero = classify([[1, 1], [1, 1]], [[0, 0], [0, 0]])
    assert zero.row_ties == "zero" and len(zero.nearest) == 144


def test_non_2x2_games_have_no_class():
    g = from_bimatrix([[1, 2, 3], [3, 2, 1]], [[0, 1, 0], [1, 0, 1]])
    assert classify_game(g) is None


# ---------------------------------------------------------------- independent reference
# Symmetric games [R S; T P] defined by the textbook orderings of R, S, T, P, written here
# from the definitions (not from the module's tables).
ORDERINGS = {
    "Prisoner's Dilemma": "TRPS",
    "Chicken": "TRSP",
    "Stag Hunt": "RTPS",
    "Deadlock": "TPRS",
    "Battle of the Sexes": "TSRP",  # Rapoport's Leader
    "Hero": "STRP",  # Rapoport's Hero (relabelled: T > S > P > R)
    "Harmony": "RSTP",
    "Concord": "RTSP",
    "Peace": "RSPT",
    "Coordination": "RPST",
    "Assurance": "RPTS",
    "Compromise": "TPSR",
}


def _reference_symmetric(R, S, T, P) -> str:
    values = {"R": R, "S": S, "T": T, "P": P}
    relabelled = {"R": P, "S": T, "T": S, "P": R}  # the two strategies swapped
    for name, order in ORDERINGS.items():
        for v in (values, relabelled):
            if all(v[order[k]] > v[order[k + 1]] for k in range(3)):
                return name
    raise AssertionError("every strict symmetric game has a name")


def test_all_24_symmetric_strict_games_match_the_reference():
    seen = set()
    for R, S, T, P in itertools.permutations([1, 2, 3, 4]):
        A = np.array([[R, S], [T, P]])
        c = classify(A, A.T)
        assert c.symmetric and c.strict
        assert c.name == _reference_symmetric(R, S, T, P), (R, S, T, P)
        seen.add(c.name)
    assert len(seen) == 12


def _pure_ne(A, B):
    return [
        (i, j) for i in range(2) for j in range(2)
        if A[i, j] >= A[1 - i, j] and B[i, j] >= B[i, 1 - j]
    ]


def _invariants(A, B):
    """Properties any relabelling preserves, computed from the definitions."""
    ne = _pure_ne(A, B)
    row_dominant = bool(np.all(A[0] > A[1]) or np.all(A[1] > A[0]))
    col_dominant = bool(np.all(B[:, 0] > B[:, 1]) or np.all(B[:, 1] > B[:, 0]))
    cells = [(i, j) for i in range(2) for j in range(2)]
    pareto_deficient = sorted(
        any(A[c] > A[e] and B[c] > B[e] for c in cells) for e in ne
    )
    best_for_row = sorted(B[c] for c in cells if A[c] == A.max())
    return (len(ne), row_dominant, col_dominant, pareto_deficient, best_for_row)


def test_random_strict_games_agree_with_their_class_representative(rng):
    for _ in range(300):
        A = rng.permutation(4).reshape(2, 2) + 1
        B = rng.permutation(4).reshape(2, 2) + 1
        c = classify(A, B)
        assert c.strict
        RA, RB = as_bimatrix(*c.ranks)
        assert _invariants(A, B) == _invariants(RA, RB)
        # relabelling strategies never changes the class
        for swap_rows, swap_cols in itertools.product((False, True), repeat=2):
            A2 = A[::-1] if swap_rows else A
            B2 = B[::-1] if swap_rows else B
            A2 = A2[:, ::-1] if swap_cols else A2
            B2 = B2[:, ::-1] if swap_cols else B2
            assert classify(A2, B2).name == c.name
        # swapping the players swaps the two patterns
        swapped = classify(B.T, A.T)
        assert (swapped.row_pattern, swapped.column_pattern) == (c.column_pattern, c.row_pattern)


def test_exactly_144_strict_classes_of_four_games_each():
    counts: dict[str, int] = {}
    for p in itertools.permutations([1, 2, 3, 4]):
        for q in itertools.permutations([1, 2, 3, 4]):
            name = classify(np.reshape(p, (2, 2)), np.reshape(q, (2, 2))).name
            counts[name] = counts.get(name, 0) + 1
    assert len(counts) == 144 == len(strict_games())
    assert set(counts.values()) == {4}
    assert set(counts) == set(strict_games().values())


def test_cardinal_scaling_does_not_matter(rng):
    for _ in range(50):
        A = rng.permutation(4).reshape(2, 2) + 1
        B = rng.permutation(4).reshape(2, 2) + 1
        assert classify(np.exp(A), 10 * B - 3).name == classify(A, B).name
