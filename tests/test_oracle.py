"""Gambit as the oracle: tradegame's equilibrium sets against `enummixed_solve(rational=True)`.

Hundreds of seeded random bimatrix games, 2×2 to 6×6: integer payoffs from a tiny range
(ties, weakly dominated strategies, continua), integer payoffs from a wide range (generic),
exact decimals, large magnitudes, and games with duplicated rows or columns (continua for
certain). Plus the two-player games shipped in Gambit's own catalogue, normal form and
extensive form (compared on their strategic form).

Gambit's enummixed lists every extreme equilibrium; tradegame must list the same set: in
float mode within 1e-6, one for one (nothing missing, nothing extra, nothing twice); in
exact mode (`games.solvers.exact.solve_exact`) as identical fractions.
"""

from __future__ import annotations

import glob
import math
import os
from fractions import Fraction

import numpy as np
import pytest

from games.forms.normal_form import from_bimatrix
from games.solvers.solver import solve

gbt = pytest.importorskip("pygambit")

ATOL = 1e-6


# --- random games ----------------------------------------------------------------------


def _random_game(kind: str, m: int, n: int, seed: int) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """A seeded random game of the given kind, payoffs as exact Fractions."""
    rng = np.random.default_rng([m, n, seed, sum(map(ord, kind))])

    def draw() -> np.ndarray:
        if kind == "ties":
            return rng.integers(0, 3, size=(m, n))
        if kind == "binary":
            return rng.integers(0, 2, size=(m, n))
        if kind == "generic":
            return rng.integers(-99, 100, size=(m, n))
        if kind == "large":
            return rng.integers(-10**6, 10**6, size=(m, n))
        if kind == "decimal":  # real payoffs, three decimals: exact as 'k/1000'
            return rng.integers(-5000, 5000, size=(m, n))
        if kind == "duplicated":
            return rng.integers(0, 5, size=(m, n))
        if kind == "mixed-scale":  # drawn below: one player in ±10⁹, the other in {0, 1, 2}
            return rng.integers(-10**9, 10**9, size=(m, n))
        raise ValueError(kind)

    A, B = draw(), draw()
    if kind == "mixed-scale":  # each player's ties must survive the other's huge payoffs
        B = rng.integers(0, 3, size=(m, n))
        if (m + n) % 2:
            A, B = B, A
    if kind == "duplicated":  # copy one row and one column: continua of equilibria
        i, k = rng.choice(m, size=2, replace=False)
        j, l = rng.choice(n, size=2, replace=False)
        A[k], B[k] = A[i], B[i]
        A[:, l], B[:, l] = A[:, j], B[:, j]
    denominator = 1000 if kind == "decimal" else 1
    to_frac = lambda M: [[Fraction(int(v), denominator) for v in row] for row in M]  # noqa: E731
    return to_frac(A), to_frac(B)


KINDS = ("ties", "binary", "generic", "large", "decimal", "duplicated", "mixed-scale")
SIZES = [(m, n) for m in range(2, 7) for n in range(2, 7)]
SEEDS_PER_SIZE = {"ties": 6, "binary": 4, "generic": 3, "large": 2, "decimal": 2, "duplicated": 4, "mixed-scale": 1}
CASES = [
    (kind, m, n, seed)
    for kind in KINDS
    for (m, n) in SIZES
    for seed in range(SEEDS_PER_SIZE[kind])
]


# --- helpers ---------------------------------------------------------------------------


def _gambit_game(A, B):
    return gbt.Game.from_arrays(
        np.array(A, dtype=object), np.array(B, dtype=object), title="oracle"
    )


def _gambit_equilibria(game) -> list[tuple[tuple[Fraction, ...], ...]]:
    """Gambit's extreme equilibria, as exact fractions."""
    result = gbt.nash.enummixed_solve(game, rational=True)
    out = []
    for eq in result.equilibria:
        profile = tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in game.players)
        if profile not in out:
            out.append(profile)
    return out


