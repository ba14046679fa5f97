"""All extreme equilibria of a bimatrix game by vertex enumeration of best-response polytopes.

Following Avis, Rosenberg, Savani and von Stengel (2010): after shifting payoffs to be
positive, the polytopes P = {x ≥ 0 : Bᵀx ≤ 1} and Q = {y ≥ 0 : Ay ≤ 1} have the extreme
equilibria as their completely labelled vertex pairs (x, y) ≠ (0, 0), normalized.

Small games (at most EXHAUSTIVE_BASES candidate bases) find the vertices by solving every
nonsingular square system of tight constraints (batched in NumPy). Larger ones first try
SciPy's Qhull (`games.solvers.qhull_vertices`), whose list of P's vertices is accepted only
with a certificate that P is simple and the list complete — so in practice on random
(non-degenerate) games — and each vertex's partner in Q is solved for directly. Otherwise
(ties, integer payoffs, a near-degenerate vertex, a Qhull error) they walk each polytope's
graph by lexicographic pivoting (`games.solvers.lex_search`), whose cost grows with the
number of vertices, not of candidate bases; when P is non-degenerate each vertex's partner
in Q is solved for directly, otherwise Q is walked too and labels are matched. Every way,
degenerate games — ties, weakly dominated strategies, continua — lose nothing: each
extreme point of every equilibrium component is returned once, and Qhull and pivoting list
the same equilibria in the same order.

Plain arrays in, plain arrays out.
"""

from __future__ import annotations

import itertools
import sys
from functools import lru_cache
from math import comb
from typing import Callable

import numpy as np

#: Largest number of candidate bases (C(m+n, m)) solved exhaustively; larger games use
#: Qhull with a certificate, or pivot.
EXHAUSTIVE_BASES = 500
#: Most bases the lexicographic search may visit in one polytope (the limit on work done).
MAX_WORK = 3_000_000
#: Fewest strategies (m + n) for which the Qhull fast path loads SciPy's spatial package
#: (about 0.1–0.25 s, once per process) rather than pivot: from 14×14, pivoting a random
#: game takes about as long as the import. Once loaded, Qhull is tried at every size
#: beyond EXHAUSTIVE_BASES.
QHULL_COLD_STRATEGIES = 28
#: Bases pivoted in one process (about a second of work, several times the import) after
#: which SciPy's spatial package is loaded for the Qhull fast path whatever the size. A
#: graded 12-level sweep of 101 points pivots about 28,000 and so never loads it.
QHULL_AFTER_BASES = 50_000
#: Largest m + n solved (20×20). The number of vertices grows about 3× per added strategy
#: pair on random games (14×14: about 20,000 bases; 18×18: about a million, a minute), so
#: larger games are refused up front rather than stopped by MAX_WORK after minutes.
MAX_STRATEGIES = 40


#: Sizes (rows, d) whose basis tables are kept (each at most EXHAUSTIVE_BASES bases of
#: at most 6 systems of 5×5: well under a megabyte).
BASIS_TABLES_KEPT = 32
#: Largest system size solved by Cramer's rule (one batched determinant) in `_vertices`.
CRAMER_SIZE = 3


