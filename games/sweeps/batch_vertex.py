"""All extreme equilibria of many small bimatrix games at once: batched vertex enumeration.

The batched twin of `games.solvers.polytope_vertices` (same shift and scale of payoffs, same
tolerances, same square systems): for every game of the batch, every vertex of the
best-response polytopes P = {x ≥ 0 : Bᵀx ≤ 1} and Q = {y ≥ 0 : Ay ≤ 1} is found by solving
all nonsingular systems of k tight constraints on k variables — for all games together,
one stacked `numpy.linalg` call per system size. Completely labelled pairs are the
extreme equilibria; degenerate games lose nothing, as in the single-game method.

Memory grows with C(m+n, m) per game; `games_per_chunk` sizes chunks to stay near 100 MB.
Plain arrays in, plain arrays out.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from math import comb

import numpy as np

from games.sweeps.batch_2x2 import FlatEquilibria

#: Same thresholds as games.solvers.polytope_vertices.
TOL = 1e-9
DET_EPS = 1e-12
#: Bytes of temporaries a chunk may use (rough).
CHUNK_BYTES = 100_000_000
#: (rows, d, k) index tables kept between calls: a game size needs at most 2·min(m, n) of
#: them, so a bounded cache serves every size of a sweep or batch yet cannot grow without end.
BASES_KEPT = 128


@lru_cache(maxsize=BASES_KEPT)
def _bases(rows: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """All (tight rows, support) index pairs of size k, in the single-game method's order."""
    supports = list(itertools.combinations(range(d), k))
    tights = list(itertools.combinations(range(rows), k))
    T = np.array([t for t in tights for _ in supports], dtype=np.intp).reshape(-1, k)
    K = np.array([s for _ in tights for s in supports], dtype=np.intp).reshape(-1, k)
    return T, K


