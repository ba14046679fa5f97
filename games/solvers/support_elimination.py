"""Closed forms for the indifference systems of support profiles where at most three
players mix, or four with two strategies each: elimination down to one polynomial in one
unknown.

In a support profile, player i's indifference equations do not depend on its own
mixture and are affine in each other player's (the payoffs are multilinear). So:

* **one player mixes**: its equations are constants. Nonzero: no equilibrium with that
  support. Zero: a continuum (left to the box search, which represents it).
* **two players mix** (i and j): i's equations are linear in j's unknowns and j's in i's
  — the two-player case. Square (|Sᵢ| = |Sⱼ|): one linear solve each. Not square: the
  side with more equations than unknowns is inconsistent unless its augmented matrix
  loses rank (then it is left to the box search).
* **three players mix**, one of them (c) with two strategies, r its unknown:
  - the other two (a, b) with as many strategies as each other: a's equations are linear
    in b's unknowns with coefficients affine in r, so xᵦ = −adj(Aₐ(r)) bₐ(r) / det Aₐ(r),
    and likewise xₐ; substituted into c's single equation (bilinear in xₐ, xᵦ) and
    multiplied by both determinants, it is one polynomial P(r) of degree 2(|Sₐ| − 1)
    (2 for 2×2×2 supports, 4 for 3×3×2).
  - a with three strategies, b and c with two (q, r): a's two equations are each
    α(r) + β(r) q = 0, so they agree only where α₁β₂ − α₂β₁ = 0 (a quadratic in r); then
    q, and xₐ from b's and c's equations (linear in xₐ).

* **three players mix over three strategies each** (3×3×3 full support), or **four
  two-strategy players mix**: two unknowns (s, t) are hidden — c's two, or d's and c's.
  The pair a, b is eliminated as above, for each value of s, leaving two polynomials
  F(s, t), G(s, t) in t (c's two equations; or c's and d's). They share a root t exactly
  where their Sylvester resultant R(s) vanishes, a polynomial of degree ≤ 16 (resp. 13)
  in s, interpolated at Chebyshev points and solved by its colleague matrix; at each real
  root s the common roots t follow, then the rest by back-substitution. Two hidden
  unknowns meet isolated points where a's (or b's) equations are singular and consistent
  ((N, D) = 0: F and G vanish together there although no solution need exist); there the
  free side's unknowns are solved by least squares from its own and the closing
  equations, and dropped unless the residual is negligible. These candidates are
  polished by one Newton step on the whole system (`polish`: resultant roots are good to
  about 1e-10) before verification.

Every real solution of the system is a root of P: where a denominator vanishes at a
solution, consistency forces its numerator to vanish too (adj(A)·b = adj(A)·A·y =
det(A)·y), so P vanishes there as well. The elimination is therefore complete whenever
P is not identically zero. The roots are the eigenvalues of P's companion matrix
(balanced), polished by Newton's method on P; back-substitution gives the other
unknowns. A profile is handed back to the verified box search
(`games.solvers.polynomial_enumeration`) whenever this could be unreliable: P (nearly)
identically zero, two roots within 1e-5 of each other (a multiple root, or a real pair
that rounding could turn complex), a denominator or a pivot (nearly) zero at a root, a
linear system (nearly) singular, a constant equation (nearly) zero. Degenerate games land
there; generic ones almost never do.

All coefficients are in each player's payoffs shifted to their midpoint and divided by
half their spread (as in the box search), so the thresholds are relative.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

#: A constant equation, P's coefficients or a determinant below this (payoff-scaled) is
#: treated as zero: the profile goes to the box search.
ZERO = 1e-9
#: Roots closer than this to each other (in the complex plane) are treated as multiple.
CLUSTER = 1e-5
#: Roots with imaginary part below this are real.
REAL = 1e-7
#: Roots this far outside [0, 1] are still kept (verification decides).
SLACK = 1e-6


@functools.lru_cache(maxsize=16)
def subset_tables(k: int):
    """For a player with k strategies: its nonempty subsets (smaller first, as
    `itertools.combinations`), and for each the change of basis of its mixtures.

    basis[l, t, c]: column 0 is the first strategy of subset l, column c ≥ 1 the c-th
    strategy minus the first (a mixture is column 0 plus Σ x_c column c). rows[l, a, t]:
    the a-th strategy after the first minus the first (player's a-th indifference)."""
    subsets = [s for size in range(1, k + 1) for s in itertools.combinations(range(k), size)]
    L = len(subsets)
    basis = np.zeros((L, k, k))
    rows = np.zeros((L, k, k))
    inside = np.zeros((L, k), dtype=bool)
    for l, s in enumerate(subsets):
        basis[l, s[0], 0] = 1.0
        for a, t in enumerate(s[1:]):
            basis[l, t, a + 1] = 1.0
            basis[l, s[0], a + 1] = -1.0
            rows[l, a, t] = 1.0
            rows[l, a, s[0]] = -1.0
        inside[l, list(s)] = True
    sizes = np.array([len(s) for s in subsets])
    return tuple(subsets), basis, rows, inside, sizes


def scaled_payoffs(game) -> list[np.ndarray]:
    """Each player's payoffs shifted to their midpoint and divided by half their spread."""
    out = []
    for u in game.payoffs:
        u = np.asarray(u, dtype=float)
        lo, hi = float(u.min()), float(u.max())
        scale = (hi - lo) / 2
        out.append((u - (hi + lo) / 2) / (scale if scale > 0 else 1.0))
    return out


def coefficients(U: list[np.ndarray], P: np.ndarray) -> list[np.ndarray]:
    """The multilinear coefficients of every player's indifference equations, for each
    support profile (rows of P: each player's subset index).

    C[i][s, ...] has one axis per player: on axis i the equation (a-th strategy after the
    first minus the first; rows past |Sᵢ| − 1 are zero), on axis j ≠ i the monomial in
    player j's unknowns (0: constant; c ≥ 1: coefficient of x_{j,c}; past |Sⱼ| − 1 zero).
    A player playing one strategy contributes only index 0."""
    N = len(U)
    shape = U[0].shape
    tables = [subset_tables(k) for k in shape]
    strategy, term = "abcdefghij"[:N], "ABCDEFGHIJ"[:N]
    out = []
    for i in range(N):
        # one axis at a time (two-operand contractions: NumPy's fast path): the payoffs
        # with i's rows on axis i and every other player's basis on its axis
        T = U[i][None]
        now = strategy
        for j in range(N):
            new = now[:j] + term[j] + now[j + 1 :]
            if j == i:
                T = np.einsum(f"s{now},s{term[j]}{strategy[j]}->s{new}", T, tables[j][2][P[:, j]])
            else:
                T = np.einsum(f"s{now},s{strategy[j]}{term[j]}->s{new}", T, tables[j][1][P[:, j]])
            now = new
        out.append(T)
    return out


def _block(C: np.ndarray, own: int, eqs: int, axes: list[tuple[int, int]]) -> np.ndarray:
    """The part of C (one player's coefficients, S × players) with ``eqs`` equations on axis
    ``own`` and the given (player, number of monomials) axes, in that order, every other
    axis at its constant term: S × eqs × monomials..."""
    index = [slice(None)] + [0] * (C.ndim - 1)
    index[own + 1] = slice(0, eqs)
    for j, k in axes:
        index[j + 1] = slice(0, k)
    B = C[tuple(index)]  # the kept axes in player order
    kept = sorted([own] + [j for j, _ in axes])
    want = [own] + [j for j, _ in axes]
    return np.transpose(B, [0] + [1 + kept.index(p) for p in want])


# ------------------------------------------------------------------ polynomials (ascending)
def _pmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Products of polynomials stored with ascending coefficients on the last axis."""
    prod = a[..., :, None] * b[..., None, :]  # every coefficient times every other
    la, lb = a.shape[-1], b.shape[-1]
    out = np.zeros(prod.shape[:-2] + (la + lb - 1,))
    for i in range(la):
        out[..., i : i + lb] += prod[..., i, :]
    return out


def _padd(*polys: np.ndarray) -> np.ndarray:
    size = max(p.shape[-1] for p in polys)
    shape = np.broadcast_shapes(*(p.shape[:-1] for p in polys)) + (size,)
    out = np.zeros(shape)
    for p in polys:
        out[..., : p.shape[-1]] += p
    return out


def _peval(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Horner on the last axis of p at x (p's leading dims broadcast with x)."""
    out = p[..., -1] + np.zeros_like(x)
    for k in range(p.shape[-1] - 2, -1, -1):
        out = out * x + p[..., k]
    return out


def _det_adj(A: np.ndarray):
    """Determinant and adjugate of m × m matrices of polynomials (m ≤ 2): A is S × m × m × d."""
    m = A.shape[1]
    if m == 1:
        one = np.zeros(A.shape[:1] + (1, 1, 1))
        one[..., 0] = 1.0
        return A[:, 0, 0], one
    if m != 2:
        raise ValueError("only 1×1 and 2×2 blocks")
    det = _padd(_pmul(A[:, 0, 0], A[:, 1, 1]), -_pmul(A[:, 0, 1], A[:, 1, 0]))
    adj = np.stack([np.stack([A[:, 1, 1], -A[:, 0, 1]], axis=1), np.stack([-A[:, 1, 0], A[:, 0, 0]], axis=1)], axis=1)
    return det, adj


def real_roots(P: np.ndarray):
    """Real roots near [0, 1] of each polynomial (rows of P, ascending coefficients): a
    list of (row, root), and the rows where this is unreliable (P nearly zero, a multiple
    or nearly multiple root near the interval)."""
    P = np.asarray(P, dtype=float)
    L = P.shape[1]
    absP = np.abs(P)
    scale = absP.max(axis=1)
    if L == 3 and (absP[:, 2] > 1e-13 * scale).all() and (scale > ZERO).all():
        return _quadratic_roots(P)
    unsure = set(np.flatnonzero(scale <= ZERO).tolist())
    big = absP > 1e-13 * scale[:, None]
    if big[:, -1].all():
        degree = np.full(len(P), L - 1)
    else:
        degree = np.where(big.any(axis=1), L - 1 - np.argmax(big[:, ::-1], axis=1), 0)
    found = []
    for d in sorted(set(degree.tolist()) - {0}):
        rows = np.flatnonzero((degree == d) & (scale > ZERO))
        if not len(rows):
            continue
        c = P[rows, : d + 1] / P[rows, d : d + 1]  # monic
        if d == 1:
            z = -c[:, :1].astype(complex)
        elif d == 2:  # the quadratic formula, in its stable form
            half = c[:, 1] / 2
            disc = (half * half - c[:, 0]).astype(complex)
            q = -(half + np.where(half >= 0, 1.0, -1.0) * np.sqrt(disc))
            with np.errstate(all="ignore"):
                other = np.where(q != 0, c[:, 0] / np.where(q != 0, q, 1.0), 0.0)
            z = np.stack([q, other], axis=1)
        else:
            comp = np.zeros((len(rows), d, d))
            comp[:, 0, :] = -c[:, d - 1 :: -1][:, :d]
            comp[:, np.arange(1, d), np.arange(d - 1)] = 1.0
            z = np.linalg.eigvals(comp)
        near = (z.real > -0.01) & (z.real < 1.01)
        if d > 1:
            gap = np.abs(z[:, :, None] - z[:, None, :]) + np.eye(d) * 1e9
            close = (gap < CLUSTER).any(axis=2) & near
            if close.any():
                unsure.update(rows[close.any(axis=1)].tolist())
        real = near & (np.abs(z.imag) <= REAL * (1 + np.abs(z.real)))
        if not real.any():
            continue
        k, col = np.nonzero(real)
        x = z.real[k, col]
        if d > 2:  # Newton on P (the eigenvalues are accurate to rounding already)
            p = P[rows[k]]
            dp = p[:, 1:] * np.arange(1, L)
            for _ in range(3):
                f, g = _peval(p, x), _peval(dp, x)
                with np.errstate(all="ignore"):
                    step = np.where(g != 0, f / g, 0.0)
                x = x - np.where(np.abs(step) < 1e-6, step, 0.0)
        keep = (x >= -SLACK) & (x <= 1 + SLACK)
        found += [(a, b) for a, b in zip(rows[k[keep]].tolist(), x[keep].tolist()) if a not in unsure]
    return found, unsure


def _quadratic_roots(P: np.ndarray):
    """`real_roots` for quadratics with a leading coefficient that does not vanish: the
    same decisions (roots within CLUSTER of each other near [0, 1] make the row unsure;
    an imaginary part up to REAL·(1 + |real part|) is rounding) in real arithmetic."""
    b = P[:, 1] / P[:, 2] / 2  # x² + 2b·x + c: roots −b ± √(b² − c)
    c = P[:, 0] / P[:, 2]
    disc = b * b - c
    root = np.sqrt(np.abs(disc))
    # the larger root in magnitude first, the other from the product of the roots (stable)
    big = -(b + np.where(b >= 0, root, -root))
    with np.errstate(all="ignore"):
        small = np.where(big != 0, c / np.where(big != 0, big, 1.0), 0.0)
    centre = -b
    near_pair = (centre > -0.01 - root) & (centre < 1.01 + root)
    # distance between the two roots: 2·√|disc| (complex pair or real pair alike)
    unsure_rows = np.flatnonzero((2 * root < CLUSTER) & near_pair)
    unsure = set(unsure_rows.tolist())
    real = (disc >= 0) | (root <= REAL * (1 + np.abs(centre)))
    x = np.stack([np.where(disc >= 0, big, centre), np.where(disc >= 0, small, centre)], axis=1)
    keep = real[:, None] & (x >= -SLACK) & (x <= 1 + SLACK)
    k, col = np.nonzero(keep)
    found = [(a, v) for a, v in zip(k.tolist(), x[k, col].tolist()) if a not in unsure]
    return found, unsure


@dataclass
class Solved:
    """Candidate points (support profile, each mixing player's unknowns) and the profiles
    handed back to the box search."""

    points: list  # (profile row, {player: unknowns as a 1-d array}, whether to polish by Newton)
    fallback: set


def solve_profiles(C: list[np.ndarray], m: np.ndarray, rows: np.ndarray) -> Solved:
    """Every solution of the indifference systems of the given support profiles (rows of
    m, each player's number of unknowns |Sᵢ| − 1), or a hand-back to the box search.
    Profiles with five or more mixing players, or a pattern not covered (four mixing with
    a support of three strategies, three with one of four), are handed back."""
    points, fallback = [], set()
    mixing = m[rows] > 0
    count = mixing.sum(axis=1)
    for n_mix, handler in ((1, _one), (2, _two), (3, _three), (4, _four)):
        sel = rows[count == n_mix]
        if len(sel):
            p, f = handler(C, m, sel)
            points += p
            fallback |= f
    fallback |= set(rows[count > 4].tolist())
    return Solved(points, fallback)


def _groups(m: np.ndarray, sel: np.ndarray):
    """The profiles of sel grouped by who mixes and how much: (players, unknowns) → rows.
    (A dictionary over the rows: a few dozen at most, where np.unique's sort costs more.)"""
    out: dict = {}
    for s, kind in zip(sel.tolist(), m[sel].tolist()):
        who = tuple(j for j, v in enumerate(kind) if v)
        out.setdefault((who, tuple(kind[j] for j in who)), []).append(s)
    return {k: np.array(v, dtype=np.intp) for k, v in out.items()}


def _one(C, m, sel):
    """One player mixes: its equations are constants."""
    fallback = set()
    for (who, ms), rows in _groups(m, sel).items():
        i, k = who[0], ms[0]
        const = _block(C[i][rows], i, k, [])  # S × k
        zero = np.abs(const).max(axis=1) <= ZERO
        fallback |= set(rows[zero].tolist())
    return [], fallback


def _two(C, m, sel):
    """Two players mix: each one's equations are linear in the other's unknowns. Profiles
    of the same sizes are solved together whoever the two players are."""
    points, fallback = [], set()
    square: dict = {}  # unknowns each → (rows, i, j, Aᵢ, Aⱼ) of every group
    for (who, ms), rows in _groups(m, sel).items():
        (i, j), (mi, mj) = who, ms
        Ai = _block(C[i][rows], i, mi, [(j, mj + 1)])  # S × mᵢ × (1 + mⱼ): [constant | x_j]
        Aj = _block(C[j][rows], j, mj, [(i, mi + 1)])
        if mi != mj:
            # the side with more equations than unknowns: inconsistent unless [A | b] loses rank
            A = Ai if mi > mj else Aj
            s = np.linalg.svd(A, compute_uv=False)
            lost = s[:, -1] <= ZERO * np.maximum(1.0, s[:, 0])
            fallback |= set(rows[lost].tolist())
            continue
        square.setdefault(mi, []).append((rows, i, j, Ai, Aj))
    for k, parts in square.items():
        rows = np.concatenate([p[0] for p in parts])
        who = [(i, j) for r, i, j, _, _ in parts for _ in r]
        xs = []
        ok = np.ones(len(rows), dtype=bool)
        for A in (np.concatenate([p[3] for p in parts]), np.concatenate([p[4] for p in parts])):
            x, good = _solve_small(A[:, :, 1:], -A[:, :, 0])
            ok &= good
            xs.append(x)
        fallback |= set(rows[~ok].tolist())
        for r in np.flatnonzero(ok):
            i, j = who[r]
            points.append((int(rows[r]), {j: xs[0][r], i: xs[1][r]}, False))
    return points, fallback


def _solve_small(M: np.ndarray, rhs: np.ndarray):
    """x with M x = rhs for a batch of square systems, and which are well posed
    (determinant above ZERO relative to the entries); 1×1 and 2×2 by Cramer's rule."""
    k = M.shape[1]
    norm = np.maximum(np.abs(M).max(axis=(1, 2)), 1e-300)
    if k == 1:
        det = M[:, 0, 0]
    elif k == 2:
        det = M[:, 0, 0] * M[:, 1, 1] - M[:, 0, 1] * M[:, 1, 0]
    else:
        with np.errstate(all="ignore"):
            det = np.linalg.det(M)
    good = np.isfinite(det) & (np.abs(det) > ZERO * norm**k)
    safe = np.where(good, det, 1.0)
    if k == 1:
        x = rhs / safe[:, None]
    elif k == 2:
        x = np.stack([rhs[:, 0] * M[:, 1, 1] - rhs[:, 1] * M[:, 0, 1],
                      M[:, 0, 0] * rhs[:, 1] - M[:, 1, 0] * rhs[:, 0]], axis=1) / safe[:, None]
    else:
        x = np.zeros_like(rhs)
        if good.any():
            x[good] = np.linalg.solve(M[good], rhs[good][:, :, None])[:, :, 0]
    x[~good] = 0.0
    return x, good


def _three(C, m, sel):
    """Three players mix: one polynomial in the unknown of a two-strategy player."""
    points, fallback = [], set()
    pairs: dict = {}  # k → [(rows, a, b, c)]: solved together
    ones = []  # (rows, a, b, c) with a's two unknowns, b's and c's one: solved together
    for (who, ms), rows in _groups(m, sel).items():
        if sorted(ms) in ([1, 1, 1], [1, 2, 2]):
            c = who[ms.index(1)] if ms.count(1) == 1 else who[2]
            a, b = [p for p in who if p != c]
            pairs.setdefault(int(m[rows[0], a]), []).append((rows, a, b, c))
            continue
        if ms == (2, 2, 2):
            p, f = _full_three(C, rows, *who)
        elif sorted(ms) == [1, 1, 2]:
            a = who[ms.index(2)]
            b, c = [p for p in who if p != a]
            ones.append((rows, a, b, c))
            continue
        else:
            p, f = [], set(rows.tolist())
        points += p
        fallback |= f
    for k, groups in pairs.items():
        p, f = _square_pair(C, groups, k)
        points += p
        fallback |= f
    if ones:
        p, f = _one_two_two(C, ones)
        points += p
        fallback |= f
    return points, fallback


def _pair_polynomials(Ea: np.ndarray, Eb: np.ndarray, closers: np.ndarray):
    """Players a and b with k unknowns each, their equations' coefficients polynomials in
    one hidden unknown (Ea: B × k equations × (1 + k) monomials of b × degree, Eb likewise
    in a's): a's equations are Aₐ xᵦ + bₐ = 0, so xᵦ = Nᵦ / Dᵦ with Nᵦ = −adj(Aₐ) bₐ and
    Dᵦ = det Aₐ, and likewise xₐ = Nₐ / Dₐ. Each closing equation (closers: B × e ×
    (1 + k) × (1 + k) × degree, bilinear in xₐ and xᵦ) times Dₐ Dᵦ is a polynomial in the
    hidden unknown: returns those (B × e × degree) and (Nₐ, Dₐ, Nᵦ, Dᵦ)."""
    Db, adj_a = _det_adj(Ea[:, :, 1:, :])
    Nb = -_pmul(adj_a, Ea[:, None, :, 0, :]).sum(axis=2)  # B × k × degree
    Da, adj_b = _det_adj(Eb[:, :, 1:, :])
    Na = -_pmul(adj_b, Eb[:, None, :, 0, :]).sum(axis=2)
    # Ña = (Dₐ, Nₐ): the closing equation's monomials in xₐ times Dₐ; likewise Ñᵦ
    ta = np.concatenate([Da[:, None, :], Na], axis=1)  # B × (1 + k) × degree
    tb = np.concatenate([Db[:, None, :], Nb], axis=1)
    left = _pmul(closers, ta[:, None, :, None, :]).sum(axis=2)  # B × e × (1 + k) (v) × degree
    P = _pmul(left, tb[:, None, :, :]).sum(axis=2)  # B × e × degree
    return P, (Na, Da, Nb, Db)


def _back_substitute(parts, idx: np.ndarray, r: np.ndarray, size_a: np.ndarray, size_b: np.ndarray):
    """xₐ and xᵦ at the hidden unknown's values r (one per row idx of the parts), and
    where that fails: masks of the rows where (Nₐ, Dₐ), resp. (Nᵦ, Dᵦ), vanish (a's,
    resp. b's, equations singular and consistent there: xᵦ, resp. xₐ, is not determined
    by them). A nearly zero denominator with a numerator that is not gives a point far
    outside the simplex, dropped later by the range check."""
    Na, Da, Nb, Db = parts
    da, db = _peval(Da[idx], r), _peval(Db[idx], r)
    na, nb = _peval(Na[idx], r[:, None]), _peval(Nb[idx], r[:, None])
    lost_a = (np.abs(da) <= 1e-6 * size_a) & (np.abs(na).max(axis=1) <= 1e-6 * size_a)
    lost_b = (np.abs(db) <= 1e-6 * size_b) & (np.abs(nb).max(axis=1) <= 1e-6 * size_b)
    with np.errstate(all="ignore"):
        xa, xb = na / da[:, None], nb / db[:, None]
    bad = ~(np.isfinite(xa).all(axis=1) & np.isfinite(xb).all(axis=1))
    xa[bad], xb[bad] = 1e9, 1e9
    return xa, xb, lost_a, lost_b


def _square_pair(C, groups, k):
    """Players a and b with k unknowns each, c with one (r): P(r) of degree 2k. groups:
    (rows, a, b, c) for each choice of the three players, solved together."""
    Ea = np.concatenate([_block(C[a][rows], a, k, [(b, k + 1), (c, 2)]) for rows, a, b, c in groups])
    Eb = np.concatenate([_block(C[b][rows], b, k, [(a, k + 1), (c, 2)]) for rows, a, b, c in groups])
    Ec = np.concatenate([_block(C[c][rows], c, 1, [(a, k + 1), (b, k + 1)]) for rows, a, b, c in groups])
    rows = np.concatenate([g[0] for g in groups])
    who = [g[1:] for g in groups for _ in g[0]]
    # Ea: S × k × (1 + k) × 2 (ascending in r); Ec: S × 1 × (1 + k) × (1 + k)
    P, parts = _pair_polynomials(Ea, Eb, Ec[..., None])
    found, fallback = real_roots(P[:, 0])
    fallback = {int(rows[s]) for s in fallback}
    if not found:
        return [], fallback
    idx = np.array([s for s, _ in found])
    r = np.array([x for _, x in found])
    size_a = np.abs(Eb[idx]).max(axis=(1, 2, 3)) ** k
    size_b = np.abs(Ea[idx]).max(axis=(1, 2, 3)) ** k
    xa, xb, lost_a, lost_b = _back_substitute(parts, idx, r, size_a, size_b)
    fallback |= {int(rows[s]) for s in idx[lost_a | lost_b]}
    points = []
    for t in range(len(idx)):
        a, b, c = who[idx[t]]
        points.append((int(rows[idx[t]]), {a: xa[t], b: xb[t], c: np.array([r[t]])}, False))
    return [p for p in points if p[0] not in fallback], fallback


def _one_two_two(C, groups):
    """Player a with two unknowns, b and c with one each (q, r): a's two equations
    α_t(r) + β_t(r) q = 0 agree where α₁β₂ − α₂β₁ = 0. groups: (rows, a, b, c) for each
    choice of the players, solved together."""
    # a's equations: S × 2 × 2 (q's monomials) × 2 (r's)
    Ea = np.concatenate([_block(C[a][rows], a, 2, [(b, 2), (c, 2)]) for rows, a, b, c in groups])
    # b's equation (in x_a and r) and c's (in x_a and q): linear in x_a
    Eb = np.concatenate([_block(C[b][rows], b, 1, [(a, 3), (c, 2)])[:, 0] for rows, a, b, c in groups])  # S × 3 × 2
    Ec = np.concatenate([_block(C[c][rows], c, 1, [(a, 3), (b, 2)])[:, 0] for rows, a, b, c in groups])
    rows = np.concatenate([g[0] for g in groups])
    who = [g[1:] for g in groups for _ in g[0]]
    alpha, beta = Ea[:, :, 0, :], Ea[:, :, 1, :]  # S × 2 × 2 (ascending in r)
    P = _padd(_pmul(alpha[:, 0], beta[:, 1]), -_pmul(alpha[:, 1], beta[:, 0]))
    found, fallback = real_roots(P)
    fallback = {int(rows[s]) for s in fallback}
    if not found:
        return [], fallback
    idx = np.array([s for s, _ in found])
    r = np.array([x for _, x in found])
    al, be = _peval(alpha[idx], r[:, None]), _peval(beta[idx], r[:, None])  # T × 2
    pick = np.argmax(np.abs(be), axis=1)
    t = np.arange(len(idx))
    size = np.abs(Ea[idx]).max(axis=(1, 2, 3))
    good = np.abs(be[t, pick]) > 1e-6 * size
    with np.errstate(all="ignore"):
        q = np.where(good, -al[t, pick] / np.where(good, be[t, pick], 1.0), 0.0)
    lb = Eb[idx, :, 0] + Eb[idx, :, 1] * r[:, None]  # T × 3: [constant, x_a1, x_a2]
    lc = Ec[idx, :, 0] + Ec[idx, :, 1] * q[:, None]
    M = np.stack([lb[:, 1:], lc[:, 1:]], axis=1)
    rhs = -np.stack([lb[:, 0], lc[:, 0]], axis=1)
    det = M[:, 0, 0] * M[:, 1, 1] - M[:, 0, 1] * M[:, 1, 0]
    good &= np.isfinite(det) & (np.abs(det) > 1e-6 * np.maximum(np.abs(M).max(axis=(1, 2)), 1e-300) ** 2)
    xa, _ = _solve_small(M, rhs)
    points = []
    for u in range(len(idx)):
        s = int(rows[idx[u]])
        a, b, c = who[idx[u]]
        if not good[u]:
            fallback.add(s)
        else:
            points.append((s, {a: xa[u], b: np.array([q[u]]), c: np.array([r[u]])}, False))
    return [p for p in points if p[0] not in fallback], fallback


# ------------------------------------------------------------------ hidden-variable resultants
#: The hidden unknown's polynomial is interpolated on this interval (a little wider than [0, 1]).
HIDDEN = (-0.05, 1.05)


@functools.lru_cache(maxsize=8)
def _chebyshev(K: int):
    """K Chebyshev points on HIDDEN and the matrix taking values there to the interpolant's
    Chebyshev coefficients."""
    y = np.cos(np.pi * (np.arange(K) + 0.5) / K)
    T = np.cos(np.outer(np.arange(K), np.pi * (np.arange(K) + 0.5) / K)) * (2.0 / K)
    T[0] /= 2
    lo, hi = HIDDEN
    return lo + (hi - lo) * (y + 1) / 2, T


def _sylvester(F: np.ndarray, G: np.ndarray, dF: int, dG: int) -> np.ndarray:
    """Determinants of the Sylvester matrices of F (formal degree dF) and G (dG), ascending
    coefficients on the last axis: zero exactly where the two share a root (or both
    leading coefficients vanish)."""
    n = dF + dG
    M = np.zeros(F.shape[:-1] + (n, n))
    for row in range(dG):
        M[..., row, row : row + dF + 1] = F[..., dF::-1]
    for row in range(dF):
        M[..., dG + row, row : row + dG + 1] = G[..., dG::-1]
    return np.linalg.det(M)


def _hidden_roots(poly_at, S: int, dF: int, dG: int, bound: int):
    """Common real roots of two polynomials F(s, t), G(s, t) with s in [0, 1]: ``poly_at``
    gives their coefficients in t (ascending) at given values of s (S × K each). The
    resultant in t, a polynomial of degree ≤ bound in s, is interpolated at bound + 1
    Chebyshev points; its real roots in [0, 1] (Chebyshev companion matrix) are the
    candidates. Returns (rows, s values) and the rows where this is unreliable (resultant
    nearly zero, roots within CLUSTER of each other)."""
    nodes, T = _chebyshev(bound + 1)
    F, G = poly_at(np.broadcast_to(nodes, (S, len(nodes))))
    R = _sylvester(F, G, dF, dG)  # S × K
    coef = R @ T.T
    scale = np.abs(coef).max(axis=1)
    size = np.maximum(np.abs(F).max(axis=(1, 2)), np.abs(G).max(axis=(1, 2))) ** (dF + dG)
    lo, hi = HIDDEN
    out, unsure = [], set()
    for s in range(S):
        if not scale[s] > 1e-12 * max(size[s], 1e-300):
            unsure.add(s)
            continue
        c = coef[s].copy()
        c[np.abs(c) < 1e-14 * scale[s]] = 0.0
        last = np.flatnonzero(c)[-1]
        if last == 0:
            continue
        y = np.polynomial.chebyshev.chebroots(c[: last + 1])
        z = lo + (hi - lo) * (y + 1) / 2
        near = (z.real > -0.01) & (z.real < 1.01)
        gap = np.abs(z[:, None] - z[None, :]) + np.eye(len(z)) * 1e9
        if ((gap < CLUSTER).any(axis=1) & near).any():
            unsure.add(s)
            continue
        real = near & (np.abs(z.imag) <= 1e-6)
        out += [(s, float(v)) for v in z.real[real] if -SLACK <= v <= 1 + SLACK]
    return out, unsure


def _inner_roots(F: np.ndarray, G: np.ndarray) -> list[list[float]]:
    """For each row, the real roots near [0, 1] of F in t (or of G where F vanishes) where
    the other polynomial nearly vanishes too (relative to its coefficients: at a root of
    the resultant the two share a root, up to the rounding of that root)."""
    swap = np.abs(F).max(axis=1) <= 1e-9 * np.maximum(np.abs(G).max(axis=1), 1e-300)
    d = F.shape[1] - 1
    lead = ~swap & (np.abs(F[:, d]) > 1e-12 * np.abs(F).max(axis=1))
    out: list = [[] for _ in F]
    if lead.any():  # full degree: one batch of companion matrices
        rows = np.flatnonzero(lead)
        c = F[rows] / F[rows, d : d + 1]
        comp = np.zeros((len(rows), d, d))
        comp[:, 0, :] = -c[:, d - 1 :: -1]
        comp[:, np.arange(1, d), np.arange(d - 1)] = 1.0
        z = np.linalg.eigvals(comp) if d > 1 else -c[:, :1].astype(complex)
        for r, zs in zip(rows, z):
            out[r] = [v.real for v in zs if abs(v.imag) <= 1e-6 and -0.01 <= v.real <= 1.01]
    for r in np.flatnonzero(~lead):  # lower degree, or F vanishing (rare): one at a time
        f = G[r] if swap[r] else F[r]
        z = np.roots(f[::-1]) if np.abs(f).max() > 0 else np.zeros(0)
        out[r] = [v.real for v in z if abs(v.imag) <= 1e-6 and -0.01 <= v.real <= 1.01]
    for r, ts in enumerate(out):
        g = F[r] if swap[r] else G[r]
        if ts and np.abs(g).max() > 0:
            ts = np.array(ts)
            size = np.abs(g).max() * (1 + np.abs(ts)) ** (len(g) - 1)
            out[r] = ts[np.abs(_peval(g, ts)) <= 1e-6 * size].tolist()
    return out


def _full_three(C, rows, a, b, c):
    """Three players with three strategies each mixing over all of them: c's unknowns
    (s, t) hidden; a's and b's equations are linear in each other's unknowns, c's two
    equations become F(s, t), G(s, t) of degree 4 in t, and their resultant in t a
    polynomial of degree ≤ 16 in s."""
    Ea0 = _block(C[a][rows], a, 2, [(b, 3), (c, 3)])  # S × 2 × 3 × 3 (c's monomials 1, s, t)
    Eb0 = _block(C[b][rows], b, 2, [(a, 3), (c, 3)])
    Ec0 = _block(C[c][rows], c, 2, [(a, 3), (b, 3)])  # S × 2 × 3 × 3

    def at(s_values: np.ndarray, rows_: np.ndarray):
        S, K = s_values.shape
        def in_t(E):  # coefficients in t at each s: constant + s·(s's) and t's
            E = E[rows_][:, None]
            constant = E[..., 0] + s_values[:, :, None, None] * E[..., 1]
            poly = np.stack([constant, np.broadcast_to(E[..., 2], constant.shape)], axis=-1)
            return poly.reshape((S * K,) + poly.shape[2:])
        closers = np.broadcast_to(Ec0[rows_][:, None], (S, K) + Ec0.shape[1:]).reshape((S * K,) + Ec0.shape[1:])
        Ea, Eb, closers = in_t(Ea0), in_t(Eb0), closers[..., None]
        P, parts = _pair_polynomials(Ea, Eb, closers)
        return P, parts, (Ea, Eb, closers)

    every = np.arange(len(rows))
    def poly_at(s_values):
        P, _, _ = at(s_values, every)
        K = s_values.shape[1]
        return P[:, 0].reshape(len(rows), K, -1), P[:, 1].reshape(len(rows), K, -1)

    found, unsure = _hidden_roots(poly_at, len(rows), 4, 4, 16)
    return _finish(found, unsure, rows, at, lambda xa, xb, s, t: {a: xa, b: xb, c: np.array([s, t])},
                   np.abs(Eb0).max(axis=(1, 2, 3)) ** 2, np.abs(Ea0).max(axis=(1, 2, 3)) ** 2)


def _finish(found, unsure, rows, at, assemble, size_a, size_b, degrees=None):
    """Candidates from the hidden unknown's roots s: at each, the inner roots t, then the
    other players' unknowns by back-substitution (to be polished by Newton's method).

    Where a's equations are singular and consistent at (s, t) — (Nᵦ, Dᵦ) = 0, which two
    hidden unknowns meet at isolated points even in generic games, making F and G vanish
    together there — xₐ still comes from b's equations, and xᵦ from a's equations and the
    closing ones together (linear in xᵦ once xₐ is known), by least squares; a point whose
    residual is not negligible is no solution. Likewise with a and b swapped; both at once
    hands the profile back to the box search."""
    fallback = {int(rows[s]) for s in unsure}
    points = []
    if not found:
        return points, fallback
    idx = np.array([s for s, _ in found])
    sv = np.array([v for _, v in found])
    P, parts, inputs = at(sv[:, None], idx)
    dF, dG = degrees or (P.shape[2] - 1, P.shape[2] - 1)
    inner = _inner_roots(P[:, 0, : dF + 1], P[:, 1, : dG + 1])
    k = np.array([u for u, ts in enumerate(inner) for _ in ts], dtype=np.intp)
    if not len(k):
        return points, fallback
    t = np.array([v for ts in inner for v in ts])
    xa, xb, lost_a, lost_b = _back_substitute(parts, k, t, size_a[idx[k]], size_b[idx[k]])
    fallback |= {int(rows[idx[u]]) for u in k[lost_a & lost_b]}
    for v, u in enumerate(k.tolist()):
        if lost_a[v] and lost_b[v]:
            continue
        if lost_a[v] or lost_b[v]:
            fixed = _least_squares_side(inputs, u, t[v], xa[v], xb[v], lost_b[v])
            if fixed is None:
                continue
            xa_v, xb_v = fixed
        else:
            xa_v, xb_v = xa[v], xb[v]
        points.append((int(rows[idx[u]]), assemble(xa_v, xb_v, sv[u], t[v]), True))
    return [p for p in points if p[0] not in fallback], fallback


def _least_squares_side(inputs, u: int, t: float, xa: np.ndarray, xb: np.ndarray, b_lost: bool):
    """`_finish`'s repair where one side's equations are singular at (s, t): the free
    side's unknowns from its own equations and the closing ones, by least squares; None
    when they are inconsistent."""
    Ea, Eb, closers = (_peval(E[u], np.float64(t)) for E in inputs)  # k × (1 + k); e × (1 + k) × (1 + k)
    if b_lost:  # xₐ known; a's equations and the closers are linear in xᵦ
        g = np.einsum("euv,u->ev", closers, np.concatenate([[1.0], xa]))
        A = np.concatenate([Ea, g])
    else:
        g = np.einsum("euv,v->eu", closers, np.concatenate([[1.0], xb]))
        A = np.concatenate([Eb, g])
    sol = np.linalg.lstsq(A[:, 1:], -A[:, 0], rcond=None)[0]
    residual = np.abs(A[:, 1:] @ sol + A[:, 0]).max()
    if not residual <= 1e-8 * max(1.0, np.abs(A).max()):
        return None
    return (xa, sol) if b_lost else (sol, xb)


def _four(C, m, sel):
    """Four players with two strategies each mixing: d's unknown s hidden, c's t; a's and
    b's equations are linear in each other's unknowns, c's becomes Q(s, t) of degree 2 in t
    and d's R(s, t) of degree 3; their resultant in t has degree ≤ 13 in s."""
    points, fallback = [], set()
    for (who, ms), rows in _groups(m, sel).items():
        if ms != (1, 1, 1, 1):
            fallback |= set(rows.tolist())
            continue
        a, b, c, d = who
        Ea0 = _block(C[a][rows], a, 1, [(b, 2), (c, 2), (d, 2)])  # S × 1 × 2 × 2 (t) × 2 (s)
        Eb0 = _block(C[b][rows], b, 1, [(a, 2), (c, 2), (d, 2)])
        Ec0 = _block(C[c][rows], c, 1, [(a, 2), (b, 2), (d, 2)])  # S × 1 × 2 × 2 × 2 (s)
        Ed0 = _block(C[d][rows], d, 1, [(a, 2), (b, 2), (c, 2)])  # S × 1 × 2 × 2 × 2 (t)

        def at(s_values, rows_, Ea0=Ea0, Eb0=Eb0, Ec0=Ec0, Ed0=Ed0):
            S, K = s_values.shape
            sv = s_values.reshape(S, K, 1, 1, 1)
            def flat(E):
                return E.reshape((S * K,) + E.shape[2:])
            Ea = flat(Ea0[rows_][:, None, ..., 0] + sv * Ea0[rows_][:, None, ..., 1])  # B × 1 × 2 × 2 (t)
            Eb = flat(Eb0[rows_][:, None, ..., 0] + sv * Eb0[rows_][:, None, ..., 1])
            Qc = flat(Ec0[rows_][:, None, ..., 0] + sv * Ec0[rows_][:, None, ..., 1])  # B × 1 × 2 × 2
            Rd = flat(np.broadcast_to(Ed0[rows_][:, None], (S, K) + Ed0.shape[1:]))  # B × 1 × 2 × 2 × 2 (t)
            Qc = np.concatenate([Qc[..., None], np.zeros_like(Qc[..., None])], axis=-1)  # degree 0 in t
            closers = np.concatenate([Qc, Rd], axis=1)
            P, parts = _pair_polynomials(Ea, Eb, closers)
            return P, parts, (Ea, Eb, closers)

        every = np.arange(len(rows))
        def poly_at(s_values, at=at, every=every, S=len(rows)):
            P, _, _ = at(s_values, every)
            K = s_values.shape[1]
            return P[:, 0, :3].reshape(S, K, -1), P[:, 1, :4].reshape(S, K, -1)

        found, unsure = _hidden_roots(poly_at, len(rows), 2, 3, 13)
        p, f = _finish(found, unsure, rows, at,
                       lambda xa, xb, s, t, a=a, b=b, c=c, d=d: {a: xa, b: xb, c: np.array([t]), d: np.array([s])},
                       np.abs(Eb0).max(axis=(1, 2, 3, 4)), np.abs(Ea0).max(axis=(1, 2, 3, 4)), (2, 3))
        points += p
        fallback |= f
    return points, fallback


# ------------------------------------------------------------------ Newton's method on candidates
def _equations(C: list[np.ndarray], rows: np.ndarray, terms: list[np.ndarray]) -> list[np.ndarray]:
    """Every player's indifference equations at a batch of points: rows[t] the support
    profile, terms[j][t] player j's monomials (1, unknowns…, zero padding). Returns, per
    player, T × (its strategies) (rows past |Sᵢ| − 1 are zero)."""
    N = len(C)
    letters = "abcdefghij"[:N]
    out = []
    for i in range(N):
        T = C[i][rows]
        now = letters
        for j in range(N):
            if j == i:
                continue
            new = now.replace(letters[j], "")
            T = np.einsum(f"t{now},t{letters[j]}->t{new}", T, terms[j])
            now = new
        out.append(T)
    return out


def polish(C: list[np.ndarray], m: np.ndarray, rows: np.ndarray, terms: list[np.ndarray], iters: int = 2) -> None:
    """Newton's method, in place, on candidate points (rows: their support profiles; terms:
    per player T × strategies, (1, unknowns…, 0…)) close to a root, as a resultant's roots
    are (to about 1e-10): one step takes them to rounding; a second only if the first
    moved more than 1e-9. The Jacobian is exact by unit differences: each equation is
    affine in each unknown."""
    N = len(C)
    T = len(rows)
    where = [(j, c) for j in range(N) for c in range(int(m[rows, j].max(initial=0)))]
    n = len(where)
    if not T or not n:
        return
    used = np.array([[c < m[r, j] for j, c in where] for r in rows])  # T × n: the profile's unknowns
    eq_rows = used  # player j's c-th equation exists exactly when its c-th unknown does
    for _ in range(iters):
        # the point and, for each unknown, the point with that unknown one larger
        shifted = [np.repeat(X[None], n + 1, axis=0) for X in terms]  # (n + 1) × T × k
        for u, (j, c) in enumerate(where):
            shifted[j][u + 1, :, 1 + c] += 1.0
        values = _equations(C, np.tile(rows, n + 1), [S.reshape((n + 1) * T, -1) for S in shifted])
        F = np.concatenate([V.reshape(n + 1, T, -1)[:, :, : int(m[rows, i].max(initial=0))]
                            for i, V in enumerate(values)], axis=2)  # (n + 1) × T × n
        F0 = F[0]
        J = (F[1:] - F0[None]).transpose(1, 2, 0)  # T × equations × unknowns
        mask = eq_rows[:, :, None] & used[:, None, :]
        J = np.where(mask, J, 0.0) + np.eye(n)[None] * ~used[:, None, :]  # unused: identity
        rhs = np.where(eq_rows, -F0, 0.0)
        with np.errstate(all="ignore"):
            ok = np.abs(np.linalg.det(J)) > 1e-300
            step = np.zeros((T, n))
            if ok.any():
                step[ok] = np.linalg.solve(J[ok], rhs[ok][:, :, None])[:, :, 0]
        step[~np.isfinite(step).all(axis=1)] = 0.0
        for u, (j, c) in enumerate(where):
            terms[j][:, 1 + c] += step[:, u]
        if np.abs(step).max() < 1e-9:
            break
