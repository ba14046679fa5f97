"""The Qhull fast path of vertex enumeration (`games.solvers.qhull_vertices`).

Known answers: polytopes whose vertices are derived by hand, the upper bound theorem's
counts for cyclic polytopes, and Gambit's enummixed (where pygambit is installed) on
random games of the sizes that take the fast path and on degenerate games, which must
take the exact pivoting instead.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.spatial  # noqa: F401  loaded: the fast path is tried at every size (`_qhull_worth_loading`)

from games.solvers import polytope_vertices as ve
from games.solvers import qhull_vertices as qv

ROOT = Path(__file__).resolve().parent.parent


def _rows(Z: np.ndarray) -> list[tuple[float, ...]]:
    return sorted(tuple(np.round(z, 9)) for z in Z)


def _no_pivoting(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the pivoting fallback was used")

    monkeypatch.setattr(ve, "_by_pivoting", fail)


def _count_fallbacks(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = ve._by_pivoting

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(ve, "_by_pivoting", spy)
    return calls


# ------------------------------------------------------------------ polytopes by hand
def test_a_quadrilateral_has_its_four_vertices():
    """{z ≥ 0 : 2z₁ + z₂ ≤ 1, z₁ + 2z₂ ≤ 1}: the origin, (½, 0), (0, ½) and (⅓, ⅓)."""
    Z, tight, W = qv.simple_vertices(np.array([[2.0, 1.0], [1.0, 2.0]]))
    assert W is None
    assert _rows(Z) == _rows(np.array([[0, 0], [0.5, 0], [0, 0.5], [1 / 3, 1 / 3]]))
    labels = {tuple(np.round(z, 9)): tuple(t) for z, t in zip(Z, tight)}
    assert labels[(0.5, 0.0)] == (1, 2)  # z₂ = 0 and row 0 tight
    assert labels[(round(1 / 3, 9), round(1 / 3, 9))] == (2, 3)


def test_a_perturbed_cube_has_eight_vertices():
    """z_i + ε Σ_{j≠i} z_j ≤ 1 for small ε is combinatorially a cube: the origin, the unit
    vectors, the points with two coordinates 1/(1+ε) and the corner with all three
    1/(1+2ε) — 8 simple vertices, each with 3 tight constraints."""
    eps = 0.1
    M = np.full((3, 3), eps) + (1 - eps) * np.eye(3)
    Z, tight, _ = qv.simple_vertices(M)
    a, b = 1 / (1 + eps), 1 / (1 + 2 * eps)
    want = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (a, a, 0), (a, 0, a), (0, a, a), (b, b, b)]
    assert _rows(Z) == _rows(np.array(want, dtype=float))
    assert tight.shape == (8, 3)


def test_three_lines_through_one_point_are_refused():
    """Rows (2, 1), (1, 2) and (1.5, 1.5) all pass through (⅓, ⅓): a degenerate vertex
    with three tight rows in the plane. Not simple, so no answer (the caller pivots)."""
    M = np.array([[2.0, 1.0], [1.0, 2.0], [1.5, 1.5]])
    assert qv.simple_vertices(M) is None


def test_a_tie_on_an_axis_is_refused_without_qhull(monkeypatch):
    """Column 0's largest entry is shared by two rows: the vertex (1/3, 0, 0) has 2 + 2
    tight constraints in dimension 3."""
    import scipy.spatial

    def never(*args, **kwargs):
        raise AssertionError("Qhull was called")

    monkeypatch.setattr(scipy.spatial, "ConvexHull", never)
    M = np.array([[3.0, 1.0, 1.0], [3.0, 2.0, 1.0], [1.0, 1.0, 2.0]])
    assert qv.simple_vertices(M) is None


def test_a_partner_is_solved_on_the_vertex_support():
    """For the vertex (⅓, ⅓) (support {0, 1}, rows {0, 1} tight), the partner w has
    N[{0,1}, {0,1}] w = 1: with N = [[1, 3], [2, 1]], w = (2/5, 1/5)."""
    M = np.array([[2.0, 1.0], [1.0, 2.0]])
    N = np.array([[1.0, 3.0], [2.0, 1.0]])
    Z, _, W = qv.simple_vertices(M, N)
    at = {tuple(np.round(z, 9)): w for z, w in zip(Z, W)}
    assert np.allclose(at[(round(1 / 3, 9), round(1 / 3, 9))], [0.4, 0.2])
    assert np.allclose(at[(0.0, 0.0)], [0.0, 0.0])


def test_the_edge_check_catches_a_lost_or_misplaced_facet():
    """The perturbed cube's facet list passes; with a facet lost (its neighbours' links
    gone) or a neighbour link pointing at a facet that does not share the ridge, it fails."""
    eps = 0.1
    M = np.full((3, 3), eps) + (1 - eps) * np.eye(3)
    simplices, neighbors = qv._hull(M)
    assert qv._closed_under_edges(simplices, neighbors)
    keep = np.arange(1, len(simplices))
    renumber = np.full(len(simplices), -1)
    renumber[keep] = np.arange(len(keep))
    assert not qv._closed_under_edges(simplices[keep], renumber[neighbors[keep]])
    wrong = neighbors.copy()
    # facet 0's first neighbour replaced by a facet sharing none of facet 0's other labels
    others = [g for g in range(len(simplices)) if not set(simplices[g]) & set(simplices[0][1:])]
    assert others
    wrong[0, 0] = others[0]
    assert not qv._closed_under_edges(simplices, wrong)


@pytest.mark.parametrize("d,facets,count", [(2, 7, 7), (3, 10, 16), (4, 8, 20), (4, 10, 35), (6, 12, 112)])
def test_upper_bound_theorem_counts(d, facets, count):
    """Polygons have as many vertices as edges; simple 3-polytopes 2f − 4; the duals of
    cyclic polytopes C_d(n) (4: n(n−3)/2; 6, n = 12: 112)."""
    assert qv.max_vertices(d, facets) == count


# ------------------------------------------------------------------ games
def test_random_games_take_the_fast_path_and_list_what_pivoting_lists(monkeypatch):
    """Random games 7×7 to 10×9: the fast path answers (pivoting is never called), and
    the answer is the pivoting path's, equilibrium by equilibrium, in the same order."""
    rng = np.random.default_rng(2026)
    games = [(rng.normal(size=(m, n)), rng.normal(size=(m, n))) for m, n in [(7, 7), (8, 8), (9, 8), (8, 10), (10, 9)]]
    wanted = []
    for A, B in games:
        Ap, Bp = ve.normalized(A), ve.normalized(B)
        wanted.append(ve._by_pivoting(Ap, Bp, 1e-9, ve.MAX_WORK, None))
    _no_pivoting(monkeypatch)
    for (A, B), want in zip(games, wanted):
        got = ve.vertex_enumeration(A, B)
        assert len(got) == len(want) and len(got) % 2 == 1  # non-degenerate: an odd number
        for (x, y), (a, b) in zip(got, want):
            assert np.allclose(x, a, atol=1e-10) and np.allclose(y, b, atol=1e-10)


