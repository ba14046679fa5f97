"""All extreme equilibria of many 2×2 bimatrix games at once: the closed form, vectorized.

The same nine candidates as `games.solvers.closed_form.equilibria_2x2` — the row player's
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
    exists = ((d0 > 0) & (d1 < 0)) | ((d0 < 0) & (d1 > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(exists, d0 / (d0 - d1), np.nan)
    return exists, t


def candidates(A: np.ndarray, B: np.ndarray) -> Candidates2x2:
    """Check the nine closed-form candidates of each 2×2 game (A, B of shape (G, 2, 2)).

    Candidate (p_i, q_j) is an equilibrium when each player's choice is a best response:
    the row player may put probability 0 / 1 / interior on its first strategy when its gain
    from it (r1 at q = 0, r0 at q = 1, 0 at q*) is ≤ 0 / ≥ 0 / = 0; likewise the column
    player with c1 (p = 0), c0 (p = 1), 0 (p*). Each sign test is done once, on whole
    columns of games, and each candidate is one AND of two of them: no (G, 3, 3) temporaries.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    r0, r1, c0, c1 = incentives(A, B)
    q_exists, q_star = _interior_point(r1, r0)
    p_exists, p_star = _interior_point(c1, c0)
    G = len(A)
    pq = np.empty((2, 3, G))  # stored candidate-major (contiguous rows), viewed as (G, 3)
    pq[:, 0], pq[:, 1], pq[0, 2], pq[1, 2] = 0.0, 1.0, p_star, q_star
    p, q = pq[0].T, pq[1].T
    # row[j][i]: may the row player choose p_i against the column player's q_j (j < 2)?
    row = tuple((g <= 0, g >= 0, g == 0) for g in (r1, r0))
    col = tuple((h <= 0, h >= 0, h == 0) for h in (c1, c0))  # col[i][j]: q_j against p_i (i < 2)
    mask = np.empty((3, 3, G), dtype=bool)  # filled candidate by candidate, viewed as (G, 3, 3)
    for i in range(3):
        for j in range(3):
            np.logical_and(row[j][i] if j < 2 else q_exists, col[i][j] if i < 2 else p_exists, out=mask[i, j])
    return Candidates2x2(mask.transpose(2, 0, 1), p, q)


def verify_candidates(A: np.ndarray, B: np.ndarray, c: Candidates2x2, tol: np.ndarray | None = None) -> np.ndarray:
    """(G,) bool: does every candidate reported for game g have all regrets within tol[g]?

    The compact twin of `games.sweeps.batch_verify.verified`: each player's regret at each
    reported candidate — best pure payoff minus the payoff of the reported choice — is
    computed from the payoff entries for the reported (p, q) alone, and only the reported
    ones count. At a pure profile a regret is max(0, d) for d the other strategy's payoff
    minus the chosen one's, so a game passes the first, whole-column test when no reported
    pure profile has a d above TOLERANCE (the smallest tolerance there is) and, if it
    reports p* or q*, its regrets there (computed for those games only) do not either.
    Games that fail it are few; for them tol (default `games.sweeps.batch_verify.tolerances`,
    never below TOLERANCE) decides, from their worst regret computed again in full.
    """
    from games.solvers.equilibrium import TOLERANCE

    if tol is not None:
        return _worst_regret(A, B, c) <= tol
    a00, a01, a10, a11 = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    b00, b01, b10, b11 = B[:, 0, 0], B[:, 0, 1], B[:, 1, 0], B[:, 1, 1]
    mask = c.mask
    # d at each pure profile: p = 0 (the second strategy) regrets the first's gain d, p = 1
    # the second's, −d (exactly: x − y = −(y − x) in floating point); likewise for q
    row_gain = (a01 - a11, a00 - a10)  # the row player's first minus second against q = 0, 1
    col_gain = (b10 - b11, b00 - b01)  # the column player's first minus second against p = 0, 1
    row_over = [(d > TOLERANCE, d < -TOLERANCE) for d in row_gain]  # [j][i]
    col_over = [(d > TOLERANCE, d < -TOLERANCE) for d in col_gain]  # [i][j]
    over = np.zeros(len(A), dtype=bool)
    for i in range(2):
        for j in range(2):
            over |= mask[:, i, j] & (row_over[j][i] | col_over[i][j])
    ps, qs = c.p[:, 2], c.q[:, 2]
    for i, j in ((2, 2), (2, 0), (2, 1), (0, 2), (1, 2)):
        reported = mask[:, i, j]
        g = np.flatnonzero(reported)
        if len(g):  # the regrets at this candidate, on the games that report it
            cols = [a.take(g) for a in (a00, a01, a10, a11, b00, b01, b10, b11, ps, qs)]
            over[g] |= _over_at(i, j, *cols, TOLERANCE)
    ok = np.ones(len(A), dtype=bool)
    suspect = np.nonzero(over)[0]
    if len(suspect):
        from games.sweeps.batch_verify import tolerances

        As, Bs = A[suspect], B[suspect]
        ok[suspect] = _worst_regret(As, Bs, Candidates2x2(mask[suspect], c.p[suspect], c.q[suspect])) <= tolerances(As, Bs)
    return ok


