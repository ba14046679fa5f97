"""All extreme equilibria of a bimatrix game by vertex enumeration of best-response polytopes.

Following Avis, Rosenberg, Savani and von Stengel (2010): after shifting payoffs to be
positive, the polytopes P = {x ≥ 0 : Bᵀx ≤ 1} and Q = {y ≥ 0 : Ay ≤ 1} have the extreme
equilibria as their completely labelled vertex pairs (x, y) ≠ (0, 0), normalized. Vertices
are found by solving every nonsingular square system of tight constraints (batched in
NumPy), so degenerate games — ties, weakly dominated strategies, continua — lose nothing:
each extreme point of every equilibrium component is returned once.

Plain arrays in, plain arrays out.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np

#: Largest number of candidate bases (C(m+n, m)) this method will try.
MAX_BASES = 5_000_000
_CHUNK = 200_000


def _vertices(M: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of {z ≥ 0 : M z ≤ 1} with M of shape (k_rows, d) and positive entries.

    Returns (vertices, labels): vertices of shape (V, d) (the origin included) and label
    masks as two boolean arrays concatenated: [z_i == 0 for i in d] + [(M z)_j == 1 for j].
    """
    rows, d = M.shape
    found = [np.zeros(d)]
    for k in range(1, min(rows, d) + 1):
        supports = np.array(list(itertools.combinations(range(d), k)), dtype=np.intp)
        tights = np.array(list(itertools.combinations(range(rows), k)), dtype=np.intp)
        n_pairs = len(tights) * len(supports)
        for start in range(0, n_pairs, _CHUNK):
            # pair number p is (tights[p // len(supports)], supports[p % len(supports)]):
            # the order of itertools.product, generated without Python tuples
            block = np.arange(start, min(start + _CHUNK, n_pairs), dtype=np.intp)
            T = tights[block // len(supports)]
            K = supports[block % len(supports)]
            sub = M[T[:, :, None], K[:, None, :]]
            det = np.linalg.det(sub)
            ok = np.abs(det) > 1e-12
            if not np.any(ok):
                continue
            sol = np.linalg.solve(sub[ok], np.ones((int(ok.sum()), k, 1)))[..., 0]
            z = np.zeros((len(sol), d))
            np.put_along_axis(z, K[ok], sol, axis=1)
            feasible = np.all(z >= -tol, axis=1) & np.all(z @ M.T <= 1 + tol, axis=1)
            if np.any(feasible):
                found.append(np.clip(z[feasible], 0.0, None))
    V = np.vstack([np.atleast_2d(v) for v in found])
    V = _unique_rows(V, tol)
    labels = np.hstack([V <= tol, np.abs(V @ M.T - 1) <= tol])
    return V, labels


def _unique_rows(V: np.ndarray, tol: float) -> np.ndarray:
    keys = np.round(V / max(tol, 1e-12) / 1e3).astype(np.int64) if len(V) else V
    _, idx = np.unique(keys, axis=0, return_index=True)
    return V[np.sort(idx)]


def n_bases(m: int, n: int) -> int:
    """How many candidate bases vertex enumeration tries for an m×n game."""
    return comb(m + n, m)


def _complementary(
    Xv: np.ndarray, Xl: np.ndarray, Ap: np.ndarray, tol: float
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Equilibria from P's vertices alone, when every vertex of P is non-degenerate.

    For a vertex x of P, a completely labelled partner y must make every row in x's
    support tight ((Ay)_i = 1) and vanish off x's best-response columns ((Bᵀx)_j = 1).
    When those two sets have equal size and the square system is nonsingular, y is unique
    (one linear solve), so Q need not be enumerated. Returns None — enumerate Q as well —
    as soon as a vertex of P has more labels than its dimension (a degenerate game).
    """
    m = Xv.shape[1]
    out = []
    for x, labels in zip(Xv, Xl):
        if x.sum() <= tol:
            continue
        rows = np.nonzero(~labels[:m])[0]  # x_i > 0: the row player's support
        cols = np.nonzero(labels[m:])[0]  # (Bᵀx)_j = 1: the column player's best responses
        if len(rows) != len(cols):
            return None
        sub = Ap[np.ix_(rows, cols)]
        if abs(np.linalg.det(sub)) <= 1e-12:
            return None
        y = np.zeros(Ap.shape[1])
        y[cols] = np.linalg.solve(sub, np.ones(len(rows)))
        if np.all(y >= -tol) and np.all(Ap @ y <= 1 + tol):
            y = np.clip(y, 0.0, None)
            out.append((x / x.sum(), y / y.sum()))
    return out


def normalized(M: np.ndarray) -> np.ndarray:
    """One player's payoffs shifted and scaled into [1, 2].

    Equilibria do not change under a positive affine change of one player's payoffs, and
    each player is scaled on its own: a player whose payoffs span 0..2 keeps its ties and
    gaps even if the other's span a billion (one common scale would flatten them below
    the solver's tie tolerance). A player indifferent everywhere gets all ones.
    """
    spread = float(M.max() - M.min())
    return (M - M.min()) / (spread if spread > 0 else 1.0) + 1.0


def vertex_enumeration(A: np.ndarray, B: np.ndarray, tol: float = 1e-9) -> list[tuple[np.ndarray, np.ndarray]]:
    """All extreme Nash equilibria (x, y) of the bimatrix game (A, B)."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    Ap, Bp = normalized(A), normalized(B)
    Xv, Xl = _vertices(Bp.T, tol)  # P: x ≥ 0 labels 0..m-1, Bᵀx ≤ 1 labels m..m+n-1
    fast = _complementary(Xv, Xl, Ap, tol)
    if fast is not None:
        return fast
    Yv, Yl = _vertices(Ap, tol)  # Q: y ≥ 0 labels (m+j), Ay ≤ 1 labels i
    # reorder Q's labels to the common numbering: first rows (Ay = 1), then columns (y = 0)
    Yl = np.hstack([Yl[:, n:], Yl[:, :n]])
    complete = np.all(Xl[:, None, :] | Yl[None, :, :], axis=2)
    out = []
    for i, j in zip(*np.nonzero(complete)):
        x, y = Xv[i], Yv[j]
        if x.sum() <= tol or y.sum() <= tol:
            continue
        out.append((x / x.sum(), y / y.sum()))
    return out
