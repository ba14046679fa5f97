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


def _best_response_ok(sign: np.ndarray) -> np.ndarray:
    """(G, 3, k): may a player put probability 0, 1 or interior on its first strategy, given
    the sign of its gain from the first strategy over the second (one sign per column k)?"""
    return np.stack([sign <= 0, sign >= 0, sign == 0], axis=1)


def candidates(A: np.ndarray, B: np.ndarray) -> Candidates2x2:
    """Check the nine closed-form candidates of each 2×2 game (A, B of shape (G, 2, 2))."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    r0, r1, c0, c1 = incentives(A, B)
    # q is the weight on column 0: row's gain is r1 + q (r0 − r1); p likewise for the column player
    q_exists, q_star = _interior_point(r1, r0)
    p_exists, p_star = _interior_point(c1, c0)
    G = len(A)
    p = np.empty((G, 3))
    p[:, 0], p[:, 1], p[:, 2] = 0.0, 1.0, p_star
    q = np.empty((G, 3))
    q[:, 0], q[:, 1], q[:, 2] = 0.0, 1.0, q_star
    zero = np.zeros(G, dtype=np.int8)
    # sign of the row player's gain at q = 0, 1, q* (zero at q*), and the column player's at p
    row_sign = np.stack([np.sign(r1).astype(np.int8), np.sign(r0).astype(np.int8), zero], axis=1)
    col_sign = np.stack([np.sign(c1).astype(np.int8), np.sign(c0).astype(np.int8), zero], axis=1)
    row_ok = _best_response_ok(row_sign)  # [g, i (p kind), j (q candidate)]
    col_ok = _best_response_ok(col_sign).transpose(0, 2, 1)  # [g, i (p candidate), j (q kind)]
    mask = row_ok & col_ok
    mask[:, 2, :] &= p_exists[:, None]
    mask[:, :, 2] &= q_exists[:, None]
    return Candidates2x2(mask, p, q)


def verify_candidates(A: np.ndarray, B: np.ndarray, c: Candidates2x2, tol: np.ndarray | None = None) -> np.ndarray:
    """(G,) bool: does every candidate reported for game g have all regrets within tol[g]?

    The compact twin of `games.batch_verify.verified`: regrets are computed from the payoff
    entries for each reported (p, q) alone, without building per-equilibrium profiles.
    tol defaults to `games.batch_verify.tolerances`, computed only for the games whose
    regrets exceed its smallest possible value (TOLERANCE), which are few.
    """
    g, i, j = np.nonzero(c.mask)
    p = c.p[g, i]
    q = c.q[g, j]
    a00, a01, a10, a11 = (A[g, r, s] for r, s in ((0, 0), (0, 1), (1, 0), (1, 1)))
    b00, b01, b10, b11 = (B[g, r, s] for r, s in ((0, 0), (0, 1), (1, 0), (1, 1)))
    row0 = q * a00 + (1 - q) * a01  # row player's first strategy against (q, 1 − q)
    row1 = q * a10 + (1 - q) * a11
    col0 = p * b00 + (1 - p) * b10  # column player's first strategy against (p, 1 − p)
    col1 = p * b01 + (1 - p) * b11
    row_regret = np.maximum(row0, row1) - (p * row0 + (1 - p) * row1)
    col_regret = np.maximum(col0, col1) - (q * col0 + (1 - q) * col1)
    worst = np.maximum(row_regret, col_regret)
    if tol is None:
        from games.batch_verify import tolerances
        from games.equilibrium import TOLERANCE

        suspect = worst > TOLERANCE
        bad = np.zeros(len(g), dtype=bool)
        if suspect.any():
            gs = g[suspect]
            bad[suspect] = worst[suspect] > tolerances(A[gs], B[gs])
    else:
        bad = worst > tol[g]
    ok = np.ones(len(c.mask), dtype=bool)
    ok[g[bad]] = False
    return ok


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
