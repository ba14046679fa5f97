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


def equilibria_2x2(A, B) -> list[Exact]:
    """All extreme equilibria of the 2×2 bimatrix game (A, B), as exact fractions.

    Each result is ((p, 1 − p), (q, 1 − q)). A and B may hold floats (converted exactly)
    or Fractions.
    """
    # Signs of the incentives straight from the payoffs: comparisons of floats and
    # Fractions are exact in Python, so no conversion is needed to decide.
    sr0, sr1 = _compare(A[0][0], A[1][0]), _compare(A[0][1], A[1][1])  # row's gain, column plays 0 / 1
    sc0, sc1 = _compare(B[0][0], B[0][1]), _compare(B[1][0], B[1][1])  # column's gain, row plays 0 / 1
    # q is the weight on column 0: row's gain is r1 + q (r0 − r1) (t runs from column 1 to 0);
    # an indifference point inside (0, 1) exists exactly when the two signs are opposite
    q_star = p_star = None
    if sr0 * sr1 < 0:
        a = _fractions(A)
        q_star = indifference_point(a[0][1] - a[1][1], a[0][0] - a[1][0])
    if sc0 * sc1 < 0:
        b = _fractions(B)
        p_star = indifference_point(b[1][0] - b[1][1], b[0][0] - b[0][1])
    ps = [Fraction(0), Fraction(1)] + ([p_star] if p_star is not None else [])
    qs = [Fraction(0), Fraction(1)] + ([q_star] if q_star is not None else [])
    # The row player's gain q·r0 + (1 − q)·r1 is r1 at q = 0, r0 at q = 1 and exactly 0 at
    # q* (that is what q* solves); likewise the column player's at p = 0, 1, p*. So the
    # nine decisions need only the signs of r0, r1, c0, c1: no further rational arithmetic.
    row_gain = [sr1, sr0, 0]  # by q's index in qs
    col_gain = [sc1, sc0, 0]  # by p's index in ps
    found: list[Exact] = []
    for i, p in enumerate(ps):
        for j, q in enumerate(qs):
            g, h = row_gain[j], col_gain[i]
            row_ok = (i == 1 and g >= 0) or (i == 0 and g <= 0) or g == 0
            col_ok = (j == 1 and h >= 0) or (j == 0 and h <= 0) or h == 0
            if row_ok and col_ok:
                eq = ((p, 1 - p), (q, 1 - q))
                if eq not in found:
                    found.append(eq)
    return found
