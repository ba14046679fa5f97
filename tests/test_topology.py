"""Robinson–Goforth classification against published examples and an independent reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from games.forms.normal_form import from_bimatrix
from games.explanations.topology import as_bimatrix, classify, classify_game, strict_games

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
    from games.model.scenarios import load

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


# ---------------------------------------------------------------- independent reference, every game
# Bruns (2015) locates any 2×2 game by orienting it on its highest payoffs: the column
# player's strategies are labelled so that the row player's best payoff falls in the first
# column, the row player's so that the column player's best falls in the first row. Each
# player's payoffs are then R (both first), S (it plays first, the other second), T (it
# plays second, the other first) and P (both second), and the player's pattern is the
# symmetric game whose textbook ordering they follow; a game is "row pattern / column
# pattern" unless both agree. Written here from that description and ORDERINGS above.
def _oriented_order(order: str) -> str:
    """The ordering with the best payoff in the first column (R or T first), as Bruns orients."""
    swap = {"R": "P", "S": "T", "T": "S", "P": "R"}  # relabelling the strategies
    return order if order[0] in "RT" else "".join(swap[c] for c in order)


ORIENTED = {name: _oriented_order(order) for name, order in ORDERINGS.items()}


def _reference_pattern(values: dict) -> str:
    matches = [n for n, o in ORIENTED.items() if all(values[o[k]] > values[o[k + 1]] for k in range(3))]
    assert len(matches) == 1, values
    return matches[0]


def _reference_strict_name(A, B) -> str:
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    r1 = int(np.argmax(B.max(axis=1)))  # the row holding the column player's best payoff
    c1 = int(np.argmax(A.max(axis=0)))  # the column holding the row player's best payoff
    r2, c2 = 1 - r1, 1 - c1
    row = {"R": A[r1, c1], "S": A[r1, c2], "T": A[r2, c1], "P": A[r2, c2]}
    col = {"R": B[r1, c1], "S": B[r2, c1], "T": B[r1, c2], "P": B[r2, c2]}
    r, c = _reference_pattern(row), _reference_pattern(col)
    return r if r == c else f"{r} / {c}"


def _reference_family(values) -> str | None:
    """Bruns' tie family from which payoffs are equal: group sizes from best to worst."""
    v = sorted((float(x) for x in np.ravel(values)), reverse=True)
    sizes, k = [], 0
    while k < 4:
        j = k
        while j < 4 and v[j] == v[k]:
            j += 1
        sizes.append(j - k)
        k = j
    return {
        (1, 1, 1, 1): None, (1, 1, 2): "low", (1, 2, 1): "middle", (2, 1, 1): "high",
        (2, 2): "double", (3, 1): "triple", (1, 3): "basic", (4,): "zero",
    }[tuple(sizes)]


def _tie_breakings(M) -> list[np.ndarray]:
    """Every strict matrix agreeing with M's strict comparisons (integer M: ties broken every way)."""
    flat = np.ravel(M).astype(float)
    out = {}
    for perm in itertools.permutations(range(4)):
        nudge = np.empty(4)
        nudge[list(perm)] = np.arange(4) * 0.25  # distinct, and smaller than any gap of 1
        broken = flat + nudge
        out.setdefault(tuple(np.argsort(broken)), broken.reshape(2, 2))  # one per strict order
    return list(out.values())