def test_the_fast_path_reports_progress_once(monkeypatch):
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(8, 8)), rng.normal(size=(8, 8))
    _no_pivoting(monkeypatch)
    seen: list[int] = []
    ve.vertex_enumeration(A, B, progress=seen.append)
    assert len(seen) == 1 and seen[0] > 8  # the number of vertices of P, more than 8 + 1


def test_a_small_work_limit_is_left_to_pivoting():
    """Qhull cannot be stopped midway, so it runs only where the upper bound theorem keeps
    the vertices within max_work; below that the pivoting search enforces the limit."""
    from games.solvers.lex_search import TooMuchWork

    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(9, 9)), rng.normal(size=(9, 9))
    assert qv.max_vertices(9, 18) > 50
    with pytest.raises(TooMuchWork):
        ve.vertex_enumeration(A, B, max_work=50)


def _params(games):
    return [pytest.param(name, A, B, id=name) for name, A, B in games]


def _degenerate_games() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Games whose polytope P is degenerate: the fast path must refuse them."""
    rng = np.random.default_rng(16)
    games = []
    for m, n in [(8, 8), (9, 8)]:
        games.append((f"integer {m}x{n}", rng.integers(0, 3, size=(m, n)).astype(float),
                      rng.integers(0, 3, size=(m, n)).astype(float)))
    A, B = rng.normal(size=(8, 8)).round(3), rng.normal(size=(8, 8)).round(3)
    B[:, 0] = B.max(axis=1) + 0.5  # column 0 every row's unique best reply ...
    A[:, 7], B[:, 7] = A[:, 0], B[:, 0]  # ... duplicated as column 7: ties
    games.append(("duplicated best reply", A, B))
    # No tie in any row of B, yet x = (½, ½, 0, …) makes columns 0, 1 and 2 best
    # responses (payoff 3 each, every other column 1): a degenerate vertex of P with nine
    # labels in dimension 8. A's rows 0 and 1 are equal on those columns, so the row
    # player is indifferent between them: a continuum of equilibria, whose extreme points
    # include (½, ½, 0, …) against each of columns 0, 1 and 2.
    B = np.ones((8, 8))
    B[0, :3], B[1, :3] = (5, 1, 3), (1, 5, 3)
    B[2:, :] = rng.integers(0, 4, size=(6, 8))
    for i in range(2, 8):
        B[i, i] = 6 + i  # each other row's own column its unique largest entry
    A = rng.integers(0, 4, size=(8, 8)).astype(float)
    A[0, :3] = A[1, :3] = (7, 8, 9)
    games.append(("continuum", A, B))
    return games


def _duplicated_games() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """A strategy duplicated (payoffs with three decimals): P may still be simple (a
    duplicated row is never in a vertex's support twice; a duplicated column may never be
    tight), so the fast path may answer, and must then answer exactly as pivoting."""
    rng = np.random.default_rng(61)
    games = []
    for i in range(3):
        A, B = rng.normal(size=(8, 8)).round(3), rng.normal(size=(8, 8)).round(3)
        A[7], B[7] = A[0], B[0]
        games.append((f"duplicated row {i}", A, B))
        A, B = rng.normal(size=(8, 8)).round(3), rng.normal(size=(8, 8)).round(3)
        A[:, 7], B[:, 7] = A[:, 0], B[:, 0]
        games.append((f"duplicated column {i}", A, B))
    return games


@pytest.mark.parametrize("name,A,B", _params(_degenerate_games()))
def test_degenerate_games_take_the_exact_fallback(name, A, B, monkeypatch):
    Ap, Bp = ve.normalized(A), ve.normalized(B)
    assert ve._by_qhull(Ap, Bp, 1e-9, ve.MAX_WORK, None) is None
    calls = _count_fallbacks(monkeypatch)
    ve.vertex_enumeration(A, B)
    assert calls == [1]


def test_the_continuum_is_refused_by_the_certificate_not_a_tie():
    """The continuum game has no tie on an axis and Qhull returns a closed facet list;
    what refuses it is the margin check: the degenerate vertex's extra tight label."""
    _, A, B = _degenerate_games()[-1]
    M = ve.normalized(B).T
    assert not qv._tied_pure_vertex(M)
    simplices, neighbors = qv._hull(M)
    tight = np.sort(simplices, axis=1)
    tight = tight[np.argsort((tight >= 8).sum(axis=1), kind="stable")]
    assert qv._solve_vertices(M, tight, None) is None


