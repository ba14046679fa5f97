"""Vertices of a simple polytope {z ≥ 0 : M z ≤ 1} from Qhull, accepted only with a proof.

Why: on random (non-degenerate) games, SciPy's Qhull lists a best-response polytope's
vertices faster than lexicographic pivoting (`games.solvers.lex_search`). Qhull works in
floating point and may merge or drop facets of a degenerate input, so its answer is used
only when it comes with a certificate checked here, independently of Qhull.

The construction (polarity). The polytope P = {z ≥ 0 : M z ≤ 1}, M positive, has the
point c = t·(1, …, 1) with t = 1 / (1 + the largest row sum of M) in its interior: every
constraint has slack at least t there. Moved to c, P reads {u : a_k · u ≤ 1} with one
vector a_k per constraint (−e_i / t for z_i ≥ 0; row j of M divided by its slack at c for
(M z)_j ≤ 1). The polar of P is the convex hull of the a_k, and each facet of that hull
is one vertex of P: the points on the facet are the constraints tight at the vertex. So
Qhull's facets name candidate vertices by their tight constraints (their labels).

The certificate. For each facet the vertex is solved again from its d tight constraints
(a k×k system on its support), and every other constraint must have slack above MARGIN
(and above a bound on the solve's rounding error). Then each candidate is a vertex of P
with exactly d tight, independent constraints: a simple vertex, whose d edges each drop
one label and end at the one other vertex holding the remaining d − 1. The candidates'
label sets must be distinct, and for each candidate and each of its labels, the facet
Qhull names as the neighbour across that label must be another candidate holding the
other d − 1 labels — the far end of that edge, checked on the labels. A nonempty set of
vertices closed under moving along edges is every vertex of P, because a polytope's graph
is connected (Balinski). Anything else — a Qhull error, a tie, a slack in the ambiguous
band, a missing neighbour — returns None, and the caller pivots exactly instead.

Plain arrays in, plain arrays out.
"""

from __future__ import annotations

from math import comb

import numpy as np

#: Smallest slack a constraint that is not tight may have in an accepted answer.
MARGIN = 1e-7
#: Largest number of vertices the polytope may have (by the upper bound theorem) for Qhull
#: to be tried: bounds Qhull's time and memory, which cannot be interrupted. 14×14 games
#: have at most 155,040 (random ones about 20,000: 0.2 s, about 100 MB at peak); 15×15
#: up to 341,088, so they pivot.
MAX_VERTICES = 250_000
#: Largest condition number of a partner's system (`simple_vertices`) counted as regular.
PARTNER_CONDITION = 1e12
#: Largest number of constraints together with dimensions (labels kept as int64 bits).
MAX_LABELS = 62


