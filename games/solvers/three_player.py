"""Every Nash equilibrium of a 2×2×2 game, by support enumeration in exact arithmetic.

Write p_i for the probability player i puts on its *second* strategy and g_i for its gain
from the second strategy over the first. Against the other two players' mixtures, g_i is
multilinear: ``g_i = a + b·p_j + c·p_k + d·p_j·p_k`` (j < k the other players). A profile
is an equilibrium when each player either plays its first strategy with g_i ≤ 0, its
second with g_i ≥ 0, or mixes with g_i = 0. Trying the 3³ choices of "first / second /
mix" for the three players leaves small systems:

- nobody mixes: check the signs;
- one player mixes: its gain is a constant that must be 0, and the others' conditions are
  affine in its probability, giving a segment whose end points are reported;
- two mix: two affine indifference equations, solved directly;
- all three mix: eliminating two probabilities leaves a quadratic in the third (a 2×2×2
  game has at most two totally mixed equilibria, McKelvey & McLennan 1997).

Coefficients are exact fractions of the (binary-exact) float payoffs, so ties and
degenerate cases are detected exactly; only irrational roots of the quadratic are
rounded. In degenerate games the equilibria may form curves or regions: segments are
reported by their end points; where a two-dimensional piece or a curve of totally mixed
equilibria appears, boundary points are reported and the result says it is incomplete.
Every profile returned has passed `games.solvers.equilibrium.verify`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from games.solvers.equilibrium import deduplicate, sort_key, tolerance, verify
from games.errors import InputError
from games.forms.normal_form import NormalFormGame
from games.solvers.solver import Solution

Number = Fraction | float
MIX = "mix"
_EPS = 1e-12


@dataclass(frozen=True)
class Gain:
    """g(p_j, p_k) = a + b·p_j + c·p_k + d·p_j·p_k for one player (j < k the others)."""

    a: Fraction
    b: Fraction
    c: Fraction
    d: Fraction

    def at(self, pj: Number, pk: Number) -> Number:
        return self.a + self.b * pj + self.c * pk + self.d * pj * pk


def gains(payoffs: Sequence[np.ndarray]) -> tuple[Gain, Gain, Gain]:
    """Each player's gain from its second strategy, as exact multilinear coefficients."""
    out = []
    for i in range(3):
        u = np.asarray(payoffs[i], dtype=float)
        diff = np.take(u, 1, axis=i) - np.take(u, 0, axis=i)  # indexed by the others (j, k)
        D = [[Fraction(float(diff[x, y])) for y in (0, 1)] for x in (0, 1)]
        out.append(Gain(D[0][0], D[1][0] - D[0][0], D[0][1] - D[0][0], D[1][1] - D[1][0] - D[0][1] + D[0][0]))
    return tuple(out)  # type: ignore[return-value]


def _others(i: int) -> tuple[int, int]:
    return tuple(j for j in range(3) if j != i)  # type: ignore[return-value]


def _gain_at(g: Gain, i: int, p: Sequence[Number]) -> Number:
    j, k = _others(i)
    return g.at(p[j], p[k])


def _sign_ok(status: int | str, value: Number) -> bool:
    return value <= 0 if status == 0 else value >= 0


def _affine_in(g: Gain, i: int, var: int, p: Sequence[Number | None]) -> tuple[Number, Number]:
    """(constant, slope) of player i's gain as a function of p[var], others fixed in p."""
    j, k = _others(i)
    if var == j:
        return g.a + g.c * p[k], g.b + g.d * p[k]
    return g.a + g.b * p[j], g.c + g.d * p[j]


