"""Exact equilibria of 2×2 games by the closed form of the indifference conditions.

With p the row player's probability on its first strategy and q the column player's,
the row player is indifferent at q* = (a11 − a01) / (a00 − a01 − a10 + a11) and the
column player at p* = (b11 − b10) / (b00 − b10 − b01 + b11). Every extreme equilibrium has
p in {0, 1, p*} and q in {0, 1, q*}, so checking those nine candidates in exact rational
arithmetic finds them all, degenerate games (ties, continua) included.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import numpy as np

Exact = tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]


def _fractions(M: np.ndarray | Sequence[Sequence]) -> list[list[Fraction]]:
    return [[v if isinstance(v, Fraction) else Fraction(float(v)) for v in row] for row in M]


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _compare(x, y) -> int:
    """Sign of x − y, exactly: Python floats and Fractions compare exactly (values other than
    Fractions are taken as floats, as `_fractions` takes them)."""
    x = x if isinstance(x, Fraction) else float(x)
    y = y if isinstance(y, Fraction) else float(y)
    return (x > y) - (x < y)


def indifference_point(d0: Fraction, d1: Fraction) -> Fraction | None:
    """Where the affine function t ↦ d0 + t·(d1 − d0) crosses zero in (0, 1), if it does."""
    slope = d1 - d0
    if slope == 0:
        return None
    t = -d0 / slope
    return t if 0 < t < 1 else None


def _equilibrium_cells(A, B) -> tuple[list[tuple[int, int]], bool, bool]:
    """Which of the nine candidates are equilibria, decided exactly from payoff comparisons.

    Candidates are indexed (i, j): p = (0, 1, p*)[i], q = (0, 1, q*)[j]. Returns the
    equilibrium cells in (i, j) order and whether p* and q* exist (lie inside (0, 1)).
    """
    # Signs of the incentives straight from the payoffs: comparisons of floats and
    # Fractions are exact in Python, so no conversion is needed to decide.
    sr0, sr1 = _compare(A[0][0], A[1][0]), _compare(A[0][1], A[1][1])  # row's gain, column plays 0 / 1
    sc0, sc1 = _compare(B[0][0], B[0][1]), _compare(B[1][0], B[1][1])  # column's gain, row plays 0 / 1
    # q is the weight on column 0: row's gain is r1 + q (r0 − r1) (t runs from column 1 to 0);
    # an indifference point inside (0, 1) exists exactly when the two signs are opposite
    has_q, has_p = sr0 * sr1 < 0, sc0 * sc1 < 0
    # The row player's gain q·r0 + (1 − q)·r1 is r1 at q = 0, r0 at q = 1 and exactly 0 at
    # q* (that is what q* solves); likewise the column player's at p = 0, 1, p*. So the
    # nine decisions need only the signs of r0, r1, c0, c1: no further rational arithmetic.
    row_gain = [sr1, sr0, 0]  # by q's index
    col_gain = [sc1, sc0, 0]  # by p's index
    cells = []
    for i in range(3 if has_p else 2):
        for j in range(3 if has_q else 2):
            g, h = row_gain[j], col_gain[i]
            row_ok = (i == 1 and g >= 0) or (i == 0 and g <= 0) or g == 0
            col_ok = (j == 1 and h >= 0) or (j == 0 and h <= 0) or h == 0
            if row_ok and col_ok:
                cells.append((i, j))
    return cells, has_p, has_q


def equilibria_2x2(A, B) -> list[Exact]:
    """All extreme equilibria of the 2×2 bimatrix game (A, B), as exact fractions.

    Each result is ((p, 1 − p), (q, 1 − q)). A and B may hold floats (converted exactly)
    or Fractions.
    """
    cells, has_p, has_q = _equilibrium_cells(A, B)
    ps, qs = [Fraction(0), Fraction(1)], [Fraction(0), Fraction(1)]
    if has_q:
        a = _fractions(A)
        qs.append(indifference_point(a[0][1] - a[1][1], a[0][0] - a[1][0]))
    if has_p:
        b = _fractions(B)
        ps.append(indifference_point(b[1][0] - b[1][1], b[0][0] - b[0][1]))
    return [((ps[i], 1 - ps[i]), (qs[j], 1 - qs[j])) for i, j in cells]


def equilibria_2x2_float(A, B) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """`equilibria_2x2` for float payoffs, each probability the float nearest its exact value.

    The same equilibria, in the same order, with the same floats as converting
    `equilibria_2x2`'s fractions, without building any Fraction: a float is an integer
    over a power of two, so over a common power of two the indifference point t and
    1 − t are ratios of Python integers, and integer true division rounds correctly.
    """
    cells, has_p, has_q = _equilibrium_cells(A, B)
    ps, qs = [(0.0, 1.0), (1.0, 0.0)], [(0.0, 1.0), (1.0, 0.0)]
    if has_q:
        qs.append(_crossing(A[0][1], A[1][1], A[0][0], A[1][0]))
    if has_p:
        ps.append(_crossing(B[1][0], B[1][1], B[0][0], B[0][1]))
    return [(ps[i], qs[j]) for i, j in cells]


def _crossing(u0, v0, u1, v1) -> tuple[float, float]:
    """(t, 1 − t), each correctly rounded, where d0 + t·(d1 − d0) = 0 with d0 = u0 − v0 and
    d1 = u1 − v1 (the caller has checked the signs of d0 and d1 are opposite)."""
    ratios = [float(v).as_integer_ratio() for v in (u0, v0, u1, v1)]
    common = max(den for _, den in ratios)  # every denominator is a power of two
    nu0, nv0, nu1, nv1 = (num * (common // den) for num, den in ratios)
    d0, d1 = nu0 - nv0, nu1 - nv1
    return -d0 / (d1 - d0), d1 / (d1 - d0)