def max_vertices(d: int, facets: int) -> int:
    """The most vertices a d-dimensional polytope with `facets` facets can have
    (McMullen's upper bound theorem: the dual cyclic polytope's count)."""
    if facets <= d:
        return 1 if facets == d else 0
    return comb(facets - (d + 1) // 2, d // 2) + comb(facets - d // 2 - 1, (d + 1) // 2 - 1)


def simple_vertices(
    M: np.ndarray, N: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """Every vertex of {z ≥ 0 : M z ≤ 1} (M (rows, d), entries positive), origin included,
    when the polytope is proven simple and the list complete; None otherwise.

    Returns (Z, tight, W): Z (V, d) the vertices, by support size, then in Qhull's facet
    order; tight (V, d) each
    vertex's tight constraints in ascending order — i < d for z_i = 0, d + j for row j —
    every other constraint having slack above MARGIN; and, when N (d, rows) is given, W
    (V, rows) each vertex's partner: zero off the vertex's tight rows T, with
    (N w)_i = 1 on its support S (the one point of the other best-response polytope that
    could complete the vertex's labels), solved in the same batch. None as well if a
    partner's system is singular (condition number above PARTNER_CONDITION). W is None
    without N.
    """
    M = np.asarray(M, dtype=float)
    rows, d = M.shape
    if d < 2 or rows + d > MAX_LABELS or not np.all(M > 0) or _tied_pure_vertex(M):
        return None
    hull = _hull(M)
    if hull is None:
        return None
    simplices, neighbors = hull
    if len(simplices) <= d or not _closed_under_edges(simplices, neighbors):
        return None
    tight = np.sort(simplices, axis=1)
    tight = tight[np.argsort((tight >= d).sum(axis=1), kind="stable")]
    solved = _solve_vertices(M, tight, N)
    if solved is None:
        return None
    return solved[0], tight, solved[1]


def _tied_pure_vertex(M: np.ndarray) -> bool:
    """True when a vertex on a coordinate axis is degenerate: the vertex e_i / max_j M_ji
    has every row attaining that maximum tight, so a tie (common in integer games) makes P
    degenerate without asking Qhull."""
    if M.shape[0] < 2:
        return False
    top = np.sort(M, axis=0)
    return bool(np.any(top[-1] - top[-2] <= MARGIN * top[-1]))


def _hull(M: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Qhull's facets of the polar, as (simplices, neighbors): the constraints on each facet
    (i < d: z_i ≥ 0, d + j: row j) and, opposite each, the neighbouring facet. None on a
    Qhull error or a point Qhull set aside as coplanar (a degenerate polytope)."""
    from scipy.spatial import ConvexHull

    rows, d = M.shape
    t = 1.0 / (1.0 + M.sum(axis=1).max())
    points = np.vstack([-np.eye(d) / t, M / (1.0 - t * M.sum(axis=1))[:, None]])
    try:
        hull = ConvexHull(points)
    except (RuntimeError, ValueError):  # QhullError (precision, flat input) is a RuntimeError
        return None
    if len(hull.coplanar):
        return None
    return hull.simplices, hull.neighbors


def _closed_under_edges(simplices: np.ndarray, neighbors: np.ndarray) -> bool:
    """True when the candidates have distinct label sets and each one's neighbour across
    each label l holds every other label of it and is another candidate: the candidate at
    the other end of that edge. Checked on the labels alone; Qhull's neighbour lists only
    say where to look."""
    if np.any(neighbors < 0):
        return False
    bits = np.int64(1) << simplices.astype(np.int64)  # (F, d)
    masks = bits.sum(axis=1)
    if len(np.unique(masks)) != len(masks):
        return False
    ridge = masks[:, None] - bits
    other = masks[neighbors]
    return bool(np.all(((other & ridge) == ridge) & (other != masks[:, None])))


def _solve_vertices(
    M: np.ndarray, tight: np.ndarray, N: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Each candidate solved from its tight constraints (and its partner, given N), or None
    unless every one is a vertex of P with all other slacks clearly positive.

    ``tight`` must come sorted by its number k of tight rows (then each k is one slice). A
    candidate with k tight rows T (the last k of its ascending constraints) is zero off a
    support S of k coordinates and has z_S = M[T, S]⁻¹ · 1: the column sums of the inverse
    of M[T, S]ᵀ, which is gathered, with N[S, T], in one batch per k and inverted in one
    call. The rounding error of z is taken as κ·k·ε·max|z| (κ the ∞-norm condition
    number, bounded above by M's largest row sum times √k times the inverse's Frobenius
    norm) and of a slack as the constraint's 1-norm times that; tight slacks must be
    within, and every other slack above, the larger of MARGIN and ten such bounds.
    """
    rows, d = M.shape
    F = len(tight)
    k_of = (tight >= d).sum(axis=1)
    if np.any(np.diff(k_of) < 0):
        raise ValueError("_solve_vertices: candidates must come sorted by their number of tight rows")
    layers = M.T[None] if N is None else np.stack([M.T, np.asarray(N, dtype=float)])  # (layers, d, rows)
    Z = np.zeros((F, d))
    W = None if N is None else np.zeros((F, rows))
    m_norm = M.sum(axis=1).max()  # ‖M[T, S]‖∞ ≤ ‖M‖∞ (entries positive)
    n_norm = 0.0 if N is None else np.abs(N).sum(axis=1).max()
    row_norm = np.abs(M).sum(axis=1)
    bounds = np.searchsorted(k_of, np.arange(d + 2))
    for k in range(1, d + 1):  # k = 0: the origin (and its partner, zero)
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            continue
        G = hi - lo
        labels = tight[lo:hi]
        zero = np.zeros((G, d), dtype=bool)
        np.put_along_axis(zero, labels[:, : d - k], True, axis=1)
        S = np.nonzero(~zero)[1].reshape(G, k)
        T = labels[:, d - k :] - d
        sub = layers[:, S[:, :, None], T[:, None, :]]  # (layers, G, k, k)
        try:
            inverse = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            return None
        inv_norm = np.sqrt(k * np.einsum("lgij,lgij->lg", inverse, inverse))
        values = inverse[0].sum(axis=1)
        error = m_norm * inv_norm[0] * k * np.finfo(float).eps * np.abs(values).max(axis=1)
        if not np.all(np.isfinite(error)):
            return None
        floor = np.maximum(MARGIN, 10.0 * error)[:, None]
        if not np.all(values > floor):  # the support's coordinates: clearly positive
            return None
        z = Z[lo:hi]
        np.put_along_axis(z, S, values, axis=1)
        slack = 1.0 - z @ M.T  # (G, rows)
        is_tight = np.zeros((G, rows), dtype=bool)
        np.put_along_axis(is_tight, T, True, axis=1)
        bound = np.maximum(MARGIN, 10.0 * error[:, None] * row_norm[None, :])
        if np.any(np.where(is_tight, np.abs(slack) > bound, slack <= bound)):
            return None
        if W is not None:
            if not np.all(n_norm * inv_norm[1] <= PARTNER_CONDITION):
                return None
            np.put_along_axis(W[lo:hi], T, inverse[1].sum(axis=2), axis=1)
    return Z, W