def _rows(M: np.ndarray) -> np.ndarray:
    """M (G, 2, 2) as (2, 2, G) rows; a game whose entries do not vary along G (stride 0:
    a player the swept parameters do not touch) is kept as one column, (2, 2, 1)."""
    m = M.transpose(1, 2, 0)
    return m[..., :1] if M.strides[0] == 0 and len(M) > 1 else m


def _and(x, y, out: np.ndarray) -> np.ndarray:
    """x & y into out, where x or y may be a Python bool (the same for every game)."""
    if isinstance(x, bool):
        x, y = y, x
    if isinstance(y, bool):
        if isinstance(x, bool):
            out.fill(x and y)
        elif y:
            np.copyto(out, x)
        else:
            out.fill(False)
        return out
    return np.logical_and(x, y, out=out)


def _or(x, y):
    """x | y, where x or y may be a Python bool."""
    if isinstance(x, bool):
        x, y = y, x
    if isinstance(y, bool):
        return y if y else x
    return x | y


def _signs(D: np.ndarray, G: int):
    """(>0, <0, ==0, ≤0, ≥0) of each row of D (2, G or 1), or None if some entry is NaN; a
    one-column D's tests are Python bools."""
    gt, lt, eq = D > 0, D < 0, D == 0
    if int(np.count_nonzero(gt)) + int(np.count_nonzero(lt)) + int(np.count_nonzero(eq)) != D.size:
        return None
    le, ge = ~gt, ~lt
    if D.shape[-1] == 1 and G > 1:
        return tuple(tuple(bool(v[k, 0]) for k in range(2)) for v in (gt, lt, eq, le, ge))
    return gt, lt, eq, le, ge


