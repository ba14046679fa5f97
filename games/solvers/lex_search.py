"""Vertices of a polytope {z ≥ 0 : M z ≤ 1} by lexicographic pivoting: output-sensitive.

Enumerating every square system of tight constraints costs C(rows + d, d) solves whatever
the polytope looks like. Walking the polytope's graph instead costs work proportional to
the number of vertices found: from the origin, every edge of every vertex is followed by a
simplex pivot, and a vertex is expanded once. The pivots use the *lexicographic* ratio
test — as in Avis's lrs and in Lemke–Howson with lexicographic degeneracy resolution —
which pivots on the polytope perturbed to M z ≤ 1 + (ε, ε², …): that polytope is simple
for small ε, its graph is connected, and each of its vertices (a lexico-feasible basis)
lies, at ε = 0, on a vertex of the real polytope, every one of which is reached. So a
degenerate polytope (ties in the payoffs) loses no vertex; it only has several bases per
vertex.

Each basis's tableau is recomputed from its basis matrix (no drift along long paths), and
a whole layer of the breadth-first search is pivoted at once in NumPy: one batched
inverse and one batched ratio test per layer.

Plain arrays in, plain arrays out.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from games.errors import SolverError

#: Smallest tableau entry used as a pivot.
PIVOT_EPS = 1e-9
#: Lexicographic ratios within this (relative) distance are ties.
TIE = 1e-9
#: Bases per batched step (memory: about rows² · d floats each).
LAYER = 4096


class TooMuchWork(SolverError):
    """The search visited more bases than the caller's limit (a game too large to finish)."""


def _lexmin_rows(value: np.ndarray, basis_matrix: np.ndarray, owner: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Leaving row of each pivot: the lexicographic minimum ratio test.

    value (F, r): each basis's basic values; basis_matrix (F, r, r); owner (P,): the basis
    of each pivot; T (P, r): the entering column in tableau form. Among rows with
    T > PIVOT_EPS, the row minimizing (value_i, (B⁻¹)_i·) / T_i lexicographically: first by
    value / T, and only where that ties (a degenerate vertex) by the rows of the basis
    inverse, which is computed for those bases alone. Returns the row index, or -1 where
    no entry is positive.
    """
    P, r = T.shape
    cand = T > PIVOT_EPS
    has = cand.any(axis=1)
    todo = np.nonzero(has)[0]
    inverse = None
    slot = None
    for k in range(r + 1):
        if len(todo) == 0:
            break
        if k == 0:
            column = value[owner[todo]]
        else:
            if inverse is None:  # ties remain: invert the bases involved, once
                need = np.unique(owner[todo])
                inverse = np.linalg.inv(basis_matrix[need])
                slot = np.full(len(basis_matrix), -1)
                slot[need] = np.arange(len(need))
            column = inverse[slot[owner[todo]], :, k - 1]
        ratio = np.full((len(todo), r), np.inf)
        np.divide(column, T[todo], out=ratio, where=cand[todo])
        low = ratio.min(axis=1, keepdims=True)
        tied = ratio <= low + TIE * np.maximum(1.0, np.abs(low))
        cand[todo] = tied
        todo = todo[tied.sum(axis=1) > 1]
    row = np.argmax(cand, axis=1)
    return np.where(has, row, -1)


def lex_vertices(
    M: np.ndarray,
    max_bases: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Every vertex of {z ≥ 0 : M z ≤ 1} (M of shape (r, d), bounded polytope), origin first.

    Raises TooMuchWork once more than max_bases bases have been visited. progress(bases)
    is called after each batched step.
    """
    M = np.asarray(M, dtype=float)
    r, d = M.shape
    N = d + r
    if N > 62:
        raise ValueError("lex_vertices: at most 62 variables and constraints together")
    W = np.hstack([M, np.eye(r)])  # columns: z_0..z_{d-1}, then the slacks
    bit = np.left_shift(np.int64(1), np.arange(N, dtype=np.int64))
    start = np.arange(d, N, dtype=np.intp)[None, :]  # the slack basis: the origin
    seen = {int(bit[start[0]].sum())}
    frontier = start
    points = []
    visited = 0
    while len(frontier):
        following = []
        for lo in range(0, len(frontier), LAYER):
            basis = frontier[lo : lo + LAYER]  # (F, r) basic columns, ascending
            F = len(basis)
            Bm = W[:, basis].transpose(1, 0, 2)  # (F, r, r) basis matrices
            # every nonbasic column enters once
            is_basic = np.zeros((F, N), dtype=bool)
            np.put_along_axis(is_basic, basis, True, axis=1)
            entering = np.nonzero(~is_basic)[1].reshape(F, N - r)
            rhs = np.concatenate([np.ones((F, r, 1)), W[:, entering].transpose(1, 0, 2)], axis=2)
            try:
                solved = np.linalg.solve(Bm, rhs)  # (F, r, 1 + d): B⁻¹·1, then the tableau columns
            except np.linalg.LinAlgError:
                raise SolverError(
                    "vertex enumeration: a pivot reached a numerically singular basis; the game may be "
                    "badly scaled (use --method lemke-howson for some equilibria)"
                ) from None
            value = solved[:, :, 0]  # the basic variables' values
            T = solved[:, :, 1:].transpose(0, 2, 1)  # (F, d, r)
            z = np.zeros((F, N))
            np.put_along_axis(z, basis, value, axis=1)
            points.append(z[:, :d])
            f_idx = np.repeat(np.arange(F), N - r)
            leave_row = _lexmin_rows(value, Bm, f_idx, T.reshape(F * (N - r), r))
            ok = leave_row >= 0
            f_idx, enter, leave_row = f_idx[ok], entering.reshape(-1)[ok], leave_row[ok]
            leave = basis[f_idx, leave_row]
            keys = bit[basis].sum(axis=1)[f_idx] - bit[leave] + bit[enter]
            keys, first = np.unique(keys, return_index=True)
            fresh = np.array([int(k) not in seen for k in keys.tolist()], dtype=bool)
            if fresh.any():
                new = basis[f_idx[first[fresh]]].copy()
                np.put_along_axis(new, leave_row[first[fresh]][:, None], enter[first[fresh]][:, None], axis=1)
                new.sort(axis=1)
                seen.update(keys[fresh].tolist())
                following.append(new)
            visited += F
            if max_bases is not None and len(seen) > max_bases:
                raise TooMuchWork(
                    f"vertex enumeration: a best-response polytope has more than {max_bases:,} bases; "
                    "use --method lemke-howson for some equilibria (fast)"
                )
            if progress is not None:
                progress(visited)
        frontier = np.vstack(following) if following else np.zeros((0, r), dtype=np.intp)
    Z = np.vstack(points)
    return np.clip(Z, 0.0, None)