def _interval(constraints: Sequence[tuple[Number, Number, int | str]]) -> tuple[Number, Number] | None:
    """The t in [0, 1] with const + slope·t ≤ 0 (status 0) or ≥ 0 (status 1) for each constraint."""
    lo: Number = Fraction(0)
    hi: Number = Fraction(1)
    for const, slope, status in constraints:
        sign = -1 if status == 0 else 1  # need sign·(const + slope·t) ≥ 0
        c, s = sign * const, sign * slope
        if s == 0:
            if c < 0:
                return None
        elif s > 0:
            lo = max(lo, -c / s)
        else:
            hi = min(hi, -c / s)
    return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class Candidates:
    """Profiles (second-strategy probabilities) and whether the search covered everything."""

    points: tuple[tuple[Number, Number, Number], ...]
    complete: bool
    degenerate: bool


def candidate_points(payoffs: Sequence[np.ndarray]) -> Candidates:
    """Every equilibrium (as (p_0, p_1, p_2)) of each support pattern, before verification."""
    G = gains(payoffs)
    points: list[tuple[Number, Number, Number]] = []
    complete, degenerate = True, False
    for statuses in itertools.product((0, 1, MIX), repeat=3):
        mixed = [i for i in range(3) if statuses[i] == MIX]
        pure = [i for i in range(3) if statuses[i] != MIX]
        base: list[Number | None] = [Fraction(s) if s != MIX else None for s in statuses]
        if not mixed:
            if all(_sign_ok(statuses[i], _gain_at(G[i], i, base)) for i in range(3)):
                points.append(tuple(base))  # type: ignore[arg-type]
        elif len(mixed) == 1:
            found, seg = _one_mixed(G, statuses, base, mixed[0], pure)
            points += found
            degenerate |= seg
        elif len(mixed) == 2:
            found, deg, comp = _two_mixed(G, statuses, base, mixed, pure[0])
            points += found
            degenerate |= deg
            complete &= comp
        else:
            found, deg, comp = _three_mixed(G)
            points += found
            degenerate |= deg
            complete &= comp
    return Candidates(tuple(points), complete, degenerate)


def _one_mixed(G, statuses, base, i, pure):
    # player i's gain depends on the two pure players only: it must vanish
    if _gain_at(G[i], i, [v if v is not None else Fraction(0) for v in base]) != 0:
        return [], False
    cons = [(*_affine_in(G[j], j, i, base), statuses[j]) for j in pure]
    iv = _interval(cons)
    if iv is None:
        return [], False
    out = []
    for t in sorted(set(iv)):
        p = list(base)
        p[i] = t
        out.append(tuple(p))
    return out, iv[0] < iv[1]


def _root(const: Number, slope: Number) -> list[Number] | None:
    """Solutions in [0, 1] of const + slope·t = 0; None means every t solves it."""
    if slope == 0:
        return None if const == 0 else []
    t = -const / slope
    return [t] if 0 <= t <= 1 else []


def _two_mixed(G, statuses, base, mixed, k):
    i, j = mixed
    # player i's indifference fixes p_j and player j's fixes p_i (p_k is known)
    pj_sols = _root(*_affine_in(G[i], i, j, base))
    pi_sols = _root(*_affine_in(G[j], j, i, base))
    out = []
    degenerate = pj_sols is None or pi_sols is None
    complete = True
    if pj_sols is not None and pi_sols is not None:
        for a, b in itertools.product(pi_sols, pj_sols):
            p = list(base)
            p[i], p[j] = a, b
            if _sign_ok(statuses[k], _gain_at(G[k], k, p)):
                out.append(tuple(p))
        return out, False, True
    if pj_sols is None and pi_sols is None:
        # a square of mutually indifferent players: report its corners and where player k's
        # condition cuts its edges; the interior piece is not described
        complete = False
        for edge_var, fixed_var in ((i, j), (j, i)):
            for v in (Fraction(0), Fraction(1)):
                p = list(base)
                p[fixed_var] = v
                iv = _interval([(*_affine_in(G[k], k, edge_var, p), statuses[k])])
                if iv is not None:
                    for t in set(iv):
                        q = list(p)
                        q[edge_var] = t
                        out.append(tuple(q))
        return out, True, complete
    # one probability is pinned, the other free on a segment cut by player k's condition
    free, pinned, sols = (j, i, pi_sols) if pj_sols is None else (i, j, pj_sols)
    for v in sols:
        p = list(base)
        p[pinned] = v
        iv = _interval([(*_affine_in(G[k], k, free, p), statuses[k])])
        if iv is not None:
            for t in sorted(set(iv)):
                q = list(p)
                q[free] = t
                out.append(tuple(q))
    return out, degenerate, complete


