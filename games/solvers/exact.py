"""Exact mode: every extreme equilibrium of a bimatrix game in rational arithmetic.

Floating point answers carry a tolerance; a classroom wants 2/3, not 0.6666666667. Here
payoffs are `Fraction`s (decimals read exactly: ``0.1`` is 1/10) and the algorithm is the
vertex enumeration of `games.solvers.polytope_vertices` redone without rounding: after shifting
payoffs to be positive, the best-response polytopes P = {x ≥ 0 : Bᵀx ≤ 1} and
Q = {y ≥ 0 : Ay ≤ 1} are enumerated vertex by vertex, each vertex the exact solution of a
nonsingular square system of tight constraints (fraction-free elimination in integers,
after scaling each player's payoffs to whole numbers),
and every completely labelled pair (x, y) ≠ (0, 0), normalized, is an extreme equilibrium.
Degenerate games lose nothing: ties are exact equalities, not "within 1e-9".

Every equilibrium is then verified exactly: no pure strategy earns a player even 1/10¹⁰⁰
more than its mixture. The trade model has an exact path too
(`exact_simultaneous_game`, `exact_graded_payoffs`), with parameters read as the decimals
the user wrote.
"""

from __future__ import annotations

import itertools
import re
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from games.solvers.equilibrium import Equilibrium
from games.errors import InputError, SolverError, clip
from games.forms.normal_form import NormalFormGame

#: Largest number of candidate bases C(m+n, m) exact mode will try (9×9 is 48,620, a
#: few seconds; 10×10 would be 184,756).
EXACT_MAX_BASES = 50_000

ExactMatrix = list[list[Fraction]]
#: Numbers exact mode reads from text (exponents capped so '1e999999999' cannot stall it).
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?(/\d+)?$")
MAX_ABS_VALUE = Fraction(10) ** 100


@dataclass(frozen=True)
class ExactEquilibrium:
    """An equilibrium in exact rational numbers: one probability vector per player."""

    profile: tuple[tuple[Fraction, ...], ...]
    payoffs: tuple[Fraction, ...]

    @property
    def is_pure(self) -> bool:
        return all(max(p) == 1 for p in self.profile)

    def support(self, player: int) -> tuple[int, ...]:
        """Indices of the strategies the player plays with positive probability."""
        return tuple(i for i, p in enumerate(self.profile[player]) if p > 0)

    def to_equilibrium(self) -> Equilibrium:
        """The same profile in floats, as the rest of tradegame reports it (regret exactly 0)."""
        return Equilibrium(
            profile=tuple(tuple(float(v) for v in p) for p in self.profile),
            payoffs=tuple(float(v) for v in self.payoffs),
            max_regret=0.0,
        )


# --- exact numbers ----------------------------------------------------------------------


def to_fraction(value: object, what: str = "value") -> Fraction:
    """A number as an exact Fraction; floats are read as the shortest decimal they print as.

    ``0.1`` (a float) becomes 1/10, the decimal the user typed, not the binary
    approximation 3602879701896397/36028797018963968. Strings such as ``"0.1"``, ``"2/3"``
    or ``"1e-3"`` are parsed exactly.
    """
    if isinstance(value, bool):
        raise InputError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (float, Decimal)):
        if not math.isfinite(value):
            raise InputError(f"{what}: expected a finite number, got {value}")
        return Fraction(repr(float(value))) if isinstance(value, float) else Fraction(value)
    if not isinstance(value, str):
        raise InputError(f"{what}: expected a number, got {type(value).__name__}")
    text = value.strip()
    if len(text) > 400 or not _NUMBER.match(text):
        raise InputError(f"{what}: expected a number such as 3, 0.25, 1e-3 or 2/3, got {value[:40]!r}")
    try:
        result = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{what}: expected a number, got {value[:40]!r}") from None
    if abs(result) > MAX_ABS_VALUE:
        raise InputError(f"{what}: {value[:40]} is out of range")
    return result


def fraction_matrix(M: object, what: str = "payoff matrix") -> ExactMatrix:
    """A 2-D array-like of numbers as a list of rows of Fractions (rectangular, non-empty)."""
    rows = [list(row) for row in M]  # type: ignore[union-attr]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise InputError(f"{what}: expected a non-empty rectangular matrix")
    return [[to_fraction(v, what) for v in row] for row in rows]


# --- exact linear algebra ---------------------------------------------------------------


