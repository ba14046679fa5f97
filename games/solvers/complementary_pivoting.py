"""Lemke–Howson with lexicographic pivoting: some equilibria of a large bimatrix game, fast.

Vertex enumeration lists every extreme equilibrium but its work grows like C(m+n, m);
Lemke–Howson follows one path of almost completely labelled vertex pairs of the
best-response polytopes P = {x ≥ 0 : Bᵀx ≤ 1} and Q = {y ≥ 0 : Ay ≤ 1} (payoffs shifted
positive) from the artificial equilibrium (0, 0) to a real one, one pivot at a time
(Lemke and Howson 1964; von Stengel 2002, §3). Started once from each of the m + n labels
it usually finds several equilibria, never provably all.

Degenerate games — ties, which the trade model's graded games are full of — make the plain
minimum-ratio test ambiguous, and a naive choice can cycle forever. The lexicographic rule
(ratios of the rows of [b | B⁻¹], smallest first) always picks one leaving variable and
guarantees the path ends. A pivot budget caps the worst case (paths can be exponentially
long on purpose-built games), so the method always returns promptly; whatever it returns
is verified by `games.solvers.solver` like every other method's output.

Plain arrays in, plain arrays out.
"""

from __future__ import annotations

import numpy as np

from games.solvers.polytope_vertices import normalized

#: Pivots allowed per path before it is abandoned (per starting label).
MAX_PIVOTS_PER_PATH = 5_000
_TIE = 1e-9


class _Tableau:
    """The system M z + I s = 1, z, s ≥ 0 of one polytope, with its basis by label.

    Columns are indexed by label (0..m+n−1); ``slack`` lists the labels of the slack
    columns in their original order, which the lexicographic rule compares by.
    """

    def __init__(self, M: np.ndarray, z_labels: list[int], s_labels: list[int]):
        k = M.shape[0]
        width = len(z_labels) + len(s_labels)
        self.C = np.zeros((k, width))
        self.C[:, z_labels] = M
        self.C[:, s_labels] = np.eye(k)
        self.b = np.ones(k)
        self.basis = list(s_labels)
        self.slack = list(s_labels)

    def pivot(self, entering: int) -> int | None:
        """Bring label `entering` into the basis; return the label that leaves (None if unbounded)."""
        col = self.C[:, entering]
        rows = np.nonzero(col > _TIE)[0]
        if len(rows) == 0:
            return None
        keys = np.column_stack([self.b[rows], self.C[np.ix_(rows, self.slack)]]) / col[rows, None]
        for k in range(keys.shape[1]):  # lexicographic minimum ratio
            low = keys[:, k].min()
            keep = keys[:, k] <= low + _TIE * max(1.0, abs(low))
            rows, keys = rows[keep], keys[keep]
            if len(rows) == 1:
                break
        r = int(rows[0])
        piv = self.C[r, entering]
        self.C[r] /= piv
        self.b[r] /= piv
        factors = self.C[:, entering].copy()
        factors[r] = 0.0
        self.C -= np.outer(factors, self.C[r])
        self.b -= factors * self.b[r]
        leaving = self.basis[r]
        self.basis[r] = entering
        return leaving

    def values(self, labels: range) -> np.ndarray:
        """Current values of the variables with the given labels (0 when non-basic)."""
        out = np.zeros(len(labels))
        for r, label in enumerate(self.basis):
            if label in labels:
                out[label - labels.start] = max(self.b[r], 0.0)
        return out


def lemke_howson_path(A: np.ndarray, B: np.ndarray, dropped: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The equilibrium at the end of the Lemke–Howson path that starts by dropping `dropped`.

    Labels 0..m−1 are the row player's strategies, m..m+n−1 the column player's. Returns
    None if the path exceeds the pivot budget or hits numerical trouble.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    Ap, Bp = normalized(A), normalized(B)
    rows_, cols_ = list(range(m)), list(range(m, m + n))
    P = _Tableau(Bp.T, rows_, cols_)  # x (labels 0..m-1), slacks of Bᵀx ≤ 1 (labels m..)
    Q = _Tableau(Ap, cols_, rows_)  # y (labels m..), slacks of Ay ≤ 1 (labels 0..m-1)
    tableau, other = (P, Q) if dropped < m else (Q, P)
    entering = dropped
    for _ in range(MAX_PIVOTS_PER_PATH):
        leaving = tableau.pivot(entering)
        if leaving is None:
            return None
        if leaving == dropped:
            x, y = P.values(range(0, m)), Q.values(range(m, m + n))
            if x.sum() <= 0 or y.sum() <= 0 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
                return None
            return x / x.sum(), y / y.sum()
        entering = leaving
        tableau, other = other, tableau
    return None


def lemke_howson(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The equilibria reached from each of the m + n starting labels (duplicates included)."""
    m, n = np.shape(A)
    out = []
    for label in range(m + n):
        found = lemke_howson_path(A, B, label)
        if found is not None:
            out.append(found)
    return out
