"""Small single games through the fast paths: the float closed form for 2×2, vertex
enumeration's one-batch basis tables for any shape up to EXHAUSTIVE_BASES, verification of
many candidates at once, and bounded caches.

Oracles: Gambit's enummixed in rational arithmetic (where installed), the 2×2 indifference
conditions solved by hand in fractions here, and regrets computed here from the definition.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import from_bimatrix, solve
from games.sweeps import batch_vertex
from games.solvers import polytope_vertices as pv
from games.solvers.closed_form import equilibria_2x2_float
from games.solvers.equilibrium import TOLERANCE, verify, verify_all


# ------------------------------------------------------------------ 2×2 closed form, floats
def _by_hand(A, B) -> set[tuple[float, float]]:
    """Every extreme equilibrium (p, q) of a 2×2 game from the indifference conditions in
    fractions: p = P(row 0), q = P(column 0); pure cells by best responses."""
    a = [[Fraction(float(v)) for v in r] for r in A]
    b = [[Fraction(float(v)) for v in r] for r in B]
    ps, qs = {Fraction(0), Fraction(1)}, {Fraction(0), Fraction(1)}
    if (a[0][0] - a[1][0]) * (a[0][1] - a[1][1]) < 0:  # the row player can be made indifferent
        qs.add((a[1][1] - a[0][1]) / (a[0][0] - a[1][0] - a[0][1] + a[1][1]))
    if (b[0][0] - b[0][1]) * (b[1][0] - b[1][1]) < 0:
        ps.add((b[1][1] - b[1][0]) / (b[0][0] - b[1][0] - b[0][1] + b[1][1]))
    found = set()
    for p in ps:
        for q in qs:
            row = [q * a[i][0] + (1 - q) * a[i][1] for i in (0, 1)]
            col = [p * b[0][j] + (1 - p) * b[1][j] for j in (0, 1)]
            if p * row[0] + (1 - p) * row[1] == max(row) and q * col[0] + (1 - q) * col[1] == max(col):
                found.add((p, q))
    # extreme points only: an interior p or q of a continuum is not a vertex
    return found


payoff = st.one_of(
    st.integers(-3, 3).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 0.2, 0.3, 1 / 3, 2.5, -0.7, 1e-300, 5e-324]),
)
matrix = st.lists(payoff, min_size=4, max_size=4).map(lambda v: np.array(v).reshape(2, 2))


@settings(max_examples=300, deadline=None)
@given(matrix, matrix)
def test_float_closed_form_gives_the_nearest_floats_of_the_exact_equilibria(A, B):
    ours = equilibria_2x2_float(A, B)
    exact = _by_hand(A, B)
    # (two exact points may round to one float, e.g. p* = 5e-324/2 next to p = 0; solve
    # de-duplicates the floats it verifies)
    for (p, p1), (q, q1) in ours:
        # each probability, and its complement, the float nearest an exact equilibrium's
        assert any(
            (float(ep), float(1 - ep), float(eq), float(1 - eq)) == (p, p1, q, q1) for ep, eq in exact
        ), (A, B, ours, exact)
    # every isolated (non-continuum) extreme point found: with p* and q* both strictly
    # inside, the mixed point is the game's unique interior equilibrium
    interior = {(ep, eq) for ep, eq in exact if 0 < ep < 1 and 0 < eq < 1}
    assert all((float(ep), float(eq)) in {(p, q) for (p, _), (q, _) in ours} for ep, eq in interior)


def test_float_closed_form_matching_pennies_and_a_coordination_game():
    pennies = equilibria_2x2_float(np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]]))
    assert pennies == [((0.5, 0.5), (0.5, 0.5))]
    battle = equilibria_2x2_float(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]]))
    assert sorted(battle) == sorted([((0.0, 1.0), (0.0, 1.0)), ((1.0, 0.0), (1.0, 0.0)), ((2 / 3, 1 / 3), (1 / 3, 2 / 3))])


# --------------------------------------------------------- vertex enumeration, any small shape
gbt = pytest.importorskip("pygambit")

UNBALANCED = [(1, 4), (4, 1), (2, 5), (5, 2), (2, 7), (7, 2), (3, 6), (6, 3), (2, 20), (20, 2)]


def _gambit_rational(A, B):
    game = gbt.Game.from_arrays(A.astype(int), B.astype(int))
    result = gbt.nash.enummixed_solve(game, rational=True)
    return [tuple(np.array([float(eq[s]) for s in p.strategies]) for p in game.players) for eq in result.equilibria]


def _regrets(A, B, x, y):
    return float(np.max(A @ y) - x @ A @ y), float(np.max(x @ B) - x @ B @ y)


@pytest.mark.parametrize("m,n", UNBALANCED)
def test_unbalanced_shapes_find_every_gambit_equilibrium(m, n):
    """Shapes with more rows than columns use the other system form (d×d constraints);
    degenerate integer games included."""
    assert pv.n_bases(m, n) <= pv.EXHAUSTIVE_BASES
    rng = np.random.default_rng(31 * m + n)
    for trial in range(4):
        hi = 3 if trial % 2 else 9
        A = rng.integers(0, hi, size=(m, n)).astype(float)
        B = rng.integers(0, hi, size=(m, n)).astype(float)
        ours = [(e.profile[0], e.profile[1]) for e in solve(from_bimatrix(A, B)).equilibria]
        for x, y in ours:
            ra, rb = _regrets(A, B, np.array(x), np.array(y))
            assert ra <= 1e-7 and rb <= 1e-7
        for x, y in _gambit_rational(A, B):
            assert any(np.allclose(x, a, atol=1e-7) and np.allclose(y, b, atol=1e-7) for a, b in ours), (A, B, x, y)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_square_random_games_are_exactly_gambits(n):
    rng = np.random.default_rng(500 + n)
    for _ in range(5):
        A, B = rng.normal(size=(n, n)), rng.normal(size=(n, n))
        game = gbt.Game.from_arrays(A, B)
        theirs = gbt.nash.enummixed_solve(game, rational=False).equilibria
        ours = solve(from_bimatrix(A, B)).equilibria
        assert len(ours) == len(theirs)
        row, col = list(game.players)
        for eq in theirs:
            x = [float(eq[s]) for s in row.strategies]
            y = [float(eq[s]) for s in col.strategies]
            assert any(np.allclose(x, o.profile[0], atol=1e-6) and np.allclose(y, o.profile[1], atol=1e-6) for o in ours)


# ----------------------------------------------------------------------- verification in bulk
def test_verify_all_accepts_exactly_the_profiles_within_tolerance():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    game = from_bimatrix(A, B)
    profiles = [list(eq.profile) for eq in solve(game).equilibria]
    profiles += [[rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4))] for _ in range(20)]
    profiles += [[np.ones(3), np.ones(4) / 4], [np.ones(2) / 2, np.ones(4) / 4], [np.ones(3) / 3]]
    results = verify_all(game, profiles)
    tol_a = TOLERANCE * (A.max() - A.min()) / 2
    tol_b = TOLERANCE * (B.max() - B.min()) / 2
    for profile, result in zip(profiles, results):
        valid = len(profile) == 2 and [len(p) for p in profile] == [3, 4] and all(
            abs(sum(p) - 1) < 1e-9 for p in profile
        )
        if not valid:
            assert result is None
            continue
        ra, rb = _regrets(A, B, np.asarray(profile[0]), np.asarray(profile[1]))
        if ra > 10 * tol_a or rb > 10 * tol_b:
            assert result is None
        elif ra < tol_a / 10 and rb < tol_b / 10:
            assert result is not None
            assert result.payoffs == pytest.approx((profile[0] @ A @ profile[1], profile[0] @ B @ profile[1]))
        assert result == verify(game, profile)  # one profile or many: the same answer
    assert sum(r is not None for r in results) >= len(solve(game).equilibria)


# ---------------------------------------------------------------------------- bounded caches
def test_index_caches_are_bounded():
    for cache in (pv._basis_table, batch_vertex._bases):
        assert cache.cache_info().maxsize is not None
    for m in range(1, 8):
        for n in range(1, 8):
            if pv.n_bases(m, n) <= pv.EXHAUSTIVE_BASES:
                pv.vertex_enumeration(np.eye(m, n), np.eye(m, n))
    info = pv._basis_table.cache_info()
    assert info.currsize <= info.maxsize