def _cramer_numerators(M: Sequence[Sequence[int]]) -> tuple[list[int], int] | None:
    """For the integer square system M z = 1: (numerators, D) with z_i = numerators[i] / D.

    Fraction-free Gaussian elimination (Bareiss): every intermediate value is an integer
    (a minor of M), so no Fraction is built and the work stays in fast integer arithmetic.
    D is ±det(M), and by Cramer's rule every D·z_i is an integer. Returns None if M is
    singular.
    """
    k = len(M)
    a = [list(row) + [1] for row in M]
    prev = 1
    for c in range(k):
        pivot = next((r for r in range(c, k) if a[r][c] != 0), None)
        if pivot is None:
            return None
        a[c], a[pivot] = a[pivot], a[c]
        pc = a[c]
        for r in range(c + 1, k):
            row = a[r]
            f = row[c]
            for j in range(c + 1, k + 1):
                row[j] = (row[j] * pc[c] - f * pc[j]) // prev
            row[c] = 0
        prev = pc[c]
    D = prev
    y = [0] * k
    for i in range(k - 1, -1, -1):  # back substitution on D·z, exact integer divisions
        total = a[i][k] * D - sum(a[i][j] * y[j] for j in range(i + 1, k))
        y[i] = total // a[i][i]
    return y, D


def _vertices(M: list[list[int]]) -> list[tuple[tuple[Fraction, ...], frozenset[int]]]:
    """Vertices of {z ≥ 0 : M z ≤ 1} (M positive integers, shape rows × d) with their labels.

    Labels: i for z_i = 0 (i < d), d + j for (M z)_j = 1. The origin is included. Each
    candidate basis is solved and checked in integers (z = y / D); Fractions are built only
    for the vertices found.
    """
    rows, d = len(M), len(M[0])
    found: dict[tuple[Fraction, ...], None] = {tuple(Fraction(0) for _ in range(d)): None}
    for k in range(1, min(rows, d) + 1):
        for support in itertools.combinations(range(d), k):
            columns = [[M[t][s] for s in support] for t in range(rows)]
            for tight in itertools.combinations(range(rows), k):
                solved = _cramer_numerators([columns[t] for t in tight])
                if solved is None:
                    continue
                y, D = solved
                if D < 0:
                    y, D = [-v for v in y], -D
                if any(v < 0 for v in y):
                    continue
                if any(sum(c * v for c, v in zip(columns[j], y)) > D for j in range(rows)):
                    continue
                z = [Fraction(0)] * d
                for s, v in zip(support, y):
                    z[s] = Fraction(v, D)
                found.setdefault(tuple(z), None)
    out = []
    for z in found:
        labels = {i for i in range(d) if z[i] == 0}
        labels |= {d + j for j in range(rows) if sum(M[j][i] * z[i] for i in range(d)) == 1}
        out.append((z, frozenset(labels)))
    return out


def _integer_matrix(M: ExactMatrix) -> list[list[int]]:
    """M times the least common multiple of its denominators (vertices scale, labels do not)."""
    scale = math.lcm(*(v.denominator for row in M for v in row))
    return [[int(v * scale) for v in row] for row in M]


def _shifted(M: ExactMatrix) -> ExactMatrix:
    """M plus a constant making every entry at least 1 (equilibria are unchanged)."""
    low = min(min(row) for row in M)
    return [[v - low + 1 for v in row] for row in M]


# --- exact equilibria -------------------------------------------------------------------


def verify_exact(A: ExactMatrix, B: ExactMatrix, x: Sequence[Fraction], y: Sequence[Fraction]) -> ExactEquilibrium | None:
    """The profile as an `ExactEquilibrium` if no pure deviation gains anything, else None."""
    m, n = len(A), len(A[0])
    if len(x) != m or len(y) != n:
        return None
    if any(v < 0 for v in x) or any(v < 0 for v in y) or sum(x) != 1 or sum(y) != 1:
        return None
    row_values = [sum(A[i][j] * y[j] for j in range(n)) for i in range(m)]
    col_values = [sum(B[i][j] * x[i] for i in range(m)) for j in range(n)]
    u = sum(xi * v for xi, v in zip(x, row_values))
    w = sum(yj * v for yj, v in zip(y, col_values))
    if max(row_values) != u or max(col_values) != w:
        return None
    return ExactEquilibrium(profile=(tuple(x), tuple(y)), payoffs=(u, w))


def _sort_key(eq: ExactEquilibrium) -> tuple:
    return (not eq.is_pure, tuple(-v for p in eq.profile for v in p))


