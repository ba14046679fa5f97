"""Verification of many bimatrix equilibria at once: no profitable pure deviation.

The vectorized twin of `games.solvers.equilibrium.verify`: for each reported equilibrium (x, y)
of game g, each player's regret — best pure-strategy payoff minus the payoff of its
mixture, computed on its payoffs shifted to their midpoint — must not exceed
``TOLERANCE × half the spread of that player's payoffs in game g``, the tolerance the
single-game check uses (`games.solvers.equilibrium.player_tolerances`). `tolerances`, one
number per game, ``TOLERANCE × max(1, largest absolute payoff)``, bounds them all (what
reports quote).
"""

from __future__ import annotations

import numpy as np

from games.solvers.equilibrium import TOLERANCE


def tolerances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Per-game absolute tolerance (G,) for games A, B of shape (G, m, n)."""
    scale = np.maximum(np.abs(A).max(axis=(1, 2)), np.abs(B).max(axis=(1, 2)))
    return TOLERANCE * np.maximum(1.0, scale)


def regrets(A: np.ndarray, B: np.ndarray, game: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(E, 2) regrets of the row and column player at each equilibrium (x[k], y[k]) of game[k]."""
    Ag, Bg = A[game], B[game]
    row_values = np.einsum("eij,ej->ei", Ag, y)  # row player's pure strategies against y
    col_values = np.einsum("ei,eij->ej", x, Bg)  # column player's pure strategies against x
    row = row_values.max(axis=1) - np.einsum("ei,ei->e", row_values, x)
    col = col_values.max(axis=1) - np.einsum("ej,ej->e", col_values, y)
    return np.stack([row, col], axis=1)


def is_probability(z: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Which rows of z are probability vectors (within tol), as in the single-game check."""
    return np.all(z >= -tol, axis=1) & (np.abs(z.sum(axis=1) - 1.0) <= tol * max(1, z.shape[1]))


def _centred(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per game: the payoffs shifted to their midpoint, and half their spread."""
    lo, hi = M.min(axis=(1, 2)), M.max(axis=(1, 2))
    return M - ((hi + lo) / 2)[:, None, None], (hi - lo) / 2


def verified(A: np.ndarray, B: np.ndarray, game: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Boolean (E,): which reported profiles are equilibria within each player's tolerance.

    Per player, as the single-game check: with one tolerance of max(1, largest payoff) a
    game whose payoffs are all of order 1e-10 passed any profile at all."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if len(game) == 0:
        return np.zeros(0, dtype=bool)
    (Ac, half_a), (Bc, half_b) = _centred(A), _centred(B)
    worst = regrets(Ac, Bc, game, x, y)
    allowed = TOLERANCE * np.stack([half_a, half_b], axis=1)[game]
    return np.all(worst <= allowed, axis=1) & is_probability(x) & is_probability(y)