def _close(a, b) -> bool:
    return all(
        len(x) == len(y) and np.allclose(np.asarray(x, float), np.asarray(y, float), atol=ATOL)
        for x, y in zip(a, b)
    )


def _assert_same_float_set(ours, theirs) -> None:
    """One-for-one matching within ATOL: nothing missing, nothing extra, nothing twice."""
    unmatched = list(ours)
    for t in theirs:
        hits = [o for o in unmatched if _close(o, t)]
        assert hits, f"tradegame misses Gambit's equilibrium {[[str(v) for v in p] for p in t]}"
        assert len(hits) == 1, f"tradegame reports Gambit's equilibrium {t} {len(hits)} times"
        unmatched.remove(hits[0])
    assert not unmatched, f"tradegame reports equilibria Gambit does not: {unmatched}"


def _float_profiles(A, B):
    game = from_bimatrix(np.array(A, dtype=float), np.array(B, dtype=float))
    solution = solve(game)
    assert solution.complete
    return [eq.profile for eq in solution.equilibria]


def _check_float(A, B, theirs) -> None:
    _assert_same_float_set(_float_profiles(A, B), theirs)


def _check_exact(A, B, theirs) -> None:
    """Exact mode lists exactly Gambit's fractions, each once, each exactly verified."""
    from games.solvers.exact import solve_exact, verify_exact

    ours = [eq.profile for eq in solve_exact(A, B)]
    assert len(ours) == len(set(ours)), "exact mode lists an equilibrium twice"
    assert set(ours) == set(theirs), (
        f"exact mode differs from Gambit: missing {set(theirs) - set(ours)}, extra {set(ours) - set(theirs)}"
    )
    for x, y in theirs:  # and Gambit's answers pass tradegame's exact check
        assert verify_exact(A, B, x, y) is not None


# --- float mode: games.solvers.solver.solve(game) with the default method -------------------------


@pytest.mark.parametrize("kind,m,n,seed", CASES, ids=[f"{k}-{m}x{n}-{s}" for k, m, n, s in CASES])
def test_float_solver_matches_gambit_on_random_games(kind, m, n, seed):
    A, B = _random_game(kind, m, n, seed)
    _check_float(A, B, _gambit_equilibria(_gambit_game(A, B)))


# --- exact mode: games.solvers.exact.solve_exact ------------------------------------------------


@pytest.mark.parametrize("kind,m,n,seed", CASES, ids=[f"{k}-{m}x{n}-{s}" for k, m, n, s in CASES])
def test_exact_solver_matches_gambit_on_random_games(kind, m, n, seed):
    A, B = _random_game(kind, m, n, seed)
    _check_exact(A, B, _gambit_equilibria(_gambit_game(A, B)))


@pytest.mark.parametrize("kind,m,n,seed", CASES[::7], ids=[f"{k}-{m}x{n}-{s}" for k, m, n, s in CASES[::7]])
def test_lemke_howson_finds_only_gambit_equilibria(kind, m, n, seed):
    """Lemke–Howson is partial: every profile it reports must be one of Gambit's extreme
    equilibria (a path ends at a vertex pair), and it always reports at least one."""
    A, B = _random_game(kind, m, n, seed)
    theirs = _gambit_equilibria(_gambit_game(A, B))
    game = from_bimatrix(np.array(A, dtype=float), np.array(B, dtype=float))
    ours = [eq.profile for eq in solve(game, "lemke-howson").equilibria]
    assert ours
    for profile in ours:
        assert any(_close(profile, t) for t in theirs), f"Lemke–Howson reports {profile}, not Gambit's"


TWO_BY_TWO = [c for c in CASES if c[1:3] == (2, 2)]


@pytest.mark.parametrize("kind,m,n,seed", TWO_BY_TWO, ids=[f"{k}-{s}" for k, m, n, s in TWO_BY_TWO])
def test_closed_form_matches_gambit_exactly_on_2x2(kind, m, n, seed):
    from games.solvers.closed_form import equilibria_2x2

    A, B = _random_game(kind, m, n, seed)
    ours = [tuple(map(tuple, eq)) for eq in equilibria_2x2(A, B)]
    assert sorted(ours) == sorted(_gambit_equilibria(_gambit_game(A, B)))


