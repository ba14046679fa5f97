"""Every equilibrium of a three-player game where each player has two strategies (2×2×2),
in plain Python floats: the general enumeration (`games.solvers.polynomial_enumeration`)
spends most of its time on such a game in fixed per-call costs of NumPy on arrays of a
few numbers, while the whole problem is a handful of scalar formulas.

With xᵢ player i's probability of its second strategy, player i's gain from its second
strategy over its first is a bilinear function of the other two players' probabilities,
Dᵢ = a + b·x + c·y + e·x·y (x, y the others' probabilities in player order). Then:

- a pure profile is an equilibrium when every player's gain at it has the right sign;
- a player mixing while both others play pure needs a zero gain at a pure profile (a tie);
- two players mixing, the third pure: each mixing player's gain is linear in the other
  mixing player's probability, so each probability is one division;
- all three mixing: D₀ = 0 gives x₁ = −(a₀ + c₀x₂)/(b₀ + e₀x₂), D₁ = 0 gives x₀ likewise,
  and D₂ = 0 multiplied by both denominators is a quadratic in x₂.

These are the 19 support profiles where someone mixes, so the list is complete: with no
tie at a pure profile no equilibrium has one player mixing alone, and the others are
roots of a division or of the quadratic, each simple (refused otherwise, see below), all
kept when inside the simplex. Every candidate that passes a loose screen (each player's
gain has the right sign, to 1e-6 of its payoff spread) is checked by
`games.solvers.equilibrium.verify_all`, `verify`'s test, as in the general path. (A
plain-Python copy of `verify` cannot give its numbers bit for bit: NumPy's `dot` hands
these products to OpenBLAS, whose kernels fuse multiply and add, in an order that depends
on the kernel and the processor; Python 3.11 has no fused multiply-add.)

Nothing here decides a degenerate case: when a gain is (nearly) tied at a pure profile,
a denominator or the quadratic (nearly) vanishes, a double root or a root at the edge of
the simplex, `all_equilibria_trio` returns None and the caller uses the general path,
which handles continua and singular roots.
"""

from __future__ import annotations

import math

import numpy as np

from games.forms.normal_form import NormalFormGame
from games.solvers.equilibrium import Equilibrium, verify_all

#: Gains within this fraction of a player's payoff spread count as (near) ties: hand the
#: game to the general path.
TIE = 1e-7
#: Roots within this distance of 0 or 1, or of a vanishing denominator: the general path.
EDGE = 1e-6
#: A candidate whose loose regret exceeds this fraction of a player's spread is not checked.
SCREEN = 1e-6
#: Support profiles of a 2×2×2 game with a player mixing (3³ − 2³): all solved here.
PROFILES = 19


def _flat(game: NormalFormGame) -> tuple[list[list[float]], list[float]]:
    """Each player's 8 payoffs as floats (index 4a + 2b + c) and half the spread of them
    (the scale `verify`'s tolerance and the tie test here are relative to)."""
    flat = [u.ravel().tolist() for u in game.payoffs]
    return flat, [(hi - lo) / 2 for lo, hi in game.payoff_bounds]


def _gains(flat: list[list[float]]) -> tuple[list, list]:
    """Player i's gain from its second strategy: its values d[x][y] at the others' pure
    strategies (x the lower-numbered other player's), and (a, b, c, e) of
    a + b·x + c·y + e·x·y in the others' probabilities."""
    corners, coefs = [], []
    for i, u in enumerate(flat):
        if i == 0:
            d = [[u[4 + 2 * x + y] - u[2 * x + y] for y in (0, 1)] for x in (0, 1)]
        elif i == 1:
            d = [[u[4 * x + 2 + y] - u[4 * x + y] for y in (0, 1)] for x in (0, 1)]
        else:
            d = [[u[4 * x + 2 * y + 1] - u[4 * x + 2 * y] for y in (0, 1)] for x in (0, 1)]
        a = d[0][0]
        corners.append(d)
        coefs.append((a, d[1][0] - a, d[0][1] - a, d[1][1] - d[1][0] - d[0][1] + a))
    return corners, coefs


def _gain(g, x: float, y: float) -> float:
    return g[0] + g[1] * x + g[2] * y + g[3] * x * y


def _inside(x: float) -> bool | None:
    """True strictly inside (0, 1), False clearly outside, None near an edge (unsure)."""
    if x != x:
        return None
    if EDGE < x < 1 - EDGE:
        return True
    if x < -EDGE or x > 1 + EDGE:
        return False
    return None


def _quadratic(a: float, b: float, c: float, size: float) -> list[float] | None:
    """Real roots of a·t² + b·t + c (the degree may be lower); None when unreliable: the
    polynomial (nearly) zero, or a (nearly) double root near [0, 1]."""
    if max(abs(a), abs(b), abs(c)) <= 1e-9 * size:
        return None  # zero to rounding: a continuum, or worse
    disc = b * b - 4 * a * c
    if a != 0 and abs(disc) <= 1e-9 * max(b * b, abs(4 * a * c)) and -0.1 <= -b / (2 * a) <= 1.1:
        return None  # two roots too close to tell apart (or none), near the simplex
    if disc < 0:
        return []
    h = -(b + math.copysign(math.sqrt(disc), b)) / 2  # no cancellation: |h| ≥ |b|/2
    if h == 0:  # b = 0 = disc, so a·c = 0; a ≠ 0 is a double root at 0 (refused above): a constant
        return []
    return [c / h] + ([h / a] if a != 0 else [])


def _residual(G, x: list[float]) -> list[float]:
    """The three gains at a totally mixed point (all zero at an equilibrium)."""
    return [_gain(G[0], x[1], x[2]), _gain(G[1], x[0], x[2]), _gain(G[2], x[0], x[1])]