@lru_cache(maxsize=BASIS_TABLES_KEPT)
def _basis_table(rows: int, d: int) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate basis of {z ≥ 0 : M z ≤ 1} (M of shape (rows, d)) as one square system.

    A vertex is fixed by a set T of k tight rows and a support K of k coordinates (its
    other coordinates zero), k = 0 … min(rows, d). Each such pair is one square system of
    size s = min(rows, d), so all of them are solved in one batch:

    - rows ≤ d (slack form): the basic variables are z_K and the slacks of the rows not
      in T, columns of [M | I]; the system is [M | I]_basis · u = 1, feasible iff u ≥ 0.
    - rows > d (constraint form): the d tight constraints are z_i = 0 for i ∉ K and
      (M z)_t = 1 for t ∈ T, rows of [I; M] with right-hand side [0; 1]; u is z.

    Returns (slack form?, basis (bases, s), system, rhs). ``basis`` lists the basic columns
    of [M | I] (slack form) or the tight rows of [I; M] (constraint form). ``system``
    (bases, s, s) and ``rhs`` (bases, s) index the flat values [M.ravel(), 0, 1]. For
    s ≤ CRAMER_SIZE, ``system`` is (bases, s + 1, s, s) instead: entry 0 of each basis is
    its matrix and entry 1 + j the same matrix with column j replaced by the right-hand
    side, so one batched determinant gives every determinant and, by Cramer's rule, every
    solution (for tiny systems cheaper than a second LAPACK call; from 4×4 on, the extra
    determinants cost more than a solve). Bases come in the order (k, T, K) of `itertools` combinations —
    the origin first — so the first basis of a (degenerate) vertex is the one an
    enumeration by growing support meets first.
    """
    slack_form = rows <= d
    basis = []
    for k in range(min(rows, d) + 1):
        for T in itertools.combinations(range(rows), k):
            for K in itertools.combinations(range(d), k):
                if slack_form:
                    basis.append(list(K) + [d + r for r in range(rows) if r not in T])
                else:
                    basis.append([i for i in range(d) if i not in K] + [d + t for t in T])
    index = np.array(basis, dtype=np.intp)
    size = index.shape[1]
    zero, one = rows * d, rows * d + 1
    i = np.arange(size)
    if slack_form:
        col = index[:, None, :]  # (bases, 1, j): column j of the system is col[j] of [M | I]
        system = np.where(col < d, i[:, None] * d + col, np.where(col - d == i[:, None], one, zero))
        rhs = np.full(index.shape, one)
    else:
        con = index[:, :, None]  # (bases, r, 1): row r of the system is con[r] of [I; M]
        system = np.where(con < d, np.where(i == con, one, zero), (con - d) * d + i)
        rhs = np.where(index < d, zero, one)
    if size <= CRAMER_SIZE:
        cramer = np.repeat(system[:, None], size + 1, axis=1)
        for j in range(size):
            cramer[:, j + 1, :, j] = rhs
        system = cramer
    for array in (index, system, rhs):
        array.setflags(write=False)
    return slack_form, index, system, rhs


def _vertices(M: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of {z ≥ 0 : M z ≤ 1} with M of shape (k_rows, d) and positive entries.

    Returns (vertices, labels): vertices of shape (V, d) (the origin included) and label
    masks as two boolean arrays concatenated: [z_i == 0 for i in d] + [(M z)_j == 1 for j].
    Used for games up to EXHAUSTIVE_BASES candidate bases: every candidate basis
    (`_basis_table`, cached by size) is one square system, and all of them are solved by
    a single batched determinant (Cramer's rule), so a small game costs a fixed handful of
    NumPy calls. A system counts as singular when |det| ≤ 1e-12. A vertex met from several
    bases (possible only at a degenerate vertex, one with more labels than d) is kept
    once (`_unique_rows`), with its first basis's coordinates.
    """
    rows, d = M.shape
    slack_form, basis, system, rhs = _basis_table(rows, d)
    values = np.concatenate((M.ravel(), (0.0, 1.0)))
    if system.ndim == 4:  # Cramer's rule: determinants of the matrices and of their variants
        D = np.linalg.det(values[system])
        det = D[:, 0]
        ok = np.abs(det) > 1e-12
        u = D[:, 1:] / np.where(ok, det, 1.0)[:, None]
    else:
        sub = values[system]
        ok = np.abs(np.linalg.det(sub)) > 1e-12
        u = np.full(rhs.shape, -1.0)  # singular systems: never feasible
        u[ok] = np.linalg.solve(sub[ok], values[rhs[ok]][..., None])[..., 0]
    feasible = ok & (u >= -tol).all(axis=1)
    if slack_form:
        V = np.zeros((int(feasible.sum()), d + rows))
        np.put_along_axis(V, basis[feasible], np.clip(u[feasible], 0.0, None), axis=1)
        V = V[:, :d]
    else:
        feasible &= (u @ M.T <= 1 + tol).all(axis=1)
        V = np.clip(u[feasible], 0.0, None)
    labels = np.hstack([V <= tol, np.abs(V @ M.T - 1) <= tol])
    if labels.sum(axis=1).max() > d:
        V = _unique_rows(V, tol)
        labels = np.hstack([V <= tol, np.abs(V @ M.T - 1) <= tol])
    return V, labels