# --- hand-made classics and Gambit's catalogue -------------------------------------------

CLASSIC_GAMES = {
    "prisoners-dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "matching-pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
    "rock-paper-scissors": ([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]]),
    # von Stengel (2002) degenerate 3×2: a segment of equilibria plus an isolated one
    "von-stengel-degenerate": ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]),
    "all-ties-3x3": ([[1] * 3] * 3, [[0] * 3] * 3),
    # weakly dominated strategies: (Down, Right) equilibrium in a weakly dominated strategy
    "weak-dominance": ([[1, 0], [0, 0]], [[1, 0], [0, 0]]),
    # entry deterrence in strategic form: a continuum where the incumbent threatens
    "entry-deterrence": ([[0, 0], [-1, 2]], [[4, 4], [-1, 1]]),
    # Shapley's (1974) 3×3 with an equilibrium pair Lemke–Howson cannot reach
    "shapley-fig3": ([[0, 3, 0], [2, 2, 0], [3, 0, 1]], [[0, 2, 3], [3, 2, 0], [0, 0, 1]]),
    # identical interest 4×4 with ties: many pure equilibria and continua
    "coordination-ties": ([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]],) * 2,
}


def _as_fractions(M):
    return [[Fraction(str(v)) for v in row] for row in np.asarray(M, dtype=object)]


@pytest.mark.parametrize("name", sorted(CLASSIC_GAMES))
def test_both_modes_match_gambit_on_classics(name):
    A, B = (_as_fractions(M) for M in CLASSIC_GAMES[name])
    theirs = _gambit_equilibria(_gambit_game(A, B))
    _check_float(A, B, theirs)
    _check_exact(A, B, theirs)


def _catalogue_files() -> list[str]:
    root = os.path.join(os.path.dirname(gbt.__file__), "catalog_data")
    return sorted(glob.glob(os.path.join(root, "**", "*.nfg"), recursive=True)) + sorted(
        glob.glob(os.path.join(root, "**", "*.efg"), recursive=True)
    )


def _catalogue_game(path: str):
    """Gambit's game from its catalogue, or skip if it is not a two-player game Gambit can solve."""
    game = gbt.read_nfg(path) if path.endswith(".nfg") else gbt.read_efg(path)
    if len(game.players) != 2:
        pytest.skip("not a two-player game")
    try:
        theirs = _gambit_equilibria(game)
    except RuntimeError as exc:  # e.g. imperfect recall
        pytest.skip(f"Gambit cannot solve it: {exc}")
    A, B = (_as_fractions(M) for M in game.to_arrays())
    return A, B, theirs


@pytest.mark.parametrize("path", _catalogue_files(), ids=os.path.basename)
def test_both_modes_match_gambit_on_its_catalogue(path):
    A, B, theirs = _catalogue_game(path)
    _check_float(A, B, theirs)
    if math.comb(len(A) + len(A[0]), len(A)) <= 3432:  # exact mode on up to 7×7 keeps the file fast
        _check_exact(A, B, theirs)


def test_nfg_reader_agrees_with_gambit_on_its_catalogue():
    """tradegame's own .nfg parser reads Gambit's two-player files to the same payoffs."""
    from games.formats.nfg import parse_nfg

    checked = 0
    for path in _catalogue_files():
        if not path.endswith(".nfg"):
            continue
        theirs = gbt.read_nfg(path)
        with open(path, encoding="utf-8") as fh:
            _, exact = parse_nfg(fh.read(), path)
        for mine, ref in zip(exact, theirs.to_arrays()):
            assert np.array_equal(
                np.vectorize(Fraction)(mine.astype(object)),
                np.vectorize(lambda v: Fraction(str(v)))(ref),
            )
        checked += 1
    assert checked >= 3
