"""All extreme equilibria of many 2×2 bimatrix games at once: the closed form, vectorized.

The same nine candidates as `games.closed_form.equilibria_2x2` — the row player's
probability p on its first strategy in {0, 1, p*}, the column player's q in {0, 1, q*} —
are checked for all games together. Whether a candidate is an equilibrium depends only on
the signs of the four incentive differences, and the sign of a floating-point difference
``a − b`` is exact (it is zero only when a == b), so the decisions equal the exact rational
ones: the same equilibria, ties and continua included. Only the interior values p*, q*
are rounded (to within a few ulps of the exact fraction).

Plain arrays in, plain arrays out. Memory is linear in the batch size; callers chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Candidate order: p over (0, 1, p*), q over (0, 1, q*) — the closed form's loop order.
N_CANDIDATES = 9


@dataclass(frozen=True)
class Candidates2x2:
    """Which of the nine candidates are equilibria, per game.

    ``mask[g, i, j]`` is True when (p_i, q_j) is an equilibrium of game g, where
    ``p[g] = (0, 1, p*)`` and ``q[g] = (0, 1, q*)`` (NaN where p* or q* does not exist).
    p and q are the probabilities of each player's *first* strategy.
    """

    mask: np.ndarray  # (G, 3, 3) bool
    p: np.ndarray  # (G, 3) float
    q: np.ndarray  # (G, 3) float


@dataclass(frozen=True)
class FlatEquilibria:
    """Equilibria of a batch of games as flat arrays, one row per equilibrium.

    ``game[k]`` is the index of the game (in the batch) that equilibrium k belongs to;
    rows of one game are contiguous and in increasing game order.
    """

    game: np.ndarray  # (E,) int
    x: np.ndarray  # (E, m) row player's mixed strategy
    y: np.ndarray  # (E, n) column player's mixed strategy
    payoffs: np.ndarray  # (E, 2) expected payoffs (row, column)

    def __len__(self) -> int:
        return len(self.game)


def incentives(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, ...]:
    """(r0, r1, c0, c1): each player's gain from its first strategy over its second.

    r0 / r1: row player's gain when the column player plays its first / second strategy;
    c0 / c1: column player's gain when the row player plays its first / second strategy.
    """
    r0 = A[:, 0, 0] - A[:, 1, 0]
    r1 = A[:, 0, 1] - A[:, 1, 1]
    c0 = B[:, 0, 0] - B[:, 0, 1]
    c1 = B[:, 1, 0] - B[:, 1, 1]
    return r0, r1, c0, c1


def _interior_point(d0: np.ndarray, d1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where t ↦ d0 + t (d1 − d0) crosses zero strictly inside (0, 1): (exists, t)."""
    exists = np.sign(d0) * np.sign(d1) < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(exists, d0 / (d0 - d1), np.nan)
    return exists, t


def _ok(prob_is: tuple[bool, bool], gain_sign: np.ndarray) -> np.ndarray:
    """Best-response condition for a player at probability 0, 1 or interior, given its gain's sign."""
    at0, at1 = prob_is
    return (at1 & (gain_sign >= 0)) | (at0 & (gain_sign <= 0)) | (gain_sign == 0)


def candidates(A: np.ndarray, B: np.ndarray) -> Candidates2x2:
    """Check the nine closed-form candidates of each 2×2 game (A, B of shape (G, 2, 2))."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    r0, r1, c0, c1 = incentives(A, B)
    # q is the weight on column 0: row's gain is r1 + q (r0 − r1); p likewise for the column player
    q_exists, q_star = _interior_point(r1, r0)
    p_exists, p_star = _interior_point(c1, c0)
    G = len(A)
    p = np.stack([np.zeros(G), np.ones(G), p_star], axis=1)
    q = np.stack([np.zeros(G), np.ones(G), q_star], axis=1)
    s_r0, s_r1, s_c0, s_c1 = (np.sign(v) for v in (r0, r1, c0, c1))
    # sign of the row player's gain at q = 0, 1, q*  (exactly zero at q*)
    row_sign = np.stack([s_r1, s_r0, np.zeros(G)], axis=1)  # indexed by q candidate
    col_sign = np.stack([s_c1, s_c0, np.zeros(G)], axis=1)  # indexed by p candidate
    mask = np.zeros((G, 3, 3), dtype=bool)
    p_is = [(True, False), (False, True), (False, False)]  # (is 0, is 1) for 0, 1, interior
    for i in range(3):
        for j in range(3):
            row_ok = _ok(p_is[i], row_sign[:, j])
            col_ok = _ok(p_is[j], col_sign[:, i])
            mask[:, i, j] = row_ok & col_ok
    mask[:, 2, :] &= p_exists[:, None]
    mask[:, :, 2] &= q_exists[:, None]
    return Candidates2x2(mask, p, q)


def expand(A: np.ndarray, B: np.ndarray, c: Candidates2x2) -> FlatEquilibria:
    """The equilibria of the batch as flat arrays, in the closed form's order within each game."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    g, i, j = np.nonzero(c.mask)
    p = c.p[g, i]
    q = c.q[g, j]
    x = np.stack([p, 1 - p], axis=1)
    y = np.stack([q, 1 - q], axis=1)
    u = np.einsum("ei,eij,ej->e", x, A[g], y)
    v = np.einsum("ei,eij,ej->e", x, B[g], y)
    return FlatEquilibria(g, x, y, np.stack([u, v], axis=1))


def equilibria(A: np.ndarray, B: np.ndarray) -> FlatEquilibria:
    """All extreme equilibria of each 2×2 game in the batch (A, B of shape (G, 2, 2))."""
    return expand(A, B, candidates(A, B))
