"""All equilibria of many bimatrix games of one shape: pick the batched method, chunk, verify.

2×2 games use the vectorized closed form (`games.sweeps.batch_2x2`); larger games use batched
vertex enumeration (`games.sweeps.batch_vertex`) while it is the faster (up to PIVOT_BASES
candidate bases, 6×6), and beyond that the single-game solver's lexicographic pivoting
(`games.solvers.polytope_vertices`) game by game, whose cost follows the number of vertices. Work proceeds in chunks so memory stays
bounded whatever the batch size, and every equilibrium returned has passed the batched
deviation check (`games.sweeps.batch_verify`) — a candidate that fails raises `SolverError`, as
the single-game solver does.
"""

from __future__ import annotations

import numpy as np

from games.sweeps.batch_2x2 import FlatEquilibria
from games.errors import SolverError

#: Games per chunk for the 2×2 closed form (small enough to stay in cache: fastest measured).
CHUNK_2X2 = 25_000
#: Above this many candidate bases (C(m+n, m)) games are solved one by one by pivoting.
PIVOT_BASES = 1_000
#: Games per chunk when solving one by one (chunks are the unit of progress and of work sent to workers).
CHUNK_PIVOT = 8


def by_pivoting(m: int, n: int) -> bool:
    """Whether m×n games are solved one by one (lexicographic pivoting) rather than batched."""
    from games.solvers.polytope_vertices import n_bases

    return n_bases(m, n) > PIVOT_BASES


def chunk_size(m: int, n: int) -> int:
    """Games per chunk for an m×n batch, so temporaries stay near 100 MB."""
    if (m, n) == (2, 2):
        return CHUNK_2X2
    if by_pivoting(m, n):
        return CHUNK_PIVOT
    from games.sweeps.batch_vertex import games_per_chunk

    return games_per_chunk(m, n)


def concatenate(parts: list[FlatEquilibria], offsets: list[int], m: int, n: int) -> FlatEquilibria:
    """Join per-chunk results, shifting each chunk's game indices by its offset."""
    if not parts:
        return FlatEquilibria(np.zeros(0, np.int64), np.zeros((0, m)), np.zeros((0, n)), np.zeros((0, 2)))
    return FlatEquilibria(
        np.concatenate([p.game + off for p, off in zip(parts, offsets)]),
        np.concatenate([p.x for p in parts]),
        np.concatenate([p.y for p in parts]),
        np.concatenate([p.payoffs for p in parts]),
    )


def _one_by_one(A: np.ndarray, B: np.ndarray) -> FlatEquilibria:
    """Every game of the chunk through the single-game solver, as flat arrays."""
    from games.solvers.polytope_vertices import vertex_enumeration

    m, n = A.shape[1:]
    games, xs, ys = [], [], []
    for g in range(len(A)):
        eqs = vertex_enumeration(A[g], B[g])
        games += [g] * len(eqs)
        xs += [x for x, _ in eqs]
        ys += [y for _, y in eqs]
    game = np.array(games, dtype=np.int64)
    x = np.array(xs).reshape(-1, m)
    y = np.array(ys).reshape(-1, n)
    u = np.einsum("ei,eij,ej->e", x, A[game], y)
    v = np.einsum("ei,eij,ej->e", x, B[game], y)
    return FlatEquilibria(game, x, y, np.stack([u, v], axis=1))


def _solve_chunk(A: np.ndarray, B: np.ndarray) -> FlatEquilibria:
    from games.sweeps import batch_verify

    m, n = A.shape[1:]
    if (m, n) == (2, 2):
        from games.sweeps import batch_2x2

        flat = batch_2x2.equilibria(A, B)
    elif by_pivoting(m, n):
        flat = _one_by_one(A, B)
    else:
        from games.sweeps import batch_vertex

        flat = batch_vertex.equilibria(A, B)
    ok = batch_verify.verified(A, B, flat.game, flat.x, flat.y)
    if not ok.all():
        bad = int(flat.game[~ok][0])
        raise SolverError(
            f"batch: {int((~ok).sum())} candidate profile(s) failed verification (first in game {bad}); "
            "the games may be badly scaled"
        )
    return flat


def equilibria(A: np.ndarray, B: np.ndarray, chunk: int | None = None) -> FlatEquilibria:
    """All extreme equilibria of each game (A[g], B[g]), verified; A, B of shape (G, m, n)."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 3 or A.shape != B.shape:
        raise ValueError(f"expected two arrays of shape (G, m, n), got {A.shape} and {B.shape}")
    G, m, n = A.shape
    size = chunk or chunk_size(m, n)
    parts, offsets = [], []
    for start in range(0, G, size):
        parts.append(_solve_chunk(A[start : start + size], B[start : start + size]))
        offsets.append(start)
    return concatenate(parts, offsets, m, n)