def _layouts(A, B, is_row: bool) -> list[np.ndarray]:
    """The player's payoffs as [[R, S], [T, P]] in every orientation Bruns' rule allows.

    With a best payoff tied, more than one labelling puts it first; all are returned.
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    out = []
    for r1 in (0, 1):
        for c1 in (0, 1):
            if A[:, c1].max() == A.max() and B[r1, :].max() == B.max():
                r2, c2 = 1 - r1, 1 - c1
                if is_row:
                    out.append(np.array([[A[r1, c1], A[r1, c2]], [A[r2, c1], A[r2, c2]]]))
                else:
                    out.append(np.array([[B[r1, c1], B[r2, c1]], [B[r1, c2], B[r2, c2]]]))
    return out


def _reference_tie_bases(A, B, is_row: bool) -> set[str]:
    """Symmetric patterns a player's tied payoffs break into (ties broken every way).

    Bruns names a pattern whose tie moves the best payoff out of the first column after its
    equivalent with both players' strategies relabelled (S ↔ T, R ↔ P), as the symmetric
    table does ("double Compromise ≈ double Harmony"); the same relabelling is applied here.
    """
    names = set()
    for layout in _layouts(A, B, is_row):
        for m in _tie_breakings(layout):
            v = {"R": m[0, 0], "S": m[0, 1], "T": m[1, 0], "P": m[1, 1]}
            if max(v, key=v.get) in "SP":
                v = {"R": v["P"], "S": v["T"], "T": v["S"], "P": v["R"]}
            names.add(_reference_pattern(v))
    return names


def test_every_strict_game_matches_the_reference_name():
    # all 576 orderings, so every one of the 144 classes in every relabelling
    for p in itertools.permutations([1, 2, 3, 4]):
        for q in itertools.permutations([1, 2, 3, 4]):
            A, B = np.reshape(p, (2, 2)), np.reshape(q, (2, 2))
            assert classify(A, B).name == _reference_strict_name(A, B), (A.tolist(), B.tolist())


def test_random_games_with_ties_are_named_by_family_and_nearest_strict_games(rng):
    checked = 0
    for _ in range(300):
        A = rng.integers(1, 4, size=(2, 2))  # payoffs in {1, 2, 3}: ties in most games
        B = rng.integers(1, 4, size=(2, 2))
        c = classify(A, B)
        fam_a, fam_b = _reference_family(A), _reference_family(B)
        assert (c.row_ties, c.column_ties) == (fam_a, fam_b), (A.tolist(), B.tolist())
        assert c.strict == (fam_a is None and fam_b is None)
        if c.strict:
            assert c.name == _reference_strict_name(A, B)
            continue
        checked += 1
        assert c.name.startswith("a game with ties: ")
        # the strict games the ties can be broken into, from the reference namer
        nearest = {_reference_strict_name(a, b) for a in _tie_breakings(A) for b in _tie_breakings(B)}
        assert set(c.nearest) == nearest, (A.tolist(), B.tolist())
        # each tied pattern is named after its family and a strict pattern its ties break into
        for fam, pattern, is_row in ((fam_a, c.row_pattern, True), (fam_b, c.column_pattern, False)):
            if fam is None or fam == "zero":
                continue
            assert pattern.startswith(fam + " ")
            sides = _reference_tie_bases(A, B, is_row)
            assert pattern[len(fam) + 1:] in sides, (A.tolist(), B.tolist(), pattern, sides)
    assert checked > 220


# Bruns (2015), names of games with ties (symmetric examples, row player's payoffs).
TIE_EXAMPLES = [
    ([[4, 2], [4, 1]], "a game with ties: high Concord"),
    ([[3, 3], [4, 3]], "a game with ties: basic Prisoner's Dilemma"),
    ([[4, 3], [3, 3]], "a game with ties: basic Harmony"),
    ([[2, 2], [4, 3]], "a game with ties: low Deadlock"),
    ([[4, 2], [2, 4]], "a game with ties: double Coordination"),
    ([[4, 4], [2, 1]], "a game with ties: high Harmony"),
    ([[1, 1], [1, 1]], "a game with ties: zero (indifferent everywhere)"),
]


@pytest.mark.parametrize("A,expected", TIE_EXAMPLES, ids=[e[1] for e in TIE_EXAMPLES])
def test_published_names_of_symmetric_games_with_ties(A, expected):
    A = np.array(A)
    assert classify(A, A.T).name == expected