@pytest.mark.parametrize("name,A,B", _params(_duplicated_games()))
def test_duplicated_strategies_give_the_pivoting_answer(name, A, B):
    Ap, Bp = ve.normalized(A), ve.normalized(B)
    want = ve._by_pivoting(Ap, Bp, 1e-9, ve.MAX_WORK, None)
    got = ve.vertex_enumeration(A, B)
    assert len(got) == len(want)
    for (x, y), (a, b) in zip(got, want):
        assert np.allclose(x, a, atol=1e-10) and np.allclose(y, b, atol=1e-10)


# ------------------------------------------------------------------ against Gambit
def _gambit(A, B, rational: bool):
    gbt = pytest.importorskip("pygambit")
    if rational:
        game = gbt.Game.from_arrays(np.rint(A).astype(int), np.rint(B).astype(int))
    else:
        game = gbt.Game.from_arrays(A, B)
    result = gbt.nash.enummixed_solve(game, rational=rational)
    return [tuple(np.array([float(eq[s]) for s in p.strategies]) for p in game.players) for eq in result.equilibria]


def _contains(pairs, x, y, atol=1e-7) -> bool:
    return any(np.allclose(a, x, atol=atol) and np.allclose(b, y, atol=atol) for a, b in pairs)


@pytest.mark.parametrize("m,n,seed", [(8, 8, 1), (8, 8, 2), (9, 9, 3), (10, 10, 4), (9, 11, 5), (11, 10, 6)])
def test_fast_path_equals_gambit_on_random_games(m, n, seed, monkeypatch):
    pytest.importorskip("pygambit")
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, n)).round(6), rng.normal(size=(m, n)).round(6)
    theirs = _gambit(A, B, rational=False)
    _no_pivoting(monkeypatch)
    ours = ve.vertex_enumeration(A, B)
    assert len(ours) == len(theirs)
    for x, y in theirs:
        assert _contains(ours, x, y, atol=1e-6)