def _poly_mul(p: Sequence[Fraction], q: Sequence[Fraction]) -> list[Fraction]:
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for a, x in enumerate(p):
        for b, y in enumerate(q):
            out[a + b] += x * y
    return out


def _poly_add(*ps: Sequence[Fraction]) -> list[Fraction]:
    n = max(len(p) for p in ps)
    return [sum((p[d] if d < len(p) else Fraction(0) for p in ps), Fraction(0)) for d in range(n)]


def _scale(p: Sequence[Fraction], s: Fraction) -> list[Fraction]:
    return [s * x for x in p]


def _exact_sqrt(x: Fraction) -> Fraction | None:
    n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
    return Fraction(n, d) if n * n == x.numerator and d * d == x.denominator else None


def real_roots(poly: Sequence[Fraction]) -> list[Number] | None:
    """Real roots of c0 + c1·r + c2·r² (exact when rational); None if the polynomial is zero."""
    c = list(poly) + [Fraction(0)] * (3 - len(poly))
    c0, c1, c2 = c[0], c[1], c[2]
    if c2 == 0:
        if c1 == 0:
            return None if c0 == 0 else []
        return [-c0 / c1]
    disc = c1 * c1 - 4 * c2 * c0
    if disc < 0:
        return []
    if disc == 0:
        return [-c1 / (2 * c2)]
    s = _exact_sqrt(disc)
    if s is not None:
        return [(-c1 - s) / (2 * c2), (-c1 + s) / (2 * c2)]
    root = math.sqrt(float(disc))
    # the numerically stable pair of formulas
    q = -0.5 * (float(c1) + math.copysign(root, float(c1)))
    return sorted([q / float(c2), float(c0) / q])


def _in_unit(t: Number) -> bool:
    return -_EPS <= t <= 1 + _EPS


def _clip(t: Number) -> Number:
    if isinstance(t, Fraction):
        return t
    return min(1.0, max(0.0, t))


def _three_mixed(G):
    """Totally mixed equilibria: eliminate p_0 and p_1, solve the quadratic in r = p_2."""
    g0, g1, g2 = G
    # g0 = N0(r) + D0(r)·p1 with N0 = a0 + c0 r, D0 = b0 + d0 r  (g0's variables are p1, p2)
    N0, D0 = [g0.a, g0.c], [g0.b, g0.d]
    # g1 = N1(r) + D1(r)·p0 (g1's variables are p0, p2)
    N1, D1 = [g1.a, g1.c], [g1.b, g1.d]
    # with p0 = -N1/D1, p1 = -N0/D0:  g2·D0·D1 = a2 D0 D1 − b2 N1 D0 − c2 N0 D1 + d2 N0 N1
    poly = _poly_add(
        _scale(_poly_mul(D0, D1), g2.a),
        _scale(_poly_mul(N1, D0), -g2.b),
        _scale(_poly_mul(N0, D1), -g2.c),
        _scale(_poly_mul(N0, N1), g2.d),
    )
    out = []
    complete, degenerate = True, False
    roots = real_roots(poly)
    if roots is None:  # a curve of candidate solutions
        return [], True, False
    for r in roots:
        if not _in_unit(r):
            continue
        r = _clip(r)
        d0, d1 = D0[0] + D0[1] * r, D1[0] + D1[1] * r
        if _is_zero(d0) or _is_zero(d1):
            continue  # handled below with the special values of r
        p0, p1 = -(N1[0] + N1[1] * r) / d1, -(N0[0] + N0[1] * r) / d0
        if _in_unit(p0) and _in_unit(p1):
            out.append((_clip(p0), _clip(p1), r))
    # special values of r where D0 or D1 vanishes: then N must vanish too and a probability is free
    specials = set()
    for N, D in ((N0, D0), (N1, D1)):
        if D[1] != 0:
            specials.add(-D[0] / D[1])
        elif D[0] == 0:  # D ≡ 0: the indifference N(r) = 0 pins r by itself
            if N[1] != 0:
                specials.add(-N[0] / N[1])
            elif N[0] == 0:  # the player is always indifferent: a curve; probe the ends
                specials.update((Fraction(0), Fraction(1)))
                complete = False
                degenerate = True
    for r in specials:
        if not 0 <= r <= 1:
            continue
        found, deg, comp = _three_mixed_at(G, r)
        out += found
        degenerate |= deg
        complete &= comp
    return out, degenerate, complete