def solve_exact(A: object, B: object) -> list[ExactEquilibrium]:
    """All extreme Nash equilibria of the bimatrix game (A, B) in exact rational arithmetic.

    A and B hold Fractions, ints, decimal strings or floats (read as their shortest
    decimal). Complete for every game, degenerate ones included; each result is verified
    exactly. Raises InputError for games too large to enumerate exactly.
    """
    A, B = fraction_matrix(A, "row player's payoffs"), fraction_matrix(B, "column player's payoffs")
    m, n = len(A), len(A[0])
    if (len(B), len(B[0])) != (m, n):
        raise InputError(f"payoff matrices have different shapes {m}×{n} and {len(B)}×{len(B[0])}")
    if math.comb(m + n, m) > EXACT_MAX_BASES:
        raise InputError(
            f"option --exact: a {m}×{n} game is too large for exact vertex enumeration "
            f"({math.comb(m + n, m):,} bases, limit {EXACT_MAX_BASES:,}); drop --exact to solve it in floats"
        )
    # positive integer payoffs: shifting and scaling a player's payoffs keeps the equilibria
    Ap, Bp = _integer_matrix(_shifted(A)), _integer_matrix(_shifted(B))
    P = _vertices([[Bp[i][j] for i in range(m)] for j in range(n)])  # x: labels i (x_i=0), m+j
    Q = _vertices(Ap)  # y: labels j (y_j=0) then n+i ((Ay)_i = 1)
    everything = frozenset(range(m + n))
    found: list[ExactEquilibrium] = []
    for x, x_labels in P:
        if not any(x):
            continue
        for y, y_labels in Q:
            if not any(y):
                continue
            # Q's labels in P's numbering: (Ay)_i = 1 is label i, y_j = 0 is label m + j
            common = {l - n for l in y_labels if l >= n} | {m + l for l in y_labels if l < n}
            if x_labels | common != everything:
                continue
            sx, sy = sum(x), sum(y)
            eq = verify_exact(A, B, [v / sx for v in x], [v / sy for v in y])
            if eq is None:
                raise SolverError("exact vertex enumeration produced a profile that is not an equilibrium")
            if eq not in found:
                found.append(eq)
    if not found:
        raise SolverError("exact vertex enumeration found no equilibrium, which cannot happen")
    return sorted(found, key=_sort_key)


def solve_exact_game(game: NormalFormGame, exact_payoffs: Sequence[object] | None = None) -> list[ExactEquilibrium]:
    """`solve_exact` for a two-player `NormalFormGame`, using exact payoffs when given.

    Without ``exact_payoffs`` the game's float payoffs are read as their shortest decimals.
    """
    if game.n_players != 2:
        raise InputError(
            f"option --exact: needs a two-player game, '{clip(game.title, 40)}' has {game.n_players} players"
        )
    A, B = exact_payoffs if exact_payoffs is not None else game.bimatrix()
    return solve_exact(A, B)


# --- the default (trade) model, exactly -------------------------------------------------


def _default_model():
    from games.model.catalog import default_model

    return default_model()


def exact_parameters(values: Mapping[str, object], model=None) -> dict[str, Fraction]:
    """All of a model's game parameters as Fractions (the default model's unless model is
    given): defaults filled in, each value range-checked."""
    from games.model.parameters import game_parameters, lookup

    out = {name: to_fraction(p.default, f"parameter '{name}'") for name, p in game_parameters(model).items()}
    for name, value in values.items():
        param = lookup(name, "exact mode", model)
        exact = to_fraction(value, f"parameter '{name}'")
        param.check(float(exact), "exact mode")
        out[name] = exact
    return out


def exact_simultaneous_game(
    params: Mapping[str, object] | None = None, title: str | None = None, model=None
) -> tuple[NormalFormGame, list[np.ndarray]]:
    """The simultaneous game of a model whose players have levels (the default, trade
    model's 2×2 game unless model is given) with payoffs computed in Fractions from exact
    parameter values.

    Returns (game, [A, B]) like `games.formats.nfg.parse_nfg`: the float game for display and the
    exact payoff arrays (dtype object) for `solve_exact`.
    """
    model = _default_model() if model is None else model
    grids = [list(pl.levels) for pl in model.players]
    A, B = _exact_payoff_arrays(params, grids, model)
    strategies = tuple(pl.strategies for pl in model.players)
    game = NormalFormGame(title or model.title, model.player_names, strategies, (A.astype(float), B.astype(float)))
    return game, [A, B]


def exact_graded_payoffs(params: Mapping[str, object] | None, n_levels: int, model=None) -> list[np.ndarray]:
    """The graded game's payoffs in Fractions: levels k/(n−1) of each player's declared range,
    parameters as written (the default model's unless model is given).

    Same strategies, in the same order, as `games.model.level_game.graded_level_game`; its
    float payoffs carry rounding noise (0.1 + 0.2 ≠ 0.3), these do not.
    """
    from games.model.level_game import graded_levels

    model = _default_model() if model is None else model
    graded_levels(n_levels)  # the same range check and message as the float game
    grids = []
    for pl in model.players:
        lo, hi = min(pl.levels), max(pl.levels)
        grids.append([lo + (hi - lo) * Fraction(k, n_levels - 1) for k in range(n_levels)])
    return list(_exact_payoff_arrays(params, grids, model))


def _exact_payoff_arrays(params: Mapping[str, object] | None, grids: list[list[Fraction]], model) -> tuple[np.ndarray, np.ndarray]:
    from games.model.level_game import exact_level_payoffs

    p = exact_parameters(dict(params or {}), model)
    A = np.empty((len(grids[0]), len(grids[1])), dtype=object)
    B = np.empty((len(grids[0]), len(grids[1])), dtype=object)
    for i, x in enumerate(grids[0]):
        for j, y in enumerate(grids[1]):
            A[i, j], B[i, j] = exact_level_payoffs(model, (x, y), p)
    return A, B


def format_fraction(v: Fraction) -> str:
    """'2/3', '7/2', '0', '-1' — how exact mode prints a number."""
    return str(v)