@pytest.mark.parametrize("name,A,B", _params(_degenerate_games() + _duplicated_games()))
def test_degenerate_games_contain_every_gambit_equilibrium(name, A, B):
    ours = ve.vertex_enumeration(A, B)
    for x, y in ours:  # everything found is an equilibrium
        assert np.max(A @ y) - x @ A @ y <= 1e-7 and np.max(x @ B) - x @ B @ y <= 1e-7
    theirs = _gambit(1000 * A, 1000 * B, rational=True)  # integers: exact arithmetic
    for x, y in theirs:
        assert _contains(ours, x, y), f"{name}: misses {x}, {y}"
    if name == "continuum":
        half = np.r_[0.5, 0.5, np.zeros(6)]
        for j in range(3):
            assert _contains(theirs, half, np.eye(8)[j])


# ------------------------------------------------------------------ when SciPy is not loaded
def test_a_fresh_process_pivots_mid_size_games_until_loading_pays(monkeypatch):
    """Without scipy.spatial loaded, a 9×9 game pivots (loading would cost more than it
    saves); from 14×14, or after QHULL_AFTER_BASES pivoted bases, Qhull is tried."""
    monkeypatch.delitem(sys.modules, "scipy.spatial")
    monkeypatch.setattr(ve, "_pivoted_bases", 0)
    assert not ve._qhull_worth_loading(18)
    assert ve._qhull_worth_loading(ve.QHULL_COLD_STRATEGIES)
    calls = _count_fallbacks(monkeypatch)
    rng = np.random.default_rng(9)
    ve.vertex_enumeration(rng.normal(size=(9, 9)), rng.normal(size=(9, 9)))
    assert calls == [1] and 0 < ve._pivoted_bases < ve.QHULL_AFTER_BASES
    monkeypatch.setattr(ve, "_pivoted_bases", ve.QHULL_AFTER_BASES)
    assert ve._qhull_worth_loading(18)


def test_solving_one_mid_size_game_does_not_load_scipy():
    script = (
        "import sys, numpy as np\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from games import from_bimatrix, solve\n"
        "rng = np.random.default_rng(4)\n"
        "sol = solve(from_bimatrix(rng.normal(size=(9, 9)), rng.normal(size=(9, 9))), 'vertex-enumeration')\n"
        "print(len(sol.equilibria), 'scipy.spatial' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, loaded = out.stdout.split()
    assert int(count) % 2 == 1 and loaded == "False"