def _det3(M: list[list[float]]) -> float:
    return (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
            + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))


def _newton(G, x: list[float]) -> list[float]:
    """Up to two Newton steps on the three gains from the eliminated root, each kept only
    if it shrinks the largest gain (the root is simple, so this only polishes rounding)."""
    F = _residual(G, x)
    for _ in range(2):
        J = [[0.0, G[0][1] + G[0][3] * x[2], G[0][2] + G[0][3] * x[1]],
             [G[1][1] + G[1][3] * x[2], 0.0, G[1][2] + G[1][3] * x[0]],
             [G[2][1] + G[2][3] * x[1], G[2][2] + G[2][3] * x[0], 0.0]]
        det = _det3(J)
        if det == 0:
            break
        step = []
        for k in range(3):  # Cramer's rule
            M = [row[:] for row in J]
            for r in range(3):
                M[r][k] = -F[r]
            step.append(_det3(M) / det)
        y = [v + d for v, d in zip(x, step)]
        Fy = _residual(G, y)
        if max(map(abs, Fy)) >= max(map(abs, F)):
            break
        x, F = y, Fy
    return x


def candidates(game: NormalFormGame) -> list[list[float]] | None:
    """Each player's probability of its second strategy at every profile that may be an
    equilibrium (pure, two players mixing, three), from the closed forms; None when the
    game (or a root) is too close to degenerate to decide here."""
    flat, scales = _flat(game)
    D, G = _gains(flat)
    for d, s in zip(D, scales):
        if s == 0 or min(abs(d[0][0]), abs(d[0][1]), abs(d[1][0]), abs(d[1][1])) <= TIE * s:
            return None  # a tie at a pure profile: a player may mix alone (a continuum)
    found: list[list[float]] = []
    # pure profiles: each player's gain must favour its strategy (loosely; verify decides)
    m0, m1, m2 = (-SCREEN * s for s in scales)
    D0, D1, D2 = D
    for a in (0, 1):
        for b in (0, 1):
            for c in (0, 1):
                if ((D0[b][c] if a else -D0[b][c]) >= m0 and (D1[a][c] if b else -D1[a][c]) >= m1
                        and (D2[a][b] if c else -D2[a][b]) >= m2):
                    found.append([float(a), float(b), float(c)])
    # two players i < j mixing, the third k pure at s
    for k in (2, 1, 0):
        i, j = [t for t in range(3) if t != k]
        for s in (0.0, 1.0):
            # player i's gain, linear in x_j: its arguments are (x_j, x_k) or (x_k, x_j) in player order
            gi, gj = G[i], G[j]
            ai, bi = (gi[0] + gi[2] * s, gi[1] + gi[3] * s) if j < k else (gi[0] + gi[1] * s, gi[2] + gi[3] * s)
            aj, bj = (gj[0] + gj[2] * s, gj[1] + gj[3] * s) if i < k else (gj[0] + gj[1] * s, gj[2] + gj[3] * s)
            if abs(bi) <= TIE * scales[i] or abs(bj) <= TIE * scales[j]:
                continue  # the gain barely moves: it is not zero inside (no tie at the pure ends)
            xj, xi = -ai / bi, -aj / bj
            inside = (_inside(xi), _inside(xj))
            if None in inside:
                return None
            if not all(inside):
                continue
            x = [0.0, 0.0, 0.0]
            x[i], x[j], x[k] = xi, xj, s
            gk = _gain(G[k], *[x[t] for t in range(3) if t != k])
            if (1 if s else -1) * gk >= -SCREEN * scales[k]:
                found.append(x)
    # all three mixing: x1 = −N0/M0, x0 = −N1/M1 in t = x2; D2(x0, x1)·M0·M1 = 0
    (a0, b0, c0, e0), (a1, b1, c1, e1), (a2, b2, c2, e2) = G
    # N0 = a0 + c0 t, M0 = b0 + e0 t (player 1's gain over x1, x2); N1, M1 from player 2's gain over x0, x2
    # A2·M0·M1 − B2·N1·M0 − C2·N0·M1 + E2·N0·N1
    quad = [
        a2 * e0 * e1 - b2 * c1 * e0 - c2 * c0 * e1 + e2 * c0 * c1,
        a2 * (b0 * e1 + e0 * b1) - b2 * (a1 * e0 + c1 * b0) - c2 * (a0 * e1 + c0 * b1) + e2 * (a0 * c1 + c0 * a1),
        a2 * b0 * b1 - b2 * a1 * b0 - c2 * a0 * b1 + e2 * a0 * a1,
    ]
    size = math.prod(max(abs(v) for v in g) for g in G)  # each coefficient: a product of three gains
    roots = _quadratic(*quad, size)
    if roots is None:
        return None
    for t in roots:
        in_t = _inside(t)
        if in_t is False:
            continue
        M0, M1 = b0 + e0 * t, b1 + e1 * t
        if in_t is None or abs(M0) <= EDGE * scales[0] or abs(M1) <= EDGE * scales[1]:
            return None
        x = [-(a1 + c1 * t) / M1, -(a0 + c0 * t) / M0, t]
        inside = (_inside(x[0]), _inside(x[1]))
        if None in inside:
            return None
        if all(inside):
            found.append(_newton(G, x))
    return found


def all_equilibria_trio(game: NormalFormGame) -> list[Equilibrium] | None:
    """Every equilibrium of a 2×2×2 game, each checked by `verify` (`verify_all`: the same
    test, the per-game work shared), in the order found;
    None when the game is too close to degenerate for the closed forms (the caller then
    uses the general path)."""
    found = candidates(game)
    if found is None:
        return None
    checked = verify_all(game, [[np.array([1.0 - v, v]) for v in x] for x in found])
    return [eq for eq in checked if eq is not None]