def candidates_verified(A: np.ndarray, B: np.ndarray, keep_p: bool = True) -> tuple[Candidates2x2, np.ndarray]:
    """`candidates` and `verify_candidates` of a block in one pass: the same mask, p, q and
    verdicts, with fewer passes over the games (what a sweep runs for every block).

    The sign tests are done once per incentive (> 0, < 0, == 0; ≤ and ≥ are their
    complements, there being no NaN: checked, else the two functions are called as they
    are). At a reported pure profile each player's regret is max(0, d) with d an incentive
    (the same subtraction of the same payoff entries, so the same number): the profile's
    verdict is d against ±TOLERANCE, as in `verify_candidates`; the interior candidates'
    regrets are computed from the payoff entries, by `_over_at`, for the games reporting
    them. A player whose payoffs do not vary along the batch (a stride-0 view) is computed
    once. With keep_p False, p and q hold only their interior column (index 2)."""
    from games.solvers.equilibrium import TOLERANCE

    a, b = _rows(A), _rows(B)
    G = len(A)
    with np.errstate(invalid="ignore"):
        R = a[0] - a[1]  # (r0, r1): the row player's gain from its first strategy, q = 1 then q = 0
        C = b[:, 0] - b[:, 1]  # (c0, c1): the column player's, p = 1 then p = 0
    sR, sC = _signs(R, G), _signs(C, G)
    if sR is None or sC is None:  # a NaN incentive: the general functions decide
        c = candidates(A, B)
        ok = verify_candidates(A, B, c)
        return (c if keep_p else Candidates2x2(c.mask, c.p[:, 2:], c.q[:, 2:])), ok
    (gtR, ltR, eqR, leR, geR), (gtC, ltC, eqC, leC, geC) = sR, sC
    both = lambda x, y: (x and y) if isinstance(x, bool) and isinstance(y, bool) else _and(x, y, np.empty(G, bool))
    q_exists = _or(both(gtR[1], ltR[0]), both(ltR[1], gtR[0]))  # r1, r0 of opposite signs
    p_exists = _or(both(gtC[1], ltC[0]), both(ltC[1], gtC[0]))
    pq = np.empty((2, 3, G)) if keep_p else np.empty((2, 1, G))
    if keep_p:
        pq[:, 0], pq[:, 1] = 0.0, 1.0
    stars = pq[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, (D, exists) in enumerate(((C, p_exists), (R, q_exists))):  # p* = c1 / (c1 − c0), q* = r1 / (r1 − r0)
            if isinstance(exists, bool):
                stars[k].fill(np.divide(D[1], D[1] - D[0])[0] if exists else np.nan)
            else:
                stars[k].fill(np.nan)
                np.divide(D[1], D[1] - D[0], out=stars[k], where=exists)
    # row[j][i]: may the row player choose p_i against q_j (its gain g_j: r1 at q = 0, r0 at q = 1)
    row = ((leR[1], geR[1], eqR[1]), (leR[0], geR[0], eqR[0]))
    col = ((leC[1], geC[1], eqC[1]), (leC[0], geC[0], eqC[0]))
    mask = np.empty((3, 3, G), dtype=bool)
    for i in range(3):
        for j in range(3):
            _and(row[j][i] if j < 2 else q_exists, col[i][j] if i < 2 else p_exists, mask[i, j])
    # verification at the pure profiles: regret max(0, d), d = the other strategy's gain
    hiR, loR, hiC, loC = (_pair(v, G) for v in (R > TOLERANCE, R < -TOLERANCE, C > TOLERANCE, C < -TOLERANCE))
    row_over = ((hiR[1], loR[1]), (hiR[0], loR[0]))  # [j][i]: p = 0 regrets g_j > 0, p = 1 regrets −g_j
    col_over = ((hiC[1], loC[1]), (hiC[0], loC[0]))  # [i][j]
    over = np.zeros(G, dtype=bool)
    tmp = np.empty(G, dtype=bool)
    for i in range(2):
        for j in range(2):
            flag = _or(row_over[j][i], col_over[i][j])
            if isinstance(flag, bool):
                if flag:
                    over |= mask[i, j]
            else:
                over |= np.logical_and(mask[i, j], flag, out=tmp)
    p = pq[0].T if keep_p else None
    q = pq[1].T if keep_p else None
    ps, qs = stars[0], stars[1]
    # a player constant over the block: its entries, and the other's interior point (which
    # its incentives decide), as one column instead of taken game by game
    a_one, b_one = a.shape[-1] == 1 and G > 1, b.shape[-1] == 1 and G > 1
    for i, j in ((2, 2), (2, 0), (2, 1), (0, 2), (1, 2)):
        reported = mask[i, j]
        if not reported.any():
            continue
        g = np.flatnonzero(reported)
        cols = [m[k, l] if one else m[k, l].take(g) for m, one in ((a, a_one), (b, b_one)) for k in range(2) for l in range(2)]
        ps_g = ps[:1] if b_one else ps.take(g)
        qs_g = qs[:1] if a_one else qs.take(g)
        over[g] |= _over_at(i, j, *cols, ps_g, qs_g, TOLERANCE)
    ok = np.ones(G, dtype=bool)
    suspect = np.nonzero(over)[0]
    if len(suspect):
        from games.sweeps.batch_verify import tolerances

        As, Bs = np.asarray(A)[suspect], np.asarray(B)[suspect]
        full = np.empty((2, 3, len(suspect)))
        full[:, 0], full[:, 1], full[:, 2] = 0.0, 1.0, stars[:, suspect]
        sub = Candidates2x2(mask[:, :, suspect].transpose(2, 0, 1), full[0].T, full[1].T)
        ok[suspect] = _worst_regret(As, Bs, sub) <= tolerances(As, Bs)
    if not keep_p:
        p, q = stars[0][:, None], stars[1][:, None]
    return Candidates2x2(mask.transpose(2, 0, 1), p, q), ok


def _pair(v, G: int):
    """A (2, G) or (2, 1) test as its two rows, one-column rows as Python bools."""
    if v.shape[-1] == 1 and G > 1:
        return (bool(v[0, 0]), bool(v[1, 0]))
    return (v[0], v[1])


def _over_at(i, j, a00, a01, a10, a11, b00, b01, b10, b11, ps, qs, limit: float) -> np.ndarray:
    """Is either player's regret at candidate (p_i, q_j) above limit? (games as columns)"""
    with np.errstate(invalid="ignore"):
        # each player's two payoffs against the other's choice (q = 0, 1, q*; p likewise)
        r0, r1 = ((a01, a11), (a00, a10))[j] if j < 2 else (qs * a00 + (1 - qs) * a01, qs * a10 + (1 - qs) * a11)
        k0, k1 = ((b10, b11), (b00, b01))[i] if i < 2 else (ps * b00 + (1 - ps) * b10, ps * b01 + (1 - ps) * b11)
        own_row = r1 if i == 0 else (r0 if i == 1 else ps * r0 + (1 - ps) * r1)
        own_col = k1 if j == 0 else (k0 if j == 1 else qs * k0 + (1 - qs) * k1)
        # max(a, b) − own > limit exactly when a − own > limit or b − own > limit
        return (r0 - own_row > limit) | (r1 - own_row > limit) | (k0 - own_col > limit) | (k1 - own_col > limit)


def _worst_regret(A: np.ndarray, B: np.ndarray, c: Candidates2x2) -> np.ndarray:
    """Each game's largest regret over its reported candidates (0 if it reports none)."""
    ps, qs, mask = c.p[:, 2], c.q[:, 2], c.mask
    a00, a01, a10, a11 = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    b00, b01, b10, b11 = B[:, 0, 0], B[:, 0, 1], B[:, 1, 0], B[:, 1, 1]
    with np.errstate(invalid="ignore"):
        # payoff of each player's two strategies against the other's candidate (q = 0, 1, q*)
        rows = ((a01, a11), (a00, a10), (qs * a00 + (1 - qs) * a01, qs * a10 + (1 - qs) * a11))
        cols = ((b10, b11), (b00, b01), (ps * b00 + (1 - ps) * b10, ps * b01 + (1 - ps) * b11))
        worst = np.zeros(len(A))
        for i in range(3):
            for j in range(3):
                reported = mask[:, i, j]
                if not reported.any():
                    continue
                r0, r1 = rows[j]
                k0, k1 = cols[i]
                own_row = r1 if i == 0 else (r0 if i == 1 else ps * r0 + (1 - ps) * r1)
                own_col = k1 if j == 0 else (k0 if j == 1 else qs * k0 + (1 - qs) * k1)
                regret = np.maximum(np.maximum(r0, r1) - own_row, np.maximum(k0, k1) - own_col)
                np.maximum(worst, regret, out=worst, where=reported)
    return worst


def expand(A: np.ndarray, B: np.ndarray, c: Candidates2x2) -> FlatEquilibria:
    """The equilibria of the batch as flat arrays, in the closed form's order within each game."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    g, i, j = np.nonzero(c.mask)
    p = c.p[g, i]
    q = c.q[g, j]
    x = np.stack([p, 1 - p], axis=1)
    y = np.stack([q, 1 - q], axis=1)
    return FlatEquilibria(g, x, y, np.stack([_expected(A, g, x, y), _expected(B, g, x, y)], axis=1))


def _expected(M: np.ndarray, g: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x[e] · M[g[e]] · y[e] for each e: 0 + x0·m00·y0 + x0·m01·y1 + x1·m10·y0 + x1·m11·y1,
    the order in which ``einsum("ei,eij,ej->e")`` sums them (bit for bit, signed zeros
    included), on whole columns."""
    total = 0.0
    for i in range(2):
        for j in range(2):
            total = total + x[:, i] * M[:, i, j].take(g) * y[:, j]
    return total


def equilibria(A: np.ndarray, B: np.ndarray) -> FlatEquilibria:
    """All extreme equilibria of each 2×2 game in the batch (A, B of shape (G, 2, 2))."""
    return expand(A, B, candidates(A, B))