def games_per_chunk(m: int, n: int) -> int:
    """How many m×n games to solve at once so temporaries stay near CHUNK_BYTES."""
    per_game = 0
    for rows, d in ((n, m), (m, n)):
        per_game += sum(comb(rows, k) * comb(d, k) * (k * k + 3 * d + rows) for k in range(1, min(rows, d) + 1))
    return max(1, min(100_000, CHUNK_BYTES // (8 * 6 * per_game)))


def _normalized(M: np.ndarray) -> np.ndarray:
    """Per game, one player's payoffs shifted and scaled into [1, 2] by their own spread, as
    `games.solvers.polytope_vertices.normalized` does for one game (a player indifferent
    everywhere gets all ones). TOL then means the same fraction of each player's stakes
    whatever the payoffs' size: with one scale of max(1, largest payoff), payoffs of order
    1e-10 all fell within TOL of each other and every profile was an equilibrium."""
    low = M.min(axis=(1, 2), keepdims=True)
    spread = M.max(axis=(1, 2), keepdims=True) - low
    return (M - low) / np.where(spread > 0, spread, 1.0) + 1.0


def _scaled(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per game: each player's payoffs in [1, 2] (`_normalized`), exactly as the single-game method."""
    return _normalized(A), _normalized(B)


def _solve_small(sub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(det, solution of sub · z = 1) for stacked k×k systems; Cramer's rule for k ≤ 3.

    Solutions of singular rows (|det| ≤ DET_EPS) are meaningless; callers discard them.
    """
    k = sub.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if k == 1:
            det = sub[..., 0, 0]
            return det, (1.0 / det)[..., None]
        if k == 2:
            a, b, c, d = sub[..., 0, 0], sub[..., 0, 1], sub[..., 1, 0], sub[..., 1, 1]
            det = a * d - b * c
            return det, np.stack([(d - b) / det, (a - c) / det], axis=-1)
        if k == 3:
            m = sub
            c00 = m[..., 1, 1] * m[..., 2, 2] - m[..., 1, 2] * m[..., 2, 1]
            c01 = m[..., 1, 2] * m[..., 2, 0] - m[..., 1, 0] * m[..., 2, 2]
            c02 = m[..., 1, 0] * m[..., 2, 1] - m[..., 1, 1] * m[..., 2, 0]
            det = m[..., 0, 0] * c00 + m[..., 0, 1] * c01 + m[..., 0, 2] * c02
            # z = adj(m) · 1 / det: z_i is the sum over j of the cofactors C_ji
            c10 = m[..., 0, 2] * m[..., 2, 1] - m[..., 0, 1] * m[..., 2, 2]
            c11 = m[..., 0, 0] * m[..., 2, 2] - m[..., 0, 2] * m[..., 2, 0]
            c12 = m[..., 0, 1] * m[..., 2, 0] - m[..., 0, 0] * m[..., 2, 1]
            c20 = m[..., 0, 1] * m[..., 1, 2] - m[..., 0, 2] * m[..., 1, 1]
            c21 = m[..., 0, 2] * m[..., 1, 0] - m[..., 0, 0] * m[..., 1, 2]
            c22 = m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]
            z = np.stack([c00 + c10 + c20, c01 + c11 + c21, c02 + c12 + c22], axis=-1) / det[..., None]
            return det, z
    det = np.linalg.det(sub)
    z = np.full(sub.shape[:-1], np.nan)
    ok = np.abs(det) > DET_EPS
    if ok.any():
        z[ok] = np.linalg.solve(sub[ok], np.ones((int(ok.sum()), k, 1)))[..., 0]
    return det, z


def vertices(M: np.ndarray, tol: float = TOL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nonzero vertices of {z ≥ 0 : M z ≤ 1} for each M of the batch (G, rows, d).

    Returns (V, labels, valid): V (G, W, d) padded, labels (G, W) bit masks (bit i for
    z_i = 0, bit d + j for (M z)_j = 1), valid (G, W) which rows are distinct vertices.
    """
    G, rows, d = M.shape
    games, zs = [], []
    for k in range(1, min(rows, d) + 1):
        T, K = _bases(rows, d, k)
        sub = M[:, T[:, :, None], K[:, None, :]]  # (G, P, k, k)
        det, sol = _solve_small(sub)
        ok = (np.abs(det) > DET_EPS) & np.all(sol >= -tol, axis=-1)
        g_idx, p_idx = np.nonzero(ok)
        if len(g_idx) == 0:
            continue
        z = np.zeros((len(g_idx), d))
        z[np.arange(len(g_idx))[:, None], K[p_idx]] = sol[g_idx, p_idx]
        feasible = np.all(np.einsum("frd,fd->fr", M[g_idx], z) <= 1 + tol, axis=1)
        games.append(g_idx[feasible])
        zs.append(z[feasible])
    if not games:
        return np.zeros((G, 1, d)), np.zeros((G, 1), np.int64), np.zeros((G, 1), bool)
    game = np.concatenate(games)
    Z = np.clip(np.concatenate(zs), 0.0, None)
    MZ = np.einsum("frd,fd->fr", M[game], Z)
    bits = 1 << np.arange(d + rows, dtype=np.int64)
    labels = np.concatenate([Z <= tol, np.abs(MZ - 1) <= tol], axis=1) @ bits
    keep = _first_of_duplicates(game, labels)
    return _pad(game[keep], Z[keep], labels[keep], G)


def _first_of_duplicates(game: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Keep the first of each group of vertices of a game with the same tight constraints.

    A vertex is the only point where its tight constraints all hold, so two bases with the
    same label set found the same (degenerate) vertex. Two distinct vertices a hair apart
    (a game a hair from a degenerate one) differ in their labels and are both kept, where
    rounding their coordinates would merge them and lose an equilibrium."""
    order = np.lexsort((labels, game))
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (labels[order][1:] == labels[order][:-1]) & (game[order][1:] == game[order][:-1])
    keep = np.empty(len(order), dtype=bool)
    keep[order] = ~same
    return keep


def _pad(game: np.ndarray, Z: np.ndarray, labels: np.ndarray, G: int):
    """Flat per-vertex rows → (G, W, ·) arrays padded to the largest vertex count W."""
    order = np.argsort(game, kind="stable")
    game, Z, labels = game[order], Z[order], labels[order]
    counts = np.bincount(game, minlength=G)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(game)) - starts[game]
    W = max(1, int(counts.max()))
    V = np.zeros((G, W, Z.shape[1]))
    L = np.zeros((G, W), np.int64)
    valid = np.zeros((G, W), bool)
    V[game, rank] = Z
    L[game, rank] = labels
    valid[game, rank] = True
    return V, L, valid


def _dedupe(game: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Indices of the profiles to keep: drop one equal (within tol) to its predecessor in
    sorted order within the same game (one equilibrium met through two vertex pairs).

    tol is kept small: two distinct extreme equilibria of a game a hair from a degenerate
    one lie close together ((1, 0) and (1 − 7.5e-8, 7.5e-8) against the same column, 1.5e-7
    from the tie), and 1e-7 merged them, losing the pure one and a regime with it."""
    if len(game) == 0:
        return np.zeros(0, dtype=np.intp)
    Z = np.hstack([x, y])
    order = np.lexsort(tuple(Z[:, c] for c in reversed(range(Z.shape[1]))) + (game,))
    zs, gs = Z[order], game[order]
    dup = np.zeros(len(order), dtype=bool)
    dup[1:] = (gs[1:] == gs[:-1]) & np.all(np.abs(zs[1:] - zs[:-1]) <= tol, axis=1)
    return np.sort(order[~dup])


def equilibria(A: np.ndarray, B: np.ndarray) -> FlatEquilibria:
    """All extreme equilibria of each game (A[g], B[g]); A, B of shape (G, m, n).

    Not verified here: `games.sweeps.batch.equilibria` verifies every profile it returns.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    G, m, n = A.shape
    Ap, Bp = _scaled(A, B)
    Xv, Xl, Xok = vertices(Bp.transpose(0, 2, 1))  # P: labels x_i = 0 (i < m), then columns
    Yv, Yl, Yok = vertices(Ap)  # Q: labels y_j = 0 (j < n), then rows (Ay)_i = 1
    # Q's labels in the common numbering: rows (bits 0..m-1) then columns (bits m..m+n-1)
    Yl = (Yl >> n) | ((Yl & ((1 << n) - 1)) << m)
    full = (1 << (m + n)) - 1
    complete = ((Xl[:, :, None] | Yl[:, None, :]) == full) & Xok[:, :, None] & Yok[:, None, :]
    g, i, j = np.nonzero(complete)
    x = Xv[g, i]
    y = Yv[g, j]
    x = x / x.sum(axis=1, keepdims=True)
    y = y / y.sum(axis=1, keepdims=True)
    keep = _dedupe(g, x, y)
    g, x, y = g[keep], x[keep], y[keep]
    u = np.einsum("ei,eij,ej->e", x, A[g], y)
    v = np.einsum("ei,eij,ej->e", x, B[g], y)
    return FlatEquilibria(g, x, y, np.stack([u, v], axis=1))