def _is_zero(x: Number) -> bool:
    return x == 0 if isinstance(x, Fraction) else abs(x) < 1e-12


def _three_mixed_at(G, r: Fraction):
    """Totally mixed equilibria with p_2 = r where an indifference does not pin its variable."""
    g0, g1, g2 = G
    n0, d0 = g0.a + g0.c * r, g0.b + g0.d * r  # g0 = n0 + d0·p1
    n1, d1 = g1.a + g1.c * r, g1.b + g1.d * r  # g1 = n1 + d1·p0
    p1s = _root(n0, d0)
    p0s = _root(n1, d1)
    out = []
    if p0s is None and p1s is None:  # p0, p1 both free: g2(p0, p1) = 0 is a curve
        return [], True, False
    if p0s is not None and p1s is not None:
        for p0, p1 in itertools.product(p0s, p1s):
            if g2.at(p0, p1) == 0:
                out.append((p0, p1, r))
        return out, False, True
    degenerate = False
    if p0s is None:
        for p1 in p1s:  # g2 = (a2 + c2 p1) + (b2 + d2 p1)·p0
            sols = _root(g2.a + g2.c * p1, g2.b + g2.d * p1)
            degenerate |= sols is None
            out += [(p0, p1, r) for p0 in ([Fraction(0), Fraction(1)] if sols is None else sols)]
        return out, degenerate, True
    for p0 in p0s:  # g2 = (a2 + b2 p0) + (c2 + d2 p0)·p1
        sols = _root(g2.a + g2.b * p0, g2.c + g2.d * p0)
        degenerate |= sols is None
        out += [(p0, p1, r) for p1 in ([Fraction(0), Fraction(1)] if sols is None else sols)]
    return out, degenerate, True


def solve_2x2x2(game: NormalFormGame) -> Solution:
    """All equilibria of a 2×2×2 game (extreme points of segments in degenerate games), verified.

    ``complete`` is False only when the game has a two-dimensional piece or a curve of
    equilibria that the end points do not describe; the note says so.
    """
    if game.shape != (2, 2, 2):
        raise InputError(f"game '{game.title}': the three-player solver needs a 2×2×2 game, got {game.shape}")
    cands = candidate_points(game.payoffs)
    found = []
    for pt in cands.points:
        profile = [np.array([1.0 - float(p), float(p)]) for p in pt]
        eq = verify(game, profile)
        if eq is not None:
            found.append(eq)
    equilibria = sorted(deduplicate(found), key=sort_key)
    note = ""
    if cands.degenerate:
        note = "degenerate game: some equilibria form segments; their end points are listed"
    if not cands.complete:
        note = ("degenerate game: a region or curve of equilibria is only sampled at its boundary; "
                "the list is not complete")
    return Solution(game, tuple(equilibria), "three-player-support-enumeration", cands.complete, tolerance(game), note)