def _unique_rows(V: np.ndarray, tol: float) -> np.ndarray:
    """The first of each group of rows equal after rounding to a thousand tolerances, in order."""
    if len(V) < 2:
        return V
    keys = np.round(V / max(tol, 1e-12) / 1e3).astype(np.int64)
    order = np.lexsort(keys.T[::-1])  # stable: the first of equal rows comes first
    ranked = keys[order]
    repeat = np.zeros(len(V), dtype=bool)
    repeat[1:] = np.all(ranked[1:] == ranked[:-1], axis=1)
    return V[np.sort(order[~repeat])]


def n_bases(m: int, n: int) -> int:
    """How many candidate bases vertex enumeration tries for an m×n game."""
    return comb(m + n, m)


def normalized(M: np.ndarray) -> np.ndarray:
    """One player's payoffs shifted and scaled into [1, 2].

    Equilibria do not change under a positive affine change of one player's payoffs, and
    each player is scaled on its own: a player whose payoffs span 0..2 keeps its ties and
    gaps even if the other's span a billion (one common scale would flatten them below
    the solver's tie tolerance). A player indifferent everywhere gets all ones.
    """
    spread = float(M.max() - M.min())
    return (M - M.min()) / (spread if spread > 0 else 1.0) + 1.0


def vertex_enumeration(
    A: np.ndarray,
    B: np.ndarray,
    tol: float = 1e-9,
    max_work: int = MAX_WORK,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """All extreme Nash equilibria (x, y) of the bimatrix game (A, B).

    Raises `games.solvers.lex_search.TooMuchWork` if a polytope has more than max_work bases;
    progress(bases visited) is called as the search goes (games above EXHAUSTIVE_BASES;
    the Qhull path, tried only where max_work bounds its vertices in advance, reports its
    vertex count once).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    Ap, Bp = normalized(A), normalized(B)
    if n_bases(m, n) > EXHAUSTIVE_BASES:
        if m + n > MAX_STRATEGIES:
            raise ValueError(f"vertex enumeration: at most {MAX_STRATEGIES} strategies in all, got {m + n}")
        fast = _by_qhull(Ap, Bp, tol, max_work, progress)
        if fast is not None:
            return fast
        return _by_pivoting(Ap, Bp, tol, max_work, progress)
    Xv, Xl = _vertices(Bp.T, tol)  # P: x ≥ 0 labels 0..m-1, Bᵀx ≤ 1 labels m..m+n-1
    Yv, Yl = _vertices(Ap, tol)  # Q: y ≥ 0 labels (m+j), Ay ≤ 1 labels i
    # reorder Q's labels to the common numbering: first rows (Ay = 1), then columns (y = 0)
    Yl = np.hstack([Yl[:, n:], Yl[:, :n]])
    # each polytope's origin comes first and is completely labelled only with the other's
    i, j = np.nonzero(np.all(Xl[1:, None, :] | Yl[None, 1:, :], axis=2))
    return _normalized_pairs([Xv[i + 1]], [Yv[j + 1]])


# ---------------------------------------------------------------- larger games: pivoting
def _labelled(M: np.ndarray, V: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct vertices and their labels [z_i == 0] + [(M z)_j == 1], in `_vertices`' order.

    `_vertices` finds a vertex with k nonzero coordinates from k tight constraints, trying
    k = 1, 2, … and within k the tight sets, then the supports, in combination order.
    Sorting by (k, tight set, support) restores that order (exactly for non-degenerate
    vertices), so both ways list a game's equilibria alike and outputs do not depend on
    the game's size.
    """
    V = _unique_rows(V, tol)
    labels = np.hstack([V <= tol, np.abs(V @ M.T - 1) <= tol])
    d = V.shape[1]
    support, tight = ~labels[:, :d], labels[:, d:]
    big = d + M.shape[0]
    # index lists padded with `big`, so that a prefix sorts first, as a shorter tuple would
    tight_idx = np.where(tight, np.arange(tight.shape[1]), big)
    tight_idx.sort(axis=1)
    support_idx = np.where(support, np.arange(d), big)
    support_idx.sort(axis=1)
    keys = [support.sum(axis=1)] + list(tight_idx.T) + list(support_idx.T)
    order = np.lexsort(tuple(reversed(keys)))
    return V[order], labels[order]


def _partners(Xv: np.ndarray, Xl: np.ndarray, Ap: np.ndarray, tol: float) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Equilibria from P's vertices alone, when every vertex of P is non-degenerate.

    For a vertex x of P, a completely labelled partner y must make every row in x's
    support tight ((Ay)_i = 1) and vanish off x's best-response columns ((Bᵀx)_j = 1).
    When those two sets have equal size and the square system is nonsingular, y is unique
    (one linear solve), so Q need not be enumerated. The solves are batched by support
    size; vertices come sorted by support size, so pairs keep P's vertex order. Returns
    None — enumerate Q as well — if some vertex of P has more labels than its dimension
    (a degenerate game) or a singular system.
    """
    m = Xv.shape[1]
    nonzero = Xv.sum(axis=1) > tol
    Xv, Xl = Xv[nonzero], Xl[nonzero]
    support, tight = ~Xl[:, :m], Xl[:, m:]
    size = support.sum(axis=1)
    if np.any(size != tight.sum(axis=1)):
        return None
    out_x, out_y = [], []
    for s in np.unique(size):
        group = np.nonzero(size == s)[0]
        rows = np.nonzero(support[group])[1].reshape(len(group), s)
        cols = np.nonzero(tight[group])[1].reshape(len(group), s)
        sub = Ap[rows[:, :, None], cols[:, None, :]]
        if np.any(np.abs(np.linalg.det(sub)) <= 1e-12):
            return None
        y = np.zeros((len(group), Ap.shape[1]))
        np.put_along_axis(y, cols, np.linalg.solve(sub, np.ones((len(group), s, 1)))[..., 0], axis=1)
        ok = np.all(y >= -tol, axis=1) & np.all(y @ Ap.T <= 1 + tol, axis=1)
        out_x.append(Xv[group[ok]])
        out_y.append(np.clip(y[ok], 0.0, None))
    return _normalized_pairs(out_x, out_y)


def _normalized_pairs(xs: list[np.ndarray], ys: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    if not xs:
        return []
    X, Y = np.vstack(xs), np.vstack(ys)
    X = X / X.sum(axis=1, keepdims=True)
    Y = Y / Y.sum(axis=1, keepdims=True)
    return list(zip(X, Y))


def _bits(labels: np.ndarray) -> np.ndarray:
    """Label masks (V, k) as integers (bit i for label i)."""
    return labels.astype(np.int64) @ (np.int64(1) << np.arange(labels.shape[1], dtype=np.int64))


def _complete_pairs(Lx: np.ndarray, Ly: np.ndarray, m: int, n: int) -> np.ndarray:
    """(K, 2) index pairs (i, j) with Lx[i] | Ly[j] = every label, from bit masks.

    A pair whose labels are exactly complementary is found by sorted lookup; a pair with a
    shared label needs a vertex with more labels than its dimension (a degenerate one), so
    only those are checked against every vertex of the other polytope.
    """
    full = np.int64((1 << (m + n)) - 1)
    order = np.argsort(Ly, kind="stable")
    want = full ^ Lx
    pos = np.searchsorted(Ly[order], want)
    hit = (pos < len(Ly)) & (Ly[order][np.minimum(pos, len(Ly) - 1)] == want)
    pairs = [np.stack([np.nonzero(hit)[0], order[pos[hit]]], axis=1)]
    count = lambda L: sum(((L >> b) & 1) for b in range(m + n))  # noqa: E731
    deg_x = np.nonzero(count(Lx) > m)[0]
    deg_y = np.nonzero(count(Ly) > n)[0]
    for i in deg_x:
        j = np.nonzero((Lx[i] | Ly) == full)[0]
        pairs.append(np.stack([np.full(len(j), i), j], axis=1))
    for j in deg_y:
        i = np.nonzero((Lx | Ly[j]) == full)[0]
        pairs.append(np.stack([i, np.full(len(i), j)], axis=1))
    return np.unique(np.vstack(pairs).astype(np.intp), axis=0)


def _by_qhull(
    Ap: np.ndarray, Bp: np.ndarray, tol: float, max_work: int, progress: Callable[[int], None] | None
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """The equilibria from P's vertices listed by Qhull, or None (pivot instead) unless that
    list is proven complete and P simple (`games.solvers.qhull_vertices`).

    Tried once loading SciPy's spatial package is worth it (`_qhull_worth_loading`), and
    only where the upper bound theorem caps P's vertices at both max_work and
    qhull_vertices.MAX_VERTICES, so Qhull's work (which cannot be interrupted) stays within
    the caller's limit; progress is told the vertex count once, when Qhull returns. Each
    vertex's partner in Q is solved for directly in the same batch (as `_partners` does),
    and the equilibria are listed in the pivoting path's order, so the answer is the one
    pivoting gives.
    """
    m, n = Ap.shape
    if not _qhull_worth_loading(m + n):
        return None
    from games.solvers import qhull_vertices

    if qhull_vertices.max_vertices(m, m + n) > min(max_work, qhull_vertices.MAX_VERTICES):
        return None
    found = qhull_vertices.simple_vertices(Bp.T, Ap)
    if found is None:
        return None
    X, tight, Y = found
    if progress is not None:
        progress(len(X))
    # a pair is an equilibrium when the partner lies in Q; the origin's partner is zero
    ok = (X.sum(axis=1) > tol) & np.all(Y >= -tol, axis=1) & np.all(Y @ Ap.T <= 1 + tol, axis=1)
    # `_labelled`'s order: by the number of best-response columns k, then those columns,
    # then the support (for a simple vertex, the last k and the complement of the first
    # m - k of its tight constraints)
    idx = np.nonzero(ok)[0]
    if len(idx) == 0:
        return []
    labels = tight[idx]
    k = (labels >= m).sum(axis=1)
    big = m + Ap.shape[1]
    columns = np.where(labels >= m, labels - m, big)
    columns.sort(axis=1)
    zero = np.zeros((len(idx), m + 1), dtype=bool)  # column m: a sink for column labels
    np.put_along_axis(zero, np.minimum(labels, m), True, axis=1)
    rows = np.where(zero[:, :m], big, np.arange(m))
    rows.sort(axis=1)
    order = np.lexsort(tuple(reversed([k] + list(columns.T) + list(rows.T))))
    return _normalized_pairs([X[idx[order]]], [np.clip(Y[idx[order]], 0.0, None)])


#: Bases pivoted in this process by games beyond EXHAUSTIVE_BASES (see `_qhull_worth_loading`).
_pivoted_bases = 0


def _qhull_worth_loading(strategies: int) -> bool:
    """Whether the Qhull path may be tried: SciPy's spatial package is already loaded (by
    an earlier game, or by anything else — pygambit, nashpy and QuantEcon load it), or the
    game has QHULL_COLD_STRATEGIES strategies or more, or this process has already pivoted
    QHULL_AFTER_BASES bases. So a single mid-size game (7×7 to 13×13) or a sweep of small
    graded games in a fresh process does not pay 0.1–0.25 s and 35 MB of import to save
    less, while a script solving many large games pays it once, after the first few.
    Either path gives the same equilibria in the same order."""
    return (
        "scipy.spatial" in sys.modules
        or strategies >= QHULL_COLD_STRATEGIES
        or _pivoted_bases >= QHULL_AFTER_BASES
    )


def _by_pivoting(
    Ap: np.ndarray, Bp: np.ndarray, tol: float, max_work: int, progress: Callable[[int], None] | None
) -> list[tuple[np.ndarray, np.ndarray]]:
    from games.solvers.lex_search import lex_vertices

    m, n = Ap.shape
    global _pivoted_bases
    bases = lex_vertices(Bp.T, max_work, progress)
    _pivoted_bases += len(bases)
    Xv, Xl = _labelled(Bp.T, bases, tol)
    fast = _partners(Xv, Xl, Ap, tol)
    if fast is not None:
        return fast
    bases = lex_vertices(Ap, max_work, progress)
    _pivoted_bases += len(bases)
    Yv, Yl = _labelled(Ap, bases, tol)
    Yl = np.hstack([Yl[:, n:], Yl[:, :n]])  # common numbering: rows (Ay = 1), then columns (y = 0)
    pairs = _complete_pairs(_bits(Xl), _bits(Yl), m, n)
    keep = (Xv[pairs[:, 0]].sum(axis=1) > tol) & (Yv[pairs[:, 1]].sum(axis=1) > tol)
    pairs = pairs[keep]
    return _normalized_pairs([Xv[pairs[:, 0]]], [Yv[pairs[:, 1]]]) if len(pairs) else []
