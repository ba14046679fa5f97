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


def candidates(A: np.ndarray, B: np.ndarray) -> Candidates2x2:
    """Check the nine closed-form candidates of each 2×2 game (A, B of shape (G, 2, 2)).

    Candidate (p_i, q_j) is an equilibrium when each player's choice is a best response:
    the row player may put probability 0 / 1 / interior on its first strategy when its gain
    from it (r1 at q = 0, r0 at q = 1, 0 at q*) is ≤ 0 / ≥ 0 / = 0; likewise the column
    player with c1 (p = 0), c0 (p = 1), 0 (p*). Written out per candidate on whole columns
    of games: no (G, 3, 3) temporaries.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    r0, r1, c0, c1 = incentives(A, B)
    q_exists, q_star = _interior_point(r1, r0)
    p_exists, p_star = _interior_point(c1, c0)
    G = len(A)
    p = np.empty((G, 3))
    p[:, 0], p[:, 1], p[:, 2] = 0.0, 1.0, p_star
    q = np.empty((G, 3))
    q[:, 0], q[:, 1], q[:, 2] = 0.0, 1.0, q_star
    row_gain = (r1, r0)  # the row player's gain from its first strategy at q = 0, 1 (0 at q*)
    col_gain = (c1, c0)
    mask = np.empty((3, 3, G), dtype=bool)  # filled candidate by candidate, viewed as (G, 3, 3)
    for i in range(3):
        for j in range(3):
            if j < 2:
                g = row_gain[j]
                ok = g <= 0 if i == 0 else (g >= 0 if i == 1 else g == 0)
            else:
                ok = q_exists
            if i < 2:
                h = col_gain[i]
                ok = ok & (h <= 0 if j == 0 else (h >= 0 if j == 1 else h == 0))
            else:
                ok = ok & p_exists
            mask[i, j] = ok
    return Candidates2x2(mask.transpose(2, 0, 1), p, q)


def verify_candidates(A: np.ndarray, B: np.ndarray, c: Candidates2x2, tol: np.ndarray | None = None) -> np.ndarray:
    """(G,) bool: does every candidate reported for game g have all regrets within tol[g]?

    The compact twin of `games.batch_verify.verified`: each player's regret at each of the
    nine candidates is computed from the payoff entries for the reported (p, q) alone, for
    all games at once, and only the reported ones count. tol defaults to
    `games.batch_verify.tolerances`, computed only for the games whose regrets exceed its
    smallest possible value (TOLERANCE), which are few.
    """
    from games.equilibrium import TOLERANCE

    a00, a01, a10, a11 = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    b00, b01, b10, b11 = B[:, 0, 0], B[:, 0, 1], B[:, 1, 0], B[:, 1, 1]
    qs, ps = c.q[:, 2], c.p[:, 2]
    with np.errstate(invalid="ignore"):
        # payoff of each player's two strategies against the other's candidate (q = 0, 1, q*)
        rows = ((a01, a11), (a00, a10), (qs * a00 + (1 - qs) * a01, qs * a10 + (1 - qs) * a11))
        cols = ((b10, b11), (b00, b01), (ps * b00 + (1 - ps) * b10, ps * b01 + (1 - ps) * b11))
        row_best = [np.maximum(r0, r1) for r0, r1 in rows]
        col_best = [np.maximum(c0, c1) for c0, c1 in cols]
        worst = np.zeros(len(A))
        for i in range(3):
            for j in range(3):
                reported = c.mask[:, i, j]
                if not reported.any():  # no game has this candidate as an equilibrium
                    continue
                r0, r1 = rows[j]
                k0, k1 = cols[i]
                own_row = r1 if i == 0 else (r0 if i == 1 else ps * r0 + (1 - ps) * r1)
                own_col = k1 if j == 0 else (k0 if j == 1 else qs * k0 + (1 - qs) * k1)
                regret = np.maximum(row_best[j] - own_row, col_best[i] - own_col)
                worst = np.maximum(worst, np.where(reported, regret, 0.0))
    ok = np.ones(len(A), dtype=bool)
    if tol is None:
        suspect = np.nonzero(worst > TOLERANCE)[0]
        if len(suspect):
            from games.batch_verify import tolerances

            ok[suspect] = worst[suspect] <= tolerances(A[suspect], B[suspect])
    else:
        ok = worst <= tol
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
